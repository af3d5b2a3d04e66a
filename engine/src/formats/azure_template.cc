#include "formats/azure_template.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "formats/entra_credential.h"
#include "formats/terraform_folder.h"
#include "formats/unresolved_notes.h"
#include "formats/value_tree.h"
#include "hcl/hcl.h"
#include "text/ascii.h"

namespace trustcheck::azure {

namespace {

namespace fs = std::filesystem;
using hcl::Value;

constexpr size_t kMaxDepth = 100;       // expression and statement nesting
constexpr size_t kMaxInstances = 64;    // loop iterations per resource
constexpr size_t kMaxSteps = 200000;    // evaluation steps per file

// ---------------------------------------------------------------------------
// Expressions (one tree for Bicep and for ARM's `[...]` expressions)

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind : uint8_t {
    kString, kNumber, kBool, kNull, kInterp, kArray, kObject, kName, kCall, kMember, kIndex, kUnary, kBinary,
    kTernary, kFor,
  };
  Kind kind = Kind::kNull;
  SourceLoc loc;
  std::string text;  // kString, kName, kCall (function), kMember (name), kUnary/kBinary (operator), kFor (item)
  double number = 0;
  bool flag = false;                // kBool; kMember `.?`
  std::vector<ExprPtr> items;       // kInterp parts, kArray, kCall arguments
  std::vector<std::pair<std::string, ExprPtr>> fields;  // kObject
  std::vector<ExprPtr> computed_keys;  // kObject: the interpolated key of fields[i], or null (plain key)
  ExprPtr a, b, c;                  // operands; kFor: a = collection, b = body, c = condition
  std::string index_name;           // kFor `(item, index)`
};

// A cursor over source text with line and column, shared by both parsers.
class Cursor {
 public:
  Cursor(std::string_view text, FileId path, uint32_t line = 1, uint32_t column = 1)
      : text_(text), path_(std::move(path)), line_(line), col_(column) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t k = 0) const { return pos_ + k < text_.size() ? text_[pos_ + k] : '\0'; }
  bool Looking(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }
  SourceLoc Loc() const { return SourceLoc{path_, line_, col_}; }
  size_t pos() const { return pos_; }
  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && pos_ < text_.size(); ++i, ++pos_) {
      if (text_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
        ++col_;
      }
    }
  }
  // Blanks and comments; line breaks too when `newlines`.
  void Skip(bool newlines) {
    while (!AtEnd()) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        Advance();
      } else if (Looking("//")) {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else if (Looking("/*")) {
        Advance(2);
        while (!AtEnd() && !Looking("*/")) Advance();
        Advance(2);
      } else {
        break;
      }
    }
  }
  Status Error(std::string message) const { return Status::Error(Loc(), std::move(message)); }

 private:
  std::string_view text_;
  FileId path_;
  size_t pos_ = 0;
  uint32_t line_, col_;
};

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Recursive descent over Bicep expressions; `arm` switches to ARM's
// expression language (no interpolation, no operators, `[` only indexes).
class ExprParser {
 public:
  ExprParser(Cursor& cur, bool arm) : cur_(cur), arm_(arm) {}

  Result<ExprPtr> Parse() {
    if (++depth_ > kMaxDepth) return cur_.Error("expression nests too deeply");
    Result<ExprPtr> e = arm_ ? Postfix() : Ternary();
    --depth_;
    return e;
  }

  Result<std::string> Identifier() {
    if (!IdentStart(cur_.Peek())) return cur_.Error("expected a name");
    std::string name;
    while (IdentChar(cur_.Peek())) {
      name += cur_.Peek();
      cur_.Advance();
    }
    return name;
  }

  Result<ExprPtr> StringLiteral() { return String(); }

 private:
  ExprPtr Node(Expr::Kind kind, SourceLoc loc) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = std::move(loc);
    return e;
  }

  Result<ExprPtr> Ternary() {
    Result<ExprPtr> cond = Binary(0);
    if (!cond.ok()) return cond;
    cur_.Skip(false);
    if (cur_.Peek() == '?' && cur_.Peek(1) != '?') {
      auto e = Node(Expr::Kind::kTernary, (*cond)->loc);
      cur_.Advance();
      cur_.Skip(true);
      Result<ExprPtr> yes = Parse();
      if (!yes.ok()) return yes;
      cur_.Skip(true);
      if (cur_.Peek() != ':') return cur_.Error("expected `:` in a `?:` expression");
      cur_.Advance();
      cur_.Skip(true);
      Result<ExprPtr> no = Parse();
      if (!no.ok()) return no;
      e->a = std::move(*cond);
      e->b = std::move(*yes);
      e->c = std::move(*no);
      return e;
    }
    return cond;
  }

  // Operators by precedence, lowest first.
  static int Precedence(std::string_view op) {
    if (op == "??") return 1;
    if (op == "||") return 2;
    if (op == "&&") return 3;
    if (op == "==" || op == "!=" || op == "=~" || op == "!~") return 4;
    if (op == "<" || op == "<=" || op == ">" || op == ">=") return 5;
    if (op == "+" || op == "-") return 6;
    if (op == "*" || op == "/" || op == "%") return 7;
    return 0;
  }

  std::string PeekOperator() {
    static const char* kOps[] = {"??", "||", "&&", "==", "!=", "=~", "!~", "<=", ">=", "<", ">", "+", "-", "*", "/",
                                 "%"};
    for (const char* op : kOps)
      if (cur_.Looking(op) && !(std::string_view(op) == "/" && (cur_.Looking("//") || cur_.Looking("/*"))))
        return op;
    return "";
  }

  Result<ExprPtr> Binary(int min) {
    Result<ExprPtr> left = Unary();
    if (!left.ok()) return left;
    while (true) {
      cur_.Skip(false);
      std::string op = PeekOperator();
      int prec = op.empty() ? 0 : Precedence(op);
      if (prec == 0 || prec <= min) return left;
      auto e = Node(Expr::Kind::kBinary, cur_.Loc());
      cur_.Advance(op.size());
      cur_.Skip(true);
      Result<ExprPtr> right = Binary(prec);
      if (!right.ok()) return right;
      e->text = op;
      e->a = std::move(*left);
      e->b = std::move(*right);
      left = std::move(e);
    }
  }

  Result<ExprPtr> Unary() {
    cur_.Skip(false);
    if (cur_.Peek() == '!' || (cur_.Peek() == '-' && !std::isdigit(static_cast<unsigned char>(cur_.Peek(1))))) {
      auto e = Node(Expr::Kind::kUnary, cur_.Loc());
      e->text = std::string(1, cur_.Peek());
      cur_.Advance();
      if (++depth_ > kMaxDepth) return cur_.Error("expression nests too deeply");
      Result<ExprPtr> operand = Unary();
      --depth_;
      if (!operand.ok()) return operand;
      e->a = std::move(*operand);
      return e;
    }
    return Postfix();
  }

  Result<ExprPtr> Postfix() {
    Result<ExprPtr> e = Primary();
    if (!e.ok()) return e;
    while (true) {
      if (cur_.Peek() == '.' || (cur_.Peek() == '!' && cur_.Peek(1) == '.')) {
        if (cur_.Peek() == '!') cur_.Advance();  // non-null assertion
        auto m = Node(Expr::Kind::kMember, cur_.Loc());
        cur_.Advance();
        if (cur_.Peek() == '?') {
          m->flag = true;
          cur_.Advance();
        }
        Result<std::string> name = Identifier();
        if (!name.ok()) return name.status();
        if (cur_.Peek() == '(') {  // a namespaced call: `sys.format(...)`, `az.resourceId(...)`
          auto call = Node(Expr::Kind::kCall, m->loc);
          call->text = *name;
          Status args = Arguments(call.get());
          if (!args.ok()) return args;
          e = std::move(call);
          continue;
        }
        m->text = *name;
        m->a = std::move(*e);
        e = std::move(m);
      } else if (cur_.Peek() == '[' || (cur_.Peek() == '?' && cur_.Peek(1) == '[')) {
        auto ix = Node(Expr::Kind::kIndex, cur_.Loc());
        if (cur_.Peek() == '?') cur_.Advance();
        cur_.Advance();
        cur_.Skip(true);
        Result<ExprPtr> index = Parse();
        if (!index.ok()) return index;
        cur_.Skip(true);
        if (cur_.Peek() != ']') return cur_.Error("expected `]`");
        cur_.Advance();
        ix->a = std::move(*e);
        ix->b = std::move(*index);
        e = std::move(ix);
      } else {
        return e;
      }
    }
  }

  Status Arguments(Expr* call) {
    cur_.Advance();  // (
    cur_.Skip(true);
    while (cur_.Peek() != ')') {
      if (cur_.AtEnd()) return cur_.Error("the argument list is not closed by `)`");
      Result<ExprPtr> arg = Parse();
      if (!arg.ok()) return arg.status();
      call->items.push_back(std::move(*arg));
      cur_.Skip(true);
      if (cur_.Peek() == ',') {
        cur_.Advance();
        cur_.Skip(true);
      } else if (cur_.Peek() != ')') {
        return cur_.Error("expected `,` or `)` in the argument list");
      }
    }
    cur_.Advance();
    return Status();
  }

  Result<ExprPtr> Primary() {
    cur_.Skip(false);
    SourceLoc loc = cur_.Loc();
    char c = cur_.Peek();
    if (c == '\'') return String();
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && std::isdigit(static_cast<unsigned char>(cur_.Peek(1))))) {
      std::string digits;
      while (std::isdigit(static_cast<unsigned char>(cur_.Peek())) || cur_.Peek() == '.' || (digits.empty() && cur_.Peek() == '-')) {
        digits += cur_.Peek();
        cur_.Advance();
      }
      auto e = Node(Expr::Kind::kNumber, loc);
      e->number = std::strtod(digits.c_str(), nullptr);
      return e;
    }
    if (c == '(' && !arm_) {
      cur_.Advance();
      cur_.Skip(true);
      Result<ExprPtr> inner = Parse();
      if (!inner.ok()) return inner;
      cur_.Skip(true);
      if (cur_.Peek() != ')') return cur_.Error("expected `)`");
      cur_.Advance();
      return inner;
    }
    if (c == '[' && !arm_) return Array();
    if (c == '{' && !arm_) return Object();
    if (IdentStart(c)) {
      Result<std::string> name = Identifier();
      if (!name.ok()) return name.status();
      if (cur_.Peek() == '(') {
        auto call = Node(Expr::Kind::kCall, loc);
        call->text = *name;
        TRUSTCHECK_RETURN_IF_ERROR(Arguments(call.get()));
        return call;
      }
      if (!arm_ && (*name == "true" || *name == "false")) {
        auto e = Node(Expr::Kind::kBool, loc);
        e->flag = *name == "true";
        return e;
      }
      if (!arm_ && *name == "null") return Node(Expr::Kind::kNull, loc);
      auto e = Node(Expr::Kind::kName, loc);
      e->text = *name;
      return e;
    }
    return cur_.Error(cur_.AtEnd() ? "the expression ends early" : fmt::format("unexpected `{}` in an expression", c));
  }

  // '...' with '' (ARM) or \' (Bicep) escapes and Bicep's ${...}; '''...''' is
  // a verbatim multi-line string.
  Result<ExprPtr> String() {
    SourceLoc loc = cur_.Loc();
    auto e = Node(Expr::Kind::kInterp, loc);
    if (!arm_ && cur_.Looking("'''")) {
      cur_.Advance(3);
      std::string text;
      while (!cur_.Looking("'''")) {
        if (cur_.AtEnd()) return Status::Error(loc, "multi-line string is not closed by `'''`");
        text += cur_.Peek();
        cur_.Advance();
      }
      cur_.Advance(3);
      if (!text.empty() && text[0] == '\n') text.erase(0, 1);
      auto s = Node(Expr::Kind::kString, loc);
      s->text = std::move(text);
      return s;
    }
    cur_.Advance();
    std::string literal;
    SourceLoc literal_loc = cur_.Loc();
    auto flush = [&] {
      if (literal.empty()) return;
      auto s = Node(Expr::Kind::kString, literal_loc);
      s->text = std::move(literal);
      literal.clear();
      e->items.push_back(std::move(s));
    };
    while (true) {
      if (cur_.AtEnd() || cur_.Peek() == '\n') return Status::Error(loc, "string is not closed by `'`");
      char c = cur_.Peek();
      if (c == '\'') {
        if (arm_ && cur_.Peek(1) == '\'') {
          literal += '\'';
          cur_.Advance(2);
          continue;
        }
        cur_.Advance();
        break;
      }
      if (!arm_ && c == '\\') {
        char n = cur_.Peek(1);
        literal += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
        cur_.Advance(2);
        continue;
      }
      if (!arm_ && c == '$' && cur_.Peek(1) == '{') {
        flush();
        cur_.Advance(2);
        cur_.Skip(true);
        Result<ExprPtr> inner = Parse();
        if (!inner.ok()) return inner;
        cur_.Skip(true);
        if (cur_.Peek() != '}') return cur_.Error("expected `}` to close `${`");
        cur_.Advance();
        e->items.push_back(std::move(*inner));
        literal_loc = cur_.Loc();
        continue;
      }
      if (literal.empty()) literal_loc = cur_.Loc();
      literal += c;
      cur_.Advance();
    }
    flush();
    if (e->items.size() == 1 && e->items[0]->kind == Expr::Kind::kString) {
      e->items[0]->loc = loc;
      return std::move(e->items[0]);
    }
    if (e->items.empty()) {
      auto s = Node(Expr::Kind::kString, loc);
      return s;
    }
    return e;
  }

  Result<ExprPtr> Array() {
    auto e = Node(Expr::Kind::kArray, cur_.Loc());
    cur_.Advance();
    cur_.Skip(true);
    if (cur_.Looking("for") && !IdentChar(cur_.Peek(3))) return For(std::move(e));
    while (cur_.Peek() != ']') {
      if (cur_.AtEnd()) return Status::Error(e->loc, "array is not closed by `]`");
      Result<ExprPtr> item = Parse();
      if (!item.ok()) return item;
      e->items.push_back(std::move(*item));
      cur_.Skip(false);
      if (cur_.Peek() == ',') cur_.Advance();
      cur_.Skip(true);
    }
    cur_.Advance();
    return e;
  }

  // [for item in list: body], [for (item, i) in list: body], with `if`.
  Result<ExprPtr> For(ExprPtr open) {
    auto e = Node(Expr::Kind::kFor, open->loc);
    cur_.Advance(3);
    cur_.Skip(true);
    bool paren = cur_.Peek() == '(';
    if (paren) {
      cur_.Advance();
      cur_.Skip(true);
    }
    Result<std::string> item = Identifier();
    if (!item.ok()) return item.status();
    e->text = *item;
    cur_.Skip(true);
    if (paren && cur_.Peek() == ',') {
      cur_.Advance();
      cur_.Skip(true);
      Result<std::string> index = Identifier();
      if (!index.ok()) return index.status();
      e->index_name = *index;
      cur_.Skip(true);
    }
    if (paren) {
      if (cur_.Peek() != ')') return cur_.Error("expected `)` after the loop variables");
      cur_.Advance();
      cur_.Skip(true);
    }
    if (!cur_.Looking("in") || IdentChar(cur_.Peek(2))) return cur_.Error("expected `in` in a `for` expression");
    cur_.Advance(2);
    cur_.Skip(true);
    Result<ExprPtr> collection = Parse();
    if (!collection.ok()) return collection;
    cur_.Skip(true);
    if (cur_.Peek() != ':') return cur_.Error("expected `:` in a `for` expression");
    cur_.Advance();
    cur_.Skip(true);
    if (cur_.Looking("if") && !IdentChar(cur_.Peek(2))) {
      cur_.Advance(2);
      cur_.Skip(true);
      Result<ExprPtr> cond = Parse();
      if (!cond.ok()) return cond;
      e->c = std::move(*cond);
      cur_.Skip(true);
    }
    Result<ExprPtr> body = Parse();
    if (!body.ok()) return body;
    cur_.Skip(true);
    if (cur_.Peek() != ']') return cur_.Error("expected `]` to close the `for` expression");
    cur_.Advance();
    e->a = std::move(*collection);
    e->b = std::move(*body);
    return e;
  }

  // { key: value ... }: keys are names or strings; entries end at a line
  // break or a comma.
  Result<ExprPtr> Object() {
    auto e = Node(Expr::Kind::kObject, cur_.Loc());
    cur_.Advance();
    cur_.Skip(true);
    while (cur_.Peek() != '}') {
      if (cur_.AtEnd()) return Status::Error(e->loc, "object is not closed by `}`");
      std::string key;
      ExprPtr computed;
      if (cur_.Peek() == '\'') {
        SourceLoc key_at = cur_.Loc();
        Result<ExprPtr> k = String();
        if (!k.ok()) return k;
        if ((*k)->kind == Expr::Kind::kString) {
          key = (*k)->text;
        } else {
          // `'${name}': value`: the key is computed; its text as written
          // stands for it until evaluated.
          key = fmt::format("(key at {}:{})", key_at.line, key_at.column);
          computed = std::move(*k);
        }
      } else {
        Result<std::string> k = Identifier();
        if (!k.ok()) return k.status();
        key = *k;
      }
      cur_.Skip(false);
      if (cur_.Peek() != ':') return cur_.Error(fmt::format("expected `:` after `{}`", key));
      cur_.Advance();
      cur_.Skip(false);
      Result<ExprPtr> value = Parse();
      if (!value.ok()) return value;
      e->fields.emplace_back(std::move(key), std::move(*value));
      e->computed_keys.push_back(std::move(computed));
      cur_.Skip(false);
      if (cur_.Peek() == ',') cur_.Advance();
      cur_.Skip(true);
    }
    cur_.Advance();
    return e;
  }

 private:
  Cursor& cur_;
  bool arm_;
  size_t depth_ = 0;
};

