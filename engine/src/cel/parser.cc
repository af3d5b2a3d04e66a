// The CEL lexer and recursive-descent parser (grammar: cel-spec
// doc/langdef.md, "Syntax"), plus the Expr inspection helpers.

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "cel/cel.h"
#include "cel/internal.h"
#include "text/utf8.h"

namespace trustcheck::cel {
namespace {

using internal::Sanitize;

// ---------------------------------------------------------------------------
// Locations

// Maps a byte offset of the expression text to a SourceLoc in its file.
class Locator {
 public:
  Locator(std::string_view text, const SourceLoc& base, const ParseOptions& options)
      : base_(base), continuation_column_(options.continuation_column), locate_(options.locate) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        line_starts_.push_back(static_cast<uint32_t>(i + 1));
      }
    }
  }

  SourceLoc At(uint32_t offset) const {
    if (locate_) return locate_(offset);
    SourceLoc loc = base_;
    if (!base_.known()) return loc;
    size_t line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - line_starts_.begin() - 1;
    loc.line = base_.line + static_cast<uint32_t>(line);
    if (line == 0) {
      loc.column = base_.column == 0 ? 0 : base_.column + offset;
    } else {
      loc.column = continuation_column_ + (offset - line_starts_[line]);
    }
    return loc;
  }

 private:
  SourceLoc base_;
  uint32_t continuation_column_;
  std::function<SourceLoc(uint32_t)> locate_;
  std::vector<uint32_t> line_starts_;
};

// ---------------------------------------------------------------------------
// Lexer

enum class Tok : uint8_t {
  kEnd,
  kIdent,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kNot,
  kMinus,
  kPlus,
  kStar,
  kSlash,
  kPercent,
  kEqEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAndAnd,
  kOrOr,
};

struct Token {
  Tok kind = Tok::kEnd;
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string value;  // identifiers: the name; strings and bytes: the decoded bytes
};

