// TC026: a statement no token of its issuer gets through, with the reason.

#include "rules/trust_admits_nobody.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& TrustAdmitsNobody::info() const {
  static const lint::RuleInfo kInfo{
      "TC026",
      "trust-admits-nobody",
      lint::Severity::kMedium,
      "No token the trusted issuer can issue gets through the statement: the trust is broken",
      "The statement names an issuer, but none of the tokens that issuer mints can satisfy it: a subject pattern "
      "no subject of the platform's grammar matches (`repo:acme/app:IaC*`: GitHub subjects go on with `:ref:`, "
      "`:environment:` or `:pull_request`), a condition key that IAM never sets because it is an unexpanded shell "
      "variable (`$oidc_provider:sub`), or conditions that exclude each other. Deployments then fail with an "
      "access denied, and the fix made under pressure tends to be a wider trust.\n\n"
      "The finding is a proof, not a guess: the analysis shows that no token whose subject has a form the issuer "
      "issues is accepted, and says which value or condition stops them. Statements that never apply for a "
      "reason the lowering already knows (an IAM user as principal, a SAML provider) are TC020's.",
      {{"AWS: a subject no GitHub run has", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:IaC*"}})"},
       {"AWS: an unexpanded shell variable as the key", "json",
        R"({"StringEquals": {"$oidc_provider:sub": "system:serviceaccount:default:app"}})"}},
      {{"AWS: a branch subject", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/iac-*"}})"}},
      {"https://docs.github.com/en/actions/reference/security/oidc",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html"}};
  return kInfo;
}

namespace {

// A conjunct the lowering already knows is false (TC020's), or a malformed
// part (TC018's).
bool KnownFalse(const Node& n) {
  if (n.kind == Node::Kind::kConst) return !n.value;
  if (n.kind == Node::Kind::kAnd) return std::any_of(n.children.begin(), n.children.end(), KnownFalse);
  if (n.kind == Node::Kind::kOr)
    return !n.children.empty() && std::all_of(n.children.begin(), n.children.end(), KnownFalse);
  return false;
}

bool HasUnknown(const Node& n) {
  if (n.kind == Node::Kind::kUnknown) return true;
  return std::any_of(n.children.begin(), n.children.end(), HasUnknown);
}

}  // namespace

void TrustAdmitsNobody::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                      const IssuerExposure& exposure, lint::FindingSink& sink) const {
  if (exposure.reach != Reach::kNobody || exposure.undecided || exposure.nobody_reason.empty()) return;
  const lint::AcceptedIssuer& issuer = exposure.issuer;
  if (issuer.issuer.empty() && !issuer.profile) return;  // not a web-identity statement
  const Statement& st = trust.statements[statement];
  // Dead because of a value left unknown (a placeholder key prefix) is no
  // proof: TC024 reports what could not be verified.
  if (KnownFalse(st.when) || HasUnknown(st.when)) return;
  for (const LoweringNote& n : trust.notes)
    if (n.kind == LoweringNote::Kind::kMalformed) return;
  std::string platform = issuer.profile && !issuer.guessed ? issuer.profile->platform
                                                            : fmt::format("`{}`", issuer.issuer);
  sink.Report(lint::StatementLoc(trust, st, issuer),
              fmt::format("no token of {} can {}: {}", platform, lint::AccessPhrase(trust), exposure.nobody_reason));
}

}  // namespace trustcheck::rules