// ---------------------------------------------------------------------------
// Values

std::optional<std::string> TextOf(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return hcl::FormatNumber(v.as_number());
  if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
  return std::nullopt;
}

// Strings joined; an unknown part keeps the known text around it as pieces.
Value Join(const std::vector<Value>& parts, const SourceLoc& loc) {
  std::vector<Value::Piece> pieces;
  std::string reason;
  for (const Value& p : parts) {
    if (std::optional<std::string> t = TextOf(p)) {
      if (!pieces.empty() && pieces.back().known) {
        pieces.back().text += *t;
      } else {
        pieces.push_back({true, *t, p.loc()});
      }
    } else if (p.is_unknown() && !p.pieces().empty()) {
      for (const Value::Piece& q : p.pieces()) pieces.push_back(q);
      if (reason.empty()) reason = p.unknown_reason();
    } else {
      std::string why = p.is_unknown() ? p.unknown_reason() : "a value that is not text";
      if (reason.empty()) reason = why;
      pieces.push_back({false, why, p.loc(), "${...}"});
    }
  }
  if (reason.empty()) return Value::String(pieces.empty() ? "" : pieces[0].text, loc);
  return Value::Unknown(reason, loc).WithPieces(std::move(pieces));
}

bool Truthy(const Value& v) { return v.is_bool() ? v.as_bool() : false; }

// ---------------------------------------------------------------------------
// Evaluation

struct ResourceDecl {
  std::string symbol;   // Bicep symbol ("" in ARM)
  std::string type;     // full type without the API version
  SourceLoc loc;
  const Expr* body = nullptr;          // the object (ARM: the resource object as an expression tree)
  const Expr* condition = nullptr;     // `if (...)`
  const Expr* loop = nullptr;          // `[for ...]` (kFor; its body is `body`)
  const ResourceDecl* parent = nullptr;
  bool existing = false;
};

class Evaluator {
 public:
  std::map<std::string, Value, std::less<>> params;
  std::map<std::string, const Expr*, std::less<>> vars;
  std::map<std::string, const ResourceDecl*, std::less<>> resources;
  std::set<std::string, std::less<>> modules;  // module symbols (their outputs are not evaluated)
  std::vector<std::map<std::string, Value, std::less<>>> scopes;  // loop variables, innermost last
  int copy_index = -1;                                            // ARM copyIndex()
  // Bicep's compile-time file functions (`loadTextContent`,
  // `loadJsonContent`) read relative to this folder; "" turns them off.
  std::string base_dir;
  size_t max_file_bytes = 0;

  Value Eval(const Expr& e) {
    if (++steps_ > kMaxSteps) return Value::Unknown("evaluation stopped at its step limit", e.loc);
    if (depth_ >= kMaxDepth) return Value::Unknown("expression nests too deeply to evaluate", e.loc);
    ++depth_;
    Value v = Dispatch(e);
    --depth_;
    return v;
  }

  // The value of a resource symbol: its declared fields (name, properties,
  // ...), and what only a deployment knows (`id`, output properties) unknown.
  Value ResourceValue(const ResourceDecl& r, const SourceLoc& use) {
    Value::Fields fields;
    if (r.body && r.body->kind == Expr::Kind::kObject && !r.loop) {
      for (const auto& [key, value] : r.body->fields)
        if (key != "parent" && key != "dependsOn") fields[key] = Eval(*value);
    }
    fields["id"] = Value::Unknown(fmt::format("the id of `{}` is known after deployment", r.symbol), use);
    fields["type"] = Value::String(r.type, use);
    return Value::Object(std::move(fields), use);
  }

