// The CEL evaluator: a tree walk over Expr with errors as values
// (cel-spec doc/langdef.md, "Evaluation" and "Functions").

#include <re2/re2.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "cel/cel.h"
#include "cel/internal.h"

namespace trustcheck::cel {
namespace {

using internal::Sanitize;

constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

// A value in backticks for a message: strings raw, everything else as a literal.
std::string Shown(const Value& v) {
  return "`" + Sanitize(v.type() == Type::kString ? v.string_value() : v.DebugString()) + "`";
}

class Evaluator {
 public:
  Evaluator(const Activation& activation, const EvalOptions& options)
      : activation_(activation), options_(options) {}

  Value Run(const Expr& expr) {
    Value v = Eval(expr);
    // Once the budget is gone every later node returned the budget error;
    // report it even if an absorbing && or || swallowed it.
    return budget_error_ ? *budget_error_ : v;
  }

 private:
  // -- budget and errors

  bool Charge(const Expr& at, uint64_t steps) {
    if (budget_error_) return false;
    steps_ += steps;
    if (steps_ <= options_.max_steps) return true;
    budget_error_ = Value::Error(
        at.loc(), "evaluation exceeded the limit of " + std::to_string(options_.max_steps) + " steps");
    return false;
  }

  static Value Error(const Expr& at, std::string message) { return Value::Error(at.loc(), std::move(message)); }

  static Value NoOverload(const Expr& at, std::string_view name, std::initializer_list<const Value*> args) {
    std::string types;
    for (const Value* a : args) {
      if (!types.empty()) types += ", ";
      types += TypeName(a->type());
    }
    return Error(at, "no matching overload for `" + std::string(name) + "` applied to (" + types + ")");
  }

  // -- dispatch

  Value Eval(const Expr& e) {
    if (!Charge(e, 1)) return *budget_error_;
    switch (e.kind()) {
      case ExprKind::kLiteral: return e.literal();
      case ExprKind::kIdent: return EvalIdent(e);
      case ExprKind::kSelect: return EvalSelect(e);
      case ExprKind::kHas: return EvalHas(e);
      case ExprKind::kIndex: return EvalIndex(e);
      case ExprKind::kCall: return EvalCall(e);
      case ExprKind::kUnary: return EvalUnary(e);
      case ExprKind::kBinary: return EvalBinary(e);
      case ExprKind::kAnd: return EvalLogical(e, /*is_and=*/true);
      case ExprKind::kOr: return EvalLogical(e, /*is_and=*/false);
      case ExprKind::kConditional: return EvalConditional(e);
      case ExprKind::kList: return EvalList(e);
      case ExprKind::kMap: return EvalMap(e);
      case ExprKind::kComprehension: return EvalComprehension(e);
    }
    return Error(e, "unsupported expression");
  }

  Value EvalIdent(const Expr& e) {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->first == e.name()) return *it->second;
    }
    if (const Value* v = activation_.Find(e.name())) return *v;
    return Error(e, "undeclared reference to `" + e.name() + "`");
  }

  Value EvalSelect(const Expr& e) {
    Value operand = Eval(e.child(0));
    if (operand.is_error()) return operand;
    if (operand.type() != Type::kMap) {
      return Error(e, "cannot select field `" + e.name() + "` from a value of type " +
                          std::string(TypeName(operand.type())));
    }
    const Value* v = operand.map_value().Find(std::string_view(e.name()));
    if (v == nullptr) return Error(e, "no such key `" + Sanitize(e.name()) + "`");
    return *v;
  }

  Value EvalHas(const Expr& e) {
    Value operand = Eval(e.child(0));
    if (operand.is_error()) return operand;
    if (operand.type() != Type::kMap) return NoOverload(e, "has", {&operand});
    return Value::Bool(operand.map_value().Find(std::string_view(e.name())) != nullptr);
  }

