// Tests for the analysis (trustcheck/analysis.h): pairs of trusts with known
// answers, both directions. Every witness is checked here again with
// Evaluate(): accepted by the side that should accept it, refused by the
// other. Equivalent rewrites must come out as PROVED "no", not undecided.

#include "trustcheck/analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <json/json.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/glob_space.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

Trust Load(const std::string& path, const std::string& text) {
  LoadOptions options;
  auto file = LoadText(path, text, options);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok() || file->trusts.empty()) return Trust();
  return file->trusts.front();
}

// A GitHub Actions trust policy with these statements (JSON text each).
std::string Policy(const std::vector<std::string>& statements) {
  std::string out = R"({"Version": "2012-10-17", "Statement": [)";
  for (size_t i = 0; i < statements.size(); ++i) out += (i ? "," : "") + statements[i];
  return out + "]}";
}

// One condition: operator, GitHub claim (`sub`, `aud`), values as JSON text.
struct Cond {
  std::string op;
  std::string claim;
  std::string values;
};

// Conditions grouped per operator, as IAM expects (a repeated operator key
// would be a duplicate JSON key, where the last one wins).
std::string Conditions(const std::vector<Cond>& conds) {
  std::vector<std::string> ops;
  for (const Cond& c : conds)
    if (std::find(ops.begin(), ops.end(), c.op) == ops.end()) ops.push_back(c.op);
  std::string out;
  for (const std::string& op : ops) {
    std::string block;
    for (const Cond& c : conds)
      if (c.op == op)
        block += (block.empty() ? "" : ", ") + ("\"token.actions.githubusercontent.com:" + c.claim + "\": " + c.values);
    out += (out.empty() ? "" : ", ") + ("\"" + op + "\": {" + block + "}");
  }
  return out;
}

std::string GitHubStatement(const std::vector<Cond>& conds, const std::string& effect = "Allow") {
  return R"({"Effect": ")" + effect + R"(", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
             "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {)" +
         Conditions(conds) + "}}";
}

const Cond kAud{"StringEquals", "aud", R"("sts.amazonaws.com")"};

Cond Sub(const std::string& op, const std::string& values) { return {op, "sub", values}; }

struct PairCase {
  const char* name;
  std::string old_policy;
  std::string new_policy;
  Answer widened;
  Answer narrowed;
  // When non-empty: the `sub` the widening witness must carry.
  std::string widened_sub = "";
};

