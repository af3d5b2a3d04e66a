// EvaluateMany (trustcheck/batch.h): the signature rule, and the index
// choosing the same accepted trusts as a full scan.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/batch.h"
#include "trustcheck/claims.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

constexpr int64_t kAt = 1632493600;
const std::string kCorpus = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/";

std::vector<const Trust*> Pointers(const LoadResult& r) {
  std::vector<const Trust*> out;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) out.push_back(&t);
  return out;
}

std::vector<std::string> AcceptedNames(const BatchResult& r, const std::vector<const Trust*>& trusts) {
  std::vector<std::string> out;
  for (const BatchRow& row : r.rows)
    if (row.decision.accepted) out.push_back(trusts[row.trust]->name);
  return out;
}

TEST(Batch, IndexAcceptsWhatTheScanAccepts) {
  LoadResult loaded = testing::LoadPathsOrFail({kCorpus + "aws"});
  std::vector<const Trust*> trusts = Pointers(loaded);
  ASSERT_GT(trusts.size(), 4u);
  auto token = DecodeToken(testing::ReadFileText(kCorpus + "tokens/github-actions-main.json"), "t.json");
  ASSERT_TRUE(token.ok());
  struct Case {
    const char* name;
    bool every_decision;
    size_t threshold;
    bool indexed;
  };
  const Case cases[] = {
      {"few trusts: every one evaluated", false, 1000, false},
      {"every decision wanted: no index", true, 1, false},
      {"many trusts, accepted only: the index", false, 1, true},
  };
  BatchOptions scan;
  scan.eval.now = kAt;
  BatchResult full = EvaluateMany(trusts, token->claims, Status(), scan);
  ASSERT_EQ(full.rows.size(), trusts.size());
  ASSERT_GT(full.accepted, 0u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    BatchOptions options;
    options.eval.now = kAt;
    options.every_decision = c.every_decision;
    options.index_threshold = c.threshold;
    BatchResult r = EvaluateMany(trusts, token->claims, Status(), options);
    EXPECT_EQ(r.indexed, c.indexed);
    if (!c.indexed) EXPECT_EQ(r.rows.size(), trusts.size());
    EXPECT_LE(r.rows.size(), trusts.size());
    EXPECT_EQ(r.accepted, full.accepted);
    EXPECT_EQ(AcceptedNames(r, trusts), AcceptedNames(full, trusts));
    for (size_t i = 1; i < r.rows.size(); ++i) EXPECT_LT(r.rows[i - 1].trust, r.rows[i].trust);
  }
}

// A signature that does not verify: every trust refuses, before any
// condition, and the index is not asked (every trust is listed).
TEST(Batch, BadSignatureIsRefusedByEveryTrust) {
  LoadResult loaded = testing::LoadPathsOrFail({kCorpus + "aws"});
  std::vector<const Trust*> trusts = Pointers(loaded);
  auto token = DecodeToken(testing::ReadFileText(kCorpus + "tokens/github-actions-main.json"), "t.json");
  ASSERT_TRUE(token.ok());
  BatchOptions options;
  options.eval.now = kAt;
  options.every_decision = false;
  options.index_threshold = 1;
  Status bad = Status::Error(SourceLoc{FileId::Of("keys.json"), 0, 0},
                             "no key of the set has `kid` `k1`");
  BatchResult r = EvaluateMany(trusts, token->claims, bad, options);
  EXPECT_FALSE(r.indexed);
  EXPECT_EQ(r.accepted, 0u);
  ASSERT_EQ(r.rows.size(), trusts.size());
  for (const BatchRow& row : r.rows) {
    EXPECT_EQ(row.decision.outcome, Outcome::kSignature);
    ASSERT_EQ(row.decision.reasons.size(), 1u);
    EXPECT_EQ(row.decision.reasons[0].message, "token signature rejected: no key of the set has `kid` `k1`");
  }
}

}  // namespace
}  // namespace trustcheck
