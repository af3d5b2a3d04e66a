// TC002: a wildcard before the tenant boundary admits strangers.

#include "rules/wildcard_before_tenant_boundary.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

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
      "(`repo:acme@123/app@456:...`) are understood and never reported.",
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

void WildcardBeforeTenantBoundary::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const Statement& st : trust.statements) {
    if (st.effect != Effect::kAllow) continue;
    for (const lint::AcceptedIssuer& issuer : lint::StatementIssuers(trust, st)) {
      if (lint::TenantScope(trust, st, issuer) != lint::Scope::kOpen) continue;
      for (const lint::OperandReading& o : lint::IdentifyingOperands(st, issuer)) {
        if (!o.reading.has_wildcard || !o.reading.open_before_tenant) continue;
        SourceLoc loc = o.operand->loc.known() ? o.operand->loc : o.site.loc;
        sink.Report(loc, fmt::format("{} can {}{} (`{}` matches `{}`)", o.reading.admits, lint::AccessPhrase(trust),
                                     lint::GuessNote(issuer), lint::ClaimDisplay(*o.site.test), o.operand->text));
      }
    }
  }
}

}  // namespace trustcheck::rules
