// Internal: necessary conditions for a trust to accept a token, derived from
// its AST (trustcheck/index.h explains the idea).
//
// A Need is a disjunction of Keys: if the trust accepts a token, the token
// matches at least one of the keys. `any` means no such condition was found
// (the trust must be evaluated for every token); `any == false` with no keys
// means the trust can never accept.
//
// Soundness is the whole point: a key is produced only for a Test that cannot
// be true unless the claim it reads holds a value matching it. Everything
// else (negated operators, a missing-key result of true, ForAllValues, policy
// variables, Not, CEL expressions, actions) yields `any`.

#ifndef TRUSTCHECK_SRC_INDEX_NECESSARY_H_
#define TRUSTCHECK_SRC_INDEX_NECESSARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/claims.h"

namespace trustcheck::index {

enum class KeyKind : uint8_t {
  kExact,         // the value equals the key
  kExactFolded,   // the ASCII-lower-cased value equals the key
  kPrefix,        // the value starts with the key
  kPrefixFolded,
  kSuffix,        // the value ends with the key (stored reversed: a prefix of the reversed value)
  kSuffixFolded,
  kPresent,       // the value exists
};
inline constexpr int kKeyKinds = 7;

// Where a key's value comes from: the claim names (first present, non-null
// one wins) or one JSON pointer, as ValueRef reads them.
struct Source {
  bool pointer = false;
  std::vector<InternedString> names;
};

struct Key {
  KeyKind kind;
  uint16_t source;     // index into the SourceTable
  std::string value;   // folded and/or reversed as the kind says
};

// Table key bytes: kind, source (2 bytes), then the value.
std::string KeyBytes(KeyKind kind, uint16_t source, std::string_view value);

class SourceTable {
 public:
  // nullopt when the table is full (65536 sources).
  std::optional<uint16_t> Intern(const ValueRef& ref);
  // The id of a source already interned, nullopt otherwise. Const, so many
  // threads may share one table, each passing its own scratch string.
  std::optional<uint16_t> Find(const ValueRef& ref, std::string* scratch) const;
  // Interns `later`'s sources in their order. Tables built over consecutive
  // runs of trusts, absorbed in trust order, give every source the id one
  // table built over all the trusts would have given it.
  void Absorb(const SourceTable& later);
  const std::vector<Source>& sources() const { return sources_; }
  // A hash of what source `id` reads, equal in every table that holds it
  // (the ids differ between tables built over different trusts).
  uint64_t fingerprint(uint16_t id) const { return fingerprints_[id]; }

 private:
  static void LookupKey(bool pointer, const std::vector<InternedString>& names, std::string* out);
  // Interns the source whose lookup key is in lookup_.
  std::optional<uint16_t> InternLookup(bool pointer, const std::vector<InternedString>& names);

  std::unordered_map<std::string, uint16_t> ids_;
  std::vector<Source> sources_;
  std::vector<uint64_t> fingerprints_;
  std::string lookup_;  // reused for the lookup key: no allocation per call
};

// How many Tests name each key hash: open addressing in one array, so a
// lookup costs one cache miss, not the two of a node-based map (the counts
// are read for every candidate key of every And).
class KeyCounts {
 public:
  void Increment(uint64_t hash) { Add(hash, 1); }
  uint32_t Get(uint64_t hash) const;
  // Adds every count of `other` (counted over other trusts) to this one's.
  void Merge(const KeyCounts& other);

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty (hash 0 is stored as 1)
    uint32_t count = 0;
  };
  void Add(uint64_t hash, uint32_t count);
  void Grow();
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

// What the first pass learns and the second reads: the sources the trusts'
// Tests read and how many Tests name each candidate key. A key's hash
// combines its kind, its value and its source's fingerprint, never the
// source's id, so counts taken over separate runs of trusts add up to the
// counts of one pass over all of them.
struct KeyStatistics {
  SourceTable sources;
  KeyCounts counts;
  // Adds what was counted over the trusts that follow this one's.
  void Merge(const KeyStatistics& later);
};

struct Need {
  bool any = false;
  std::vector<Key> keys;
  static Need Any() { return Need{true, {}}; }
  static Need Never() { return Need{}; }
  bool never() const { return !any && keys.empty(); }
};

// Two passes over the trusts: Count() every candidate key into a
// KeyStatistics (so the choice among the children of an And can prefer rare
// keys), then TrustNeed() with the complete statistics.
//
// Both passes visit every Test of every Allow statement, a few million for a
// million trusts, so the walk allocates nothing per Test: keys are collected
// as (kind, source, offset, length) into scratch buffers reused from trust to
// trust, an And keeps only its chosen child's keys, and only the keys a
// trust is finally filed under become Key objects.
//
// Thread safety: a NeedAnalysis is scratch space for one thread. Count()
// writes its KeyStatistics; TrustNeed() only reads its, so several threads,
// each with its own NeedAnalysis, may call TrustNeed() on one KeyStatistics.
class NeedAnalysis {
 public:
  void Count(const Trust& trust, KeyStatistics* stats);
  // `stats` must have counted every trust of the index (this one included):
  // a Test whose source it lacks is given no key.
  Need TrustNeed(const Trust& trust, const KeyStatistics& stats);

 private:
  // A key under construction: its value is bytes_[offset, offset + length).
  struct KeyRef {
    KeyKind kind;
    uint16_t source;
    uint32_t offset;
    uint32_t length;
  };
  std::string_view Value(const KeyRef& k) const { return std::string_view(bytes_).substr(k.offset, k.length); }
  KeyRef AddKey(KeyKind kind, uint16_t source, std::string_view value, bool fold, bool reverse);

  // Appends to refs_ the keys of a Test that can only be true with a
  // matching value; false (and nothing appended) when the Test can be true
  // without one.
  bool TestKeys(const Test& test);
  // Appends the keys of a node's necessary condition to refs_; false when
  // there is none (`any`). True with nothing appended: never true.
  bool NodeNeed(const Node& node);
  void CountNode(const Node& node);
  double Cost(size_t first, size_t last) const;
  uint64_t KeyHash(const KeyRef& k) const;

  // Set by the pass under way: Count() interns into counting_, TrustNeed()
  // only reads stats_ (which Count() points at counting_).
  KeyStatistics* counting_ = nullptr;
  const KeyStatistics* stats_ = nullptr;
  std::vector<KeyRef> refs_;  // scratch, per trust
  std::string bytes_;         // scratch, per trust: the refs' values
  std::string lookup_;        // scratch for SourceTable::Find
};

// The texts a claim source holds for a token, as the evaluator would read
// them (a superset: every value a Test on that source could compare).
// Returns false when the source is absent from the token.
bool SourceValues(const Source& source, const Claims& claims, std::vector<std::string>* texts);

// ASCII lower case, the folding of Pattern's fold_case.
std::string FoldAscii(std::string_view text);

}  // namespace trustcheck::index

#endif  // TRUSTCHECK_SRC_INDEX_NECESSARY_H_
