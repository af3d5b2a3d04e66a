// TC024: values the lowering could not resolve (recorded as kUnresolved notes).

#include "rules/unverified_value.h"

#include <fmt/format.h>

#include <set>
#include <utility>

namespace trustcheck::rules {

const lint::RuleInfo& UnverifiedValue::info() const {
  static const lint::RuleInfo kInfo{
      "TC024",
      "unverified-value",
      lint::Severity::kLow,
      "A value of the trust is only known at deployment, so what depends on it could not be verified",
      "Trusts are checked where they are written: a CloudFormation template, a Terraform plan, a policy kept as a "
      "template. Some of their values are only chosen later: a parameter without a default, a pseudo parameter "
      "such as `AWS::Region`, an export of another stack, an attribute Terraform computes at apply, a "
      "`${AWS_ACCOUNT_ID}` placeholder. trustcheck does not guess them. A condition on such a value is checked as "
      "far as its known part allows (a subject `repo:${Org}/app:ref:refs/heads/main` still refuses other "
      "branches), `eval` never accepts a token because of it, and this rule says which values the other rules "
      "could not look at.\n\n"
      "Give the value in the source (a default, a literal), or check the deployed trust (`aws iam "
      "get-account-authorization-details`, the applied state) instead.",
      {{"CloudFormation: the organisation has no default", "yaml",
        R"(Parameters:
  GitHubOrg:
    Type: String
...
              StringLike:
                token.actions.githubusercontent.com:sub: !Sub repo:${GitHubOrg}/app:*)"}},
      {{"CloudFormation: a default that a deployment may still override", "yaml",
        R"(Parameters:
  GitHubOrg:
    Type: String
    Default: acme
...
              StringLike:
                token.actions.githubusercontent.com:sub: !Sub repo:${GitHubOrg}/app:*)"}},
      {"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html",
       "https://developer.hashicorp.com/terraform/internals/json-format"}};
  return kInfo;
}

void UnverifiedValue::Check(const lint::LintInput& input, lint::FindingSink& sink) const {
  TrustRule::Check(input, sink);
  for (const LoadedFile& file : *input.files)
    for (const LoweringNote& note : file.notes)
      if (note.kind == LoweringNote::Kind::kUnresolved)
        sink.Report(note.loc, fmt::format("{}; nothing it defines could be checked", note.message));
}

void UnverifiedValue::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  std::set<std::pair<std::string, std::string>> seen;
  for (const LoweringNote& note : trust.notes) {
    if (note.kind != LoweringNote::Kind::kUnresolved) continue;
    SourceLoc loc = note.loc.known() ? note.loc : trust.loc;
    if (!seen.insert({loc.ToString(), note.message}).second) continue;
    sink.Report(loc, fmt::format("{}; what depends on this value could not be verified, and no token is accepted "
                                 "because of it",
                                 note.message));
  }
}

}  // namespace trustcheck::rules
