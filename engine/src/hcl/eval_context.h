// engine/src/hcl/eval_context.h: the evaluator's working state (internal).
//
// EvalContext evaluates expressions for an Evaluator (hcl.h); eval.cc holds
// the expression forms, functions.cc the function library.

#ifndef TRUSTCHECK_HCL_EVAL_CONTEXT_H_
#define TRUSTCHECK_HCL_EVAL_CONTEXT_H_

#include <fmt/format.h>
#include <json/json.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "hcl/hcl.h"

namespace trustcheck::hcl {

// Evaluations nested deeper than this (expression depth plus chains of
// locals) become unknown rather than risk the stack.
constexpr int kMaxEvalDepth = 200;
// Terraform's own bound on `range()`.
constexpr double kMaxRange = 1024;
// Template pieces kept apart before further known text is merged.
constexpr size_t kMaxPieces = 1024;

#define HCL_CONCAT_INNER(a, b) a##b
#define HCL_CONCAT(a, b) HCL_CONCAT_INNER(a, b)
#define HCL_ASSIGN_OR_RETURN(lhs, rexpr)                          \
  auto HCL_CONCAT(result_, __LINE__) = (rexpr);                   \
  if (!HCL_CONCAT(result_, __LINE__).ok()) {                      \
    return HCL_CONCAT(result_, __LINE__).status();                \
  }                                                               \
  lhs = std::move(HCL_CONCAT(result_, __LINE__)).value()

namespace {

inline std::string TypeName(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return "a bool";
    case Value::Kind::kNumber: return "a number";
    case Value::Kind::kString: return "a string";
    case Value::Kind::kTuple: return "a tuple";
    case Value::Kind::kObject: return "an object";
    case Value::Kind::kUnknown: return "an unknown value";
  }
  return "a value";
}

// The text of a scalar as Terraform converts it to a string.
inline std::optional<std::string> ScalarText(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return FormatNumber(v.as_number());
  if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
  return std::nullopt;
}

inline std::optional<double> ParseNumber(std::string_view s) {
  double d = 0;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

inline bool IsInteger(double d) { return std::isfinite(d) && std::trunc(d) == d; }

inline size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}


}  // namespace

namespace {

inline Value DecodeJsonAt(const Json::Value& j, const SourceLoc& loc, int depth) {
  if (depth > kMaxNesting) return Value::Unknown("JSON nests too deeply", loc);
  switch (j.type()) {
    case Json::nullValue: return Value::Null(loc);
    case Json::booleanValue: return Value::Bool(j.asBool(), loc);
    case Json::intValue:
    case Json::uintValue:
    case Json::realValue: return Value::Number(j.asDouble(), loc);
    case Json::stringValue: return Value::String(j.asString(), loc);
    case Json::arrayValue: {
      Value::Items items;
      for (const Json::Value& item : j) items.push_back(DecodeJsonAt(item, loc, depth + 1));
      return Value::Tuple(std::move(items), loc);
    }
    case Json::objectValue: {
      Value::Fields fields;
      for (auto it = j.begin(); it != j.end(); ++it) fields[it.name()] = DecodeJsonAt(*it, loc, depth + 1);
      return Value::Object(std::move(fields), loc);
    }
  }
  return Value::Null(loc);
}

}  // namespace

class EvalContext {
 public:
  explicit EvalContext(Evaluator& ev) : ev_(ev) {}

  Result<Value> Eval(const Expr& e, const Bindings* b);

  Result<Value> Variable(std::string_view name, const SourceLoc& use);

  Result<Value> Local(std::string_view name, const SourceLoc& use);

 private:
  Result<Value> Dispatch(const Expr& e, const Bindings* b);

  Value TooLarge(const SourceLoc& loc);
  Value Checked(Value v);

  // ---- templates ----

  // Converts an interpolated value to its text, or explains why it cannot be.
  Result<std::string> TemplateText(const Value& v, const SourceLoc& loc);

