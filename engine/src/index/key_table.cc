#include "index/key_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>

namespace trustcheck::index {

void KeyTable::Builder::Add(std::string_view key, uint32_t id) {
  pending_.push_back({bytes_.size(), static_cast<uint32_t>(key.size()), id});
  bytes_.append(key);
  sorted_ = pending_.size() == 1;
}

bool KeyTable::Builder::Less(const Pending& a, const Pending& b) const {
  int c = std::string_view(bytes_).substr(a.offset, a.length).compare(std::string_view(bytes_).substr(b.offset, b.length));
  return c != 0 ? c < 0 : a.id < b.id;
}

void KeyTable::Builder::Sort() {
  if (!sorted_) std::sort(pending_.begin(), pending_.end(), [&](const Pending& a, const Pending& b) { return Less(a, b); });
  sorted_ = true;
}

void KeyTable::Builder::Append(Builder&& other) {
  const uint64_t shift = bytes_.size();
  const size_t middle = pending_.size();
  bytes_.append(other.bytes_);
  pending_.reserve(pending_.size() + other.pending_.size());
  for (const Pending& p : other.pending_) pending_.push_back({p.offset + shift, p.length, p.id});
  if (sorted_ && other.sorted_) {
    std::inplace_merge(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(middle), pending_.end(),
                       [&](const Pending& a, const Pending& b) { return Less(a, b); });
  } else {
    sorted_ = pending_.size() <= 1;
  }
  other.bytes_.clear();
  other.bytes_.shrink_to_fit();
  other.pending_.clear();
  other.pending_.shrink_to_fit();
  other.sorted_ = true;
}

uint64_t KeyTable::Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

KeyTable KeyTable::Builder::Build() {
  auto view = [&](const Pending& p) { return std::string_view(bytes_).substr(p.offset, p.length); };
  Sort();
  KeyTable table;
  for (size_t i = 0; i < pending_.size(); ++i) {
    std::string_view key = view(pending_[i]);
    bool new_key = i == 0 || key != view(pending_[i - 1]);
    if (new_key) {
      table.entries_.push_back({table.bytes_.size(), static_cast<uint32_t>(key.size()),
                                static_cast<uint32_t>(table.postings_.size())});
      table.hashes_.push_back(static_cast<uint32_t>(Hash(key)));
      table.bytes_.append(key);
    } else if (pending_[i].id == pending_[i - 1].id) {
      continue;  // the same trust filed twice under one key
    }
    table.postings_.push_back(pending_[i].id);
  }
  size_t keys = table.entries_.size();
  table.entries_.push_back({table.bytes_.size(), 0, static_cast<uint32_t>(table.postings_.size())});
  // At most half full, so a miss ends after about two probes.
  table.slots_.assign(std::bit_ceil(std::max<size_t>(2 * keys, 16)), 0);
  size_t mask = table.slots_.size() - 1;
  for (size_t e = 0; e < keys; ++e) {
    size_t slot = Hash(std::string_view(table.bytes_).substr(table.entries_[e].offset, table.entries_[e].length)) & mask;
    while (table.slots_[slot] != 0) slot = (slot + 1) & mask;
    table.slots_[slot] = static_cast<uint32_t>(e + 1);
  }
  table.bytes_.shrink_to_fit();
  table.entries_.shrink_to_fit();
  table.hashes_.shrink_to_fit();
  table.postings_.shrink_to_fit();
  bytes_.clear();
  bytes_.shrink_to_fit();
  pending_.clear();
  pending_.shrink_to_fit();
  sorted_ = true;
  return table;
}

std::span<const uint32_t> KeyTable::Find(std::string_view key) const {
  if (slots_.empty()) return {};
  uint64_t hash = Hash(key);
  size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    uint32_t e = slots_[slot];
    if (e == 0) return {};
    --e;
    const Entry& entry = entries_[e];
    if (hashes_[e] == static_cast<uint32_t>(hash) && entry.length == key.size() &&
        std::memcmp(bytes_.data() + entry.offset, key.data(), key.size()) == 0)
      return std::span<const uint32_t>(postings_.data() + entry.first_posting,
                                       entries_[e + 1].first_posting - entry.first_posting);
  }
}

size_t KeyTable::memory_bytes() const {
  return bytes_.capacity() + entries_.capacity() * sizeof(Entry) + hashes_.capacity() * sizeof(uint32_t) +
         postings_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint32_t);
}

}  // namespace trustcheck::index
