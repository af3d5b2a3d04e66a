// TC011: Google accounts and Cognito identity pools are pinned by `aud`.

#include "rules/builtin_provider_without_audience.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& BuiltinProviderWithoutAudience::info() const {
  static const lint::RuleInfo kInfo{
      "TC011",
      "builtin-provider-without-audience",
      lint::Severity::kCritical,
      "A trust on Google accounts, Cognito identity pools, Login with Amazon or Facebook does not pin the audience",
      "On these built-in providers the audience is the tenant: the OAuth client id (`accounts.google.com:aud`), "
      "the identity pool id (`cognito-identity.amazonaws.com:aud`) or the application id. Without an exact "
      "condition on it, any Google account of any OAuth client, or any identity of any Cognito identity pool in "
      "any account, can assume the role. IAM refuses to create such Cognito trusts today, but older roles and "
      "roles written through other paths still exist.\n\n"
      "A Cognito trust pinned to its pool but with no `amr` condition also lets the pool's guest identities in "
      "(when the pool allows them); that case is reported as `medium`.",
      {{"AWS: Google without an audience", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "accounts.google.com"},
  "Action": "sts:AssumeRoleWithWebIdentity"
})"},
       {"AWS: Cognito with a wildcard audience", "json",
        R"({"StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}})"}},
      {{"AWS: Cognito pinned to one identity pool", "json",
        R"({"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"},
 "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html",
       "https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html"}};
  return kInfo;
}

namespace {

// Cognito identity pools also hand out guest identities: `amr` holds
// `unauthenticated` for them, `authenticated` (and the login provider) for
// signed-in users. A trust meant for signed-in users must say so.
void CheckAuthenticated(const Trust& trust, const Statement& st, const lint::AcceptedIssuer& issuer,
                        lint::FindingSink& sink) {
  if (std::string_view(issuer.profile->id) != "cognito-identity") return;
  std::vector<lint::TestSite> tests;
  lint::CollectTests(st.when, &tests);
  for (const lint::TestSite& site : tests)
    if (!site.under_not && lint::ReadsClaim(*site.test, "amr") && lint::VisibleFor(site.test->ref, issuer)) return;
  sink.Report(lint::StatementLoc(trust, st, issuer),
              fmt::format("any identity of the pool, guest (unauthenticated) identities included, can {}: no "
                          "`amr` condition requires `authenticated`",
                          lint::AccessPhrase(trust)),
              lint::Severity::kMedium);
}

}  // namespace

void BuiltinProviderWithoutAudience::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                                   const IssuerExposure& exposure, lint::FindingSink& sink) const {
  const lint::AcceptedIssuer& issuer = exposure.issuer;
  const IssuerProfile* p = issuer.profile;
  if (!p || !p->audience_pins) return;
  const Statement& st = trust.statements[statement];
  if (exposure.reach == Reach::kAnyResource || exposure.reach == Reach::kAnyRun || exposure.reach == Reach::kPinned) {
    CheckAuthenticated(trust, st, issuer, sink);
    return;
  }
  if (exposure.reach < Reach::kAnyTenant || exposure.widest.empty()) return;
  const Admission& a = exposure.widest.front();
  if (a.own_resource && exposure.reach == Reach::kAnyTenant) {
    // One account or identity is named, but not the client: that
    // identity's tokens minted for any other application get in.
    sink.Report(lint::AdmissionLoc(trust, st, exposure, a),
                fmt::format("{} can {}: no exact condition on the audience pins your {}{}", a.who,
                            lint::AccessPhrase(trust), p->tenant_noun, lint::AssumptionNote(a)),
                lint::Severity::kMedium, lint::EvidenceOf(a));
    return;
  }
  if (a.operand && a.test->kind == MatchKind::kString && a.operand->pattern.has_wildcards() && lint::ReadsClaim(*a.test, "aud")) {
    sink.Report(lint::AdmissionLoc(trust, st, exposure, a),
                fmt::format("{} can {} (`{}` matches `{}`, so it does not pin your {}){}", p->everything,
                            lint::AccessPhrase(trust), lint::ClaimDisplay(*a.test), a.operand->text, p->tenant_noun,
                            lint::AssumptionNote(a)),
                std::nullopt, lint::EvidenceOf(a));
    return;
  }
  sink.Report(lint::StatementLoc(trust, st, issuer),
              fmt::format("{} can {}: no exact condition on the audience pins your {}{}", p->everything,
                          lint::AccessPhrase(trust), p->tenant_noun, lint::AssumptionNote(a)),
              std::nullopt, lint::EvidenceOf(a));
}

}  // namespace trustcheck::rules
