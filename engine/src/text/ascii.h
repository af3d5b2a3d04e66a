// ASCII case folding, the only folding the platforms apply to the names and
// values trustcheck compares without case (condition keys and operators,
// issuer hosts, file extensions, ARM resource types): bytes outside A-Z are
// left as they are, so UTF-8 text passes through unchanged.

#ifndef TRUSTCHECK_TEXT_ASCII_H_
#define TRUSTCHECK_TEXT_ASCII_H_

#include <string>
#include <string_view>

namespace trustcheck {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

inline bool StartsWithIgnoringAsciiCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoringAsciiCase(text.substr(0, prefix.size()), prefix);
}

}  // namespace trustcheck

#endif  // TRUSTCHECK_TEXT_ASCII_H_
