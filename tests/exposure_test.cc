// The exposure analysis (trustcheck/exposure.h): the rung each trust shape
// reaches, in the platform's words, and a witness that the evaluator
// accepts for every admission; "nobody" only with a proof.

#include "trustcheck/exposure.h"

#include <gtest/gtest.h>
#include <json/json.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

LoadedFile LoadOne(const std::string& path, const std::string& text) {
  LoadOptions options;
  options.malformed_is_error = false;
  auto file = LoadText(path, text, options);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? *file : LoadedFile();
}

std::string AwsRole(const std::string& provider, const std::string& conditions) {
  return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": ")" + provider +
         R"("}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": )" + conditions + "}]}";
}

const std::string kGitHub = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

// Every admission's witness is accepted: by the trust as written, or, when
// it assumes unknowns, by the trust with them assumed.
void ExpectWitnessesAccepted(const Trust& trust, const IssuerExposure& e) {
  std::vector<const Admission*> all;
  for (const Admission& a : e.widest) all.push_back(&a);
  if (e.unreviewed) all.push_back(&*e.unreviewed);
  Trust assumed = AssumeUnknowns(trust);
  for (const Admission* a : all) {
    ASSERT_TRUE(a->witness);
    EvalOptions options;
    options.now = kNow;
    const Trust& judge = a->assumptions.empty() ? trust : assumed;
    Decision d = Evaluate(judge, Claims(*a->witness), options);
    EXPECT_TRUE(d.accepted) << a->who << ": " << Json::FastWriter().write(*a->witness);
  }
}

struct Case {
  std::string name;
  std::string path;  // decides the format
  std::string text;
  Reach reach;
  std::string who;  // of the first admission at `reach`; "" for kNobody
  bool unreviewed = false;
  bool assumes = false;
};

class ExposureCases : public ::testing::TestWithParam<Case> {};