 private:
  Value Dispatch(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kString: return Value::String(e.text, e.loc);
      case Expr::Kind::kNumber: return Value::Number(e.number, e.loc);
      case Expr::Kind::kBool: return Value::Bool(e.flag, e.loc);
      case Expr::Kind::kNull: return Value::Null(e.loc);
      case Expr::Kind::kInterp: {
        std::vector<Value> parts;
        for (const ExprPtr& p : e.items) parts.push_back(Eval(*p));
        return Join(parts, e.loc);
      }
      case Expr::Kind::kArray: {
        Value::Items items;
        for (const ExprPtr& p : e.items) items.push_back(Eval(*p));
        return Value::Tuple(std::move(items), e.loc);
      }
      case Expr::Kind::kObject: {
        Value::Fields fields;
        for (size_t i = 0; i < e.fields.size(); ++i) {
          const auto& [key, value] = e.fields[i];
          const Expr* computed = i < e.computed_keys.size() ? e.computed_keys[i].get() : nullptr;
          if (!computed) {
            fields[key] = Eval(*value);
            continue;
          }
          // An entry whose key is unknown is left out: no credential field
          // is ever named by an expression.
          Value k = Eval(*computed);
          if (k.is_string()) fields[k.as_string()] = Eval(*value);
        }
        return Value::Object(std::move(fields), e.loc);
      }
      case Expr::Kind::kName: return Name(e);
      case Expr::Kind::kCall: return Call(e);
      case Expr::Kind::kMember: {
        Value base = Eval(*e.a);
        if (base.is_unknown()) return Value::Unknown(base.unknown_reason(), e.loc);
        if (base.is_object()) {
          for (const auto& [key, value] : base.fields())
            if (AsciiLower(key) == AsciiLower(e.text)) return value.WithLoc(e.loc);
          if (e.flag) return Value::Null(e.loc);
          return Value::Unknown(fmt::format("`{}` is known after deployment", e.text), e.loc);
        }
        if (base.is_null() && e.flag) return Value::Null(e.loc);
        return Value::Unknown(fmt::format("`.{}` of a value that is not an object", e.text), e.loc);
      }
      case Expr::Kind::kIndex: {
        Value base = Eval(*e.a);
        Value index = Eval(*e.b);
        if (base.is_unknown()) return Value::Unknown(base.unknown_reason(), e.loc);
        if (index.is_unknown()) return Value::Unknown(index.unknown_reason(), e.loc);
        if (base.is_tuple() && index.is_number()) {
          double i = index.as_number();
          if (i >= 0 && i < static_cast<double>(base.items().size())) return base.items()[static_cast<size_t>(i)];
        }
        if (base.is_object() && index.is_string())
          if (const Value* v = base.Find(index.as_string())) return *v;
        return Value::Unknown("an index out of range", e.loc);
      }
      case Expr::Kind::kUnary: {
        Value v = Eval(*e.a);
        if (v.is_unknown()) return Value::Unknown(v.unknown_reason(), e.loc);
        if (e.text == "!" && v.is_bool()) return Value::Bool(!v.as_bool(), e.loc);
        if (e.text == "-" && v.is_number()) return Value::Number(-v.as_number(), e.loc);
        return Value::Unknown(fmt::format("`{}` of a value of the wrong type", e.text), e.loc);
      }
      case Expr::Kind::kBinary: return Binary(e);
      case Expr::Kind::kTernary: {
        Value c = Eval(*e.a);
        if (c.is_bool()) return Eval(c.as_bool() ? *e.b : *e.c);
        return Value::Unknown(c.is_unknown() ? c.unknown_reason() : "a condition that is not a bool", e.loc);
      }
      case Expr::Kind::kFor: {
        Value collection = Eval(*e.a);
        if (collection.is_unknown()) return Value::Unknown(collection.unknown_reason(), e.loc);
        if (!collection.is_tuple()) return Value::Unknown("`for` over a value that is not an array", e.loc);
        Value::Items out;
        size_t i = 0;
        for (const Value& item : collection.items()) {
          if (out.size() >= kMaxInstances * 16) break;
          scopes.push_back({{e.text, item}});
          if (!e.index_name.empty()) scopes.back()[e.index_name] = Value::Number(static_cast<double>(i), e.loc);
          bool keep = true;
          if (e.c) {
            Value cond = Eval(*e.c);
            keep = Truthy(cond);
          }
          if (keep) out.push_back(Eval(*e.b));
          scopes.pop_back();
          ++i;
        }
        return Value::Tuple(std::move(out), e.loc);
      }
    }
    return Value::Null(e.loc);
  }

  Value Name(const Expr& e) {
    for (auto s = scopes.rbegin(); s != scopes.rend(); ++s)
      if (auto it = s->find(e.text); it != s->end()) return it->second;
    if (auto it = params.find(e.text); it != params.end()) return it->second.WithLoc(e.loc);
    if (auto it = vars.find(e.text); it != vars.end()) return Variable(e.text, *it->second, e.loc);
    if (auto it = resources.find(e.text); it != resources.end()) return ResourceValue(*it->second, e.loc);
    if (modules.count(e.text)) return Value::Unknown(fmt::format("the outputs of module `{}` are not evaluated", e.text), e.loc);
    return Value::Unknown(fmt::format("`{}` is not declared in this file", e.text), e.loc);
  }

  // loadTextContent(PATH) / loadJsonContent(PATH, [JSONPATH]): the file's
  // text, or its JSON (a `$.a.b` path selecting a member), located in that
  // file. Bicep reads them when it compiles, from the template's folder.
  Value LoadContent(const Expr& e, bool json) {
    std::vector<Value> a = Args(e);
    if (a.empty() || !a[0].is_string())
      return Value::Unknown(fmt::format("`{}()` needs a literal file path", e.text), e.loc);
    if (base_dir.empty()) return Value::Unknown(fmt::format("`{}()` is not evaluated here", e.text), e.loc);
    const std::string path = (fs::path(base_dir) / a[0].as_string()).lexically_normal().string();
    Result<std::string> text = ReadFileBounded(path, max_file_bytes);
    if (!text.ok())
      return Value::Unknown(fmt::format("`{}('{}')` cannot be read: {}", e.text, a[0].as_string(),
                                        text.status().message()),
                            e.loc);
    if (!json) return Value::String(std::move(*text), e.loc);
    SourceText source(path, std::move(*text));
    Result<Json::Value> root = ParseJson(source);
    if (!root.ok())
      return Value::Unknown(fmt::format("`{}('{}')` is not JSON: {}", e.text, a[0].as_string(),
                                        root.status().message()),
                            e.loc);
    const Json::Value* at = &*root;
    if (a.size() > 1 && a[1].is_string()) {
      const std::string& selector = a[1].as_string();
      if (selector.rfind("$", 0) != 0 || selector.find_first_of("[*") != std::string::npos)
        return Value::Unknown(fmt::format("JSONPath `{}` is not evaluated", selector), e.loc);
      size_t pos = 1;
      while (pos < selector.size()) {
        if (selector[pos] != '.') return Value::Unknown(fmt::format("JSONPath `{}` is not evaluated", selector), e.loc);
        size_t next = selector.find('.', pos + 1);
        std::string member = selector.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
        if (!at->isObject() || !at->isMember(member))
          return Value::Unknown(fmt::format("`{}` selects nothing in `{}`", selector, a[0].as_string()), e.loc);
        at = &(*at)[member];
        pos = next == std::string::npos ? selector.size() : next;
      }
    }
    return FromJson(source, *at, 0);
  }

  static Value FromJson(const SourceText& source, const Json::Value& v, size_t depth) {
    SourceLoc loc = LocOf(source, v);
    if (depth > kMaxDepth) return Value::Unknown("the JSON nests too deeply", loc);
    switch (v.type()) {
      case Json::nullValue: return Value::Null(loc);
      case Json::booleanValue: return Value::Bool(v.asBool(), loc);
      case Json::intValue: case Json::uintValue: case Json::realValue: return Value::Number(v.asDouble(), loc);
      case Json::stringValue: return Value::String(v.asString(), loc);
      case Json::arrayValue: {
        Value::Items items;
        for (const Json::Value& item : v) items.push_back(FromJson(source, item, depth + 1));
        return Value::Tuple(std::move(items), loc);
      }
      case Json::objectValue: {
        Value::Fields fields;
        for (auto it = v.begin(); it != v.end(); ++it)
          fields[std::string(MemberName(it))] = FromJson(source, *it, depth + 1);
        return Value::Object(std::move(fields), loc);
      }
    }
    return Value::Null(loc);
  }

  Value Variable(const std::string& name, const Expr& expr, const SourceLoc& use) {
    if (auto it = var_cache_.find(name); it != var_cache_.end()) return it->second.WithLoc(use);
    if (!var_busy_.insert(name).second) return Value::Unknown(fmt::format("variable `{}` depends on itself", name), use);
    Value v = Eval(expr);
    var_busy_.erase(name);
    if (scopes.empty()) var_cache_[name] = v;
    return v;
  }

  Value Binary(const Expr& e) {
    Value a = Eval(*e.a);
    if (e.text == "??") return a.is_null() ? Eval(*e.b) : a;
    if (e.text == "&&" && a.is_bool() && !a.as_bool()) return Value::Bool(false, e.loc);
    if (e.text == "||" && a.is_bool() && a.as_bool()) return Value::Bool(true, e.loc);
    Value b = Eval(*e.b);
    if (a.is_unknown() || b.is_unknown())
      return Value::Unknown(a.is_unknown() ? a.unknown_reason() : b.unknown_reason(), e.loc);
    const std::string& op = e.text;
    if (op == "&&" || op == "||") return Value::Bool(Truthy(b), e.loc);
    if (op == "==" || op == "!=") {
      if (!a.wholly_known() || !b.wholly_known()) return Value::Unknown("a comparison of unknown values", e.loc);
      return Value::Bool(a.Equals(b) == (op == "=="), e.loc);
    }
    if (op == "=~" || op == "!~") {
      if (!a.is_string() || !b.is_string()) return Value::Unknown("`=~` of values that are not strings", e.loc);
      return Value::Bool((AsciiLower(a.as_string()) == AsciiLower(b.as_string())) == (op == "=~"), e.loc);
    }
    if (a.is_number() && b.is_number()) {
      double x = a.as_number(), y = b.as_number();
      if (op == "<") return Value::Bool(x < y, e.loc);
      if (op == "<=") return Value::Bool(x <= y, e.loc);
      if (op == ">") return Value::Bool(x > y, e.loc);
      if (op == ">=") return Value::Bool(x >= y, e.loc);
      if (op == "+") return Value::Number(x + y, e.loc);
      if (op == "-") return Value::Number(x - y, e.loc);
      if (op == "*") return Value::Number(x * y, e.loc);
      if (op == "/" && y != 0) return Value::Number(std::trunc(x / y), e.loc);
      if (op == "%" && y != 0) return Value::Number(std::fmod(x, y), e.loc);
    }
    return Value::Unknown(fmt::format("`{}` of values of the wrong type", op), e.loc);
  }

  std::vector<Value> Args(const Expr& e) {
    std::vector<Value> out;
    for (const ExprPtr& a : e.items) out.push_back(Eval(*a));
    return out;
  }

  // The deployment functions, by lower-case name (Bicep's and ARM's share
  // their names and meanings).
  Value Call(const Expr& e) {
    const std::string name = AsciiLower(e.text);
    // ARM's names for the template's own values.
    if (name == "parameters" || name == "variables") {
      std::vector<Value> a = Args(e);
      if (a.size() != 1 || !a[0].is_string()) return Value::Unknown(fmt::format("`{}` needs one name", e.text), e.loc);
      const std::string& wanted = a[0].as_string();
      if (name == "parameters") {
        auto it = params.find(wanted);
        return it == params.end() ? Value::Unknown(fmt::format("parameter `{}` is not declared", wanted), e.loc)
                                  : it->second.WithLoc(e.loc);
      }
      auto it = vars.find(wanted);
      return it == vars.end() ? Value::Unknown(fmt::format("variable `{}` is not declared", wanted), e.loc)
                              : Variable(wanted, *it->second, e.loc);
    }
    if (name == "copyindex") {
      std::vector<Value> a = Args(e);
      if (copy_index < 0) return Value::Unknown("`copyIndex()` outside a copy loop", e.loc);
      double offset = !a.empty() && a.back().is_number() ? a.back().as_number() : 0;
      return Value::Number(copy_index + offset, e.loc);
    }
    if (name == "if") {
      if (e.items.size() != 3) return Value::Unknown("`if` takes 3 arguments", e.loc);
      Value c = Eval(*e.items[0]);
      if (c.is_bool()) return Eval(c.as_bool() ? *e.items[1] : *e.items[2]);
      return Value::Unknown(c.is_unknown() ? c.unknown_reason() : "`if` needs a bool", e.loc);
    }
    if (name == "loadtextcontent" || name == "loadjsoncontent") return LoadContent(e, name == "loadjsoncontent");
    if (name == "loadyamlcontent" || name == "loadfileasbase64" || name == "loaddirectoryfileinfo")
      return Value::Unknown(fmt::format("`{}()` is not evaluated", e.text), e.loc);
    static const std::set<std::string> kDeployment = {
        "uniquestring", "guid", "newguid", "utcnow", "resourceid", "subscriptionresourceid", "tenantresourceid",
        "extensionresourceid", "managementgroupresourceid", "reference", "list", "listkeys", "subscription",
        "resourcegroup", "tenant", "deployment", "environment", "managementgroup", "deployer", "getsecret"};
    if (kDeployment.count(name))
      return Value::Unknown(fmt::format("`{}()` is known only when the template is deployed", e.text), e.loc);
    std::vector<Value> a = Args(e);
    for (const Value& v : a)
      if (v.is_unknown() && name != "concat" && name != "format" && name != "coalesce" && name != "union")
        return Value::Unknown(v.unknown_reason(), e.loc);
    auto str = [&](size_t i) -> std::optional<std::string> { return i < a.size() ? TextOf(a[i]) : std::nullopt; };
    if (name == "concat") {
      if (!a.empty() && a[0].is_tuple()) {
        Value::Items items;
        for (const Value& v : a) {
          if (v.is_unknown()) return Value::Unknown(v.unknown_reason(), e.loc);
          if (v.is_tuple()) items.insert(items.end(), v.items().begin(), v.items().end());
        }
        return Value::Tuple(std::move(items), e.loc);
      }
      return Join(a, e.loc);
    }
    if (name == "format") return Format(e, a);
    if (name == "tolower" || name == "toupper") {
      if (!str(0)) return Value::Unknown(fmt::format("`{}` of a value that is not text", e.text), e.loc);
      std::string s = *str(0);
      for (char& c : s) c = static_cast<char>(name == "tolower" ? std::tolower(static_cast<unsigned char>(c))
                                                                 : std::toupper(static_cast<unsigned char>(c)));
      return Value::String(s, e.loc);
    }
    if (name == "string" && str(0)) return Value::String(*str(0), e.loc);
    if (name == "replace" && str(0) && str(1) && str(2)) {
      std::string s = *str(0), from = *str(1), to = *str(2);
      if (from.empty()) return Value::String(s, e.loc);
      for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
      return Value::String(s, e.loc);
    }
    if (name == "trim" && str(0)) {
      std::string s = *str(0);
      size_t b = s.find_first_not_of(" \t\r\n"), x = s.find_last_not_of(" \t\r\n");
      return Value::String(b == std::string::npos ? "" : s.substr(b, x - b + 1), e.loc);
    }
    if ((name == "startswith" || name == "endswith") && str(0) && str(1)) {
      std::string s = AsciiLower(*str(0)), p = AsciiLower(*str(1));
      bool yes = s.size() >= p.size() && (name == "startswith" ? s.compare(0, p.size(), p) == 0
                                                               : s.compare(s.size() - p.size(), p.size(), p) == 0);
      return Value::Bool(yes, e.loc);
    }
    if (name == "split" && str(0) && str(1) && !str(1)->empty()) {
      Value::Items items;
      std::string s = *str(0), sep = *str(1);
      size_t at = 0;
      for (size_t hit; (hit = s.find(sep, at)) != std::string::npos; at = hit + sep.size())
        items.push_back(Value::String(s.substr(at, hit - at), e.loc));
      items.push_back(Value::String(s.substr(at), e.loc));
      return Value::Tuple(std::move(items), e.loc);
    }
    if (name == "join" && a.size() == 2 && a[0].is_tuple() && str(1)) {
      std::vector<Value> parts;
      for (size_t i = 0; i < a[0].items().size(); ++i) {
        if (i) parts.push_back(Value::String(*str(1), e.loc));
        parts.push_back(a[0].items()[i]);
      }
      return Join(parts, e.loc);
    }
    if (name == "empty" && !a.empty()) {
      const Value& v = a[0];
      bool empty = v.is_null() || (v.is_string() && v.as_string().empty()) || (v.is_tuple() && v.items().empty()) ||
                   (v.is_object() && v.fields().empty());
      return Value::Bool(empty, e.loc);
    }
    if (name == "length" && !a.empty()) {
      const Value& v = a[0];
      if (v.is_string()) return Value::Number(static_cast<double>(v.as_string().size()), e.loc);
      if (v.is_tuple()) return Value::Number(static_cast<double>(v.items().size()), e.loc);
      if (v.is_object()) return Value::Number(static_cast<double>(v.fields().size()), e.loc);
    }
    if (name == "items" && !a.empty() && a[0].is_object()) {
      // [{key, value}] in key order.
      Value::Items entries;
      for (const auto& [key, value] : a[0].fields()) {
        Value::Fields entry;
        entry["key"] = Value::String(key, value.loc());
        entry["value"] = value;
        entries.push_back(Value::Object(std::move(entry), value.loc()));
      }
      return Value::Tuple(std::move(entries), e.loc);
    }
    if ((name == "first" || name == "last") && !a.empty() && a[0].is_tuple()) {
      if (a[0].items().empty()) return Value::Null(e.loc);
      return name == "first" ? a[0].items().front() : a[0].items().back();
    }
    if ((name == "createarray" || name == "array")) return Value::Tuple(Value::Items(a.begin(), a.end()), e.loc);
    if (name == "createobject") {
      Value::Fields f;
      for (size_t i = 0; i + 1 < a.size(); i += 2)
        if (std::optional<std::string> k = TextOf(a[i])) f[*k] = a[i + 1];
      return Value::Object(std::move(f), e.loc);
    }
    if (name == "union" || name == "coalesce") {
      for (const Value& v : a)
        if (v.is_unknown()) return Value::Unknown(v.unknown_reason(), e.loc);
      if (name == "coalesce") {
        for (const Value& v : a)
          if (!v.is_null()) return v;
        return Value::Null(e.loc);
      }
      if (!a.empty() && a[0].is_object()) {
        Value::Fields f;
        for (const Value& v : a)
          if (v.is_object())
            for (const auto& [k, x] : v.fields()) f[k] = x;
        return Value::Object(std::move(f), e.loc);
      }
      Value::Items items;
      for (const Value& v : a)
        if (v.is_tuple())
          for (const Value& x : v.items())
            if (std::none_of(items.begin(), items.end(), [&](const Value& y) { return y.wholly_known() && x.wholly_known() && y.Equals(x); }))
              items.push_back(x);
      return Value::Tuple(std::move(items), e.loc);
    }
    if (name == "contains" && a.size() == 2) {
      if (a[0].is_tuple()) {
        for (const Value& v : a[0].items())
          if (v.wholly_known() && a[1].wholly_known() && v.Equals(a[1])) return Value::Bool(true, e.loc);
        return Value::Bool(false, e.loc);
      }
      if (a[0].is_object() && str(1)) return Value::Bool(a[0].Find(*str(1)) != nullptr, e.loc);
      if (str(0) && str(1)) return Value::Bool(str(0)->find(*str(1)) != std::string::npos, e.loc);
    }
    if (name == "equals" && a.size() == 2 && a[0].wholly_known() && a[1].wholly_known())
      return Value::Bool(a[0].Equals(a[1]), e.loc);
    if (name == "not" && a.size() == 1 && a[0].is_bool()) return Value::Bool(!a[0].as_bool(), e.loc);
    if ((name == "and" || name == "or") && !a.empty()) {
      bool all = name == "and";
      for (const Value& v : a) {
        if (!v.is_bool()) return Value::Unknown(fmt::format("`{}` needs bools", e.text), e.loc);
        all = name == "and" ? all && v.as_bool() : all || v.as_bool();
      }
      return Value::Bool(all, e.loc);
    }
    if (name == "bool" && str(0)) return Value::Bool(AsciiLower(*str(0)) == "true", e.loc);
    if (name == "int" && str(0)) return Value::Number(std::trunc(std::strtod(str(0)->c_str(), nullptr)), e.loc);
    if (name == "json" && str(0)) {
      Json::CharReaderBuilder builder;
      builder["stackLimit"] = 64;
      std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
      Json::Value json;
      std::string errors;
      const std::string text = *str(0);
      bool ok = false;
      try {
        ok = reader->parse(text.data(), text.data() + text.size(), &json, &errors);
      } catch (const Json::Exception&) {
        ok = false;
      }
      if (ok) return hcl::DecodeJson(json, e.loc);
    }
    return Value::Unknown(fmt::format("function `{}` is not evaluated", e.text), e.loc);
  }

  // format('{0}/{1}', a, b): .NET composite formatting, without format specs.
  Value Format(const Expr& e, const std::vector<Value>& a) {
    if (a.empty() || !a[0].is_string()) return Value::Unknown("`format` needs a format string", e.loc);
    const std::string& spec = a[0].as_string();
    std::vector<Value> parts;
    std::string literal;
    for (size_t i = 0; i < spec.size(); ++i) {
      char c = spec[i];
      if ((c == '{' || c == '}') && i + 1 < spec.size() && spec[i + 1] == c) {
        literal += c;
        ++i;
        continue;
      }
      if (c != '{') {
        literal += c;
        continue;
      }
      size_t close = spec.find('}', i);
      if (close == std::string::npos) return Value::Unknown("a format string with an open `{`", e.loc);
      std::string item = spec.substr(i + 1, close - i - 1);
      size_t colon = item.find_first_of(",:");
      if (colon != std::string::npos) item = item.substr(0, colon);
      size_t n = static_cast<size_t>(std::strtoul(item.c_str(), nullptr, 10)) + 1;
      if (n >= a.size()) return Value::Unknown("a format item past the arguments", e.loc);
      parts.push_back(Value::String(literal, e.loc));
      literal.clear();
      parts.push_back(a[n]);
      i = close;
    }
    parts.push_back(Value::String(literal, e.loc));
    return Join(parts, e.loc);
  }

  size_t steps_ = 0;
  size_t depth_ = 0;
  std::map<std::string, Value, std::less<>> var_cache_;
  std::set<std::string> var_busy_;
};

