// The token space of a comparison: leaves, slots, compiled acceptors and the
// pruned depth-first search (see space.h).

#include "analysis/space.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "analysis/cel_reads.h"
#include "analysis/readable.h"
#include "cel/trust_expr.h"
#include "value_text.h"

namespace trustcheck::analysis {

namespace {

// Kleene connectives lifted to sets of values: index [a][b] for masks a, b.
struct MaskTables {
  std::array<std::array<uint8_t, 8>, 8> and_table{};
  std::array<std::array<uint8_t, 8>, 8> or_table{};
  std::array<uint8_t, 8> not_table{};
  MaskTables() {
    const Tri values[3] = {Tri::kFalse, Tri::kTrue, Tri::kUnknown};
    auto kleene_and = [](Tri x, Tri y) {
      if (x == Tri::kFalse || y == Tri::kFalse) return Tri::kFalse;
      if (x == Tri::kUnknown || y == Tri::kUnknown) return Tri::kUnknown;
      return Tri::kTrue;
    };
    auto kleene_or = [](Tri x, Tri y) {
      if (x == Tri::kTrue || y == Tri::kTrue) return Tri::kTrue;
      if (x == Tri::kUnknown || y == Tri::kUnknown) return Tri::kUnknown;
      return Tri::kFalse;
    };
    auto kleene_not = [](Tri x) { return x == Tri::kTrue ? Tri::kFalse : x == Tri::kFalse ? Tri::kTrue : x; };
    for (int a = 0; a < 8; ++a) {
      for (int b = 0; b < 8; ++b) {
        uint8_t andm = 0, orm = 0;
        for (int i = 0; i < 3; ++i) {
          if (!(a >> i & 1)) continue;
          for (int j = 0; j < 3; ++j) {
            if (!(b >> j & 1)) continue;
            andm |= MaskOf(kleene_and(values[i], values[j]));
            orm |= MaskOf(kleene_or(values[i], values[j]));
          }
        }
        and_table[a][b] = andm;
        or_table[a][b] = orm;
      }
      uint8_t notm = 0;
      for (int i = 0; i < 3; ++i)
        if (a >> i & 1) notm |= MaskOf(kleene_not(values[i]));
      not_table[a] = notm;
    }
  }
};

const MaskTables& Tables() {
  static const MaskTables kTables;
  return kTables;
}

bool SameTimeRules(const TimeRules& a, const TimeRules& b) {
  return a.check_exp == b.check_exp && a.check_nbf == b.check_nbf && a.check_iat == b.check_iat &&
         a.require_one_of_iat_nbf_exp == b.require_one_of_iat_nbf_exp && a.require_exp == b.require_exp &&
         a.clock_skew_seconds == b.clock_skew_seconds &&
         a.expiration_leeway_seconds == b.expiration_leeway_seconds &&
         a.not_before_leeway_seconds == b.not_before_leeway_seconds &&
         a.zero_time_is_absent == b.zero_time_is_absent;
}

bool IsTimeClaim(const std::vector<std::string>& path) {
  return path.size() == 1 && (path[0] == "exp" || path[0] == "nbf" || path[0] == "iat");
}

std::string OperatorName(const Test& t) { return t.op_display.empty() ? t.what : t.op_display; }

}  // namespace

uint8_t MaskOf(Tri t) {
  switch (t) {
    case Tri::kFalse: return kMaskF;
    case Tri::kTrue: return kMaskT;
    case Tri::kUnknown: return kMaskU;
  }
  return kMaskAll;
}

std::optional<std::vector<std::string>> SplitPointer(const std::string& pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  if (pointer[0] != '/') return std::nullopt;
  size_t pos = 1;
  while (true) {
    size_t next = pointer.find('/', pos);
    std::string raw = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && raw[i + 1] == '1') token += '/', ++i;
      else if (raw[i] == '~' && i + 1 < raw.size() && raw[i + 1] == '0') token += '~', ++i;
      else token += raw[i];
    }
    out.push_back(std::move(token));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

void PlaceValue(Json::Value* root, const Slot& slot, const std::optional<Json::Value>& value) {
  if (!value) return;
  if (slot.fragments()) {
    for (const std::string& k : value->getMemberNames()) (*root)[k] = (*value)[k];
    return;
  }
  SetAt(root, slot.path, *value);
}

void SetAt(Json::Value* root, const std::vector<std::string>& path, const Json::Value& value) {
  Json::Value* cur = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    Json::Value& next = (*cur)[path[i]];
    if (!next.isObject()) next = Json::Value(Json::objectValue);
    cur = &next;
  }
  (*cur)[path.back()] = value;
}

