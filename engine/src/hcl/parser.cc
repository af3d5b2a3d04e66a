// The HCL2 parser: tokens -> Body / Expr, recursive descent with a depth
// bound. Errors are sticky: the first one is kept and every caller unwinds.

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <map>

#include "hcl/hcl.h"
#include "hcl/lexer.h"

namespace trustcheck::hcl {
namespace {

// Binding strength of binary operators (higher binds tighter); 0: not one.
int Precedence(Tok kind) {
  switch (kind) {
    case Tok::kOr: return 1;
    case Tok::kAnd: return 2;
    case Tok::kEq: case Tok::kNe: return 3;
    case Tok::kLt: case Tok::kLe: case Tok::kGt: case Tok::kGe: return 4;
    case Tok::kPlus: case Tok::kMinus: return 5;
    case Tok::kStar: case Tok::kSlash: case Tok::kPercent: return 6;
    default: return 0;
  }
}

BinaryOp ToBinaryOp(Tok kind) {
  switch (kind) {
    case Tok::kOr: return BinaryOp::kOr;
    case Tok::kAnd: return BinaryOp::kAnd;
    case Tok::kEq: return BinaryOp::kEq;
    case Tok::kNe: return BinaryOp::kNe;
    case Tok::kLt: return BinaryOp::kLt;
    case Tok::kLe: return BinaryOp::kLe;
    case Tok::kGt: return BinaryOp::kGt;
    case Tok::kGe: return BinaryOp::kGe;
    case Tok::kPlus: return BinaryOp::kAdd;
    case Tok::kMinus: return BinaryOp::kSub;
    case Tok::kStar: return BinaryOp::kMul;
    case Tok::kSlash: return BinaryOp::kDiv;
    default: return BinaryOp::kMod;
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Parser {
 public:
  Parser(std::vector<Token> tokens, FileId path)
      : toks_(std::move(tokens)), path_(std::move(path)) {}

  Result<File> ParseFile() {
    File file;
    file.path = path_;
    ParseBody(file.body, nullptr);
    if (!error_.ok()) return error_;
    return file;
  }

  Result<ExprPtr> ParseLoneExpression() {
    skip_newlines_ = true;
    ExprPtr expr = ParseExpr();
    if (expr && Cur().kind != Tok::kEof) Fail(Cur(), fmt::format("unexpected {} after the expression", What(Cur())));
    if (!error_.ok()) return error_;
    return expr;
  }

 private:
  // ---- tokens ----

  const Token& Cur() {
    if (skip_newlines_) {
      while (toks_[pos_].kind == Tok::kNewline) ++pos_;
    }
    return toks_[pos_];
  }
  // The raw token after the current one (no newline skipping).
  const Token& PeekNext() {
    Cur();
    return toks_[pos_ + 1 < toks_.size() ? pos_ + 1 : pos_];
  }
  const Token& Take() {
    const Token& t = Cur();
    if (t.kind != Tok::kEof) ++pos_;
    return t;
  }
  bool At(Tok kind) { return Cur().kind == kind; }
  bool AtKeyword(std::string_view word) { return Cur().kind == Tok::kIdent && Cur().text == word; }

  SourceLoc Loc(const Token& t) const { return SourceLoc{path_, t.line, t.column}; }
  static std::string What(const Token& t) { return Describe(t.kind, t.text); }

  // Records the first error; returns nullptr so callers can `return Fail(...)`.
  std::nullptr_t Fail(const Token& at, std::string message) {
    if (error_.ok()) error_ = Status::Error(Loc(at), std::move(message));
    return nullptr;
  }
  bool failed() const { return !error_.ok(); }

  // Takes a token of `kind` or fails with "expected <what>, found <token>".
  bool Expect(Tok kind, std::string_view what) {
    if (At(kind)) {
      Take();
      return true;
    }
    Fail(Cur(), fmt::format("expected {}, found {}", what, What(Cur())));
    return false;
  }

  // Inside brackets and interpolations newlines are insignificant; in bodies
  // and object constructors they separate items.
  class NewlineMode {
   public:
    NewlineMode(Parser& p, bool skip) : p_(p), saved_(p.skip_newlines_) { p.skip_newlines_ = skip; }
    ~NewlineMode() { p_.skip_newlines_ = saved_; }

   private:
    Parser& p_;
    bool saved_;
  };

  class DepthGuard {
   public:
    DepthGuard(Parser& p, const Token& at) : p_(p) {
      ok_ = ++p_.depth_ <= kMaxNesting;
      if (!ok_) p_.Fail(at, fmt::format("nesting is deeper than the limit of {} levels", kMaxNesting));
    }
    ~DepthGuard() { --p_.depth_; }
    bool ok() const { return ok_; }

   private:
    Parser& p_;
    bool ok_;
  };

  ExprPtr Node(Expr::Kind kind, const Token& at) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = Loc(at);
    return e;
  }

  // ---- bodies ----

  // Parses attributes and blocks until the end of the file (block == nullptr)
  // or the `}` closing `block` (left for the caller).
  bool ParseBody(Body& body, const Token* block) {
    NewlineMode mode(*this, false);
    std::map<std::string, uint32_t, std::less<>> defined;  // attribute -> line
    while (true) {
      const Token& t = Cur();
      if (t.kind == Tok::kNewline) {
        Take();
        continue;
      }
      if (t.kind == Tok::kEof) {
        if (block) {
          Fail(*block, fmt::format("block `{}` is not closed by `}}`", block->text));
          return false;
        }
        return true;
      }
      if (t.kind == Tok::kRBrace) {
        if (block) return true;
        Fail(t, "unexpected `}` outside any block");
        return false;
      }
      if (t.kind != Tok::kIdent) {
        Fail(t, fmt::format("expected an attribute or block name, found {}", What(t)));
        return false;
      }
      const Token& name = Take();
      if (At(Tok::kAssign)) {
        Take();
        Attribute attr;
        attr.name = name.text;
        attr.loc = Loc(name);
        attr.expr = ParseExpr();
        if (!attr.expr) return false;
        const Token& end = Cur();
        if (end.kind == Tok::kNewline) {
          Take();
        } else if (end.kind != Tok::kEof && !(end.kind == Tok::kRBrace && block)) {
          Fail(end, fmt::format("expected a newline after the value of `{}`, found {}", name.text, What(end)));
          return false;
        }
        auto [it, inserted] = defined.emplace(name.text, name.line);
        if (!inserted) {
          Fail(name, fmt::format("attribute `{}` is already defined at line {}", name.text, it->second));
          return false;
        }
        body.attributes.push_back(std::move(attr));
      } else if (At(Tok::kOQuote) || At(Tok::kIdent) || At(Tok::kLBrace)) {
        Block parsed;
        if (!ParseBlock(name, parsed)) return false;
        body.blocks.push_back(std::move(parsed));
      } else {
        Fail(Cur(), fmt::format("expected `=` or a block after `{}`, found {}", name.text, What(Cur())));
        return false;
      }
    }
  }

  bool ParseBlock(const Token& type, Block& block) {
    DepthGuard guard(*this, type);
    if (!guard.ok()) return false;
    block.type = type.text;
    block.loc = Loc(type);
    while (At(Tok::kOQuote) || At(Tok::kIdent)) {
      const Token& start = Take();
      block.label_locs.push_back(Loc(start));
      if (start.kind == Tok::kIdent) {
        block.labels.push_back(start.text);
        continue;
      }
      std::string label;
      if (At(Tok::kTemplateLiteral)) label = Take().text;
      if (!At(Tok::kCQuote)) {
        Fail(Cur(), fmt::format("the labels of block `{}` cannot contain interpolations or directives", type.text));
        return false;
      }
      Take();
      block.labels.push_back(std::move(label));
    }
    if (!Expect(Tok::kLBrace, fmt::format("`{{` to open block `{}`", type.text))) return false;
    if (!ParseBody(block.body, &type)) return false;
    Take();  // `}`
    const Token& end = Cur();
    if (end.kind == Tok::kNewline) {
      Take();
    } else if (end.kind != Tok::kEof && end.kind != Tok::kRBrace) {
      Fail(end, fmt::format("expected a newline after the end of block `{}`, found {}", type.text, What(end)));
      return false;
    }
    return true;
  }

  // ---- expressions ----

  ExprPtr ParseExpr() {
    const Token& start = Cur();
    DepthGuard guard(*this, start);
    if (!guard.ok()) return nullptr;
    ExprPtr cond = ParseBinary(1);
    if (!cond || !At(Tok::kQuestion)) return cond;
    Take();
    ExprPtr then = ParseExpr();
    if (!then || !Expect(Tok::kColon, "`:` in the conditional expression")) return nullptr;
    ExprPtr otherwise = ParseExpr();
    if (!otherwise) return nullptr;
    auto e = Node(Expr::Kind::kConditional, start);
    e->loc = cond->loc;
    e->source = std::move(cond);
    e->other = std::move(then);
    e->third = std::move(otherwise);
    return e;
  }

  // Precedence climbing; operators of equal precedence associate left.
  ExprPtr ParseBinary(int min_precedence) {
    ExprPtr lhs = ParseUnary();
    while (lhs) {
      const int precedence = Precedence(Cur().kind);
      if (precedence == 0 || precedence < min_precedence) break;
      const Token& op = Take();
      ExprPtr rhs = ParseBinary(precedence + 1);
      if (!rhs) return nullptr;
      auto e = Node(Expr::Kind::kBinary, op);
      e->loc = lhs->loc;
      e->binary_op = ToBinaryOp(op.kind);
      e->source = std::move(lhs);
      e->other = std::move(rhs);
      lhs = std::move(e);
    }
    return lhs;
  }

  ExprPtr ParseUnary() {
    if (!At(Tok::kBang) && !At(Tok::kMinus)) return ParsePostfix();
    const Token& op = Take();
    DepthGuard guard(*this, op);
    if (!guard.ok()) return nullptr;
    ExprPtr operand = ParseUnary();
    if (!operand) return nullptr;
    auto e = Node(Expr::Kind::kUnary, op);
    e->unary_op = op.kind == Tok::kBang ? UnaryOp::kNot : UnaryOp::kNegate;
    e->source = std::move(operand);
    return e;
  }

  // Appends a traversal step, starting a relative traversal when `e` is not
  // already a traversal (`f(x).y`).
  static ExprPtr AddStep(ExprPtr e, Step step) {
    if (e->kind == Expr::Kind::kScopeTraversal || e->kind == Expr::Kind::kRelativeTraversal) {
      e->steps.push_back(std::move(step));
      return e;
    }
    auto rel = std::make_unique<Expr>();
    rel->kind = Expr::Kind::kRelativeTraversal;
    rel->loc = e->loc;
    rel->source = std::move(e);
    rel->steps.push_back(std::move(step));
    return rel;
  }

  // One step (`.name`, `.0`, `[expr]`) if the next tokens form one that is
  // not a splat. Returns false on a syntax error.
  bool ParseStep(std::optional<Step>& step, bool attributes_only) {
    step.reset();
    const Token& t = Cur();
    if (t.kind == Tok::kDot) {
      const Token& n = PeekNext();
      if (n.kind == Tok::kStar) return true;
      Take();
      Take();
      Step s;
      s.loc = Loc(t);
      if (n.kind == Tok::kIdent) {
        s.kind = Step::Kind::kAttr;
        s.name = n.text;
      } else if (n.kind == Tok::kNumber) {
        s.kind = Step::Kind::kIndex;
        s.index = NumberLiteral(n);
        if (!s.index) return false;
      } else {
        Fail(n, fmt::format("expected an attribute name after `.`, found {}", What(n)));
        return false;
      }
      step = std::move(s);
      return true;
    }
    if (t.kind == Tok::kLBracket && !attributes_only) {
      if (PeekNext().kind == Tok::kStar) return true;
      NewlineMode mode(*this, true);
      Take();
      Step s;
      s.kind = Step::Kind::kIndex;
      s.loc = Loc(t);
      s.index = ParseExpr();
      if (!s.index || !Expect(Tok::kRBracket, "`]` to close the index")) return false;
      step = std::move(s);
    }
    return true;
  }

  ExprPtr ParsePostfix() {
    ExprPtr e = ParseTerm();
    while (e) {
      std::optional<Step> step;
      if (!ParseStep(step, false)) return nullptr;
      if (step) {
        e = AddStep(std::move(e), std::move(*step));
        continue;
      }
      // Splats: `x[*].a[0]` (the steps after it apply to each element) and
      // the legacy `x.*.a` (attribute steps only).
      const Token& t = Cur();
      const bool full = t.kind == Tok::kLBracket && PeekNext().kind == Tok::kStar;
      const bool attr = t.kind == Tok::kDot && PeekNext().kind == Tok::kStar;
      if (!full && !attr) break;
      Take();
      Take();
      if (full && !Expect(Tok::kRBracket, "`]` after `[*`")) return nullptr;
      auto splat = Node(Expr::Kind::kSplat, t);
      splat->source = std::move(e);
      while (true) {
        if (!ParseStep(step, attr)) return nullptr;
        if (!step) break;
        splat->steps.push_back(std::move(*step));
      }
      e = std::move(splat);
    }
    return e;
  }

  ExprPtr NumberLiteral(const Token& t) {
    double value = 0;
    auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
    if (ec != std::errc() || end != t.text.data() + t.text.size() || !std::isfinite(value)) {
      return Fail(t, fmt::format("number `{}` is out of range", t.text));
    }
    auto e = Node(Expr::Kind::kLiteral, t);
    e->literal = Value::Number(value, e->loc);
    return e;
  }

  ExprPtr ParseTerm() {
    const Token& t = Cur();
    switch (t.kind) {
      case Tok::kNumber:
        Take();
        return NumberLiteral(t);
      case Tok::kIdent:
        return ParseIdentTerm();
      case Tok::kOQuote:
      case Tok::kOHeredoc:
        return ParseTemplate();
      case Tok::kLParen: {
        NewlineMode mode(*this, true);
        Take();
        ExprPtr inner = ParseExpr();
        if (!inner) return nullptr;
        if (At(Tok::kEof)) return Fail(t, "`(` is not closed by `)`");
        if (!Expect(Tok::kRParen, "`)`")) return nullptr;
        return inner;
      }
      case Tok::kLBracket:
        return ParseTuple();
      case Tok::kLBrace:
        return ParseObject();
      default:
        return Fail(t, fmt::format("expected an expression, found {}", What(t)));
    }
  }

  ExprPtr ParseIdentTerm() {
    const Token& t = Take();
    if (t.text == "true" || t.text == "false") {
      auto e = Node(Expr::Kind::kLiteral, t);
      e->literal = Value::Bool(t.text == "true", e->loc);
      return e;
    }
    if (t.text == "null") {
      auto e = Node(Expr::Kind::kLiteral, t);
      e->literal = Value::Null(e->loc);
      return e;
    }
    // Function names may carry a namespace: `provider::aws::arn_parse(...)`.
    const Token& next = toks_[pos_];
    if (next.kind == Tok::kLParen || next.kind == Tok::kDoubleColon) {
      std::string name = t.text;
      while (toks_[pos_].kind == Tok::kDoubleColon) {
        ++pos_;
        if (toks_[pos_].kind != Tok::kIdent) {
          return Fail(toks_[pos_], fmt::format("expected a function name after `{}::`", name));
        }
        name += "::" + toks_[pos_++].text;
      }
      if (toks_[pos_].kind != Tok::kLParen) {
        return Fail(toks_[pos_], fmt::format("expected `(` after the function name `{}`", name));
      }
      return ParseCall(t, std::move(name));
    }
    auto e = Node(Expr::Kind::kScopeTraversal, t);
    e->name = t.text;
    return e;
  }

  ExprPtr ParseCall(const Token& start, std::string name) {
    NewlineMode mode(*this, true);
    const Token& open = Take();  // `(`
    DepthGuard guard(*this, open);
    if (!guard.ok()) return nullptr;
    auto e = Node(Expr::Kind::kCall, start);
    e->name = std::move(name);
    while (!At(Tok::kRParen)) {
      if (At(Tok::kEof)) return Fail(open, fmt::format("the call of `{}` is not closed by `)`", e->name));
      ExprPtr arg = ParseExpr();
      if (!arg) return nullptr;
      e->items.push_back(std::move(arg));
      if (At(Tok::kEllipsis)) {
        Take();
        e->expand_final = true;
        if (At(Tok::kComma)) Take();
        if (!At(Tok::kRParen)) {
          return Fail(Cur(), fmt::format("`...` may only follow the last argument of `{}`", e->name));
        }
        break;
      }
      if (At(Tok::kComma)) {
        Take();
      } else if (At(Tok::kEof)) {
        return Fail(open, fmt::format("the call of `{}` is not closed by `)`", e->name));
      } else if (!At(Tok::kRParen)) {
        return Fail(Cur(), fmt::format("expected `,` or `)` in the arguments of `{}`, found {}", e->name,
                                       What(Cur())));
      }
    }
    Take();
    return e;
  }

  bool AtForKeyword() { return AtKeyword("for") && PeekNext().kind == Tok::kIdent; }

  ExprPtr ParseTuple() {
    NewlineMode mode(*this, true);
    const Token& open = Take();
    DepthGuard guard(*this, open);
    if (!guard.ok()) return nullptr;
    if (AtForKeyword()) return ParseFor(open, false);
    auto e = Node(Expr::Kind::kTuple, open);
    while (!At(Tok::kRBracket)) {
      if (At(Tok::kEof)) return Fail(open, "`[` is not closed by `]`");
      ExprPtr item = ParseExpr();
      if (!item) return nullptr;
      e->items.push_back(std::move(item));
      if (At(Tok::kComma)) {
        Take();
      } else if (At(Tok::kEof)) {
        return Fail(open, "`[` is not closed by `]`");
      } else if (!At(Tok::kRBracket)) {
        return Fail(Cur(), fmt::format("expected `,` or `]` after a tuple element, found {}", What(Cur())));
      }
    }
    Take();
    return e;
  }

  void SkipNewlines() {
    while (toks_[pos_].kind == Tok::kNewline) ++pos_;
  }

  ExprPtr ParseObject() {
    NewlineMode mode(*this, false);
    const Token& open = Take();
    DepthGuard guard(*this, open);
    if (!guard.ok()) return nullptr;
    SkipNewlines();
    if (AtForKeyword()) {
      NewlineMode inner(*this, true);
      return ParseFor(open, true);
    }
    auto e = Node(Expr::Kind::kObject, open);
    while (true) {
      SkipNewlines();
      if (At(Tok::kRBrace)) break;
      if (At(Tok::kEof)) return Fail(open, "`{` is not closed by `}`");
      ObjectItem item;
      const Token& key = Cur();
      const Tok after = PeekNext().kind;
      if (key.kind == Tok::kIdent && (after == Tok::kAssign || after == Tok::kColon)) {
        // A bare name is the key itself, not a variable: `{ Effect = "Allow" }`.
        Take();
        item.key = Node(Expr::Kind::kTemplate, key);
        TemplatePart part;
        part.kind = TemplatePart::Kind::kLiteral;
        part.loc = Loc(key);
        part.literal = key.text;
        item.key->parts.push_back(std::move(part));
      } else {
        item.key = ParseExpr();
        if (!item.key) return nullptr;
      }
      if (At(Tok::kAssign) || At(Tok::kColon)) {
        Take();
      } else {
        return Fail(Cur(), fmt::format("expected `=` or `:` after an object key, found {}", What(Cur())));
      }
      item.value = ParseExpr();
      if (!item.value) return nullptr;
      e->fields.push_back(std::move(item));
      if (At(Tok::kComma) || At(Tok::kNewline)) {
        Take();
      } else if (!At(Tok::kRBrace)) {
        return Fail(Cur(), fmt::format("expected `,`, a newline or `}}` after an object item, found {}",
                                       What(Cur())));
      }
    }
    Take();
    return e;
  }

  // After `[` or `{` (skipping newlines): `for k, v in coll : ...`.
  ExprPtr ParseFor(const Token& open, bool object) {
    Take();  // `for`
    auto e = Node(Expr::Kind::kFor, open);
    e->for_clause = std::make_unique<ForClause>();
    ForClause& f = *e->for_clause;
    f.object = object;
    if (!At(Tok::kIdent)) return Fail(Cur(), fmt::format("expected a variable name after `for`, found {}", What(Cur())));
    f.value_var = Take().text;
    if (At(Tok::kComma)) {
      Take();
      if (!At(Tok::kIdent)) return Fail(Cur(), fmt::format("expected a variable name after `,`, found {}", What(Cur())));
      f.key_var = std::move(f.value_var);
      f.value_var = Take().text;
    }
    if (!AtKeyword("in")) return Fail(Cur(), fmt::format("expected `in` after the `for` variables, found {}", What(Cur())));
    Take();
    f.collection = ParseExpr();
    if (!f.collection || !Expect(Tok::kColon, "`:` after the `for` collection")) return nullptr;
    if (object) {
      f.key = ParseExpr();
      if (!f.key || !Expect(Tok::kFatArrow, "`=>` after the key of a `for` object")) return nullptr;
    }
    f.value = ParseExpr();
    if (!f.value) return nullptr;
    if (object && At(Tok::kEllipsis)) {
      Take();
      f.group = true;
    }
    if (AtKeyword("if")) {
      Take();
      f.condition = ParseExpr();
      if (!f.condition) return nullptr;
    }
    const Tok close = object ? Tok::kRBrace : Tok::kRBracket;
    if (At(Tok::kEof)) return Fail(open, fmt::format("{} is not closed", What(open)));
    if (!Expect(close, object ? "`}` to close the `for` expression" : "`]` to close the `for` expression")) {
      return nullptr;
    }
    return e;
  }

  // ---- templates ----

  ExprPtr ParseTemplate() {
    const Token& open = Take();
    DepthGuard guard(*this, open);
    if (!guard.ok()) return nullptr;
    auto e = Node(Expr::Kind::kTemplate, open);
    e->heredoc = open.kind == Tok::kOHeredoc;
    pending_strip_ = false;
    const Tok close = e->heredoc ? Tok::kCHeredoc : Tok::kCQuote;
    std::string stop;
    if (!ParseParts(e->parts, close, {}, nullptr, stop)) return nullptr;
    Take();  // the closing quote or marker
    return e;
  }

  static void TrimTrailingSpace(std::vector<TemplatePart>& parts) {
    if (parts.empty() || parts.back().kind != TemplatePart::Kind::kLiteral) return;
    std::string& s = parts.back().literal;
    while (!s.empty() && IsSpace(s.back())) s.pop_back();
    if (s.empty()) parts.pop_back();
  }

  // Parses template parts up to the template's end (`close`) or, inside a
  // directive opened at `opener`, up to one of the directive keywords in
  // `stops` (consumed; the keyword is stored in `stopped_at`).
  bool ParseParts(std::vector<TemplatePart>& parts, Tok close, std::initializer_list<std::string_view> stops,
                  const Token* opener, std::string& stopped_at) {
    while (true) {
      const Token& t = Cur();
      if (t.kind == Tok::kTemplateLiteral) {
        Take();
        TemplatePart part;
        part.kind = TemplatePart::Kind::kLiteral;
        part.loc = Loc(t);
        part.literal = t.text;
        if (pending_strip_) {
          size_t n = 0;
          while (n < part.literal.size() && IsSpace(part.literal[n])) ++n;
          part.literal.erase(0, n);
        }
        pending_strip_ = false;
        if (!part.literal.empty()) parts.push_back(std::move(part));
        continue;
      }
      if (t.kind == close) {
        if (opener) {
          Fail(*opener, fmt::format("template directive is not closed by `%{{ {} }}`", *(stops.end() - 1)));
          return false;
        }
        return true;
      }
      if (t.kind == Tok::kTemplateInterp) {
        if (t.strip) TrimTrailingSpace(parts);
        pending_strip_ = false;
        Take();
        NewlineMode mode(*this, true);
        TemplatePart part;
        part.kind = TemplatePart::Kind::kInterp;
        part.loc = Loc(t);
        part.expr = ParseExpr();
        if (!part.expr || !ExpectSeqEnd("interpolation")) return false;
        parts.push_back(std::move(part));
        continue;
      }
      if (t.kind == Tok::kTemplateControl) {
        if (t.strip) TrimTrailingSpace(parts);
        pending_strip_ = false;
        Take();
        NewlineMode mode(*this, true);
        const Token& keyword = Cur();
        if (keyword.kind == Tok::kIdent) {
          for (std::string_view stop : stops) {
            if (keyword.text == stop) {
              Take();
              stopped_at = keyword.text;
              return ExpectSeqEnd("directive");
            }
          }
          if (keyword.text == "if") {
            if (!ParseIfDirective(parts, close, t)) return false;
            continue;
          }
          if (keyword.text == "for") {
            if (!ParseForDirective(parts, close, t)) return false;
            continue;
          }
        }
        if (keyword.kind == Tok::kIdent &&
            (keyword.text == "else" || keyword.text == "endif" || keyword.text == "endfor")) {
          Fail(keyword, fmt::format("`%{{ {} }}` without a matching opening directive", keyword.text));
        } else {
          Fail(keyword, fmt::format("expected `if` or `for` after `%{{`, found {}", What(keyword)));
        }
        return false;
      }
      Fail(t, fmt::format("unexpected {} in a template", What(t)));
      return false;
    }
  }

  bool ExpectSeqEnd(std::string_view what) {
    if (!At(Tok::kTemplateSeqEnd)) {
      Fail(Cur(), fmt::format("expected `}}` to close the {}, found {}", what, What(Cur())));
      return false;
    }
    pending_strip_ = Take().strip;
    return true;
  }

  bool ParseIfDirective(std::vector<TemplatePart>& parts, Tok close, const Token& opener) {
    DepthGuard guard(*this, opener);
    if (!guard.ok()) return false;
    Take();  // `if`
    TemplatePart part;
    part.kind = TemplatePart::Kind::kIf;
    part.loc = Loc(opener);
    part.expr = ParseExpr();
    if (!part.expr || !ExpectSeqEnd("directive")) return false;
    std::string stop;
    if (!ParseParts(part.body, close, {"else", "endif"}, &opener, stop)) return false;
    if (stop == "else" && !ParseParts(part.else_body, close, {"endif"}, &opener, stop)) return false;
    parts.push_back(std::move(part));
    return true;
  }

  bool ParseForDirective(std::vector<TemplatePart>& parts, Tok close, const Token& opener) {
    DepthGuard guard(*this, opener);
    if (!guard.ok()) return false;
    Take();  // `for`
    TemplatePart part;
    part.kind = TemplatePart::Kind::kFor;
    part.loc = Loc(opener);
    if (!At(Tok::kIdent)) {
      Fail(Cur(), fmt::format("expected a variable name after `for`, found {}", What(Cur())));
      return false;
    }
    part.value_var = Take().text;
    if (At(Tok::kComma)) {
      Take();
      if (!At(Tok::kIdent)) {
        Fail(Cur(), fmt::format("expected a variable name after `,`, found {}", What(Cur())));
        return false;
      }
      part.key_var = std::move(part.value_var);
      part.value_var = Take().text;
    }
    if (!AtKeyword("in")) {
      Fail(Cur(), fmt::format("expected `in` after the `for` variables, found {}", What(Cur())));
      return false;
    }
    Take();
    part.expr = ParseExpr();
    if (!part.expr || !ExpectSeqEnd("directive")) return false;
    std::string stop;
    if (!ParseParts(part.body, close, {"endfor"}, &opener, stop)) return false;
    parts.push_back(std::move(part));
    return true;
  }

  std::vector<Token> toks_;
  FileId path_;
  size_t pos_ = 0;
  bool skip_newlines_ = false;
  bool pending_strip_ = false;  // a `~}` strips the start of the next literal
  int depth_ = 0;
  Status error_;
};

// ---- dumps ----

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string DumpSteps(const std::vector<Step>& steps) {
  std::string out;
  for (const Step& s : steps) {
    if (s.kind == Step::Kind::kAttr) {
      out += "." + s.name;
    } else {
      out += "[" + Dump(*s.index) + "]";
    }
  }
  return out;
}

std::string DumpParts(const std::vector<TemplatePart>& parts) {
  std::string out;
  for (const TemplatePart& p : parts) {
    if (!out.empty()) out += " ";
    switch (p.kind) {
      case TemplatePart::Kind::kLiteral: out += Quote(p.literal); break;
      case TemplatePart::Kind::kInterp: out += "${" + Dump(*p.expr) + "}"; break;
      case TemplatePart::Kind::kIf:
        out += "(if " + Dump(*p.expr) + " (" + DumpParts(p.body) + ")";
        if (!p.else_body.empty()) out += " (" + DumpParts(p.else_body) + ")";
        out += ")";
        break;
      case TemplatePart::Kind::kFor:
        out += "(for " + (p.key_var.empty() ? "" : p.key_var + ", ") + p.value_var + " in " + Dump(*p.expr) +
               " (" + DumpParts(p.body) + "))";
        break;
    }
  }
  return out;
}

void DumpBody(const Body& body, int indent, std::string& out);

}  // namespace

const char* OperatorText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kAnd: return "&&";
    case BinaryOp::kOr: return "||";
  }
  return "?";
}

