#include "lint/style.h"

#include <fmt/color.h>
#include <unistd.h>

#include <cstdlib>

namespace trustcheck::lint {

namespace {

fmt::text_style StyleOf(Tone tone) {
  switch (tone) {
    case Tone::kPlain: return {};
    case Tone::kHeading: return fmt::emphasis::bold;
    case Tone::kQuiet: return fmt::emphasis::faint;
    case Tone::kMarker: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::green);
    case Tone::kGood: return fmt::fg(fmt::terminal_color::green);
    case Tone::kBad: return fmt::fg(fmt::terminal_color::red);
    case Tone::kWarning: return fmt::fg(fmt::terminal_color::yellow);
    case Tone::kUnsure: return fmt::fg(fmt::terminal_color::magenta);
  }
  return {};
}

fmt::text_style StyleOf(Severity severity) {
  switch (severity) {
    case Severity::kCritical: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::red);
    case Severity::kHigh: return fmt::fg(fmt::terminal_color::red);
    case Severity::kMedium: return fmt::fg(fmt::terminal_color::yellow);
    case Severity::kLow: return fmt::fg(fmt::terminal_color::cyan);
    case Severity::kInfo: return fmt::emphasis::faint;
  }
  return {};
}

std::string Styled(bool color, const fmt::text_style& style, std::string_view text) {
  if (!color) return std::string(text);
  return fmt::format(style, "{}", text);
}

}  // namespace

std::string Paint(bool color, Tone tone, std::string_view text) {
  return Styled(color && tone != Tone::kPlain, StyleOf(tone), text);
}

std::string PaintSeverity(bool color, Severity severity) {
  return Styled(color, StyleOf(severity), SeverityName(severity));
}

bool WantColor(bool no_color_flag) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color_flag || (no_color != nullptr && *no_color != '\0')) return false;
  return isatty(STDOUT_FILENO) != 0;
}

}  // namespace trustcheck::lint
