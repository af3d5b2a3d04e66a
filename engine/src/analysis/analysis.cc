// The public face of the analysis: Separate() runs the concrete search,
// falls back to the proof search when some part of the trusts is not
// modelled exactly, and turns a found assignment into a confirmed Witness.

#include "trustcheck/analysis.h"

#include <fmt/format.h>
#include <json/json.h>

#include <algorithm>

#include "analysis/space.h"
#include "value_text.h"

namespace trustcheck {

namespace {

bool Accepts(const Acceptor& a, const Claims& claims, const AnalysisOptions& options, std::vector<Reason>* reasons) {
  switch (a.kind) {
    case Acceptor::Kind::kNothing: return false;
    case Acceptor::Kind::kWholeTrust: {
      EvalOptions eo;
      eo.now = options.now;
      Decision d = Evaluate(*a.trust, claims, eo);
      if (reasons) *reasons = d.reasons;
      return d.accepted;
    }
    case Acceptor::Kind::kStatementApplies:
      return EvaluateNode(a.trust->statements.at(a.statement).when, claims, a.action, reasons) == Tri::kTrue;
  }
  return false;
}

// A slot's value for people: strings bare, other JSON as text; a spelling
// group's fragment by its canonical name's value when that is all it holds.
std::string ValueText(const analysis::Slot& slot, const std::optional<Json::Value>& v) {
  if (!v) return "(absent)";
  if (slot.fragments() && v->isObject()) {
    const std::string& canonical = slot.path[0];
    if (v->empty()) return "(absent)";
    if (v->size() == 1 && v->isMember(canonical)) return ValueText(analysis::Slot(), (*v)[canonical]);
  }
  if (v->isString()) return v->asString();
  return CompactJson(*v);
}

// A spelling group's fragment that holds the claim under a name other than
// the canonical one.
bool OtherSpelling(const analysis::Slot& slot, const std::optional<Json::Value>& v) {
  if (!slot.fragments() || !v || !v->isObject()) return false;
  for (const std::string& name : v->getMemberNames())
    if (name != slot.path[0]) return true;
  return false;
}

// Levenshtein distance.
size_t Levenshtein(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

// How far an alternative value reads from the witness's: a longer common
// prefix first (witnesses change the end of a value: the same repository,
// another branch), then the edit distance.
size_t EditDistance(const std::string& a, const std::string& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return (a.size() + 1 - std::min(prefix, a.size())) * 1000000 + std::min<size_t>(Levenshtein(a, b), 999999);
}

// `changed`: the slots (and their alternative values) that make the
// difference, for the next witness search.
Witness MakeWitness(const analysis::Space& space, const std::vector<int>& found, const Acceptor& accepting,
                    const Acceptor& refusing, const AnalysisOptions& options,
                    std::vector<std::pair<int, int>>* changed) {
  Witness w;
  Json::Value token = space.Token(found);
  Claims claims(token);
  Accepts(accepting, claims, options, &w.accepted_because);
  Accepts(refusing, claims, options, &w.refused_because);
  w.claims = std::make_shared<const Json::Value>(std::move(token));
  if (refusing.kind == Acceptor::Kind::kNothing) return w;
  // The claims that, changed alone, let the refusing side accept too.
  std::vector<int> order;
  for (size_t i = 0; i < space.claim_slot_count(); ++i) order.push_back(static_cast<int>(i));
  const auto& slots = space.slots();
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return slots[a].display < slots[b].display; });
  order.push_back(space.time_slot());
  for (int i : order) {
    const analysis::Slot& slot = slots[i];
    const std::string value_text = ValueText(slot, slot.values[found[i]]);
    // Of the values the refusing side accepts, the one closest to the
    // witness's reads best ("main" for "x" on the same repository).
    int best = -1;
    size_t best_distance = SIZE_MAX;
    for (size_t v = 0; v < slot.values.size(); ++v) {
      if (static_cast<int>(v) == found[i]) continue;
      std::vector<int> alt = found;
      alt[i] = static_cast<int>(v);
      if (!space.Consistent(alt)) continue;
      Claims alt_claims(space.Token(alt));
      if (!Accepts(refusing, alt_claims, options, nullptr)) continue;
      size_t distance = EditDistance(value_text, ValueText(slot, slot.values[v]));
      // A claim under another spelling (Vault's `auD` for `aud`) is a
      // correct but puzzling example: any plain value reads better.
      if (OtherSpelling(slot, slot.values[v])) distance += 1u << 20;
      if (distance < best_distance) best = static_cast<int>(v), best_distance = distance;
    }
    if (best < 0) continue;
    bool time = slot.kind == analysis::Slot::Kind::kTime;
    std::string value = value_text, alternative = ValueText(slot, slot.values[best]);
    // A closer readable value with the same effect, when there is one (the
    // representatives stand for whole classes of values).
    bool absent_present = !slot.values[found[i]] || !slot.values[found[i]]->isString();
    for (const std::string& example : absent_present ? std::vector<std::string>{} : slot.examples) {
      size_t distance = EditDistance(value_text, example);
      if (distance >= best_distance || example == value_text) continue;
      Claims example_claims(space.TokenWith(found, i, Json::Value(example)));
      if (!Accepts(refusing, example_claims, options, nullptr)) continue;
      alternative = example;
      best_distance = distance;
    }
    if (value == alternative && slot.values[found[i]] && slot.values[best]) {
      // Same text, different JSON types (`"74"` and `74`): show the JSON.
      value = CompactJson(*slot.values[found[i]]);
      alternative = CompactJson(*slot.values[best]);
    }
    w.differences.push_back({time ? kTimeClaims : slot.display, value, alternative});
    changed->emplace_back(i, best);
  }
  return w;
}

}  // namespace

