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

std::optional<uint16_t> SourceTable::Intern(const ValueRef& ref) {
  bool pointer = ref.source == ValueRef::Source::kPointer;
  std::string name(1, pointer ? 'p' : 'c');
  for (const std::string& n : ref.names) {
    name += n;
    name.push_back('\0');
  }
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  if (sources_.size() > UINT16_MAX) return std::nullopt;
  auto id = static_cast<uint16_t>(sources_.size());
  sources_.push_back({pointer, ref.names});
  ids_.emplace(std::move(name), id);
  return id;
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

uint64_t KeyHash(const Key& key) { return std::hash<std::string>{}(KeyBytes(key.kind, key.source, key.value)); }

}  // namespace

// The evaluator (evaluate.cc, EvalTest) makes a string or typed Test true
// only through MatchOne on an extracted value, unless the value is missing
// and missing_result says true, or ForAllValues sees an empty set. Without
// those, and without negation, a true Test means some value of the claim
// matched some valid operand; each operand's key describes the values it can
// match.
std::optional<std::vector<Key>> NeedAnalysis::TestKeys(const Test& test) {
  const bool typed = test.kind == MatchKind::kTyped;
  if (test.kind != MatchKind::kString && !typed) return std::nullopt;
  if (test.negated || test.missing_result == Tri::kTrue || test.quantifier == Quantifier::kAllValues)
    return std::nullopt;
  const ValueRef& ref = test.ref;
  switch (ref.source) {
    case ValueRef::Source::kClaim: break;
    case ValueRef::Source::kPointer:
      if (ref.fold_last_token) return std::nullopt;
      break;
    case ValueRef::Source::kAction:
    case ValueRef::Source::kMemberNames: return std::nullopt;
  }
  // A key the platform never exposes always reads as missing, and a missing
  // value gives missing_result, which is not true here.
  if (!ref.visible || ref.names.empty()) return std::vector<Key>{};
  std::optional<uint16_t> source = sources_.Intern(ref);
  if (!source) return std::nullopt;
  std::vector<Key> keys;
  for (const Operand& op : test.operands) {
    if (!op.valid) continue;                         // never matches
    if (!op.segments.empty()) return std::nullopt;   // policy variables: known only per token
    if (typed) {
      if (!op.typed) continue;                       // never matches
      if (!op.typed->isString()) return std::nullopt;
      keys.push_back({KeyKind::kExact, *source, op.typed->asString()});
      continue;
    }
    const Pattern& p = op.pattern;
    const bool fold = p.options().fold_case;
    auto folded = [&](std::string_view s) { return fold ? FoldAscii(s) : std::string(s); };
    if (!p.has_wildcards()) {
      keys.push_back({fold ? KeyKind::kExactFolded : KeyKind::kExact, *source, folded(p.literal_prefix())});
    } else if (!p.literal_prefix().empty()) {
      keys.push_back({fold ? KeyKind::kPrefixFolded : KeyKind::kPrefix, *source, folded(p.literal_prefix())});
    } else if (!p.literal_suffix().empty()) {
      std::string reversed = folded(p.literal_suffix());
      std::reverse(reversed.begin(), reversed.end());
      keys.push_back({fold ? KeyKind::kSuffixFolded : KeyKind::kSuffix, *source, std::move(reversed)});
    } else {
      keys.push_back({KeyKind::kPresent, *source, {}});
    }
  }
  return keys;
}

void NeedAnalysis::CountNode(const Node& node) {
  if (node.kind == Node::Kind::kTest) {
    if (auto keys = TestKeys(*node.test))
      for (const Key& k : *keys) ++counts_[KeyHash(k)];
    return;
  }
  for (const Node& child : node.children) CountNode(child);
}

void NeedAnalysis::Count(const Trust& trust) {
  for (const Statement& s : trust.statements)
    if (s.effect == Effect::kAllow) CountNode(s.when);
}

double NeedAnalysis::Cost(const Need& need) const {
  double cost = 0;
  for (const Key& k : need.keys) {
    auto it = counts_.find(KeyHash(k));
    cost += Weight(k.kind) * (it == counts_.end() ? 1 : it->second);
  }
  return cost;
}

// Kleene logic (evaluate.cc): an And is true only when every child is true,
// an Or only when some child is, a Const true always, a Const false and an
// Unknown never. Not and Expr nodes can be true in ways not analysed here.
Need NeedAnalysis::NodeNeed(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kAnd: {
      Need best = Need::Any();
      double best_cost = 0;
      for (const Node& child : node.children) {
        Need n = NodeNeed(child);
        if (n.never()) return n;
        if (n.any) continue;
        double cost = Cost(n);
        if (best.any || cost < best_cost) {
          best = std::move(n);
          best_cost = cost;
        }
      }
      return best;
    }
    case Node::Kind::kOr: {
      Need all = Need::Never();
      for (const Node& child : node.children) {
        Need n = NodeNeed(child);
        if (n.any) return n;
        for (Key& k : n.keys) all.keys.push_back(std::move(k));
      }
      return all;
    }
    case Node::Kind::kTest: {
      auto keys = TestKeys(*node.test);
      if (!keys) return Need::Any();
      return Need{false, std::move(*keys)};
    }
    case Node::Kind::kConst: return node.value ? Need::Any() : Need::Never();
    case Node::Kind::kUnknown: return Need::Never();
    case Node::Kind::kNot:
    case Node::Kind::kExpr: return Need::Any();
  }
  return Need::Any();
}

// Evaluate() accepts only when, in every pass, some Allow statement is true;
// there is always at least one pass, so some Allow statement's Need holds.
Need NeedAnalysis::TrustNeed(const Trust& trust) {
  Need all = Need::Never();
  for (const Statement& s : trust.statements) {
    if (s.effect != Effect::kAllow) continue;
    Need n = NodeNeed(s.when);
    if (n.any) return n;
    for (Key& k : n.keys) all.keys.push_back(std::move(k));
  }
  return all;
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
