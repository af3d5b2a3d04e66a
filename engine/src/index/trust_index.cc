// The trust index (trustcheck/index.h): necessary conditions as keys in one
// hash table, candidates looked up from the token's values, Evaluate() on the
// candidates only.

#include "trustcheck/index.h"

#include <algorithm>
#include <string>

#include "index/key_table.h"
#include "index/necessary.h"
#include "trustcheck/parallel.h"

namespace trustcheck {

using index::Key;
using index::KeyKind;
using index::kKeyKinds;

struct TrustIndex::Impl {
  std::vector<const Trust*> trusts;
  std::vector<index::Source> sources;
  // Per source: a bit per KeyKind present in the table, and for the prefix
  // and suffix kinds the distinct key lengths, ascending (a query looks up
  // the value's prefix of each of those lengths).
  std::vector<uint8_t> kinds;
  std::vector<std::vector<uint32_t>> lengths;  // [source * kKeyKinds + kind]
  index::KeyTable table;
  std::vector<uint32_t> always;  // evaluated on every query
  TrustIndexStats stats;

  std::vector<uint32_t>& Lengths(size_t source, KeyKind kind) {
    return lengths[source * kKeyKinds + static_cast<int>(kind)];
  }
  const std::vector<uint32_t>& Lengths(size_t source, KeyKind kind) const {
    return lengths[source * kKeyKinds + static_cast<int>(kind)];
  }
  size_t MemoryBytes() const;
};

TrustIndex::TrustIndex() : impl_(std::make_unique<Impl>()) {}
TrustIndex::~TrustIndex() = default;
TrustIndex::TrustIndex(TrustIndex&&) noexcept = default;
TrustIndex& TrustIndex::operator=(TrustIndex&&) noexcept = default;

namespace {

bool IsLengthKind(KeyKind kind) {
  return kind == KeyKind::kPrefix || kind == KeyKind::kPrefixFolded || kind == KeyKind::kSuffix ||
         kind == KeyKind::kSuffixFolded;
}

// The runs (and threads) Build uses: one per `min_trusts_per_thread`
// trusts, at most ThreadCount(options.threads).
size_t ThreadsFor(size_t trusts, const TrustIndexOptions& options) {
  const size_t by_size = trusts / std::max<size_t>(options.min_trusts_per_thread, 1);
  return std::clamp<size_t>(by_size, 1, ThreadCount(options.threads));
}

// What filing a run of consecutive trusts gives.
struct Filing {
  index::KeyTable::Builder builder;
  std::vector<uint32_t> always;
  size_t indexed = 0;
  size_t never = 0;
  std::vector<uint8_t> kinds;                  // per source, as Impl::kinds
  std::vector<std::vector<uint32_t>> lengths;  // as Impl::lengths, unsorted, with repeats

  // Appends the filing of the run that follows this one's.
  void Append(Filing&& later) {
    builder.Append(std::move(later.builder));
    always.insert(always.end(), later.always.begin(), later.always.end());
    indexed += later.indexed;
    never += later.never;
    if (kinds.size() < later.kinds.size()) {
      kinds.resize(later.kinds.size(), 0);
      lengths.resize(later.lengths.size());
    }
    for (size_t s = 0; s < later.kinds.size(); ++s) kinds[s] |= later.kinds[s];
    for (size_t i = 0; i < later.lengths.size(); ++i)
      lengths[i].insert(lengths[i].end(), later.lengths[i].begin(), later.lengths[i].end());
  }
};

// Files trusts[first, last) under their keys, chosen with the statistics of
// all the trusts.
void File(const std::vector<const Trust*>& trusts, size_t first, size_t last, const index::KeyStatistics& stats,
          Filing* out) {
  index::NeedAnalysis analysis;
  for (size_t id = first; id < last; ++id) {
    index::Need need = analysis.TrustNeed(*trusts[id], stats);
    if (need.any) {
      out->always.push_back(static_cast<uint32_t>(id));
      continue;
    }
    if (need.never()) {
      ++out->never;
      continue;
    }
    ++out->indexed;
    for (const Key& k : need.keys) {
      out->builder.Add(index::KeyBytes(k.kind, k.source, k.value), static_cast<uint32_t>(id));
      if (out->kinds.size() <= k.source) {
        out->kinds.resize(k.source + 1, 0);
        out->lengths.resize((k.source + 1) * kKeyKinds);
      }
      out->kinds[k.source] |= static_cast<uint8_t>(1u << static_cast<int>(k.kind));
      if (IsLengthKind(k.kind))
        out->lengths[k.source * kKeyKinds + static_cast<int>(k.kind)].push_back(
            static_cast<uint32_t>(k.value.size()));
    }
  }
}

}  // namespace

// Two passes, each over consecutive runs of trusts, one run per thread:
// count the keys (the runs' statistics merged in trust order equal one pass's
// over all trusts), then choose each trust's keys, file them and sort the
// run's postings. The runs' filings, appended in trust order (the sorted
// postings merged), are what one thread would have filed, so the index does
// not depend on the number of threads.
TrustIndex TrustIndex::Build(std::vector<const Trust*> trusts, const TrustIndexOptions& options) {
  TrustIndex out;
  Impl& impl = *out.impl_;
  impl.trusts = std::move(trusts);
  const size_t runs = ThreadsFor(impl.trusts.size(), options);
  auto run_first = [&](size_t run) { return impl.trusts.size() * run / runs; };

  std::vector<index::KeyStatistics> counted(runs);
  ParallelFor(runs, runs, [&](size_t run) {
    index::NeedAnalysis analysis;
    for (size_t id = run_first(run); id < run_first(run + 1); ++id) analysis.Count(*impl.trusts[id], &counted[run]);
  });
  for (size_t run = 1; run < runs; ++run) counted[0].Merge(counted[run]);
  counted.resize(1);
  const index::KeyStatistics& stats = counted[0];

  std::vector<Filing> filings(runs);
  ParallelFor(runs, runs, [&](size_t run) {
    File(impl.trusts, run_first(run), run_first(run + 1), stats, &filings[run]);
    filings[run].builder.Sort();
  });
  Filing& filing = filings[0];
  for (size_t run = 1; run < runs; ++run) filing.Append(std::move(filings[run]));

  for (auto& l : filing.lengths) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
    l.shrink_to_fit();
  }
  impl.kinds = std::move(filing.kinds);
  impl.kinds.shrink_to_fit();
  impl.lengths = std::move(filing.lengths);
  impl.lengths.shrink_to_fit();
  impl.sources = stats.sources.sources();
  impl.sources.resize(impl.kinds.size());  // sources interned by keys that were never chosen are not needed
  impl.table = filing.builder.Build();
  impl.always = std::move(filing.always);
  impl.always.shrink_to_fit();
  impl.stats.trusts = impl.trusts.size();
  impl.stats.indexed = filing.indexed;
  impl.stats.never = filing.never;
  impl.stats.always_scan = impl.always.size();
  impl.stats.keys = impl.table.keys();
  impl.stats.postings = impl.table.postings();
  impl.stats.memory_bytes = impl.MemoryBytes();
  return out;
}

