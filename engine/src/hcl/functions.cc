// The HCL function library (Terraform's built-in functions that trust
// definitions use), as EvalContext members; EvalContext::Functions() lists them.

#include <fmt/format.h>
#include <json/json.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>

#include "hcl/eval_context.h"

namespace trustcheck::hcl {

// Every function the evaluator knows: arity, whether it takes unknown
// arguments, and its implementation.
const std::map<std::string_view, EvalContext::FunctionInfo>& EvalContext::Functions() {
  static const auto* table = new std::map<std::string_view, FunctionInfo>{
      {"abs", {1, 1, false, &EvalContext::FnAbs}},
      {"alltrue", {1, 1, false, &EvalContext::FnAllTrue}},
      {"anytrue", {1, 1, false, &EvalContext::FnAnyTrue}},
      {"ceil", {1, 1, false, &EvalContext::FnCeil}},
      {"chomp", {1, 1, false, &EvalContext::FnChomp}},
      {"coalesce", {1, -1, true, &EvalContext::FnCoalesce}},
      {"coalescelist", {1, -1, true, &EvalContext::FnCoalesceList}},
      {"compact", {1, 1, false, &EvalContext::FnCompact}},
      {"concat", {0, -1, false, &EvalContext::FnConcat}},
      {"contains", {2, 2, false, &EvalContext::FnContains}},
      {"distinct", {1, 1, false, &EvalContext::FnDistinct}},
      {"element", {2, 2, false, &EvalContext::FnElement}},
      {"endswith", {2, 2, false, &EvalContext::FnEndsWith}},
      {"flatten", {1, 1, false, &EvalContext::FnFlatten}},
      {"floor", {1, 1, false, &EvalContext::FnFloor}},
      {"format", {1, -1, false, &EvalContext::FnFormat}},
      {"formatlist", {1, -1, false, &EvalContext::FnFormatList}},
      {"join", {2, -1, false, &EvalContext::FnJoin}},
      {"jsondecode", {1, 1, false, &EvalContext::FnJsonDecode}},
      {"jsonencode", {1, 1, true, &EvalContext::FnJsonEncode}},
      {"keys", {1, 1, false, &EvalContext::FnKeys}},
      {"length", {1, 1, false, &EvalContext::FnLength}},
      {"lookup", {2, 3, false, &EvalContext::FnLookup}},
      {"lower", {1, 1, false, &EvalContext::FnLower}},
      {"max", {1, -1, false, &EvalContext::FnMax}},
      {"merge", {0, -1, false, &EvalContext::FnMerge}},
      {"min", {1, -1, false, &EvalContext::FnMin}},
      {"one", {1, 1, false, &EvalContext::FnOne}},
      {"range", {1, 3, false, &EvalContext::FnRange}},
      {"regex", {2, 2, false, &EvalContext::FnRegex}},
      {"regexall", {2, 2, false, &EvalContext::FnRegexAll}},
      {"replace", {3, 3, false, &EvalContext::FnReplace}},
      {"reverse", {1, 1, false, &EvalContext::FnReverse}},
      {"sort", {1, 1, false, &EvalContext::FnSort}},
      {"split", {2, 2, false, &EvalContext::FnSplit}},
      {"startswith", {2, 2, false, &EvalContext::FnStartsWith}},
      {"strcontains", {2, 2, false, &EvalContext::FnStrContains}},
      {"substr", {3, 3, false, &EvalContext::FnSubstr}},
      {"sum", {1, 1, false, &EvalContext::FnSum}},
      {"tobool", {1, 1, false, &EvalContext::FnToBool}},
      {"tolist", {1, 1, false, &EvalContext::FnToList}},
      {"tomap", {1, 1, false, &EvalContext::FnToMap}},
      {"tonumber", {1, 1, false, &EvalContext::FnToNumber}},
      {"toset", {1, 1, false, &EvalContext::FnToSet}},
      {"tostring", {1, 1, false, &EvalContext::FnToString}},
      {"trim", {2, 2, false, &EvalContext::FnTrim}},
      {"trimprefix", {2, 2, false, &EvalContext::FnTrimPrefix}},
      {"trimspace", {1, 1, false, &EvalContext::FnTrimSpace}},
      {"trimsuffix", {2, 2, false, &EvalContext::FnTrimSuffix}},
      {"upper", {1, 1, false, &EvalContext::FnUpper}},
      {"values", {1, 1, false, &EvalContext::FnValues}},
      {"zipmap", {2, 2, false, &EvalContext::FnZipmap}},
  };
  return *table;
}

Result<Value> EvalContext::FnJsonEncode(const Call& c) {
  const Value& v = c.args[0];
  if (!v.wholly_known()) return Value::Unknown(v.FirstUnknownReason(), c.loc()).WithEncodedFrom(v);
  std::optional<std::string> json = EncodeJson(v, ev_.options_.max_string_bytes);
  if (!json) return TooLarge(c.loc()).WithEncodedFrom(v);
  return Value::String(std::move(*json), c.loc()).WithEncodedFrom(v);
}

Result<Value> EvalContext::FnJsonDecode(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string text, StringArg(c, 0));
  Json::CharReaderBuilder builder;
  builder["stackLimit"] = 100;
  builder["failIfExtra"] = true;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value json;
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(text.data(), text.data() + text.size(), &json, &errors);
  } catch (const Json::Exception&) {
    // jsoncpp throws, instead of failing, past its stack limit.
    return c.Error(0, "the argument of `jsondecode` is nested deeper than the limit of 100 levels");
  }
  if (!parsed) {
    std::string first = errors.substr(0, errors.find('\n'));
    return c.Error(0, fmt::format("the argument of `jsondecode` is not valid JSON ({})", first));
  }
  return DecodeJson(json, c.loc());
}

