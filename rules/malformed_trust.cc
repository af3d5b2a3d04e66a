// TC018: grammar problems the platform refuses (recorded by the lowering).

#include "rules/malformed_trust.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& MalformedTrust::info() const {
  static const lint::RuleInfo kInfo{
      "TC018",
      "malformed-trust",
      lint::Severity::kMedium,
      "The trust is malformed: the platform refuses it, and the broken part never lets anyone in",
      "An unknown condition operator (`StringEqualz`), an `Effect` other than `Allow` or `Deny`, `NotPrincipal` "
      "or `Resource` in a role trust policy, a Federated principal that is not a provider ARN, a Vault role "
      "without a bound constraint or a credential with two audiences: IAM, Entra ID or Vault refuse to store such "
      "a trust, or reject every login through it. It is closed, not open, but it is not the trust the author "
      "meant, and the fix deployed under pressure is often wider.\n\n"
      "trustcheck evaluates the broken part as never matching (fail closed) and reports each problem here.",
      {{"AWS: a misspelled operator", "json",
        R"({"StringEqualz": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}})"},
       {"AWS: NotPrincipal in a trust policy", "json",
        R"({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"})"}},
      {{"AWS: a valid operator", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"}};
  return kInfo;
}

namespace {

const char* TrustNoun(const Trust& trust) {
  switch (trust.kind) {
    case TrustKind::kRole: return "trust policy";
    case TrustKind::kFederatedCredential: return "credential";
    case TrustKind::kJwtRole: return "role";
    case TrustKind::kProvider: return "provider";
    case TrustKind::kApplication: return "application";
  }
  return "trust";
}

}  // namespace

void MalformedTrust::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const LoweringNote& note : trust.notes) {
    if (note.kind != LoweringNote::Kind::kMalformed) continue;
    sink.Report(note.loc.known() ? note.loc : trust.loc,
                fmt::format("{}; {} refuses this {}, and trustcheck treats the broken part as never matching",
                            note.message, lint::PlatformDisplay(trust.platform), TrustNoun(trust)));
  }
}

}  // namespace trustcheck::rules