size_t TrustIndex::Impl::MemoryBytes() const {
  size_t bytes = sizeof(Impl) + trusts.capacity() * sizeof(const Trust*) + always.capacity() * sizeof(uint32_t) +
                 kinds.capacity() + lengths.capacity() * sizeof(std::vector<uint32_t>) + table.memory_bytes();
  for (const auto& l : lengths) bytes += l.capacity() * sizeof(uint32_t);
  for (const index::Source& s : sources) {
    bytes += sizeof(index::Source) + s.names.capacity() * sizeof(std::string);
    for (const std::string& n : s.names) bytes += n.capacity() > 15 ? n.capacity() + 1 : 0;
  }
  return bytes;
}

size_t TrustIndex::size() const { return impl_->trusts.size(); }

const Trust& TrustIndex::trust(uint32_t id) const { return *impl_->trusts[id]; }

TrustIndexStats TrustIndex::stats() const { return impl_->stats; }

std::vector<uint32_t> TrustIndex::Candidates(const Claims& claims) const {
  const Impl& impl = *impl_;
  std::vector<uint32_t> out = impl.always;
  auto add = [&](std::string_view key) {
    std::span<const uint32_t> ids = impl.table.Find(key);
    out.insert(out.end(), ids.begin(), ids.end());
  };
  // Looks up the prefixes of `value` of every length the table holds for
  // (source, kind); `value` is already folded and/or reversed for the kind.
  std::string buffer;
  auto add_prefixes = [&](uint16_t source, KeyKind kind, std::string_view value) {
    buffer = index::KeyBytes(kind, source, value);
    for (uint32_t length : impl.Lengths(source, kind)) {
      if (length > value.size()) break;
      add(std::string_view(buffer).substr(0, 3 + length));
    }
  };
  auto has = [&](uint8_t mask, KeyKind kind) { return (mask >> static_cast<int>(kind)) & 1; };
  std::vector<std::string> texts;
  for (size_t s = 0; s < impl.sources.size(); ++s) {
    const uint8_t mask = impl.kinds[s];
    if (mask == 0) continue;
    if (!index::SourceValues(impl.sources[s], claims, &texts)) continue;
    const auto source = static_cast<uint16_t>(s);
    if (has(mask, KeyKind::kPresent)) add(index::KeyBytes(KeyKind::kPresent, source, {}));
    const bool any_folded = has(mask, KeyKind::kExactFolded) || has(mask, KeyKind::kPrefixFolded) ||
                            has(mask, KeyKind::kSuffixFolded);
    for (const std::string& text : texts) {
      if (has(mask, KeyKind::kExact)) add(index::KeyBytes(KeyKind::kExact, source, text));
      if (has(mask, KeyKind::kPrefix)) add_prefixes(source, KeyKind::kPrefix, text);
      if (has(mask, KeyKind::kSuffix)) add_prefixes(source, KeyKind::kSuffix, std::string(text.rbegin(), text.rend()));
      if (!any_folded) continue;
      std::string folded = index::FoldAscii(text);
      if (has(mask, KeyKind::kExactFolded)) add(index::KeyBytes(KeyKind::kExactFolded, source, folded));
      if (has(mask, KeyKind::kPrefixFolded)) add_prefixes(source, KeyKind::kPrefixFolded, folded);
      if (has(mask, KeyKind::kSuffixFolded))
        add_prefixes(source, KeyKind::kSuffixFolded, std::string(folded.rbegin(), folded.rend()));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<uint32_t> TrustIndex::Accepting(const Claims& claims, const EvalOptions& options) const {
  std::vector<uint32_t> accepted;
  for (uint32_t id : Candidates(claims))
    if (Evaluate(*impl_->trusts[id], claims, options).accepted) accepted.push_back(id);
  return accepted;
}

}  // namespace trustcheck