std::string Dump(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return DebugString(e.literal);
    case Expr::Kind::kTemplate:
      if (!e.heredoc && e.parts.empty()) return "\"\"";
      if (!e.heredoc && e.parts.size() == 1 && e.parts[0].kind == TemplatePart::Kind::kLiteral) {
        return Quote(e.parts[0].literal);
      }
      return std::string(e.heredoc ? "(heredoc " : "(template ") + DumpParts(e.parts) + ")";
    case Expr::Kind::kTuple: {
      std::string out = "[";
      for (size_t i = 0; i < e.items.size(); ++i) out += (i ? ", " : "") + Dump(*e.items[i]);
      return out + "]";
    }
    case Expr::Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < e.fields.size(); ++i) {
        out += (i ? ", " : "") + Dump(*e.fields[i].key) + " = " + Dump(*e.fields[i].value);
      }
      return out + "}";
    }
    case Expr::Kind::kScopeTraversal:
      return e.name + DumpSteps(e.steps);
    case Expr::Kind::kRelativeTraversal:
      return "(rel " + Dump(*e.source) + " " + DumpSteps(e.steps) + ")";
    case Expr::Kind::kSplat:
      return "(splat " + Dump(*e.source) + (e.steps.empty() ? "" : " " + DumpSteps(e.steps)) + ")";
    case Expr::Kind::kCall: {
      std::string out = "(call " + e.name;
      for (const ExprPtr& arg : e.items) out += " " + Dump(*arg);
      return out + (e.expand_final ? " ...)" : ")");
    }
    case Expr::Kind::kUnary:
      return std::string(e.unary_op == UnaryOp::kNot ? "(! " : "(- ") + Dump(*e.source) + ")";
    case Expr::Kind::kBinary:
      return fmt::format("({} {} {})", OperatorText(e.binary_op), Dump(*e.source), Dump(*e.other));
    case Expr::Kind::kConditional:
      return fmt::format("(? {} {} {})", Dump(*e.source), Dump(*e.other), Dump(*e.third));
    case Expr::Kind::kFor: {
      const ForClause& f = *e.for_clause;
      std::string out = f.object ? "{for " : "[for ";
      if (!f.key_var.empty()) out += f.key_var + ", ";
      out += f.value_var + " in " + Dump(*f.collection) + " : ";
      if (f.object) out += Dump(*f.key) + " => ";
      out += Dump(*f.value);
      if (f.group) out += "...";
      if (f.condition) out += " if " + Dump(*f.condition);
      return out + (f.object ? "}" : "]");
    }
  }
  return "?";
}