bool IsIdentStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) { return IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

class Lexer {
 public:
  Lexer(std::string_view text, const Locator& locator) : s_(text), locator_(locator) {}

  // Splits the whole text into tokens, ending with kEnd.
  Result<std::vector<Token>> Tokenize() {
    std::vector<Token> tokens;
    while (true) {
      Token t;
      if (!Next(t)) return error_;
      tokens.push_back(std::move(t));
      if (tokens.back().kind == Tok::kEnd) return tokens;
    }
  }

 private:
  bool Fail(size_t offset, std::string message) {
    error_ = Status::Error(locator_.At(static_cast<uint32_t>(offset)), std::move(message));
    return false;
  }

  char At(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  void SkipSpaceAndComments() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++i_;
      } else if (c == '/' && At(i_ + 1) == '/') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
      } else {
        return;
      }
    }
  }

  bool Next(Token& t) {
    SkipSpaceAndComments();
    t.begin = static_cast<uint32_t>(i_);
    bool ok = true;
    if (i_ >= s_.size()) {
      t.kind = Tok::kEnd;
    } else {
      char c = s_[i_];
      char c1 = At(i_ + 1);
      char c2 = At(i_ + 2);
      auto is_quote = [](char q) { return q == '\'' || q == '"'; };
      if ((c == 'r' || c == 'R') && is_quote(c1)) {
        ++i_;
        ok = LexString(t, /*raw=*/true, /*bytes=*/false);
      } else if ((c == 'b' || c == 'B') && is_quote(c1)) {
        ++i_;
        ok = LexString(t, /*raw=*/false, /*bytes=*/true);
      } else if ((c == 'b' || c == 'B') && (c1 == 'r' || c1 == 'R') && is_quote(c2)) {
        i_ += 2;
        ok = LexString(t, /*raw=*/true, /*bytes=*/true);
      } else if (IsIdentStart(c)) {
        LexIdent(t);
      } else if (IsDigit(c) || (c == '.' && IsDigit(c1))) {
        LexNumber(t);
      } else if (is_quote(c)) {
        ok = LexString(t, /*raw=*/false, /*bytes=*/false);
      } else {
        ok = LexPunctuation(t);
      }
    }
    t.end = static_cast<uint32_t>(i_);
    return ok;
  }

  void LexIdent(Token& t) {
    size_t start = i_;
    while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
    std::string_view word = s_.substr(start, i_ - start);
    if (word == "true") {
      t.kind = Tok::kTrue;
    } else if (word == "false") {
      t.kind = Tok::kFalse;
    } else if (word == "null") {
      t.kind = Tok::kNull;
    } else if (word == "in") {
      t.kind = Tok::kIn;
    } else {
      t.kind = Tok::kIdent;
      t.value = std::string(word);
    }
  }

  // INT_LIT, UINT_LIT, FLOAT_LIT. The value is converted by the parser, which
  // knows whether a minus sign precedes it.
  void LexNumber(Token& t) {
    if (s_[i_] == '0' && (At(i_ + 1) == 'x' || At(i_ + 1) == 'X') && IsHexDigit(At(i_ + 2))) {
      i_ += 2;
      while (IsHexDigit(At(i_))) ++i_;
      t.kind = Tok::kInt;
    } else {
      bool is_double = false;
      while (IsDigit(At(i_))) ++i_;
      if (At(i_) == '.' && IsDigit(At(i_ + 1))) {
        is_double = true;
        ++i_;
        while (IsDigit(At(i_))) ++i_;
      }
      if ((At(i_) == 'e' || At(i_) == 'E') &&
          (IsDigit(At(i_ + 1)) || ((At(i_ + 1) == '+' || At(i_ + 1) == '-') && IsDigit(At(i_ + 2))))) {
        is_double = true;
        i_ += 2;
        while (IsDigit(At(i_))) ++i_;
      }
      t.kind = is_double ? Tok::kDouble : Tok::kInt;
    }
    if (t.kind == Tok::kInt && (At(i_) == 'u' || At(i_) == 'U')) {
      ++i_;
      t.kind = Tok::kUint;
    }
  }

  // A string or bytes literal; i_ is at the opening quote (after any prefix).
  bool LexString(Token& t, bool raw, bool bytes) {
    size_t start = t.begin;
    char quote = s_[i_];
    bool triple = At(i_ + 1) == quote && At(i_ + 2) == quote;
    i_ += triple ? 3 : 1;
    std::string out;
    while (true) {
      if (i_ >= s_.size()) return Fail(start, bytes ? "unterminated bytes literal" : "unterminated string literal");
      char c = s_[i_];
      if (c == quote && (!triple || (At(i_ + 1) == quote && At(i_ + 2) == quote))) {
        i_ += triple ? 3 : 1;
        break;
      }
      if (!triple && (c == '\n' || c == '\r')) {
        return Fail(start, bytes ? "unterminated bytes literal" : "unterminated string literal");
      }
      if (c == '\\' && !raw) {
        if (!LexEscape(out, bytes)) return false;
        continue;
      }
      out += c;
      ++i_;
    }
    if (!bytes && !internal::IsValidUtf8(out)) return Fail(start, "invalid UTF-8 in string literal");
    t.kind = bytes ? Tok::kBytes : Tok::kString;
    t.value = std::move(out);
    return true;
  }

  // One escape sequence at s_[i_] == '\\' (cel-spec "String and Bytes Values").
  bool LexEscape(std::string& out, bool bytes) {
    size_t at = i_;
    char e = At(i_ + 1);
    auto invalid = [&](size_t len) {
      return Fail(at, "invalid escape sequence `" + Sanitize(s_.substr(at, std::min(len, s_.size() - at))) + "`");
    };
    static constexpr std::array<std::pair<char, char>, 12> kSimple = {{{'a', '\a'},
                                                                       {'b', '\b'},
                                                                       {'f', '\f'},
                                                                       {'n', '\n'},
                                                                       {'r', '\r'},
                                                                       {'t', '\t'},
                                                                       {'v', '\v'},
                                                                       {'\\', '\\'},
                                                                       {'?', '?'},
                                                                       {'"', '"'},
                                                                       {'\'', '\''},
                                                                       {'`', '`'}}};
    for (const auto& [letter, value] : kSimple) {
      if (e == letter) {
        out += value;
        i_ += 2;
        return true;
      }
    }
    uint32_t cp = 0;
    size_t len;
    if (e == 'x' || e == 'X' || e == 'u' || e == 'U') {
      size_t digits = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
      len = 2 + digits;
      for (size_t k = 0; k < digits; ++k) {
        if (!IsHexDigit(At(i_ + 2 + k))) return invalid(2 + k + 1);
        cp = cp * 16 + HexValue(At(i_ + 2 + k));
      }
      if ((e == 'u' || e == 'U') && bytes) {
        return Fail(at, "unicode escape `" + std::string(s_.substr(at, len)) + "` in a bytes literal");
      }
      if ((e == 'u' || e == 'U') && (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
        return Fail(at, "invalid unicode code point in escape `" + std::string(s_.substr(at, len)) + "`");
      }
    } else if (e >= '0' && e <= '3') {
      len = 4;
      for (size_t k = 1; k < 4; ++k) {
        char d = At(i_ + k);
        if (d < '0' || d > '7') return invalid(k + 1);
        cp = cp * 8 + (d - '0');
      }
    } else {
      return invalid(2);
    }
    if (bytes) {
      out += static_cast<char>(cp);
    } else {
      AppendUtf8(cp, &out);
    }
    i_ += len;
    return true;
  }

  bool LexPunctuation(Token& t) {
    char c = s_[i_];
    char c1 = At(i_ + 1);
    auto two = [&](Tok kind) {
      t.kind = kind;
      i_ += 2;
      return true;
    };
    auto one = [&](Tok kind) {
      t.kind = kind;
      i_ += 1;
      return true;
    };
    switch (c) {
      case '(': return one(Tok::kLParen);
      case ')': return one(Tok::kRParen);
      case '[': return one(Tok::kLBracket);
      case ']': return one(Tok::kRBracket);
      case '{': return one(Tok::kLBrace);
      case '}': return one(Tok::kRBrace);
      case '.': return one(Tok::kDot);
      case ',': return one(Tok::kComma);
      case ':': return one(Tok::kColon);
      case '?': return one(Tok::kQuestion);
      case '-': return one(Tok::kMinus);
      case '+': return one(Tok::kPlus);
      case '*': return one(Tok::kStar);
      case '/': return one(Tok::kSlash);
      case '%': return one(Tok::kPercent);
      case '!': return c1 == '=' ? two(Tok::kNe) : one(Tok::kNot);
      case '<': return c1 == '=' ? two(Tok::kLe) : one(Tok::kLt);
      case '>': return c1 == '=' ? two(Tok::kGe) : one(Tok::kGt);
      case '=':
        if (c1 == '=') return two(Tok::kEqEq);
        return Fail(i_, "unexpected `=`, did you mean `==`");
      case '&':
        if (c1 == '&') return two(Tok::kAndAnd);
        return Fail(i_, "unexpected `&`, did you mean `&&`");
      case '|':
        if (c1 == '|') return two(Tok::kOrOr);
        return Fail(i_, "unexpected `|`, did you mean `||`");
      default:
        break;
    }
    // Show one whole UTF-8 character when there is one.
    size_t len = 1;
    while (len < 4 && i_ + len < s_.size() && (static_cast<unsigned char>(s_[i_ + len]) & 0xC0) == 0x80) ++len;
    return Fail(i_, "unexpected character `" + Sanitize(s_.substr(i_, len)) + "`");
  }

  std::string_view s_;
  const Locator& locator_;
  size_t i_ = 0;
  Status error_;
};