Result<Value> EvalContext::FnFormat(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string spec, StringArg(c, 0));
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      out += spec[i];
      continue;
    }
    size_t j = i + 1;
    // Flags and widths (`%-5s`) are not evaluated; precision is, for `%f`.
    const size_t flags_start = j;
    while (j < spec.size() && (std::string_view("-+# 0").find(spec[j]) != std::string_view::npos ||
                               std::isdigit(static_cast<unsigned char>(spec[j])))) {
      ++j;
    }
    const bool has_flags = j > flags_start;
    std::optional<int> precision;
    if (j < spec.size() && spec[j] == '.') {
      int p = 0;
      ++j;
      while (j < spec.size() && std::isdigit(static_cast<unsigned char>(spec[j]))) p = p * 10 + (spec[j++] - '0');
      precision = std::min(p, 30);
    }
    if (j >= spec.size()) return c.Error(0, "the format string of `format` ends inside a verb");
    const char verb = spec[j];
    if (verb == '%' && !precision && !has_flags) {
      out += '%';
      i = j;
      continue;
    }
    const std::string written = spec.substr(i, j + 1 - i);
    if (std::string_view("sdvqtf").find(verb) == std::string_view::npos || has_flags ||
        (precision && verb != 'f')) {
      return Value::Unknown(fmt::format("`format` verb `{}` is not evaluated", written), c.loc());
    }
    if (next >= c.args.size()) return c.Error(0, fmt::format("`format` has no argument left for `{}`", written));
    const Value& arg = c.args[next];
    if (!arg.wholly_known()) return UnknownFrom(arg, c);
    if (verb == 'd' || verb == 'f') {
      HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, next));
      if (verb == 'd' && !IsInteger(n)) return c.Error(next, "`%d` needs a whole number");
      out += verb == 'd' ? FormatNumber(n) : fmt::format("{:.{}f}", n, precision.value_or(6));
    } else if (verb == 't') {
      HCL_ASSIGN_OR_RETURN(bool t, ToBool(arg, c.ArgLoc(next), "`%t`"));
      out += t ? "true" : "false";
    } else if (verb == 'q') {
      HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, next));
      out += EncodeJson(Value::String(s));
    } else {
      std::optional<std::string> text = ScalarText(arg);
      if (!text) {
        if (verb == 'v') return Value::Unknown(fmt::format("`format` of {} with `%v` is not evaluated", TypeName(arg)), c.loc());
        return c.Error(next, fmt::format("`%s` needs a string, not {}", TypeName(arg)));
      }
      out += *text;
    }
    if (out.size() > ev_.options_.max_string_bytes) return TooLarge(c.loc());
    ++next;
    i = j;
  }
  if (next < c.args.size()) return c.Error(next, "`format` has more arguments than its verbs use");
  return Value::String(std::move(out), c.loc());
}

