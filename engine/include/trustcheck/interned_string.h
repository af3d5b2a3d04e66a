// trustcheck/interned_string.h: an immutable string stored once per process.
//
// OVERVIEW
//
// The AST repeats a small vocabulary in every trust: claim keys
// (`token.actions.githubusercontent.com:sub`), their JSON names (`sub`),
// issuer prefixes, operator spellings (`StringLike`), a check's words
// (`subject`), an account's identity-provider ARN. A std::string costs 32
// bytes plus a heap block for every copy; an InternedString is one pointer
// to the single copy of its text, so a million roles that read `sub` hold
// `sub` once.
//
//   InternedString display = "token.actions.githubusercontent.com:sub";
//   const std::string& text = display;     // reads as the string it stands for
//   if (display == "aws:SourceIp") ...     // compares text, interns nothing
//
// The table of texts lives until the process exits and never shrinks (like
// FileId's paths): intern vocabulary, never values that are unique per trust
// (a role's subject pattern stays a std::string in its operand).
//
// THREAD SAFETY
//
// Construction interns under a lock and may run on any thread; reading is
// lock-free (the texts never move).

#ifndef TRUSTCHECK_INTERNED_STRING_H_
#define TRUSTCHECK_INTERNED_STRING_H_

#include <fmt/format.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace trustcheck {

class InternedString {
 public:
  InternedString() : text_(&Empty()) {}
  // Interns `text`. Implicit: a member that was a std::string is assigned
  // from strings as before.
  InternedString(std::string_view text);  // NOLINT(google-explicit-constructor)
  InternedString(const std::string& text) : InternedString(std::string_view(text)) {}  // NOLINT
  InternedString(const char* text) : InternedString(std::string_view(text)) {}         // NOLINT

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT: reads as the string
  operator std::string_view() const { return *text_; }    // NOLINT
  const char* c_str() const { return text_->c_str(); }
  const char* data() const { return text_->data(); }
  size_t size() const { return text_->size(); }
  bool empty() const { return text_->empty(); }
  std::string::const_iterator begin() const { return text_->begin(); }
  std::string::const_iterator end() const { return text_->end(); }
  char operator[](size_t i) const { return (*text_)[i]; }
  size_t find(std::string_view s, size_t pos = 0) const { return text_->find(s, pos); }
  size_t find(char c, size_t pos = 0) const { return text_->find(c, pos); }
  std::string substr(size_t pos, size_t n = std::string::npos) const { return text_->substr(pos, n); }
  bool starts_with(std::string_view s) const { return text_->starts_with(s); }
  bool ends_with(std::string_view s) const { return text_->ends_with(s); }
  void clear() { text_ = &Empty(); }

  // Equal texts are one object: comparing two interned strings is comparing
  // pointers. Comparing with plain text compares the text and interns nothing.
  friend bool operator==(const InternedString& a, const InternedString& b) { return a.text_ == b.text_; }
  friend bool operator==(const InternedString& a, std::string_view b) { return *a.text_ == b; }
  friend bool operator==(const InternedString& a, const std::string& b) { return *a.text_ == b; }
  friend bool operator==(const InternedString& a, const char* b) { return *a.text_ == b; }
  friend bool operator<(const InternedString& a, const InternedString& b) { return *a.text_ < *b.text_; }
  friend std::string operator+(const InternedString& a, std::string_view b) { return *a.text_ + std::string(b); }
  friend std::string operator+(std::string_view a, const InternedString& b) { return std::string(a) + *b.text_; }

 private:
  static const std::string& Empty();
  const std::string* text_;
};

}  // namespace trustcheck

// `fmt::format("{}", display)` prints the text.
template <>
struct fmt::formatter<trustcheck::InternedString> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const trustcheck::InternedString& s, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s), ctx);
  }
};

template <>
struct std::hash<trustcheck::InternedString> {
  size_t operator()(const trustcheck::InternedString& s) const { return std::hash<std::string>()(s.str()); }
};

#endif  // TRUSTCHECK_INTERNED_STRING_H_
