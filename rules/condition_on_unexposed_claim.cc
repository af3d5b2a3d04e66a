// TC007: conditions that can never see a value.

#include "rules/condition_on_unexposed_claim.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& ConditionOnUnexposedClaim::info() const {
  static const lint::RuleInfo kInfo{
      "TC007",
      "condition-on-unexposed-claim",
      lint::Severity::kMedium,
      "A condition reads a claim the platform never passes on, so it always or never holds",
      "AWS IAM exposes only some token claims as condition keys (`aud`, `sub`, `azp`, `amr`, `email`, and a fixed "
      "list for GitHub, Google and Cognito), each under the provider's own prefix. A condition on any other claim, "
      "or on another provider's key (a typo in the host, a copied policy), sees a missing key. A plain condition "
      "then never holds, and the statement silently never applies; a negated or `...IfExists` condition always "
      "holds and checks nothing, which is worse: the trust looks pinned and is not.\n\n"
      "The finding is `high` when the check silently passes (an Allow that checks less than it seems, or a Deny "
      "that never applies) and `medium` when it only breaks the statement.",
      {{"AWS: `repo` is not a key IAM exposes (the claim is `repository`)", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:repo": "acme/app"}})"},
       {"AWS: the key names another provider", "json",
        R"({"StringNotLike": {"gitlab.com:sub": "project_path:evil/*"}})"}},
      {{"AWS: an exposed key of the statement's provider", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:repository": "acme/app"}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html"}};
  return kInfo;
}

namespace {

// AWS global keys (`aws:SourceIp`, `sts:ExternalId`) are not token claims.
bool IsTokenClaim(const ValueRef& ref) {
  if (ref.source != ValueRef::Source::kClaim && ref.source != ValueRef::Source::kPointer) return false;
  return ref.issuer_prefix.empty() || ref.issuer_prefix.find('.') != std::string::npos;
}

}  // namespace

void ConditionOnUnexposedClaim::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const Statement& st : trust.statements) {
    std::vector<lint::AcceptedIssuer> issuers = lint::StatementIssuers(trust, st);
    std::vector<lint::TestSite> tests;
    lint::CollectTests(st.when, &tests);
    for (const lint::TestSite& site : tests) {
      const Test& t = *site.test;
      if (lint::IsIssuerTest(t) || !IsTokenClaim(t.ref)) continue;
      std::string reason;
      if (!t.ref.visible) {
        reason = fmt::format("{} does not expose this claim", lint::PlatformDisplay(trust.platform));
      } else {
        bool visible = std::any_of(issuers.begin(), issuers.end(),
                                   [&](const lint::AcceptedIssuer& i) { return lint::VisibleFor(t.ref, i); });
        if (visible) continue;
        std::string accepted;
        for (const lint::AcceptedIssuer& i : issuers)
          accepted += fmt::format("{}`{}`", accepted.empty() ? "" : ", ", i.issuer);
        reason = fmt::format("the statement accepts only tokens from {}", accepted);
      }
      bool passes = (t.missing_result == Tri::kTrue) != site.under_not;
      bool allow = st.effect == Effect::kAllow;
      std::string op = t.op_display.empty() ? std::string("this") : fmt::format("this `{}`", t.op_display);
      std::string outcome;
      if (allow)
        outcome = passes ? fmt::format("{} condition always passes and checks nothing", op)
                         : fmt::format("{} condition never holds and the statement never applies", op);
      else
        outcome = passes ? fmt::format("{} condition always holds and the Deny applies to every token", op)
                         : fmt::format("{} condition never holds and the Deny never applies", op);
      bool silent_widening = passes == allow;
      sink.Report(site.loc,
                  fmt::format("`{}` is never in the request ({}), so {}", lint::ClaimDisplay(t), reason, outcome),
                  silent_widening ? std::optional(lint::Severity::kHigh) : std::nullopt);
    }
  }
}

}  // namespace trustcheck::rules
