// TC002: a wildcard before the tenant boundary admits strangers.

#include "rules/wildcard_before_tenant_boundary.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

using trustcheck::Admission;

const lint::RuleInfo& WildcardBeforeTenantBoundary::info() const {
  static const lint::RuleInfo kInfo{
      "TC002",
      "wildcard-before-tenant-boundary",
      lint::Severity::kCritical,
      "A subject pattern has a wildcard before the organisation, group or workspace is complete",
      "`repo:*`, `repo:acme*` (no `/`: it also matches `acme-evil`), `repo:*/infra:...`, `organization:*:...` and "
      "`project_path:*` all let in repositories, projects or workspaces of other organisations, because on a shared "
      "issuer anyone can create an organisation with a matching name. The tenant boundary is the character that "
      "ends the tenant's name (`/` after a GitHub owner, `:` after a Terraform organisation); every character "
      "before it must be literal.\n\n"
      "Every value of a list counts: `[\"repo:acme/app:*\", \"*\"]` admits everyone. GitHub's immutable subjects "
      "(`repo:acme@123/app@456:...`) are understood and never reported.\n\n"
      "Each finding is proved: the analysis builds the token of a workflow in an organisation the trust does not "
      "name (`acmex` for `repo:acme*`) and the evaluator accepts it; the token is the finding's witness.",
      {{"AWS: one value of the list admits any repository", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/app:*", "repo:acme*"]}})"},
       {"Vault: any workspace of any HCP Terraform organisation", "json",
        R"({"bound_claims_type": "glob", "bound_claims": {"sub": "organization:*:project:*:workspace:prod:run_phase:*"}})"}},
      {{"AWS: the owner is complete before the wildcard", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/*"}})"},
       {"AWS: immutable subject", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme@1234/app@5678:ref:refs/heads/main"}})"}},
      {"https://docs.github.com/en/actions/reference/security/oidc",
       "https://unit42.paloaltonetworks.com/oidc-misconfigurations-in-ci-cd",
       "https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens"}};
  return kInfo;
}

void WildcardBeforeTenantBoundary::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                                 const IssuerExposure& exposure, lint::FindingSink& sink) const {
  const IssuerProfile* p = exposure.issuer.profile;
  if (!p || p->tenancy != Tenancy::kShared || p->audience_pins) return;
  if (exposure.reach < Reach::kAnyTenant) return;
  for (const Admission& a : exposure.widest) {
    if (!a.operand || a.test->kind != MatchKind::kString || !a.operand->pattern.has_wildcards()) continue;
    sink.Report(lint::AdmissionLoc(trust, trust.statements[statement], exposure, a),
                fmt::format("{} can {}{}{}{}", a.who, lint::AccessPhrase(trust), lint::GuessNote(exposure.issuer),
                            lint::CulpritNote(a), lint::AssumptionNote(a)),
                std::nullopt, lint::EvidenceOf(a));
  }
}

}  // namespace trustcheck::rules