Test Meaning(const Test& test) {
  Test out = test;
  out.ref.display.clear();
  out.op_display.clear();
  out.what.clear();
  out.role = TestRole::kOther;
  for (Operand& op : out.operands) {
    op.place = {};
    for (Operand::Segment& segment : op.segments) segment.ref.display.clear();
  }
  return out;
}

// ---------------------------------------------------------------------------
// Construction

int Space::SlotFor(const std::vector<std::string>& path, const std::string& display) {
  auto it = slot_index_.find(path);
  if (it != slot_index_.end()) return it->second;
  Slot s;
  s.kind = Slot::Kind::kClaim;
  s.path = path;
  s.display = display;
  slots_.push_back(std::move(s));
  slot_index_.emplace(path, static_cast<int>(slots_.size() - 1));
  return static_cast<int>(slots_.size() - 1);
}

void Space::PlanNode(const Node& node) {
  for (const Node& c : node.children) PlanNode(c);
  if (node.kind != Node::Kind::kTest) return;
  const Test& t = *node.test;
  auto plan = [&](const ValueRef& ref) {
    if (!ref.visible || ref.source != ValueRef::Source::kClaim) return;
    for (const InternedString& n : ref.names) reads_[n].insert(ref.names);
    if (!ref.issuer_prefix.empty()) reads_["iss"].insert({"iss"});
  };
  if (t.ref.source != ValueRef::Source::kAction) plan(t.ref);
  for (const Operand& op : t.operands)
    for (const Operand::Segment& s : op.segments)
      if (s.is_variable) plan(s.ref);
}

void Space::PlanSpellings(const Acceptor& a) {
  if (!a.trust) return;
  if (a.kind == Acceptor::Kind::kStatementApplies) {
    PlanNode(a.trust->statements.at(a.statement).when);
    return;
  }
  for (const Statement& s : a.trust->statements) PlanNode(s.when);
  for (const RequiredAction& r : a.trust->required_actions)
    if (!r.when_claim_present.empty()) pinned_names_.emplace(r.when_claim_present);
}

// A list of names is a spelling group when every other read of its names is
// through the same list, except its canonical name, which may also be read
// alone.
bool Space::IsSpellingGroup(const std::vector<InternedString>& names) const {
  if (names.size() < 2) return false;
  for (const InternedString& n : names) {
    if (pinned_names_.count(n) || n == "exp" || n == "nbf" || n == "iat") return false;
    auto it = reads_.find(n);
    if (it == reads_.end()) continue;
    for (const auto& list : it->second)
      if (list != names && list.size() != 1) return false;
  }
  size_t alone = 0;
  for (const InternedString& n : names) {
    auto it = reads_.find(n);
    if (it != reads_.end() && it->second.count({n})) ++alone;
  }
  return alone <= 1;
}

int Space::GroupSlot(const std::vector<InternedString>& names, const std::string& display) {
  // The canonical name: the one read alone, else the one the policy shows.
  std::string canonical = names.back();
  bool found = false;
  for (const InternedString& n : names) {
    auto it = reads_.find(n);
    if (it != reads_.end() && it->second.count({n})) canonical = n, found = true;
  }
  if (!found && std::find(names.begin(), names.end(), display) != names.end()) canonical = display;
  int slot = SlotFor({canonical}, canonical);
  slots_[slot].spellings.assign(names.begin(), names.end());
  return slot;
}

namespace {

// Registers that `leaf` reads `name` (a claim name or pointer).
struct ReadTarget {
  bool whole_token = false;
  std::optional<std::vector<std::string>> path;  // nullopt: never present
};

ReadTarget Target(ValueRef::Source source, const std::string& name) {
  ReadTarget t;
  if (source == ValueRef::Source::kPointer) {
    t.path = SplitPointer(name);
    if (t.path && t.path->empty()) t.whole_token = true;  // the root itself
  } else {
    t.path = std::vector<std::string>{name};
  }
  if (t.path && IsTimeClaim(*t.path)) t.whole_token = true;
  return t;
}

}  // namespace

