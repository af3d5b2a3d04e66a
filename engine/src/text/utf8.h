// UTF-8 encoding of code points, for the parsers that decode escapes
// (`\u00e9` in JSON, HCL and CEL strings, YAML scalars) and for the glob
// analysis, which works on code points.

#ifndef TRUSTCHECK_TEXT_UTF8_H_
#define TRUSTCHECK_TEXT_UTF8_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trustcheck {

// Appends the UTF-8 bytes of code point `cp` (at most U+10FFFF; callers
// reject surrogates and larger values before).
inline void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) AppendUtf8(static_cast<uint32_t>(c), &out);
  return out;
}

// Reads the code point at s[*i] and moves *i past it; false when the bytes
// there are not UTF-8 (overlong forms, surrogates and values beyond U+10FFFF
// included).
inline bool NextCodePoint(std::string_view s, size_t* i, char32_t* out) {
  unsigned char b = static_cast<unsigned char>(s[*i]);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + len > s.size()) return false;
  char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < len; ++k) {
    unsigned char cb = static_cast<unsigned char>(s[*i + k]);
    if ((cb >> 6) != 0x2) return false;
    c = (c << 6) | (cb & 0x3F);
  }
  if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10FFFF ||
      (c >= 0xD800 && c <= 0xDFFF))
    return false;
  *out = c;
  *i += len;
  return true;
}

// Splits UTF-8 into code points; nullopt when the text is not valid UTF-8.
inline std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  char32_t c = 0;
  for (size_t i = 0; i < s.size();) {
    if (!NextCodePoint(s, &i, &c)) return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace trustcheck

#endif  // TRUSTCHECK_TEXT_UTF8_H_