  Value EvalIndex(const Expr& e) {
    Value container = Eval(e.child(0));
    if (container.is_error()) return container;
    Value index = Eval(e.child(1));
    if (index.is_error()) return index;
    if (container.type() == Type::kMap) {
      const Value* v = container.map_value().Find(index);
      if (v == nullptr) return Error(e, "no such key " + Shown(index));
      return *v;
    }
    if (container.type() == Type::kList) {
      std::optional<int64_t> position = ListPosition(index);
      if (!position) return NoOverload(e, "[]", {&container, &index});
      const auto& list = container.list_value();
      if (*position < 0 || static_cast<uint64_t>(*position) >= list.size()) {
        return Error(e, "index " + Shown(index) + " is out of range for a list of size " +
                            std::to_string(list.size()));
      }
      return list[static_cast<size_t>(*position)];
    }
    return NoOverload(e, "[]", {&container, &index});
  }

  // A list index from an int, a uint or an integral double.
  static std::optional<int64_t> ListPosition(const Value& index) {
    switch (index.type()) {
      case Type::kInt: return index.int_value();
      case Type::kUint:
        return index.uint_value() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX
                                                                      : static_cast<int64_t>(index.uint_value());
      case Type::kDouble: {
        double d = index.double_value();
        if (std::trunc(d) != d || d < -kTwoTo63 || d >= kTwoTo63) return std::nullopt;
        return static_cast<int64_t>(d);
      }
      default: return std::nullopt;
    }
  }

  // -- logic

  // n-ary && and ||: a deciding operand (false for &&, true for ||) wins
  // wherever it is; otherwise the first error, or a non-bool operand, is the
  // result (cel-spec "Logical Operators").
  Value EvalLogical(const Expr& e, bool is_and) {
    std::optional<Value> failure;
    for (size_t i = 0; i < e.num_children(); ++i) {
      Value v = Eval(e.child(i));
      if (v.type() == Type::kBool) {
        if (v.bool_value() != is_and) return v;
        continue;
      }
      if (!failure) failure = v.is_error() ? v : NoOverload(e, is_and ? "&&" : "||", {&v});
    }
    return failure ? *failure : Value::Bool(is_and);
  }

  Value EvalConditional(const Expr& e) {
    Value cond = Eval(e.child(0));
    if (cond.is_error()) return cond;
    if (cond.type() != Type::kBool) return NoOverload(e, "?:", {&cond});
    return Eval(e.child(cond.bool_value() ? 1 : 2));
  }

  Value EvalUnary(const Expr& e) {
    Value v = Eval(e.child(0));
    if (v.is_error()) return v;
    if (e.op() == Op::kNot) {
      if (v.type() == Type::kBool) return Value::Bool(!v.bool_value());
      return NoOverload(e, "!", {&v});
    }
    if (v.type() == Type::kInt) {
      if (v.int_value() == INT64_MIN) return Error(e, "integer overflow");
      return Value::Int(-v.int_value());
    }
    if (v.type() == Type::kDouble) return Value::Double(-v.double_value());
    return NoOverload(e, "-", {&v});
  }

  // -- binary operators

  Value EvalBinary(const Expr& e) {
    Value a = Eval(e.child(0));
    if (a.is_error()) return a;
    Value b = Eval(e.child(1));
    if (b.is_error()) return b;
    switch (e.op()) {
      case Op::kEq: return Value::Bool(Equal(a, b));
      case Op::kNe: return Value::Bool(!Equal(a, b));
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: return Compare(e, a, b);
      case Op::kIn: return In(e, a, b);
      case Op::kAdd: return Add(e, a, b);
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod: return Arithmetic(e, a, b);
      default: return Error(e, "unsupported operator");
    }
  }

  Value Compare(const Expr& e, const Value& a, const Value& b) {
    std::optional<int> order;
    if (internal::IsNumber(a.type()) && internal::IsNumber(b.type())) {
      order = internal::CompareNumbers(a, b);
      if (!order) return Value::Bool(false);  // NaN is unordered
    } else if (a.type() == b.type() && a.type() == Type::kString) {
      order = a.string_value().compare(b.string_value());
    } else if (a.type() == b.type() && a.type() == Type::kBytes) {
      order = a.bytes_value().compare(b.bytes_value());
    } else if (a.type() == b.type() && a.type() == Type::kBool) {
      order = static_cast<int>(a.bool_value()) - static_cast<int>(b.bool_value());
    } else {
      return NoOverload(e, OpSymbol(e.op()), {&a, &b});
    }
    int c = *order;
    switch (e.op()) {
      case Op::kLt: return Value::Bool(c < 0);
      case Op::kLe: return Value::Bool(c <= 0);
      case Op::kGt: return Value::Bool(c > 0);
      default: return Value::Bool(c >= 0);
    }
  }