bool IsReserved(std::string_view name) {
  static constexpr std::array<std::string_view, 17> kReserved = {
      "as",  "break",  "const",  "continue",  "else",   "for", "function", "if",   "import",
      "let", "loop",   "package", "namespace", "return", "var", "void",     "while"};
  return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

struct FunctionInfo {
  std::string_view name;
  Function function;
  int method_args;  // -1: not a method
  int global_args;  // -1: not a global function
};

constexpr std::array<FunctionInfo, 10> kFunctions = {{
    {"startsWith", Function::kStartsWith, 1, -1},
    {"endsWith", Function::kEndsWith, 1, -1},
    {"contains", Function::kContains, 1, -1},
    {"matches", Function::kMatches, 1, 2},
    {"size", Function::kSize, 0, 1},
    {"string", Function::kString, -1, 1},
    {"int", Function::kInt, -1, 1},
    {"uint", Function::kUint, -1, 1},
    {"double", Function::kDouble, -1, 1},
    {"dyn", Function::kDyn, -1, 1},
}};

struct MacroInfo {
  std::string_view name;
  Macro macro;
  size_t min_args;
  size_t max_args;
};

constexpr std::array<MacroInfo, 5> kMacros = {{
    {"all", Macro::kAll, 2, 2},
    {"exists", Macro::kExists, 2, 2},
    {"exists_one", Macro::kExistsOne, 2, 2},
    {"map", Macro::kMap, 2, 3},
    {"filter", Macro::kFilter, 2, 2},
}};

}  // namespace

// ---------------------------------------------------------------------------
// Parser

class Parser {
 public:
  Parser(std::string_view text, const SourceLoc& base, const ParseOptions& options)
      : text_(text),
        options_(options),
        locator_(text, base, options),
        source_(std::make_shared<const std::string>(text)) {}

