// The evaluator: one walk of the trust AST for one token. It knows no
// platform; every platform rule is a field on the nodes it reads.

#include "trustcheck/evaluate.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <json/json.h>

#include <algorithm>
#include <ostream>
#include <cmath>
#include <cstring>

#include "value_text.h"
#include "text/ascii.h"
#include "trustcheck/wording.h"

namespace trustcheck {

// Defined with the CEL support: evaluates a Node::Kind::kExpr node.
Tri EvaluateExprNode(const Node& node, const Claims& claims, std::vector<Reason>* reasons);

namespace {

struct Context {
  const Claims& claims;
  std::string_view action;
};

// The values a Test sees, or nullopt when the key is absent.
struct Values {
  std::vector<std::string> texts;          // kIamString
  std::vector<const Json::Value*> jsons;   // kJson
  bool from_list = false;                  // the values are a JSON list's elements
  size_t size() const { return texts.size() + jsons.size(); }
};

// A JSON pointer whose last reference token names an object member ASCII
// case-insensitively (an exact match first).
const Json::Value* FindPointerFoldingLast(const Claims& claims, std::string_view pointer) {
  size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return nullptr;
  const Json::Value* parent = claims.FindPointer(pointer.substr(0, slash));
  if (!parent || !parent->isObject()) return nullptr;
  std::string token;
  std::string_view raw = pointer.substr(slash + 1);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      token += raw[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      token += raw[i];
    }
  }
  if (const Json::Value* exact = parent->find(token.data(), token.data() + token.size())) return exact;
  for (const std::string& member : parent->getMemberNames())
    if (EqualsIgnoringAsciiCase(member, token)) return &(*parent)[member];
  return nullptr;
}

const Json::Value* Lookup(const ValueRef& ref, const Claims& claims) {
  if (!ref.visible) return nullptr;
  if (!ref.issuer_prefix.empty() && claims.aws_key_prefix() != ref.issuer_prefix) return nullptr;
  for (const std::string& name : ref.names) {
    const Json::Value* v = nullptr;
    switch (ref.source) {
      case ValueRef::Source::kPointer:
      case ValueRef::Source::kMemberNames:
        v = ref.fold_last_token ? FindPointerFoldingLast(claims, name) : claims.FindPointer(name);
        break;
      default: v = claims.Find(name); break;
    }
    if (v && !v->isNull()) return v;
  }
  return nullptr;
}

std::optional<Values> Extract(const Test& test, const Context& ctx) {
  Values out;
  if (test.ref.source == ValueRef::Source::kAction) {
    out.texts.emplace_back(ctx.action);
    return out;
  }
  const Json::Value* v = Lookup(test.ref, ctx.claims);
  if (!v) return std::nullopt;
  if (test.ref.source == ValueRef::Source::kMemberNames) {
    if (!v->isObject()) return std::nullopt;
    out.from_list = true;
    out.texts = v->getMemberNames();
    return out;
  }
  if (test.typing == ValueTyping::kJson) {
    if (v->isObject()) return std::nullopt;
    if (v->isArray()) {
      out.from_list = true;
      for (const Json::Value& e : *v) out.jsons.push_back(&e);
    } else {
      out.jsons.push_back(v);
    }
    return out;
  }
  if (v->isObject()) return std::nullopt;
  if (v->isArray()) {
    out.from_list = true;
    for (const Json::Value& e : *v)
      if (auto t = IamText(e)) out.texts.push_back(std::move(*t));
    return out;
  }
  if (auto t = IamText(*v)) out.texts.push_back(std::move(*t));
  else return std::nullopt;
  return out;
}

// The single value an AWS policy variable stands for, or nullopt when the
// key is absent, holds several values (a set key, or a list of two or more),
// or is empty: IAM calls an empty string a null value, and the reference
// simulator treats an empty value (and an empty default) as no value.
std::optional<std::string> VariableValue(const Operand::Segment& s, const Context& ctx) {
  std::optional<std::string> value;
  if (const Json::Value* v = Lookup(s.ref, ctx.claims)) {
    if (s.ref.source == ValueRef::Source::kMemberNames) {
      // A set of tag keys is never a single value.
    } else if (v->isArray()) {
      if (v->size() == 1 && !s.ref.multi_valued) value = IamText((*v)[0]);
    } else if (!v->isObject()) {
      value = IamText(*v);
    }
  }
  if (value && value->empty()) value.reset();
  if (!value && s.has_default && !s.default_value.empty()) value = s.default_value;
  return value;
}

// Substitutes AWS policy variables into an operand; nullopt when a variable
// has no usable value ("any attempt to match it fails"). `escape`: the
// substituted text is a wildcard pattern, so `*` `?` `$` from the token are
// written as the literals `${*}` `${?}` `${$}`.
std::optional<std::string> Substitute(const Operand& op, const Context& ctx, bool escape) {
  std::string out;
  for (const Operand::Segment& s : op.segments) {
    if (!s.is_variable) {
      out += s.text;
      continue;
    }
    std::optional<std::string> value = VariableValue(s, ctx);
    if (!value) return std::nullopt;
    if (!escape) {
      out += *value;
      continue;
    }
    for (char c : *value) {
      if (c == '*' || c == '?' || c == '$') out += fmt::format("${{{}}}", c);
      else out += c;
    }
  }
  return out;
}

// How one policy value compares with one request value. kError: the
// comparison cannot be made (a policy variable without a value, a request
// value that is not a number, date, boolean, ARN or IP address); such a
// value fails for the plain and for the negated operator alike.
enum class Comparison : uint8_t { kMatch, kNoMatch, kError };

Comparison FromBool(bool matched) { return matched ? Comparison::kMatch : Comparison::kNoMatch; }

Comparison MatchString(const Operand& op, std::string_view value, const Context& ctx) {
  if (op.segments.empty()) return FromBool(op.pattern.Match(value));
  auto text = Substitute(op, ctx, op.pattern.options().flavor != WildcardFlavor::kLiteral);
  if (!text) return Comparison::kError;
  return FromBool(Pattern::Compile(*text, op.pattern.options()).Match(value));
}

// ArnLike/ArnEquals: the first five `:`-separated parts match segment by
// segment, the resource part (the rest, colons included) as a whole.
Comparison MatchArn(const Operand& op, std::string_view value, const Context& ctx) {
  std::string pattern_text = op.text;
  if (!op.segments.empty()) {
    auto t = Substitute(op, ctx, true);
    if (!t) return Comparison::kError;
    pattern_text = *t;
  }
  auto split = [](std::string_view s) {
    std::vector<std::string_view> parts;
    for (int i = 0; i < 5; ++i) {
      size_t c = s.find(':');
      if (c == std::string_view::npos) return std::vector<std::string_view>{};
      parts.push_back(s.substr(0, c));
      s.remove_prefix(c + 1);
    }
    parts.push_back(s);
    return parts;
  };
  auto p = split(pattern_text);
  auto v = split(value);
  if (p.size() != 6 || v.size() != 6) return Comparison::kError;
  PatternOptions po = op.pattern.options();
  for (size_t i = 0; i < 6; ++i)
    if (!Pattern::Compile(p[i], po).Match(v[i])) return Comparison::kNoMatch;
  return Comparison::kMatch;
}

Comparison MatchIp(const Operand& op, std::string_view value) {
  std::string text(value);
  unsigned char buf[16];
  size_t len = 0;
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) len = 4;
  else if (inet_pton(AF_INET6, text.c_str(), buf) == 1) len = 16;
  if (len == 0) return Comparison::kError;
  if (len != op.ip_length) return Comparison::kNoMatch;
  int bits = op.ip_prefix;
  for (size_t i = 0; i < len && bits > 0; ++i, bits -= 8) {
    unsigned char mask = bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - bits));
    if ((buf[i] & mask) != (op.ip_bytes[i] & mask)) return Comparison::kNoMatch;
  }
  return Comparison::kMatch;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoringAsciiCase(text, "true")) return true;
  if (EqualsIgnoringAsciiCase(text, "false")) return false;
  return std::nullopt;
}