Result<Value> EvalContext::FnJoin(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string sep, StringArg(c, 0));
  std::string out;
  bool first = true;
  for (size_t i = 1; i < c.args.size(); ++i) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, i));
    for (const Value& item : *items) {
      if (item.is_unknown()) return UnknownFrom(item, c);
      std::optional<std::string> text = ScalarText(item);
      if (!text) return c.Error(i, fmt::format("`join` needs strings, not {}", TypeName(item)));
      if (!first) out += sep;
      first = false;
      out += *text;
      if (out.size() > ev_.options_.max_string_bytes) return TooLarge(c.loc());
    }
  }
  return Value::String(std::move(out), c.loc());
}

Result<Value> EvalContext::FnConcat(const Call& c) {
  Value::Items out;
  for (size_t i = 0; i < c.args.size(); ++i) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, i));
    out.insert(out.end(), items->begin(), items->end());
    if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
  }
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::MapString(const Call& c, char (*f)(char)) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  for (char& ch : s) ch = f(ch);
  return Value::String(std::move(s), c.loc());
}

char EvalContext::AsciiLower(char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; }

char EvalContext::AsciiUpper(char ch) { return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch; }

Result<Value> EvalContext::FnLower(const Call& c) { return MapString(c, AsciiLower); }

Result<Value> EvalContext::FnUpper(const Call& c) { return MapString(c, AsciiUpper); }

// formatlist(spec, args...): format() per element; list arguments are
// iterated together (they must have the same length), others repeat.
Result<Value> EvalContext::FnFormatList(const Call& c) {
  size_t n = 0;
  bool any_list = false;
  for (size_t i = 1; i < c.args.size(); ++i) {
    if (!c.args[i].is_tuple()) continue;
    if (any_list && c.args[i].items().size() != n)
      return c.Error(i, "the lists given to `formatlist` must have the same length");
    n = c.args[i].items().size();
    any_list = true;
  }
  if (!any_list) n = 1;
  Value::Items out;
  for (size_t k = 0; k < n; ++k) {
    Call one{c.expr, {c.args[0]}};
    for (size_t i = 1; i < c.args.size(); ++i)
      one.args.push_back(c.args[i].is_tuple() ? c.args[i].items()[k] : c.args[i]);
    HCL_ASSIGN_OR_RETURN(Value v, FnFormat(one));
    out.push_back(std::move(v));
  }
  return Checked(Value::Tuple(std::move(out), c.loc()));
}

// regex(pattern, string) and regexall(pattern, string), in RE2 syntax as
// Terraform's (Go) regexp: the match, or with groups the captures (a list;
// an object when every group is named).
Result<Value> EvalContext::Capture(const Call& c, const RE2& re, const std::vector<re2::StringPiece>& groups) {
  const int n = re.NumberOfCapturingGroups();
  if (n == 0) return Value::String(std::string(groups[0]), c.loc());
  const std::map<std::string, int>& named = re.NamedCapturingGroups();
  if (static_cast<int>(named.size()) == n) {
    Value::Fields fields;
    for (const auto& [name, index] : named)
      fields[name] = groups[index].data() ? Value::String(std::string(groups[index]), c.loc()) : Value::Null(c.loc());
    return Value::Object(std::move(fields), c.loc());
  }
  Value::Items items;
  for (int i = 1; i <= n; ++i)
    items.push_back(groups[i].data() ? Value::String(std::string(groups[i]), c.loc()) : Value::Null(c.loc()));
  return Value::Tuple(std::move(items), c.loc());
}

