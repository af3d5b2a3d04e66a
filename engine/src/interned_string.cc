#include "trustcheck/interned_string.h"

#include <array>
#include <mutex>
#include <unordered_set>

namespace trustcheck {

namespace {

// The texts, in node-based sets (an element never moves once inserted),
// sharded by hash so that loader threads rarely wait on each other.
class StringTable {
 public:
  const std::string* Intern(std::string_view text) {
    const size_t hash = std::hash<std::string_view>()(text);
    Shard& shard = shards_[hash % kShards];
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.texts.find(text);
    if (it == shard.texts.end()) it = shard.texts.emplace(text).first;
    return &*it;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_set<std::string, Hash, std::equal_to<>> texts;
  };
  static constexpr size_t kShards = 16;
  std::array<Shard, kShards> shards_;
};

StringTable& Table() {
  static StringTable* table = new StringTable();  // never destroyed: texts may be read at exit
  return *table;
}

}  // namespace

const std::string& InternedString::Empty() {
  static const std::string* empty = new std::string();
  return *empty;
}

InternedString::InternedString(std::string_view text)
    : text_(text.empty() ? &Empty() : Table().Intern(text)) {}

}  // namespace trustcheck