// AWS Bool: both sides must read `true` or `false` (any letter case). The
// policy value may hold policy variables.
Comparison MatchBool(const Operand& op, std::string_view value, const Context& ctx) {
  std::optional<bool> wanted = op.flag;
  if (!op.segments.empty()) {
    auto text = Substitute(op, ctx, false);
    wanted = text ? ParseBool(*text) : std::nullopt;
  }
  auto actual = ParseBool(value);
  if (!wanted || !actual) return Comparison::kError;
  return FromBool(*wanted == *actual);
}

Comparison CompareText(const Test& test, const Operand& op, std::string_view value, const Context& ctx) {
  switch (test.kind) {
    case MatchKind::kString: return MatchString(op, value, ctx);
    case MatchKind::kNumericEq:
    case MatchKind::kNumericLt:
    case MatchKind::kNumericLe:
    case MatchKind::kNumericGt:
    case MatchKind::kNumericGe: {
      auto n = ParseDecimal(value);
      if (!n) return Comparison::kError;
      switch (test.kind) {
        case MatchKind::kNumericEq: return FromBool(*n == op.number);
        case MatchKind::kNumericLt: return FromBool(*n < op.number);
        case MatchKind::kNumericLe: return FromBool(*n <= op.number);
        case MatchKind::kNumericGt: return FromBool(*n > op.number);
        default: return FromBool(*n >= op.number);
      }
    }
    case MatchKind::kDateEq:
    case MatchKind::kDateLt:
    case MatchKind::kDateLe:
    case MatchKind::kDateGt:
    case MatchKind::kDateGe: {
      auto d = ParseIsoOrEpochMillis(value);
      if (!d) return Comparison::kError;
      const int64_t policy = op.epoch_seconds * 1000 + op.epoch_milliseconds;
      switch (test.kind) {
        case MatchKind::kDateEq: return FromBool(*d == policy);
        case MatchKind::kDateLt: return FromBool(*d < policy);
        case MatchKind::kDateLe: return FromBool(*d <= policy);
        case MatchKind::kDateGt: return FromBool(*d > policy);
        default: return FromBool(*d >= policy);
      }
    }
    case MatchKind::kBool: return MatchBool(op, value, ctx);
    case MatchKind::kArn: return MatchArn(op, value, ctx);
    case MatchKind::kIpAddress: return MatchIp(op, value);
    case MatchKind::kTyped: return FromBool(op.typed && op.typed->isString() && op.typed->asString() == value);
    case MatchKind::kPresence: return Comparison::kNoMatch;
    case MatchKind::kJsonShape: return Comparison::kNoMatch;
  }
  return Comparison::kNoMatch;
}

bool MatchText(const Test& test, const Operand& op, std::string_view value, const Context& ctx) {
  return CompareText(test, op, value, ctx) == Comparison::kMatch;
}

// NumberEquality::kIntegerText: Go's int(float64) truncates toward zero;
// beyond the int64 range the conversion is implementation-defined, so such
// a value matches nothing.
std::optional<std::string> IntegerText(const Json::Value& number) {
  if (number.isInt64()) return std::to_string(number.asInt64());
  double d = number.asDouble();  // Go decodes token numbers as float64
  if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return std::nullopt;
  return std::to_string(static_cast<int64_t>(d));
}

bool TypedMatch(const Test& test, const Operand& op, const Json::Value& value, bool in_list) {
  if (!op.typed) return false;
  if (test.number_equality == NumberEquality::kIntegerText && (op.typed->isNumeric() || value.isNumeric())) {
    if (in_list || !op.typed->isNumeric() || !value.isNumeric()) return false;
    // An int64 token number above 2^53 first loses precision as a float64.
    Json::Value as_float = value.isInt64() || value.isUInt64() ? Json::Value(value.asDouble()) : value;
    auto text = IntegerText(as_float);
    return text && *text == op.text;
  }
  return TypedEquals(*op.typed, value);
}

