// Representative values of each claim slot: a finite list such that every
// JSON value the claim could hold behaves, under every test that reads the
// claim, exactly like one of them (see trustcheck/analysis.h, METHOD).
//
// Values are generated generously (readable examples first, then whatever
// the automaton says is still missing, typed scalars, lists, absent, null,
// an object) and then deduplicated by their SIGNATURE: the results of every
// test on the claim, computed by the evaluator on a token that holds just
// that value, plus the facts that decide fallbacks and visibility.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "analysis/glob_space.h"
#include "analysis/readable.h"
#include "analysis/space.h"

namespace trustcheck::analysis {

class ValueBuilder {
 public:
  explicit ValueBuilder(Space* space) : s_(*space) {}
  void Run() {
    for (size_t i = 0; i < s_.claim_slots_; ++i) Build(static_cast<int>(i));
  }

 private:
  enum class Family { kPattern, kNumeric, kDate, kOther, kAny };

  static Family FamilyOf(const Leaf& leaf) {
    if (leaf.has_variables) return Family::kOther;
    switch (leaf.node->test->kind) {
      case MatchKind::kString:
      case MatchKind::kBool:
      case MatchKind::kTyped:
      case MatchKind::kJsonShape: return Family::kPattern;
      case MatchKind::kNumericEq:
      case MatchKind::kNumericLt:
      case MatchKind::kNumericLe:
      case MatchKind::kNumericGt:
      case MatchKind::kNumericGe: return Family::kNumeric;
      case MatchKind::kDateEq:
      case MatchKind::kDateLt:
      case MatchKind::kDateLe:
      case MatchKind::kDateGt:
      case MatchKind::kDateGe: return Family::kDate;
      case MatchKind::kPresence: return Family::kAny;
      case MatchKind::kArn:
      case MatchKind::kIpAddress: return Family::kOther;
    }
    return Family::kOther;
  }

  static const char* FamilyNoun(Family f) {
    switch (f) {
      case Family::kPattern: return "text";
      case Family::kNumeric: return "numbers";
      case Family::kDate: return "dates";
      default: return "values";
    }
  }

  static std::string NumberText(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e15) return fmt::format("{}", static_cast<int64_t>(d));
    return fmt::format("{}", d);
  }

  static std::vector<std::string> NumericPoints(const std::set<double>& bounds) {
    std::vector<std::string> out;
    if (bounds.empty()) return {"0", "x"};
    std::vector<double> b(bounds.begin(), bounds.end());
    out.push_back(NumberText(b.front() - 1));
    for (size_t i = 0; i < b.size(); ++i) {
      out.push_back(NumberText(b[i]));
      if (i + 1 < b.size()) out.push_back(NumberText(b[i] + (b[i + 1] - b[i]) / 2));
    }
    out.push_back(NumberText(b.back() + 1));
    out.push_back("x");
    return out;
  }

  static std::vector<std::string> DatePoints(const std::set<int64_t>& bounds) {
    std::vector<std::string> out;
    for (int64_t e : bounds)
      for (int64_t d : {e - 1, e, e + 1}) out.push_back(std::to_string(d));
    if (out.empty()) out.push_back("0");
    out.push_back("x");
    return out;
  }

  void Build(int index);
  std::vector<std::optional<Json::Value>> Fragments(Slot& slot, const std::vector<int>& readers,
                                                    const std::vector<std::optional<Json::Value>>& plain,
                                                    const std::function<std::string(const Json::Value&)>& signature);

  Space& s_;
};

void ComputeRepresentatives(Space* space) { ValueBuilder(space).Run(); }

