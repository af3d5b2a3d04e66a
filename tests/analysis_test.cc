// Tests for the analysis (trustcheck/analysis.h): pairs of trusts with known
// answers, both directions. Every witness is checked here again with
// Evaluate(): accepted by the side that should accept it, refused by the
// other. Equivalent rewrites must come out as PROVED "no", not undecided.

#include "trustcheck/analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <json/json.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analysis/glob_space.h"
#include "analysis/space.h"
#include "test_support.h"
#include "trustcheck/pattern.h"
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
    if (accepting) {
      EXPECT_TRUE(Evaluate(*accepting, claims, eo).accepted) << w.claims->toStyledString();
    }
    if (refusing) {
      EXPECT_FALSE(Evaluate(*refusing, claims, eo).accepted) << w.claims->toStyledString();
    }
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
  for (const Separation* s : {&change.widened, &change.narrowed})
    for (const std::string& limit : s->limits) EXPECT_EQ(limit.rfind("internal", 0), std::string::npos) << limit;
  if (change.widened.answer == Answer::kYes) {
    ExpectWitness(change.widened, &new_trust, &old_trust);
    if (!c.widened_sub.empty()) {
      EXPECT_EQ((*change.widened.witnesses.front().claims)["sub"].asString(), c.widened_sub)
          << change.widened.witnesses.front().claims->toStyledString();
    }
  }
  if (change.narrowed.answer == Answer::kYes) ExpectWitness(change.narrowed, &old_trust, &new_trust);
}

INSTANTIATE_TEST_SUITE_P(Analysis, AwsPairs, ::testing::ValuesIn(AwsCases()),
                         [](const ::testing::TestParamInfo<PairCase>& info) { return info.param.name; });


// ---------------------------------------------------------------------------
// The same questions on other platforms and on the parts AWS tests rarely use.

struct TextPair {
  const char* name;
  const char* old_path;  // the file name decides nothing but messages
  std::string old_text;
  std::string new_text;
  Answer widened;
  Answer narrowed;
};

void PrintTo(const TextPair& c, std::ostream* os) { *os << c.name; }

std::string VaultRole(const std::string& fields) {
  return R"({"role_type": "jwt", "user_claim": "actor", "bound_audiences": ["https://github.com/acme"], )" + fields + "}";
}

std::string EntraCredential(const std::string& subject_or_expression) {
  return R"({"name": "deploy", "issuer": "https://token.actions.githubusercontent.com", "audiences": ["api://AzureADTokenExchange"], )" +
         subject_or_expression + "}";
}

std::string Flexible(const std::string& expression) {
  return EntraCredential(R"("subject": null, "claimsMatchingExpression": {"languageVersion": 1, "value": ")" +
                         expression + R"("})");
}

std::string AwsPolicyWith(const std::string& principal, const std::string& conditions) {
  return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": ")" + principal +
         R"("}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {)" + conditions + "}}]}";
}

