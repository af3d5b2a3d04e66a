// trustcheck/batch.h: one token against many trusts, as `trustcheck eval`
// asks it.
//
// EvaluateMany decides, for a set of loaded trusts, which accept a token:
// - a token whose signature did not verify (`signature` not ok) is refused
//   by every trust, before any condition, as the platforms refuse it
//   (Outcome::kSignature, the signature error as the reason);
// - past `index_threshold` trusts, unless every decision is wanted, a
//   TrustIndex (trustcheck/index.h) finds the trusts that can accept the
//   token and only those are evaluated: the accepted set is the same as a
//   full scan's, the others are not listed;
// - otherwise every trust is evaluated, on every core past the threshold.
//
//   BatchResult r = EvaluateMany(trusts, token.claims, signature, {.eval = {now}});
//   for (const BatchRow& row : r.rows) if (row.decision.accepted) ...

#ifndef TRUSTCHECK_BATCH_H_
#define TRUSTCHECK_BATCH_H_

#include <cstddef>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/status.h"

namespace trustcheck {

struct BatchOptions {
  EvalOptions eval;
  // Every trust's decision (a JSON report, `eval --all`); false lets the
  // index leave out trusts that cannot accept.
  bool every_decision = true;
  // From this many trusts on, use the index (when allowed) and all cores.
  size_t index_threshold = 256;
};

struct BatchRow {
  size_t trust;  // position in the `trusts` given
  Decision decision;
};

struct BatchResult {
  std::vector<BatchRow> rows;  // in the order of `trusts`
  bool indexed = false;        // rows hold only the index's candidates
  size_t accepted = 0;
};

BatchResult EvaluateMany(const std::vector<const Trust*>& trusts, const Claims& claims, const Status& signature,
                         const BatchOptions& options);

}  // namespace trustcheck

#endif  // TRUSTCHECK_BATCH_H_
