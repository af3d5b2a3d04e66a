// `# trustcheck:ignore ...` comments.

#include "lint/suppression.h"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace trustcheck::lint {

namespace {

constexpr std::string_view kMarker = "trustcheck:ignore";

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

struct Directive {
  bool alone = false;               // the comment is the whole line
  std::vector<std::string> rules;   // empty: every rule
};

// The suppression comment on a line, if any. The marker must sit in a
// comment: after `#` or `//` at the start of the line or after whitespace.
std::optional<Directive> ParseLine(std::string_view line) {
  size_t at = line.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  size_t comment = std::string_view::npos;
  for (size_t i = 0; i < at; ++i) {
    bool starts = line[i] == '#' || (line[i] == '/' && i + 1 < at && line[i + 1] == '/');
    bool after_space = i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1]));
    if (starts && after_space) {
      comment = i;
      break;
    }
  }
  if (comment == std::string_view::npos) return std::nullopt;
  Directive d;
  std::string_view before = line.substr(0, comment);
  d.alone = before.find_first_not_of(" \t") == std::string_view::npos;
  std::string_view rest = line.substr(at + kMarker.size());
  if (!rest.empty() && !std::isspace(static_cast<unsigned char>(rest[0])) && rest[0] != ',') return std::nullopt;
  std::string token;
  auto flush = [&] {
    if (!token.empty()) d.rules.push_back(token);
    token.clear();
  };
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '-' && i + 1 < rest.size() && rest[i + 1] == '-' && token.empty()) break;  // reason follows
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      token += c;
    } else if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      break;
    }
  }
  flush();
  return d;
}

bool Covers(const Directive& d, const RuleInfo& rule) {
  if (d.rules.empty()) return true;
  for (const std::string& r : d.rules)
    if (IEquals(r, rule.id) || IEquals(r, rule.name)) return true;
  return false;
}

}  // namespace

bool IsSuppressed(const SourceLines& source, uint32_t line, const RuleInfo& rule) {
  if (source.is_json() || line == 0) return false;
  if (auto d = ParseLine(source.Line(line)); d && Covers(*d, rule)) return true;
  if (line > 1)
    if (auto d = ParseLine(source.Line(line - 1)); d && d->alone && Covers(*d, rule)) return true;
  return false;
}

}  // namespace trustcheck::lint
