#include "index/necessary.h"

#include <json/json.h>

#include <algorithm>
#include <functional>

#include "value_text.h"

namespace trustcheck::index {

std::string KeyBytes(KeyKind kind, uint16_t source, std::string_view value) {
  std::string out;
  out.reserve(3 + value.size());
  out.push_back(static_cast<char>(kind));
  out.push_back(static_cast<char>(source & 0xFF));
  out.push_back(static_cast<char>(source >> 8));
  out.append(value);
  return out;
}

std::string FoldAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void SourceTable::LookupKey(bool pointer, const std::vector<InternedString>& names, std::string* out) {
  out->assign(1, pointer ? 'p' : 'c');
  for (const InternedString& n : names) {
    *out += n;
    out->push_back('\0');
  }
}

std::optional<uint16_t> SourceTable::Intern(const ValueRef& ref) {
  const bool pointer = ref.source == ValueRef::Source::kPointer;
  LookupKey(pointer, ref.names, &lookup_);
  return InternLookup(pointer, ref.names);
}

std::optional<uint16_t> SourceTable::InternLookup(bool pointer, const std::vector<InternedString>& names) {
  auto it = ids_.find(lookup_);
  if (it != ids_.end()) return it->second;
  if (sources_.size() > UINT16_MAX) return std::nullopt;
  auto id = static_cast<uint16_t>(sources_.size());
  sources_.push_back({pointer, names});
  fingerprints_.push_back(std::hash<std::string>{}(lookup_));
  ids_.emplace(lookup_, id);
  return id;
}

std::optional<uint16_t> SourceTable::Find(const ValueRef& ref, std::string* scratch) const {
  LookupKey(ref.source == ValueRef::Source::kPointer, ref.names, scratch);
  auto it = ids_.find(*scratch);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void SourceTable::Absorb(const SourceTable& later) {
  for (const Source& s : later.sources_) {
    LookupKey(s.pointer, s.names, &lookup_);
    InternLookup(s.pointer, s.names);
  }
}

namespace {

double Weight(KeyKind kind) {
  switch (kind) {
    case KeyKind::kExact:
    case KeyKind::kExactFolded: return 1;
    case KeyKind::kPrefix:
    case KeyKind::kPrefixFolded: return 2;
    case KeyKind::kSuffix:
    case KeyKind::kSuffixFolded: return 4;
    case KeyKind::kPresent: return 64;  // every token with the claim hits it
  }
  return 64;
}

}  // namespace

void KeyCounts::Add(uint64_t hash, uint32_t count) {
  if (2 * (used_ + 1) > slots_.size()) Grow();
  hash = hash == 0 ? 1 : hash;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i].hash == hash) {
      slots_[i].count += count;
      return;
    }
    if (slots_[i].hash == 0) {
      slots_[i] = {hash, count};
      ++used_;
      return;
    }
  }
}

uint32_t KeyCounts::Get(uint64_t hash) const {
  if (slots_.empty()) return 0;
  hash = hash == 0 ? 1 : hash;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i].hash == hash) return slots_[i].count;
    if (slots_[i].hash == 0) return 0;
  }
}

void KeyCounts::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(64, 2 * old.size()), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void KeyCounts::Merge(const KeyCounts& other) {
  for (const Slot& s : other.slots_)
    if (s.hash != 0) Add(s.hash, s.count);
}

// Sources beyond the table's 65536 are the only way the tables absorbed in
// order can differ from one table over all trusts (a run's table fills at
// other sources than the whole's): the Tests reading those sources get no
// key either way, so their counts, merged or not, are never read.
void KeyStatistics::Merge(const KeyStatistics& later) {
  sources.Absorb(later.sources);
  counts.Merge(later.counts);
}

// Only steers the choice among an And's children: a collision makes a key
// look more common than it is, never makes the index unsound.
uint64_t NeedAnalysis::KeyHash(const KeyRef& k) const {
  uint64_t h = std::hash<std::string_view>{}(Value(k));
  h ^= stats_->sources.fingerprint(k.source) * 0xC2B2AE3D27D4EB4Full + static_cast<uint64_t>(k.kind);
  return h * 0x9E3779B97F4A7C15ull;
}