bool MatchJson(const Test& test, const Operand& op, const Json::Value& value, bool in_list, const Context& ctx) {
  if (test.kind == MatchKind::kTyped) return TypedMatch(test, op, value, in_list);
  // Pattern matches see only string values (Vault glob skips the rest).
  if (!value.isString()) return false;
  return MatchText(test, op, value.asString(), ctx);
}

// One request value against the operands: OR over them, NOR when negated.
// A value that cannot be compared (Comparison::kError) never satisfies the
// test, negated or not (AWS: "any attempt to match it fails").
bool MatchOne(const Test& test, const Values& values, size_t i, const Context& ctx) {
  bool any = false;
  bool error = false;
  for (const Operand& op : test.operands) {
    if (!op.valid) continue;
    Comparison o = i < values.texts.size()
                    ? CompareText(test, op, values.texts[i], ctx)
                    : FromBool(MatchJson(test, op, *values.jsons[i - values.texts.size()], values.from_list, ctx));
    if (o == Comparison::kMatch) {
      any = true;
      break;
    }
    if (o == Comparison::kError) error = true;
  }
  return test.negated ? !any && !error : any;
}

// Typed comparisons show JSON text (`"true"` is not `true`); string matches
// show the bare string.
std::string ValueForMessage(const Test& test, const Values& values, size_t i) {
  if (i < values.texts.size()) return values.texts[i];
  const Json::Value& v = *values.jsons[i - values.texts.size()];
  if (test.kind != MatchKind::kTyped && v.isString()) return v.asString();
  return CompactJson(v);
}

std::string OperandList(const Test& test) {
  std::vector<std::string> items;
  for (const Operand& op : test.operands)
    items.push_back(test.kind == MatchKind::kJsonShape ? std::string(JsonShapeName(op.shape)) : "`" + op.text + "`");
  return items.empty() ? "nothing" : JoinWords(items, "or");
}

std::string Subject(const Test& test) {
  if (test.role == TestRole::kCondition) return fmt::format("condition `{}` on `{}`", test.op_display, test.ref.display);
  if (test.op_display.empty()) return test.what;
  return fmt::format("{} ({})", test.what, test.op_display);
}

// "(differs only in letter case)" when an exact comparison failed on case.
std::string CaseHint(const Test& test, const std::string& actual) {
  if (test.kind != MatchKind::kString || test.negated) return "";
  for (const Operand& op : test.operands) {
    if (!op.segments.empty()) continue;
    PatternOptions folded = op.pattern.options();
    if (folded.fold_case) continue;
    folded.fold_case = true;
    if (Pattern::Compile(op.pattern.text(), folded).Match(actual)) return " (differs only in letter case)";
    // Issuers are compared byte for byte: a trailing slash is a difference.
    const std::string& expected = op.pattern.text();
    if (!op.pattern.has_wildcards() &&
        (expected + "/" == actual || (!expected.empty() && expected.substr(0, expected.size() - 1) == actual &&
                                      expected.back() == '/')))
      return " (differs only by a trailing slash)";
  }
  return "";
}

// Why a typed comparison failed when the texts look alike.
std::string TypeHint(const Test& test, const Values& values, size_t failing) {
  if (test.kind != MatchKind::kTyped || failing < values.texts.size()) return "";
  const Json::Value& v = *values.jsons[failing - values.texts.size()];
  auto actual_text = IamText(v);
  for (const Operand& op : test.operands) {
    if (!op.typed) continue;
    auto op_text = IamText(*op.typed);
    if (op.typed->isNumeric() && v.isNumeric() && test.number_equality == NumberEquality::kIntegerText)
      return values.from_list ? " (numbers inside a token list never equal a number)"
                              : " (token numbers are truncated to whole numbers and compared as written)";
    if (op_text && actual_text && *op_text == *actual_text && op.typed->type() != v.type())
      return " (same text, different JSON type)";
  }
  return "";
}

std::string FailureMessage(const Test& test, const Values& values, size_t failing) {
  std::string subject = Subject(test);
  std::string actual = ValueForMessage(test, values, failing);
  if (test.negated)
    return fmt::format("{} refuses {}; token `{}` has `{}`", subject, OperandList(test), test.ref.display, actual);
  std::string verb = test.kind == MatchKind::kString &&
                             !test.operands.empty() && test.operands[0].pattern.has_wildcards()
                         ? "matches"
                         : "is";
  (void)verb;
  // A pattern never saw a JSON value that is not a string (Vault glob).
  bool is_text = failing < values.texts.size() || values.jsons[failing - values.texts.size()]->isString();
  std::string hint = is_text || test.kind != MatchKind::kString ? CaseHint(test, actual)
                                                                : " (not a string, so no pattern matches it)";
  return fmt::format("{} expects {}; token `{}` has `{}`{}{}", subject, OperandList(test), test.ref.display, actual,
                     hint, TypeHint(test, values, failing));
}

bool HasShape(const Json::Value& v, JsonShape shape) {
  switch (shape) {
    case JsonShape::kNull: return v.isNull();
    case JsonShape::kBool: return v.isBool();
    case JsonShape::kNumber: return v.isNumeric();
    case JsonShape::kString: return v.isString();
    case JsonShape::kEmptyString: return v.isString() && v.asString().empty();
    case JsonShape::kList: return v.isArray();
    case JsonShape::kEmptyList: return v.isArray() && v.empty();
    case JsonShape::kStringList:
      if (!v.isArray()) return false;
      for (const Json::Value& e : v)
        if (!e.isString()) return false;
      return true;
    case JsonShape::kObject: return v.isObject();
  }
  return false;
}

// ---------------------------------------------------------------------------
// Wording for AWS policy elements (the Federated principal, Action and
// NotAction, condition operators): what the policy wants, what the token
// has, in the policy's own terms.

bool AwsWording(const Test& test) {
  if (test.typing != ValueTyping::kIamString) return false;
  return test.role == TestRole::kCondition || test.role == TestRole::kAction ||
         test.role == TestRole::kFederatedPrincipal;
}