  Result<std::shared_ptr<const Expr>> Run() {
    Result<std::vector<Token>> tokens = Lexer(text_, locator_).Tokenize();
    if (!tokens.ok()) return tokens.status();
    tokens_ = std::move(tokens).value();
    if (Peek().kind == Tok::kEnd) return Status::Error(locator_.At(0), "empty expression");
    Node root = ParseExpr();
    if (root && Peek().kind != Tok::kEnd) Fail(Peek(), "unexpected " + Describe(Peek()));
    if (!error_.ok()) return error_;
    return std::shared_ptr<const Expr>(std::move(root));
  }

 private:
  using Node = std::unique_ptr<Expr>;

  // -- tokens and errors

  const Token& Peek(size_t k = 0) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool At(Tok kind) const { return Peek().kind == kind; }

  std::string Describe(const Token& t) const {
    if (t.kind == Tok::kEnd) return "end of expression";
    return "`" + Sanitize(text_.substr(t.begin, t.end - t.begin), 40) + "`";
  }

  Node Fail(uint32_t offset, std::string message) {
    if (error_.ok()) error_ = Status::Error(locator_.At(offset), std::move(message));
    return nullptr;
  }
  Node Fail(const Token& at, std::string message) { return Fail(at.begin, std::move(message)); }

  // Consumes a token of `kind` or fails with "expected `what`, found ...".
  bool Expect(Tok kind, std::string_view what) {
    if (At(kind)) {
      Take();
      return true;
    }
    Fail(Peek(), "expected `" + std::string(what) + "`, found " + Describe(Peek()));
    return false;
  }

  // -- node construction

  Node Make(ExprKind kind, uint32_t loc_offset, uint32_t begin, uint32_t end) {
    Node n(new Expr());
    n->kind_ = kind;
    n->loc_ = locator_.At(loc_offset);
    n->begin_ = begin;
    n->end_ = end;
    n->source_ = source_;
    return n;
  }

  // Adopts the children, computes the height and enforces max_depth.
  Node Finish(Node n, std::vector<Node> children) {
    uint32_t height = 0;
    for (const Node& c : children) height = std::max(height, c->height_);
    n->children_ = std::move(children);
    n->height_ = height + 1;
    if (n->height_ > static_cast<uint32_t>(options_.max_depth)) return TooDeep(n->loc_);
    return n;
  }

  Node TooDeep(const SourceLoc& at) {
    if (error_.ok()) {
      error_ = Status::Error(ErrorCode::kTooLarge, at, "expression nests deeper than " + std::to_string(options_.max_depth) + " levels");
    }
    return nullptr;
  }

  template <typename... Nodes>
  static std::vector<Node> Children(Nodes&&... nodes) {
    std::vector<Node> v;
    (v.push_back(std::move(nodes)), ...);
    return v;
  }

  // -- grammar (cel-spec "Syntax"), loosest binding first

  // Expr = ConditionalOr ["?" ConditionalOr ":" Expr]
  Node ParseExpr() {
    struct DepthGuard {
      int& depth;
      explicit DepthGuard(int& d) : depth(++d) {}
      ~DepthGuard() { --depth; }
    } guard(depth_);
    if (depth_ > options_.max_depth) return TooDeep(locator_.At(Peek().begin));
    Node cond = ParseOr();
    if (!cond || !At(Tok::kQuestion)) return cond;
    uint32_t question = Take().begin;
    Node if_true = ParseOr();
    if (!if_true || !Expect(Tok::kColon, ":")) return nullptr;
    Node if_false = ParseExpr();
    if (!if_false) return nullptr;
    Node n = Make(ExprKind::kConditional, question, cond->begin_, if_false->end_);
    return Finish(std::move(n), Children(std::move(cond), std::move(if_true), std::move(if_false)));
  }

  // ConditionalOr = [ConditionalOr "||"] ConditionalAnd, as one n-ary node.
  Node ParseOr() { return ParseLogical(Tok::kOrOr, ExprKind::kOr, &Parser::ParseAnd); }
  Node ParseAnd() { return ParseLogical(Tok::kAndAnd, ExprKind::kAnd, &Parser::ParseRelation); }

  Node ParseLogical(Tok op, ExprKind kind, Node (Parser::*operand)()) {
    Node first = (this->*operand)();
    if (!first || !At(op)) return first;
    uint32_t op_offset = Peek().begin;
    std::vector<Node> children;
    children.push_back(std::move(first));
    while (At(op)) {
      Take();
      Node next = (this->*operand)();
      if (!next) return nullptr;
      children.push_back(std::move(next));
    }
    Node n = Make(kind, op_offset, children.front()->begin_, children.back()->end_);
    return Finish(std::move(n), std::move(children));
  }

