// Internal: a compact, immutable hash table from byte-string keys to sorted
// lists of 32-bit ids (the trust index's postings).
//
// Everything lives in four flat arrays (key bytes, entries, postings, slots)
// so a million keys cost a few allocations and about 30 bytes each beyond
// their text: no node per key, no std::string per key.

#ifndef TRUSTCHECK_SRC_INDEX_KEY_TABLE_H_
#define TRUSTCHECK_SRC_INDEX_KEY_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trustcheck::index {

class KeyTable {
 public:
  // Collects (key, id) pairs, then freezes them into a KeyTable.
  class Builder {
   public:
    void Add(std::string_view key, uint32_t id);
    size_t size() const { return pending_.size(); }
    // Sorts the pairs collected so far, which Build would otherwise do:
    // builders filled on separate threads sort there, in parallel.
    void Sort();
    // Moves `other`'s pairs into this builder (which is left as if they had
    // been added here); `other` is left empty. When both are sorted, this
    // one stays sorted (a merge: linear, where sorting again is not).
    void Append(Builder&& other);
    // Sorts (unless sorted) and deduplicates; the builder is left empty.
    KeyTable Build();

   private:
    struct Pending {
      uint64_t offset;
      uint32_t length;
      uint32_t id;
    };
    bool Less(const Pending& a, const Pending& b) const;
    std::string bytes_;
    std::vector<Pending> pending_;
    bool sorted_ = true;  // pending_ is in Less order
  };

  // The ids filed under `key`, ascending and distinct; empty when absent.
  std::span<const uint32_t> Find(std::string_view key) const;

  size_t keys() const { return entries_.empty() ? 0 : entries_.size() - 1; }
  size_t postings() const { return postings_.size(); }
  size_t memory_bytes() const;

 private:
  struct Entry {
    uint64_t offset;         // into bytes_
    uint32_t length;
    uint32_t first_posting;  // postings of this key end where the next entry's start
  };
  static uint64_t Hash(std::string_view key);

  std::string bytes_;
  std::vector<Entry> entries_;     // one per key, plus an end sentinel
  std::vector<uint32_t> hashes_;   // low 32 bits of each key's hash, per entry
  std::vector<uint32_t> postings_;
  std::vector<uint32_t> slots_;    // open addressing: entry index + 1, 0 = empty
};

}  // namespace trustcheck::index

#endif  // TRUSTCHECK_SRC_INDEX_KEY_TABLE_H_