Result<Value> EvalContext::Matches(const Call& c, bool all) {
  HCL_ASSIGN_OR_RETURN(std::string pattern, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 1));
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (!re.ok()) return c.Error(0, fmt::format("`{}` is not a valid regular expression", pattern));
  std::vector<re2::StringPiece> groups(1 + re.NumberOfCapturingGroups());
  Value::Items out;
  size_t pos = 0;
  while (pos <= s.size() &&
         re.Match(s, pos, s.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
    HCL_ASSIGN_OR_RETURN(Value v, Capture(c, re, groups));
    if (!all) return v;
    out.push_back(std::move(v));
    if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
    size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
    pos = groups[0].empty() ? end + 1 : end;
  }
  if (!all) return c.Error(1, fmt::format("`{}` does not match the regular expression", s));
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnRegex(const Call& c) { return Matches(c, false); }

Result<Value> EvalContext::FnRegexAll(const Call& c) { return Matches(c, true); }

Result<Value> EvalContext::FnReplace(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string from, StringArg(c, 1));
  HCL_ASSIGN_OR_RETURN(std::string to, StringArg(c, 2));
  if (from.size() >= 2 && from.front() == '/' && from.back() == '/') {
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(from.substr(1, from.size() - 2), options);
    if (!re.ok()) return c.Error(1, fmt::format("`{}` is not a valid regular expression", from));
    // Terraform (Go) writes group references as $1 or ${1}; RE2 as \1.
    std::string rewrite;
    for (size_t i = 0; i < to.size(); ++i) {
      if (to[i] == '\\') {
        rewrite += "\\\\";
      } else if (to[i] == '$' && i + 1 < to.size() && std::isdigit(static_cast<unsigned char>(to[i + 1]))) {
        rewrite += '\\';
      } else if (to[i] == '$' && i + 2 < to.size() && to[i + 1] == '{' &&
                 std::isdigit(static_cast<unsigned char>(to[i + 2])) && to.find('}', i) == i + 3) {
        rewrite += '\\';
        rewrite += to[i + 2];
        i += 3;
      } else {
        rewrite += to[i];
      }
    }
    std::string error;
    if (!re.CheckRewriteString(rewrite, &error)) {
      return c.Error(2, fmt::format("`{}` refers to a group the expression does not have", to));
    }
    // Bound the result before building it: each match grows by at most the
    // rewrite, each group reference by at most the matched text.
    std::string without_matches = s;
    const size_t matches = static_cast<size_t>(RE2::GlobalReplace(&without_matches, re, ""));
    const size_t matched_bytes = s.size() - without_matches.size();
    const size_t references = static_cast<size_t>(std::count(rewrite.begin(), rewrite.end(), '\\'));
    const double bound = static_cast<double>(without_matches.size()) +
                         static_cast<double>(matches) * static_cast<double>(rewrite.size()) +
                         static_cast<double>(references) * static_cast<double>(matched_bytes);
    if (bound > static_cast<double>(ev_.options_.max_string_bytes)) return TooLarge(c.loc());
    RE2::GlobalReplace(&s, re, rewrite);
    return Value::String(std::move(s), c.loc());
  }
  if (from.empty()) return Value::String(std::move(s), c.loc());
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out += to;
    if (out.size() > ev_.options_.max_string_bytes) return TooLarge(c.loc());
  }
  out.append(s, pos, std::string::npos);
  return Value::String(std::move(out), c.loc());
}

