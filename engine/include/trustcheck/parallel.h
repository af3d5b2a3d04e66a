// trustcheck/parallel.h: independent work items on every core.
//
// OVERVIEW
//
// Loading files, building the trust index, evaluating trusts and running the
// lint rules are each a list of independent items. ParallelFor runs them on
// a few threads, the calling thread included, handing the items out one at
// a time so that a slow item (a large file, an expensive rule) does not
// hold back the others.
//
//   std::vector<Result> results(items.size());
//   ParallelFor(items.size(), ThreadCount(options.threads),
//               [&](size_t i) { results[i] = Process(items[i]); });
//
// Results are written by index, so they come out in item order whatever the
// number of threads.
//
// FAILURE
//
// ParallelFor never fails: a thread the system cannot start leaves its share
// to the threads that did start, the calling thread at least.
//
// THREAD SAFETY
//
// `work` is called from several threads at once, each time with a different
// index; it must not touch shared state without its own synchronisation.

#ifndef TRUSTCHECK_PARALLEL_H_
#define TRUSTCHECK_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace trustcheck {

// The number of threads for a `threads` option: itself when positive, one
// per core when 0 (or negative), and never more than 16.
inline size_t ThreadCount(int threads) {
  size_t wanted = threads > 0 ? static_cast<size_t>(threads) : std::thread::hardware_concurrency();
  return std::clamp<size_t>(wanted, 1, 16);
}

// Calls work(i) once for every i in [0, count), on at most `threads` threads
// (the calling thread is one of them), and returns when all calls have.
template <typename Work>
void ParallelFor(size_t count, size_t threads, const Work& work) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min(threads, count); ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // the started threads and this one share the items
    }
  }
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace trustcheck

#endif  // TRUSTCHECK_PARALLEL_H_