// `a`, `b` or `c` (`joiner`: "or", "and").
std::string Quoted(const std::vector<std::string>& items, const char* joiner) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? fmt::format(" {} ", joiner) : ", ";
    out += "`" + items[i] + "`";
  }
  return out.empty() ? "nothing" : out;
}

// One policy value as the token is compared with it: with its policy
// variables substituted, or saying that one has no value.
std::string PolicyValueText(const Test& test, const Operand& op, const Context& ctx) {
  if (op.segments.empty()) return "`" + op.text + "`";
  bool escape = test.kind != MatchKind::kBool && op.pattern.options().flavor != WildcardFlavor::kLiteral;
  auto text = Substitute(op, ctx, escape);
  if (!text) return fmt::format("`{}` (a policy variable in it has no value)", op.text);
  return fmt::format("`{}` (from `{}`)", *text, op.text);
}

std::string PolicyValues(const Test& test, const Context& ctx, const char* joiner) {
  std::string out;
  for (size_t i = 0; i < test.operands.size(); ++i) {
    if (i) out += i + 1 == test.operands.size() ? fmt::format(" {} ", joiner) : ", ";
    out += PolicyValueText(test, test.operands[i], ctx);
  }
  return out.empty() ? "nothing" : out;
}

// "expects `a` or `b`", "refuses `a` and `b`", "expects a number below `5`".
std::string PolicySide(const Test& test, const Context& ctx) {
  if (test.negated) return "refuses " + PolicyValues(test, ctx, "and");
  const char* relation = nullptr;
  switch (test.kind) {
    case MatchKind::kNumericLt: relation = "a number below"; break;
    case MatchKind::kNumericLe: relation = "a number at most"; break;
    case MatchKind::kNumericGt: relation = "a number above"; break;
    case MatchKind::kNumericGe: relation = "a number at least"; break;
    case MatchKind::kDateLt: relation = "a date before"; break;
    case MatchKind::kDateLe: relation = "a date at or before"; break;
    case MatchKind::kDateGt: relation = "a date after"; break;
    case MatchKind::kDateGe: relation = "a date at or after"; break;
    case MatchKind::kIpAddress: relation = "an address in"; break;
    default: break;
  }
  std::string values = PolicyValues(test, ctx, "or");
  return relation ? fmt::format("expects {} {}", relation, values) : "expects " + values;
}

// The claim a reference actually read ("token `sub`"), or the key itself for
// values taken from inside a claim (session tags).
std::string TokenSide(const ValueRef& ref, const Claims& claims) {
  switch (ref.source) {
    case ValueRef::Source::kAction: return "the request";
    case ValueRef::Source::kPointer:
    case ValueRef::Source::kMemberNames: return fmt::format("the token's `{}`", ref.display);
    case ValueRef::Source::kClaim: break;
  }
  for (const std::string& name : ref.names) {
    const Json::Value* v = claims.Find(name);
    if (v && !v->isNull()) return fmt::format("token `{}`", name);
  }
  return fmt::format("token `{}`", ref.names.empty() ? ref.display : ref.names.front());
}

std::string AwsSubject(const Test& test) {
  if (test.role == TestRole::kAction) return test.op_display;
  if (test.role == TestRole::kFederatedPrincipal) return "Federated principal";
  return fmt::format("condition `{}` on `{}`", test.op_display, test.ref.display);
}

// Why a request value could not be compared at all.
std::string ErrorHint(const Test& test, std::string_view actual) {
  switch (test.kind) {
    case MatchKind::kNumericEq:
    case MatchKind::kNumericLt:
    case MatchKind::kNumericLe:
    case MatchKind::kNumericGt:
    case MatchKind::kNumericGe: return ParseDecimal(actual) ? "" : ", not a number";
    case MatchKind::kDateEq:
    case MatchKind::kDateLt:
    case MatchKind::kDateLe:
    case MatchKind::kDateGt:
    case MatchKind::kDateGe: return ParseIsoOrEpoch(actual) ? "" : ", not a date";
    case MatchKind::kBool: return ParseBool(actual) ? "" : ", neither `true` nor `false`";
    case MatchKind::kIpAddress: {
      unsigned char buf[16];
      std::string text(actual);
      return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1
                 ? ""
                 : ", not an IP address";
    }
    default: return "";
  }
}

std::string AwsFailure(const Test& test, const Values& values, size_t failing, const Context& ctx) {
  std::string actual = ValueForMessage(test, values, failing);
  std::string hint = CaseHint(test, actual) + ErrorHint(test, actual);
  if (test.role == TestRole::kFederatedPrincipal) {
    std::vector<std::string> issuers;
    for (const Operand& op : test.operands) issuers.push_back(op.text);
    return fmt::format("Federated principal trusts issuer {}; token `iss` is `{}`{}", Quoted(issuers, "or"), actual,
                       hint);
  }
  if (test.role == TestRole::kAction) {
    std::vector<std::string> actions;
    for (const Operand& op : test.operands) actions.push_back(op.text);
    return fmt::format("{} {} {} `{}`", test.op_display, Quoted(actions, "and"),
                       test.negated ? "excludes" : "does not cover", actual);
  }
  const char* verb = values.from_list && values.size() > 1 ? "holds" : "is";
  return fmt::format("{} {}; {} {} `{}`{}", AwsSubject(test), PolicySide(test, ctx), TokenSide(test.ref, ctx.claims),
                     verb, actual, hint);
}