void Space::CollectLeaves(const Node& node) {
  if (leaf_of_.count(&node)) return;
  Leaf leaf;
  leaf.node = &node;
  if (node.kind == Node::Kind::kExpr) {
    ExprReads reads = InspectExpr(node);
    leaf.fingerprint = reads.fingerprint;
    leaf.modelable = reads.exact_mapping;
    leaf.is_mapping = reads.is_mapping;
    leaf.limit = fmt::format("the expression at {} did not lower into tests; it is evaluated on the candidate "
                             "tokens but not modelled exactly",
                             node.loc.ToString());
    if (!reads.constant_paths) {
      leaf.whole_token = true;
      leaf.modelable = false;
    } else {
      for (const auto& path : reads.claims) {
        if (IsTimeClaim(path)) {
          leaf.whole_token = true;
          leaf.modelable = false;
          continue;
        }
        std::string display;
        for (const std::string& k : path) display += (display.empty() ? "" : ".") + k;
        int slot = SlotFor(path, display);
        leaf.deps.push_back(slot);
        leaf.value_deps.push_back(slot);
        Slot& sl = slots_[slot];
        sl.expr_typed = true;
        std::vector<std::string> candidates;
        for (const std::string& re : reads.regexes)
          for (std::string& example : RegexExamples(re)) candidates.push_back(std::move(example));
        candidates.insert(candidates.end(), reads.literals.begin(), reads.literals.end());
        for (const std::string& c : candidates)
          if (std::find(sl.expr_candidates.begin(), sl.expr_candidates.end(), c) == sl.expr_candidates.end())
            sl.expr_candidates.push_back(c);
        if (reads.exact_mapping && path == reads.subject) {
          // google.subject: at most 127 bytes; a glob for 128 or more.
          Glob too_long;
          for (size_t i = 0; i <= cel::kMaxSubjectBytes; ++i) too_long.tokens.push_back({Glob::Token::kAny, 0, false});
          too_long.AppendStar();
          sl.expr_globs.push_back(std::move(too_long));
        }
      }
    }
  } else {
    const Test& t = *node.test;
    // Equality of the whole Test (every member, new ones included) decides
    // which leaves are one atom: equal meanings intern to one object.
    leaf.fingerprint = fmt::format("test:{}", static_cast<const void*>(meanings_->Intern(Meaning(t)).get()));
    auto read = [&](ValueRef::Source source, const std::string& name, bool as_value) {
      ReadTarget target = Target(source, name);
      if (target.whole_token) {
        leaf.whole_token = true;
        leaf.modelable = false;
        leaf.limit = fmt::format("condition `{}` on `{}` reads a token time claim; it is evaluated on the "
                                 "candidate tokens but not modelled exactly",
                                 OperatorName(t), t.ref.display);
        return;
      }
      if (!target.path) return;
      int slot = SlotFor(*target.path, name);
      leaf.deps.push_back(slot);
      if (as_value) leaf.value_deps.push_back(slot);
    };
    auto read_issuer = [&](const std::string& prefix) {
      int iss = SlotFor({"iss"}, "iss");
      slots_[iss].is_issuer = true;
      auto& prefixes = slots_[iss].issuer_prefixes;
      if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) prefixes.push_back(prefix);
      leaf.deps.push_back(iss);
    };
    if (t.ref.source == ValueRef::Source::kAction) {
      leaf.reads_action = true;
    } else if (t.ref.visible && t.ref.source == ValueRef::Source::kClaim && IsSpellingGroup(t.ref.names)) {
      int slot = GroupSlot(t.ref.names, t.ref.display);
      leaf.deps.push_back(slot);
      leaf.value_deps.push_back(slot);
      if (!t.ref.issuer_prefix.empty()) read_issuer(t.ref.issuer_prefix);
    } else if (t.ref.visible) {
      for (size_t i = 0; i < t.ref.names.size(); ++i) {
        read(t.ref.source, t.ref.names[i], true);
        // A later name is read only when this one is absent or null.
        if (i + 1 < t.ref.names.size() && !leaf.value_deps.empty()) slots_[leaf.value_deps.back()].presence_bits = true;
      }
      if (!t.ref.issuer_prefix.empty()) read_issuer(t.ref.issuer_prefix);
    }
    for (const Operand& op : t.operands) {
      for (const Operand::Segment& s : op.segments) {
        if (!s.is_variable) continue;
        leaf.has_variables = true;
        if (s.ref.visible && s.ref.source == ValueRef::Source::kClaim && IsSpellingGroup(s.ref.names))
          leaf.deps.push_back(GroupSlot(s.ref.names, s.ref.display));
        else if (s.ref.visible)
          for (const std::string& name : s.ref.names) read(s.ref.source, name, false);
        if (s.ref.visible && !s.ref.issuer_prefix.empty()) read_issuer(s.ref.issuer_prefix);
      }
    }
    if (leaf.has_variables) {
      leaf.modelable = false;
      leaf.limit = fmt::format("condition `{}` on `{}` uses policy variables; it is evaluated on the candidate "
                               "tokens but not modelled exactly",
                               OperatorName(t), t.ref.display);
    } else if (t.kind == MatchKind::kArn || t.kind == MatchKind::kIpAddress) {
      leaf.modelable = false;
      leaf.limit = fmt::format("condition `{}` on `{}` is evaluated on the candidate tokens but not modelled exactly",
                               OperatorName(t), t.ref.display);
    }
  }
  std::sort(leaf.deps.begin(), leaf.deps.end());
  leaf.deps.erase(std::unique(leaf.deps.begin(), leaf.deps.end()), leaf.deps.end());
  for (int d : leaf.deps) ++slots_[d].uses;
  leaves_.push_back(std::move(leaf));
  leaf_of_.emplace(&node, static_cast<int>(leaves_.size() - 1));
}