  // Known text from the same place (a `%{for}` body repeating) or beyond the
  // piece cap joins the piece before it, so pieces stay few.
  static void AddPiece(std::vector<Value::Piece>& out, Value::Piece piece);

  Status EvalParts(const std::vector<TemplatePart>& parts, const Bindings* b, std::vector<Value::Piece>& out,
                   size_t& bytes);

  Result<Value> EvalTemplate(const Expr& e, const Bindings* b);

  // ---- collections ----

  Result<Value> EvalTuple(const Expr& e, const Bindings* b);

  Result<Value> EvalObject(const Expr& e, const Bindings* b);

  // The (key, value) pairs a `for` iterates over.
  Result<std::vector<std::pair<Value, Value>>> Elements(const Value& coll, const SourceLoc& loc);

  Result<Value> EvalFor(const Expr& e, const Bindings* b);

  // ---- traversals ----

  static std::string StepText(const Step& step, const Value& key);

  // Applies steps[from..] to `v`; `text` is the traversal so far, for messages.
  Result<Value> ApplySteps(Value v, const std::vector<Step>& steps, size_t from, std::string text,
                           const Bindings* b);

  Result<Value> Index(const Value& v, const Step& step, const Value& key, const std::string& text);

  Result<Value> EvalSplat(const Expr& e, const Bindings* b);

  // The name of the attribute step at `i`, or "" when it is not one.
  static const std::string& AttrAt(const std::vector<Step>& steps, size_t i);

  Result<Value> EvalScopeTraversal(const Expr& e, const Bindings* b);

  Result<Value> EvalResource(const Expr& e, const Bindings* b);

  // ---- operators ----

  Result<bool> ToBool(const Value& v, const SourceLoc& loc, std::string_view where);

  Result<double> ToNumber(const Value& v, const SourceLoc& loc, std::string_view where);

  Result<Value> EvalUnary(const Expr& e, const Bindings* b);

  Result<Value> EvalBinary(const Expr& e, const Bindings* b);

  Result<Value> EvalConditional(const Expr& e, const Bindings* b);

  // ---- function calls ----

  struct Call {
    const Expr& expr;
    std::vector<Value> args;
    // The location of argument i (the call's when `...` spread the arguments).
    SourceLoc ArgLoc(size_t i) const {
      return !expr.expand_final && i < expr.items.size() ? expr.items[i]->loc : expr.loc;
    }
    Status Error(size_t arg, std::string message) const { return Status::Error(ArgLoc(arg), std::move(message)); }
    const SourceLoc& loc() const { return expr.loc; }
    const std::string& name() const { return expr.name; }
  };
  using Function = Result<Value> (EvalContext::*)(const Call&);
  struct FunctionInfo {
    int min_args;
    int max_args;          // -1: any number
    bool accepts_unknown;  // false: an unknown argument makes the result unknown
    Function fn;
  };

  static const std::map<std::string_view, FunctionInfo>& Functions();

  Result<Value> EvalCall(const Expr& e, const Bindings* b);

  // file(path): the file's text. templatefile(path, vars): the file rendered
  // as a template in which only `vars` are names (Terraform's rules; a
  // template cannot call templatefile again).
  Result<Value> EvalFile(const Expr& e, const Bindings* b);

  // try(a, b, ...): the first argument that evaluates without an error. An
  // unknown argument makes the result unknown: it might have failed.
  Result<Value> EvalTry(const Expr& e, const Bindings* b);

  Result<Value> EvalCan(const Expr& e, const Bindings* b);

  // -- argument helpers --

  Result<std::string> StringArg(const Call& c, size_t i);
  Result<double> NumberArg(const Call& c, size_t i);
  Result<const Value::Items*> TupleArg(const Call& c, size_t i);
  static const Value* FirstUnknown(const Value::Items& items);
  Value UnknownFrom(const Value& v, const Call& c);

  // -- functions --

