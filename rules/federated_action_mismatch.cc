// TC019: an OIDC principal with an action list that never covers
// sts:AssumeRoleWithWebIdentity.

#include "rules/federated_action_mismatch.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& FederatedActionMismatch::info() const {
  static const lint::RuleInfo kInfo{
      "TC019",
      "federated-action-mismatch",
      lint::Severity::kMedium,
      "A statement for an OIDC provider does not allow the web-identity action, so no token can use it",
      "Tokens are exchanged with `sts:AssumeRoleWithWebIdentity`. A statement whose Federated principal is an "
      "OIDC provider but whose `Action` is `sts:AssumeRole` (or `sts:AssumeRoleWithSAML`) never applies to them. "
      "AWS Access Analyzer reports it as \"mismatched action for principal\". The role looks federated and is "
      "not; the fix deployed under pressure is often `sts:*` or a wider principal.",
      {{"AWS: the wrong action", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}
})"}},
      {{"AWS: the web-identity action", "json",
        R"({"Action": "sts:AssumeRoleWithWebIdentity"})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
       "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html"}};
  return kInfo;
}

void FederatedActionMismatch::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  auto required = std::find_if(trust.required_actions.begin(), trust.required_actions.end(),
                               [](const RequiredAction& a) { return a.when_claim_present.empty(); });
  if (required == trust.required_actions.end()) return;
  const std::string action(required->action);
  for (const Statement& st : trust.statements) {
    if (st.effect != Effect::kAllow) continue;
    std::vector<lint::TestSite> tests;
    lint::CollectTests(st.when, &tests);
    std::string issuer;
    for (const lint::TestSite& site : tests)
      if (lint::IsIssuerTest(*site.test) && !site.test->negated && !site.test->operands.empty() && issuer.empty())
        issuer = site.test->operands.front().text;
    if (issuer.empty()) continue;
    for (const lint::TestSite& site : tests) {
      const Test& t = *site.test;
      if (t.ref.source != ValueRef::Source::kAction || site.under_or || site.under_not) continue;
      bool matches = std::any_of(t.operands.begin(), t.operands.end(),
                                 [&](const Operand& o) { return o.valid && o.pattern.Match(action); });
      if (matches != t.negated) continue;
      std::string written;
      for (const Operand& o : t.operands) written += fmt::format("{}`{}`", written.empty() ? "" : ", ", o.text);
      sink.Report(site.loc, fmt::format("`{}` {} does not allow `{}`, so tokens from `{}` can never use this statement",
                                        t.op_display, written, action, issuer));
    }
  }
}

}  // namespace trustcheck::rules
