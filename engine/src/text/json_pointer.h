// JSON Pointer (RFC 6901) reference tokens: `~` is written `~0` and `/` is
// written `~1`, so a member name can be one step of a pointer
// (`/Statement/0/Condition/StringEquals/token.actions.githubusercontent.com:sub`).

#ifndef TRUSTCHECK_TEXT_JSON_POINTER_H_
#define TRUSTCHECK_TEXT_JSON_POINTER_H_

#include <string>
#include <string_view>

namespace trustcheck {

// Appends `name` escaped as one reference token.
inline void AppendJsonPointerToken(std::string_view name, std::string* out) {
  for (char c : name) {
    if (c == '~') {
      *out += "~0";
    } else if (c == '/') {
      *out += "~1";
    } else {
      *out += c;
    }
  }
}

inline std::string JsonPointerToken(std::string_view name) {
  std::string out;
  AppendJsonPointerToken(name, &out);
  return out;
}

}  // namespace trustcheck

#endif  // TRUSTCHECK_TEXT_JSON_POINTER_H_