  static Op BinaryOp(Tok t) {
    switch (t) {
      case Tok::kEqEq: return Op::kEq;
      case Tok::kNe: return Op::kNe;
      case Tok::kLt: return Op::kLt;
      case Tok::kLe: return Op::kLe;
      case Tok::kGt: return Op::kGt;
      case Tok::kGe: return Op::kGe;
      case Tok::kIn: return Op::kIn;
      case Tok::kPlus: return Op::kAdd;
      case Tok::kMinus: return Op::kSub;
      case Tok::kStar: return Op::kMul;
      case Tok::kSlash: return Op::kDiv;
      case Tok::kPercent: return Op::kMod;
      default: return Op::kNone;
    }
  }

  // Left-associative binary levels: Relation, Addition, Multiplication.
  Node ParseBinaryLevel(std::initializer_list<Tok> ops, Node (Parser::*operand)()) {
    Node left = (this->*operand)();
    while (left && std::find(ops.begin(), ops.end(), Peek().kind) != ops.end()) {
      const Token& op = Take();
      Node right = (this->*operand)();
      if (!right) return nullptr;
      Node n = Make(ExprKind::kBinary, op.begin, left->begin_, right->end_);
      n->op_ = BinaryOp(op.kind);
      left = Finish(std::move(n), Children(std::move(left), std::move(right)));
    }
    return left;
  }

  Node ParseRelation() {
    return ParseBinaryLevel({Tok::kEqEq, Tok::kNe, Tok::kLt, Tok::kLe, Tok::kGt, Tok::kGe, Tok::kIn},
                            &Parser::ParseAddition);
  }
  Node ParseAddition() { return ParseBinaryLevel({Tok::kPlus, Tok::kMinus}, &Parser::ParseMultiplication); }
  Node ParseMultiplication() {
    return ParseBinaryLevel({Tok::kStar, Tok::kSlash, Tok::kPercent}, &Parser::ParseUnary);
  }

  // Unary = Member | "!" {"!"} Member | "-" {"-"} Member. An even run of
  // operators cancels; "-" directly before a number is part of the literal.
  Node ParseUnary() {
    Tok op = Peek().kind;
    if (op != Tok::kNot && op != Tok::kMinus) return ParseMember();
    if (op == Tok::kMinus && (Peek(1).kind == Tok::kInt || Peek(1).kind == Tok::kDouble)) return ParseMember();
    uint32_t first = Peek().begin;
    size_t count = 0;
    while (At(op)) {
      Take();
      ++count;
    }
    Node operand = ParseMember();
    if (!operand || count % 2 == 0) return operand;
    Node n = Make(ExprKind::kUnary, first, first, operand->end_);
    n->op_ = op == Tok::kNot ? Op::kNot : Op::kNeg;
    return Finish(std::move(n), Children(std::move(operand)));
  }

  // Member = Primary | Member "." IDENT ["(" [ExprList] ")"] | Member "[" Expr "]"
  Node ParseMember() {
    Node node = ParsePrimary();
    while (node) {
      if (At(Tok::kDot)) {
        Take();
        if (!At(Tok::kIdent)) return Fail(Peek(), "expected a field name after `.`, found " + Describe(Peek()));
        const Token& field = Take();
        if (At(Tok::kLParen)) {
          node = ParseMethodCall(std::move(node), field);
        } else {
          Node n = Make(ExprKind::kSelect, field.begin, node->begin_, field.end);
          n->name_ = field.value;
          node = Finish(std::move(n), Children(std::move(node)));
        }
      } else if (At(Tok::kLBracket)) {
        uint32_t bracket = Take().begin;
        Node index = ParseExpr();
        if (!index) return nullptr;
        uint32_t end = Peek().end;
        if (!Expect(Tok::kRBracket, "]")) return nullptr;
        Node n = Make(ExprKind::kIndex, bracket, node->begin_, end);
        node = Finish(std::move(n), Children(std::move(node), std::move(index)));
      } else {
        break;
      }
    }
    return node;
  }