NeedAnalysis::KeyRef NeedAnalysis::AddKey(KeyKind kind, uint16_t source, std::string_view value, bool fold,
                                          bool reverse) {
  const size_t offset = bytes_.size();
  bytes_.append(value);
  auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(offset);
  if (fold)
    for (auto c = first; c != bytes_.end(); ++c)
      if (*c >= 'A' && *c <= 'Z') *c = static_cast<char>(*c - 'A' + 'a');
  if (reverse) std::reverse(first, bytes_.end());
  return {kind, source, static_cast<uint32_t>(offset), static_cast<uint32_t>(value.size())};
}

// The evaluator (evaluate.cc, EvalTest) makes a string or typed Test true
// only through MatchOne on an extracted value, unless the value is missing
// and missing_result says true, or ForAllValues sees an empty set. Without
// those, and without negation, a true Test means some value of the claim
// matched some valid operand; each operand's key describes the values it can
// match.
bool NeedAnalysis::TestKeys(const Test& test) {
  const bool typed = test.kind == MatchKind::kTyped;
  if (test.kind != MatchKind::kString && !typed) return false;
  if (test.negated || test.missing_result == Tri::kTrue || test.quantifier == Quantifier::kAllValues) return false;
  const ValueRef& ref = test.ref;
  switch (ref.source) {
    case ValueRef::Source::kClaim: break;
    case ValueRef::Source::kPointer:
      if (ref.fold_last_token) return false;
      break;
    case ValueRef::Source::kAction:
    case ValueRef::Source::kMemberNames: return false;
  }
  // A key the platform never exposes always reads as missing, and a missing
  // value gives missing_result, which is not true here.
  if (!ref.visible || ref.names.empty()) return true;
  std::optional<uint16_t> source = counting_ ? counting_->sources.Intern(ref) : stats_->sources.Find(ref, &lookup_);
  if (!source) return false;
  const size_t first = refs_.size();
  auto give_up = [&] {
    refs_.resize(first);
    return false;
  };
  for (const Operand& op : test.operands) {
    if (!op.valid) continue;                    // never matches
    if (!op.segments.empty()) return give_up();  // policy variables: known only per token
    if (typed) {
      if (!op.typed) continue;                  // never matches
      if (!op.typed->isString()) return give_up();
      const char* begin = nullptr;
      const char* end = nullptr;
      op.typed->getString(&begin, &end);
      refs_.push_back(AddKey(KeyKind::kExact, *source, std::string_view(begin, end - begin), false, false));
      continue;
    }
    const Pattern& p = op.pattern;
    const bool fold = p.options().fold_case;
    if (!p.has_wildcards()) {
      refs_.push_back(AddKey(fold ? KeyKind::kExactFolded : KeyKind::kExact, *source, p.literal_prefix(), fold, false));
    } else if (!p.literal_prefix().empty()) {
      refs_.push_back(
          AddKey(fold ? KeyKind::kPrefixFolded : KeyKind::kPrefix, *source, p.literal_prefix(), fold, false));
    } else if (!p.literal_suffix().empty()) {
      refs_.push_back(AddKey(fold ? KeyKind::kSuffixFolded : KeyKind::kSuffix, *source, p.literal_suffix(), fold, true));
    } else {
      refs_.push_back({KeyKind::kPresent, *source, 0, 0});
    }
  }
  return true;
}

void NeedAnalysis::CountNode(const Node& node) {
  if (node.kind == Node::Kind::kTest) {
    const size_t first = refs_.size();
    if (TestKeys(*node.test))
      for (size_t i = first; i < refs_.size(); ++i) counting_->counts.Increment(KeyHash(refs_[i]));
    refs_.resize(first);
    return;
  }
  for (const Node& child : node.children) CountNode(child);
}

