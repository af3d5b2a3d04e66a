// cel/cel.h: the subset of the Common Expression Language (CEL) that Google
// Cloud workload identity providers use in `attributeMapping` and
// `attributeCondition`.
//
// OVERVIEW
//
// Parse() turns the text of one expression into an immutable tree of Expr
// nodes; Eval() computes its Value against an Activation (the variables
// `assertion`, `attribute` and `google`). Parsing is where every static
// mistake is reported, with the file, line and column of the offending
// character; evaluation never fails in C++ terms: as in CEL, an evaluation
// error is a Value of type error that carries its message and location.
//
//   trustcheck::SourceLoc where{file, 12, 23};   // first character of the expression
//   auto expr = cel::Parse("assertion.repository_owner == 'acme'", where);
//   if (!expr.ok()) return expr.status();         // "provider.yaml:12:49: error: ..."
//   cel::Activation vars;
//   vars.Bind("assertion", cel::Value::FromJson(claims));
//   cel::Value v = cel::Eval(**expr, vars);       // Bool(true), Bool(false) or an error
//
// SUPPORTED SUBSET (CEL language definition, github.com/google/cel-spec)
//
//   literals     'single' "double" '''triple''' """triple""" r'raw' b'bytes'
//                with the CEL escapes (\n \t \\ \' \" \` \? \a \b \f \r \v,
//                \xHH, \uHHHH, \UHHHHHHHH, \OOO); 42 0x2A 42u 1.5 1e3 .5
//                true false null
//   variables    any identifier (`assertion`, `attribute`, `google`, ...);
//                the reserved words of the spec are rejected
//   access       a.b   a['b']   a[0]
//   operators    by precedence, loosest first: ?: (right associative),
//                ||, &&, == != < <= > >= in, + -, * / %, unary ! and -,
//                member access . [] ()
//   collections  [a, b]   {'k': v}
//   functions    x.startsWith(y) x.endsWith(y) x.contains(y)
//                x.matches(re) / matches(x, re)   (RE2, unanchored search)
//                size(x) / x.size()               (strings count code points)
//                string(x) int(x) uint(x) double(x) dyn(x)
//   macros       has(a.b)  r.all(v, p)  r.exists(v, p)  r.exists_one(v, p)
//                r.map(v, t)  r.map(v, p, t)  r.filter(v, p)
//
// Anything else (message construction, timestamps, optional syntax, other
// extension functions) is a parse error: Google type-checks expressions when
// a provider is created, so an expression outside this subset is one that
// could not be stored in a real provider either. An unknown identifier is
// not a parse error; it evaluates to an error value.
//
// SEMANTICS WORTH KNOWING
//
//   `&&` and `||` are commutative and absorb errors: false && error == false,
//   true || error == true; otherwise the first error wins. A chain a && b && c
//   is one n-ary node (kAnd), so long chains do not nest.
//   `==` between values of different types is false, not an error (modern
//   CEL); int, uint and double compare by numeric value.
//   Integer arithmetic overflow, division or modulus by zero, a missing map
//   key, an index out of range and an operator applied to the wrong types
//   are error values.
//   An even number of `!` or `-` in a row cancels, as in the reference
//   parsers (`!!x` is `x`).
//
// LOCATIONS
//
// The caller passes the SourceLoc of the expression's first character in its
// file. Every node records its byte offsets in the text and its SourceLoc:
// lines are counted across the newlines inside the expression (\n, \r\n, \r);
// on the first line the column is base.column + offset, on later lines it is
// ParseOptions::continuation_column + the offset within the line (set it to
// the indentation + 1 of a YAML block scalar). Columns count bytes. Text that
// reached us through an escaping layer (a JSON string with \" in it) can be
// traced back exactly with ParseOptions::locate.
//
// LIMITS (hostile input never overflows the stack or hangs)
//
//   ParseOptions::max_length  (16 KiB) Google allows 2048 bytes for a
//                             mapping and 4096 for a condition; we are lenient.
//   ParseOptions::max_depth   (250) nesting of the tree and of the parser
//                             recursion, the default of the reference parsers.
//   EvalOptions               a step budget and caps on the size of strings
//                             and lists built during evaluation.
//
// THREAD SAFETY
//
// Expr trees and Values are immutable once built and may be shared and read
// from any number of threads. An Activation is not synchronised: build it
// once, then read it from many threads. Eval() keeps its state on the stack.