void ValueBuilder::Build(int index) {
  Slot& slot = s_.slots_[index];
  const AnalysisOptions& options = s_.options_;
  std::vector<int> readers;
  for (size_t i = 0; i < s_.leaves_.size(); ++i) {
    const Leaf& leaf = s_.leaves_[i];
    if (leaf.whole_token || leaf.node->kind != Node::Kind::kTest) continue;
    if (std::find(leaf.value_deps.begin(), leaf.value_deps.end(), index) != leaf.value_deps.end())
      readers.push_back(static_cast<int>(i));
  }

  // Which family of tests the claim is modelled for; the others on it are
  // searched but not proved.
  bool pattern = false, numeric = false, date = false, iam = false, json = false;
  for (int r : readers) {
    const Leaf& leaf = s_.leaves_[r];
    Family f = FamilyOf(leaf);
    pattern = pattern || f == Family::kPattern;
    numeric = numeric || f == Family::kNumeric;
    date = date || f == Family::kDate;
    if (leaf.node->test->kind != MatchKind::kPresence)
      (leaf.node->test->typing == ValueTyping::kIamString ? iam : json) = true;
  }
  json = json || slot.expr_typed;
  Family family = pattern ? Family::kPattern : numeric ? Family::kNumeric : date ? Family::kDate : Family::kPattern;
  if (iam && json) {
    slot.complete = false;
    slot.limits.push_back(fmt::format("`{}` is read both as IAM text and as typed JSON; its values are not "
                                      "modelled exactly",
                                      slot.display));
  }
  for (int r : readers) {
    Leaf& leaf = s_.leaves_[r];
    Family f = FamilyOf(leaf);
    if (f == Family::kAny || f == Family::kOther || f == family || !leaf.modelable) continue;
    leaf.modelable = false;
    const Test& t = *leaf.node->test;
    leaf.limit = fmt::format("condition `{}` on `{}` compares {} on a claim also compared as {}; it is evaluated on "
                             "the candidate tokens but not modelled exactly",
                             t.op_display.empty() ? t.what : t.op_display, t.ref.display, FamilyNoun(f),
                             FamilyNoun(family));
  }

  // 1. Strings.
  std::vector<std::string> strings;
  if (family == Family::kPattern) {
    std::vector<Glob> globs;
    std::vector<Pattern> readable;
    std::vector<std::string> firsts;
    auto add_literal = [&](const std::string& text, bool fold) {
      if (auto g = Glob::Literal(text, fold)) globs.push_back(std::move(*g));
      readable.push_back(Pattern::Compile(text, {WildcardFlavor::kLiteral, fold, false}));
    };
    for (int r : readers) {
      const Leaf& leaf = s_.leaves_[r];
      if (FamilyOf(leaf) != Family::kPattern || !leaf.modelable) continue;
      const Test& t = *leaf.node->test;
      for (const Operand& op : t.operands) {
        if (!op.valid) continue;
        switch (t.kind) {
          case MatchKind::kString:
            if (auto g = Glob::FromPattern(op.pattern)) {
              globs.push_back(std::move(*g));
              readable.push_back(op.pattern);
            } else {
              // Not UTF-8: no JSON string can match it; nothing to cover.
            }
            break;
          case MatchKind::kBool:
            add_literal("true", true);
            add_literal("false", true);
            break;
          case MatchKind::kTyped:
            if (op.typed && op.typed->isString()) add_literal(op.typed->asString(), false);
            break;
          case MatchKind::kJsonShape:
            if (op.shape == JsonShape::kEmptyString) add_literal("", false);
            break;
          default: break;
        }
      }
    }
    for (const Glob& g : slot.expr_globs) globs.push_back(g);
    if (slot.is_issuer) {
      // Claims::aws_key_prefix(): `iss` without a leading `https://`
      // (exact), then lower-cased.
      Glob https = *Glob::Literal("https://", false);
      Glob any_https = https;
      any_https.AppendStar();
      globs.push_back(any_https);
      for (const std::string& p : slot.issuer_prefixes) {
        if (auto folded = Glob::Literal(p, true)) {
          Glob with = https;
          with.Append(*folded);
          globs.push_back(with);
          globs.push_back(*folded);
        }
        firsts.push_back("https://" + p);
      }
    }
    GlobClasses classes;
    if (globs.empty()) {
      classes.complete = true;
      classes.classes.push_back({{}, "x"});
    } else {
      classes = EnumerateGlobClasses(globs, options.max_automaton_states);
    }
    if (!classes.complete) {
      slot.complete = false;
      slot.limits.push_back(fmt::format("the patterns on `{}` need more than {} automaton states; its values are "
                                        "sampled, not enumerated",
                                        slot.display, options.max_automaton_states));
    }
    std::vector<std::string> candidates = firsts;
    for (std::string& c : ReadableCandidates(readable)) candidates.push_back(std::move(c));
    // An expression's literals come last: they are often fragments
    // (`startsWith('refs/heads/')`), not values.
    for (const std::string& c : slot.expr_candidates) candidates.push_back(c);
    // One candidate per pattern class is enough for the tests modelled by
    // globs; expression nodes and unmodelled tests see more than the
    // classes, so every candidate is kept for them (the signatures below
    // deduplicate).
    // Classifying a candidate matches it against every glob: with a thousand
    // wildcard patterns that is millions of matches per space, so past a
    // budget the candidates are cut and the values are sampled.
    constexpr size_t kMaxClassMatches = 500'000;
    if (!globs.empty() && candidates.size() * globs.size() > kMaxClassMatches) {
      candidates.resize(std::max<size_t>(1, kMaxClassMatches / globs.size()));
      slot.complete = false;
      slot.limits.push_back(fmt::format("the {} patterns on `{}` have too many candidate values to classify; its "
                                        "values are sampled, not enumerated",
                                        globs.size(), slot.display));
    }
    bool beyond_globs = !slot.expr_candidates.empty() || slot.expr_typed;
    for (int r : readers) beyond_globs = beyond_globs || FamilyOf(s_.leaves_[r]) != Family::kPattern;
    std::set<std::vector<bool>> covered;
    for (const std::string& c : candidates)
      if (covered.insert(ClassOf(globs, c)).second || beyond_globs) strings.push_back(c);
    if (!slot.fragments()) {
      constexpr size_t kExamples = 200;
      slot.examples.assign(candidates.begin(), candidates.begin() + static_cast<long>(std::min(kExamples, candidates.size())));
    }
    for (const GlobClass& c : classes.classes)
      if (covered.insert(c.matches).second) strings.push_back(c.example);
  }
  std::set<double> numeric_bounds;
  std::set<int64_t> date_bounds;
  std::vector<std::string> other_texts;
  for (int r : readers) {
    const Leaf& leaf = s_.leaves_[r];
    Family f = FamilyOf(leaf);
    for (const Operand& op : leaf.node->test->operands) {
      if (!op.valid) continue;
      if (f == Family::kNumeric) numeric_bounds.insert(op.number);
      else if (f == Family::kDate) date_bounds.insert(op.epoch_seconds);
      else if (f == Family::kOther) other_texts.push_back(op.text);
    }
  }
  if (family == Family::kNumeric || !numeric_bounds.empty())
    for (std::string& p : NumericPoints(numeric_bounds)) strings.push_back(std::move(p));
  if (family == Family::kDate || !date_bounds.empty())
    for (std::string& p : DatePoints(date_bounds)) strings.push_back(std::move(p));
  for (std::string& t : other_texts) strings.push_back(std::move(t));

  // 2. Typed scalars, for claims compared as typed JSON.
  std::vector<Json::Value> scalars;
  for (const std::string& s : strings) scalars.emplace_back(s);
  bool shapes = false;
  size_t quantified = 0;
  for (int r : readers) {
    const Test& t = *s_.leaves_[r].node->test;
    if (t.kind == MatchKind::kJsonShape) shapes = true;
    if (t.kind == MatchKind::kJsonShape || t.quantifier != Quantifier::kSingle) ++quantified;
  }
  if (json) {
    std::set<double> numbers;
    for (int r : readers) {
      const Test& t = *s_.leaves_[r].node->test;
      if (t.kind != MatchKind::kTyped) continue;
      for (const Operand& op : t.operands) {
        if (!op.typed || op.typed->isString()) continue;
        scalars.push_back(*op.typed);
        if (!op.typed->isNumeric()) continue;
        double d = op.typed->asDouble();
        numbers.insert(d);
        if (t.number_equality == NumberEquality::kIntegerText) {
          // Token numbers are truncated toward zero before comparing.
          double sign = d < 0 ? -1 : 1;
          scalars.emplace_back(d + sign * 0.5);
          scalars.emplace_back(d + sign * 0.25);
        }
      }
    }
    scalars.emplace_back(true);
    scalars.emplace_back(false);
    int other = 7;
    while (numbers.count(other)) ++other;
    scalars.emplace_back(other);
  }

  // Signatures: the tests on this claim, read from a token holding only it.
  std::vector<Node> probes;
  std::set<std::string> probe_seen;
  for (int r : readers) {
    const Leaf& leaf = s_.leaves_[r];
    if (leaf.has_variables || !probe_seen.insert(leaf.fingerprint).second) continue;
    Test t = *leaf.node->test;
    t.ref.issuer_prefix.clear();
    t.ref.visible = true;
    probes.push_back(Node::MakeTest(std::move(t), leaf.node->loc));
  }
  // Expression nodes read several claims: probe them with this one varied
  // and the others set to a plain string.
  struct ExprProbe {
    const Node* node;
    std::vector<int> others;
  };
  std::vector<ExprProbe> expr_probes;
  for (size_t i = 0; i < s_.leaves_.size(); ++i) {
    const Leaf& leaf = s_.leaves_[i];
    if (leaf.node->kind != Node::Kind::kExpr || leaf.whole_token) continue;
    if (std::find(leaf.value_deps.begin(), leaf.value_deps.end(), index) == leaf.value_deps.end()) continue;
    ExprProbe probe{leaf.node, {}};
    for (int d : leaf.deps)
      if (d != index) probe.others.push_back(d);
    expr_probes.push_back(std::move(probe));
  }
  // `fragment`: the value is a spelling group's name -> value object.
  auto signature = [&](const std::optional<Json::Value>& v, bool fragment = false) {
    std::string sig;
    if (slot.presence_bits) {
      sig += v ? '1' : '0';
      sig += v && !v->isNull() ? '1' : '0';
    }
    Json::Value root(Json::objectValue);
    if (v && fragment) PlaceValue(&root, slot, v);
    else if (v) SetAt(&root, slot.path, *v);
    Claims claims(root);
    if (slot.is_issuer)
      for (const std::string& p : slot.issuer_prefixes) sig += claims.aws_key_prefix() == p ? '1' : '0';
    for (const Node& probe : probes)
      sig += static_cast<char>('0' + static_cast<int>(EvaluateNode(probe, claims, "", nullptr)));
    for (const ExprProbe& probe : expr_probes) {
      Json::Value with_others = root;
      for (int d : probe.others)
        if (!s_.slots_[d].fragments()) SetAt(&with_others, s_.slots_[d].path, Json::Value("x"));
      if (v && fragment) PlaceValue(&with_others, slot, v);
      else if (v) SetAt(&with_others, slot.path, *v);
      sig += static_cast<char>('0' + static_cast<int>(EvaluateNode(*probe.node, Claims(with_others), "", nullptr)));
    }
    return sig;
  };

  std::set<std::string> seen;
  std::vector<std::optional<Json::Value>> values;
  auto keep = [&](std::optional<Json::Value> v, bool force) {
    std::string sig = signature(v);
    if (!seen.insert(sig).second && !force) return false;
    values.push_back(std::move(v));
    return true;
  };
  std::vector<Json::Value> elements;
  for (Json::Value& v : scalars)
    if (keep(v, false)) elements.push_back(v);

  // 3. Lists: empty, and lists of up to `quantified` distinct elements (a
  // single element repeated for "several values").
  keep(Json::Value(Json::arrayValue), false);
  size_t k = std::max<size_t>(1, std::min(quantified, elements.size()));
  bool lists_complete = true;
  if (json || shapes)
    for (const Json::Value& e : elements) {
      Json::Value one(Json::arrayValue);
      one.append(e);
      keep(one, false);
    }
  std::vector<size_t> pick;
  for (size_t size = 1; size <= k && lists_complete; ++size) {
    pick.assign(size, 0);
    for (size_t i = 0; i < size; ++i) pick[i] = i;
    while (true) {
      if (values.size() >= options.max_values_per_claim) {
        lists_complete = false;
        break;
      }
      Json::Value list(Json::arrayValue);
      for (size_t i : pick) list.append(elements[i]);
      if (size == 1) list.append(elements[pick[0]]);
      keep(list, false);
      // Next combination of `size` out of elements.size().
      size_t i = size;
      while (i > 0 && pick[i - 1] == elements.size() - size + i - 1) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (size_t j = i; j < size; ++j) pick[j] = pick[j - 1] + 1;
    }
  }
  if (!lists_complete) {
    slot.complete = false;
    slot.limits.push_back(fmt::format("`{}` would need more than {} list values; lists are sampled, not enumerated",
                                      slot.display, options.max_values_per_claim));
  }

  // 4. Absent, null, an object (kept whatever their signature when other
  // claims nest inside this one).
  bool container = !slot.children.empty();
  keep(std::nullopt, container);
  keep(Json::Value(Json::nullValue), false);
  keep(Json::Value(Json::objectValue), container);
  if (slot.fragments()) values = Fragments(slot, readers, values, [&](const Json::Value& f) { return signature(f, true); });
  slot.values = std::move(values);
}