int Space::Compile(Compiled* c, const Node& node) {
  Compiled::FNode f;
  f.kind = node.kind;
  switch (node.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr:
      for (const Node& child : node.children) f.kids.push_back(Compile(c, child));
      break;
    case Node::Kind::kNot:
      if (node.children.empty()) {
        f.kind = Node::Kind::kUnknown;
        f.mask = kMaskU;
      } else {
        f.kids.push_back(Compile(c, node.children[0]));
      }
      break;
    case Node::Kind::kTest:
    case Node::Kind::kExpr:
      CollectLeaves(node);
      f.leaf = leaf_of_.at(&node);
      break;
    case Node::Kind::kConst: f.mask = node.value ? kMaskT : kMaskF; break;
    case Node::Kind::kUnknown: f.mask = kMaskU; break;
  }
  c->nodes.push_back(std::move(f));
  return static_cast<int>(c->nodes.size() - 1);
}

void Space::CompileAcceptor(const Acceptor& a, Compiled* c) {
  c->kind = a.kind;
  c->trust = a.trust;
  auto action_index = [&](const std::string& action) {
    auto it = std::find(actions_.begin(), actions_.end(), action);
    if (it != actions_.end()) return static_cast<int>(it - actions_.begin());
    actions_.push_back(action);
    return static_cast<int>(actions_.size() - 1);
  };
  switch (a.kind) {
    case Acceptor::Kind::kNothing: break;
    case Acceptor::Kind::kWholeTrust: {
      c->trust_index = static_cast<int>(trusts_.size());
      trusts_.push_back(a.trust);
      for (const Statement& s : a.trust->statements) c->statements.emplace_back(s.effect, Compile(c, s.when));
      for (const RequiredAction& r : a.trust->required_actions) {
        Compiled::Pass p;
        p.action = action_index(std::string(r.action));
        if (!r.when_claim_present.empty()) {
          const std::string claim(r.when_claim_present);
          p.presence_slot = SlotFor({claim}, claim);
          slots_[p.presence_slot].presence_bits = true;
        }
        c->passes.push_back(p);
      }
      break;
    }
    case Acceptor::Kind::kStatementApplies:
      c->root = Compile(c, a.trust->statements.at(a.statement).when);
      c->action = action_index(a.action);
      break;
  }
}

void ComputeRepresentatives(Space* space);  // values.cc

