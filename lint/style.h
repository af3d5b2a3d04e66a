// lint/style.h: how the text outputs look on a terminal.
//
// One table says which tone each kind of text has (a severity, an accept, a
// widening, a path), so `eval`, `lint` and `diff` colour alike; colour goes
// through fmt's terminal styles. Whether to colour at all is decided once
// per run (WantColor): never when `--no-color` is given, when NO_COLOR is set
// to a non-empty value (no-color.org), or when standard output is not a
// terminal.

#ifndef TRUSTCHECK_LINT_STYLE_H_
#define TRUSTCHECK_LINT_STYLE_H_

#include <string>
#include <string_view>

#include "lint/rule.h"

namespace trustcheck::lint {

enum class Tone : unsigned char {
  kPlain,
  kHeading,   // a file's path above its findings
  kQuiet,     // a rule's id and name
  kMarker,    // the caret under a source line
  kGood,      // ACCEPT, UNCHANGED
  kBad,       // REJECT, WIDENED
  kWarning,   // NARROWED
  kUnsure,    // UNDECIDED
};

// `text` in `tone` when `color` is set; `text` unchanged otherwise.
std::string Paint(bool color, Tone tone, std::string_view text);
// A severity's name in its tone (critical bold red, high red, medium yellow,
// low cyan, info dim).
std::string PaintSeverity(bool color, Severity severity);

// The colour policy: false with `--no-color`, with a non-empty NO_COLOR, or
// when standard output is not a terminal.
bool WantColor(bool no_color_flag);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_STYLE_H_