Result<Value> EvalContext::FnToList(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  return Value::Tuple(*items, c.loc());
}

// Sets: duplicates removed; strings and numbers in Terraform's set order
// (sorted), other elements in first-seen order.
Result<Value> EvalContext::FnToSet(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  if (const Value* u = FirstUnknown(*items)) return UnknownFrom(*u, c);
  Value::Items out = Distinct(*items);
  const bool all_strings = std::all_of(out.begin(), out.end(), [](const Value& v) { return v.is_string(); });
  const bool all_numbers = std::all_of(out.begin(), out.end(), [](const Value& v) { return v.is_number(); });
  if (all_strings) {
    std::sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.as_string() < b.as_string(); });
  } else if (all_numbers) {
    std::sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.as_number() < b.as_number(); });
  }
  return Value::Tuple(std::move(out), c.loc());
}

Value::Items EvalContext::Distinct(const Value::Items& items) {
  Value::Items out;
  for (const Value& v : items) {
    if (ev_.steps_left_ == 0) break;
    ev_.steps_left_ -= std::min<uint64_t>(ev_.steps_left_, out.size() + 1);
    if (std::none_of(out.begin(), out.end(), [&](const Value& seen) { return seen.Equals(v); })) out.push_back(v);
  }
  return out;
}

Result<Value> EvalContext::FnDistinct(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  if (const Value* u = FirstUnknown(*items)) return UnknownFrom(*u, c);
  return Value::Tuple(Distinct(*items), c.loc());
}

Result<Value> EvalContext::FnToMap(const Call& c) {
  if (!c.args[0].is_object()) return c.Error(0, fmt::format("`tomap` needs an object, not {}", TypeName(c.args[0])));
  return c.args[0].WithLoc(c.loc());
}

Result<Value> EvalContext::FnToString(const Call& c) {
  if (c.args[0].is_null()) return Value::Null(c.loc());
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  return Value::String(std::move(s), c.loc());
}

Result<Value> EvalContext::FnToNumber(const Call& c) {
  if (c.args[0].is_null()) return Value::Null(c.loc());
  HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, 0));
  return Value::Number(n, c.loc());
}

Result<Value> EvalContext::FnToBool(const Call& c) {
  if (c.args[0].is_null()) return Value::Null(c.loc());
  HCL_ASSIGN_OR_RETURN(bool v, ToBool(c.args[0], c.ArgLoc(0), "`tobool`"));
  return Value::Bool(v, c.loc());
}

Result<Value> EvalContext::FnMerge(const Call& c) {
  Value::Fields out;
  for (size_t i = 0; i < c.args.size(); ++i) {
    const Value& v = c.args[i];
    if (v.is_null()) continue;
    if (!v.is_object()) return c.Error(i, fmt::format("`merge` needs objects, not {}", TypeName(v)));
    for (const auto& [key, field] : v.fields()) out[key] = field;
  }
  return Value::Object(std::move(out), c.loc());
}

Result<Value> EvalContext::FnLookup(const Call& c) {
  const Value& map = c.args[0];
  if (!map.is_object()) return c.Error(0, fmt::format("`lookup` needs an object, not {}", TypeName(map)));
  HCL_ASSIGN_OR_RETURN(std::string key, StringArg(c, 1));
  if (const Value* found = map.Find(key)) return *found;
  if (c.args.size() == 3) return c.args[2];
  return c.Error(1, fmt::format("`lookup` found no key `{}` and has no default", key));
}

Result<Value> EvalContext::FnLength(const Call& c) {
  const Value& v = c.args[0];
  if (v.is_tuple()) return Value::Number(static_cast<double>(v.items().size()), c.loc());
  if (v.is_object()) return Value::Number(static_cast<double>(v.fields().size()), c.loc());
  if (v.is_string()) return Value::Number(static_cast<double>(CodePoints(v.as_string())), c.loc());
  return c.Error(0, fmt::format("`length` needs a string or a collection, not {}", TypeName(v)));
}