Space::Space(const Acceptor& accepting, const Acceptor& refusing, const AnalysisOptions& options)
    : options_(options) {
  actions_.push_back("");
  PlanSpellings(accepting);
  PlanSpellings(refusing);
  CompileAcceptor(accepting, &a_);
  CompileAcceptor(refusing, &b_);
  claim_slots_ = slots_.size();
  // Nesting: a pointer slot lives inside the slot of its path prefix.
  for (size_t i = 0; i < claim_slots_; ++i) {
    size_t best = 0;
    for (size_t j = 0; j < claim_slots_; ++j) {
      const auto& p = slots_[j].path;
      const auto& c = slots_[i].path;
      if (p.size() < c.size() && std::equal(p.begin(), p.end(), c.begin()) && p.size() >= best) {
        slots_[i].parent = static_cast<int>(j);
        best = p.size();
      }
    }
    if (slots_[i].parent >= 0) slots_[slots_[i].parent].children.push_back(static_cast<int>(i));
  }
  // An expression reads whole values: the claims nested in them too.
  for (Leaf& leaf : leaves_) {
    if (leaf.node->kind != Node::Kind::kExpr) continue;
    for (size_t k = 0; k < leaf.deps.size(); ++k)
      for (int child : slots_[leaf.deps[k]].children)
        if (std::find(leaf.deps.begin(), leaf.deps.end(), child) == leaf.deps.end()) leaf.deps.push_back(child);
    std::sort(leaf.deps.begin(), leaf.deps.end());
  }
  BuildValues();
  BuildTimeSlot();
  // The mapping check is exact only when both sides map alike (cel_reads.h).
  std::set<std::string> mappings;
  for (const Leaf& leaf : leaves_)
    if (leaf.is_mapping) mappings.insert(leaf.fingerprint);
  for (Leaf& leaf : leaves_) {
    if (!leaf.is_mapping || mappings.size() <= 1 || !leaf.modelable) continue;
    leaf.modelable = false;
    leaf.limit = "the attribute mappings differ; they are evaluated on the candidate tokens but not modelled exactly";
  }
  // A leaf is exact only when every slot it reads is.
  for (Leaf& leaf : leaves_) {
    if (!leaf.modelable) continue;
    for (int d : leaf.deps) {
      if (!slots_[d].complete) {
        leaf.modelable = false;
        leaf.limit = fmt::format("the values of `{}` could not all be enumerated; tests on it are not "
                                 "modelled exactly",
                                 slots_[d].display);
        break;
      }
    }
  }
  std::set<std::string> seen;
  for (const Slot& s : slots_)
    for (const std::string& l : s.limits)
      if (seen.insert(l).second) limits_.push_back(l);
  for (const Leaf& leaf : leaves_)
    if (!leaf.modelable && seen.insert(leaf.limit).second) limits_.push_back(leaf.limit);
}

void Space::BuildValues() { ComputeRepresentatives(this); }

void Space::BuildTimeSlot() {
  Slot t;
  t.kind = Slot::Kind::kTime;
  t.display = "exp/nbf/iat";
  const int64_t now = options_.now;
  Json::Value standard(Json::objectValue);
  standard["iat"] = static_cast<Json::Int64>(now);
  standard["exp"] = static_cast<Json::Int64>(now + 3600);
  std::vector<Json::Value> configs{standard};
  bool same = true;
  for (const Trust* tr : trusts_) same = same && SameTimeRules(tr->time, trusts_.front()->time);
  if (!same) {
    // Every time check compares one claim (or the larger of two) with a
    // constant; the constants and their neighbours realise every outcome.
    std::set<int64_t> points;
    bool zero = false;
    for (const Trust* tr : trusts_) {
      const TimeRules& r = tr->time;
      std::vector<int64_t> cs = {now, now - r.clock_skew_seconds, now + r.clock_skew_seconds};
      if (r.expiration_leeway_seconds >= 0) cs.push_back(now - r.clock_skew_seconds - r.expiration_leeway_seconds);
      if (r.not_before_leeway_seconds >= 0) cs.push_back(now + r.clock_skew_seconds + r.not_before_leeway_seconds);
      for (int64_t c : cs)
        for (int64_t d : {c - 1, c, c + 1}) points.insert(d);
      zero = zero || r.zero_time_is_absent;
    }
    if (zero) points.insert(0);
    std::vector<std::optional<int64_t>> choices{std::nullopt};
    for (int64_t p : points) choices.push_back(p);
    for (const auto& exp : choices)
      for (const auto& nbf : choices)
        for (const auto& iat : choices) {
          Json::Value c(Json::objectValue);
          if (iat) c["iat"] = static_cast<Json::Int64>(*iat);
          if (nbf) c["nbf"] = static_cast<Json::Int64>(*nbf);
          if (exp) c["exp"] = static_cast<Json::Int64>(*exp);
          configs.push_back(std::move(c));
        }
  }
  // Each trust's time verdict, by the evaluator, on a copy with no statements.
  std::vector<Trust> bare;
  for (const Trust* tr : trusts_) {
    Trust copy;
    copy.time = tr->time;
    copy.platform = tr->platform;
    bare.push_back(std::move(copy));
  }
  std::set<std::vector<bool>> signatures;
  EvalOptions eo;
  eo.now = now;
  for (Json::Value& c : configs) {
    Claims claims(c);
    std::vector<bool> sig;
    for (const Trust& b : bare) sig.push_back(Evaluate(b, claims, eo).outcome != Outcome::kTokenTime);
    if (!signatures.insert(sig).second) continue;
    t.values.emplace_back(std::move(c));
    t.time_ok.push_back(std::move(sig));
  }
  slots_.push_back(std::move(t));
  time_slot_ = static_cast<int>(slots_.size() - 1);
}

