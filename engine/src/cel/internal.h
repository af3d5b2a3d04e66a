// cel/internal.h: helpers shared by the CEL parser, values and evaluator.
// Not part of the cel.h contract.

#ifndef TRUSTCHECK_CEL_INTERNAL_H_
#define TRUSTCHECK_CEL_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cel/cel.h"

namespace trustcheck::cel::internal {

// `text` made safe to print inside backticks in a one-line message: control
// characters and invalid UTF-8 become \n, \t, \r or \xHH escapes, a backtick
// becomes \`, and long text is cut to `max_bytes` with an ellipsis.
std::string Sanitize(std::string_view text, size_t max_bytes = 80);

// `s` as a double-quoted CEL string literal ("a\n\"b\"").
std::string QuoteString(std::string_view s);

// A double as a CEL literal that reads back to the same value: 1.0, 0.5,
// 1e+100, +inf, -inf, NaN ("1.0" rather than "1" so that it stays a double).
std::string DoubleLiteral(double d);

// A double as CEL's string() conversion prints it (Go's strconv 'g' with the
// shortest precision): 1, 0.5, 1e+06, 1.5e-07, +Inf, -Inf, NaN.
std::string DoubleToString(double d);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// The number of Unicode code points in well-formed UTF-8 `s`.
size_t CodePointCount(std::string_view s);

// Numeric comparison across int, uint and double: -1, 0 or 1, or nullopt
// when either side is NaN or not a number.
std::optional<int> CompareNumbers(const Value& a, const Value& b);

inline bool IsNumber(Type t) { return t == Type::kInt || t == Type::kUint || t == Type::kDouble; }

}  // namespace trustcheck::cel::internal

#endif  // TRUSTCHECK_CEL_INTERNAL_H_