  Node ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kIdent: {
        Take();
        if (IsReserved(t.value)) return Fail(t, "reserved identifier `" + t.value + "`");
        if (At(Tok::kLParen)) return ParseGlobalCall(t);
        Node n = Make(ExprKind::kIdent, t.begin, t.begin, t.end);
        n->name_ = t.value;
        return n;
      }
      case Tok::kLParen: {
        Take();
        Node inner = ParseExpr();
        if (!inner || !Expect(Tok::kRParen, ")")) return nullptr;
        return inner;
      }
      case Tok::kLBracket: return ParseList();
      case Tok::kLBrace: return ParseMap();
      case Tok::kMinus:  // a negative number literal, e.g. -9223372036854775808
        if (Peek(1).kind != Tok::kInt && Peek(1).kind != Tok::kUint && Peek(1).kind != Tok::kDouble) {
          return Fail(t, "expected an expression, found " + Describe(t));
        }
        Take();
        return ParseNumber(Take(), t.begin, /*negative=*/true);
      case Tok::kInt:
      case Tok::kUint:
      case Tok::kDouble: return ParseNumber(Take(), t.begin, /*negative=*/false);
      case Tok::kString: Take(); return Literal(t, Value::String(t.value));
      case Tok::kBytes: Take(); return Literal(t, Value::Bytes(t.value));
      case Tok::kTrue: Take(); return Literal(t, Value::Bool(true));
      case Tok::kFalse: Take(); return Literal(t, Value::Bool(false));
      case Tok::kNull: Take(); return Literal(t, Value::Null());
      default: return Fail(t, "expected an expression, found " + Describe(t));
    }
  }

  Node Literal(const Token& t, Value v) {
    Node n = Make(ExprKind::kLiteral, t.begin, t.begin, t.end);
    n->literal_ = std::move(v);
    return n;
  }

  Node ParseNumber(const Token& t, uint32_t begin, bool negative) {
    std::string_view text = text_.substr(t.begin, t.end - t.begin);
    Node n = Make(ExprKind::kLiteral, begin, begin, t.end);
    std::string_view shown = text_.substr(begin, t.end - begin);
    if (t.kind == Tok::kDouble) {
      double d = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        return Fail(begin, "double literal `" + std::string(shown) + "` is out of range");
      }
      n->literal_ = Value::Double(negative ? -d : d);
      return n;
    }
    if (t.kind == Tok::kUint) text.remove_suffix(1);
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      base = 16;
      text.remove_prefix(2);
    }
    uint64_t magnitude = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
    bool in_range = ec == std::errc() && ptr == text.data() + text.size();
    if (t.kind == Tok::kUint) {
      if (!in_range) return Fail(begin, "uint literal `" + std::string(shown) + "` is out of range");
      if (negative) {
        // "-1u": a negated uint, which has no overload; keep it for Eval.
        Node lit = Make(ExprKind::kLiteral, t.begin, t.begin, t.end);
        lit->literal_ = Value::Uint(magnitude);
        Node neg = Make(ExprKind::kUnary, begin, begin, t.end);
        neg->op_ = Op::kNeg;
        return Finish(std::move(neg), Children(std::move(lit)));
      }
      n->literal_ = Value::Uint(magnitude);
      return n;
    }
    constexpr uint64_t kMaxPositive = static_cast<uint64_t>(INT64_MAX);
    if (!in_range || magnitude > kMaxPositive + (negative ? 1 : 0)) {
      return Fail(begin, "int literal `" + std::string(shown) + "` is out of range");
    }
    n->literal_ = Value::Int(negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude));
    return n;
  }

  // "[" [Expr {"," Expr}] [","] "]"
  Node ParseList() {
    uint32_t begin = Take().begin;
    std::vector<Node> elements;
    while (!At(Tok::kRBracket)) {
      Node e = ParseExpr();
      if (!e) return nullptr;
      elements.push_back(std::move(e));
      if (!At(Tok::kComma)) break;
      Take();
    }
    uint32_t end = Peek().end;
    if (!Expect(Tok::kRBracket, "]")) return nullptr;
    return Finish(Make(ExprKind::kList, begin, begin, end), std::move(elements));
  }

  // "{" [Expr ":" Expr {"," Expr ":" Expr}] [","] "}"
  Node ParseMap() {
    uint32_t begin = Take().begin;
    std::vector<Node> entries;
    while (!At(Tok::kRBrace)) {
      Node key = ParseExpr();
      if (!key || !Expect(Tok::kColon, ":")) return nullptr;
      Node value = ParseExpr();
      if (!value) return nullptr;
      entries.push_back(std::move(key));
      entries.push_back(std::move(value));
      if (!At(Tok::kComma)) break;
      Take();
    }
    uint32_t end = Peek().end;
    if (!Expect(Tok::kRBrace, "}")) return nullptr;
    return Finish(Make(ExprKind::kMap, begin, begin, end), std::move(entries));
  }

  // "(" [Expr {"," Expr}] ")"; sets *end to the end of ")".
  bool ParseArgs(std::vector<Node>& args, uint32_t* end) {
    Take();  // (
    if (!At(Tok::kRParen)) {
      while (true) {
        Node a = ParseExpr();
        if (!a) return false;
        args.push_back(std::move(a));
        if (!At(Tok::kComma)) break;
        Take();
      }
    }
    *end = Peek().end;
    return Expect(Tok::kRParen, ")");
  }

  bool CheckArity(const Token& name, size_t got, size_t min, size_t max) {
    if (got >= min && got <= max) return true;
    std::string expected = min == max ? std::to_string(min) : std::to_string(min) + " or " + std::to_string(max);
    Fail(name, "wrong number of arguments to `" + name.value + "`: expected " + expected + ", found " +
                   std::to_string(got));
    return false;
  }

  Node ParseGlobalCall(const Token& name) {
    std::vector<Node> args;
    uint32_t end = 0;
    if (!ParseArgs(args, &end)) return nullptr;
    if (name.value == "has") {
      if (args.size() != 1 || args[0]->kind_ != ExprKind::kSelect) {
        return Fail(name, "argument of `has` must be a field selection, e.g. `has(assertion.claim)`");
      }
      Node select = std::move(args[0]);
      Node n = Make(ExprKind::kHas, name.begin, name.begin, end);
      n->name_ = select->name_;
      return Finish(std::move(n), std::move(select->children_));
    }
    for (const FunctionInfo& f : kFunctions) {
      if (f.name != name.value) continue;
      if (f.global_args < 0) {
        return Fail(name, "`" + name.value + "` is a method, call it as `x." + name.value + "(...)`");
      }
      if (!CheckArity(name, args.size(), f.global_args, f.global_args)) return nullptr;
      return MakeCall(name, f.function, /*method=*/false, name.begin, end, std::move(args));
    }
    for (const MacroInfo& m : kMacros) {
      if (m.name == name.value) {
        return Fail(name, "`" + name.value + "` is a method, call it as `list." + name.value + "(x, ...)`");
      }
    }
    return Fail(name, "unknown function `" + Sanitize(name.value) + "`");
  }

  Node ParseMethodCall(Node receiver, const Token& name) {
    std::vector<Node> args;
    uint32_t end = 0;
    if (!ParseArgs(args, &end)) return nullptr;
    for (const MacroInfo& m : kMacros) {
      if (m.name != name.value) continue;
      if (!CheckArity(name, args.size(), m.min_args, m.max_args)) return nullptr;
      if (args[0]->kind_ != ExprKind::kIdent) {
        return Fail(args[0]->begin_, "first argument of `" + name.value + "` must be a variable name");
      }
      Node n = Make(ExprKind::kComprehension, name.begin, receiver->begin_, end);
      n->macro_ = m.macro;
      n->name_ = args[0]->name_;
      std::vector<Node> children;
      children.push_back(std::move(receiver));
      for (size_t i = 1; i < args.size(); ++i) children.push_back(std::move(args[i]));
      return Finish(std::move(n), std::move(children));
    }
    for (const FunctionInfo& f : kFunctions) {
      if (f.name != name.value) continue;
      if (f.method_args < 0) {
        return Fail(name, "`" + name.value + "` is not a method, call it as `" + name.value + "(x)`");
      }
      if (!CheckArity(name, args.size(), f.method_args, f.method_args)) return nullptr;
      args.insert(args.begin(), std::move(receiver));
      uint32_t begin = args.front()->begin_;
      return MakeCall(name, f.function, /*method=*/true, begin, end, std::move(args));
    }
    return Fail(name, "unknown method `" + Sanitize(name.value) + "`");
  }

  Node MakeCall(const Token& name, Function function, bool method, uint32_t begin, uint32_t end,
                std::vector<Node> args) {
    Node n = Make(ExprKind::kCall, name.begin, begin, end);
    n->function_ = function;
    n->method_ = method;
    n->name_ = name.value;
    if (function == Function::kMatches) {
      const Expr& pattern = *args.back();
      if (pattern.kind_ == ExprKind::kLiteral && pattern.literal_.type() == Type::kString) {
        RE2::Options re_options;
        re_options.set_log_errors(false);
        auto re = std::make_shared<const RE2>(pattern.literal_.string_value(), re_options);
        if (!re->ok()) {
          return Fail(pattern.begin_, "invalid regular expression `" + Sanitize(pattern.literal_.string_value()) +
                                          "`: " + Sanitize(re->error()));
        }
        n->regex_ = std::move(re);
      }
    }
    return Finish(std::move(n), std::move(args));
  }

  std::string_view text_;
  ParseOptions options_;
  Locator locator_;
  std::shared_ptr<const std::string> source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  Status error_;
};