Result<Value> EvalContext::FnElement(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, 1));
  if (items->empty()) return c.Error(0, "`element` cannot take an element of an empty list");
  if (!IsInteger(n) || n < 0) return c.Error(1, "`element` needs a whole, non-negative index");
  return (*items)[static_cast<size_t>(std::fmod(n, static_cast<double>(items->size())))];
}

Result<Value> EvalContext::FnKeys(const Call& c) {
  if (!c.args[0].is_object()) return c.Error(0, fmt::format("`keys` needs an object, not {}", TypeName(c.args[0])));
  Value::Items out;
  for (const auto& [key, v] : c.args[0].fields()) out.push_back(Value::String(key, c.loc()));
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnValues(const Call& c) {
  if (!c.args[0].is_object()) return c.Error(0, fmt::format("`values` needs an object, not {}", TypeName(c.args[0])));
  Value::Items out;
  for (const auto& [key, v] : c.args[0].fields()) out.push_back(v);
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnContains(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  const Value& wanted = c.args[1];
  if (!wanted.wholly_known()) return UnknownFrom(wanted, c);
  const Value* unknown = nullptr;
  for (const Value& item : *items) {
    if (!item.wholly_known()) {
      if (!unknown) unknown = &item;
    } else if (item.Equals(wanted)) {
      return Value::Bool(true, c.loc());
    }
  }
  if (unknown) return UnknownFrom(*unknown, c);
  return Value::Bool(false, c.loc());
}

// Flattens nested tuples; an unknown element might be a list, so the shape
// of the result is unknown.
Status EvalContext::FlattenInto(const Value::Items& items, Value::Items& out, std::optional<Value>& unknown, int depth,
                     const Call& c) {
  if (depth > kMaxEvalDepth) return Status::Error(ErrorCode::kTooLarge, c.loc(), "`flatten` met lists nested too deeply");
  for (const Value& item : items) {
    if (item.is_unknown()) {
      if (!unknown) unknown = item;
    } else if (item.is_tuple()) {
      Status s = FlattenInto(item.items(), out, unknown, depth + 1, c);
      if (!s.ok()) return s;
    } else {
      out.push_back(item);
    }
  }
  return Status();
}

Result<Value> EvalContext::FnFlatten(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  Value::Items out;
  std::optional<Value> unknown;
  Status s = FlattenInto(*items, out, unknown, 0, c);
  if (!s.ok()) return s;
  if (unknown) return UnknownFrom(*unknown, c);
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnCompact(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  Value::Items out;
  for (const Value& item : *items) {
    if (item.is_unknown()) return UnknownFrom(item, c);
    if (item.is_null() || (item.is_string() && item.as_string().empty())) continue;
    out.push_back(item);
  }
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnCoalesce(const Call& c) {
  for (const Value& v : c.args) {
    if (v.is_unknown()) return UnknownFrom(v, c);
    if (v.is_null() || (v.is_string() && v.as_string().empty())) continue;
    return v;
  }
  return Status::Error(c.loc(), "`coalesce` found no argument that is neither null nor empty");
}

Result<Value> EvalContext::FnCoalesceList(const Call& c) {
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (c.args[i].is_unknown()) return UnknownFrom(c.args[i], c);
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, i));
    if (!items->empty()) return c.args[i];
  }
  return Value::Tuple({}, c.loc());
}

Result<Value> EvalContext::FnSplit(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string sep, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 1));
  Value::Items out;
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      out.push_back(Value::String(s.substr(i, n), c.loc()));
      if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
      i += n;
    }
    return Value::Tuple(std::move(out), c.loc());
  }
  size_t pos = 0;
  for (size_t hit; (hit = s.find(sep, pos)) != std::string::npos; pos = hit + sep.size()) {
    out.push_back(Value::String(s.substr(pos, hit - pos), c.loc()));
    if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
  }
  out.push_back(Value::String(s.substr(pos), c.loc()));
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnTrimSpace(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  const char* ws = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return Value::String("", c.loc());
  size_t e = s.find_last_not_of(ws);
  return Value::String(s.substr(b, e - b + 1), c.loc());
}