  Result<Value> FnJsonEncode(const Call& c);
  Result<Value> FnJsonDecode(const Call& c);
  Result<Value> FnFormat(const Call& c);
  Result<Value> FnJoin(const Call& c);
  Result<Value> FnConcat(const Call& c);
  Result<Value> MapString(const Call& c, char (*f)(char));
  static char AsciiLower(char ch);
  static char AsciiUpper(char ch);
  Result<Value> FnLower(const Call& c);
  Result<Value> FnUpper(const Call& c);
  // formatlist(spec, args...): format() per element; list arguments are
  // iterated together (they must have the same length), others repeat.
  Result<Value> FnFormatList(const Call& c);
  // regex(pattern, string) and regexall(pattern, string), in RE2 syntax as
  // Terraform's (Go) regexp: the match, or with groups the captures (a list;
  // an object when every group is named).
  Result<Value> Capture(const Call& c, const RE2& re, const std::vector<re2::StringPiece>& groups);
  Result<Value> Matches(const Call& c, bool all);
  Result<Value> FnRegex(const Call& c);
  Result<Value> FnRegexAll(const Call& c);
  Result<Value> FnReplace(const Call& c);
  Result<Value> FnToList(const Call& c);
  // Sets: duplicates removed; strings and numbers in Terraform's set order
  // (sorted), other elements in first-seen order.
  Result<Value> FnToSet(const Call& c);
  Value::Items Distinct(const Value::Items& items);
  Result<Value> FnDistinct(const Call& c);
  Result<Value> FnToMap(const Call& c);
  Result<Value> FnToString(const Call& c);
  Result<Value> FnToNumber(const Call& c);
  Result<Value> FnToBool(const Call& c);
  Result<Value> FnMerge(const Call& c);
  Result<Value> FnLookup(const Call& c);
  Result<Value> FnLength(const Call& c);
  Result<Value> FnElement(const Call& c);
  Result<Value> FnKeys(const Call& c);
  Result<Value> FnValues(const Call& c);
  Result<Value> FnContains(const Call& c);
  // Flattens nested tuples; an unknown element might be a list, so the shape
  // of the result is unknown.
  Status FlattenInto(const Value::Items& items, Value::Items& out, std::optional<Value>& unknown, int depth,
                     const Call& c);
  Result<Value> FnFlatten(const Call& c);
  Result<Value> FnCompact(const Call& c);
  Result<Value> FnCoalesce(const Call& c);
  Result<Value> FnCoalesceList(const Call& c);
  Result<Value> FnSplit(const Call& c);
  Result<Value> FnTrimSpace(const Call& c);
  Result<Value> FnChomp(const Call& c);
  Result<Value> FnTrim(const Call& c);
  Result<Value> FnTrimPrefix(const Call& c);
  Result<Value> FnTrimSuffix(const Call& c);
  Result<Value> FnStartsWith(const Call& c);
  Result<Value> FnEndsWith(const Call& c);
  Result<Value> FnStrContains(const Call& c);
  // substr counts Unicode characters; a negative offset counts from the end,
  // a length of -1 means "to the end".
  Result<Value> FnSubstr(const Call& c);
  Result<Value> NumberFn(const Call& c, double (*f)(double));
  Result<Value> FnAbs(const Call& c);
  Result<Value> FnCeil(const Call& c);
  Result<Value> FnFloor(const Call& c);
  Result<Value> Extreme(const Call& c, bool want_max);
  Result<Value> FnMax(const Call& c);
  Result<Value> FnMin(const Call& c);
  Result<Value> FnSum(const Call& c);
  Result<Value> FnRange(const Call& c);
  Result<Value> FnOne(const Call& c);
  Result<Value> AllAny(const Call& c, bool all);
  Result<Value> FnAllTrue(const Call& c);
  Result<Value> FnAnyTrue(const Call& c);
  Result<Value> FnSort(const Call& c);
  Result<Value> FnReverse(const Call& c);
  Result<Value> FnZipmap(const Call& c);

  Evaluator& ev_;
};

}  // namespace trustcheck::hcl

#endif  // TRUSTCHECK_HCL_EVAL_CONTEXT_H_