Result<std::shared_ptr<const Expr>> Parse(std::string_view text, const SourceLoc& base, const ParseOptions& options) {
  constexpr size_t kHardLimit = size_t{1} << 30;  // offsets are 32-bit
  size_t limit = std::min(options.max_length, kHardLimit);
  if (text.size() > limit) {
    return Status::Error(ErrorCode::kTooLarge, options.locate ? options.locate(0) : base, "expression is " + std::to_string(text.size()) + " bytes long, more than the limit of " +
                                   std::to_string(limit));
  }
  return Parser(text, base, options).Run();
}

// ---------------------------------------------------------------------------
// Inspection

Expr::~Expr() = default;

std::string_view Expr::text() const {
  if (!source_) return {};
  return std::string_view(*source_).substr(begin_, end_ - begin_);
}

std::string_view OpSymbol(Op op) {
  switch (op) {
    case Op::kNone: return "";
    case Op::kNot: return "!";
    case Op::kNeg: return "-";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kIn: return "in";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
  }
  return "";
}

std::string Expr::Dump() const {
  auto list = [this](std::string head, size_t from) {
    std::string out = "(" + head;
    for (size_t i = from; i < children_.size(); ++i) out += " " + children_[i]->Dump();
    return out + ")";
  };
  switch (kind_) {
    case ExprKind::kLiteral: return literal_.DebugString();
    case ExprKind::kIdent: return name_;
    case ExprKind::kSelect: return "(. " + children_[0]->Dump() + " " + name_ + ")";
    case ExprKind::kHas: return "(has (. " + children_[0]->Dump() + " " + name_ + "))";
    case ExprKind::kIndex: return list("[]", 0);
    case ExprKind::kCall: return list(method_ ? "." + name_ : name_, 0);
    case ExprKind::kUnary:
    case ExprKind::kBinary: return list(std::string(OpSymbol(op_)), 0);
    case ExprKind::kAnd: return list("&&", 0);
    case ExprKind::kOr: return list("||", 0);
    case ExprKind::kConditional: return list("?:", 0);
    case ExprKind::kList: return list("list", 0);
    case ExprKind::kMap: return list("map", 0);
    case ExprKind::kComprehension: {
      static constexpr std::array<std::string_view, 6> kNames = {"", "all", "exists", "exists_one", "map", "filter"};
      std::string head = "." + std::string(kNames[static_cast<size_t>(macro_)]) + " " +
                         children_[0]->Dump() + " " + name_;
      return list(head, 1);
    }
  }
  return "";
}