std::string AwsMissing(const Test& test, const Context& ctx) {
  std::string why;
  const Json::Value* present = Lookup(test.ref, ctx.claims);
  if (!test.ref.visible) {
    why = fmt::format("IAM sets no key `{}` from a token", test.ref.display);
  } else if (!test.ref.issuer_prefix.empty() && ctx.claims.aws_key_prefix() != test.ref.issuer_prefix) {
    why = ctx.claims.issuer().empty()
              ? fmt::format("`{}` is a key of another provider and the token has no `iss`", test.ref.display)
              : fmt::format("`{}` is a key of another provider than the token's issuer `{}`", test.ref.display,
                            ctx.claims.issuer());
  } else if (present && present->isObject()) {
    why = fmt::format("{} holds an object, which matches nothing", TokenSide(test.ref, ctx.claims));
  } else if (test.role == TestRole::kFederatedPrincipal) {
    std::vector<std::string> issuers;
    for (const Operand& op : test.operands) issuers.push_back(op.text);
    return fmt::format("Federated principal trusts issuer {}; the token has no `iss`", Quoted(issuers, "or"));
  } else if (test.ref.source == ValueRef::Source::kClaim) {
    std::vector<std::string> names(test.ref.names.begin(), test.ref.names.end());
    why = fmt::format("the token has no {}", Quoted(names, "or"));
  } else {
    why = fmt::format("the token has no `{}`", test.ref.display);
  }
  return fmt::format("{} {}; {}", AwsSubject(test), PolicySide(test, ctx), why);
}

std::string AwsNotSingle(const Test& test, const Values& values, const Context& ctx) {
  size_t n = values.size();
  std::string token = TokenSide(test.ref, ctx.claims);
  if (n == 0)
    return fmt::format("{} reads a single value, but {} is an empty list", AwsSubject(test), token);
  std::vector<std::string> all;
  for (size_t i = 0; i < n; ++i) all.push_back(ValueForMessage(test, values, i));
  return fmt::format("{} reads a single value, but {} {} ({}); a set needs ForAnyValue or ForAllValues",
                     AwsSubject(test), token, n == 1 ? "is a set" : "holds several", Quoted(all, "and"));
}

std::string AwsNoneMatches(const Test& test, const Values& values, const Context& ctx) {
  size_t n = values.size();
  std::string token = TokenSide(test.ref, ctx.claims);
  if (n == 0) return fmt::format("{} {}; {} is an empty list", AwsSubject(test), PolicySide(test, ctx), token);
  std::vector<std::string> all;
  for (size_t i = 0; i < n; ++i) all.push_back(ValueForMessage(test, values, i));
  return fmt::format("{} {}; no value of {} qualifies ({})", AwsSubject(test), PolicySide(test, ctx), token,
                     Quoted(all, "and"));
}

std::string AwsPresence(const Test& test, bool present, const Context& ctx) {
  std::string token = TokenSide(test.ref, ctx.claims);
  if (present)
    return fmt::format("condition `{}` on `{}` expects the key to be absent (`true`); {} sets it", test.op_display,
                       test.ref.display, token);
  return fmt::format("condition `{}` on `{}` expects the key to be present (`false`); {}", test.op_display,
                     test.ref.display,
                     !test.ref.visible ? fmt::format("IAM sets no key `{}` from a token", test.ref.display)
                                       : "the token does not set it");
}

// MatchKind::kJsonShape: JSON null is a value here, not an absent key.
Tri EvalShape(const Test& test, const Context& ctx, std::vector<Reason>* reasons, const SourceLoc& loc) {
  const Json::Value* v = nullptr;
  if (test.ref.visible) {
    for (const std::string& name : test.ref.names) {
      v = test.ref.source == ValueRef::Source::kPointer ? ctx.claims.FindPointer(name) : ctx.claims.Find(name);
      if (v) break;
    }
  }
  if (!v) {
    if (test.missing_result == Tri::kFalse && reasons)
      reasons->push_back({loc, fmt::format("{} expects {}; the token has no `{}`", Subject(test), OperandList(test),
                                           test.ref.display)});
    return test.missing_result;
  }
  bool ok = std::any_of(test.operands.begin(), test.operands.end(),
                        [&](const Operand& op) { return HasShape(*v, op.shape); });
  if (test.negated) ok = !ok;
  if (ok) return Tri::kTrue;
  if (reasons)
    reasons->push_back({loc, fmt::format("{} expects {}; token `{}` has `{}`", Subject(test), OperandList(test),
                                         test.ref.display, CompactJson(*v))});
  return Tri::kFalse;
}