TEST_P(ExposureCases, reaches_the_rung_with_an_accepted_witness) {
  const Case& c = GetParam();
  LoadedFile file = LoadOne(c.path, c.text);
  ASSERT_EQ(file.trusts.size(), 1u);
  const Trust& trust = file.trusts.front();
  ExposureOptions options;
  options.now = kNow;
  Exposure exposure = AnalyseExposure(trust, options);
  ASSERT_EQ(exposure.issuers.size(), 1u);
  const IssuerExposure& e = exposure.issuers.front();
  EXPECT_EQ(ReachName(e.reach), std::string(ReachName(c.reach)));
  EXPECT_EQ(e.unreviewed.has_value(), c.unreviewed);
  if (c.reach == Reach::kNobody) {
    EXPECT_FALSE(e.nobody_reason.empty());
    EXPECT_TRUE(e.widest.empty());
    return;
  }
  ASSERT_FALSE(e.widest.empty());
  EXPECT_EQ(e.widest.front().who, c.who);
  EXPECT_EQ(!e.widest.front().assumptions.empty(), c.assumes);
  ExpectWitnessesAccepted(trust, e);
}

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      {"aud_only_github", "a.json", AwsRole(kGitHub, R"({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})"),
       Reach::kAnyone, "any repository of any GitHub organisation", true},
      {"repo_star", "a.json", AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}})"),
       Reach::kAnyone, "any repository of any GitHub organisation", true},
      {"owner_prefix", "a.json", AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme*"}})"),
       Reach::kAnyone, "any repository of any GitHub organisation whose name starts with `acme`", true},
      {"repo_of_any_owner", "a.json",
       AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*/infra:ref:refs/heads/main"}})"),
       Reach::kAnyTenant, "repository `infra` of any GitHub organisation"},
      {"organisation", "a.json", AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}})"),
       Reach::kAnyResource, "any repository of organisation `acme`", true},
      {"any_branch", "a.json",
       AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/*"}})"),
       Reach::kAnyRun, "any branch of `acme/app`"},
      {"pinned_branch", "a.json",
       AwsRole(kGitHub, R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}})"),
       Reach::kPinned, "`acme/app`"},
      {"pull_requests", "a.json",
       AwsRole(kGitHub, R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:pull_request"}})"),
       Reach::kPinned, "`acme/app`", true},
      {"immutable", "a.json",
       AwsRole(kGitHub,
               R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme@123/app@456:ref:refs/heads/main"}})"),
       Reach::kPinned, "`acme/app`"},
      {"custom_subject", "a.json",
       AwsRole(kGitHub, R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "workflow:deploy"}})"),
       Reach::kAnyone, "any repository of any GitHub organisation", true},
      {"no_such_subject", "a.json",
       AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:IaC*"}})"), Reach::kNobody,
       ""},
      {"placeholder_account", "a.json",
       AwsRole("arn:aws:iam::YOUR_ACCOUNT_ID:oidc-provider/gitlab.com", R"({"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}})"),
       Reach::kAnyone, "any project of any GitLab.com group", true, true},
      {"placeholder_organisation", "a.json",
       AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${GITHUB_ORG}/*"}})"),
       Reach::kAnyResource, "any repository of organisation `${GITHUB_ORG}`", true, true},
      {"shell_variable_organisation", "a.json",
       AwsRole(kGitHub, R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:$GITHUB_ORG/*"}})"),
       Reach::kAnyResource, "any repository of organisation `$GITHUB_ORG`", true, true},
      {"stacks", "a.json",
       AwsRole("arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
               R"({"StringLike": {"app.terraform.io:sub": "organization:*:project:*:stack:*:deployment:*:operation:*"}})"),
       Reach::kAnyone, "any Stack of any HCP Terraform organisation"},
      {"terraform_organisation", "a.json",
       AwsRole("arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
               R"({"StringLike": {"app.terraform.io:sub": "organization:acme:project:*:workspace:*:run_phase:*"}})"),
       Reach::kAnyResource, "any workspace of organisation `acme`"},
      {"eks_namespace", "a.json",
       AwsRole("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
               R"({"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:payments:*"}})"),
       Reach::kAnyResource, "any service account of namespace `payments`"},
      {"eks_aud_only", "a.json",
       AwsRole("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
               R"({"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}})"),
       Reach::kAnyone, "any service account of any namespace of this cluster"},
      {"google_sub_without_audience", "a.json",
       AwsRole("accounts.google.com", R"({"StringEquals": {"accounts.google.com:sub": "110837281234567890123"}})"),
       Reach::kAnyTenant, "the ID tokens of Google account `110837281234567890123` minted for any OAuth client"},
      {"gcp_owner_condition", "p.yaml",
       "name: projects/1/locations/global/workloadIdentityPools/ci/providers/gh\n"
       "attributeMapping:\n  google.subject: assertion.sub\n"
       "attributeCondition: assertion.repository_owner == 'acme'\n"
       "oidc:\n  issuerUri: https://token.actions.githubusercontent.com\n",
       Reach::kAnyResource, "any repository of organisation `acme`", true},
      {"entra_flexible_pull_request", "c.json",
       R"({"name": "c", "issuer": "https://token.actions.githubusercontent.com", "subject": null,
           "audiences": ["api://AzureADTokenExchange"],
           "claimsMatchingExpression": {"value": "claims['sub'] eq 'repo:acme/app:pull_request'", "languageVersion": 1}})",
       Reach::kPinned, "`acme/app`", true},
  };
  return kCases;
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExposureCases, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

// A template placeholder never lets a token in under eval, whatever the
// token says: the trust is undecided until the value is filled in.
TEST(Exposure, PlaceholdersAreUnknownsForEval) {
  for (const char* value : {"repo:${GITHUB_ORG}/app:*", "repo:$GITHUB_ORG/app:*", "repo:<ORG>/app:*",
                            "repo:{{ org }}/app:*", "repo:%s/app:*"}) {
    SCOPED_TRACE(value);
    LoadedFile file = LoadOne("p.json", AwsRole(kGitHub, std::string(R"({"StringLike": {"token.actions.githubusercontent.com:sub": ")") +
                                                             value + "\"}}"));
    ASSERT_EQ(file.trusts.size(), 1u);
    std::string org = std::string(value).substr(5, std::string(value).find("/app") - 5);
    Json::Value claims(Json::objectValue);
    claims["iss"] = "https://token.actions.githubusercontent.com";
    claims["sub"] = "repo:" + org + "/app:ref:refs/heads/main";
    claims["exp"] = Json::Int64(kNow + 60);
    EvalOptions options;
    options.now = kNow;
    EXPECT_EQ(Decide(file.trusts.front(), Claims(claims), options), Tri::kUnknown);
    // Assumed to be the deployer's own value, the symbol is that value.
    EXPECT_EQ(Decide(AssumeUnknowns(file.trusts.front()), Claims(claims), options), Tri::kTrue);
  }
}

// A Deny that excludes every repository but one pins the Allow it covers.
TEST(Exposure, DenyStatementsNarrowTheAllow) {
  std::string text = R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Federated": ")" + kGitHub + R"("}, "Action": "sts:AssumeRoleWithWebIdentity"},
    {"Effect": "Deny", "Principal": {"Federated": ")" + kGitHub + R"("}, "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}]})";
  LoadedFile file = LoadOne("d.json", text);
  ASSERT_EQ(file.trusts.size(), 1u);
  ExposureOptions options;
  options.now = kNow;
  Exposure e = AnalyseStatementExposure(file.trusts.front(), 0, options);
  ASSERT_EQ(e.issuers.size(), 1u);
  EXPECT_EQ(e.issuers.front().reach, Reach::kPinned);
}

// An unknown that nothing assumes (a number left to a template) leaves the
// trust undecided: no rung is claimed, and no "nobody" either.
TEST(Exposure, UnassumableUnknownsAreUndecided) {
  LoadedFile file = LoadOne("u.yaml", R"(
Parameters:
  Attempts:
    Type: String
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              NumericLessThan:
                token.actions.githubusercontent.com:run_attempt: !Ref Attempts
)");
  ASSERT_EQ(file.trusts.size(), 1u);
  ExposureOptions options;
  options.now = kNow;
  Exposure e = AnalyseExposure(file.trusts.front(), options);
  ASSERT_EQ(e.issuers.size(), 1u);
  EXPECT_TRUE(e.issuers.front().undecided);
  EXPECT_TRUE(e.issuers.front().nobody_reason.empty());
}

// Every admission of every trust the corpus bundles has an accepted witness.
TEST(Exposure, EveryCorpusWitnessIsAccepted) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  for (const char* folder : {"corpus/aws", "corpus/azure", "corpus/cloudformation", "corpus/gcp", "corpus/terraform",
                             "corpus/vault", "corpus/lint"})
    paths.push_back(std::string(TRUSTCHECK_SOURCE_DIR) + "/" + folder);
  LoadOptions load;
  load.malformed_is_error = false;
  auto loaded = LoadPaths(paths, load);
  ASSERT_TRUE(loaded.ok());
  ExposureOptions options;
  options.now = kNow;
  size_t admissions = 0;
  for (const LoadedFile& f : loaded->files)
    for (const Trust& t : f.trusts)
      for (size_t i = 0; i < t.statements.size(); ++i)
        for (const IssuerExposure& e : AnalyseStatementExposure(t, i, options).issuers) {
          SCOPED_TRACE(f.path + " " + t.name);
          // The witness is checked against the statement with the trust's
          // Deny statements, which is what it was found for.
          Trust one = t;
          one.statements.clear();
          for (size_t k = 0; k < t.statements.size(); ++k)
            if (k == i || t.statements[k].effect == Effect::kDeny) one.statements.push_back(t.statements[k]);
          ExpectWitnessesAccepted(one, e);
          admissions += e.widest.size();
        }
  EXPECT_GT(admissions, 50u);
}

}  // namespace
}  // namespace trustcheck
