// TC008: ForAllValues is true for a missing or empty key.

#include "rules/for_all_values_on_single_valued_claim.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& ForAllValuesOnSingleValuedClaim::info() const {
  static const lint::RuleInfo kInfo{
      "TC008",
      "for-all-values-on-single-valued-claim",
      lint::Severity::kHigh,
      "`ForAllValues:` is used on a single-valued claim, where it is also true when the claim is missing",
      "`ForAllValues:` asks whether every value of a multi-valued key matches. On a key with no values it is "
      "true, so a `ForAllValues:StringLike` on `sub` or `repository` accepts a request that carries no such claim "
      "at all, and it reads as a pin when it is not one. AWS Access Analyzer reports it as a security warning; "
      "GitHub removed such an example from its documentation because the keys hold one value.\n\n"
      "Use the plain operator (`StringLike`, `StringEquals`) for single-valued claims; keep the set operators for "
      "claims that really are lists (Cognito `amr`). On a key IAM never sets from a token (`...:iss`: the issuer is "
      "decided by the Federated principal), the condition is always true and the plain operator would refuse every "
      "token: that case is reported as `low`, with the advice to remove the condition.",
      {{"AWS: ForAllValues on the subject", "json",
        R"({"ForAllValues:StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}})"}},
      {{"AWS: the plain operator", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}})"},
       {"AWS: ForAnyValue on the multi-valued amr", "json",
        R"({"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"}};
  return kInfo;
}

void ForAllValuesOnSingleValuedClaim::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const lint::TestSite& site : lint::CollectTests(trust)) {
    const Test& t = *site.test;
    if (t.quantifier != Quantifier::kAllValues || t.ref.source == ValueRef::Source::kAction) continue;
    std::string claim = lint::ClaimName(t);
    if (claim.empty() || IsMultiValuedClaim(claim)) continue;
    std::string op = t.op_display;
    if (!t.ref.visible) {
      // A key IAM never sets (`...:iss`): the condition is always true.
      // The plain operator would make the trust refuse every token, so the
      // advice is to drop it.
      sink.Report(site.loc,
                  fmt::format("IAM sets no key `{}` from a token, so `{}` on it is always true and checks nothing; "
                              "remove it (the Federated principal already decides which issuer is trusted)",
                              lint::ClaimDisplay(t), op),
                  lint::Severity::kLow);
      continue;
    }
    std::string plain = op;
    if (size_t colon = op.find(':'); colon != std::string::npos) plain = op.substr(colon + 1);
    sink.Report(site.loc, fmt::format("`{}` on single-valued `{}` is also true when the token has no `{}` claim; use "
                                      "`{}`",
                                      op, lint::ClaimDisplay(t), claim, plain));
  }
}

}  // namespace trustcheck::rules