Tri EvalTest(const Test& test, const Context& ctx, std::vector<Reason>* reasons, const SourceLoc& loc) {
  if (test.kind == MatchKind::kJsonShape) return EvalShape(test, ctx, reasons, loc);
  auto values = Extract(test, ctx);
  auto fail = [&](std::string message) {
    if (reasons) reasons->push_back({loc, std::move(message)});
    return Tri::kFalse;
  };
  if (!values) {
    if (test.kind == MatchKind::kPresence) {
      bool any = std::any_of(test.operands.begin(), test.operands.end(), [](const Operand& o) { return o.flag; });
      if (any) return Tri::kTrue;
      if (AwsWording(test)) return !reasons ? Tri::kFalse : fail(AwsPresence(test, false, ctx));
      return !reasons ? Tri::kFalse : fail(fmt::format("condition `{}` on `{}` requires the key to be present; the token has no such {}",
                              test.op_display, test.ref.display, test.ref.visible ? "claim" : "key the platform exposes"));
    }
    if (test.missing_result == Tri::kFalse && AwsWording(test)) return !reasons ? Tri::kFalse : fail(AwsMissing(test, ctx));
    if (test.missing_result == Tri::kFalse) {
      if (!reasons) return Tri::kFalse;  // deciding only: no message to build
      const Json::Value* present = Lookup(test.ref, ctx.claims);
      std::string why = !test.ref.visible ? fmt::format("`{}` is not a claim the platform exposes", test.ref.display)
                        : present && present->isObject()
                            ? fmt::format("token `{}` holds an object, which matches nothing", test.ref.display)
                        : !test.ref.issuer_prefix.empty() && ctx.claims.aws_key_prefix() != test.ref.issuer_prefix
                            ? fmt::format("`{}` belongs to another provider than the token's issuer `{}`",
                                          test.ref.display, ctx.claims.issuer())
                            : fmt::format("the token has no `{}`", test.ref.display);
      return !reasons ? Tri::kFalse : fail(fmt::format("{} expects {}; {}", Subject(test), OperandList(test), why));
    }
    if (test.missing_result == Tri::kUnknown && reasons)
      reasons->push_back({loc, fmt::format("the token has no `{}`: the expression fails", test.ref.display)});
    return test.missing_result;
  }
  if (test.kind == MatchKind::kPresence) {
    bool any = std::any_of(test.operands.begin(), test.operands.end(), [](const Operand& o) { return !o.flag; });
    if (any) return Tri::kTrue;
    if (AwsWording(test)) return !reasons ? Tri::kFalse : fail(AwsPresence(test, true, ctx));
    return !reasons ? Tri::kFalse : fail(fmt::format("condition `{}` on `{}` requires the key to be absent; the token has it", test.op_display,
                            test.ref.display));
  }
  size_t n = values->size();
  const bool aws = AwsWording(test);
  auto failure = [&](size_t i) {
    return aws ? AwsFailure(test, *values, i, ctx) : FailureMessage(test, *values, i);
  };
  switch (test.quantifier) {
    case Quantifier::kSingle:
      // A plain operator reads one value: a list of several (or a set key
      // such as Cognito's `amr`) never matches it (docs/semantics-aws.md).
      if (n != 1 || (values->from_list && test.ref.multi_valued)) {
        if (aws) return !reasons ? Tri::kFalse : fail(AwsNotSingle(test, *values, ctx));
        std::string all;
        for (size_t i = 0; i < n; ++i) all += (i ? ", `" : "`") + ValueForMessage(test, *values, i) + "`";
        return !reasons ? Tri::kFalse : fail(fmt::format("{} needs a single value but `{}` holds {} ({}); use ForAnyValue or ForAllValues",
                                Subject(test), test.ref.display,
                                n == 0 ? "no value" : n == 1 ? "a set of values" : "several values",
                                n == 0 ? "an empty list" : all));
      }
      return MatchOne(test, *values, 0, ctx) ? Tri::kTrue : !reasons ? Tri::kFalse : fail(failure(0));
    case Quantifier::kAnyValue:
      for (size_t i = 0; i < n; ++i)
        if (MatchOne(test, *values, i, ctx)) return Tri::kTrue;
      if (n == 1) return !reasons ? Tri::kFalse : fail(failure(0));
      if (aws) return !reasons ? Tri::kFalse : fail(AwsNoneMatches(test, *values, ctx));
      if (n == 0) return !reasons ? Tri::kFalse : fail(fmt::format("{} found `{}` empty", Subject(test), test.ref.display));
      return !reasons ? Tri::kFalse : fail(fmt::format("{} expects {}; none of the {} values of `{}` matches", Subject(test),
                              OperandList(test), n, test.ref.display));
    case Quantifier::kAllValues:
      for (size_t i = 0; i < n; ++i)
        if (!MatchOne(test, *values, i, ctx)) return !reasons ? Tri::kFalse : fail(failure(i));
      return Tri::kTrue;
  }
  return Tri::kFalse;
}

Tri Eval(const Node& node, const Context& ctx, std::vector<Reason>* reasons);

Tri EvalAnd(const Node& node, const Context& ctx, std::vector<Reason>* reasons) {
  Tri result = Tri::kTrue;
  std::vector<Reason> unknown_reasons;
  for (const Node& child : node.children) {
    std::vector<Reason> child_reasons;
    Tri r = Eval(child, ctx, reasons ? &child_reasons : nullptr);
    if (r == Tri::kFalse) {
      if (reasons) reasons->insert(reasons->end(), child_reasons.begin(), child_reasons.end());
      return Tri::kFalse;
    }
    if (r == Tri::kUnknown) {
      result = Tri::kUnknown;
      unknown_reasons.insert(unknown_reasons.end(), child_reasons.begin(), child_reasons.end());
    }
  }
  if (reasons && result == Tri::kUnknown) reasons->insert(reasons->end(), unknown_reasons.begin(), unknown_reasons.end());
  return result;
}

Tri EvalOr(const Node& node, const Context& ctx, std::vector<Reason>* reasons) {
  Tri result = Tri::kFalse;
  std::vector<Reason> collected;
  for (const Node& child : node.children) {
    std::vector<Reason> child_reasons;
    Tri r = Eval(child, ctx, reasons ? &child_reasons : nullptr);
    if (r == Tri::kTrue) return Tri::kTrue;
    if (r == Tri::kUnknown) result = Tri::kUnknown;
    collected.insert(collected.end(), child_reasons.begin(), child_reasons.end());
  }
  if (reasons) {
    if (node.children.empty()) reasons->push_back({node.loc, "no alternative is allowed"});
    reasons->insert(reasons->end(), collected.begin(), collected.end());
  }
  return result;
}

Tri Eval(const Node& node, const Context& ctx, std::vector<Reason>* reasons) {
  switch (node.kind) {
    case Node::Kind::kAnd: return EvalAnd(node, ctx, reasons);
    case Node::Kind::kOr: return EvalOr(node, ctx, reasons);
    case Node::Kind::kNot: {
      if (node.children.empty()) return Tri::kUnknown;
      Tri r = Eval(node.children[0], ctx, nullptr);
      if (r == Tri::kUnknown) {
        if (reasons) Eval(node.children[0], ctx, reasons);
        return Tri::kUnknown;
      }
      if (r == Tri::kTrue) {
        if (reasons) reasons->push_back({node.loc, fmt::format("negated condition holds: {}", Dump(node.children[0]))});
        return Tri::kFalse;
      }
      return Tri::kTrue;
    }
    case Node::Kind::kTest: return EvalTest(*node.test, ctx, reasons, node.loc);
    case Node::Kind::kConst:
      if (!node.value && reasons) reasons->push_back({node.loc, node.reason()});
      return node.value ? Tri::kTrue : Tri::kFalse;
    case Node::Kind::kUnknown:
      if (reasons) reasons->push_back({node.loc, "cannot be decided: " + node.reason()});
      return Tri::kUnknown;
    case Node::Kind::kExpr: return EvaluateExprNode(node, ctx.claims, reasons);
  }
  return Tri::kUnknown;
}

