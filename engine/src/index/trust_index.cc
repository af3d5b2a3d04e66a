// The trust index (trustcheck/index.h): necessary conditions as keys in one
// hash table, candidates looked up from the token's values, Evaluate() on the
// candidates only.

#include "trustcheck/index.h"

#include <algorithm>
#include <string>

#include "index/key_table.h"
#include "index/necessary.h"

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

}  // namespace

TrustIndex TrustIndex::Build(std::vector<const Trust*> trusts) {
  TrustIndex out;
  Impl& impl = *out.impl_;
  impl.trusts = std::move(trusts);
  index::NeedAnalysis analysis;
  for (const Trust* t : impl.trusts) analysis.Count(*t);
  index::KeyTable::Builder builder;
  std::vector<std::vector<uint32_t>> lengths;
  std::vector<uint8_t> kinds;
  for (size_t id = 0; id < impl.trusts.size(); ++id) {
    index::Need need = analysis.TrustNeed(*impl.trusts[id]);
    if (need.any) {
      impl.always.push_back(static_cast<uint32_t>(id));
      continue;
    }
    if (need.never()) {
      ++impl.stats.never;
      continue;
    }
    ++impl.stats.indexed;
    for (const Key& k : need.keys) {
      builder.Add(index::KeyBytes(k.kind, k.source, k.value), static_cast<uint32_t>(id));
      if (kinds.size() <= k.source) {
        kinds.resize(k.source + 1, 0);
        lengths.resize((k.source + 1) * kKeyKinds);
      }
      kinds[k.source] |= static_cast<uint8_t>(1u << static_cast<int>(k.kind));
      if (IsLengthKind(k.kind))
        lengths[k.source * kKeyKinds + static_cast<int>(k.kind)].push_back(static_cast<uint32_t>(k.value.size()));
    }
  }
  for (auto& l : lengths) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
    l.shrink_to_fit();
  }
  impl.kinds = std::move(kinds);
  impl.lengths = std::move(lengths);
  impl.sources = analysis.sources().sources();
  impl.sources.resize(impl.kinds.size());  // sources interned by keys that were never chosen are not needed
  impl.table = builder.Build();
  impl.always.shrink_to_fit();
  impl.stats.trusts = impl.trusts.size();
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