  Value In(const Expr& e, const Value& needle, const Value& haystack) {
    if (haystack.type() == Type::kList) {
      const auto& list = haystack.list_value();
      if (!Charge(e, list.size())) return *budget_error_;
      for (const Value& element : list) {
        if (Equal(element, needle)) return Value::Bool(true);
      }
      return Value::Bool(false);
    }
    if (haystack.type() == Type::kMap) return Value::Bool(haystack.map_value().Find(needle) != nullptr);
    return NoOverload(e, "in", {&needle, &haystack});
  }

  Value Add(const Expr& e, const Value& a, const Value& b) {
    if (a.type() != b.type()) return NoOverload(e, "+", {&a, &b});
    switch (a.type()) {
      case Type::kString:
      case Type::kBytes: {
        const std::string& x = a.type() == Type::kString ? a.string_value() : a.bytes_value();
        const std::string& y = a.type() == Type::kString ? b.string_value() : b.bytes_value();
        if (x.size() + y.size() > options_.max_string_bytes) {
          return Error(e, "result of `+` is longer than the limit of " + std::to_string(options_.max_string_bytes) +
                              " bytes");
        }
        if (!Charge(e, (x.size() + y.size()) / 64)) return *budget_error_;
        return a.type() == Type::kString ? Value::String(x + y) : Value::Bytes(x + y);
      }
      case Type::kList: {
        const auto& x = a.list_value();
        const auto& y = b.list_value();
        if (x.size() + y.size() > options_.max_list_size) {
          return Error(e, "result of `+` has more than the limit of " + std::to_string(options_.max_list_size) +
                              " elements");
        }
        if (!Charge(e, x.size() + y.size())) return *budget_error_;
        std::vector<Value> joined(x);
        joined.insert(joined.end(), y.begin(), y.end());
        return Value::List(std::move(joined));
      }
      default: return Arithmetic(e, a, b);
    }
  }

  // + - * / % on numbers of one type (CEL has no implicit conversions).
  Value Arithmetic(const Expr& e, const Value& a, const Value& b) {
    Op op = e.op();
    if (a.type() != b.type()) return NoOverload(e, OpSymbol(op), {&a, &b});
    if (a.type() == Type::kInt) {
      int64_t x = a.int_value(), y = b.int_value(), r = 0;
      bool overflow = false;
      switch (op) {
        case Op::kAdd: overflow = __builtin_add_overflow(x, y, &r); break;
        case Op::kSub: overflow = __builtin_sub_overflow(x, y, &r); break;
        case Op::kMul: overflow = __builtin_mul_overflow(x, y, &r); break;
        case Op::kDiv:
        case Op::kMod:
          if (y == 0) return Error(e, op == Op::kDiv ? "division by zero" : "modulus by zero");
          if (x == INT64_MIN && y == -1) return Error(e, "integer overflow");
          r = op == Op::kDiv ? x / y : x % y;
          break;
        default: break;
      }
      if (overflow) return Error(e, "integer overflow");
      return Value::Int(r);
    }
    if (a.type() == Type::kUint) {
      uint64_t x = a.uint_value(), y = b.uint_value(), r = 0;
      bool overflow = false;
      switch (op) {
        case Op::kAdd: overflow = __builtin_add_overflow(x, y, &r); break;
        case Op::kSub: overflow = __builtin_sub_overflow(x, y, &r); break;
        case Op::kMul: overflow = __builtin_mul_overflow(x, y, &r); break;
        case Op::kDiv:
        case Op::kMod:
          if (y == 0) return Error(e, op == Op::kDiv ? "division by zero" : "modulus by zero");
          r = op == Op::kDiv ? x / y : x % y;
          break;
        default: break;
      }
      if (overflow) return Error(e, "unsigned integer overflow");
      return Value::Uint(r);
    }
    if (a.type() == Type::kDouble && op != Op::kMod) {
      double x = a.double_value(), y = b.double_value();
      switch (op) {
        case Op::kAdd: return Value::Double(x + y);
        case Op::kSub: return Value::Double(x - y);
        case Op::kMul: return Value::Double(x * y);
        default: return Value::Double(x / y);  // IEEE 754: x/0 is an infinity or NaN
      }
    }
    return NoOverload(e, OpSymbol(op), {&a, &b});
  }

