// TC022: a Deny statement that never changes a decision.
//
// The analysis compares the trust with and without the Deny: when no token
// is accepted without it that is refused with it, the Deny is proved
// useless, either because nothing matches it or because everything it
// matches is refused anyway.

#include "rules/deny_never_applies.h"

#include <fmt/format.h>

#include "trustcheck/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& DenyNeverApplies::info() const {
  static const lint::RuleInfo kInfo{
      "TC022",
      "deny-never-applies",
      lint::Severity::kMedium,
      "A Deny statement never changes a decision: nothing matches it, or everything it matches is refused anyway",
      "A Deny is written to keep someone out. When no token can match it (a condition on a key the provider "
      "never sends, a pattern no subject has) or when every token it matches is already refused by the Allow "
      "statements, it keeps nobody out, and the people who read the policy believe a guard is in place that is "
      "not. If the Deny was meant to cut an exception out of a broad Allow, the exception is still open.\n\n"
      "trustcheck proves it with its analysis: the trust with and without the Deny accepts exactly the same "
      "tokens. Undecidable cases are not reported.",
      {{"AWS: a Deny on a claim GitHub tokens do not carry as a condition key", "json",
        R"({"Statement": [
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}},
  {"Effect": "Deny", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringEquals": {"token.actions.githubusercontent.com:event_name": "pull_request"}}}
]})"}},
      {{"AWS: a Deny that cuts pull requests out of the Allow", "json",
        R"({"Statement": [
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}},
  {"Effect": "Deny", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*:pull_request"}}}
]})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html"}};
  return kInfo;
}

namespace {

std::string StatementLabel(const Statement& s, size_t index) {
  return s.sid.empty() ? fmt::format("#{}", index + 1) : fmt::format("`{}`", s.sid);
}

}  // namespace

void DenyNeverApplies::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  AnalysisOptions options;
  for (size_t i = 0; i < trust.statements.size(); ++i) {
    const Statement& st = trust.statements[i];
    if (st.effect != Effect::kDeny) continue;
    Trust without = WithoutStatement(trust, i);
    Separation s = Separate(Acceptor::WholeTrust(without), Acceptor::WholeTrust(trust), options);
    if (s.answer != Answer::kNo) continue;
    if (StatementCanApply(trust, i, options) == Answer::kNo)
      sink.Report(st.loc, fmt::format("deny statement {} never applies: no token matches it, so it keeps nobody out",
                                      StatementLabel(st, i)));
    else
      sink.Report(st.loc, fmt::format("deny statement {} never changes a decision: every token it matches is refused "
                                      "by the Allow statements anyway",
                                      StatementLabel(st, i)));
  }
}

}  // namespace trustcheck::rules
