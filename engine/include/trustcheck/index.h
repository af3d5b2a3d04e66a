// trustcheck/index.h: which of many trusts accept one token, without
// evaluating them all.
//
// OVERVIEW
//
// A TrustIndex is built once over a set of lowered trusts (thousands to
// millions: every role of every account). Asked about one token, it returns
// exactly the trusts whose Evaluate() accepts that token, the same set a scan
// that evaluates every trust would return, while evaluating only a few.
//
// HOW
//
// An Allow statement can apply only if its `when` tree is true. The index
// derives from each tree a condition that is NECESSARY for that: an And needs
// any one of its children (the index keeps the most selective one), an Or
// needs one of its children, and a Test that can only be true when a claim is
// present and matches one of a few literal operands needs that claim to hold
// a value that
//   - equals an exact operand (`repo:acme/app:ref:refs/heads/main`),
//   - starts with the literal prefix of a wildcard operand (`repo:acme/`),
//   - ends with its literal suffix (`*:environment:prod`), or
//   - merely exists (`*`).
// Each such requirement is a key in one hash table (case-folded keys for the
// IgnoreCase operators), and the trust is filed under the keys of its
// statements. A trust whose Allow statements have no such condition (a
// negated operator, IfExists, ForAllValues, a policy variable, a CEL
// expression, `Principal: *` with no condition) is kept on a list that every
// query scans; a trust none of whose Allow statements can ever be true (a
// malformed or undecidable one) is never a candidate.
//
// A query looks up the token's claim values (each literal prefix length the
// index holds, for the prefix keys), collects the candidate trusts and runs
// the full Evaluate() on each. Deny statements, time rules, unknowns and
// every platform rule are therefore respected by construction: the index
// only ever skips trusts that no Allow statement could accept.
//
// EXAMPLE
//
//   std::vector<const Trust*> trusts = ...;        // e.g. every loaded role
//   TrustIndex index = TrustIndex::Build(trusts);
//   for (uint32_t id : index.Accepting(claims, {now}))
//     std::cout << trusts[id]->name << "\n";
//
// THREAD SAFETY
//
// Build returns an immutable index; Candidates and Accepting may be called
// from many threads at once. The index keeps pointers to the trusts: they
// must outlive it and must not change. Build itself may use several threads
// (TrustIndexOptions::threads); it reads the trusts from all of them, so
// nothing may change them while it runs.

#ifndef TRUSTCHECK_INDEX_H_
#define TRUSTCHECK_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"

namespace trustcheck {

// What the index made of its trusts.
struct TrustIndexStats {
  size_t trusts = 0;
  size_t indexed = 0;      // filed under at least one key
  size_t always_scan = 0;  // no necessary condition found: evaluated on every query
  size_t never = 0;        // no Allow statement can ever apply: never a candidate
  size_t keys = 0;         // distinct keys in the hash table
  size_t postings = 0;     // (key, trust) pairs
  // Bytes the index itself owns (hash table, keys, postings, lists, the
  // trust pointers), not counting the trusts.
  size_t memory_bytes = 0;
};

// How Build works; never what it builds.
struct TrustIndexOptions {
  // Threads for the build: 1 builds on the calling thread, 0 uses one per
  // core; never more than 16. The index is the same for every value (the
  // same keys, postings, lists and stats), only the time differs.
  int threads = 1;
  // Each thread gets at least this many trusts, so a small index is built
  // on fewer threads (or one): starting a thread costs more than filing a
  // few thousand trusts.
  size_t min_trusts_per_thread = 4096;
};

class TrustIndex {
 public:
  // An empty index (no trusts).
  TrustIndex();
  ~TrustIndex();
  TrustIndex(TrustIndex&&) noexcept;
  TrustIndex& operator=(TrustIndex&&) noexcept;

  // Builds the index. A trust's id is its position in `trusts`. Never fails:
  // what cannot be indexed is scanned, and a thread that cannot be started
  // leaves its share of the work to the calling thread.
  static TrustIndex Build(std::vector<const Trust*> trusts, const TrustIndexOptions& options = {});

  size_t size() const;
  const Trust& trust(uint32_t id) const;

  // The ids of the trusts that may accept a token with these claims, in
  // ascending order: a superset of Accepting(), usually a small one.
  std::vector<uint32_t> Candidates(const Claims& claims) const;

  // The ids, ascending, of the trusts whose Evaluate(trust, claims, options)
  // accepts: the same set as evaluating every trust.
  std::vector<uint32_t> Accepting(const Claims& claims, const EvalOptions& options) const;

  TrustIndexStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trustcheck

#endif  // TRUSTCHECK_INDEX_H_