std::vector<PairCase> AwsCases() {
  const std::string main_branch = R"("repo:acme/app:ref:refs/heads/main")";
  auto one = [](std::vector<Cond> conds) { return Policy({GitHubStatement(conds)}); };
  return {
      {"wildcard_after_repo", one({kAud, Sub("StringEquals", main_branch)}),
       one({kAud, Sub("StringLike", R"("repo:acme/app:*")")}), Answer::kYes, Answer::kNo,
       "repo:acme/app:ref:refs/heads/x"},
      {"wildcard_over_repositories", one({kAud, Sub("StringLike", R"("repo:acme/app:*")")}),
       one({kAud, Sub("StringLike", R"("repo:acme/*")")}), Answer::kYes, Answer::kNo,
       "repo:acme/x:ref:refs/heads/main"},
      {"removed_sub_condition", one({kAud, Sub("StringLike", R"("repo:acme/app:*")")}), one({kAud}), Answer::kYes,
       Answer::kNo, "repo:acme/x:ref:refs/heads/main"},
      {"added_value", one({kAud, Sub("StringEquals", main_branch)}),
       one({kAud, Sub("StringEquals", R"(["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"])")}),
       Answer::kYes, Answer::kNo, "repo:acme/app:environment:prod"},
      {"removed_deny",
       Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/*")")}),
               GitHubStatement({Sub("StringLike", R"("repo:acme/sandbox:*")")}, "Deny")}),
       one({kAud, Sub("StringLike", R"("repo:acme/*")")}), Answer::kYes, Answer::kNo,
       "repo:acme/sandbox:ref:refs/heads/main"},
      {"narrowed_to_one_branch", one({kAud, Sub("StringLike", R"("repo:acme/app:*")")}),
       one({kAud, Sub("StringEquals", main_branch)}), Answer::kNo, Answer::kYes},
      {"like_without_wildcards_is_equals", one({kAud, Sub("StringEquals", main_branch)}),
       one({kAud, Sub("StringLike", main_branch)}), Answer::kNo, Answer::kNo},
      {"value_reordering", one({kAud, Sub("StringLike", R"(["repo:acme/a:*", "repo:acme/b:*"])")}),
       one({kAud, Sub("StringLike", R"(["repo:acme/b:*", "repo:acme/a:*"])")}), Answer::kNo, Answer::kNo},
      {"statement_reordering",
       Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/a:*")")}),
               GitHubStatement({Sub("StringLike", R"("repo:acme/a:pull_request")")}, "Deny")}),
       Policy({GitHubStatement({Sub("StringLike", R"("repo:acme/a:pull_request")")}, "Deny"),
               GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/a:*")")})}),
       Answer::kNo, Answer::kNo},
      {"split_into_two_statements", one({kAud, Sub("StringLike", R"(["repo:acme/a:*", "repo:acme/b:*"])")}),
       Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/a:*")")}),
               GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/b:*")")})}),
       Answer::kNo, Answer::kNo},
      {"case_folding_dropped", one({kAud, Sub("StringEqualsIgnoreCase", main_branch)}),
       one({kAud, Sub("StringEquals", main_branch)}), Answer::kNo, Answer::kYes},
      {"redundant_wildcard_value", one({kAud, Sub("StringLike", R"("repo:acme/*")")}),
       one({kAud, Sub("StringLike", R"(["repo:acme/*", "repo:acme/app:*"])")}), Answer::kNo, Answer::kNo},
      {"audience_dropped", one({kAud, Sub("StringLike", R"("repo:acme/*")")}),
       one({Sub("StringLike", R"("repo:acme/*")")}), Answer::kYes, Answer::kNo},
      {"negated_condition_removed",
       one({kAud, Sub("StringLike", R"("repo:acme/*")"), Sub("StringNotLike", R"("repo:acme/*:pull_request")")}),
       one({kAud, Sub("StringLike", R"("repo:acme/*")")}), Answer::kYes, Answer::kNo, "repo:acme/x:pull_request"},
      {"if_exists_makes_the_claim_optional", one({kAud, Sub("StringLike", R"("repo:acme/*")")}),
       one({kAud, Sub("StringLikeIfExists", R"("repo:acme/*")")}), Answer::kYes, Answer::kNo},
  };
}

void PrintTo(const PairCase& c, std::ostream* os) { *os << c.name; }

std::string Describe(const Separation& s) {
  std::string out = AnswerName(s.answer);
  for (const std::string& l : s.limits) out += "\n  limit: " + l;
  for (const Witness& w : s.witnesses) out += "\n  witness: " + w.claims->toStyledString();
  return out;
}

class AwsPairs : public ::testing::TestWithParam<PairCase> {};

void ExpectWitness(const Separation& s, const Trust* accepting, const Trust* refusing) {
  ASSERT_FALSE(s.witnesses.empty());
  EvalOptions eo;
  eo.now = kNow;
  for (const Witness& w : s.witnesses) {
    Claims claims(*w.claims);
    if (accepting) EXPECT_TRUE(Evaluate(*accepting, claims, eo).accepted) << w.claims->toStyledString();
    if (refusing) EXPECT_FALSE(Evaluate(*refusing, claims, eo).accepted) << w.claims->toStyledString();
  }
}

TEST_P(AwsPairs, ClassifiesBothDirections) {
  const PairCase& c = GetParam();
  Trust old_trust = Load("old.json", c.old_policy);
  Trust new_trust = Load("new.json", c.new_policy);
  AnalysisOptions options;
  options.now = kNow;
  TrustChange change = CompareTrusts(&old_trust, &new_trust, options);
  EXPECT_EQ(AnswerName(change.widened.answer), std::string(AnswerName(c.widened)))
      << Describe(change.widened);
  EXPECT_EQ(AnswerName(change.narrowed.answer), std::string(AnswerName(c.narrowed)))
      << Describe(change.narrowed);
  if (change.widened.answer == Answer::kYes) {
    ExpectWitness(change.widened, &new_trust, &old_trust);
    if (!c.widened_sub.empty())
      EXPECT_EQ((*change.widened.witnesses.front().claims)["sub"].asString(), c.widened_sub)
          << change.widened.witnesses.front().claims->toStyledString();
  }
  if (change.narrowed.answer == Answer::kYes) ExpectWitness(change.narrowed, &old_trust, &new_trust);
}

INSTANTIATE_TEST_SUITE_P(Analysis, AwsPairs, ::testing::ValuesIn(AwsCases()),
                         [](const ::testing::TestParamInfo<PairCase>& info) { return info.param.name; });

}  // namespace
}  // namespace trustcheck
