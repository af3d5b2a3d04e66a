// TC028: IAM's identity-provider controls for shared OIDC providers, checked
// before IAM checks them (trustcheck/aws_facts.h, ProviderControls()).
//
// What IAM requires, as its page says: a statement that trusts a recognised
// shared provider evaluates one of the provider's control keys with
// StringEquals, StringLike or StringEqualsIgnoreCase, and a value that does
// not consist only of wildcards. Where the page is silent the rule claims
// nothing: `...IfExists` and set-qualified forms of those operators count as
// evaluating the key, one scoping value in a list is enough, and a statement
// with a condition trustcheck could not read is not reported.

#include "rules/missing_identity_provider_controls.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "lint/analysis.h"
#include "trustcheck/aws_facts.h"
#include "trustcheck/wording.h"

namespace trustcheck::rules {

const lint::RuleInfo& MissingIdentityProviderControls::info() const {
  static const lint::RuleInfo kInfo{
      "TC028",
      "missing-identity-provider-controls",
      lint::Severity::kMedium,
      "IAM will refuse the next edit of this role: it trusts a shared OIDC provider without the claim check IAM "
      "requires",
      "For OIDC providers that many customers share (GitHub Actions, GitLab.com, HCP Terraform, Buildkite, Amazon "
      "Cognito and others), IAM requires every role trust policy that trusts them to evaluate a claim that names the "
      "customer: for GitHub `sub` or `job_workflow_ref`, for most others `sub`, for Cognito, Pulumi Cloud and Vercel "
      "`aud`. It checks this when a role is created and each time its trust policy is saved. A role created before "
      "the controls keeps working, so the gap shows up during the next unrelated change, often in an incident "
      "(`terraform apply` or a CloudFormation update fails with MalformedPolicyDocument).\n\n"
      "The condition must use `StringEquals`, `StringLike` or `StringEqualsIgnoreCase` and have a value that is not "
      "only wildcards. Add the claim check that says which of your repositories or projects may assume the role; "
      "the other rules say what the trust admits today.",
      {{"AWS: a GitHub trust that checks only the audience", "json",
        R"({"Effect": "Allow",
 "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}})"}},
      {{"AWS: the subject names the repository", "json",
        R"({"Effect": "Allow",
 "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
               "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc_secure-by-default.html"}};
  return kInfo;
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// True when the value says something: IAM's "not only wildcards".
bool Scopes(const Operand& operand) {
  if (!operand.segments.empty()) return true;  // a policy variable: not claimed
  const Pattern& p = operand.pattern;
  if (p.options().flavor == WildcardFlavor::kLiteral) return !p.text().empty() && p.text() != "*";
  for (const Pattern::Piece& piece : p.Pieces())
    if (piece.kind == Pattern::Piece::kLiteral && !piece.literal.empty()) return true;
  return false;
}

// True when `test` evaluates the condition key `key` the way the controls ask.
bool Evaluates(const Test& test, std::string_view key) {
  if (test.kind != MatchKind::kString || test.negated) return false;
  size_t colon = key.rfind(':');
  if (test.ref.issuer_prefix != Lower(key.substr(0, colon))) return false;
  if (!lint::ReadsClaim(test, Lower(key.substr(colon + 1)))) return false;
  return std::any_of(test.operands.begin(), test.operands.end(), Scopes);
}

bool HasUnknown(const Node& node) {
  if (node.kind == Node::Kind::kUnknown) return true;
  return std::any_of(node.children.begin(), node.children.end(), HasUnknown);
}

std::string KeyList(const std::vector<const char*>& keys) {
  return JoinCode(std::vector<std::string>(keys.begin(), keys.end()), "or");
}

}  // namespace

void MissingIdentityProviderControls::CheckTrust(const LoadedFile&, const Trust& trust,
                                                 lint::FindingSink& sink) const {
  if (trust.platform != Platform::kAws) return;
  for (size_t i = 0; i < trust.statements.size(); ++i) {
    const Statement& st = trust.statements[i];
    if (st.effect != Effect::kAllow) continue;
    std::vector<lint::TestSite> tests;
    lint::CollectTests(st.when, &tests);
    std::set<const aws::ProviderControl*> seen;
    for (const lint::AcceptedIssuer& issuer : lint::StatementIssuers(trust, st)) {
      if (issuer.from_condition_keys) continue;
      std::string_view provider = issuer.issuer;
      if (provider.rfind("https://", 0) == 0) provider.remove_prefix(8);
      const aws::ProviderControl* control = aws::FindProviderControl(provider);
      if (!control || !seen.insert(control).second) continue;
      bool met = std::any_of(tests.begin(), tests.end(), [&](const lint::TestSite& site) {
        return !site.under_not && std::any_of(control->keys.begin(), control->keys.end(),
                                              [&](const char* key) { return Evaluates(*site.test, key); });
      });
      if (met || HasUnknown(st.when)) continue;
      sink.Report(issuer.loc,
                  fmt::format("IAM will refuse to create this role or to save any edit of its trust policy: "
                              "statement #{} trusts the shared provider `{}` ({}) without checking {} "
                              "(StringEquals, StringLike or StringEqualsIgnoreCase, not only wildcards); an existing "
                              "role keeps working until then",
                              i + 1, control->provider, control->platform, KeyList(control->keys)));
    }
  }
}

}  // namespace trustcheck::rules