#ifndef TRUSTCHECK_CEL_CEL_H_
#define TRUSTCHECK_CEL_CEL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "trustcheck/status.h"

namespace Json {
class Value;
}
namespace re2 {
class RE2;
}

namespace trustcheck::cel {

class MapValue;

// ---------------------------------------------------------------------------
// Values

// The CEL types this subset knows. kError is the type of evaluation errors.
enum class Type : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kError,
};

// The CEL name of a type: "null_type", "bool", "int", ..., "error".
std::string_view TypeName(Type type);

// A CEL value. Copying is cheap: strings, lists, maps and errors are shared,
// immutable representations.
class Value {
 public:
  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Uint(uint64_t u);
  static Value Double(double d);
  static Value String(std::string s);
  static Value Bytes(std::string b);
  static Value List(std::vector<Value> elements);
  static Value Map(MapValue map);
  // An evaluation error: one lowercase sentence and where it happened.
  static Value Error(SourceLoc loc, std::string message);

  // Converts parsed JSON (the claims of a token): objects become maps with
  // string keys, arrays lists; a number becomes an int when it is integral
  // and fits in int64 (1.0 included), a uint when it is an integer literal
  // beyond int64, and a double otherwise.
  static Value FromJson(const Json::Value& json);

  Type type() const { return static_cast<Type>(rep_.index()); }
  bool is_error() const { return type() == Type::kError; }

  // Accessors. Each requires the matching type().
  bool bool_value() const { return std::get<1>(rep_); }
  int64_t int_value() const { return std::get<2>(rep_); }
  uint64_t uint_value() const { return std::get<3>(rep_); }
  double double_value() const { return std::get<4>(rep_); }
  const std::string& string_value() const { return *std::get<5>(rep_); }
  const std::string& bytes_value() const { return *std::get<6>(rep_); }
  const std::vector<Value>& list_value() const { return *std::get<7>(rep_); }
  const MapValue& map_value() const { return *std::get<8>(rep_); }
  const std::string& error_message() const { return std::get<9>(rep_)->message; }
  const SourceLoc& error_loc() const { return std::get<9>(rep_)->loc; }
  // The error as a Status (requires is_error()).
  Status ToStatus() const { return Status::Error(error_loc(), error_message()); }

  // The value in CEL literal syntax: "a\n", 1u, 2.0, [1, "x"], {"k": true};
  // errors print as error(<message>).
  std::string DebugString() const;

 private:
  struct ErrorDetail {
    SourceLoc loc;
    std::string message;
  };
  // The alternative's index is the Type (string and bytes share a C++ type).
  std::variant<std::monostate, bool, int64_t, uint64_t, double,
               std::shared_ptr<const std::string>,
               std::shared_ptr<const std::string>,
               std::shared_ptr<const std::vector<Value>>,
               std::shared_ptr<const MapValue>,
               std::shared_ptr<const ErrorDetail>>
      rep_;
};

// CEL equality (`==`): values of different types are unequal, except that
// int, uint and double compare by numeric value; NaN equals nothing; lists
// and maps compare element by element. Errors are never equal to anything.
bool Equal(const Value& a, const Value& b);

