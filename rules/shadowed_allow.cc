// TC021: an Allow statement another Allow statement already covers.
//
// For each pair of Allow statements the analysis decides whether one
// applies to a token (for some required action) that the other does not;
// "no" is a proof that the second covers the first. Of two equivalent
// statements only the later one is reported.

#include "rules/shadowed_allow.h"

#include <fmt/format.h>

#include "trustcheck/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& ShadowedAllow::info() const {
  static const lint::RuleInfo kInfo{
      "TC021",
      "shadowed-allow",
      lint::Severity::kLow,
      "An Allow statement adds nothing: another Allow statement already admits every token it admits",
      "Allow statements are alternatives: a token gets in when any of them applies. A statement whose tokens "
      "all pass another statement anyway is dead weight, and often a sign of a misunderstanding: a narrow "
      "statement (`repo:acme/app:ref:refs/heads/main`) added next to a broad one (`repo:acme/*`) restricts "
      "nothing. Reviewers read the narrow one and believe the role is pinned to one branch.\n\n"
      "trustcheck proves the coverage with its analysis (every claim value is covered by the classes of the "
      "patterns on it); undecidable cases are not reported. Remove the covered statement, or narrow the one "
      "that covers it if the narrow statement was the intent.",
      {{"AWS: the second statement is inside the first", "json",
        R"({"Statement": [
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}},
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}
]})"}},
      {{"AWS: statements that admit different tokens", "json",
        R"({"Statement": [
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}},
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/web:ref:refs/heads/main"}}}
]})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"}};
  return kInfo;
}

namespace {

std::string StatementLabel(const Statement& s, size_t index) {
  return s.sid.empty() ? fmt::format("#{}", index + 1) : fmt::format("`{}`", s.sid);
}

// Beyond this many Allow statements the pairwise check is skipped (it is
// quadratic; real trust policies have a handful).
constexpr size_t kMaxStatements = 32;

}  // namespace

void ShadowedAllow::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  AnalysisOptions options;
  std::vector<size_t> allows;
  for (size_t i = 0; i < trust.statements.size(); ++i)
    if (trust.statements[i].effect == Effect::kAllow && StatementCanApply(trust, i, options) == Answer::kYes)
      allows.push_back(i);
  if (allows.size() < 2 || allows.size() > kMaxStatements) return;
  // covered[a][b]: statement allows[a] applies only where allows[b] does.
  std::vector<std::vector<bool>> covered(allows.size(), std::vector<bool>(allows.size(), false));
  for (size_t a = 0; a < allows.size(); ++a)
    for (size_t b = 0; b < allows.size(); ++b)
      if (a != b) covered[a][b] = StatementEscapes(trust, allows[a], allows[b], options) == Answer::kNo;
  for (size_t a = 0; a < allows.size(); ++a) {
    for (size_t b = 0; b < allows.size(); ++b) {
      if (a == b || !covered[a][b]) continue;
      if (covered[b][a] && b > a) continue;  // equivalent: report the later one
      const Statement& inner = trust.statements[allows[a]];
      const Statement& outer = trust.statements[allows[b]];
      sink.Report(inner.loc, fmt::format("statement {} adds nothing: statement {} already allows every token it allows",
                                         StatementLabel(inner, allows[a]), StatementLabel(outer, allows[b])));
      break;
    }
  }
}

}  // namespace trustcheck::rules