// ---------------------------------------------------------------------------
// Credentials

bool TypeIs(std::string_view type, std::string_view want) { return AsciiLower(type) == AsciiLower(want); }
constexpr std::string_view kIdentityCredential =
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
constexpr std::string_view kGraphCredential = "Microsoft.Graph/applications/federatedIdentityCredentials";

// Everything one file lowers into.
class Lowering {
 public:
  // `context` names the module call the resources are read through ("" for
  // the file itself), `call_guards` its unknown deployment.
  Lowering(const char* format, LoadedFile* out, std::string context = "", std::vector<Hole> call_guards = {})
      : format_(format), out_(out), context_(std::move(context)), call_guards_(std::move(call_guards)) {}

  // One credential resource instance, evaluated: `body` is the resource
  // object (name, properties / Graph's top-level fields), `unit` the
  // identity or application it belongs to, `guards` its unknown existence.
  Status Credential(const ResourceDecl& r, const Value& body, const std::string& unit, std::vector<Hole> guards) {
    const bool graph = TypeIs(r.type, kGraphCredential);
    Value::Fields credential;
    if (const Value* name = body.Find("name")) {
      // ARM writes a child's name as `parent/child`: the credential's own
      // name is the last segment.
      // A name known only when deployed is no name: the symbol stands in.
      Value n = *name;
      if (n.is_string() && n.as_string().find('/') != std::string::npos)
        n = Value::String(n.as_string().substr(n.as_string().rfind('/') + 1), n.loc());
      if (n.is_string()) credential["name"] = n;
    }
    const Value* props = graph ? &body : body.Find("properties");
    if (props && props->is_unknown()) {
      // Every field is unknown (not missing: the credential is not malformed).
      for (const char* key : {"issuer", "subject", "audiences"}) credential[key] = *props;
    } else if (props && props->is_object()) {
      for (const char* key : {"issuer", "subject", "audiences", "claimsMatchingExpression"})
        if (const Value* v = props->Find(key)) credential[key] = *v;
    }
    Result<Trust> trust = LowerEntraCredentialValue(Value::Object(std::move(credential), r.loc), r.loc, format_,
                                                    r.symbol.empty() ? "credential" : r.symbol);
    if (!trust.ok()) return trust.status();
    for (const Hole& g : call_guards_) guards.push_back(g);
    Guard(&*trust, guards);
    AddUnresolvedNotes(&*trust);
    trust->format = format_;
    trust->loc = r.loc;
    trust->context = context_;
    trust->facts.access_unit = unit;
    out_->trusts.push_back(std::move(*trust));
    return Status();
  }