  // -- collections

  Value EvalList(const Expr& e) {
    std::vector<Value> elements;
    elements.reserve(e.num_children());
    for (size_t i = 0; i < e.num_children(); ++i) {
      Value v = Eval(e.child(i));
      if (v.is_error()) return v;
      elements.push_back(std::move(v));
    }
    return Value::List(std::move(elements));
  }

  Value EvalMap(const Expr& e) {
    MapValue map;
    for (size_t i = 0; i + 1 < e.num_children(); i += 2) {
      Value key = Eval(e.child(i));
      if (key.is_error()) return key;
      Value value = Eval(e.child(i + 1));
      if (value.is_error()) return value;
      Type t = key.type();
      if (t != Type::kString && t != Type::kInt && t != Type::kUint && t != Type::kBool) {
        return Value::Error(e.child(i).loc(), "unsupported map key type " + std::string(TypeName(t)));
      }
      if (!map.Insert(key, std::move(value))) {
        return Value::Error(e.child(i).loc(), "duplicate map key `" + Sanitize(key.DebugString()) + "`");
      }
    }
    return Value::Map(std::move(map));
  }

  // -- macros

  Value EvalComprehension(const Expr& e) {
    Value range = Eval(e.child(0));
    if (range.is_error()) return range;
    std::vector<Value> keys;
    const std::vector<Value>* items = nullptr;
    if (range.type() == Type::kList) {
      items = &range.list_value();
    } else if (range.type() == Type::kMap) {
      range.map_value().ForEach([&](const Value& k, const Value&) {
        keys.push_back(k);
        return true;
      });
      items = &keys;
    } else {
      return NoOverload(e, MacroName(e.macro()), {&range});
    }
    struct Scope {
      std::vector<std::pair<std::string_view, const Value*>>& locals;
      Scope(std::vector<std::pair<std::string_view, const Value*>>& l, std::string_view name) : locals(l) {
        locals.emplace_back(name, nullptr);
      }
      ~Scope() { locals.pop_back(); }
    } scope(locals_, e.name());
    switch (e.macro()) {
      case Macro::kAll:
      case Macro::kExists: return Quantify(e, *items, e.macro() == Macro::kAll);
      case Macro::kExistsOne: return ExistsOne(e, *items);
      default: return MapOrFilter(e, *items);
    }
  }

  static std::string_view MacroName(Macro m) {
    switch (m) {
      case Macro::kAll: return "all";
      case Macro::kExists: return "exists";
      case Macro::kExistsOne: return "exists_one";
      case Macro::kMap: return "map";
      case Macro::kFilter: return "filter";
      default: return "";
    }
  }

  // Binds the iteration variable (the innermost local) to `item`.
  void BindItem(const Value& item) { locals_.back().second = &item; }

  // all(): false wins, then the first error; exists(): true wins, then the
  // first error (the macros expand to && and || folds).
  Value Quantify(const Expr& e, const std::vector<Value>& items, bool is_all) {
    std::optional<Value> failure;
    for (const Value& item : items) {
      BindItem(item);
      Value v = Eval(e.child(1));
      if (budget_error_) return *budget_error_;
      if (v.type() == Type::kBool) {
        if (v.bool_value() != is_all) return v;
        continue;
      }
      if (!failure) failure = v.is_error() ? v : NoOverload(e, MacroName(e.macro()), {&v});
    }
    return failure ? *failure : Value::Bool(is_all);
  }