// A CEL map. Keys are strings, ints, uints or bools. Lookup by an int, uint
// or integral double key finds the numerically equal key.
class MapValue {
 public:
  // Adds an entry. Returns false, leaving the map unchanged, when an equal
  // key is already present or the key's type cannot be a map key.
  bool Insert(Value key, Value value);
  // The value stored under `key`, or nullptr.
  const Value* Find(const Value& key) const;
  const Value* Find(std::string_view key) const;
  size_t size() const { return strings_.size() + others_.size(); }
  // Calls f(key, value) for every entry: string keys in byte order, then the
  // other keys in insertion order. Stops early when f returns false.
  void ForEach(const std::function<bool(const Value&, const Value&)>& f) const;

 private:
  std::map<std::string, Value, std::less<>> strings_;
  std::vector<std::pair<Value, Value>> others_;
};

// ---------------------------------------------------------------------------
// Expressions

enum class ExprKind : uint8_t {
  kLiteral,        // literal()
  kIdent,          // name()
  kSelect,         // child(0).name()
  kHas,            // has(child(0).name())
  kIndex,          // child(0)[child(1)]
  kCall,           // function(); is_method(): child(0).name(child(1)...),
                   // otherwise name(child(0)...)
  kUnary,          // op() child(0); op is kNot or kNeg
  kBinary,         // child(0) op() child(1)
  kAnd,            // child(0) && child(1) && ... (two or more children)
  kOr,             // child(0) || child(1) || ...
  kConditional,    // child(0) ? child(1) : child(2)
  kList,           // [child(0), child(1), ...]
  kMap,            // {child(0): child(1), child(2): child(3), ...}
  kComprehension,  // child(0).macro()(name(), child(1)[, child(2)])
};

enum class Op : uint8_t {
  kNone,
  kNot,  // !
  kNeg,  // unary -
  kEq,   // ==
  kNe,   // !=
  kLt,   // <
  kLe,   // <=
  kGt,   // >
  kGe,   // >=
  kIn,   // in
  kAdd,  // +
  kSub,  // -
  kMul,  // *
  kDiv,  // /
  kMod,  // %
};

// The operator as written: "!", "-", "==", ..., "in".
std::string_view OpSymbol(Op op);

// The functions of the subset, resolved at parse time.
enum class Function : uint8_t {
  kNone,
  kStartsWith,  // method
  kEndsWith,    // method
  kContains,    // method
  kMatches,     // method or global with 2 arguments
  kSize,        // method or global with 1 argument
  kString,      // global
  kInt,         // global
  kUint,        // global
  kDouble,      // global
  kDyn,         // global
};

// The comprehension macros.
enum class Macro : uint8_t {
  kNone,
  kAll,        // r.all(v, p): p holds for every element (or map key)
  kExists,     // r.exists(v, p): p holds for at least one
  kExistsOne,  // r.exists_one(v, p): p holds for exactly one
  kMap,        // r.map(v, t) or r.map(v, p, t): the list of t (where p)
  kFilter,     // r.filter(v, p): the elements where p holds
};

// A node of a parsed expression. Immutable; owns its children.
class Expr {
 public:
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
  ~Expr();

  ExprKind kind() const { return kind_; }
  Op op() const { return op_; }                    // kUnary, kBinary
  Function function() const { return function_; }  // kCall
  Macro macro() const { return macro_; }           // kComprehension
  // kCall: written as a method, receiver.f(args); the receiver is child(0).
  bool is_method() const { return method_; }
  // kIdent: the identifier; kSelect and kHas: the field; kCall: the function
  // name as written; kComprehension: the iteration variable.
  const std::string& name() const { return name_; }
  // kLiteral: the value.
  const Value& literal() const { return literal_; }

  size_t num_children() const { return children_.size(); }
  const Expr& child(size_t i) const { return *children_[i]; }

  // Where the node is: a literal or identifier at its first character, a
  // selection at the field name, an index at `[`, a call at the function
  // name, an operator at the operator.
  const SourceLoc& loc() const { return loc_; }
  // The node's extent in the expression text (bytes) and that text, e.g.
  // `assertion.sub.startsWith('repo:acme/')` for the call node.
  uint32_t begin() const { return begin_; }
  uint32_t end() const { return end_; }
  std::string_view text() const;