 private:
  const char* format_;
  LoadedFile* out_;
  std::string context_;
  std::vector<Hole> call_guards_;
};

// The identity or application a credential belongs to, for diff's access
// units: the parent's name, or the first segment of an ARM child name.
std::string UnitOf(Evaluator& ev, const ResourceDecl& r, const Value& body) {
  const bool graph = TypeIs(r.type, kGraphCredential);
  const char* kind = graph ? "applications/" : "userAssignedIdentities/";
  if (r.parent) {
    Value parent = ev.ResourceValue(*r.parent, r.loc);
    const Value* name = parent.Find(graph ? "uniqueName" : "name");
    if (!name) name = parent.Find("name");
    if (name && name->is_string()) return kind + name->as_string();
    return kind + r.parent->symbol;
  }
  if (const Value* name = body.Find("name"); name && name->is_string()) {
    const std::string& n = name->as_string();
    if (n.find('/') != std::string::npos) return kind + n.substr(0, n.find('/'));
  }
  return "";
}

// Evaluates each instance of `r` (its `if` and `for`) and lowers the
// credentials among them.
Status Instances(Evaluator& ev, Lowering& lowering, const ResourceDecl& r) {
  if (r.existing) return Status();
  if (!TypeIs(r.type, kIdentityCredential) && !TypeIs(r.type, kGraphCredential)) return Status();
  std::vector<Hole> guards;
  if (r.condition) {
    Value c = ev.Eval(*r.condition);
    if (c.is_bool() && !c.as_bool()) return Status();
    if (!c.is_bool())
      guards.push_back({fmt::format("whether `{}` is deployed is unknown: {}", r.symbol.empty() ? r.type : r.symbol,
                                    c.is_unknown() ? c.unknown_reason() : "its condition is not a bool"),
                        r.condition->loc});
  }
  if (!r.loop) {
    Value body = ev.Eval(*r.body);
    return lowering.Credential(r, body, UnitOf(ev, r, body), guards);
  }
  Value collection = ev.Eval(*r.loop->a);
  if (!collection.is_tuple()) {
    guards.push_back({fmt::format("the instances of `{}` are unknown: {}", r.symbol,
                                  collection.is_unknown() ? collection.unknown_reason() : "not an array"),
                      r.loop->loc});
    ev.scopes.push_back({{r.loop->text, Value::Unknown("the loop item is unknown", r.loop->loc)}});
    Value body = ev.Eval(*r.body);
    ev.scopes.pop_back();
    return lowering.Credential(r, body, UnitOf(ev, r, body), guards);
  }
  size_t i = 0;
  for (const Value& item : collection.items()) {
    if (i >= kMaxInstances) break;
    ev.scopes.push_back({{r.loop->text, item}});
    if (!r.loop->index_name.empty()) ev.scopes.back()[r.loop->index_name] = Value::Number(static_cast<double>(i), r.loc);
    bool keep = !r.loop->c || Truthy(ev.Eval(*r.loop->c));
    Status s;
    if (keep) {
      Value body = ev.Eval(*r.body);
      s = lowering.Credential(r, body, UnitOf(ev, r, body), guards);
    }
    ev.scopes.pop_back();
    if (!s.ok()) return s;
    ++i;
  }
  return Status();
}

// ---------------------------------------------------------------------------
// Bicep

class BicepFile {
 public:
  BicepFile(std::string_view text, FileId path) : cur_(text, std::move(path)) {}

  Status Parse() {
    while (true) {
      cur_.Skip(true);
      if (cur_.AtEnd()) return Status();
      if (cur_.Peek() == '@') {  // a decorator: `@description('...')`
        cur_.Advance();
        ExprParser p(cur_, false);
        Result<ExprPtr> d = p.Parse();
        if (!d.ok()) return d.status();
        continue;
      }
      ExprParser p(cur_, false);
      SourceLoc at = cur_.Loc();
      Result<std::string> keyword = p.Identifier();
      if (!keyword.ok()) return cur_.Error("expected a declaration (`param`, `var`, `resource`, ...)");
      Status s = Declaration(*keyword, at);
      if (!s.ok()) return s;
    }
  }

  std::vector<std::unique_ptr<ResourceDecl>> resources;
  std::vector<std::unique_ptr<ResourceDecl>> modules;  // `type` holds the module's path or registry reference
  std::vector<std::pair<std::string, ExprPtr>> params;  // name, default (may be null)
  std::vector<std::pair<std::string, ExprPtr>> vars;

 private:
  Status Declaration(const std::string& keyword, const SourceLoc& at) {
    ExprParser p(cur_, false);
    cur_.Skip(false);
    if (keyword == "param") {
      Result<std::string> name = p.Identifier();
      if (!name.ok()) return name.status();
      SkipType();
      ExprPtr def;
      cur_.Skip(false);
      if (cur_.Peek() == '=') {
        cur_.Advance();
        Result<ExprPtr> v = p.Parse();
        if (!v.ok()) return v.status();
        def = std::move(*v);
      }
      params.emplace_back(*name, std::move(def));
      return Status();
    }
    if (keyword == "var") {
      Result<std::string> name = p.Identifier();
      if (!name.ok()) return name.status();
      cur_.Skip(false);
      if (cur_.Peek() != '=') return cur_.Error(fmt::format("expected `=` after `var {}`", *name));
      cur_.Advance();
      Result<ExprPtr> v = p.Parse();
      if (!v.ok()) return v.status();
      vars.emplace_back(*name, std::move(*v));
      return Status();
    }
    if (keyword == "resource") return Resource(nullptr, at);
    if (keyword == "module") return Module(at);
    if (keyword == "output" || keyword == "targetScope" || keyword == "metadata" ||
        keyword == "type" || keyword == "func" || keyword == "import" || keyword == "extension" ||
        keyword == "provider" || keyword == "using" || keyword == "assert") {
      return SkipStatement();
    }
    return Status::Error(at, fmt::format("`{}` is not a Bicep declaration", keyword));
  }

  // A type after a param name: `string`, `string[]`, `'a' | 'b'`, `{...}`.
  void SkipType() {
    cur_.Skip(false);
    while (!cur_.AtEnd() && cur_.Peek() != '=' && cur_.Peek() != '\n') {
      if (cur_.Peek() == '{' || cur_.Peek() == '(' || cur_.Peek() == '[') {
        SkipBalanced();
        continue;
      }
      if (cur_.Peek() == '\'') {
        ExprParser p(cur_, false);
        (void)p.StringLiteral();
        continue;
      }
      cur_.Advance();
    }
  }

  void SkipBalanced() {
    int depth = 0;
    do {
      char c = cur_.Peek();
      if (c == '\'') {
        ExprParser p(cur_, false);
        (void)p.StringLiteral();
        continue;
      }
      if (c == '{' || c == '(' || c == '[') ++depth;
      if (c == '}' || c == ')' || c == ']') --depth;
      cur_.Advance();
    } while (depth > 0 && !cur_.AtEnd());
  }

  // Everything up to the end of the statement: its line, with any brackets
  // it opens.
  Status SkipStatement() {
    while (!cur_.AtEnd() && cur_.Peek() != '\n') {
      char c = cur_.Peek();
      if (c == '{' || c == '(' || c == '[') {
        SkipBalanced();
      } else if (c == '\'') {
        ExprParser p(cur_, false);
        Result<ExprPtr> s = p.StringLiteral();
        if (!s.ok()) return s.status();
      } else if (cur_.Looking("//")) {
        cur_.Skip(false);
      } else {
        cur_.Advance();
      }
    }
    return Status();
  }

  // resource SYMBOL 'TYPE@VERSION' [existing] = [if (...)] { ... } | [for ...: { ... }]
  Status Resource(const ResourceDecl* parent, const SourceLoc& at) {
    if (++depth_ > kMaxDepth) return cur_.Error("resources nest too deeply");
    ExprParser p(cur_, false);
    cur_.Skip(false);
    Result<std::string> symbol = p.Identifier();
    if (!symbol.ok()) return symbol.status();
    cur_.Skip(false);
    Result<ExprPtr> type = p.StringLiteral();
    if (!type.ok()) return type.status();
    auto r = std::make_unique<ResourceDecl>();
    r->symbol = *symbol;
    r->loc = at;
    std::string t = (*type)->text;
    t = t.substr(0, t.find('@'));
    r->type = parent && t.find('/') == std::string::npos ? parent->type + "/" + t : t;
    r->parent = parent;
    cur_.Skip(false);
    if (cur_.Looking("existing")) {
      r->existing = true;
      cur_.Advance(8);
      cur_.Skip(false);
    }
    if (cur_.Peek() != '=') return cur_.Error(fmt::format("expected `=` after resource `{}`", *symbol));
    cur_.Advance();
    cur_.Skip(false);
    if (Status s = Condition(r.get()); !s.ok()) return s;
    if (cur_.Peek() == '[') {
      Result<ExprPtr> loop = p.Parse();
      if (!loop.ok()) return loop.status();
      if ((*loop)->kind != Expr::Kind::kFor) return cur_.Error("expected `[for ...]`");
      r->loop = Keep(std::move(*loop));
      r->body = r->loop->b.get();
      if (r->body->kind == Expr::Kind::kObject)
        for (const auto& [key, value] : r->body->fields)
          if (key == "parent" && value->kind == Expr::Kind::kName) parent_names_[r.get()] = value->text;
      resources.push_back(std::move(r));
      --depth_;
      return Status();
    }
    if (cur_.Peek() != '{') return cur_.Error(fmt::format("expected `{{` after resource `{}`", *symbol));
    ResourceDecl* raw = r.get();
    resources.push_back(std::move(r));
    Result<ExprPtr> body = Body(raw);
    if (!body.ok()) return body.status();
    raw->body = Keep(std::move(*body));
    // `parent: sym` names the parent of a top-level child resource.
    for (const auto& [key, value] : raw->body->fields)
      if (key == "parent" && value->kind == Expr::Kind::kName) parent_names_[raw] = value->text;
    --depth_;
    return Status();
  }

  // `if (...)` after a resource's or module's `=`, when written.
  Status Condition(ResourceDecl* decl) {
    if (!cur_.Looking("if") || IdentChar(cur_.Peek(2))) return Status();
    cur_.Advance(2);
    cur_.Skip(false);
    ExprParser p(cur_, false);
    Result<ExprPtr> cond = p.Parse();  // parenthesised
    if (!cond.ok()) return cond.status();
    decl->condition = Keep(std::move(*cond));
    cur_.Skip(false);
    return Status();
  }