std::optional<int64_t> TimeClaim(const Claims& claims, const char* name, bool zero_is_absent, bool* malformed) {
  const Json::Value* v = claims.Find(name);
  if (!v || v->isNull()) return std::nullopt;
  if (!v->isNumeric() || !std::isfinite(v->asDouble())) {
    *malformed = true;
    return std::nullopt;
  }
  auto seconds = static_cast<int64_t>(std::floor(v->asDouble()));
  if (zero_is_absent && seconds == 0) return std::nullopt;
  return seconds;
}

// The token's validity window per the trust's TimeRules; empty when valid.
std::vector<Reason> CheckTime(const Trust& trust, const Claims& claims, int64_t now) {
  const TimeRules& r = trust.time;
  std::vector<Reason> out;
  bool malformed = false;
  auto exp = TimeClaim(claims, "exp", r.zero_time_is_absent, &malformed);
  auto nbf = TimeClaim(claims, "nbf", r.zero_time_is_absent, &malformed);
  auto iat = TimeClaim(claims, "iat", r.zero_time_is_absent, &malformed);
  if (malformed) {
    out.push_back({trust.loc, "token time claims `exp`, `nbf` and `iat` must be numbers"});
    return out;
  }
  if (r.require_one_of_iat_nbf_exp && !exp && !nbf && !iat)
    out.push_back({trust.loc, "token has none of the time claims `iat`, `nbf`, `exp`"});
  if (r.require_exp && !exp) out.push_back({trust.loc, "token has no `exp` claim"});
  // Vault (cap/jwt) synthesises a missing exp and nbf from the leeways.
  const char* exp_source = "`exp`";
  const char* nbf_source = "`nbf`";
  if (!exp && r.expiration_leeway_seconds >= 0 && (iat || nbf)) {
    exp = std::max(iat.value_or(INT64_MIN), nbf.value_or(INT64_MIN)) + r.expiration_leeway_seconds;
    exp_source = "no `exp`: the later of `iat` and `nbf` plus the expiration leeway";
  }
  if (!nbf && r.not_before_leeway_seconds >= 0) {
    if (iat) {
      nbf = iat;
      nbf_source = "no `nbf`: `iat` stands in";
    } else if (exp) {
      nbf = *exp - r.not_before_leeway_seconds;
      nbf_source = "no `nbf`: `exp` minus the not-before leeway";
    }
  }
  int64_t skew = r.clock_skew_seconds;
  if (r.check_exp && exp && now - skew > *exp)
    out.push_back({trust.loc, fmt::format("token expired at {} ({}), {} s before the evaluation time", *exp,
                                          exp_source, now - *exp)});
  if (r.check_nbf && nbf && now + skew < *nbf)
    out.push_back({trust.loc, fmt::format("token is not valid before {} ({})", *nbf, nbf_source)});
  if (r.check_iat && iat && now + skew < *iat)
    out.push_back({trust.loc, fmt::format("token was issued in the future ({}, `iat`)", *iat)});
  return out;
}

std::string StatementName(const Statement& s, size_t index) {
  if (!s.sid.empty()) return fmt::format("`{}`", s.sid);
  return fmt::format("#{}", index + 1);
}

// Why a statement that applies applies, for the AWS conditions in it:
// "condition `StringEquals` on `k` holds: token `ref` is `refs/heads/main`".
// Said for Deny statements, whose reason is otherwise just their name.
void DescribeHolding(const Node& node, const Context& ctx, std::vector<std::string>* out) {
  switch (node.kind) {
    case Node::Kind::kAnd:
      for (const Node& child : node.children) DescribeHolding(child, ctx, out);
      return;
    case Node::Kind::kOr:
      for (const Node& child : node.children) {
        if (Eval(child, ctx, nullptr) == Tri::kTrue) {
          DescribeHolding(child, ctx, out);
          return;
        }
      }
      return;
    case Node::Kind::kTest: {
      const Test& test = *node.test;
      if (!AwsWording(test) || test.role != TestRole::kCondition) return;
      auto values = Extract(test, ctx);
      std::string token;
      if (!values) {
        token = !test.ref.visible ? fmt::format("IAM sets no key `{}` from a token", test.ref.display)
                                  : fmt::format("the token does not set `{}`", test.ref.display);
      } else {
        std::vector<std::string> all;
        for (size_t i = 0; i < values->size(); ++i) all.push_back(ValueForMessage(test, *values, i));
        token = values->size() == 1 && !values->from_list
                    ? fmt::format("{} is `{}`", TokenSide(test.ref, ctx.claims), all.front())
                    : fmt::format("{} holds {}", TokenSide(test.ref, ctx.claims),
                                  all.empty() ? std::string("no value") : Quoted(all, "and"));
      }
      out->push_back(fmt::format("condition `{}` on `{}` holds: {}", test.op_display, test.ref.display, token));
      return;
    }
    default: return;
  }
}

// One pass over all statements for one action.
void EvaluatePass(const Trust& trust, const Context& ctx, Decision* d, Tri* allow, Tri* deny,
                  std::vector<Reason>* deny_reasons, std::vector<Reason>* allow_reasons) {
  *allow = Tri::kFalse;
  *deny = Tri::kFalse;
  for (size_t i = 0; i < trust.statements.size(); ++i) {
    const Statement& s = trust.statements[i];
    StatementTrace t;
    t.index = i;
    t.effect = s.effect;
    t.sid = s.sid;
    t.action = std::string(ctx.action);
    t.applies = Eval(s.when, ctx, &t.reasons);
    Tri* acc = s.effect == Effect::kAllow ? allow : deny;
    if (t.applies == Tri::kTrue) {
      *acc = Tri::kTrue;
      if (s.effect == Effect::kDeny) {
        std::vector<std::string> holding;
        DescribeHolding(s.when, ctx, &holding);
        std::string why;
        for (const std::string& h : holding) why += "; " + h;
        deny_reasons->push_back({s.loc, fmt::format("denied by statement {}{}", StatementName(s, i), why)});
      } else {
        allow_reasons->push_back({s.loc, fmt::format("allowed by statement {}", StatementName(s, i))});
      }
    } else if (t.applies == Tri::kUnknown && *acc != Tri::kTrue) {
      *acc = Tri::kUnknown;
    }
    d->statements.push_back(std::move(t));
  }
}

}  // namespace