  // kCall to matches() with a literal pattern: the pattern, compiled (and
  // validated) at parse time. nullptr otherwise.
  const re2::RE2* regex() const { return regex_.get(); }

  // A compact S-expression for tests and debugging:
  //   (&& (== (. assertion repository_owner) "acme") (.startsWith (. assertion sub) "repo:"))
  std::string Dump() const;

 private:
  friend class Parser;
  Expr() = default;

  ExprKind kind_ = ExprKind::kLiteral;
  Op op_ = Op::kNone;
  Function function_ = Function::kNone;
  Macro macro_ = Macro::kNone;
  bool method_ = false;
  uint32_t height_ = 1;  // 1 for a leaf; bounded by ParseOptions::max_depth
  uint32_t begin_ = 0;
  uint32_t end_ = 0;
  std::string name_;
  Value literal_;
  std::vector<std::unique_ptr<Expr>> children_;
  SourceLoc loc_;
  std::shared_ptr<const std::string> source_;
  std::shared_ptr<const re2::RE2> regex_;
};

// A chain of field selections and constant indexes rooted at an identifier:
// `assertion.sub`, `assertion['oidc.circleci.com/vcs-origin']`,
// `assertion.groups[0]`.
struct Path {
  using Step = std::variant<std::string, int64_t>;  // a key or a list index
  std::string root;
  std::vector<Step> steps;
  // assertion.sub, assertion['oidc.circleci.com/vcs-origin'], assertion.groups[0]
  std::string ToString() const;
};

// The path a kIdent, kSelect or kIndex node reads, when it is nothing but
// selections, string-literal keys and integer-literal indexes on an
// identifier. std::nullopt for anything else (a computed index, a call, ...).
std::optional<Path> AsPath(const Expr& expr);

// ---------------------------------------------------------------------------
// Parsing

struct ParseOptions {
  size_t max_length = 16 * 1024;     // bytes of expression text
  int max_depth = 250;               // nesting of the tree and of the parser
  uint32_t continuation_column = 1;  // file column of lines 2.. of the text
  // When set, maps a byte offset of the text (0 to text.size() inclusive) to
  // its location, instead of counting from `base`: for text decoded from an
  // escaped form (a JSON string with \" in it, a folded YAML scalar) whose
  // bytes the caller can trace back to the file.
  std::function<SourceLoc(uint32_t offset)> locate;
};

// Parses one expression. `base` is the location of text[0] in its file. On
// error, the Status names the offending character, e.g.
//   provider.yaml:3:37: error: expected `)`, found end of expression
// The returned tree is immutable and may be shared between threads.
Result<std::shared_ptr<const Expr>> Parse(std::string_view text, const SourceLoc& base,
                                          const ParseOptions& options = {});

// ---------------------------------------------------------------------------
// Evaluation

// The variables an expression can read. Bind each name once; binding a name
// again replaces its value.
class Activation {
 public:
  void Bind(std::string name, Value value);
  // The bound value, or nullptr.
  const Value* Find(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, Value>> vars_;
};

struct EvalOptions {
  // Each node visited costs one step; building a list or string costs one
  // step per element or per 64 bytes. Real conditions take tens of steps.
  uint64_t max_steps = 1'000'000;
  size_t max_string_bytes = 1 << 20;  // longest string or bytes built
  size_t max_list_size = 100'000;     // longest list built
};

// Evaluates `expr`. Never fails in C++ terms: an evaluation error (a missing
// key, an operator applied to the wrong types, a budget exceeded) is a Value
// with is_error(), located at the node that raised it.
Value Eval(const Expr& expr, const Activation& activation, const EvalOptions& options = {});

}  // namespace trustcheck::cel

#endif  // TRUSTCHECK_CEL_CEL_H_