  // module SYMBOL 'PATH' = [if (...)] { name: ..., params: { ... } } | [for ...: { ... }]
  Status Module(const SourceLoc& at) {
    ExprParser p(cur_, false);
    cur_.Skip(false);
    Result<std::string> symbol = p.Identifier();
    if (!symbol.ok()) return symbol.status();
    cur_.Skip(false);
    Result<ExprPtr> path = p.StringLiteral();
    if (!path.ok()) return path.status();
    auto m = std::make_unique<ResourceDecl>();
    m->symbol = *symbol;
    m->type = (*path)->text;
    m->loc = at;
    cur_.Skip(false);
    if (cur_.Peek() != '=') return cur_.Error(fmt::format("expected `=` after module `{}`", *symbol));
    cur_.Advance();
    cur_.Skip(false);
    if (Status s = Condition(m.get()); !s.ok()) return s;
    Result<ExprPtr> body = p.Parse();
    if (!body.ok()) return body.status();
    if ((*body)->kind == Expr::Kind::kFor) {
      m->loop = Keep(std::move(*body));
      m->body = m->loop->b.get();
    } else if ((*body)->kind == Expr::Kind::kObject) {
      m->body = Keep(std::move(*body));
    } else {
      return Status::Error((*body)->loc, fmt::format("expected `{{` or `[for ...]` after module `{}`", *symbol));
    }
    modules.push_back(std::move(m));
    return Status();
  }

  // An object body whose entries may include nested resources.
  Result<ExprPtr> Body(ResourceDecl* owner) {
    auto obj = std::make_unique<Expr>();
    obj->kind = Expr::Kind::kObject;
    obj->loc = cur_.Loc();
    cur_.Advance();  // {
    while (true) {
      cur_.Skip(true);
      if (cur_.Peek() == '}') {
        cur_.Advance();
        return obj;
      }
      if (cur_.AtEnd()) return Status::Error(obj->loc, "resource body is not closed by `}`");
      if (cur_.Peek() == '@') {
        cur_.Advance();
        ExprParser p(cur_, false);
        Result<ExprPtr> d = p.Parse();
        if (!d.ok()) return d.status();
        continue;
      }
      SourceLoc at = cur_.Loc();
      std::string key;
      ExprParser p(cur_, false);
      if (cur_.Peek() == '\'') {
        Result<ExprPtr> k = p.StringLiteral();
        if (!k.ok()) return k.status();
        key = (*k)->text;
      } else {
        Result<std::string> k = p.Identifier();
        if (!k.ok()) return k.status();
        key = *k;
      }
      cur_.Skip(false);
      if (key == "resource" && cur_.Peek() != ':') {
        TRUSTCHECK_RETURN_IF_ERROR(Resource(owner, at));
        continue;
      }
      if (cur_.Peek() != ':') return cur_.Error(fmt::format("expected `:` after `{}`", key));
      cur_.Advance();
      Result<ExprPtr> value = p.Parse();
      if (!value.ok()) return value.status();
      obj->fields.emplace_back(std::move(key), std::move(*value));
      cur_.Skip(false);
      if (cur_.Peek() == ',') cur_.Advance();
    }
  }

  const Expr* Keep(ExprPtr e) {
    kept_.push_back(std::move(e));
    return kept_.back().get();
  }

 public:
  // Resolves `parent: sym` once every resource is known.
  void LinkParents() {
    std::map<std::string, const ResourceDecl*> by_symbol;
    for (const auto& r : resources) by_symbol[r->symbol] = r.get();
    for (auto& [r, name] : parent_names_) {
      auto it = by_symbol.find(name);
      if (it == by_symbol.end()) continue;
      r->parent = it->second;
      std::string t = r->type;
      if (t.find('/') == std::string::npos || AsciiLower(t).rfind(AsciiLower(it->second->type) + "/", 0) != 0) {
        // `'federatedIdentityCredentials@...'` written relative to the parent.
        if (std::count(t.begin(), t.end(), '/') == 0) r->type = it->second->type + "/" + t;
      }
    }
  }

 private:
  Cursor cur_;
  size_t depth_ = 0;
  std::vector<ExprPtr> kept_;
  std::map<ResourceDecl*, std::string> parent_names_;
};

// A `.bicepparam` file: the template it is `using` and its `param NAME =
// VALUE` lines (other statements, `extends` and `import`, are read past).
struct BicepParamFile {
  std::string using_ref;  // "" for `using none` or no `using`
  SourceLoc using_loc;
  std::map<std::string, ExprPtr, std::less<>> params;
};

Status ParseBicepParamFile(std::string_view text, FileId path, BicepParamFile* out) {
  Cursor cur(text, std::move(path));
  while (true) {
    cur.Skip(true);
    if (cur.AtEnd()) return Status();
    ExprParser ep(cur, false);
    SourceLoc at = cur.Loc();
    Result<std::string> keyword = ep.Identifier();
    if (!keyword.ok()) return cur.Error("expected `using`, `param` or another declaration");
    cur.Skip(false);
    if (*keyword == "using") {
      out->using_loc = at;
      if (cur.Peek() == '\'') {
        Result<ExprPtr> ref = ep.StringLiteral();
        if (!ref.ok()) return ref.status();
        out->using_ref = (*ref)->text;
      }
    } else if (*keyword == "param") {
      Result<std::string> name = ep.Identifier();
      if (!name.ok()) return name.status();
      cur.Skip(false);
      if (cur.Peek() != '=') return cur.Error(fmt::format("expected `=` after `param {}`", *name));
      cur.Advance();
      Result<ExprPtr> value = ep.Parse();
      if (!value.ok()) return value.status();
      out->params[*name] = std::move(*value);
      continue;
    }
    while (!cur.AtEnd() && cur.Peek() != '\n') cur.Advance();
  }
}

// The `param` values of a `.bicepparam` file beside `bicep_path` that says
// `using` it (by file name).
void ReadBicepParams(const std::string& bicep_path, const LoadLimits& limits,
                     std::map<std::string, ExprPtr, std::less<>>* out) {
  fs::path p(bicep_path);
  std::error_code ec;
  for (fs::directory_iterator it(p.parent_path().empty() ? fs::path(".") : p.parent_path(), ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".bicepparam") continue;
    Result<std::string> text = ReadFileBounded(it->path().string(), limits.max_file_bytes);
    if (!text.ok()) continue;
    BicepParamFile file;
    (void)ParseBicepParamFile(*text, FileId::Of(it->path().string()), &file);
    if (fs::path(file.using_ref).filename() != p.filename()) continue;
    for (auto& [name, value] : file.params) (*out)[name] = std::move(value);
  }
}

// ---------------------------------------------------------------------------
// ARM JSON

// A JSON value as an expression tree: strings `[...]` are ARM expressions
// (`[[` escapes a literal `[`), everything else is literal, located.
class ArmTree {
 public:
  ArmTree(const SourceText& source) : source_(source) {}

  Result<ExprPtr> Build(const Json::Value& v, int depth = 0) {
    if (depth > static_cast<int>(kMaxDepth)) return Status::Error(ErrorCode::kTooLarge, LocOf(source_, v), "template nests too deeply");
    auto e = std::make_unique<Expr>();
    e->loc = LocOf(source_, v);
    switch (v.type()) {
      case Json::nullValue: e->kind = Expr::Kind::kNull; return e;
      case Json::booleanValue: e->kind = Expr::Kind::kBool; e->flag = v.asBool(); return e;
      case Json::intValue: case Json::uintValue: case Json::realValue:
        e->kind = Expr::Kind::kNumber;
        e->number = v.asDouble();
        return e;
      case Json::stringValue: {
        std::string s = v.asString();
        if (s.size() >= 2 && s.front() == '[' && s.back() == ']' && s[1] != '[') {
          SourceLoc at = e->loc;
          Cursor cur(std::string_view(s).substr(1, s.size() - 2), FileId::Of(at.path()),
                     at.line, at.column + 2);
          ExprParser p(cur, true);
          Result<ExprPtr> x = p.Parse();
          if (!x.ok()) return Status::Error(at, fmt::format("invalid template expression: {}", x.status().message()));
          cur.Skip(true);
          if (!cur.AtEnd()) return Status::Error(at, "invalid template expression: text after the expression");
          return x;
        }
        if (s.size() >= 2 && s[0] == '[' && s[1] == '[') s.erase(0, 1);
        e->kind = Expr::Kind::kString;
        e->text = std::move(s);
        return e;
      }
      case Json::arrayValue: {
        e->kind = Expr::Kind::kArray;
        for (const Json::Value& item : v) {
          Result<ExprPtr> x = Build(item, depth + 1);
          if (!x.ok()) return x;
          e->items.push_back(std::move(*x));
        }
        return e;
      }
      case Json::objectValue: {
        e->kind = Expr::Kind::kObject;
        for (auto it = v.begin(); it != v.end(); ++it) {
          Result<ExprPtr> x = Build(*it, depth + 1);
          if (!x.ok()) return x;
          e->fields.emplace_back(std::string(MemberName(it)), std::move(*x));
        }
        return e;
      }
    }
    return e;
  }

 private:
  const SourceText& source_;
};

// The resources of an ARM template, children flattened (`resources` inside
// a resource: relative type and name), `copy` loops with copyIndex().
struct ArmResource {
  const Json::Value* json;
  std::string type;
  const Json::Value* parent;  // the enclosing resource of a nested child, or nullptr
};

void ArmResources(const Json::Value& list, const Json::Value* parent, const std::string& parent_type,
                  std::vector<ArmResource>* out, int depth) {
  if (depth > 8) return;
  auto visit = [&](const Json::Value& r) {
    if (!r.isObject() || !r["type"].isString()) return;
    std::string type = r["type"].asString();
    if (!parent_type.empty() && type.find('/') == std::string::npos) type = parent_type + "/" + type;
    out->push_back({&r, type, parent});
    if (r.isMember("resources")) ArmResources(r["resources"], &r, type, out, depth + 1);
  };
  if (list.isArray()) {
    for (const Json::Value& r : list) visit(r);
  } else if (list.isObject()) {  // languageVersion 2.0: symbolic names
    for (const Json::Value& r : list) visit(r);
  }
}

// ---------------------------------------------------------------------------
// Bicep files and the modules they call

constexpr size_t kMaxModuleDepth = 16;  // nested module calls

// A module reference Bicep resolves from a registry or template spec
// (`br:`, `br/ALIAS:`, `ts:`, `ts/ALIAS:`), not from a path on disk.
bool RegistryModule(const std::string& ref) {
  size_t colon = ref.find(':');
  if (colon == std::string::npos) return false;
  std::string_view scheme = std::string_view(ref).substr(0, colon);
  return scheme == "br" || scheme == "ts" || scheme.rfind("br/", 0) == 0 || scheme.rfind("ts/", 0) == 0;
}

// Registry modules whose interface is known (a published module's
// parameters are its contract): the parameter that lists the federated
// identity credentials it deploys, each {name, audiences, issuer, subject},
// on the identity named by `identity_name_param`.
struct KnownModule {
  std::string_view path;  // the module path in its registry, without the version
  const char* credentials_param;
  const char* identity_name_param;
};

// Azure Verified Modules, main.bicep of
// avm/res/managed-identity/user-assigned-identity in Azure/bicep-registry-modules
// (read 2026-12-07): `federatedIdentityCredentials` is a list of {name,
// audiences, issuer, subject}, deployed on the identity `name`.
constexpr KnownModule kKnownModules[] = {
    {"avm/res/managed-identity/user-assigned-identity", "federatedIdentityCredentials", "name"},
};