void NeedAnalysis::Count(const Trust& trust, KeyStatistics* stats) {
  counting_ = stats;
  stats_ = stats;
  refs_.clear();
  bytes_.clear();
  for (const Statement& s : trust.statements)
    if (s.effect == Effect::kAllow) CountNode(s.when);
}

double NeedAnalysis::Cost(size_t first, size_t last) const {
  double cost = 0;
  for (size_t i = first; i < last; ++i) {
    uint32_t count = stats_->counts.Get(KeyHash(refs_[i]));
    cost += Weight(refs_[i].kind) * (count == 0 ? 1 : count);
  }
  return cost;
}

// Kleene logic (evaluate.cc): an And is true only when every child is true,
// an Or only when some child is, a Const true always, a Const false and an
// Unknown never. Not and Expr nodes can be true in ways not analysed here.
bool NeedAnalysis::NodeNeed(const Node& node) {
  const size_t start = refs_.size();
  switch (node.kind) {
    case Node::Kind::kAnd: {
      // Needs any one child's condition: keep the cheapest, move it to `start`.
      bool found = false;
      size_t best_first = 0, best_last = 0;
      double best_cost = 0;
      for (const Node& child : node.children) {
        const size_t first = refs_.size();
        if (!NodeNeed(child)) continue;
        const size_t last = refs_.size();
        if (first == last) {  // this child is never true, so neither is the And
          refs_.resize(start);
          return true;
        }
        double cost = Cost(first, last);
        if (!found || cost < best_cost) {
          found = true;
          best_first = first;
          best_last = last;
          best_cost = cost;
        }
      }
      if (!found) {
        refs_.resize(start);
        return false;
      }
      std::copy(refs_.begin() + static_cast<std::ptrdiff_t>(best_first),
                refs_.begin() + static_cast<std::ptrdiff_t>(best_last),
                refs_.begin() + static_cast<std::ptrdiff_t>(start));
      refs_.resize(start + (best_last - best_first));
      return true;
    }
    case Node::Kind::kOr:
      for (const Node& child : node.children) {
        if (!NodeNeed(child)) {
          refs_.resize(start);
          return false;
        }
      }
      return true;
    case Node::Kind::kTest: return TestKeys(*node.test);
    case Node::Kind::kConst: return !node.value;
    case Node::Kind::kUnknown: return true;
    case Node::Kind::kNot:
    case Node::Kind::kExpr: return false;
  }
  return false;
}

// Evaluate() accepts only when, in every pass, some Allow statement is true;
// there is always at least one pass, so some Allow statement's Need holds.
Need NeedAnalysis::TrustNeed(const Trust& trust, const KeyStatistics& stats) {
  counting_ = nullptr;
  stats_ = &stats;
  refs_.clear();
  bytes_.clear();
  for (const Statement& s : trust.statements)
    if (s.effect == Effect::kAllow && !NodeNeed(s.when)) return Need::Any();
  Need need;
  need.keys.reserve(refs_.size());
  for (const KeyRef& k : refs_) need.keys.push_back({k.kind, k.source, std::string(Value(k))});
  return need;
}

// As evaluate.cc's Lookup and Extract read a value, without the visibility
// and issuer checks (which only ever hide a value) and without the typing
// (every scalar's IAM text: a superset of the strings a Test compares).
bool SourceValues(const Source& source, const Claims& claims, std::vector<std::string>* texts) {
  texts->clear();
  const Json::Value* v = nullptr;
  for (const std::string& name : source.names) {
    v = source.pointer ? claims.FindPointer(name) : claims.Find(name);
    if (v && !v->isNull()) break;
    v = nullptr;
  }
  if (!v || v->isObject()) return false;
  if (v->isArray()) {
    for (const Json::Value& e : *v)
      if (auto t = IamText(e)) texts->push_back(std::move(*t));
  } else if (auto t = IamText(*v)) {
    texts->push_back(std::move(*t));
  }
  return true;
}

}  // namespace trustcheck::index
