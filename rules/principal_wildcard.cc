// TC005: a principal that matches everyone.
//
// The statement's principals as written say who it names; conditions may
// still narrow it (a `sub` condition only one issuer's tokens carry), which
// lowers the severity.

#include "rules/principal_wildcard.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& PrincipalWildcard::info() const {
  static const lint::RuleInfo kInfo{
      "TC005",
      "principal-wildcard",
      lint::Severity::kCritical,
      "A trust statement's principal is `*`, so it admits every identity provider or every AWS account",
      "`\"Principal\": \"*\"` (or `{\"AWS\": \"*\"}`) in a role trust policy trusts everyone. With "
      "`sts:AssumeRoleWithWebIdentity` any token from any identity provider the account trusts is accepted, and "
      "the built-in providers are trusted everywhere: any Google account can then assume the role. With "
      "`sts:AssumeRole` any AWS principal in any account can. Only the conditions stand between the role and the "
      "world, and a condition on a key the token does not carry is easy to get wrong.\n\n"
      "Name the provider (`{\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"}`) or the account. The "
      "finding is `medium` when the conditions alone still pin one tenant, `critical` otherwise.",
      {{"AWS: any principal, no condition", "json",
        R"({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"})"}},
      {{"AWS: the provider named", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}
})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"}};
  return kInfo;
}


void PrincipalWildcard::CheckStatement(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                       const Exposure& exposure, lint::FindingSink& sink) const {
  {
    const Statement& st = trust.statements[statement];
    std::vector<lint::TestSite> tests;
    lint::CollectTests(st.when, &tests);
    const Test* action = nullptr;
    for (const lint::TestSite& site : tests)
      if (site.test->ref.source == ValueRef::Source::kAction && !site.under_not && !site.under_or) action = site.test;
    if (!action) return;  // principals exist only beside an action
    std::vector<const Statement::Principal*> wildcards;
    for (const Statement::Principal& p : st.principals)
      if (p.type == Statement::Principal::Type::kEveryone || (p.type == Statement::Principal::Type::kAws && p.value == "*"))
        wildcards.push_back(&p);
    if (wildcards.empty()) return;
    auto allows = [&](const char* name) {
      bool m = std::any_of(action->operands.begin(), action->operands.end(),
                           [&](const Operand& o) { return o.valid && o.pattern.Match(name); });
      return m != action->negated;
    };
    std::string who;
    if (allows("sts:AssumeRoleWithWebIdentity"))
      who = "anyone with a token from any identity provider the account trusts (any Google account included)";
    if (allows("sts:AssumeRole"))
      who = who.empty() ? "any AWS principal of any account" : "any AWS principal of any account and " + who;
    if (who.empty()) return;
    // Conditions that still pin one tenant (a `sub` only one issuer's tokens carry).
    bool pinned = false;
    for (const IssuerExposure& e : exposure.issuers)
      if (!e.issuer.issuer.empty() && !e.undecided && e.reach >= Reach::kPinned && e.reach <= Reach::kAnyResource &&
          (!e.issuer.profile || e.issuer.profile->tenancy == Tenancy::kShared))
        pinned = true;
    for (const Statement::Principal* p : wildcards) {
      std::string written = p->type == Statement::Principal::Type::kEveryone ? "`*`" : "`{\"AWS\": \"*\"}`";
      if (pinned)
        sink.Report(p->loc,
                    fmt::format("principal {} matches everyone; only the conditions keep other providers and accounts "
                                "out, so name the provider or the account instead",
                                written),
                    lint::Severity::kMedium);
      else
        sink.Report(p->loc, fmt::format("{} can {}: principal {} matches everyone", who, lint::AccessPhrase(trust),
                                        written));
    }
  }
}

}  // namespace trustcheck::rules
