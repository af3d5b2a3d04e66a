// TC003: say exactly what a wildcard inside the tenant admits.

#include "rules/wildcard_inside_tenant.h"

#include <fmt/format.h>

#include <map>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& WildcardInsideTenant::info() const {
  static const lint::RuleInfo kInfo{
      "TC003",
      "wildcard-inside-tenant",
      lint::Severity::kLow,
      "A subject pattern has a wildcard inside the tenant: any repository, project, branch or service account of it "
      "gets in",
      "`repo:acme/*` lets every repository of the organisation assume the role, including the ones created "
      "tomorrow by anyone allowed to create repositories; `repo:acme/app:*` lets every branch, tag, "
      "environment and pull request of one repository in. That can be intended, but it is rarely what a production "
      "role should accept: anyone who can push a branch can then deploy.\n\n"
      "The finding says exactly what is admitted. It is `medium` when the wildcard spans repositories, projects, "
      "workspaces or service accounts, `low` when it spans branches, tags, environments or run phases of one of "
      "them. Another exact condition that already names one repository (for example `repository_id`) silences the "
      "repository-level case.",
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

namespace {

bool SpansNamedThings(FieldLevel level) {
  return level == FieldLevel::kTenant || level == FieldLevel::kResource || level == FieldLevel::kResourceId;
}

}  // namespace

void WildcardInsideTenant::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const Statement& st : trust.statements) {
    if (st.effect != Effect::kAllow) continue;
    for (const lint::AcceptedIssuer& issuer : lint::StatementIssuers(trust, st)) {
      if (lint::TenantScope(trust, st, issuer) != lint::Scope::kPinned) continue;
      std::vector<lint::OperandReading> operands = lint::IdentifyingOperands(st, issuer);
      // Tests whose every value names one resource exactly.
      std::map<const Test*, bool> exact_resource;
      for (const lint::OperandReading& o : operands) {
        bool exact = !o.site.under_or && !o.reading.has_wildcard && o.reading.resource_pinned;
        auto [it, inserted] = exact_resource.emplace(o.site.test, exact);
        if (!inserted) it->second = it->second && exact;
      }
      for (const lint::OperandReading& o : operands) {
        const ClaimReading& r = o.reading;
        if (!r.has_wildcard || r.open_before_tenant || r.open_level == FieldLevel::kTenantId) continue;
        bool wide = SpansNamedThings(r.open_level);
        bool narrowed = false;
        for (const auto& [test, exact] : exact_resource)
          if (exact && test != o.site.test) narrowed = true;
        if (wide && narrowed) continue;
        SourceLoc loc = o.operand->loc.known() ? o.operand->loc : o.site.loc;
        sink.Report(loc,
                    fmt::format("{} can {}{} (`{}` matches `{}`)", r.admits, lint::AccessPhrase(trust),
                                lint::GuessNote(issuer), lint::ClaimDisplay(*o.site.test), o.operand->text),
                    wide ? lint::Severity::kMedium : lint::Severity::kLow);
      }
    }
  }
}

}  // namespace trustcheck::rules