void Space::AddAtoms() {
  if (slots_.size() > static_cast<size_t>(time_slot_ + 1)) return;  // already added
  std::map<std::string, int> by_fingerprint;
  for (Leaf& leaf : leaves_) {
    if (leaf.modelable) continue;
    auto it = by_fingerprint.find(leaf.fingerprint);
    if (it != by_fingerprint.end()) {
      leaf.atom = it->second;
      continue;
    }
    Slot a;
    a.kind = Slot::Kind::kAtom;
    a.display = leaf.limit;
    bool can_be_unknown = leaf.node->kind != Node::Kind::kTest || leaf.node->test->missing_result == Tri::kUnknown;
    a.atom_values = can_be_unknown ? 3 : 2;
    slots_.push_back(std::move(a));
    leaf.atom = static_cast<int>(slots_.size() - 1);
    by_fingerprint.emplace(leaf.fingerprint, leaf.atom);
  }
}

bool Space::Exact() const {
  if (internal_mismatch_) return false;
  for (size_t i = 0; i < claim_slots_; ++i)
    if (!slots_[i].complete) return false;
  for (const Leaf& leaf : leaves_)
    if (!leaf.modelable) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Evaluation with masks

Tri Space::LeafExact(int index, int action, const std::vector<int>& values) {
  Leaf& leaf = leaves_[index];
  std::string key = std::to_string(action);
  const std::vector<int>* deps = &leaf.deps;
  std::vector<int> all;
  if (leaf.whole_token) {
    for (size_t i = 0; i < claim_slots_; ++i) all.push_back(static_cast<int>(i));
    all.push_back(time_slot_);
    deps = &all;
  }
  for (int d : *deps) key += "," + std::to_string(values[d]);
  auto it = leaf.memo.find(key);
  if (it != leaf.memo.end()) return it->second;
  Json::Value root(Json::objectValue);
  std::vector<int> ordered = *deps;
  std::sort(ordered.begin(), ordered.end(),
            [&](int x, int y) { return slots_[x].path.size() < slots_[y].path.size(); });
  for (int d : ordered) {
    const Slot& s = slots_[d];
    if (s.kind == Slot::Kind::kTime) {
      for (const std::string& k : s.values[values[d]]->getMemberNames()) root[k] = (*s.values[values[d]])[k];
    } else {
      PlaceValue(&root, s, s.values[values[d]]);
    }
  }
  Claims claims(std::move(root));
  Tri r = EvaluateNode(*leaf.node, claims, actions_[action], nullptr);
  leaf.memo.emplace(std::move(key), r);
  return r;
}

uint8_t Space::LeafMask(int index, int action) {
  Leaf& leaf = leaves_[index];
  if (!leaf.reads_action) action = 0;
  if (proof_mode_ && !leaf.modelable) {
    int v = values_[leaf.atom];
    if (v >= 0) return static_cast<uint8_t>(1u << v);
    return slots_[leaf.atom].atom_values == 3 ? kMaskAll : (kMaskF | kMaskT);
  }
  std::vector<int> open;
  size_t product = 1;
  if (leaf.whole_token) {
    for (size_t i = 0; i < claim_slots_; ++i)
      if (values_[i] < 0) return kMaskAll;
    if (values_[time_slot_] < 0) return kMaskAll;
    return MaskOf(LeafExact(index, action, values_));
  }
  for (int d : leaf.deps) {
    if (values_[d] >= 0) continue;
    open.push_back(d);
    product *= slots_[d].size();
    if (product > 512) return kMaskAll;
  }
  if (open.empty()) return MaskOf(LeafExact(index, action, values_));
  // Every completion of the open slots: the exact set of possible values.
  std::vector<int> scratch = values_;
  uint8_t mask = 0;
  std::vector<size_t> counter(open.size(), 0);
  while (true) {
    for (size_t i = 0; i < open.size(); ++i) scratch[open[i]] = static_cast<int>(counter[i]);
    mask |= MaskOf(LeafExact(index, action, scratch));
    if (mask == kMaskAll) break;
    size_t i = 0;
    for (; i < open.size(); ++i) {
      if (++counter[i] < slots_[open[i]].size()) break;
      counter[i] = 0;
    }
    if (i == open.size()) break;
  }
  return mask;
}

uint8_t Space::NodeMask(const Compiled& c, int index, int action) {
  const Compiled::FNode& f = c.nodes[index];
  const MaskTables& t = Tables();
  switch (f.kind) {
    case Node::Kind::kAnd: {
      uint8_t m = kMaskT;
      for (int k : f.kids) {
        m = t.and_table[m][NodeMask(c, k, action)];
        if (m == kMaskF) break;
      }
      return m;
    }
    case Node::Kind::kOr: {
      uint8_t m = kMaskF;
      for (int k : f.kids) {
        m = t.or_table[m][NodeMask(c, k, action)];
        if (m == kMaskT) break;
      }
      return m;
    }
    case Node::Kind::kNot: return t.not_table[NodeMask(c, f.kids[0], action)];
    case Node::Kind::kTest:
    case Node::Kind::kExpr: return LeafMask(f.leaf, action);
    case Node::Kind::kConst:
    case Node::Kind::kUnknown: return f.mask;
  }
  return kMaskAll;
}

Space::Possible Space::Outcome(const Compiled& c) {
  Possible p;
  switch (c.kind) {
    case Acceptor::Kind::kNothing: p.refuse = true; return p;
    case Acceptor::Kind::kStatementApplies: {
      uint8_t m = NodeMask(c, c.root, c.action);
      p.accept = m & kMaskT;
      p.refuse = m & (kMaskF | kMaskU);
      return p;
    }
    case Acceptor::Kind::kWholeTrust: break;
  }
  const Slot& time = slots_[time_slot_];
  bool time_ok = false, time_fail = false;
  if (values_[time_slot_] >= 0) {
    bool ok = time.time_ok[values_[time_slot_]][c.trust_index];
    time_ok = ok;
    time_fail = !ok;
  } else {
    for (const auto& row : time.time_ok) (row[c.trust_index] ? time_ok : time_fail) = true;
  }
  // The passes depend on which presence slots hold a value.
  std::vector<int> presence;
  for (const Compiled::Pass& pass : c.passes)
    if (pass.presence_slot >= 0 && std::find(presence.begin(), presence.end(), pass.presence_slot) == presence.end())
      presence.push_back(pass.presence_slot);
  const MaskTables& t = Tables();
  for (size_t combo = 0; combo < (size_t{1} << presence.size()); ++combo) {
    std::vector<bool> present(presence.size());
    bool possible = true;
    for (size_t i = 0; i < presence.size(); ++i) {
      present[i] = combo >> i & 1;
      int v = values_[presence[i]];
      if (v >= 0 && slots_[presence[i]].values[v].has_value() != present[i]) possible = false;
    }
    if (!possible) continue;
    std::vector<int> actions;
    for (const Compiled::Pass& pass : c.passes) {
      if (pass.presence_slot >= 0) {
        size_t i = std::find(presence.begin(), presence.end(), pass.presence_slot) - presence.begin();
        if (!present[i]) continue;
      }
      actions.push_back(pass.action);
    }
    if (actions.empty()) actions.push_back(0);
    bool all_accept = true, any_refuse = false;
    for (int action : actions) {
      uint8_t allow = kMaskF, deny = kMaskF;
      for (const auto& [effect, root] : c.statements) {
        uint8_t& acc = effect == Effect::kAllow ? allow : deny;
        acc = t.or_table[acc][NodeMask(c, root, action)];
      }
      bool pass_accept = (allow & kMaskT) && (deny & kMaskF);
      bool pass_refuse = (allow & (kMaskF | kMaskU)) || (deny & (kMaskT | kMaskU));
      all_accept = all_accept && pass_accept;
      any_refuse = any_refuse || pass_refuse;
    }
    p.accept = p.accept || all_accept;
    p.refuse = p.refuse || any_refuse;
  }
  p.accept = p.accept && time_ok;
  p.refuse = p.refuse || time_fail;
  return p;
}

// ---------------------------------------------------------------------------
// Search

bool Space::AssignmentConsistentAt(int index) const {
  const Slot& s = slots_[index];
  if (s.kind != Slot::Kind::kClaim) return true;
  auto present = [&](int i) { return values_[i] >= 0 && slots_[i].values[values_[i]].has_value(); };
  auto object = [&](int i) {
    return values_[i] >= 0 && slots_[i].values[values_[i]] && slots_[i].values[values_[i]]->isObject();
  };
  if (s.parent >= 0 && values_[s.parent] >= 0 && present(index) && !object(s.parent)) return false;
  for (int c : s.children)
    if (values_[c] >= 0 && present(c) && !object(index)) return false;
  return true;
}

bool Space::Consistent(const std::vector<int>& assignment) const {
  for (size_t i = 0; i < claim_slots_; ++i) {
    const Slot& s = slots_[i];
    if (s.parent < 0 || !s.values[assignment[i]]) continue;
    const auto& pv = slots_[s.parent].values[assignment[s.parent]];
    if (!pv || !pv->isObject()) return false;
  }
  return true;
}

bool Space::Dfs(size_t depth) {
  if (++nodes_visited_ > options_.max_search_nodes) {
    budget_hit_ = true;
    return false;
  }
  Possible pa = Outcome(a_), pb = Outcome(b_);
  if (!pa.accept || !pb.refuse) return false;
  if (depth == order_.size()) {
    if (proof_mode_ || (*confirm_)(values_)) {
      *found_ = values_;
      return true;
    }
    if (Exact()) internal_mismatch_ = true;
    return false;
  }
  int s = order_[depth];
  auto restricted = restricted_.find(s);
  for (size_t v = 0; v < slots_[s].size(); ++v) {
    if (restricted != restricted_.end() && restricted->second != static_cast<int>(v)) continue;
    values_[s] = static_cast<int>(v);
    if (!AssignmentConsistentAt(s)) continue;
    if (Dfs(depth + 1)) return true;
    if (budget_hit_) break;
  }
  values_[s] = -1;
  return false;
}

Space::Status Space::Search(bool proof_mode, const std::function<bool(const std::vector<int>&)>& confirm,
                            std::vector<int>* found) {
  proof_mode_ = proof_mode;
  if (proof_mode) AddAtoms();
  values_.assign(slots_.size(), -1);
  order_.clear();
  // The time claims first: every claim combination is tried with the
  // standard validity window before any other, so witnesses are about
  // claims when they can be.
  order_.push_back(time_slot_);
  for (size_t i = 0; i < claim_slots_; ++i) order_.push_back(static_cast<int>(i));
  std::stable_sort(order_.begin() + 1, order_.end(), [&](int x, int y) { return slots_[x].uses > slots_[y].uses; });
  if (proof_mode)
    for (size_t i = time_slot_ + 1; i < slots_.size(); ++i) order_.push_back(static_cast<int>(i));
  nodes_visited_ = 0;
  budget_hit_ = false;
  confirm_ = &confirm;
  found_ = found;
  bool ok = Dfs(0);
  if (!ok && budget_hit_) limits_.push_back("the search over candidate tokens ran out of budget");
  if (internal_mismatch_)
    limits_.push_back("internal: the analysis and the evaluator disagree on a candidate token");
  return ok ? Status::kFound : budget_hit_ ? Status::kBudget : Status::kNone;
}

Json::Value Space::TokenWith(const std::vector<int>& assignment, int slot, const Json::Value& value) const {
  std::vector<int> without = assignment;
  // An absent value, then the replacement at the slot's path.
  for (size_t v = 0; v < slots_[slot].values.size(); ++v)
    if (!slots_[slot].values[v]) without[slot] = static_cast<int>(v);
  Json::Value root = Token(without);
  SetAt(&root, slots_[slot].path, value);
  return root;
}

Json::Value Space::Token(const std::vector<int>& assignment) const {
  Json::Value root(Json::objectValue);
  std::vector<int> ordered;
  for (size_t i = 0; i < claim_slots_; ++i) ordered.push_back(static_cast<int>(i));
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](int x, int y) { return slots_[x].path.size() < slots_[y].path.size(); });
  for (int i : ordered) {
    PlaceValue(&root, slots_[i], slots_[i].values[assignment[i]]);
  }
  const Json::Value& time = *slots_[time_slot_].values[assignment[time_slot_]];
  for (const std::string& k : time.getMemberNames()) root[k] = time[k];
  return root;
}

}  // namespace trustcheck::analysis
