// The evaluator's explanations (explain.h): every sentence `eval` prints
// about a test, generic and in AWS's terms.

#include "explain.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <vector>

#include "trustcheck/evaluate.h"
#include "trustcheck/wording.h"
#include "value_text.h"

namespace trustcheck {

std::string DescribeTest(const Test& test) {
  if (test.role == TestRole::kCondition) return fmt::format("condition `{}` on `{}`", test.op_display, test.ref.display);
  if (test.op_display.empty()) return test.what;
  return fmt::format("{} ({})", test.what, test.op_display);
}

namespace explain {

namespace {

using eval::Context;
using eval::Values;

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
  std::string subject = DescribeTest(test);
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
  auto text = eval::Substitute(op, ctx, escape);
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
    case MatchKind::kBool: return eval::ParseBool(actual) ? "" : ", neither `true` nor `false`";
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
  const Json::Value* present = eval::Lookup(test.ref, ctx.claims);
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

// The generic wording of tests that are not AWS policy elements.
std::string GenericAbsent(const Test& test, const Context& ctx) {
  const Json::Value* present = eval::Lookup(test.ref, ctx.claims);
  std::string why = !test.ref.visible ? fmt::format("`{}` is not a claim the platform exposes", test.ref.display)
                    : present && present->isObject()
                        ? fmt::format("token `{}` holds an object, which matches nothing", test.ref.display)
                    : !test.ref.issuer_prefix.empty() && ctx.claims.aws_key_prefix() != test.ref.issuer_prefix
                        ? fmt::format("`{}` belongs to another provider than the token's issuer `{}`",
                                      test.ref.display, ctx.claims.issuer())
                        : fmt::format("the token has no `{}`", test.ref.display);
  return fmt::format("{} expects {}; {}", DescribeTest(test), OperandList(test), why);
}

std::string GenericNotSingle(const Test& test, const Values& values) {
  const size_t n = values.size();
  std::string all;
  for (size_t i = 0; i < n; ++i) all += (i ? ", `" : "`") + ValueForMessage(test, values, i) + "`";
  return fmt::format("{} needs a single value but `{}` holds {} ({}); use ForAnyValue or ForAllValues", DescribeTest(test),
                     test.ref.display, n == 0 ? "no value" : n == 1 ? "a set of values" : "several values",
                     n == 0 ? "an empty list" : all);
}

std::string GenericNoValueMatches(const Test& test, const Values& values) {
  if (values.size() == 0) return fmt::format("{} found `{}` empty", DescribeTest(test), test.ref.display);
  return fmt::format("{} expects {}; none of the {} values of `{}` matches", DescribeTest(test), OperandList(test),
                     values.size(), test.ref.display);
}

}  // namespace

std::string DescribeTestFailure(const Test& test, const TestFailure& failure, const Context& ctx) {
  const bool aws = AwsWording(test);
  switch (failure.kind) {
    case TestFailure::Kind::kAbsent: return aws ? AwsMissing(test, ctx) : GenericAbsent(test, ctx);
    case TestFailure::Kind::kAbsentUndecided:
      return fmt::format("the token has no `{}`: the expression fails", test.ref.display);
    case TestFailure::Kind::kMustBePresent:
      if (aws) return AwsPresence(test, false, ctx);
      return fmt::format("condition `{}` on `{}` requires the key to be present; the token has no such {}",
                         test.op_display, test.ref.display, test.ref.visible ? "claim" : "key the platform exposes");
    case TestFailure::Kind::kMustBeAbsent:
      if (aws) return AwsPresence(test, true, ctx);
      return fmt::format("condition `{}` on `{}` requires the key to be absent; the token has it", test.op_display,
                         test.ref.display);
    case TestFailure::Kind::kShapeAbsent:
      return fmt::format("{} expects {}; the token has no `{}`", DescribeTest(test), OperandList(test), test.ref.display);
    case TestFailure::Kind::kShapeMismatch:
      return fmt::format("{} expects {}; token `{}` has `{}`", DescribeTest(test), OperandList(test), test.ref.display,
                         CompactJson(*failure.seen));
    case TestFailure::Kind::kNotSingle:
      return aws ? AwsNotSingle(test, *failure.values, ctx) : GenericNotSingle(test, *failure.values);
    case TestFailure::Kind::kNoValueMatches:
      return aws ? AwsNoneMatches(test, *failure.values, ctx) : GenericNoValueMatches(test, *failure.values);
    case TestFailure::Kind::kValueFails:
      return aws ? AwsFailure(test, *failure.values, failure.failing, ctx)
                 : FailureMessage(test, *failure.values, failure.failing);
  }
  return "";
}

std::optional<std::string> DescribeHoldingCondition(const Test& test, const Context& ctx) {
  if (!AwsWording(test) || test.role != TestRole::kCondition) return std::nullopt;
  auto values = eval::Extract(test, ctx);
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
  return fmt::format("condition `{}` on `{}` holds: {}", test.op_display, test.ref.display, token);
}

}  // namespace explain
}  // namespace trustcheck
