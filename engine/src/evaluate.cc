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

#include "evaluate_values.h"
#include "explain.h"
#include "text/ascii.h"
#include "value_text.h"

namespace trustcheck {

namespace {

using eval::Context;
using eval::Values;
using explain::TestFailure;

// How one policy value compares with one request value. kError: the
// comparison cannot be made (a policy variable without a value, a request
// value that is not a number, date, boolean, ARN or IP address); such a
// value fails for the plain and for the negated operator alike.
enum class Comparison : uint8_t { kMatch, kNoMatch, kError };

Comparison FromBool(bool matched) { return matched ? Comparison::kMatch : Comparison::kNoMatch; }

Comparison MatchString(const Operand& op, std::string_view value, const Context& ctx) {
  if (op.segments.empty()) return FromBool(op.pattern.Match(value));
  auto text = eval::Substitute(op, ctx, op.pattern.options().flavor != WildcardFlavor::kLiteral);
  if (!text) return Comparison::kError;
  return FromBool(Pattern::Compile(*text, op.pattern.options()).Match(value));
}

// ArnLike/ArnEquals: the first five `:`-separated parts match segment by
// segment, the resource part (the rest, colons included) as a whole.
Comparison MatchArn(const Operand& op, std::string_view value, const Context& ctx) {
  std::string pattern_text = op.text;
  if (!op.segments.empty()) {
    auto t = eval::Substitute(op, ctx, true);
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

// AWS Bool: both sides must read `true` or `false` (any letter case). The
// policy value may hold policy variables.
Comparison MatchBool(const Operand& op, std::string_view value, const Context& ctx) {
  std::optional<bool> wanted = op.flag;
  if (!op.segments.empty()) {
    auto text = eval::Substitute(op, ctx, false);
    wanted = text ? eval::ParseBool(*text) : std::nullopt;
  }
  auto actual = eval::ParseBool(value);
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

// A test that did not hold: records why (as data) when the caller wants
// reasons, and lets explain.cc say it.
Tri Failed(const Test& test, const TestFailure& failure, const Context& ctx, std::vector<Reason>* reasons,
           const SourceLoc& loc, Tri result = Tri::kFalse) {
  if (reasons) reasons->push_back({loc, explain::DescribeTestFailure(test, failure, ctx)});
  return result;
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
    if (test.missing_result != Tri::kFalse) return test.missing_result;
    return Failed(test, {TestFailure::Kind::kShapeAbsent}, ctx, reasons, loc);
  }
  bool ok = std::any_of(test.operands.begin(), test.operands.end(),
                        [&](const Operand& op) { return HasShape(*v, op.shape); });
  if (test.negated) ok = !ok;
  if (ok) return Tri::kTrue;
  TestFailure failure{TestFailure::Kind::kShapeMismatch};
  failure.seen = v;
  return Failed(test, failure, ctx, reasons, loc);
}

// A key the token does not have: presence tests decide on it, the others
// give their missing_result.
Tri EvalAbsent(const Test& test, const Context& ctx, std::vector<Reason>* reasons, const SourceLoc& loc) {
  if (test.kind == MatchKind::kPresence) {
    if (std::any_of(test.operands.begin(), test.operands.end(), [](const Operand& o) { return o.flag; }))
      return Tri::kTrue;
    return Failed(test, {TestFailure::Kind::kMustBePresent}, ctx, reasons, loc);
  }
  if (test.missing_result == Tri::kFalse) return Failed(test, {TestFailure::Kind::kAbsent}, ctx, reasons, loc);
  if (test.missing_result == Tri::kUnknown)
    return Failed(test, {TestFailure::Kind::kAbsentUndecided}, ctx, reasons, loc, Tri::kUnknown);
  return test.missing_result;
}

// The values of a present key against the test, per its quantifier.
Tri EvalValues(const Test& test, const Values& values, const Context& ctx, std::vector<Reason>* reasons,
               const SourceLoc& loc) {
  const size_t n = values.size();
  auto failed = [&](TestFailure::Kind kind, size_t failing = 0) {
    TestFailure failure{kind};
    failure.values = &values;
    failure.failing = failing;
    return Failed(test, failure, ctx, reasons, loc);
  };
  switch (test.quantifier) {
    case Quantifier::kSingle:
      // A plain operator reads one value: a list of several (or a set key
      // such as Cognito's `amr`) never matches it (docs/semantics-aws.md).
      if (n != 1 || (values.from_list && test.ref.multi_valued)) return failed(TestFailure::Kind::kNotSingle);
      return MatchOne(test, values, 0, ctx) ? Tri::kTrue : failed(TestFailure::Kind::kValueFails, 0);
    case Quantifier::kAnyValue:
      for (size_t i = 0; i < n; ++i)
        if (MatchOne(test, values, i, ctx)) return Tri::kTrue;
      return n == 1 ? failed(TestFailure::Kind::kValueFails, 0) : failed(TestFailure::Kind::kNoValueMatches);
    case Quantifier::kAllValues:
      for (size_t i = 0; i < n; ++i)
        if (!MatchOne(test, values, i, ctx)) return failed(TestFailure::Kind::kValueFails, i);
      return Tri::kTrue;
  }
  return Tri::kFalse;
}

Tri EvalTest(const Test& test, const Context& ctx, std::vector<Reason>* reasons, const SourceLoc& loc) {
  if (test.kind == MatchKind::kJsonShape) return EvalShape(test, ctx, reasons, loc);
  auto values = eval::Extract(test, ctx);
  if (!values) return EvalAbsent(test, ctx, reasons, loc);
  if (test.kind == MatchKind::kPresence) {
    if (std::any_of(test.operands.begin(), test.operands.end(), [](const Operand& o) { return !o.flag; }))
      return Tri::kTrue;
    return Failed(test, {TestFailure::Kind::kMustBeAbsent}, ctx, reasons, loc);
  }
  return EvalValues(test, *values, ctx, reasons, loc);
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
    case Node::Kind::kExpr:
      if (!node.expr()) {
        if (reasons) reasons->push_back({node.loc, "expression node without an expression"});
        return Tri::kUnknown;
      }
      return node.expr()->Evaluate(node, ctx.claims, reasons);
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

// Why a statement that applies applies, for the AWS conditions in it
// (explain::DescribeHoldingCondition). Said for Deny statements, whose
// reason is otherwise just their name.
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
    case Node::Kind::kTest:
      if (auto holds = explain::DescribeHoldingCondition(*node.test, ctx)) out->push_back(std::move(*holds));
      return;
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