std::string Path::ToString() const {
  std::string out = root;
  for (const Step& step : steps) {
    if (const int64_t* index = std::get_if<int64_t>(&step)) {
      out += "[" + std::to_string(*index) + "]";
      continue;
    }
    const std::string& key = std::get<std::string>(step);
    bool plain = !key.empty() && IsIdentStart(key[0]) &&
                 std::all_of(key.begin(), key.end(), IsIdentChar) && key != "true" && key != "false" &&
                 key != "null" && key != "in";
    if (plain) {
      out += "." + key;
      continue;
    }
    out += "['";
    for (char c : key) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    out += "']";
  }
  return out;
}

std::optional<Path> AsPath(const Expr& expr) {
  switch (expr.kind()) {
    case ExprKind::kIdent: return Path{expr.name(), {}};
    case ExprKind::kSelect: {
      std::optional<Path> p = AsPath(expr.child(0));
      if (p) p->steps.emplace_back(expr.name());
      return p;
    }
    case ExprKind::kIndex: {
      const Expr& index = expr.child(1);
      if (index.kind() != ExprKind::kLiteral) return std::nullopt;
      const Value& v = index.literal();
      Path::Step step;
      if (v.type() == Type::kString) {
        step = v.string_value();
      } else if (v.type() == Type::kInt) {
        step = v.int_value();
      } else if (v.type() == Type::kUint && v.uint_value() <= static_cast<uint64_t>(INT64_MAX)) {
        step = static_cast<int64_t>(v.uint_value());
      } else {
        return std::nullopt;
      }
      std::optional<Path> p = AsPath(expr.child(0));
      if (p) p->steps.push_back(std::move(step));
      return p;
    }
    default: return std::nullopt;
  }
}

}  // namespace trustcheck::cel
