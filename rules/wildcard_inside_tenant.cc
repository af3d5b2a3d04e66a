// TC003: say exactly what a wildcard inside the tenant admits.

#include "rules/wildcard_inside_tenant.h"

#include <fmt/format.h>

#include <map>

#include "lint/analysis.h"

namespace trustcheck::rules {

using trustcheck::Admission;

const lint::RuleInfo& WildcardInsideTenant::info() const {
  static const lint::RuleInfo kInfo{
      "TC003",
      "wildcard-inside-tenant",
      lint::Severity::kLow,
      "Every repository, project, workspace or service account of one tenant gets in, or every branch, tag or "
      "environment of one of them",
      "`repo:acme/*` lets every repository of the organisation assume the role, including the ones created "
      "tomorrow by anyone allowed to create repositories; `repo:acme/app:*` lets every branch, tag, "
      "environment and pull request of one repository in. That can be intended, but it is rarely what a production "
      "role should accept: anyone who can push a branch can then deploy.\n\n"
      "The rule grades who gets in, not how the trust is written: a GCP condition "
      "`assertion.repository_owner == 'acme'`, a Vault role bound to `repository_owner` (or Buildkite's "
      "`organization_slug`) alone and an AWS `repo:acme/*` are the same exposure and get the same finding. It is "
      "`medium` when any repository, project, workspace or service account of the tenant gets in, `low` when any "
      "branch, tag, environment or run phase of one of them does. The finding names the value that lets them in "
      "and carries a token of such a run as its witness.",
      {{"AWS: any repository of the organisation", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}})"},
       {"Vault: any workspace of the organisation", "json",
        R"({"bound_claims_type": "glob", "bound_claims": {"sub": "organization:acme:project:*:workspace:*:run_phase:*"}})"}},
      {{"AWS: one branch of one repository", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}})"}},
      {"https://docs.github.com/en/actions/reference/security/oidc",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"}};
  return kInfo;
}

void WildcardInsideTenant::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                         const IssuerExposure& exposure, lint::FindingSink& sink) const {
  if (exposure.reach != Reach::kAnyResource && exposure.reach != Reach::kAnyRun) return;
  const IssuerProfile* p = exposure.issuer.profile;
  if (p && p->audience_pins) return;  // TC011
  bool wide = exposure.reach == Reach::kAnyResource;
  for (const Admission& a : exposure.widest) {
    sink.Report(lint::AdmissionLoc(trust, trust.statements[statement], exposure, a),
                fmt::format("{} can {}{}{}{}", a.who, lint::AccessPhrase(trust), lint::GuessNote(exposure.issuer),
                            lint::CulpritNote(a), lint::AssumptionNote(a)),
                wide ? lint::Severity::kMedium : lint::Severity::kLow, lint::EvidenceOf(a));
  }
}

}  // namespace trustcheck::rules