namespace {

void DumpBody(const Body& body, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  for (const Attribute& a : body.attributes) out += pad + a.name + " = " + Dump(*a.expr) + "\n";
  for (const Block& b : body.blocks) {
    out += pad + b.type;
    for (const std::string& label : b.labels) out += " " + Quote(label);
    if (b.body.attributes.empty() && b.body.blocks.empty()) {
      out += " {}\n";
      continue;
    }
    out += " {\n";
    DumpBody(b.body, indent + 2, out);
    out += pad + "}\n";
  }
}

}  // namespace

std::string Dump(const Body& body) {
  std::string out;
  DumpBody(body, 0, out);
  return out;
}

std::string TraversalText(const Expr& e) {
  std::string out;
  if (e.kind == Expr::Kind::kScopeTraversal) {
    out = e.name;
  } else if (e.kind == Expr::Kind::kRelativeTraversal || e.kind == Expr::Kind::kSplat) {
    out = e.source->kind == Expr::Kind::kScopeTraversal || e.source->kind == Expr::Kind::kRelativeTraversal ||
                  e.source->kind == Expr::Kind::kSplat
              ? TraversalText(*e.source)
              : "(...)";
    if (e.kind == Expr::Kind::kSplat) out += "[*]";
  } else {
    return "(...)";
  }
  for (const Step& s : e.steps) {
    if (s.kind == Step::Kind::kAttr) {
      out += "." + s.name;
    } else if (s.index->kind == Expr::Kind::kLiteral ||
               (s.index->kind == Expr::Kind::kTemplate && s.index->parts.size() == 1 &&
                s.index->parts[0].kind == TemplatePart::Kind::kLiteral)) {
      out += "[" + Dump(*s.index) + "]";
    } else {
      out += "[...]";
    }
  }
  return out;
}

const Attribute* Body::Find(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::vector<const Block*> Body::BlocksOfType(std::string_view type) const {
  std::vector<const Block*> out;
  for (const Block& b : blocks) {
    if (b.type == type) out.push_back(&b);
  }
  return out;
}

Result<File> ParseFile(std::string_view text, std::string path) {
  FileId file = FileId::Of(path);
  Result<std::vector<Token>> tokens = Lex(text, file);
  if (!tokens.ok()) return tokens.status();
  return Parser(std::move(*tokens), file).ParseFile();
}

Result<ExprPtr> ParseTemplateFile(std::string_view text, std::string path) {
  FileId file = FileId::Of(path);
  Result<std::vector<Token>> tokens = LexTemplate(text, file);
  if (!tokens.ok()) return tokens.status();
  return Parser(std::move(*tokens), file).ParseLoneExpression();
}

Result<ExprPtr> ParseExpression(std::string_view text, std::string path) {
  FileId file = FileId::Of(path);
  Result<std::vector<Token>> tokens = Lex(text, file);
  if (!tokens.ok()) return tokens.status();
  return Parser(std::move(*tokens), file).ParseLoneExpression();
}

}  // namespace trustcheck::hcl
