// TC016: Vault's strict audience rule.

#include "rules/vault_role_without_bound_audiences.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& VaultRoleWithoutBoundAudiences::info() const {
  static const lint::RuleInfo kInfo{
      "TC016",
      "vault-role-without-bound-audiences",
      lint::Severity::kMedium,
      "A Vault `jwt` role has no `bound_audiences`, so Vault refuses every token that carries an `aud` claim",
      "Since vault-plugin-auth-jwt v0.17.3 (Vault 1.16.x), a login with a token that has an `aud` claim fails "
      "with \"audience claim found in JWT but no audiences bound to the role\" when the role binds none. GitHub "
      "Actions, GitLab, HCP Terraform and Kubernetes tokens always carry `aud`, so such a role accepts nothing. "
      "The usual quick fix, a broad audience, is no pin either: bind the exact audience the CI job requests, and "
      "pin the subject with `bound_claims`.",
      {{"Vault: GitHub role without an audience", "json",
        R"({"role_type": "jwt", "user_claim": "actor", "bound_claims": {"repository": "acme/app"}})"}},
      {{"Vault: the audience the workflow requests", "json",
        R"({"role_type": "jwt", "user_claim": "actor", "bound_audiences": ["https://github.com/acme"],
 "bound_claims": {"repository": "acme/app"}})"}},
      {"https://developer.hashicorp.com/vault/api-docs/auth/jwt",
       "https://developer.hashicorp.com/vault/docs/auth/jwt"}};
  return kInfo;
}

void VaultRoleWithoutBoundAudiences::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  const std::optional<VaultRoleFacts>& vault = trust.facts.vault;
  if (!vault || vault->role_type != VaultRoleFacts::RoleType::kJwt || vault->has_bound_audiences) return;
  // The lowering's audience check carries the best location (the empty
  // `bound_audiences` key, or the role).
  SourceLoc loc = trust.loc;
  for (const lint::TestSite& site : lint::CollectTests(trust))
    if (site.test->kind == MatchKind::kJsonShape && site.test->role == TestRole::kAudience && site.loc.known()) loc = site.loc;
  sink.Report(loc, "the role has no `bound_audiences`, so Vault refuses every token that carries an `aud` claim (CI "
                   "tokens always do); bind the audience your jobs request");
}

}  // namespace trustcheck::rules