std::vector<TextPair> OtherCases() {
  const std::string cognito = "cognito-identity.amazonaws.com";
  const std::string pool = R"("StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-2:pool"})";
  const std::string google = "accounts.google.com";
  return {
      {"vault_glob_widens", "role.json",
       VaultRole(R"("bound_claims_type": "string", "bound_claims": {"ref": "refs/heads/main"})"),
       VaultRole(R"("bound_claims_type": "glob", "bound_claims": {"ref": "refs/heads/*"})"), Answer::kYes,
       Answer::kNo},
      {"vault_glob_without_star_is_exact", "role.json",
       VaultRole(R"("bound_claims_type": "string", "bound_claims": {"ref": "refs/heads/main"})"),
       VaultRole(R"("bound_claims_type": "glob", "bound_claims": {"ref": "refs/heads/main"})"), Answer::kNo,
       Answer::kNo},
      {"vault_question_mark_is_literal", "role.json",
       VaultRole(R"("bound_claims_type": "glob", "bound_claims": {"ref": "refs/heads/ma?n"})"),
       VaultRole(R"("bound_claims_type": "string", "bound_claims": {"ref": "refs/heads/ma?n"})"), Answer::kNo,
       Answer::kNo},
      {"vault_number_and_string_differ", "role.json", VaultRole(R"("bound_claims": {"repository_id": "74"})"),
       VaultRole(R"("bound_claims": {"repository_id": 74})"), Answer::kYes, Answer::kYes},
      {"vault_audience_list_reordered", "role.json",
       VaultRole(R"("bound_audiences": ["a", "b"], "bound_claims": {"repository": "acme/app"})"),
       VaultRole(R"("bound_audiences": ["b", "a"], "bound_claims": {"repository": "acme/app"})"), Answer::kNo,
       Answer::kNo},
      {"vault_clock_skew_widens", "role.json",
       VaultRole(R"("clock_skew_leeway": 0, "bound_claims": {"repository": "acme/app"})"),
       VaultRole(R"("clock_skew_leeway": 600, "bound_claims": {"repository": "acme/app"})"), Answer::kYes,
       Answer::kNo},
      {"entra_subject_to_pattern", "credential.json",
       EntraCredential(R"("subject": "repo:acme/app:ref:refs/heads/main")"),
       Flexible("claims['sub'] matches 'repo:acme/app:ref:refs/heads/*'"), Answer::kYes, Answer::kNo},
      {"entra_equivalent_forms", "credential.json",
       EntraCredential(R"("subject": "repo:acme/app:ref:refs/heads/main")"),
       Flexible("claims['sub'] eq 'repo:acme/app:ref:refs/heads/main'"), Answer::kNo, Answer::kNo},
      {"entra_added_claim_narrows", "credential.json", Flexible("claims['sub'] matches 'repo:acme/*'"),
       Flexible("claims['sub'] matches 'repo:acme/*' and claims['repository_id'] eq '74'"), Answer::kNo,
       Answer::kYes},
      {"aws_for_all_values_trap", "policy.json",
       AwsPolicyWith(cognito, pool + R"(, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"})"),
       AwsPolicyWith(cognito, pool + R"(, "ForAllValues:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"})"),
       Answer::kYes, Answer::kYes},
      {"aws_google_aud_reads_azp", "policy.json",
       AwsPolicyWith(google, R"("StringEquals": {"accounts.google.com:aud": "client-a"})"),
       AwsPolicyWith(google, R"("StringEquals": {"accounts.google.com:oaud": "client-a"})"), Answer::kYes,
       Answer::kYes},
      {"aws_numeric_bound_relaxed", "policy.json",
       AwsPolicyWith(google, R"("StringEquals": {"accounts.google.com:aud": "client-a"}, "NumericLessThan": {"accounts.google.com:sub": "100"})"),
       AwsPolicyWith(google, R"("StringEquals": {"accounts.google.com:aud": "client-a"}, "NumericLessThanEquals": {"accounts.google.com:sub": "100"})"),
       Answer::kYes, Answer::kNo},
      {"aws_arn_condition_is_searched_not_proved", "policy.json",
       AwsPolicyWith(google, R"("StringEquals": {"accounts.google.com:aud": "client-a"}, "ArnLike": {"accounts.google.com:sub": "arn:aws:iam::*:role/x"})"),
       AwsPolicyWith(google, R"("StringEquals": {"accounts.google.com:aud": "client-a"}, "ArnLike": {"accounts.google.com:sub": "arn:aws:iam::1*:role/x"})"),
       Answer::kUndecided, Answer::kYes},
  };
}

class OtherPairs : public ::testing::TestWithParam<TextPair> {};

TEST_P(OtherPairs, ClassifiesBothDirections) {
  const TextPair& c = GetParam();
  Trust old_trust = Load(std::string("old-") + c.old_path, c.old_text);
  Trust new_trust = Load(std::string("new-") + c.old_path, c.new_text);
  AnalysisOptions options;
  options.now = kNow;
  TrustChange change = CompareTrusts(&old_trust, &new_trust, options);
  EXPECT_EQ(AnswerName(change.widened.answer), std::string(AnswerName(c.widened))) << Describe(change.widened);
  EXPECT_EQ(AnswerName(change.narrowed.answer), std::string(AnswerName(c.narrowed))) << Describe(change.narrowed);
  if (change.widened.answer == Answer::kYes) ExpectWitness(change.widened, &new_trust, &old_trust);
  if (change.narrowed.answer == Answer::kYes) ExpectWitness(change.narrowed, &old_trust, &new_trust);
  if (change.widened.answer == Answer::kUndecided) {
    EXPECT_FALSE(change.widened.limits.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Analysis, OtherPairs, ::testing::ValuesIn(OtherCases()),
                         [](const ::testing::TestParamInfo<TextPair>& info) { return info.param.name; });

TEST(Analysis, WitnessNamesTheClaimThatMakesTheDifference) {
  Trust old_trust = Load("old.json", Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/app:*")")})}));
  Trust new_trust = Load("new.json", Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/*")")})}));
  AnalysisOptions options;
  options.now = kNow;
  Separation s = Separate(Acceptor::WholeTrust(new_trust), Acceptor::WholeTrust(old_trust), options);
  ASSERT_EQ(s.answer, Answer::kYes);
  ASSERT_EQ(s.witnesses.size(), 1u);
  ASSERT_EQ(s.witnesses[0].differences.size(), 1u);
  const Witness::Difference& d = s.witnesses[0].differences[0];
  EXPECT_EQ(d.claim, "sub");
  EXPECT_EQ(d.value, "repo:acme/x:ref:refs/heads/main");
  EXPECT_EQ(d.alternative, "repo:acme/app:ref:refs/heads/main");
  ASSERT_FALSE(s.witnesses[0].refused_because.empty());
  EXPECT_EQ(s.witnesses[0].refused_because[0].message,
            "statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
            "`repo:acme/app:*`; token `sub` is `repo:acme/x:ref:refs/heads/main`");
}

TEST(Analysis, FurtherWitnessesShowOtherReasons) {
  Trust old_trust = Load("old.json", Policy({GitHubStatement({kAud, Sub("StringEquals", R"("repo:acme/app:ref:refs/heads/main")")})}));
  Trust new_trust = Load("new.json", Policy({GitHubStatement({Sub("StringLike", R"("repo:acme/app:*")")})}));
  AnalysisOptions options;
  options.now = kNow;
  options.max_witnesses = 3;
  Separation s = Separate(Acceptor::WholeTrust(new_trust), Acceptor::WholeTrust(old_trust), options);
  ASSERT_EQ(s.answer, Answer::kYes);
  ASSERT_EQ(s.witnesses.size(), 2u);
  std::vector<std::string> claims;
  for (const Witness& w : s.witnesses) {
    ASSERT_EQ(w.differences.size(), 1u);
    claims.push_back(w.differences[0].claim);
  }
  EXPECT_THAT(claims, ::testing::UnorderedElementsAre("aud", "sub"));
  ExpectWitness(s, &new_trust, &old_trust);
}

TEST(Analysis, AddedTrustIsWidenedRemovedIsNarrowed) {
  Trust t = Load("new.json", Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/*")")})}));
  AnalysisOptions options;
  options.now = kNow;
  TrustChange added = CompareTrusts(nullptr, &t, options);
  EXPECT_EQ(added.widened.answer, Answer::kYes);
  EXPECT_EQ(added.narrowed.answer, Answer::kNo);
  ExpectWitness(added.widened, &t, nullptr);
  TrustChange removed = CompareTrusts(&t, nullptr, options);
  EXPECT_EQ(removed.widened.answer, Answer::kNo);
  EXPECT_EQ(removed.narrowed.answer, Answer::kYes);
}

// Both versions check `aud` against a Terraform variable without a default,
// so eval accepts nothing on either side; the change to `sub` must still
// show, as undecided (the variable may hold anything) with the token it would
// let in. An unchanged trust behind the same unknown stays proved.
TEST(Analysis, ChangesBehindAnUnknownAreUndecidedNotUnchanged) {
  auto module = [](const std::string& sub) {
    return R"(variable "audience" {}
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = var.audience }
        StringLike   = { "token.actions.githubusercontent.com:sub" = ")" + sub + R"(" }
      }
    }]
  })
}
)";
  };
  struct Case {
    std::string old_sub, new_sub;
    Answer widened, narrowed;
  };
  const Case cases[] = {
      {"repo:acme/app:ref:refs/heads/main", "repo:acme/*", Answer::kUndecided, Answer::kNo},
      {"repo:acme/*", "repo:acme/app:ref:refs/heads/main", Answer::kNo, Answer::kUndecided},
      {"repo:acme/app:*", "repo:acme/app:*", Answer::kNo, Answer::kNo},
  };
  AnalysisOptions options;
  options.now = kNow;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.old_sub + " -> " + c.new_sub);
    Trust old_trust = Load("old/main.tf", module(c.old_sub));
    Trust new_trust = Load("new/main.tf", module(c.new_sub));
    ASSERT_FALSE(old_trust.statements.empty());
    TrustChange change = CompareTrusts(&old_trust, &new_trust, options);
    EXPECT_EQ(AnswerName(change.widened.answer), std::string(AnswerName(c.widened)));
    EXPECT_EQ(AnswerName(change.narrowed.answer), std::string(AnswerName(c.narrowed)));
    for (const Separation* s : {&change.widened, &change.narrowed}) {
      if (s->answer != Answer::kUndecided) continue;
      ASSERT_FALSE(s->limits.empty());
      EXPECT_THAT(s->limits.back(), ::testing::HasSubstr("`var.audience`"));
      EXPECT_THAT(s->limits.back(), ::testing::HasSubstr("\"sub\":\"repo:acme/"));
    }
  }
}

TEST(Analysis, StatementQuestions) {
  Trust t = Load("policy.json",
                 Policy({GitHubStatement({kAud, Sub("StringLike", R"("repo:acme/*")")}),
                         GitHubStatement({kAud, Sub("StringEquals", R"("repo:acme/app:ref:refs/heads/main")")}),
                         GitHubStatement({kAud, Sub("StringEquals", R"("repo:acme/app:environment:prod")"),
                                          {"StringLike", "sub", R"("repo:acme/app:ref:*")"}})}));
  AnalysisOptions options;
  options.now = kNow;
  EXPECT_EQ(StatementCanApply(t, 0, options), Answer::kYes);
  EXPECT_EQ(StatementCanApply(t, 2, options), Answer::kNo);
  EXPECT_EQ(StatementEscapes(t, 1, 0, options), Answer::kNo);   // #2 inside #1
  EXPECT_EQ(StatementEscapes(t, 0, 1, options), Answer::kYes);  // #1 is wider
  std::vector<const Node*> core = ContradictingParts(t, 2, options);
  ASSERT_EQ(core.size(), 2u);
  EXPECT_EQ(core[0]->test->op_display, "StringEquals");
  EXPECT_EQ(core[0]->test->ref.display, "token.actions.githubusercontent.com:sub");
  EXPECT_EQ(core[1]->test->op_display, "StringLike");
  EXPECT_TRUE(ContradictingParts(t, 0, options).empty());
}

// ---------------------------------------------------------------------------
// The automaton under the proofs.

using analysis::ClassOf;
using analysis::EnumerateGlobClasses;
using analysis::Glob;

TEST(GlobSpace, AgreesWithThePatternMatcherOnEveryFlavour) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab*?$:{}";
  const std::vector<PatternOptions> flavours = {{WildcardFlavor::kAws, false, true},  {WildcardFlavor::kAws, true, true},
                                                {WildcardFlavor::kEntra, false, true}, {WildcardFlavor::kVault, false, true},
                                                {WildcardFlavor::kLiteral, false, true}, {WildcardFlavor::kLiteral, true, true}};
  const std::string subjects = "abAB*?:$";
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int i = 0, n = static_cast<int>(rng() % 7); i < n; ++i) text += alphabet[rng() % alphabet.size()];
    if (rng() % 4 == 0) text += "${*}";
    const PatternOptions& options = flavours[rng() % flavours.size()];
    Pattern p = Pattern::Compile(text, options);
    auto g = Glob::FromPattern(p);
    ASSERT_TRUE(g.has_value()) << text;
    for (int k = 0; k < 20; ++k) {
      std::string subject;
      for (int i = 0, n = static_cast<int>(rng() % 7); i < n; ++i) subject += subjects[rng() % subjects.size()];
      ASSERT_EQ(g->Matches(subject), p.Match(subject)) << "pattern `" << text << "` subject `" << subject << "`";
    }
  }
}

std::vector<Glob> Globs(const std::vector<std::pair<std::string, PatternOptions>>& patterns) {
  std::vector<Glob> out;
  for (const auto& [text, options] : patterns) out.push_back(*Glob::FromPattern(Pattern::Compile(text, options)));
  return out;
}

TEST(GlobSpace, EnumeratesExactlyTheRealisableClasses) {
  const PatternOptions like{WildcardFlavor::kAws, false, true};
  auto classes = EnumerateGlobClasses(Globs({{"repo:acme/*", like}, {"repo:acme/app:*", like}}), 1000);
  ASSERT_TRUE(classes.complete);
  std::set<std::vector<bool>> seen;
  for (const auto& c : classes.classes) {
    seen.insert(c.matches);
    EXPECT_EQ(ClassOf(Globs({{"repo:acme/*", like}, {"repo:acme/app:*", like}}), c.example), c.matches) << c.example;
  }
  // `repo:acme/app:*` inside `repo:acme/*`: matching the second but not the first is impossible.
  EXPECT_EQ(seen, (std::set<std::vector<bool>>{{false, false}, {true, false}, {true, true}}));

  const PatternOptions fold{WildcardFlavor::kLiteral, true, true};
  const PatternOptions exact{WildcardFlavor::kLiteral, false, true};
  auto folded = EnumerateGlobClasses(Globs({{"abc", fold}, {"ABC", exact}}), 1000);
  std::set<std::vector<bool>> fseen;
  for (const auto& c : folded.classes) fseen.insert(c.matches);
  EXPECT_EQ(fseen, (std::set<std::vector<bool>>{{false, false}, {true, false}, {true, true}}));
}

// Answers are kept per thread: asking again, or with another budget, must
// give what a first computation gives.
TEST(GlobSpace, RepeatedQuestionsGetTheSameAnswerAndTheBudgetIsPartOfTheQuestion) {
  const PatternOptions like{WildcardFlavor::kAws, false, true};
  const std::vector<Glob> globs = Globs({{"repo:acme/*", like}, {"*:ref:refs/heads/main", like}});
  auto first = EnumerateGlobClasses(globs, 1000);
  auto again = EnumerateGlobClasses(globs, 1000);
  ASSERT_TRUE(first.complete);
  ASSERT_EQ(again.classes.size(), first.classes.size());
  for (size_t i = 0; i < first.classes.size(); ++i) {
    EXPECT_EQ(again.classes[i].matches, first.classes[i].matches);
    EXPECT_EQ(again.classes[i].example, first.classes[i].example);
  }
  EXPECT_FALSE(EnumerateGlobClasses(globs, 2).complete);     // a budget too small for the product
  EXPECT_TRUE(EnumerateGlobClasses(globs, 1000).complete);   // and the large one again
  // Same text, another flavour: another question.
  const PatternOptions exact{WildcardFlavor::kLiteral, false, true};
  auto literal = EnumerateGlobClasses(Globs({{"repo:acme/*", exact}, {"*:ref:refs/heads/main", exact}}), 1000);
  EXPECT_NE(literal.classes.size(), first.classes.size());
}

TEST(GlobSpace, EveryShortStringFallsInAnEnumeratedClass) {
  std::mt19937 rng(11);
  const std::string alphabet = "ab*?";
  const PatternOptions like{WildcardFlavor::kAws, false, true};
  for (int round = 0; round < 200; ++round) {
    std::vector<std::pair<std::string, PatternOptions>> patterns;
    for (int g = 0, n = 1 + static_cast<int>(rng() % 4); g < n; ++g) {
      std::string text;
      for (int i = 0, m = static_cast<int>(rng() % 5); i < m; ++i) text += alphabet[rng() % alphabet.size()];
      patterns.emplace_back(text, like);
    }
    std::vector<Glob> globs = Globs(patterns);
    auto classes = EnumerateGlobClasses(globs, 10000);
    ASSERT_TRUE(classes.complete);
    std::set<std::vector<bool>> seen;
    for (const auto& c : classes.classes) seen.insert(c.matches);
    // All strings over {a, b, c} up to length 5.
    std::vector<std::string> strings{""};
    for (size_t i = 0; i < strings.size() && strings[i].size() < 5; ++i)
      for (char c : std::string("abc")) strings.push_back(strings[i] + c);
    for (const std::string& s : strings) ASSERT_TRUE(seen.count(ClassOf(globs, s))) << s;
  }
}

}  // namespace
}  // namespace trustcheck

namespace trustcheck {
namespace {

// Leaves of the analysis are one proof atom when their tests mean the same:
// the wording never separates them, anything that decides always does.
TEST(AnalysisMeaning, WordingIsIgnoredAndEverythingElseCounts) {
  trustcheck::Test base = testing::SubjectLikeTest("repo:acme/*");
  base.role = TestRole::kCondition;
  base.operands[0].place = OperandPlace::Relative(0, 50);
  struct Case {
    const char* name;
    void (*change)(trustcheck::Test*);
    bool same_meaning;
  };
  const std::vector<Case> cases = {
      {"claim spelling", [](trustcheck::Test* t) { t->ref.display = "sub"; }, true},
      {"operator spelling", [](trustcheck::Test* t) { t->op_display = "ForAnyValue:StringLike"; }, true},
      {"check name and role", [](trustcheck::Test* t) { t->what = "subject", t->role = TestRole::kSubject; }, true},
      {"operand place", [](trustcheck::Test* t) { t->operands[0].place = OperandPlace::Relative(3, 9); }, true},
      {"multi-valued claim", [](trustcheck::Test* t) { t->ref.multi_valued = true; }, false},
      {"folded last pointer token", [](trustcheck::Test* t) { t->ref.fold_last_token = true; }, false},
      {"issuer prefix", [](trustcheck::Test* t) { t->ref.issuer_prefix = "token.actions.githubusercontent.com"; }, false},
      {"JSON typing", [](trustcheck::Test* t) { t->typing = ValueTyping::kJson; }, false},
      {"quantifier", [](trustcheck::Test* t) { t->quantifier = Quantifier::kAllValues; }, false},
      {"value", [](trustcheck::Test* t) { t->operands[0].pattern = Pattern::Compile("repo:acme/x", {}); }, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    trustcheck::Test changed = base;
    c.change(&changed);
    EXPECT_EQ(analysis::Meaning(base) == analysis::Meaning(changed), c.same_meaning);
  }
}

}  // namespace
}  // namespace trustcheck