const char* AnswerName(Answer answer) {
  switch (answer) {
    case Answer::kNo: return "no";
    case Answer::kYes: return "yes";
    case Answer::kUndecided: return "undecided";
  }
  return "?";
}

std::vector<std::string> TrustActions(const Trust& trust) {
  std::vector<std::string> out;
  for (const RequiredAction& r : trust.required_actions)
    if (std::find(out.begin(), out.end(), r.action) == out.end()) out.emplace_back(r.action);
  if (out.empty()) out.emplace_back();
  return out;
}

Trust WithoutStatement(const Trust& trust, size_t index) {
  Trust copy = trust;
  if (index < copy.statements.size()) copy.statements.erase(copy.statements.begin() + static_cast<long>(index));
  return copy;
}

Separation Separate(const Acceptor& accepting, const Acceptor& refusing, const AnalysisOptions& options) {
  Separation out;
  analysis::Space space(accepting, refusing, options);
  auto confirm = [&](const std::vector<int>& values) {
    Claims claims(space.Token(values));
    return Accepts(accepting, claims, options, nullptr) && !Accepts(refusing, claims, options, nullptr);
  };
  std::vector<int> found;
  analysis::Space::Status status = space.Search(false, confirm, &found);
  if (status == analysis::Space::Status::kFound) {
    out.answer = Answer::kYes;
    std::vector<std::pair<int, int>> changed;
    out.witnesses.push_back(MakeWitness(space, found, accepting, refusing, options, &changed));
    out.limits = space.limits();
    // Further witnesses keep the earlier reasons at values the refusing side
    // accepts, so each one shows something new.
    while (out.witnesses.size() < options.max_witnesses && !changed.empty()) {
      for (const auto& [slot, value] : changed) space.Restrict(slot, value);
      changed.clear();
      std::vector<int> next;
      if (space.Search(false, confirm, &next) != analysis::Space::Status::kFound) break;
      out.witnesses.push_back(MakeWitness(space, next, accepting, refusing, options, &changed));
    }
    return out;
  }
  if (status == analysis::Space::Status::kNone && space.Exact()) {
    out.answer = Answer::kNo;
    out.limits = space.limits();
    return out;
  }
  if (status == analysis::Space::Status::kNone) {
    // Some tests were only sampled: prove with them left free.
    analysis::Space::Status proof = space.Search(true, confirm, &found);
    out.answer = proof == analysis::Space::Status::kNone ? Answer::kNo : Answer::kUndecided;
  } else {
    out.answer = Answer::kUndecided;
  }
  out.limits = space.limits();
  if (out.answer == Answer::kUndecided && out.limits.empty())
    out.limits.push_back("no separating token was found, but the search could not prove there is none");
  return out;
}

namespace {

// kNo when every action gives kNo, kYes when one gives kYes.
template <typename Ask>
Answer OverActions(const Trust& trust, Ask ask) {
  Answer overall = Answer::kNo;
  for (const std::string& action : TrustActions(trust)) {
    Answer a = ask(action);
    if (a == Answer::kYes) return Answer::kYes;
    if (a == Answer::kUndecided) overall = Answer::kUndecided;
  }
  return overall;
}

void Conjuncts(const Node& node, std::vector<const Node*>* out) {
  if (node.kind == Node::Kind::kAnd) {
    for (const Node& c : node.children) Conjuncts(c, out);
    return;
  }
  out->push_back(&node);
}

// Can the conjunction of `parts` (a statement of `trust` on its own) hold?
Answer PartsCanHold(const Trust& trust, const std::vector<const Node*>& parts, const AnalysisOptions& options) {
  Trust probe;
  probe.platform = trust.platform;
  probe.required_actions = trust.required_actions;
  Statement st;
  std::vector<Node> children;
  for (const Node* p : parts) children.push_back(*p);
  st.when = Node::And(std::move(children));
  probe.statements.push_back(std::move(st));
  return OverActions(probe, [&](const std::string& action) {
    return Separate(Acceptor::StatementApplies(probe, 0, action), Acceptor::Nothing(), options).answer;
  });
}

}  // namespace

