// TC001: every Allow statement on a shared issuer must pin the tenant.

#include "rules/shared_issuer_without_tenant_pin.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"
#include "trustcheck/wording.h"

namespace trustcheck::rules {

using lint::AcceptedIssuer;
using trustcheck::Admission;
using lint::TestSite;

const lint::RuleInfo& SharedIssuerWithoutTenantPin::info() const {
  static const lint::RuleInfo kInfo{
      "TC001",
      "shared-issuer-without-tenant-pin",
      lint::Severity::kCritical,
      "A trust on a shared issuer (GitHub Actions, GitLab.com, HCP Terraform, Buildkite) checks nothing that names "
      "the tenant",
      "One issuer URL serves every customer of these platforms: every GitHub repository in the world gets tokens "
      "from `https://token.actions.githubusercontent.com`. A trust that checks only the issuer and the audience "
      "(which any workflow can choose) lets every one of them in. This is the misconfiguration behind the public "
      "reports of hundreds of assumable AWS roles.\n\n"
      "The rule does not look for a missing key: it asks who gets in (the exposure analysis). It builds the token "
      "a stranger's workflow would present (an organisation name nobody pins, the audience the trust expects, "
      "which any workflow may request), evaluates it exactly as the platform would, with every statement and Deny "
      "of the trust, and reports the statement when it gets in and no wildcard value is the cause (TC002 reports "
      "those). The finding carries that token as its witness (`--witness`, or `witness` in JSON and SARIF). It "
      "covers every platform alike: AWS with no `sub` condition, a Vault role with only `bound_audiences`, a GCP "
      "provider without `attributeCondition`, an Entra flexible credential that does not constrain the subject, a "
      "custom subject made only of claims the workflow chooses (`workflow:deploy`). A placeholder account or a "
      "template parameter does not hide it: the finding holds whatever the deployer fills in, and says so.",
      {{"AWS: only the audience is checked", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
})"}},
      {{"AWS: the subject names the repository", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {
    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}
})"}},
      {"https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/",
       "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/"
       "about-security-hardening-with-openid-connect",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"}};
  return kInfo;
}

namespace {

bool Contains(const std::vector<const char*>& list, const std::string& item) {
  return std::any_of(list.begin(), list.end(), [&](const char* s) { return item == s; });
}

}  // namespace

void SharedIssuerWithoutTenantPin::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                                 const IssuerExposure& exposure, lint::FindingSink& sink) const {
  const AcceptedIssuer& issuer = exposure.issuer;
  const IssuerProfile* p = issuer.profile;
  if (!p || issuer.guessed || p->tenancy != Tenancy::kShared || p->audience_pins) return;
  if (exposure.reach < Reach::kAnyTenant) return;
  const Statement& st = trust.statements[statement];
  for (const Admission& a : exposure.widest) {
    // A wildcard that lets strangers in is TC002's.
    if (a.operand && a.test->kind == MatchKind::kString && a.operand->pattern.has_wildcards()) continue;
    std::string why;
    if (a.operand) {
      why = fmt::format("`{}` `{}` names no {}", lint::ClaimDisplay(*a.test), a.operand->text, p->tenant_noun);
    } else {
      std::vector<TestSite> tests;
      lint::CollectTests(st.when, &tests);
      std::vector<std::string> checked;  // what the statement does check
      bool all_attacker_chosen = true;
      for (const TestSite& site : tests) {
        const Test& t = *site.test;
        if (site.under_not || !lint::IsPositiveValueMatch(t) || lint::IsIssuerTest(t) || !lint::VisibleFor(t.ref, issuer))
          continue;
        std::string display = lint::ClaimDisplay(t);
        if (std::find(checked.begin(), checked.end(), display) == checked.end()) checked.push_back(display);
        if (!Contains(p->attacker_chosen, lint::ClaimName(t))) all_attacker_chosen = false;
      }
      if (checked.empty()) why = "nothing but the issuer is checked";
      else if (all_attacker_chosen)
        why = fmt::format("it checks only {}, which any {} user can choose", JoinCode(checked, "and"), p->platform);
      else
        why = fmt::format("it checks only {}, which {} not name the {}", JoinCode(checked, "and"),
                          checked.size() == 1 ? "does" : "do", p->tenant_noun);
    }
    sink.Report(lint::AdmissionLoc(trust, st, exposure, a),
                fmt::format("{} can {}: {}{}", p->everything, lint::AccessPhrase(trust), why, lint::AssumptionNote(a)),
                std::nullopt, lint::EvidenceOf(a));
    return;  // one finding per statement: the rest say the same
  }
}

}  // namespace trustcheck::rules
