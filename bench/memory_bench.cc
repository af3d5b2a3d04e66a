// BM_LoadMemory/<source>/<N>: the memory a load of N one-statement AWS
// roles keeps, per role, while the loaded files are alive.
//
//   files  N trust-policy files (one role each), loaded one by one with
//          LoadText, as a folder sweep does.
//   dump   N roles in `get-account-authorization-details` dumps of 10,000
//          roles each (the format of organisation-wide sweeps).
//
// Both share equal tests through one TestPool for the whole load, as
// LoadPaths does (trustcheck/ast.h).
//
// The texts are the synthetic corpus's pretty-printed GitHub Actions roles
// (bench/synthetic_corpus.h); 10,000 texts are loaded over and over under
// distinct paths, each time with its organisation names made unique to the
// load (`org12` becomes `l7-org12`), so that no two files share a subject:
// what equal tests share (TestPool) is only what real roles share, the
// issuer, action and audience tests.
//
// Counters, per role:
//   heap_bytes_per_trust  heap bytes in use after the load minus before
//                         (glibc mallinfo2: what the loaded files own)
//   rss_bytes_per_trust   resident-set growth (/proc/self/statm): what the
//                         process pays, allocator slack included
//   allocs_per_trust      operator new calls during the load, temporaries
//                         included (what loading costs the allocator)
//
// One iteration: the measurement is of memory, not time.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "synthetic_corpus.h"
#include "trustcheck/load.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// Counts every allocation of the benchmark binary (a relaxed add: the timed
// benchmarks elsewhere pay about a nanosecond per allocation). The
// replacements pair malloc with free, which GCC cannot see through.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace trustcheck::bench {
namespace {

constexpr const char* kNoFolder = "/nonexistent-trustcheck-bench";
constexpr size_t kDistinctTexts = 10000;
constexpr size_t kRolesPerDump = 10000;

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

size_t HeapBytes() { return mallinfo2().uordblks; }

// `text` with every organisation name made unique to load `i`.
std::string Unique(const std::string& text, size_t i) {
  const std::string prefix = fmt::format("l{}-org", i);
  std::string out;
  out.reserve(text.size() + 64);
  size_t from = 0;
  for (size_t at = text.find("org", from); at != std::string::npos; at = text.find("org", from)) {
    out.append(text, from, at - from).append(prefix);
    from = at + 3;
  }
  return out.append(text, from);
}

void RunLoadMemory(benchmark::State& state, bool dump, size_t n) {
  std::vector<std::string> texts = SyntheticTexts(dump ? "aws-iam-dump" : "aws-policy", dump ? kRolesPerDump : kDistinctTexts);
  LoadOptions options;
  options.forced_format = dump ? "aws-iam-dump" : "aws-policy";
  size_t files = dump ? n / kRolesPerDump : n;
  for (auto _ : state) {
    // One pool for the whole sweep, as LoadPaths has; it lives only while
    // loading, so it is gone before the heap is measured.
    auto pool = std::make_unique<TestPool>();
    options.test_pool = pool.get();
    std::vector<LoadedFile> loaded;
    loaded.reserve(files);
    malloc_trim(0);
    size_t heap_before = HeapBytes();
    size_t rss_before = ResidentBytes();
    uint64_t allocs_before = g_allocations.load();
    size_t roles = 0;
    for (size_t i = 0; i < files; ++i) {
      std::string path = fmt::format("{}/{}-{:07}.json", kNoFolder, dump ? "dump" : "role", i);
      auto file = LoadText(path, Unique(texts[i % texts.size()], i), options);
      if (!file.ok()) {
        state.SkipWithError(file.status().ToString().c_str());
        return;
      }
      roles += file->trusts.size();
      loaded.push_back(std::move(file).value());
    }
    options.test_pool = nullptr;
    pool.reset();
    // The vector's own slots belong to the caller, not to the load.
    size_t slots = loaded.capacity() * sizeof(LoadedFile);
    double per = static_cast<double>(roles);
    state.counters["heap_bytes_per_trust"] = static_cast<double>(HeapBytes() - heap_before - slots) / per;
    state.counters["rss_bytes_per_trust"] = static_cast<double>(ResidentBytes() - rss_before - slots) / per;
    state.counters["allocs_per_trust"] = static_cast<double>(g_allocations.load() - allocs_before) / per;
    state.counters["roles"] = per;
  }
}

const bool kRegistered = [] {
  for (bool dump : {false, true}) {
    for (size_t n : {20000u, 100000u, 1000000u}) {
      benchmark::RegisterBenchmark(fmt::format("BM_LoadMemory/{}/{}", dump ? "dump" : "files", n).c_str(),
                                   [dump, n](benchmark::State& state) { RunLoadMemory(state, dump, n); })
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace trustcheck::bench