// `br/public:PATH:VERSION` and its long form
// `br:mcr.microsoft.com/bicep/PATH:VERSION`.
const KnownModule* FindKnownModule(const std::string& ref) {
  std::string_view path = ref;
  for (std::string_view prefix : {std::string_view("br/public:"), std::string_view("br:mcr.microsoft.com/bicep/")}) {
    if (path.substr(0, prefix.size()) == prefix) {
      path.remove_prefix(prefix.size());
      path = path.substr(0, path.rfind(':'));
      for (const KnownModule& m : kKnownModules)
        if (m.path == path) return &m;
    }
  }
  return nullptr;
}

// Reads a Bicep file and evaluates its credentials, following its `module`
// calls whose path is on disk: the callee's parameters take the call's
// `params` (else their defaults), its credentials are located in the callee
// and name the call (Trust::context), and the call's `if`/`for` guard and
// repeat them. The called file, read on its own, is dropped by the link
// step (load.cc), so it is judged once, as used.
class BicepLoader {
 public:
  BicepLoader(const InputFile& in, LoadedFile* out) : in_(in), out_(out) {}

  Status Load() {
    BicepFile file(in_.source().text(), in_.source().path());
    TRUSTCHECK_RETURN_IF_ERROR(file.Parse());
    file.LinkParents();
    std::map<std::string, ExprPtr, std::less<>> param_values;
    ReadBicepParams(*in_.source().path(), in_.options().limits, &param_values);
    Evaluator ev;
    ReadFilesBeside(*in_.source().path(), &ev);
    BindParameters(
        file, &ev,
        [&](const std::string& name) -> std::optional<Value> {
          auto it = param_values.find(name);
          if (it == param_values.end()) return std::nullopt;
          return ev.Eval(*it->second);
        },
        [&](const std::string& name) {
          return Value::Unknown(fmt::format("parameter `{}` has no default value", name), in_.source().FileLoc());
        });
    stack_.push_back(NormalFolder(*in_.source().path()));
    return Run(file, ev, *in_.source().path(), "", {});
  }

  // A `.bicepparam` file: the deployment of the template it is `using`
  // with its values. The template, met on its own in the same run, is not
  // judged again (the link step drops it, as a called module).
  Status LoadDeployment() {
    BicepParamFile values;
    TRUSTCHECK_RETURN_IF_ERROR(ParseBicepParamFile(in_.source().text(), in_.source().path(), &values));
    if (values.using_ref.empty()) return Status();  // `using none`: values for no template
    const std::string& param_path = *in_.source().path();
    const std::string label = fs::path(param_path).filename().string();
    if (RegistryModule(values.using_ref)) {
      out_->notes.push_back({LoweringNote::Kind::kUnresolved, values.using_loc,
                             fmt::format("`{}` uses `{}`, which trustcheck does not fetch", label, values.using_ref),
                             {}, {}});
      return Status();
    }
    const std::string template_path =
        NormalFolder((fs::path(param_path).parent_path() / values.using_ref).string());
    Result<std::string> text = ReadFileBounded(template_path, in_.options().limits.max_file_bytes);
    if (!text.ok())
      return Status::Error(values.using_loc,
                           fmt::format("cannot read the template `{}`: {}", values.using_ref, text.status().message()));
    out_->facts.push_back({kModuleCallFact, template_path, {{"call", label}}, values.using_loc, {}});
    BicepFile file(*text, FileId::Of(template_path));
    TRUSTCHECK_RETURN_IF_ERROR(file.Parse());
    file.LinkParents();
    Evaluator given;  // the values are evaluated in the parameter file
    ReadFilesBeside(param_path, &given);
    Evaluator ev;
    ReadFilesBeside(template_path, &ev);
    BindParameters(
        file, &ev,
        [&](const std::string& name) -> std::optional<Value> {
          auto it = values.params.find(name);
          if (it == values.params.end()) return std::nullopt;
          return given.Eval(*it->second);
        },
        [&](const std::string& name) {
          return Value::Unknown(
              fmt::format("`{}` gives no value for parameter `{}`, which has no default", label, name),
              values.using_loc);
        });
    stack_.push_back(template_path);
    return Run(file, ev, template_path, fmt::format("deployment with `{}`", label), {});
  }

 private:
  // The credentials of `file` and the modules it calls.
  Status Run(const BicepFile& file, Evaluator& ev, const std::string& path, const std::string& context,
             const std::vector<Hole>& call_guards) {
    for (const auto& [name, expr] : file.vars) ev.vars[name] = expr.get();
    for (const auto& r : file.resources) ev.resources[r->symbol] = r.get();
    for (const auto& m : file.modules) ev.modules.insert(m->symbol);
    Lowering lowering("bicep", out_, context, call_guards);
    for (const auto& r : file.resources)
      TRUSTCHECK_RETURN_IF_ERROR(Instances(ev, lowering, *r));
    for (const auto& m : file.modules)
      TRUSTCHECK_RETURN_IF_ERROR(Call(ev, *m, path, context, call_guards));
    return Status();
  }

  // One `module` declaration: each of its instances, evaluated.
  Status Call(Evaluator& ev, const ResourceDecl& m, const std::string& caller, const std::string& context,
              std::vector<Hole> guards) {
    const std::string where = fmt::format("{}:{}", fs::path(m.loc.path()).filename().string(), m.loc.line);
    auto context_of = [&](const std::string& label) {
      std::string c = fmt::format("module `{}` (called at {})", label, where);
      return context.empty() ? c : fmt::format("{} in {}", c, context);
    };
    if (RegistryModule(m.type)) {
      const KnownModule* known = FindKnownModule(m.type);
      if (!known) {
        out_->notes.push_back({LoweringNote::Kind::kUnresolved, m.loc,
                               fmt::format("module `{}` comes from `{}`, which trustcheck does not fetch",
                                           m.symbol, m.type),
                               {}, {}});
        return Status();
      }
      return EachInstance(ev, m, context_of, std::move(guards),
                          [&](const Value& body, const std::string& instance_context, const std::vector<Hole>& g) {
                            return KnownModuleInstance(*known, body, m, instance_context, g);
                          });
    }
    const std::string callee = NormalFolder((fs::path(caller).parent_path() / m.type).string());
    if (std::find(stack_.begin(), stack_.end(), callee) != stack_.end())
      return Status::Error(m.loc, fmt::format("module `{}` calls `{}`, which is already being read: module calls "
                                              "must not form a cycle",
                                              m.symbol, m.type));
    if (stack_.size() > kMaxModuleDepth)
      return Status::Error(ErrorCode::kTooLarge, m.loc, fmt::format("module calls nest deeper than {}", kMaxModuleDepth));
    Result<std::string> text = ReadFileBounded(callee, in_.options().limits.max_file_bytes);
    if (!text.ok()) {
      out_->notes.push_back({LoweringNote::Kind::kUnresolved, m.loc,
                             fmt::format("module `{}` (`{}`) cannot be read: {}", m.symbol, m.type,
                                         text.status().message()),
                             {}, {}});
      return Status();
    }
    out_->facts.push_back({kModuleCallFact, callee, {{"call", m.symbol}}, m.loc, {}});
    BicepFile file(*text, FileId::Of(callee));
    TRUSTCHECK_RETURN_IF_ERROR(file.Parse());
    file.LinkParents();
    stack_.push_back(callee);
    Status s = EachInstance(ev, m, context_of, std::move(guards),
                            [&](const Value& body, const std::string& instance_context, const std::vector<Hole>& g) {
                              return Instance(file, body, callee, m, instance_context, g);
                            });
    stack_.pop_back();
    return s;
  }

  // Calls `each(body, context, guards)` for every instance of module call
  // `m`: none when its `if` is false, one per element of its `[for ...]`,
  // one guarded by the unknown when either is unknown.
  template <typename ContextOf, typename Each>
  Status EachInstance(Evaluator& ev, const ResourceDecl& m, ContextOf context_of, std::vector<Hole> guards,
                      Each each) {
    if (m.condition) {
      Value c = ev.Eval(*m.condition);
      if (c.is_bool() && !c.as_bool()) return Status();
      if (!c.is_bool())
        guards.push_back({fmt::format("whether module `{}` is deployed is unknown: {}", m.symbol,
                                      c.is_unknown() ? c.unknown_reason() : "its condition is not a bool"),
                          m.condition->loc});
    }
    if (!m.loop) return each(ev.Eval(*m.body), context_of(m.symbol), guards);
    Value collection = ev.Eval(*m.loop->a);
    if (!collection.is_tuple()) {
      guards.push_back({fmt::format("the instances of module `{}` are unknown: {}", m.symbol,
                                    collection.is_unknown() ? collection.unknown_reason() : "not an array"),
                        m.loop->loc});
      ev.scopes.push_back({{m.loop->text, Value::Unknown("the loop item is unknown", m.loop->loc)}});
      Status s = each(ev.Eval(*m.body), context_of(m.symbol), guards);
      ev.scopes.pop_back();
      return s;
    }
    Status s;
    size_t i = 0;
    for (const Value& item : collection.items()) {
      if (i >= kMaxInstances || !s.ok()) break;
      ev.scopes.push_back({{m.loop->text, item}});
      if (!m.loop->index_name.empty())
        ev.scopes.back()[m.loop->index_name] = Value::Number(static_cast<double>(i), m.loc);
      if (!m.loop->c || Truthy(ev.Eval(*m.loop->c)))
        s = each(ev.Eval(*m.body), context_of(fmt::format("{}[{}]", m.symbol, i)), guards);
      ev.scopes.pop_back();
      ++i;
    }
    return s;
  }

  // A call of a registry module whose interface is known: each element of
  // its credentials parameter is a credential of the identity it deploys,
  // located at the element in the caller.
  Status KnownModuleInstance(const KnownModule& known, const Value& body, const ResourceDecl& m,
                             const std::string& context, const std::vector<Hole>& guards) {
    const Value* params = body.Find("params");
    const Value* list = params && params->is_object() ? params->Find(known.credentials_param) : nullptr;
    if (!list || list->is_null()) return Status();  // the module deploys no credential
    const Value* name = params->Find(known.identity_name_param);
    const std::string unit = name && name->is_string() ? "userAssignedIdentities/" + name->as_string() : "";
    Lowering lowering("bicep", out_, context, guards);
    ResourceDecl r;
    r.type = std::string(kIdentityCredential);
    r.symbol = m.symbol;
    if (!list->is_tuple()) {
      // Unknown (or not a list): one credential that cannot be decided.
      r.loc = list->loc();
      std::vector<Hole> unknown = {{fmt::format("the `{}` of module `{}` are unknown: {}", known.credentials_param,
                                                m.symbol,
                                                list->is_unknown() ? list->unknown_reason() : "not a list"),
                                    list->loc()}};
      return lowering.Credential(r, Value::Object({}, list->loc()), unit, std::move(unknown));
    }
    for (const Value& item : list->items()) {
      r.loc = item.loc();
      Value::Fields resource;
      Value::Fields properties;
      if (item.is_object()) {
        if (const Value* n = item.Find("name")) resource["name"] = *n;
        for (const char* key : {"issuer", "subject", "audiences", "claimsMatchingExpression"})
          if (const Value* v = item.Find(key)) properties[key] = *v;
      }
      resource["properties"] = item.is_unknown() ? item : Value::Object(std::move(properties), item.loc());
      if (Status s = lowering.Credential(r, Value::Object(std::move(resource), item.loc()), unit, {}); !s.ok())
        return s;
    }
    return Status();
  }