  Value ExistsOne(const Expr& e, const std::vector<Value>& items) {
    size_t count = 0;
    for (const Value& item : items) {
      BindItem(item);
      Value v = Eval(e.child(1));
      if (v.is_error()) return v;
      if (v.type() != Type::kBool) return NoOverload(e, "exists_one", {&v});
      count += v.bool_value();
    }
    return Value::Bool(count == 1);
  }

  Value MapOrFilter(const Expr& e, const std::vector<Value>& items) {
    bool has_filter = e.macro() == Macro::kFilter || e.num_children() == 3;
    std::vector<Value> out;
    for (const Value& item : items) {
      BindItem(item);
      if (has_filter) {
        Value keep = Eval(e.child(1));
        if (keep.is_error()) return keep;
        if (keep.type() != Type::kBool) return NoOverload(e, MacroName(e.macro()), {&keep});
        if (!keep.bool_value()) continue;
      }
      if (e.macro() == Macro::kFilter) {
        out.push_back(item);
      } else {
        Value v = Eval(e.child(e.num_children() - 1));
        if (v.is_error()) return v;
        out.push_back(std::move(v));
      }
      if (out.size() > options_.max_list_size) {
        return Error(e, "result of `" + std::string(MacroName(e.macro())) + "` has more than the limit of " +
                            std::to_string(options_.max_list_size) + " elements");
      }
    }
    return Value::List(std::move(out));
  }

  // -- functions

  Value EvalCall(const Expr& e) {
    std::vector<Value> args;
    args.reserve(e.num_children());
    // matches() with a literal pattern already has its RE2; skip the literal.
    size_t evaluated = e.regex() != nullptr ? 1 : e.num_children();
    for (size_t i = 0; i < evaluated; ++i) {
      Value v = Eval(e.child(i));
      if (v.is_error()) return v;
      args.push_back(std::move(v));
    }
    switch (e.function()) {
      case Function::kStartsWith:
      case Function::kEndsWith:
      case Function::kContains: return StringPredicate(e, args[0], args[1]);
      case Function::kMatches: return Matches(e, args);
      case Function::kSize: return Size(e, args[0]);
      case Function::kString: return ToString(e, args[0]);
      case Function::kInt: return ToInt(e, args[0]);
      case Function::kUint: return ToUint(e, args[0]);
      case Function::kDouble: return ToDouble(e, args[0]);
      case Function::kDyn: return args[0];
      case Function::kNone: break;
    }
    return Error(e, "unknown function `" + e.name() + "`");
  }

  Value StringPredicate(const Expr& e, const Value& s, const Value& part) {
    if (s.type() != Type::kString || part.type() != Type::kString) return NoOverload(e, e.name(), {&s, &part});
    std::string_view x = s.string_value(), y = part.string_value();
    switch (e.function()) {
      case Function::kStartsWith: return Value::Bool(x.substr(0, y.size()) == y);
      case Function::kEndsWith: return Value::Bool(x.size() >= y.size() && x.substr(x.size() - y.size()) == y);
      default: return Value::Bool(x.find(y) != std::string_view::npos);
    }
  }

  Value Matches(const Expr& e, const std::vector<Value>& args) {
    const Value& s = args[0];
    if (e.regex() != nullptr) {
      if (s.type() != Type::kString) return NoOverload(e, "matches", {&s});
      return Value::Bool(RE2::PartialMatch(s.string_value(), *e.regex()));
    }
    const Value& pattern = args[1];
    if (s.type() != Type::kString || pattern.type() != Type::kString) {
      return NoOverload(e, "matches", {&s, &pattern});
    }
    RE2::Options re_options;
    re_options.set_log_errors(false);
    RE2 re(pattern.string_value(), re_options);
    if (!re.ok()) {
      return Error(e, "invalid regular expression `" + Sanitize(pattern.string_value()) + "`: " + Sanitize(re.error()));
    }
    return Value::Bool(RE2::PartialMatch(s.string_value(), re));
  }

  Value Size(const Expr& e, const Value& v) {
    switch (v.type()) {
      case Type::kString: return Value::Int(static_cast<int64_t>(internal::CodePointCount(v.string_value())));
      case Type::kBytes: return Value::Int(static_cast<int64_t>(v.bytes_value().size()));
      case Type::kList: return Value::Int(static_cast<int64_t>(v.list_value().size()));
      case Type::kMap: return Value::Int(static_cast<int64_t>(v.map_value().size()));
      default: return NoOverload(e, "size", {&v});
    }
  }

