// trustcheck/wording.h: how messages list things in English.
//
// Every message that names several values lists them the same way, with a
// comma between all but the last two and the conjunction before the last:
//
//   JoinWords({"branch", "tag", "environment"}, "or")  -> "branch, tag or environment"
//   JoinCode({"aud", "sub"}, "and")                    -> "`aud` and `sub`"
//   JoinWords({}, "or")                                -> ""

#ifndef TRUSTCHECK_WORDING_H_
#define TRUSTCHECK_WORDING_H_

#include <string>
#include <string_view>
#include <vector>

namespace trustcheck {

inline std::string JoinWords(const std::vector<std::string>& items, std::string_view conjunction) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) {
      if (i + 1 == items.size()) {
        out += ' ';
        out += conjunction;
        out += ' ';
      } else {
        out += ", ";
      }
    }
    out += items[i];
  }
  return out;
}

// The same, each item in backticks (user input and names in messages).
inline std::string JoinCode(const std::vector<std::string>& items, std::string_view conjunction) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const std::string& item : items) quoted.push_back("`" + item + "`");
  return JoinWords(quoted, conjunction);
}

}  // namespace trustcheck

#endif  // TRUSTCHECK_WORDING_H_