Answer StatementCanApply(const Trust& trust, size_t index, const AnalysisOptions& options) {
  return OverActions(trust, [&](const std::string& action) {
    return Separate(Acceptor::StatementApplies(trust, index, action), Acceptor::Nothing(), options).answer;
  });
}

Answer StatementEscapes(const Trust& trust, size_t inner, size_t outer, const AnalysisOptions& options) {
  return OverActions(trust, [&](const std::string& action) {
    return Separate(Acceptor::StatementApplies(trust, inner, action),
                    Acceptor::StatementApplies(trust, outer, action), options)
        .answer;
  });
}

std::vector<const Node*> ContradictingParts(const Trust& trust, size_t index, const AnalysisOptions& options) {
  if (index >= trust.statements.size() || StatementCanApply(trust, index, options) != Answer::kNo) return {};
  std::vector<const Node*> core;
  Conjuncts(trust.statements[index].when, &core);
  // Deletion: drop every part without which the rest still cannot hold.
  for (size_t i = core.size(); i-- > 0;) {
    std::vector<const Node*> rest = core;
    rest.erase(rest.begin() + static_cast<long>(i));
    if (PartsCanHold(trust, rest, options) == Answer::kNo) core = std::move(rest);
  }
  return core;
}

namespace {

// Replaces every Unknown node by a true constant, collecting the reasons.
void AssumeUnknownsHold(Node* node, std::vector<std::string>* reasons) {
  if (node->kind == Node::Kind::kUnknown) {
    if (std::find(reasons->begin(), reasons->end(), node->reason()) == reasons->end()) reasons->push_back(node->reason());
    *node = Node::Const(true, "assumed to hold: " + node->reason(), node->loc);
    return;
  }
  for (Node& child : node->children) AssumeUnknownsHold(&child, reasons);
}

Trust AssumingUnknownsHold(const Trust& trust, std::vector<std::string>* reasons) {
  Trust copy = trust;
  for (Statement& s : copy.statements) AssumeUnknownsHold(&s.when, reasons);
  return copy;
}

// An unknown (an unset variable, a value known only after apply) never lets
// a token in, so two versions that both depend on one accept nothing and
// compare equal, however their conditions changed. Assuming each unknown
// holds, the same way on both sides, asks what the change does once the
// values are known; a difference found that way is not proved (the values
// may turn out otherwise), so it makes the answer undecided, with the token.
void CheckUnderAssumedUnknowns(const Trust& old_trust, const Trust& new_trust, const AnalysisOptions& options,
                               TrustChange* change) {
  std::vector<std::string> reasons;
  Trust old_assumed = AssumingUnknownsHold(old_trust, &reasons);
  Trust new_assumed = AssumingUnknownsHold(new_trust, &reasons);
  if (reasons.empty()) return;
  std::string unknowns;
  for (const std::string& r : reasons) unknowns += (unknowns.empty() ? "" : "; ") + r;
  auto recheck = [&](Separation* answer, const Trust& accepting, const Trust& refusing, const char* story) {
    if (answer->answer != Answer::kNo) return;
    Separation assumed = Separate(Acceptor::WholeTrust(accepting), Acceptor::WholeTrust(refusing), options);
    if (assumed.answer == Answer::kNo) return;
    answer->answer = Answer::kUndecided;
    if (assumed.answer == Answer::kYes)
      answer->limits.push_back(fmt::format("both versions depend on values unknown here ({}); if those values let "
                                           "the token in, {} token {}",
                                           unknowns, story, CompactJson(*assumed.witnesses.front().claims)));
    else
      answer->limits.push_back(fmt::format("both versions depend on values unknown here ({})", unknowns));
  };
  recheck(&change->widened, new_assumed, old_assumed, "NEW accepts and OLD refuses the");
  recheck(&change->narrowed, old_assumed, new_assumed, "OLD accepts and NEW refuses the");
}

}  // namespace

TrustChange CompareTrusts(const Trust* old_trust, const Trust* new_trust, const AnalysisOptions& options) {
  Acceptor old_side = old_trust ? Acceptor::WholeTrust(*old_trust) : Acceptor::Nothing();
  Acceptor new_side = new_trust ? Acceptor::WholeTrust(*new_trust) : Acceptor::Nothing();
  TrustChange change;
  change.widened = Separate(new_side, old_side, options);
  change.narrowed = Separate(old_side, new_side, options);
  if (old_trust && new_trust) CheckUnderAssumedUnknowns(*old_trust, *new_trust, options, &change);
  return change;
}

}  // namespace trustcheck