  // -- conversions (cel-spec "Type Conversions")

  Value OutOfRange(const Expr& e, const Value& v, std::string_view type) {
    return Error(e, Shown(v) + " is out of range for " + std::string(type));
  }

  Value CannotConvert(const Expr& e, const Value& v, std::string_view type) {
    return Error(e, "cannot convert " + Shown(v) + " to " + std::string(type));
  }

  Value ToString(const Expr& e, const Value& v) {
    switch (v.type()) {
      case Type::kString: return v;
      case Type::kInt: return Value::String(std::to_string(v.int_value()));
      case Type::kUint: return Value::String(std::to_string(v.uint_value()));
      case Type::kDouble: return Value::String(internal::DoubleToString(v.double_value()));
      case Type::kBool: return Value::String(v.bool_value() ? "true" : "false");
      case Type::kBytes:
        if (!internal::IsValidUtf8(v.bytes_value())) return Error(e, "invalid UTF-8 in bytes converted to string");
        return Value::String(v.bytes_value());
      default: return NoOverload(e, "string", {&v});
    }
  }

  template <typename T>
  static bool ParseInteger(std::string_view s, T& out) {
    if (s.size() > 1 && s[0] == '+' && std::is_signed_v<T> && s[1] != '-') s.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
  }

  Value ToInt(const Expr& e, const Value& v) {
    switch (v.type()) {
      case Type::kInt: return v;
      case Type::kUint:
        if (v.uint_value() > static_cast<uint64_t>(INT64_MAX)) return OutOfRange(e, v, "int");
        return Value::Int(static_cast<int64_t>(v.uint_value()));
      case Type::kDouble: {
        double d = v.double_value();
        if (!(d >= -kTwoTo63 && d < kTwoTo63)) return OutOfRange(e, v, "int");
        return Value::Int(static_cast<int64_t>(std::trunc(d)));
      }
      case Type::kString: {
        int64_t i = 0;
        if (!ParseInteger(v.string_value(), i)) return CannotConvert(e, v, "int");
        return Value::Int(i);
      }
      default: return NoOverload(e, "int", {&v});
    }
  }

  Value ToUint(const Expr& e, const Value& v) {
    switch (v.type()) {
      case Type::kUint: return v;
      case Type::kInt:
        if (v.int_value() < 0) return OutOfRange(e, v, "uint");
        return Value::Uint(static_cast<uint64_t>(v.int_value()));
      case Type::kDouble: {
        double d = v.double_value();
        if (!(d > -1.0 && d < kTwoTo64)) return OutOfRange(e, v, "uint");
        return Value::Uint(static_cast<uint64_t>(std::trunc(d)));
      }
      case Type::kString: {
        uint64_t u = 0;
        if (!ParseInteger(v.string_value(), u)) return CannotConvert(e, v, "uint");
        return Value::Uint(u);
      }
      default: return NoOverload(e, "uint", {&v});
    }
  }

  Value ToDouble(const Expr& e, const Value& v) {
    switch (v.type()) {
      case Type::kDouble: return v;
      case Type::kInt: return Value::Double(static_cast<double>(v.int_value()));
      case Type::kUint: return Value::Double(static_cast<double>(v.uint_value()));
      case Type::kString: {
        std::string_view s = v.string_value();
        if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
        double d = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return CannotConvert(e, v, "double");
        return Value::Double(d);
      }
      default: return NoOverload(e, "double", {&v});
    }
  }

  const Activation& activation_;
  const EvalOptions& options_;
  uint64_t steps_ = 0;
  std::optional<Value> budget_error_;
  // Comprehension variables, innermost last; they shadow the activation.
  std::vector<std::pair<std::string_view, const Value*>> locals_;
};

}  // namespace

Value Eval(const Expr& expr, const Activation& activation, const EvalOptions& options) {
  return Evaluator(activation, options).Run(expr);
}

}  // namespace trustcheck::cel