  // One instance of a module call: `body` is the call's object, evaluated.
  Status Instance(const BicepFile& file, const Value& body, const std::string& path, const ResourceDecl& m,
                  const std::string& context, const std::vector<Hole>& guards) {
    const Value* given = body.Find("params");
    Evaluator ev;
    ReadFilesBeside(path, &ev);
    BindParameters(
        file, &ev,
        [&](const std::string& name) -> std::optional<Value> {
          if (given && given->is_unknown()) return Value::Unknown(given->unknown_reason(), given->loc());
          const Value* v = given && given->is_object() ? given->Find(name) : nullptr;
          if (!v) return std::nullopt;
          return *v;
        },
        [&](const std::string& name) {
          return Value::Unknown(
              fmt::format("module `{}` gives no value for parameter `{}`, which has no default", m.symbol, name),
              m.loc);
        });
    return Run(file, ev, path, context, guards);
  }

  // Binds the template's parameters: the value `given(name)` supplies, else
  // the declared default, else the unknown `missing(name)` says.
  template <typename Given, typename Missing>
  static void BindParameters(const BicepFile& file, Evaluator* ev, Given given, Missing missing) {
    for (const auto& [name, def] : file.params) {
      if (std::optional<Value> v = given(name)) {
        ev->params[name] = std::move(*v);
      } else if (def) {
        ev->params[name] = ev->Eval(*def);
      } else {
        ev->params[name] = missing(name);
      }
    }
  }

  // loadTextContent and loadJsonContent read beside the file at `path`.
  void ReadFilesBeside(const std::string& path, Evaluator* ev) const {
    std::string dir = fs::path(path).parent_path().string();
    ev->base_dir = dir.empty() ? "." : dir;
    ev->max_file_bytes = in_.options().limits.max_file_bytes;
  }

  const InputFile& in_;
  LoadedFile* out_;
  std::vector<std::string> stack_;  // the files being read, outermost first
};

// ---------------------------------------------------------------------------
// ARM templates and their nested deployments

constexpr std::string_view kDeployment = "Microsoft.Resources/deployments";

// Reads an ARM template's credentials, and those of its nested deployments
// (`Microsoft.Resources/deployments` with an inline `template`, which is
// what a Bicep `module` compiles to): an `inner`-scoped template takes the
// deployment's `parameters` values (evaluated in the outer template), an
// `outer`-scoped one (ARM's default) sees the outer template's parameters
// and variables. The deployment's `condition` and `copy` guard and repeat
// what it declares, and its credentials name it (Trust::context).
class ArmLoader {
 public:
  ArmLoader(const InputFile& in, LoadedFile* out) : in_(in), out_(out), tree_(in.source()) {}

  Status Load(const Json::Value& root) {
    Evaluator ev;
    TRUSTCHECK_RETURN_IF_ERROR(Parameters(root["parameters"], nullptr, nullptr, &ev));
    return Template(root, ev, "", {}, 0);
  }

 private:
  // The template's parameters: the deployment's value (`given`, evaluated
  // by `outer`), else the default, else unknown.
  Status Parameters(const Json::Value& declared, const Json::Value* given, Evaluator* outer, Evaluator* ev) {
    if (!declared.isObject()) return Status();
    for (auto it = declared.begin(); it != declared.end(); ++it) {
      std::string name(MemberName(it));
      const Json::Value* value = given && given->isObject() && (*given)[name].isObject() && (*given)[name].isMember("value")
                                     ? &(*given)[name]["value"]
                                     : nullptr;
      if (value) {
        Result<const Expr*> v = Build(*value);
        if (!v.ok()) return v.status();
        ev->params[name] = outer->Eval(**v);
      } else if (given && given->isObject() && (*given)[name].isObject() && (*given)[name].isMember("reference")) {
        ev->params[name] = Value::Unknown(fmt::format("parameter `{}` comes from a Key Vault reference", name),
                                          LocOf(in_.source(), (*given)[name]));
      } else if (it->isObject() && it->isMember("defaultValue")) {
        Result<const Expr*> def = Build((*it)["defaultValue"]);
        if (!def.ok()) return def.status();
        ev->params[name] = ev->Eval(**def);
      } else {
        ev->params[name] =
            Value::Unknown(fmt::format("parameter `{}` has no default value", name), LocOf(in_.source(), *it));
      }
    }
    return Status();
  }

  Status Template(const Json::Value& root, Evaluator& ev, const std::string& context, const std::vector<Hole>& guards,
                  int depth) {
    const Json::Value& vars = root["variables"];
    if (vars.isObject()) {
      for (auto it = vars.begin(); it != vars.end(); ++it) {
        Result<const Expr*> v = Build(*it);
        if (!v.ok()) return v.status();
        ev.vars[std::string(MemberName(it))] = *v;
      }
    }
    Lowering lowering("arm-template", out_, context, guards);
    std::vector<ArmResource> resources;
    ArmResources(root["resources"], nullptr, "", &resources, 0);
    for (const ArmResource& ar : resources) {
      Status s;
      if (TypeIs(ar.type, kIdentityCredential) || TypeIs(ar.type, kGraphCredential)) {
        s = Credential(ar, ev, lowering);
      } else if (TypeIs(ar.type, kDeployment)) {
        s = Deployment(ar, ev, context, guards, depth);
      }
      if (!s.ok()) return s;
    }
    return Status();
  }

  // Calls `each(guards)` once per deployed instance of `ar` (its `copy`
  // with copyIndex() set, its `condition`), with the unknowns about it.
  template <typename Each>
  Status ForEachInstance(const ArmResource& ar, Evaluator& ev, const char* what, Each each) {
    const Expr* condition = nullptr;
    if (ar.json->isMember("condition")) {
      Result<const Expr*> c = Build((*ar.json)["condition"]);
      if (!c.ok()) return c.status();
      condition = *c;
    }
    // copy: {"name": ..., "count": N}: one instance per copyIndex().
    const Json::Value& copy = (*ar.json)["copy"];
    std::vector<int> indexes = {-1};
    std::vector<Hole> guards;
    if (copy.isObject()) {
      Result<const Expr*> count = Build(copy["count"]);
      if (!count.ok()) return count.status();
      Value n = ev.Eval(**count);
      indexes.clear();
      if (n.is_number() && n.as_number() >= 0) {
        for (int i = 0; i < std::min<int>(static_cast<int>(n.as_number()), kMaxInstances); ++i) indexes.push_back(i);
      } else {
        indexes.push_back(0);
        guards.push_back({fmt::format("the copies of this {} are unknown: {}", what,
                                      n.is_unknown() ? n.unknown_reason() : "`count` is not a number"),
                          (*count)->loc});
      }
    }
    const int saved = ev.copy_index;
    for (int index : indexes) {
      ev.copy_index = index;
      std::vector<Hole> instance_guards = guards;
      if (condition) {
        Value c = ev.Eval(*condition);
        if (c.is_bool() && !c.as_bool()) continue;
        if (!c.is_bool())
          instance_guards.push_back({fmt::format("whether this {} is deployed is unknown: {}", what,
                                                 c.is_unknown() ? c.unknown_reason() : "its condition is not a bool"),
                                     condition->loc});
      }
      Status s = each(std::move(instance_guards));
      if (!s.ok()) {
        ev.copy_index = saved;
        return s;
      }
    }
    ev.copy_index = saved;
    return Status();
  }

  Status Credential(const ArmResource& ar, Evaluator& ev, Lowering& lowering) {
    Result<const Expr*> body = Build(*ar.json);
    if (!body.ok()) return body.status();
    ResourceDecl r;
    r.type = ar.type;
    r.loc = LocOf(in_.source(), *ar.json);
    r.body = *body;
    return ForEachInstance(ar, ev, "resource", [&](std::vector<Hole> guards) -> Status {
      Value value = ev.Eval(*r.body);
      std::string unit = UnitOf(ev, r, value);
      if (ar.parent && (*ar.parent)["name"].isString()) {
        // A nested child belongs to the resource it is written in.
        Result<const Expr*> parent_name = Build((*ar.parent)["name"]);
        if (!parent_name.ok()) return parent_name.status();
        Value name = ev.Eval(**parent_name);
        const bool graph = TypeIs(r.type, kGraphCredential);
        if (name.is_string()) unit = std::string(graph ? "applications/" : "userAssignedIdentities/") + name.as_string();
      }
      return lowering.Credential(r, value, unit, std::move(guards));
    });
  }

  Status Deployment(const ArmResource& ar, Evaluator& ev, const std::string& context, const std::vector<Hole>& guards,
                    int depth) {
    const Json::Value& props = (*ar.json)["properties"];
    const Json::Value& inner = props["template"];
    const SourceLoc at = LocOf(in_.source(), *ar.json);
    if (!inner.isObject()) {
      if (props["templateLink"].isObject())
        out_->notes.push_back({LoweringNote::Kind::kUnresolved, at,
                               "this deployment links its template (`templateLink`), which trustcheck does not fetch",
                               {}, {}});
      return Status();
    }
    if (depth >= static_cast<int>(kMaxModuleDepth))
      return Status::Error(at, fmt::format("nested deployments nest deeper than {}", kMaxModuleDepth));
    const Json::Value& scope = props["expressionEvaluationOptions"]["scope"];
    const bool inner_scope = scope.isString() && AsciiLower(scope.asString()) == "inner";
    Result<const Expr*> name_expr = Build((*ar.json)["name"]);
    if (!name_expr.ok()) return name_expr.status();
    return ForEachInstance(ar, ev, "deployment", [&](std::vector<Hole> instance_guards) -> Status {
      Value name = ev.Eval(**name_expr);
      const std::string where = fmt::format("{}:{}", fs::path(at.path()).filename().string(), at.line);
      std::string c = name.is_string() ? fmt::format("deployment `{}` ({})", name.as_string(), where)
                                       : fmt::format("the deployment at {}", where);
      if (!context.empty()) c = fmt::format("{} in {}", c, context);
      std::vector<Hole> all = guards;
      for (Hole& g : instance_guards) all.push_back(std::move(g));
      if (!inner_scope) return Template(inner, ev, c, all, depth + 1);
      Evaluator nested;
      TRUSTCHECK_RETURN_IF_ERROR(Parameters(inner["parameters"], &props["parameters"], &ev, &nested));
      return Template(inner, nested, c, all, depth + 1);
    });
  }

  // The expression tree of a template value, kept for the whole load.
  Result<const Expr*> Build(const Json::Value& v) {
    Result<ExprPtr> e = tree_.Build(v);
    if (!e.ok()) return e.status();
    keep_.push_back(std::move(*e));
    return keep_.back().get();
  }

  const InputFile& in_;
  LoadedFile* out_;
  ArmTree tree_;
  std::vector<ExprPtr> keep_;
};

}  // namespace

bool LooksLikeArmTemplate(const Json::Value& root) {
  if (!root.isObject()) return false;
  const Json::Value& schema = root["$schema"];
  if (schema.isString() && schema.asString().find("deploymentTemplate.json") != std::string::npos) return true;
  return root.isMember("contentVersion") && root.isMember("resources");
}

Status LoadArmTemplate(const InputFile& in, LoadedFile* out) {
  const Json::Value* root = in.json();
  if (!root) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not a JSON template") : in.json_error();
  return ArmLoader(in, out).Load(*root);
}

Status LoadBicep(const InputFile& in, LoadedFile* out) { return BicepLoader(in, out).Load(); }

Status LoadBicepParams(const InputFile& in, LoadedFile* out) { return BicepLoader(in, out).LoadDeployment(); }

}  // namespace trustcheck::azure