// A spelling group's values as fragments (space.h, Slot::spellings). What a
// test can see of a group is one of three VIEWS: the canonical name alone
// (C), the first non-null spelling in list order (L, every non-shape test on
// the list) and the first present spelling, null included (S, shape tests
// on the list). Two spellings before the canonical one and two after are
// enough to realise every combination of views a token can produce; each
// combination that the tests can tell apart becomes one fragment.
std::vector<std::optional<Json::Value>> ValueBuilder::Fragments(
    Slot& slot, const std::vector<int>& readers, const std::vector<std::optional<Json::Value>>& plain,
    const std::function<std::string(const Json::Value&)>& signature) {
  const std::vector<std::string>& names = slot.spellings;
  const std::string& canonical = slot.path[0];
  size_t at = std::find(names.begin(), names.end(), canonical) - names.begin();
  std::vector<std::string> before(names.begin(), names.begin() + static_cast<long>(std::min<size_t>(at, 2)));
  std::vector<std::string> after;
  for (size_t i = at + 1; i < names.size() && after.size() < 2; ++i) after.push_back(names[i]);
  bool c_view = false, l_view = false, s_view = false;
  for (int r : readers) {
    const Test& t = *s_.leaves_[r].node->test;
    if (t.ref.names.size() == 1) c_view = true;
    else if (t.kind == MatchKind::kJsonShape) s_view = true;
    else l_view = true;
  }
  // The distinct present values: indexes 0..k-1; -1 absent, -2 null.
  std::vector<Json::Value> present;
  for (const auto& v : plain)
    if (v && !v->isNull()) present.push_back(*v);
  const int k = static_cast<int>(present.size());
  std::vector<int> choices{-1, -2};
  for (int i = 0; i < k; ++i) choices.push_back(i);
  // Positions: before[0], before[1], canonical, after[0], after[1].
  std::vector<std::string> position_names;
  for (const std::string& n : before) position_names.push_back(n);
  size_t c_index = position_names.size();
  position_names.push_back(canonical);
  for (const std::string& n : after) position_names.push_back(n);
  std::vector<std::optional<Json::Value>> out;
  std::set<std::string> seen_views, seen_signatures;
  auto consider = [&](const std::vector<int>& assign) {
    int s_seen = -1, l_seen = -1;
    bool s_done = false;
    for (int v : assign) {
      if (v == -1) continue;
      if (!s_done) s_seen = v, s_done = true;
      if (v >= 0) {
        l_seen = v;
        break;
      }
    }
    std::string key = fmt::format("{}|{}|{}", c_view ? assign[c_index] : 0, l_view ? l_seen : 0, s_view ? s_seen : 0);
    if (!seen_views.insert(key).second) return;
    Json::Value fragment(Json::objectValue);
    for (size_t i = 0; i < assign.size(); ++i) {
      if (assign[i] == -1) continue;
      fragment[position_names[i]] = assign[i] == -2 ? Json::Value(Json::nullValue) : present[assign[i]];
    }
    if (seen_signatures.insert(signature(fragment)).second) out.emplace_back(std::move(fragment));
  };
  // The canonical spelling alone first: the readable tokens.
  std::vector<int> assign(position_names.size(), -1);
  for (int c : choices) {
    assign[c_index] = c;
    consider(assign);
  }
  size_t total = 1;
  for (size_t i = 0; i < position_names.size(); ++i) total *= choices.size();
  if (total > 2000000) {
    slot.complete = false;
    slot.limits.push_back(fmt::format("`{}` has too many spellings and values to enumerate", slot.display));
    return out;
  }
  std::vector<size_t> counter(position_names.size(), 0);
  while (true) {
    for (size_t i = 0; i < counter.size(); ++i) assign[i] = choices[counter[i]];
    consider(assign);
    size_t i = 0;
    for (; i < counter.size(); ++i) {
      if (++counter[i] < choices.size()) break;
      counter[i] = 0;
    }
    if (i == counter.size()) break;
  }
  return out;
}

}  // namespace trustcheck::analysis
