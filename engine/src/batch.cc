#include "trustcheck/batch.h"

#include <algorithm>

#include "trustcheck/index.h"
#include "trustcheck/parallel.h"

namespace trustcheck {

namespace {

// Every trust, on every core when there are many (Evaluate is pure).
std::vector<BatchRow> EvaluateEach(const std::vector<const Trust*>& trusts, const Claims& claims,
                                   const BatchOptions& options) {
  std::vector<BatchRow> rows(trusts.size());
  const size_t threads = trusts.size() > options.index_threshold ? ThreadCount(0) : 1;
  ParallelFor(trusts.size(), threads, [&](size_t i) {
    rows[i].trust = i;
    rows[i].decision = Evaluate(*trusts[i], claims, options.eval);
  });
  return rows;
}

// Only the trusts the index says can accept; the build and the lookups use
// every core, as the loading does.
std::vector<BatchRow> EvaluateCandidates(const std::vector<const Trust*>& trusts, const Claims& claims,
                                         const BatchOptions& options) {
  TrustIndexOptions index_options;
  index_options.threads = 0;
  TrustIndex index = TrustIndex::Build(trusts, index_options);
  std::vector<uint32_t> ids = index.Candidates(claims);
  std::sort(ids.begin(), ids.end());
  std::vector<BatchRow> rows;
  rows.reserve(ids.size());
  for (uint32_t id : ids) rows.push_back({id, Evaluate(*trusts[id], claims, options.eval)});
  return rows;
}

}  // namespace

BatchResult EvaluateMany(const std::vector<const Trust*>& trusts, const Claims& claims, const Status& signature,
                         const BatchOptions& options) {
  BatchResult result;
  result.indexed = signature.ok() && !options.every_decision && trusts.size() > options.index_threshold;
  result.rows = result.indexed ? EvaluateCandidates(trusts, claims, options) : EvaluateEach(trusts, claims, options);
  for (BatchRow& row : result.rows) {
    if (!signature.ok()) {
      row.decision.accepted = false;
      row.decision.outcome = Outcome::kSignature;
      row.decision.reasons = {{signature.loc(), "token signature rejected: " + signature.message()}};
    }
    if (row.decision.accepted) ++result.accepted;
  }
  return result;
}

}  // namespace trustcheck