Result<Value> EvalContext::FnChomp(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return Value::String(std::move(s), c.loc());
}

Result<Value> EvalContext::FnTrim(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string chars, StringArg(c, 1));
  size_t b = s.find_first_not_of(chars);
  if (b == std::string::npos) return Value::String("", c.loc());
  size_t e = s.find_last_not_of(chars);
  return Value::String(s.substr(b, e - b + 1), c.loc());
}

Result<Value> EvalContext::FnTrimPrefix(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string prefix, StringArg(c, 1));
  if (s.compare(0, prefix.size(), prefix) == 0) s.erase(0, prefix.size());
  return Value::String(std::move(s), c.loc());
}

Result<Value> EvalContext::FnTrimSuffix(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string suffix, StringArg(c, 1));
  if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
    s.resize(s.size() - suffix.size());
  }
  return Value::String(std::move(s), c.loc());
}

Result<Value> EvalContext::FnStartsWith(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string prefix, StringArg(c, 1));
  return Value::Bool(s.compare(0, prefix.size(), prefix) == 0, c.loc());
}

Result<Value> EvalContext::FnEndsWith(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string suffix, StringArg(c, 1));
  return Value::Bool(s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0,
                     c.loc());
}

Result<Value> EvalContext::FnStrContains(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(std::string part, StringArg(c, 1));
  return Value::Bool(s.find(part) != std::string::npos, c.loc());
}

// substr counts Unicode characters; a negative offset counts from the end,
// a length of -1 means "to the end".
Result<Value> EvalContext::FnSubstr(const Call& c) {
  HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
  HCL_ASSIGN_OR_RETURN(double offset, NumberArg(c, 1));
  HCL_ASSIGN_OR_RETURN(double length, NumberArg(c, 2));
  if (!IsInteger(offset) || !IsInteger(length)) return c.Error(1, "`substr` needs whole numbers");
  std::vector<size_t> starts;  // byte offset of each character
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  const double count = static_cast<double>(starts.size());
  if (offset < 0) offset += count;
  if (offset < 0 || offset > count) return c.Error(1, "the offset of `substr` is outside the string");
  double end = length < 0 ? count : std::min(count, offset + length);
  auto byte_at = [&](double ch) { return ch >= count ? s.size() : starts[static_cast<size_t>(ch)]; };
  const size_t from = byte_at(offset);
  return Value::String(s.substr(from, byte_at(end) - from), c.loc());
}

Result<Value> EvalContext::NumberFn(const Call& c, double (*f)(double)) {
  HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, 0));
  return Value::Number(f(n), c.loc());
}

Result<Value> EvalContext::FnAbs(const Call& c) { return NumberFn(c, [](double x) { return std::fabs(x); }); }

Result<Value> EvalContext::FnCeil(const Call& c) { return NumberFn(c, [](double x) { return std::ceil(x); }); }

Result<Value> EvalContext::FnFloor(const Call& c) { return NumberFn(c, [](double x) { return std::floor(x); }); }

Result<Value> EvalContext::Extreme(const Call& c, bool want_max) {
  double best = 0;
  for (size_t i = 0; i < c.args.size(); ++i) {
    HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, i));
    if (i == 0 || (want_max ? n > best : n < best)) best = n;
  }
  return Value::Number(best, c.loc());
}

Result<Value> EvalContext::FnMax(const Call& c) { return Extreme(c, true); }

Result<Value> EvalContext::FnMin(const Call& c) { return Extreme(c, false); }

