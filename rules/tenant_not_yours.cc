// TC027: the tenant a trust admits, against the owners the config lists.

#include "rules/tenant_not_yours.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& TenantNotYours::info() const {
  static const lint::RuleInfo kInfo{
      "TC027",
      "tenant-not-yours",
      lint::Severity::kCritical,
      "The trust lets in an organisation, group or tenant that the config's `owners` does not list",
      "A subject pinned to one organisation is only safe if that organisation is yours. A typo (`acme-corp` for "
      "`acmecorp`), a fork's owner, an organisation that was renamed or deleted and registered again by someone "
      "else: the trust looks pinned, and a stranger gets in. When the config lists your tenants under `owners` "
      "(GitHub organisations by name or id, GitLab groups, HCP Terraform and Buildkite organisations, Entra "
      "tenant ids), the rule reports every trust whose admitted tenant is not one of them.\n\n"
      "The tenant is the one the exposure analysis finds in the token that gets in, whatever the platform or the "
      "format: a GitHub subject, a GCP condition on `repository_owner_id`, a Vault role bound to "
      "`namespace_path`. Without `owners` for a platform the rule says nothing for it.",
      {{"config: your organisation", "yaml", "owners:\n  github: [acme, \"1234567\"]"},
       {"AWS: a subject in someone else's organisation", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme-corp/app:ref:refs/heads/main"}})"}},
      {{"AWS: a subject in your organisation", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}})"}},
      {"https://docs.github.com/en/actions/reference/security/oidc",
       "https://unit42.paloaltonetworks.com/oidc-misconfigurations-in-ci-cd"}};
  return kInfo;
}

namespace {

// The tenant id in an Entra issuer (`https://login.microsoftonline.com/ID/v2.0`,
// `https://sts.windows.net/ID/`).
std::string EntraTenant(const std::string& issuer) {
  std::string norm = NormaliseIssuer(issuer);
  size_t host = norm.find("://");
  if (host == std::string::npos) return "";
  size_t slash = norm.find('/', host + 3);
  if (slash == std::string::npos) return "";
  size_t end = norm.find('/', slash + 1);
  return norm.substr(slash + 1, end == std::string::npos ? std::string::npos : end - slash - 1);
}

}  // namespace

void TenantNotYours::CheckExposure(const lint::LintInput& input, const LoadedFile&, const Trust& trust,
                                   size_t statement, const IssuerExposure& exposure, lint::FindingSink& sink) const {
  const IssuerProfile* p = exposure.issuer.profile;
  if (!input.owners || !p || exposure.issuer.guessed || !input.owners->Covers(*p)) return;
  const Statement& st = trust.statements[statement];
  const char* key = lint::Owners::KeyFor(*p);
  if (std::string_view(p->id) == "entra-id") {
    std::string tenant = EntraTenant(exposure.issuer.issuer);
    if (tenant.empty() || input.owners->Owns(*p, tenant) || exposure.reach == Reach::kNobody) return;
    sink.Report(lint::StatementLoc(trust, st, exposure.issuer),
                fmt::format("tenant `{}` is not one of yours (`owners.{}`), yet its tokens can {}", tenant, key,
                            lint::AccessPhrase(trust)));
    return;
  }
  if (exposure.reach < Reach::kPinned || exposure.reach > Reach::kAnyResource) return;
  for (const Admission& a : exposure.widest) {
    if (a.tenant.empty() || input.owners->Owns(*p, a.tenant)) continue;
    sink.Report(lint::AdmissionLoc(trust, st, exposure, a),
                fmt::format("{} {}`{}` is not one of yours (`owners.{}`), yet {} can {}{}{}", p->tenant_noun,
                            a.tenant_is_id ? "id " : "", a.tenant, key, a.who, lint::AccessPhrase(trust),
                            lint::CulpritNote(a), lint::AssumptionNote(a)),
                std::nullopt, lint::EvidenceOf(a));
    return;
  }
}

}  // namespace trustcheck::rules
