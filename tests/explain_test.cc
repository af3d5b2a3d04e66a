// The evaluator's words (engine/src/explain.cc): DescribeTest names a test as
// `eval` does, and each recorded TestFailure reads as its own sentence.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

void CollectTests(const Node& node, std::vector<const Test*>* out) {
  if (node.kind == Node::Kind::kTest) out->push_back(node.test.get());
  for (const Node& c : node.children) CollectTests(c, out);
}

// DescribeTest of every test of the one trust in `text`, in tree order.
std::vector<std::string> Described(const std::string& path, const std::string& text) {
  auto file = LoadText(path, text, {});
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  std::vector<std::string> out;
  if (!file.ok() || file->trusts.empty()) return out;
  std::vector<const Test*> tests;
  for (const Statement& s : file->trusts[0].statements) CollectTests(s.when, &tests);
  for (const Test* t : tests) out.push_back(DescribeTest(*t));
  return out;
}

TEST(DescribeTest, NamesEachTestInItsPlatformsWords) {
  // GitHub's documented role trust policy.
  EXPECT_EQ(Described("role.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"}}}]})"),
            (std::vector<std::string>{
                "principal (Federated)",
                "action (Action)",
                "condition `StringEquals` on `token.actions.githubusercontent.com:aud`",
                "condition `StringLike` on `token.actions.githubusercontent.com:sub`",
            }));
  // Vault's documented GitHub Actions role.
  EXPECT_EQ(Described("vault-role.json", R"({"role_type": "jwt", "user_claim": "actor",
      "bound_audiences": ["https://github.com/octo-org"], "bound_subject": "repo:octo-org/octo-repo:environment:prod"})"),
            (std::vector<std::string>{
                "registered claim (JSON type)",
                "registered claim (JSON type)",
                "registered claim (JSON type)",
                "registered claim (JSON type)",
                "subject (bound_subject)",
                "audience (bound_audiences)",
                "user claim (user_claim)",
            }));
}

// Every kind of failure the evaluator records, through Evaluate, with the
// sentence it reads as.
TEST(DescribeTestFailure, EachRecordedFailureHasItsSentence) {
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"},
                    "Null": {"token.actions.githubusercontent.com:environment": "false"}}}]})";
  auto file = LoadText("role.json", policy, {});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  struct Case {
    std::string name;
    std::string claims;
    std::string reason;  // a substring of the first reason
  };
  const std::vector<Case> cases = {
      {"value fails", R"({"sub": "repo:other/x:ref:refs/heads/main", "environment": "prod"})",
       "condition `StringLike` on `token.actions.githubusercontent.com:sub` expects `repo:octo-org/*`; token `sub` is "
       "`repo:other/x:ref:refs/heads/main`"},
      {"absent", R"({"environment": "prod"})",
       "condition `StringLike` on `token.actions.githubusercontent.com:sub` expects `repo:octo-org/*`; the token has "
       "no `sub`"},
      {"not single", R"({"sub": ["repo:octo-org/a", "repo:octo-org/b"], "environment": "prod"})",
       "reads a single value, but token `sub` holds several"},
      {"must be present", R"({"sub": "repo:octo-org/a"})",
       "condition `Null` on `token.actions.githubusercontent.com:environment` expects the key to be present (`false`); "
       "the token does not set it"},
  };
  for (const Case& c : cases) {
    Json::Value claims = testing::ParseJsonText(R"({"iss": "https://token.actions.githubusercontent.com",
        "aud": "sts.amazonaws.com", "exp": 2000000000})");
    Json::Value extra = testing::ParseJsonText(c.claims);
    for (const std::string& k : extra.getMemberNames()) claims[k] = extra[k];
    Decision d = Evaluate(file->trusts[0], Claims(claims), {1700000000});
    ASSERT_FALSE(d.accepted) << c.name;
    ASSERT_FALSE(d.reasons.empty()) << c.name;
    EXPECT_NE(d.reasons[0].message.find(c.reason), std::string::npos) << c.name << ": " << d.reasons[0].message;
  }
}

}  // namespace
}  // namespace trustcheck
