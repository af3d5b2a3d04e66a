// A hand-written recursive-descent parser for the flexible FIC expression
// language (see entra_expression.h). Small enough that a table of tokens
// would add nothing; every error names what was found and where.

#include "formats/entra_expression.h"

#include <fmt/format.h>

#include <cctype>

namespace trustcheck::entra {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParsedExpression Run() {
    SkipSpace();
    if (AtEnd()) return Fail(pos_, "the expression is empty");
    while (true) {
      if (!ParseCondition()) return out_;
      size_t before_space = pos_;
      SkipSpace();
      if (AtEnd()) return out_;
      if (pos_ == before_space) return Fail(pos_, fmt::format("expected a space, found {}", Found()));
      std::string_view word = Word();
      if (word == "and") {
        pos_ += word.size();
        if (!RequireSpace("and")) return out_;
        continue;
      }
      if (word == "or" || word == "not")
        return Fail(pos_, fmt::format("`{}` is not supported; conditions can only be joined with `and`", word));
      return Fail(pos_, fmt::format("expected `and` between conditions, found {}", Found()));
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }
  // The run of non-space characters at the cursor (what a message shows).
  std::string_view Word() const {
    size_t end = pos_;
    while (end < text_.size() && !IsSpace(text_[end]) && text_[end] != '\'' && text_[end] != '[') ++end;
    return text_.substr(pos_, end - pos_);
  }
  std::string Found() const {
    if (AtEnd()) return "the end of the expression";
    std::string_view w = Word();
    if (w.empty()) w = text_.substr(pos_, 1);
    if (w.size() > 24) return fmt::format("`{}...`", w.substr(0, 24));
    return fmt::format("`{}`", w);
  }
  ParsedExpression Fail(size_t offset, std::string message) {
    out_.ok = false;
    out_.error_offset = offset;
    out_.error = std::move(message);
    out_.conditions.clear();
    return out_;
  }
  bool RequireSpace(std::string_view after) {
    if (AtEnd() || !IsSpace(text_[pos_])) {
      Fail(pos_, fmt::format("expected a space after `{}`, found {}", after, Found()));
      return false;
    }
    SkipSpace();
    return true;
  }
  bool Literal(std::string_view expected) {
    if (text_.substr(pos_, expected.size()) != expected) return false;
    pos_ += expected.size();
    return true;
  }

  // quoted := "'" ( [^'] | "''" )* "'"
  bool Quoted(std::string* value, const char* what) {
    if (AtEnd() || text_[pos_] != '\'') {
      Fail(pos_, fmt::format("expected {} in single quotes, found {}", what, Found()));
      return false;
    }
    size_t open = pos_++;
    value->clear();
    while (true) {
      if (AtEnd()) {
        Fail(open, fmt::format("{} starting here has no closing single quote", what));
        return false;
      }
      char c = text_[pos_++];
      if (c != '\'') {
        value->push_back(c);
        continue;
      }
      if (!AtEnd() && text_[pos_] == '\'') {  // `''` is one quote
        value->push_back('\'');
        ++pos_;
        continue;
      }
      return true;
    }
  }

  bool ParseCondition() {
    Condition c;
    size_t start = pos_;
    if (!Literal("claims[")) {
      Fail(start, fmt::format("expected a claim lookup `claims['NAME']`, found {}", Found()));
      return false;
    }
    c.claim_offset = pos_;
    if (!Quoted(&c.claim, "the claim name")) return false;
    if (c.claim.empty()) {
      Fail(c.claim_offset, "the claim name is empty");
      return false;
    }
    if (!Literal("]")) {
      Fail(pos_, fmt::format("expected `]` after the claim name, found {}", Found()));
      return false;
    }
    if (!RequireSpace(fmt::format("claims['{}']", c.claim))) return false;
    c.op_offset = pos_;
    std::string_view op = Word();
    if (op == "eq") {
      c.op = Condition::Op::kEq;
    } else if (op == "matches") {
      c.op = Condition::Op::kMatches;
    } else {
      Fail(pos_, fmt::format("unknown operator {}; expected `eq` or `matches`", Found()));
      return false;
    }
    pos_ += op.size();
    if (!RequireSpace(op)) return false;
    c.comparand_offset = pos_;
    if (!Quoted(&c.comparand, "the comparand")) return false;
    out_.conditions.push_back(std::move(c));
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  ParsedExpression out_;
};

}  // namespace

ParsedExpression ParseExpression(std::string_view text) { return Parser(text).Run(); }

}  // namespace trustcheck::entra
