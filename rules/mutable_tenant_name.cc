// TC013: prefer immutable ids to names that can be recycled.

#include "rules/mutable_tenant_name.h"

#include <fmt/format.h>

#include <map>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& MutableTenantName::info() const {
  static const lint::RuleInfo kInfo{
      "TC013",
      "mutable-tenant-name",
      lint::Severity::kInfo,
      "The tenant is pinned only by its name, although the platform offers an immutable id",
      "Organisation, repository, group and workspace names can be freed by a delete or a rename and registered "
      "again by someone else, who then mints tokens with exactly the subject the trust expects (\"Sub:jugation\", "
      "namespace recycling). GitHub issues immutable subjects (`repo:OWNER@ID/REPO@ID:...`, the default for "
      "repositories created after 2026-07-15) and the `repository_owner_id` and `repository_id` claims; GitLab "
      "has `project_id`; HCP Terraform has `terraform_organization_id` and `terraform_workspace_id`.\n\n"
      "This is advice, not a hole: the trust is pinned today. It covers GCP conditions that compare only names "
      "(`assertion.repository_owner == 'acme'`) as well.",
      {{"AWS: owner and repository by name", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}})"}},
      {{"AWS: the immutable subject", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme@1234/app@5678:ref:refs/heads/main"}})"},
       {"Vault: GitLab project by id", "json", R"({"bound_claims": {"project_id": "42", "ref": "main"}, "bound_audiences": ["vault"]})"}},
      {"https://astrix.security/learn/blog/subjugation-hijacking-cloud-identities-by-recycling-namespaces-in-global-oidc-issuers/",
       "https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens/",
       "https://labs.boostsecurity.io/articles/sleeper-squats-github-oidc-immutable-subject-claim"}};
  return kInfo;
}

void MutableTenantName::CheckExposure(const lint::LintInput& input, const LoadedFile&, const Trust& trust, size_t statement,
                                      const IssuerExposure& exposure, lint::FindingSink& sink) const {
  const Statement& st = trust.statements[statement];
  {
    {
      const lint::AcceptedIssuer& issuer = exposure.issuer;
      const IssuerProfile* p = issuer.profile;
      if (!p || std::string_view(p->immutable_advice).empty()) return;
      // One tenant gets in (by name): the finding is about who owns it.
      if (exposure.reach < Reach::kPinned || exposure.reach > Reach::kAnyResource) return;
      std::vector<lint::OperandReading> operands = lint::IdentifyingOperands(st, issuer);
      // A test pins by id when every one of its values does.
      std::map<const Test*, bool> by_id;
      for (const lint::OperandReading& o : operands) {
        bool id = o.reading.pinned_by_id && !o.site.under_or;
        auto [it, inserted] = by_id.emplace(o.site.test, id);
        if (!inserted) it->second = it->second && id;
      }
      bool pinned_by_id = false;
      for (const auto& [test, id] : by_id) pinned_by_id = pinned_by_id || id;
      if (pinned_by_id) return;
      for (const lint::OperandReading& o : operands) {
        if (!o.reading.recognised || !o.reading.tenant_pinned || o.reading.tenant.empty()) continue;
        // An organisation the config lists as yours is watched by you.
        if (input.owners && input.owners->Owns(*p, o.reading.tenant)) return;
        SourceLoc loc = OperandLoc(o.site.loc, *o.operand);
        sink.Report(loc, fmt::format("`{}` names {} `{}` only by name, which someone else can register after a delete "
                                     "or rename; {}",
                                     lint::ClaimDisplay(*o.site.test), p->tenant_noun, o.reading.tenant,
                                     p->immutable_advice));
        break;
      }
    }
  }
}

}  // namespace trustcheck::rules
