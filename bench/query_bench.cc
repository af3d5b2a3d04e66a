// BM_Query/<strategy>/<N>: which of N trusts accept one token.
//
//   scan   Evaluate() every trust (what `eval` does without an index).
//   index  TrustIndex::Accepting(): candidates from the index, Evaluate() on
//          those only.
//
// The corpus (bench/synthetic_corpus.h) is built once per N, as ASTs. Before
// any timing, both strategies must return the same accepting set for every
// query token; the benchmark stops with an error otherwise. Each iteration
// answers one token (the tokens take turns).
//
// Counters: candidates and accepted per query; for `index` also the index's
// own bytes per trust (TrustIndexStats::memory_bytes / N) and the growth of
// the resident set while building it, per trust.
//
// BM_IndexBuild/<N>/<threads>: TrustIndex::Build over the same N trusts (what
// `eval` pays once before its one query) with TrustIndexOptions::threads =
// <threads>, in trusts per second. Wall time, for every thread count: CPU
// time adds up the threads' time and would hide what the threads save.
// Below TrustIndexOptions::min_trusts_per_thread trusts per thread the
// build uses fewer threads than asked, as it does in `eval`.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "synthetic_corpus.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/index.h"

namespace trustcheck::bench {
namespace {

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

std::vector<uint32_t> Scan(const std::vector<Trust>& trusts, const Claims& claims) {
  std::vector<uint32_t> accepted;
  EvalOptions options{kSyntheticNow};
  for (size_t i = 0; i < trusts.size(); ++i)
    if (Evaluate(trusts[i], claims, options).accepted) accepted.push_back(static_cast<uint32_t>(i));
  return accepted;
}

struct Corpus {
  size_t n = 0;
  std::vector<Trust> trusts;
  std::vector<Claims> tokens;
  std::unique_ptr<TrustIndex> index;
  size_t index_rss_bytes = 0;
  std::vector<std::vector<uint32_t>> expected;  // per token: the accepting set
  std::string error;
};

// One corpus at a time (a million trusts take a few GB); rebuilt when N changes.
Corpus& CorpusOf(size_t n) {
  static std::unique_ptr<Corpus> cache;
  if (cache && cache->n == n) return *cache;
  cache.reset();
  auto c = std::make_unique<Corpus>();
  c->n = n;
  c->trusts = SyntheticTrusts(n);
  for (const std::string& text : SyntheticTokens(n)) {
    auto token = DecodeToken(text, "token.json");
    if (!token.ok()) {
      c->error = token.status().ToString();
      break;
    }
    c->tokens.push_back(token->claims);
  }
  std::vector<const Trust*> pointers;
  pointers.reserve(n);
  for (const Trust& t : c->trusts) pointers.push_back(&t);
  size_t before = ResidentBytes();
  c->index = std::make_unique<TrustIndex>(TrustIndex::Build(std::move(pointers)));
  c->index_rss_bytes = ResidentBytes() - before;
  // Both strategies must agree before anything is timed.
  for (const Claims& claims : c->tokens) {
    std::vector<uint32_t> scanned = Scan(c->trusts, claims);
    std::vector<uint32_t> indexed = c->index->Accepting(claims, {kSyntheticNow});
    if (scanned != indexed && c->error.empty())
      c->error = fmt::format("index and scan disagree on token `{}`: {} vs {} trusts", claims.issuer(),
                             indexed.size(), scanned.size());
    c->expected.push_back(std::move(scanned));
  }
  cache = std::move(c);
  return *cache;
}

void RunQuery(benchmark::State& state, bool use_index, size_t n) {
  Corpus& c = CorpusOf(n);
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  size_t turn = 0, candidates = 0, accepted = 0;
  for (auto _ : state) {
    const Claims& claims = c.tokens[turn++ % c.tokens.size()];
    std::vector<uint32_t> result;
    result = use_index ? c.index->Accepting(claims, {kSyntheticNow}) : Scan(c.trusts, claims);
    accepted += result.size();
    benchmark::DoNotOptimize(result.data());
  }
  // Untimed: the mean number of trusts evaluated per token.
  for (const Claims& claims : c.tokens) candidates += use_index ? c.index->Candidates(claims).size() : n;
  state.counters["candidates"] = static_cast<double>(candidates) / static_cast<double>(c.tokens.size());
  state.counters["accepted"] = static_cast<double>(accepted) / static_cast<double>(state.iterations());
  if (use_index) {
    TrustIndexStats s = c.index->stats();
    state.counters["index_bytes_per_trust"] = static_cast<double>(s.memory_bytes) / static_cast<double>(n);
    state.counters["rss_bytes_per_trust"] = static_cast<double>(c.index_rss_bytes) / static_cast<double>(n);
    state.counters["always_scan"] = static_cast<double>(s.always_scan);
  }
}

void RunBuild(benchmark::State& state, size_t n, int threads) {
  Corpus& c = CorpusOf(n);
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::vector<const Trust*> pointers;
  pointers.reserve(n);
  for (const Trust& t : c.trusts) pointers.push_back(&t);
  for (auto _ : state) {
    TrustIndexOptions options;
    options.threads = threads;
    TrustIndex index = TrustIndex::Build(pointers, options);
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

const bool kRegistered = [] {
  for (size_t n : {1000u, 10000u, 100000u, 1000000u}) {
    for (bool use_index : {true, false}) {
      // A scan of a million trusts takes seconds: Google Benchmark then runs
      // it once or twice, which is enough (the time hardly depends on the token).
      benchmark::RegisterBenchmark(fmt::format("BM_Query/{}/{}", use_index ? "index" : "scan", n).c_str(),
                                   [use_index, n](benchmark::State& state) { RunQuery(state, use_index, n); })
          ->Unit(benchmark::kMicrosecond);
    }
    for (int threads : {1, 2}) {
      benchmark::RegisterBenchmark(fmt::format("BM_IndexBuild/{}/{}", n, threads).c_str(),
                                   [n, threads](benchmark::State& state) { RunBuild(state, n, threads); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  return true;
}();

}  // namespace
}  // namespace trustcheck::bench