Result<Value> EvalContext::FnSum(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  if (items->empty()) return c.Error(0, "`sum` cannot add up an empty list");
  double total = 0;
  for (const Value& item : *items) {
    if (item.is_unknown()) return UnknownFrom(item, c);
    HCL_ASSIGN_OR_RETURN(double n, ToNumber(item, c.ArgLoc(0), "`sum`"));
    total += n;
  }
  if (!std::isfinite(total)) return c.Error(0, "the result of `sum` is out of range");
  return Value::Number(total, c.loc());
}

Result<Value> EvalContext::FnRange(const Call& c) {
  double start = 0, limit = 0, step = 1;
  if (c.args.size() == 1) {
    HCL_ASSIGN_OR_RETURN(limit, NumberArg(c, 0));
  } else {
    HCL_ASSIGN_OR_RETURN(start, NumberArg(c, 0));
    HCL_ASSIGN_OR_RETURN(limit, NumberArg(c, 1));
    if (c.args.size() == 3) {
      HCL_ASSIGN_OR_RETURN(step, NumberArg(c, 2));
    }
  }
  if (step == 0) return c.Error(c.args.size() - 1, "the step of `range` must not be zero");
  if ((limit - start) / step > kMaxRange) return c.Error(0, "`range` would produce more than 1024 numbers");
  Value::Items out;
  for (double x = start; step > 0 ? x < limit : x > limit; x += step) out.push_back(Value::Number(x, c.loc()));
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnOne(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  if (items->empty()) return Value::Null(c.loc());
  if (items->size() == 1) return (*items)[0];
  return c.Error(0, fmt::format("`one` needs a list of at most one element, not {}", items->size()));
}

Result<Value> EvalContext::AllAny(const Call& c, bool all) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  const Value* unknown = nullptr;
  for (const Value& item : *items) {
    if (item.is_unknown()) {
      if (!unknown) unknown = &item;
      continue;
    }
    HCL_ASSIGN_OR_RETURN(bool b, ToBool(item, c.ArgLoc(0), all ? "`alltrue`" : "`anytrue`"));
    if (b != all) return Value::Bool(!all, c.loc());
  }
  if (unknown) return UnknownFrom(*unknown, c);
  return Value::Bool(all, c.loc());
}

Result<Value> EvalContext::FnAllTrue(const Call& c) { return AllAny(c, true); }

Result<Value> EvalContext::FnAnyTrue(const Call& c) { return AllAny(c, false); }

Result<Value> EvalContext::FnSort(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  std::vector<std::string> texts;
  for (const Value& item : *items) {
    if (item.is_unknown()) return UnknownFrom(item, c);
    std::optional<std::string> text = ScalarText(item);
    if (!text) return c.Error(0, fmt::format("`sort` needs strings, not {}", TypeName(item)));
    texts.push_back(std::move(*text));
  }
  std::sort(texts.begin(), texts.end());
  Value::Items out;
  for (std::string& t : texts) out.push_back(Value::String(std::move(t), c.loc()));
  return Value::Tuple(std::move(out), c.loc());
}

Result<Value> EvalContext::FnReverse(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
  return Value::Tuple(Value::Items(items->rbegin(), items->rend()), c.loc());
}

Result<Value> EvalContext::FnZipmap(const Call& c) {
  HCL_ASSIGN_OR_RETURN(const Value::Items* keys, TupleArg(c, 0));
  HCL_ASSIGN_OR_RETURN(const Value::Items* values, TupleArg(c, 1));
  if (keys->size() != values->size()) return c.Error(1, "`zipmap` needs as many values as keys");
  Value::Fields out;
  for (size_t i = 0; i < keys->size(); ++i) {
    if ((*keys)[i].is_unknown()) return UnknownFrom((*keys)[i], c);
    std::optional<std::string> key = ScalarText((*keys)[i]);
    if (!key) return c.Error(0, fmt::format("`zipmap` needs string keys, not {}", TypeName((*keys)[i])));
    out[*key] = (*values)[i];
  }
  return Value::Object(std::move(out), c.loc());
}

}  // namespace trustcheck::hcl