Tri EvaluateNode(const Node& node, const Claims& claims, std::string_view action, std::vector<Reason>* reasons) {
  Context ctx{claims, action};
  return Eval(node, ctx, reasons);
}

Tri Decide(const Trust& trust, const Claims& claims, const EvalOptions& options) {
  if (!CheckTime(trust, claims, options.now).empty()) return Tri::kFalse;
  // The combination of Evaluate(): any Deny refuses; every pass must be
  // allowed with no undecidable Deny; an undecidable part makes a refusal
  // unknown.
  bool any_action = false, all_allowed = true, any_unknown = false;
  auto pass = [&](std::string_view action) {
    Context ctx{claims, action};
    Tri allow = Tri::kFalse, deny = Tri::kFalse;
    for (const Statement& s : trust.statements) {
      Tri& acc = s.effect == Effect::kAllow ? allow : deny;
      if (acc == Tri::kTrue) continue;
      Tri r = Eval(s.when, ctx, nullptr);
      if (r != Tri::kFalse) acc = r;
    }
    if (deny == Tri::kTrue) return false;  // explicit deny
    if (allow != Tri::kTrue || deny == Tri::kUnknown) {
      all_allowed = false;
      if (allow == Tri::kUnknown || deny == Tri::kUnknown) any_unknown = true;
    }
    return true;
  };
  for (const RequiredAction& a : trust.required_actions) {
    if (!a.when_claim_present.empty() && !claims.Find(a.when_claim_present)) continue;
    any_action = true;
    if (!pass(a.action)) return Tri::kFalse;
  }
  if (!any_action && !pass("")) return Tri::kFalse;
  if (all_allowed) return Tri::kTrue;
  return any_unknown ? Tri::kUnknown : Tri::kFalse;
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllowed: return "allowed";
    case Outcome::kImplicitDeny: return "implicit deny";
    case Outcome::kExplicitDeny: return "explicit deny";
    case Outcome::kUnknown: return "unknown";
    case Outcome::kTokenTime: return "token time";
    case Outcome::kSignature: return "signature";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, Outcome outcome) { return out << OutcomeName(outcome); }

Decision Evaluate(const Trust& trust, const Claims& claims, const EvalOptions& options) {
  Decision d;
  std::vector<Reason> time_problems = CheckTime(trust, claims, options.now);
  std::vector<std::string> actions;
  std::vector<std::string> because;  // per action: the claim that requires it ("" when always required)
  for (const RequiredAction& a : trust.required_actions)
    if (a.when_claim_present.empty() || claims.Find(a.when_claim_present)) {
      actions.emplace_back(a.action);
      because.emplace_back(a.when_claim_present);
    }
  if (actions.empty()) {
    actions.emplace_back();
    because.emplace_back();
  }
  bool all_allowed = true;
  bool any_unknown = false;
  bool any_deny = false;
  std::vector<Reason> deny_reasons, allow_reasons, failure_reasons;
  for (size_t a = 0; a < actions.size(); ++a) {
    const std::string& action = actions[a];
    Context ctx{claims, action};
    Tri allow, deny;
    size_t first = d.statements.size();
    size_t first_deny = deny_reasons.size();
    EvaluatePass(trust, ctx, &d, &allow, &deny, &deny_reasons, &allow_reasons);
    if (actions.size() > 1)
      for (size_t i = first_deny; i < deny_reasons.size(); ++i)
        deny_reasons[i].message = fmt::format("for `{}`, {}", action, deny_reasons[i].message);
    if (deny == Tri::kTrue) {
      any_deny = true;
      all_allowed = false;
      continue;
    }
    if (allow != Tri::kTrue || deny == Tri::kUnknown) {
      all_allowed = false;
      if (allow == Tri::kUnknown || deny == Tri::kUnknown) any_unknown = true;
      if (!because[a].empty())
        failure_reasons.push_back({trust.loc, fmt::format("the token carries `{}`, so the trust must also allow `{}`",
                                                          because[a], action)});
      for (size_t i = first; i < d.statements.size(); ++i) {
        const StatementTrace& t = d.statements[i];
        bool relevant = (t.effect == Effect::kAllow && t.applies != Tri::kTrue) ||
                        (t.effect == Effect::kDeny && t.applies == Tri::kUnknown);
        if (!relevant) continue;
        std::string prefix = actions.size() > 1 ? fmt::format("for `{}`, ", action) : "";
        std::string st = fmt::format("statement {}", StatementName(trust.statements[t.index], t.index));
        if (t.reasons.empty()) failure_reasons.push_back({trust.statements[t.index].loc, prefix + st + " does not apply"});
        for (const Reason& r : t.reasons)
          failure_reasons.push_back({r.loc, fmt::format("{}{}: {}", prefix, st, r.message)});
      }
      if (trust.statements.empty()) failure_reasons.push_back({trust.loc, "the trust has no statement"});
    }
  }
  if (!time_problems.empty()) {
    d.accepted = false;
    d.outcome = Outcome::kTokenTime;
    d.reasons = time_problems;
    d.reasons.insert(d.reasons.end(), failure_reasons.begin(), failure_reasons.end());
    return d;
  }
  if (any_deny) {
    d.outcome = Outcome::kExplicitDeny;
    d.reasons = deny_reasons;
  } else if (all_allowed) {
    d.accepted = true;
    d.outcome = Outcome::kAllowed;
    d.reasons = allow_reasons;
    for (const LoweringNote& note : trust.notes)
      if (note.kind == LoweringNote::Kind::kCaveat) d.reasons.push_back({note.loc, note.message});
  } else {
    d.outcome = any_unknown ? Outcome::kUnknown : Outcome::kImplicitDeny;
    d.reasons = failure_reasons;
  }
  return d;
}

}  // namespace trustcheck
