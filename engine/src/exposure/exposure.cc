// The exposure analysis (trustcheck/exposure.h): harvest the names a trust
// uses, build the tokens of each rung from the issuer's token model, decide
// them, and prove "nobody" with the analysis layer.

#include "trustcheck/exposure.h"

#include <fmt/format.h>
#include <json/json.h>
#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "exposure/token_models.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "text/ascii.h"
#include "trustcheck/wording.h"

namespace trustcheck {

namespace {

using exposure::ClaimTemplate;
using exposure::RunKind;
using exposure::TokenModel;
using exposure::TokenShape;

// ---------------------------------------------------------------------------
// Small helpers.

bool SameIssuer(std::string_view a, std::string_view b) { return AsciiLower(NormaliseIssuer(a)) == AsciiLower(NormaliseIssuer(b)); }

// The claim a test reads, as its first candidate name (Vault lists every
// spelling; the displayed one is the claim's own name).
std::string ClaimOf(const Test& test) {
  const ValueRef& ref = test.ref;
  if (ref.source == ValueRef::Source::kAction || ref.names.empty()) return "";
  if (std::find(ref.names.begin(), ref.names.end(), ref.display) != ref.names.end()) return ref.display;
  return ref.names.front();
}

bool IsIssuerTest(const Test& test) {
  return test.ref.source == ValueRef::Source::kClaim && ClaimOf(test) == "iss" && test.kind == MatchKind::kString;
}

bool IsValueMatch(const Test& test) {
  return (test.kind == MatchKind::kString || test.kind == MatchKind::kTyped) &&
         test.ref.source != ValueRef::Source::kAction;
}

// The pattern an operand matches with, for reading with a grammar.
Pattern OperandPattern(const Test& test, const Operand& op) {
  if (test.kind == MatchKind::kTyped) {
    std::string text = op.typed && op.typed->isString() ? op.typed->asString() : op.text;
    return Pattern::Compile(text, {WildcardFlavor::kLiteral, false, false});
  }
  return op.pattern;
}

// One value an operand matches: its literal text with each wildcard an `x`.
std::string Instantiate(const Pattern& pattern) {
  if (!pattern.has_wildcards() && pattern.options().flavor == WildcardFlavor::kLiteral) return pattern.text();
  std::string out;
  for (const Pattern::Piece& p : pattern.Pieces()) out += p.kind == Pattern::Piece::kLiteral ? p.literal : "x";
  return out;
}

std::string Instantiate(const ClaimParts::Text& t) {
  std::string out;
  for (size_t i = 0; i < t.text.size(); ++i) out += t.wild[i] ? std::string("x") : std::string(1, t.text[i]);
  return out;
}

// The top-level claim a claim name or JSON pointer lives in
// (`/kubernetes.io/namespace` -> `kubernetes.io`).
std::string TopClaim(const std::string& claim) {
  if (claim.empty() || claim[0] != '/') return claim;
  size_t slash = claim.find('/', 1);
  return claim.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
}

struct TestSite {
  const Node* node = nullptr;
  const Test* test = nullptr;
  bool under_not = false;
};

void CollectTests(const Node& node, bool under_not, std::vector<TestSite>* out) {
  if (node.kind == Node::Kind::kTest) {
    out->push_back({&node, node.test.get(), under_not});
    return;
  }
  bool flip = node.kind == Node::Kind::kNot;
  for (const Node& c : node.children) CollectTests(c, under_not != flip, out);
}

// ---------------------------------------------------------------------------
// Unknowns as symbols.

Node AssumeNode(const Node& node) {
  if (node.kind == Node::Kind::kUnknown && node.assumed()) return AssumeNode(*node.assumed());
  if (node.children.empty()) return node;
  Node out = node;
  for (Node& c : out.children) c = AssumeNode(c);
  return out;
}

bool HasExpr(const Node& node) {
  if (node.kind == Node::Kind::kExpr) return true;
  return std::any_of(node.children.begin(), node.children.end(), HasExpr);
}

bool HasAssumable(const Node& node) {
  if (node.kind == Node::Kind::kUnknown && node.assumed()) return true;
  return std::any_of(node.children.begin(), node.children.end(), HasAssumable);
}

// ---------------------------------------------------------------------------
// Issuers.

// The first profile whose `sub` grammar recognises every subject value the
// statement checks (`organization:acme:project:...` reads as HCP Terraform).
const IssuerProfile* GuessFromSubjects(const std::vector<TestSite>& tests) {
  std::vector<const TestSite*> subjects;
  for (const TestSite& site : tests)
    if (!site.under_not && !site.test->negated && IsValueMatch(*site.test) && ClaimOf(*site.test) == "sub")
      subjects.push_back(&site);
  if (subjects.empty()) return nullptr;
  for (const IssuerProfile& p : IssuerProfiles()) {
    if (!FindClaimGrammar(p, "sub")) continue;
    bool all = true;
    for (const TestSite* s : subjects)
      for (const Operand& o : s->test->operands) {
        if (!o.valid) continue;
        if (o.text.empty() || o.text[0] == '*' || o.text[0] == '?') all = false;  // fits every grammar
        else if (!ReadClaimPattern(p, "sub", Pattern::Compile(o.text, o.pattern.options())).recognised) all = false;
      }
    if (all) return &p;
  }
  return nullptr;
}

const IssuerProfile* GuessFromClaims(const std::vector<TestSite>& tests) {
  std::vector<std::string> claims;
  for (const TestSite& site : tests)
    if (!site.test->negated && IsValueMatch(*site.test)) claims.push_back(ClaimOf(*site.test));
  return GuessIssuerProfile(claims);
}

// ---------------------------------------------------------------------------
// Field facts.

struct FieldInfo {
  std::string name;
  std::string noun;
  FieldLevel level = FieldLevel::kDetail;
};

bool IsTenantLevel(FieldLevel l) { return l == FieldLevel::kTenant || l == FieldLevel::kTenantId; }
bool IsResourceLevel(FieldLevel l) { return l == FieldLevel::kResource || l == FieldLevel::kResourceId; }

// The `{name}` placeholders of a template, in order.
std::vector<std::string> Placeholders(std::string_view tmpl) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = tmpl.find('{', i)) != std::string_view::npos) {
    size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) break;
    out.emplace_back(tmpl.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  return out;
}

// Walks a template: literal text goes to `literal`, each `{name}` to
// `placeholder`. A `{` that closes no placeholder is literal.
template <typename Literal, typename Placeholder>
void ForEachPart(std::string_view tmpl, Literal&& literal, Placeholder&& placeholder) {
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    size_t close = open == std::string_view::npos ? open : tmpl.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      literal(tmpl.substr(i));
      return;
    }
    if (open > i) literal(tmpl.substr(i, open - i));
    placeholder(tmpl.substr(open + 1, close - open - 1), tmpl.substr(open, close - open + 1));
    i = close + 1;
  }
}

// `tmpl` with each `{name}` that `vars` sets replaced, the others given by
// `missing(name, written)`.
template <typename Missing>
std::string Expand(std::string_view tmpl, const std::map<std::string, std::string>& vars, Missing&& missing) {
  std::string out;
  ForEachPart(
      tmpl, [&](std::string_view text) { out += text; },
      [&](std::string_view name, std::string_view written) {
        auto it = vars.find(std::string(name));
        out += it != vars.end() ? it->second : missing(name, written);
      });
  return out;
}

// `tmpl` with `{var}` replaced from `vars`; nullopt when one is not set. A
// brace that holds no variable name (a Bitbucket `{UUID}` value) is literal.
std::optional<std::string> Render(std::string_view tmpl, const std::map<std::string, std::string>& vars) {
  bool unset = false;
  std::string out = Expand(tmpl, vars, [&](std::string_view name, std::string_view written) {
    if (name.empty() || name.find_first_of("-\"") != std::string_view::npos) return std::string(written);
    unset = true;
    return std::string();
  });
  if (unset) return std::nullopt;
  return out;
}

// A glob as bytes and a wildcard mask (`*` any run, `?` one byte).
struct Glob {
  std::string text;
  std::vector<bool> wild;
};

Glob GlobOf(std::string_view text) {
  Glob g;
  for (char c : text) {
    g.text += c;
    g.wild.push_back(c == '*' || c == '?');
  }
  return g;
}

// True when some string matches both globs.
bool GlobsIntersect(const Glob& a, const Glob& b) {
  const size_t n = a.text.size(), m = b.text.size();
  std::vector<char> seen((n + 1) * (m + 1), 0);
  std::vector<std::pair<size_t, size_t>> stack = {{0, 0}};
  auto push = [&](size_t i, size_t j) {
    if (!seen[i * (m + 1) + j]) {
      seen[i * (m + 1) + j] = 1;
      stack.emplace_back(i, j);
    }
  };
  seen[0] = 1;
  while (!stack.empty()) {
    auto [i, j] = stack.back();
    stack.pop_back();
    if (i == n && j == m) return true;
    bool as = i < n && a.wild[i] && a.text[i] == '*';
    bool bs = j < m && b.wild[j] && b.text[j] == '*';
    if (as) push(i + 1, j);  // the star matches nothing more
    if (bs) push(i, j + 1);
    if (i < n && j < m) {
      // One byte both can match; a star stays to match more.
      bool a_any = a.wild[i], b_any = b.wild[j];
      if (a_any || b_any || a.text[i] == b.text[j]) {
        push(as ? i : i + 1, bs ? j : j + 1);
        if (as && bs) {
          push(i + 1, j);
          push(i, j + 1);
        }
      }
    }
  }
  return false;
}

// `*` for every variable of a template (run variables expanded first).
std::string TemplateGlob(std::string_view tmpl, const RunKind& run, const std::string& name) {
  std::map<std::string, std::string> vars;
  vars["name"] = name;
  for (const auto& [key, t] : run.vars)
    if (auto r = Render(t, vars)) vars[key] = *r;
  return Expand(tmpl, vars, [](std::string_view, std::string_view) { return std::string("*"); });
}

// ---------------------------------------------------------------------------
// Reading a run's name out of a claim value: for each claim template of a
// run kind that carries `{name}` (`ref` = `refs/heads/{name}` for a branch),
// a regular expression that captures it. Built once per model.

struct RunMatcher {
  std::string claim;
  const RunKind* run = nullptr;
  std::unique_ptr<RE2> regex;
  int name_group = -1;
};

std::vector<RunMatcher> BuildRunMatchers(const TokenModel& model) {
  std::vector<RunMatcher> out;
  for (const TokenShape& shape : model.shapes)
    for (const RunKind& run : shape.runs) {
      if (!run.fixed_names.empty()) continue;
      std::map<std::string, std::string> vars;
      for (const auto& [k, v] : run.vars) vars[k] = v;
      for (const auto& [claim, tmpl] : shape.claims) {
        // The run's variables expanded (their templates may use {name}),
        // other placeholders kept.
        std::string expanded = Expand(tmpl, vars, [](std::string_view, std::string_view written) {
          return std::string(written);
        });
        std::vector<std::string> names = Placeholders(expanded);
        if (std::count(names.begin(), names.end(), "name") == 0) continue;
        // Literals quoted, {name} any text, other variables up to a separator.
        std::string re;
        int name_group = -1, group = 0;
        ForEachPart(
            expanded, [&](std::string_view text) { re += RE2::QuoteMeta(std::string(text)); },
            [&](std::string_view var, std::string_view) {
              ++group;
              if (var == "name") name_group = group;
              re += var == "name" ? "(.+)" : "([^:/@]+)";
            });
        auto regex = std::make_unique<RE2>(re);
        if (!regex->ok() || name_group < 0) continue;
        out.push_back({claim, &run, std::move(regex), name_group});
      }
    }
  return out;
}

const std::vector<RunMatcher>& RunMatchers(const TokenModel& model) {
  // Every model's matchers, built once: the models are static data.
  static const auto* kAll = [] {
    auto* all = new std::map<const TokenModel*, std::vector<RunMatcher>>();
    (*all)[&exposure::GenericTokenModel()] = BuildRunMatchers(exposure::GenericTokenModel());
    for (const IssuerProfile& p : IssuerProfiles())
      if (const TokenModel* m = exposure::FindTokenModel(p.id)) (*all)[m] = BuildRunMatchers(*m);
    return all;
  }();
  static const std::vector<RunMatcher> kNone;
  auto it = kAll->find(&model);
  return it == kAll->end() ? kNone : it->second;
}

// ---------------------------------------------------------------------------
// The analysis of one (sub-)trust for one issuer.

class IssuerAnalysis {
 public:
  IssuerAnalysis(const Trust& original, const Trust& assumed, const AcceptedIssuer& issuer,
                 const ExposureOptions& options)
      : original_(original), trust_(assumed), issuer_(issuer), options_(options) {
    profile_ = issuer.profile;
    model_ = profile_ ? exposure::FindTokenModel(profile_->id) : nullptr;
    if (!model_) model_ = &exposure::GenericTokenModel();
    shared_ = profile_ && profile_->tenancy == Tenancy::kShared;
    for (const Statement& s : trust_.statements) CollectTests(s.when, false, &tests_);
  }

  IssuerExposure Run();

 private:
  // One candidate token and what it changes against the trust's own names.
  struct Candidate {
    Json::Value claims;
    const TokenShape* shape = nullptr;
    const RunKind* run = nullptr;
    bool fresh_run = false;        // a run name no trust pins (or a run kind whose names are fixed)
    bool run_open = false;         // any run of its kind: a fresh name, or a kind whose runs all look alike
    bool tenant_foreign = false;   // every tenant field foreign (and the shape has one)
    bool resource_foreign = false; // some resource field foreign
    bool all_foreign = false;      // every field foreign
    bool own_resource = false;     // some resource field is the trust's own
    bool has_tenant = false;       // the shape has tenant fields
    std::map<std::string, std::string> vars;  // field values
    std::set<std::string> own_fields;         // the fields holding the trust's own values
    // How the token was built, to build it again in full for a witness:
    // `claims` holds only the claims the trust reads.
    std::string name, aud, custom_sub;
    std::vector<std::pair<std::string, std::string>> extras;
  };
  Json::Value FullToken(const Candidate& c) const;
  bool Named(const std::string& field) const {
    auto o = own_.find(field);
    auto f = foreign_.find(field);
    return (o != own_.end() && !o->second.empty()) || (f != foreign_.end() && !f->second.empty()) ||
           opened_.count(field) > 0;
  }

  void PrepareFields();
  void Harvest();
  void HarvestValue(const std::string& claim, const Test& test, const Operand& op);
  std::string Fresh(const FieldInfo& f) const;
  std::string IssuerValue() const;
  std::vector<std::string> Audiences() const;

  // Every candidate token, until `visit` returns false or the budget ends.
  void Enumerate(const std::function<bool(const Candidate&)>& visit);
  Reach Classify(const Candidate& c) const;
  // `only`: the claims to build (null: all of them). Sets the run's
  // variables in `vars`.
  Json::Value Build(const TokenShape& shape, const RunKind& run, const std::string& name,
                    std::map<std::string, std::string>& vars, const std::vector<const ClaimTemplate*>* only) const;
  // The claims of `shape` the trust reads (what a candidate must carry).
  const std::vector<const ClaimTemplate*>& ReadTemplates(const TokenShape& shape);
  // False for a shape other than the model's first when no subject value of
  // the trust could be one of its subjects (GitHub's immutable subjects for
  // a trust that names no `@`).
  bool ShapeRelevant(const TokenShape& shape) const;
  bool Accepts(const Json::Value& claims, Tri* raw = nullptr);
  Admission Admit(const Candidate& c, Reach reach) const;
  void FindCulprit(const Json::Value& claims, Reach reach, Admission* a) const;
  std::string Words(const Candidate& c, Reach reach, const Admission& a) const;
  std::string ResourceWords(const Json::Value& claims) const;
  void ProveNobody(IssuerExposure* out);

  const Trust& original_;
  const Trust& trust_;
  const AcceptedIssuer& issuer_;
  const ExposureOptions& options_;
  const IssuerProfile* profile_ = nullptr;
  const TokenModel* model_ = nullptr;
  bool shared_ = false;
  std::vector<TestSite> tests_;
  std::map<std::string, FieldInfo> fields_;
  std::map<std::string, std::vector<std::string>> own_;      // field -> literal values the trust names
  std::map<std::string, std::vector<std::string>> foreign_;  // field -> instantiated wildcards
  std::set<std::string> opened_;                             // fields a value leaves open
  std::map<std::string, std::vector<std::string>> run_names_;  // run noun -> names
  struct ClaimValue {
    std::string value;
    bool literal;
    bool named = true;  // false: a stand-in for a claim that must only be present
  };
  std::map<std::string, std::vector<ClaimValue>> claim_values_;  // claim -> values the trust names
  std::vector<std::string> fresh_runs_;  // run kinds admitted under a fresh name
  // The claims the trust reads (top-level names); candidates carry only
  // these unless `minimal_` is false (an expression may read any claim).
  std::set<std::string> read_claims_;
  bool minimal_ = true;
  std::map<const TokenShape*, std::vector<const ClaimTemplate*>> read_templates_;
  std::vector<Glob> sub_globs_;  // the trust's `sub` values, as globs
  struct CustomSubject {
    std::string text;
    std::map<std::string, std::string> fields;  // the fields it names
  };
  std::vector<CustomSubject> custom_subjects_;
  size_t decided_ = 0;
  bool budget_hit_ = false;
  bool undecided_ = false;
};

void AddUnique(std::vector<std::string>* list, std::string value, size_t cap) {
  if (value.empty() || std::find(list->begin(), list->end(), value) != list->end() || list->size() >= cap) return;
  list->push_back(std::move(value));
}

void IssuerAnalysis::PrepareFields() {
  if (profile_)
    for (const SubjectField& f : profile_->fields) fields_[f.name] = {f.name, f.noun, f.level};
  for (const exposure::ModelField& f : model_->extra_fields)
    fields_[f.name] = {f.name, f.noun, f.tenant ? FieldLevel::kTenant : FieldLevel::kResource};
  for (const char* d : model_->detail_fields)
    if (fields_.count(d)) fields_[d].level = FieldLevel::kDetail;
}

std::string IssuerAnalysis::Fresh(const FieldInfo& f) const {
  std::string base;
  for (const auto& [name, value] : model_->fresh)
    if (f.name == name) base = value;
  if (base.empty()) {
    switch (f.level) {
      case FieldLevel::kTenant: base = "trustcheck-stranger"; break;
      case FieldLevel::kTenantId: base = "987654321"; break;
      case FieldLevel::kResource: base = "trustcheck-other"; break;
      case FieldLevel::kResourceId: base = "987654322"; break;
      case FieldLevel::kDetail: base = "trustcheck-x"; break;
    }
  }
  auto it = own_.find(f.name);
  std::string out = base;
  for (int i = 2; it != own_.end() && std::find(it->second.begin(), it->second.end(), out) != it->second.end(); ++i)
    out = base + std::to_string(i);
  return out;
}

void IssuerAnalysis::HarvestValue(const std::string& claim, const Test& test, const Operand& op) {
  Pattern pattern = OperandPattern(test, op);
  bool literal = !pattern.has_wildcards();
  if (claim == "sub" && sub_globs_.size() < 64) {
    Glob g;
    for (const Pattern::Piece& p : pattern.Pieces()) {
      if (p.kind == Pattern::Piece::kLiteral) {
        g.text += p.literal;
        g.wild.insert(g.wild.end(), p.literal.size(), false);
      } else {
        g.text += p.kind == Pattern::Piece::kStar ? '*' : '?';
        g.wild.push_back(true);
      }
    }
    sub_globs_.push_back(std::move(g));
  }
  std::string instance = Instantiate(pattern);
  std::vector<ClaimValue>& values = claim_values_[claim];
  if (values.size() < 6 && std::none_of(values.begin(), values.end(), [&](const ClaimValue& v) { return v.value == instance; }))
    values.push_back({instance, literal});
  // Fields, as the grammar reads them.
  if (profile_) {
    for (const ClaimParts& parts : SplitClaimPattern(*profile_, claim, pattern)) {
      // A subject in a custom template (`workflow:deploy`, or pairs before
      // the workload): tried in place of the built subject, with the fields
      // it names.
      if (claim == "sub" && (!parts.leading.empty() || !parts.form)) {
        CustomSubject custom;
        custom.text = instance;
        for (const ClaimParts::Field& f : parts.fields)
          if (f.def && f.closed) custom.fields[f.def->name] = f.value.text;
        if (custom_subjects_.size() < 4) custom_subjects_.push_back(std::move(custom));
      }
      for (const ClaimParts::Field& f : parts.fields) {
        if (!f.def) continue;
        if (f.closed) AddUnique(&own_[f.def->name], f.value.text, 4);
        else if (f.value.text != "*") AddUnique(&foreign_[f.def->name], Instantiate(f.value), 3);
        if (!f.closed) opened_.insert(f.def->name);
      }
    }
  }
  for (const auto& [c, field] : model_->whole_value_fields) {
    if (claim != c) continue;
    if (literal) AddUnique(&own_[field], instance, 4);
    else if (pattern.text() != "*") AddUnique(&foreign_[field], instance, 3);
  }
  // Run names: the value read against each run's claim templates.
  for (const RunMatcher& m : RunMatchers(*model_)) {
    if (m.claim != claim) continue;
    std::vector<std::string> captures(static_cast<size_t>(m.regex->NumberOfCapturingGroups()));
    std::vector<RE2::Arg> args(captures.size());
    std::vector<RE2::Arg*> argp(captures.size());
    for (size_t k = 0; k < captures.size(); ++k) {
      args[k] = &captures[k];
      argp[k] = &args[k];
    }
    if (RE2::FullMatchN(instance, *m.regex, argp.data(), static_cast<int>(argp.size())))
      AddUnique(&run_names_[m.run->noun], captures[static_cast<size_t>(m.name_group - 1)], 4);
  }
}

void IssuerAnalysis::Harvest() {
  for (const char* c : {"iss", "aud", "exp", "nbf", "iat"}) read_claims_.insert(c);
  for (const RequiredAction& a : trust_.required_actions)
    if (!a.when_claim_present.empty()) read_claims_.emplace(a.when_claim_present);
  for (const Statement& s : trust_.statements)
    if (HasExpr(s.when)) minimal_ = false;
  for (const TestSite& site : tests_) {
    const Test& t = *site.test;
    if (t.ref.source == ValueRef::Source::kPointer && !t.ref.names.empty()) {
      read_claims_.insert(TopClaim(t.ref.names.front()));
    } else {
      for (const std::string& n : t.ref.names) read_claims_.insert(n);
    }
    for (const Operand& op : t.operands)
      for (const Operand::Segment& seg : op.segments)
        if (seg.is_variable)
          for (const std::string& n : seg.ref.names) read_claims_.insert(n);
    if (t.kind == MatchKind::kJsonShape && !t.negated && t.missing_result == Tri::kFalse) {
      // A claim that must be present (Vault's `user_claim`): any string.
      std::string claim = ClaimOf(t);
      if (!claim.empty() && claim_values_[claim].empty()) claim_values_[claim].push_back({"trustcheck-user", false, false});
      continue;
    }
    if (!IsValueMatch(t) || IsIssuerTest(t)) continue;
    std::string claim = ClaimOf(t);
    if (claim.empty()) continue;
    for (const Operand& op : t.operands)
      if (op.valid) HarvestValue(claim, t, op);
  }
}

std::string IssuerAnalysis::IssuerValue() const {
  if (!issuer_.issuer.empty()) {
    std::string norm = NormaliseIssuer(issuer_.issuer);
    // The exact text the trust names, when a test names it.
    for (const TestSite& site : tests_)
      if (IsIssuerTest(*site.test) && !site.test->negated)
        for (const Operand& op : site.test->operands)
          if (SameIssuer(op.text, issuer_.issuer) && !op.pattern.has_wildcards()) return op.text;
    return norm;
  }
  if (profile_ && !profile_->issuers.empty()) return profile_->issuers.front();
  return "https://issuer.example";
}

std::vector<std::string> IssuerAnalysis::Audiences() const {
  std::vector<std::string> out;
  auto it = claim_values_.find("aud");
  if (it != claim_values_.end())
    for (const ClaimValue& v : it->second) AddUnique(&out, v.value, 3);
  // Google on AWS reads `azp` for the audience key.
  if (out.empty()) out.push_back("trustcheck-audience");
  return out;
}

bool IssuerAnalysis::Accepts(const Json::Value& claims, Tri* raw) {
  ++decided_;
  EvalOptions eo;
  eo.now = options_.now;
  Tri t = Decide(trust_, Claims(claims), eo);  // copies the (small) token
  if (raw) *raw = t;
  if (t == Tri::kUnknown) undecided_ = true;
  return t == Tri::kTrue;
}

// True when a run's name shows in the token (a branch), false for kinds
// whose runs all look alike (a Kubernetes pod).
bool RunNamed(const TokenShape& shape, const RunKind& run) {
  return !run.vars.empty() || std::any_of(shape.claims.begin(), shape.claims.end(), [](const ClaimTemplate& c) {
           return std::string_view(c.second).find("{name}") != std::string_view::npos;
         });
}

// The fields a shape's templates use, in template order.
std::vector<std::string> ShapeFields(const TokenShape& shape, const std::map<std::string, FieldInfo>& fields) {
  std::vector<std::string> out;
  for (const auto& [claim, tmpl] : shape.claims)
    for (const std::string& p : Placeholders(tmpl))
      if (fields.count(p) && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

// Sets `claim` (a name, or a JSON pointer of plain names) in `claims`.
void SetClaim(Json::Value* claims, const std::string& claim, Json::Value value) {
  if (claim.empty() || claim[0] != '/') {
    (*claims)[claim] = std::move(value);
    return;
  }
  Json::Value* at = claims;
  std::string_view rest(claim);
  rest.remove_prefix(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string key(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
      (*at)[key] = std::move(value);
      return;
    }
    at = &(*at)[key];
    rest.remove_prefix(slash + 1);
  }
}

const std::vector<const ClaimTemplate*>& IssuerAnalysis::ReadTemplates(const TokenShape& shape) {
  auto it = read_templates_.find(&shape);
  if (it != read_templates_.end()) return it->second;
  std::vector<const ClaimTemplate*>& out = read_templates_[&shape];
  for (const ClaimTemplate& c : shape.claims)
    if (read_claims_.count(TopClaim(c.first))) out.push_back(&c);
  return out;
}

bool IssuerAnalysis::ShapeRelevant(const TokenShape& shape) const {
  if (&shape == &model_->shapes.front()) return true;
  const ClaimTemplate* sub = nullptr;
  for (const ClaimTemplate& c : shape.claims)
    if (std::string_view(c.first) == "sub") sub = &c;
  if (!sub) return true;
  for (const RunKind& run : shape.runs) {
    std::vector<std::string> names;
    if (run.fixed_names.empty()) names.push_back("*");
    for (const char* n : run.fixed_names) names.push_back(n);
    for (const std::string& n : names) {
      Glob shape_glob = GlobOf(TemplateGlob(sub->second, run, n));
      for (const Glob& g : sub_globs_)
        if (GlobsIntersect(g, shape_glob)) return true;
    }
  }
  return false;
}

Json::Value IssuerAnalysis::Build(const TokenShape& shape, const RunKind& run, const std::string& name,
                                  std::map<std::string, std::string>& vars,
                                  const std::vector<const ClaimTemplate*>* only) const {
  vars["name"] = name;
  for (const auto& [key, tmpl] : run.vars)
    if (auto r = Render(tmpl, vars)) vars[key] = *r;
  Json::Value claims(Json::objectValue);
  std::vector<const ClaimTemplate*> all;
  if (!only) {
    for (const ClaimTemplate& c : shape.claims) all.push_back(&c);
    only = &all;
  }
  for (const ClaimTemplate* ct : *only) {
    const char* claim = ct->first;
    const char* tmpl = ct->second;
    auto value = Render(tmpl, vars);
    if (!value) continue;
    Json::Value jv(*value);
    if (!value->empty() && value->front() == '[') {
      Json::Reader reader;
      Json::Value list;
      if (reader.parse(*value, list) && list.isArray()) jv = list;
    }
    SetClaim(&claims, claim, std::move(jv));
  }
  claims["iat"] = Json::Int64(options_.now);
  claims["exp"] = Json::Int64(options_.now + 3600);
  return claims;
}

void IssuerAnalysis::Enumerate(const std::function<bool(const Candidate&)>& visit) {
  const std::vector<std::string> auds = Audiences();
  const std::string iss = IssuerValue();
  for (const TokenShape& shape : model_->shapes) {
    if (!ShapeRelevant(shape)) continue;
    const std::vector<const ClaimTemplate*>* only = minimal_ ? &ReadTemplates(shape) : nullptr;
    const std::vector<std::string> names = ShapeFields(shape, fields_);
    // Per field: each value to try, and whether it is the trust's own.
    std::vector<std::vector<std::pair<std::string, bool>>> choices;
    bool has_tenant = false;
    for (const std::string& n : names) {
      const FieldInfo& f = fields_.at(n);
      if (IsTenantLevel(f.level)) has_tenant = true;
      std::vector<std::pair<std::string, bool>> values;
      const std::vector<std::string>& own = own_[n];
      for (const std::string& v : own) values.emplace_back(v, true);
      for (const std::string& v : foreign_[n])
        if (std::find(own.begin(), own.end(), v) == own.end()) values.emplace_back(v, false);
      values.emplace_back(Fresh(f), false);
      choices.push_back(std::move(values));
    }
    // Runs: the names the trust uses and a fresh one per kind.
    std::vector<std::pair<const RunKind*, std::pair<std::string, bool>>> runs;
    for (const RunKind& run : shape.runs) {
      if (!run.fixed_names.empty()) {
        for (const char* n : run.fixed_names) runs.push_back({&run, {n, true}});
        continue;
      }
      // A run kind whose name shows nowhere in the token is one run.
      if (!RunNamed(shape, run)) {
        runs.push_back({&run, {run.probe_name, false}});
        continue;
      }
      auto it = run_names_.find(run.noun);
      if (it != run_names_.end())
        for (const std::string& n : it->second)
          if (n != run.probe_name) runs.push_back({&run, {n, false}});
      bool counts = !run.fresh_only_if_named || (it != run_names_.end() && !it->second.empty());
      runs.push_back({&run, {run.probe_name, counts}});
    }
    // Claims the trust reads that the shape does not build: absent, or one
    // of the values the trust names (a stranger can pick those only for
    // claims the platform lets anyone choose, or through a wildcard).
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, bool>>>> extras;
    // Per extra claim: a value the trust names there identifies the
    // workload (a Kubernetes namespace bound by a Vault role), unless
    // anyone may choose the claim.
    std::vector<bool> extra_names_own;
    for (const auto& entry : claim_values_) {
      const std::string& claim = entry.first;
      const std::vector<ClaimValue>& values = entry.second;
      if (claim == "aud" || claim == "iss") continue;
      bool built = std::any_of(shape.claims.begin(), shape.claims.end(),
                               [&](const ClaimTemplate& c) { return claim == c.first; });
      if (built) continue;
      bool chosen = profile_ && std::any_of(profile_->attacker_chosen.begin(), profile_->attacker_chosen.end(),
                                             [&](const char* a) { return claim == a; });
      std::vector<std::pair<std::string, bool>> options;
      bool names = false;
      for (const ClaimValue& v : values) {
        options.emplace_back(v.value, v.literal && !chosen);
        names = names || v.named;
      }
      extras.emplace_back(claim, std::move(options));
      extra_names_own.push_back(!chosen && names);
    }
    std::map<std::string, std::string> vars;
    std::vector<bool> own(names.size(), false);
    std::function<bool(size_t)> dfs = [&](size_t k) -> bool {
      if (k < choices.size()) {
        for (const auto& [value, is_own] : choices[k]) {
          vars[names[k]] = value;
          own[k] = is_own;
          if (!dfs(k + 1)) return false;
        }
        return true;
      }
      Candidate c;
      c.shape = &shape;
      c.has_tenant = has_tenant;
      // A level is the trust's own when one of its fields has a value the
      // trust names (a repository named but its id left fresh is still the
      // trust's repository). A resource is foreign unless an own id names
      // it, or every resource name the trust names (a namespace, then a
      // service account) keeps the trust's value.
      bool tenant_all_foreign = has_tenant, all_foreign = true;
      bool own_id = false, own_name = false, other_name = false;
      for (size_t i = 0; i < names.size(); ++i) {
        FieldLevel level = fields_.at(names[i]).level;
        if (own[i]) all_foreign = false;
        if (IsTenantLevel(level) && own[i]) tenant_all_foreign = false;
        if (level == FieldLevel::kResourceId && own[i]) own_id = true;
        if (level == FieldLevel::kResource && own[i]) own_name = true;
        if (level == FieldLevel::kResource && !own[i] && Named(names[i])) other_name = true;
      }
      c.own_resource = own_id || own_name;
      c.resource_foreign = !own_id && (other_name || !own_name);
      c.vars = vars;
      c.own_fields.clear();
      for (size_t i = 0; i < names.size(); ++i)
        if (own[i]) c.own_fields.insert(names[i]);
      // A stranger's token never carries the trust's own resource ids.
      if (tenant_all_foreign && own_id) return true;
      c.tenant_foreign = tenant_all_foreign;
      c.all_foreign = all_foreign;
      std::map<std::string, std::string> base = vars;
      base["iss"] = iss;
      for (const auto& [run, name] : runs) {
        for (const std::string& aud : auds) {
          base["aud"] = aud;
          Json::Value built = Build(shape, *run, name.first, base, only);
          c.run = run;
          c.name = name.first;
          c.aud = aud;
          c.fresh_run = name.second;
          c.run_open = name.second || !run->fixed_names.empty() || !RunNamed(shape, *run);
          // The built subject, and each custom subject these fields can carry.
          std::vector<std::string> subjects = {""};
          if (built.isMember("sub"))
            for (const CustomSubject& cs : custom_subjects_) {
              bool fits = std::all_of(cs.fields.begin(), cs.fields.end(), [&](const auto& f) {
                auto v = vars.find(f.first);
                return v != vars.end() && v->second == f.second;
              });
              if (fits) subjects.push_back(cs.text);
            }
          for (const std::string& custom : subjects) {
            c.custom_sub = custom;
            // Each combination of the extra claims.
            std::vector<size_t> pick(extras.size(), 0);
            while (true) {
              if (decided_ >= options_.max_tokens) {
                budget_hit_ = true;
                return false;
              }
              c.claims = built;
              if (!custom.empty()) c.claims["sub"] = custom;
              c.extras.clear();
              bool skip = false, named_extra = false;
              for (size_t e = 0; e < extras.size(); ++e) {
                if (pick[e] == 0) continue;  // absent
                const auto& [value, literal] = extras[e].second[pick[e] - 1];
                if (literal && c.tenant_foreign) skip = true;
                if (extra_names_own[e]) named_extra = true;
                SetClaim(&c.claims, extras[e].first, Json::Value(value));
                c.extras.emplace_back(extras[e].first, value);
              }
              bool saved_all = c.all_foreign, saved_resource = c.resource_foreign;
              if (named_extra) c.all_foreign = c.resource_foreign = false;
              if (!skip && !visit(c)) return false;
              c.all_foreign = saved_all;
              c.resource_foreign = saved_resource;
              size_t e = 0;
              for (; e < extras.size(); ++e) {
                if (++pick[e] <= extras[e].second.size()) break;
                pick[e] = 0;
              }
              if (e == extras.size()) break;
            }
          }
        }
      }
      return true;
    };
    if (!dfs(0)) return;
  }
}

Reach IssuerAnalysis::Classify(const Candidate& c) const {
  // An unreviewed run (a pull request) is reported on its own; a new pull
  // request is no new run of the breadth ladder.
  bool unreviewed = c.run && c.run->unreviewed;
  bool open = !unreviewed && (c.fresh_run || c.run_open);
  bool new_run = !unreviewed && c.fresh_run && c.run->fixed_names.empty();
  // Per-tenant issuers (a cluster, a CircleCI organisation) have no tenant
  // field: the issuer is the tenant, so every field foreign is any
  // workload of it.
  if (c.has_tenant && c.tenant_foreign) return c.all_foreign && open ? Reach::kAnyone : Reach::kAnyTenant;
  if (!c.has_tenant && c.all_foreign && open) return Reach::kAnyone;
  if (c.resource_foreign) return Reach::kAnyResource;
  return new_run ? Reach::kAnyRun : Reach::kPinned;
}

// ---------------------------------------------------------------------------
// Explaining an admission.

bool Satisfied(const Node& node, const Test& test, const Operand& op, const Claims& claims) {
  Test one = test;
  one.operands = {op};
  Node n = Node::MakeTest(std::move(one), node.loc);
  return EvaluateNode(n, claims, "", nullptr) == Tri::kTrue;
}

bool ReadingExplains(const ClaimReading& r, Reach reach) {
  if (!r.recognised) return false;
  switch (reach) {
    // On a per-tenant issuer the tenant is always pinned (by the issuer):
    // what lets any workload in is a resource left open.
    case Reach::kAnyone:
    case Reach::kAnyTenant: return r.open_before_tenant || !r.tenant_pinned || !r.resource_pinned;
    case Reach::kAnyResource: return (r.has_wildcard && IsResourceLevel(r.open_level)) || !r.resource_pinned;
    case Reach::kAnyRun: return r.has_wildcard && r.open_level == FieldLevel::kDetail;
    default: return false;
  }
}

void IssuerAnalysis::FindCulprit(const Json::Value& witness, Reach reach, Admission* a) const {
  Claims claims(witness);
  const TestSite* fallback = nullptr;
  const Operand* fallback_op = nullptr;
  for (const TestSite& site : tests_) {
    const Test& t = *site.test;
    if (site.under_not || t.negated || !IsValueMatch(t) || IsIssuerTest(t)) continue;
    std::string claim = ClaimOf(t);
    if (claim.empty() || claim == "aud" || claim == "azp") {
      if (!(profile_ && profile_->audience_pins)) continue;
    }
    bool identifying = (profile_ && FindClaimGrammar(*profile_, claim)) || claim == "sub" ||
                       std::any_of(model_->whole_value_fields.begin(), model_->whole_value_fields.end(),
                                   [&](const auto& w) { return claim == w.first; });
    if (!identifying) continue;
    for (const Operand& op : t.operands) {
      if (!op.valid || !Satisfied(*site.node, t, op, claims)) continue;
      if (!fallback) fallback = &site, fallback_op = &op;
      if (!profile_ || !FindClaimGrammar(*profile_, claim)) {
        // A whole-value claim (an audience that is the tenant): a wildcard
        // there is what lets others in.
        if (t.kind == MatchKind::kString && op.pattern.has_wildcards() && reach >= Reach::kAnyRun) {
          a->test = &t;
          a->operand = &op;
          a->loc = OperandLoc(site.node->loc, op);
          return;
        }
        continue;
      }
      ClaimReading r = ReadClaimPattern(*profile_, claim, Pattern::Compile(op.text, OperandPattern(t, op).options()));
      if (t.kind == MatchKind::kTyped) r = ReadClaimPattern(*profile_, claim, OperandPattern(t, op));
      if (ReadingExplains(r, reach)) {
        a->test = &t;
        a->operand = &op;
        a->loc = OperandLoc(site.node->loc, op);
        return;
      }
    }
  }
  if (fallback && reach <= Reach::kAnyRun) {
    a->test = fallback->test;
    a->operand = fallback_op;
    a->loc = OperandLoc(fallback->node->loc, *fallback_op);
  }
}

std::string IssuerAnalysis::ResourceWords(const Json::Value& claims) const {
  // The names a person uses: `owner/repo` on GitHub, `group/project` on
  // GitLab, else the subject itself.
  for (const char* c : {"repository", "project_path", "terraform_full_workspace"})
    if (claims.isMember(c) && claims[c].isString()) return fmt::format("`{}`", claims[c].asString());
  if (claims.isMember("sub") && claims["sub"].isString()) return fmt::format("subject `{}`", claims["sub"].asString());
  return "the named workload";
}

std::string IssuerAnalysis::Words(const Candidate& c, Reach reach, const Admission& a) const {
  if (a.operand && profile_) {
    ClaimReading r = ReadClaimPattern(*profile_, ClaimOf(*a.test), Pattern::Compile(a.operand->text, OperandPattern(*a.test, *a.operand).options()));
    if (a.test->kind == MatchKind::kTyped) r = ReadClaimPattern(*profile_, ClaimOf(*a.test), OperandPattern(*a.test, *a.operand));
    bool generic = r.admits == profile_->everything && c.shape != &model_->shapes.front();
    if (!r.admits.empty() && ReadingExplains(r, reach) && r.has_wildcard && !generic) return r.admits;
  }
  const std::string any_issuer =
      issuer_.issuer.empty() ? std::string("the issuer it trusts") : fmt::format("`{}`", NormaliseIssuer(issuer_.issuer));
  // Names of the tenant and of the resource in the witness.
  // The tenant as the trust names it: its name when the trust's own, else
  // its id; the resource noun from the last resource name of the shape.
  std::string tenant_noun, tenant_value, resource_noun;
  for (FieldLevel level : {FieldLevel::kTenant, FieldLevel::kTenantId}) {
    for (const std::string& n : ShapeFields(*c.shape, fields_)) {
      const FieldInfo& f = fields_.at(n);
      if (f.level != level || !tenant_value.empty()) continue;
      if (tenant_noun.empty()) tenant_noun = f.noun;
      if (c.own_fields.count(n)) {
        tenant_noun = f.noun;
        tenant_value = c.vars.at(n);
      }
    }
  }
  for (const std::string& n : ShapeFields(*c.shape, fields_))
    if (fields_.at(n).level == FieldLevel::kResource) resource_noun = fields_.at(n).noun;
  if (resource_noun.empty())
    for (const std::string& n : ShapeFields(*c.shape, fields_))
      if (IsResourceLevel(fields_.at(n).level)) resource_noun = fields_.at(n).noun;
  switch (reach) {
    case Reach::kAnyone:
      // Another shape than the profile's first (HCP Terraform Stacks).
      if (profile_ && c.shape != &model_->shapes.front() && !resource_noun.empty())
        return fmt::format("any {} of {}", resource_noun, profile_->any_tenant);
      if (profile_) return profile_->everything;
      return fmt::format("any workload with a token from {}", any_issuer);
    case Reach::kAnyTenant:
      if (profile_ && profile_->audience_pins && c.own_resource) {
        // The account the trust names, as the claim that names it.
        for (const auto& [claim, field] : model_->whole_value_fields)
          if (c.own_fields.count(field) && c.claims.isMember(claim) && fields_.count(field) &&
              IsResourceLevel(fields_.at(field).level))
            return fmt::format("the ID tokens of {} `{}` minted for any {}", fields_.at(field).noun,
                               c.claims[claim].asString(), tenant_noun.empty() ? "client" : tenant_noun);
      }
      if (profile_) return profile_->everything;
      return fmt::format("any workload with a token from {}", any_issuer);
    case Reach::kAnyResource:
      if (!tenant_value.empty()) return fmt::format("any {} of {} `{}`", resource_noun, tenant_noun, tenant_value);
      if (profile_) return fmt::format("any {} of {}", resource_noun, profile_->any_tenant);
      return fmt::format("any workload with a token from {}", any_issuer);
    case Reach::kAnyRun: {
      std::string runs = JoinWords(fresh_runs_, "or");
      if (runs.empty()) runs = c.run->noun;
      return fmt::format("any {} of {}", runs, ResourceWords(c.claims));
    }
    case Reach::kPinned: return ResourceWords(c.claims);
    case Reach::kNobody: return "nobody";
  }
  return "";
}

Json::Value IssuerAnalysis::FullToken(const Candidate& c) const {
  std::map<std::string, std::string> vars = c.vars;
  vars["iss"] = IssuerValue();
  vars["aud"] = c.aud;
  Json::Value token = Build(*c.shape, *c.run, c.name, vars, nullptr);  // `vars` is a copy
  if (!c.custom_sub.empty()) token["sub"] = c.custom_sub;
  for (const auto& [claim, value] : c.extras) SetClaim(&token, claim, Json::Value(value));
  // The full token is the witness only if the trust decides it the same way
  // (it reads no claim the minimal token left out: it should not differ).
  EvalOptions eo;
  eo.now = options_.now;
  if (Decide(trust_, Claims(token), eo) != Tri::kTrue) return c.claims;
  return token;
}

Admission IssuerAnalysis::Admit(const Candidate& in, Reach reach) const {
  Candidate c = in;
  c.claims = FullToken(in);
  Admission a;
  a.reach = reach;
  a.witness = std::make_shared<const Json::Value>(c.claims);
  a.unreviewed = c.run && c.run->unreviewed;
  a.run = c.run ? c.run->noun : "";
  a.own_resource = c.own_resource;
  for (FieldLevel level : {FieldLevel::kTenant, FieldLevel::kTenantId})
    for (const std::string& n : ShapeFields(*c.shape, fields_))
      if (a.tenant.empty() && fields_.at(n).level == level && c.own_fields.count(n)) {
        a.tenant = c.vars.at(n);
        a.tenant_is_id = level == FieldLevel::kTenantId;
      }
  FindCulprit(c.claims, reach, &a);
  a.who = Words(c, reach, a);
  // The unknowns it relies on: what the trust as written cannot decide.
  EvalOptions eo;
  eo.now = options_.now;
  Claims claims(c.claims);
  if (Decide(original_, claims, eo) != Tri::kTrue) {
    Decision d = Evaluate(original_, claims, eo);
    static const std::string kMarker = "cannot be decided: ";
    for (const Reason& r : d.reasons) {
      size_t at = r.message.find(kMarker);
      if (at == std::string::npos) continue;
      std::string what = r.message.substr(at + kMarker.size());
      if (std::find(a.assumptions.begin(), a.assumptions.end(), what) == a.assumptions.end())
        a.assumptions.push_back(std::move(what));
    }
    if (a.assumptions.empty()) a.assumptions.push_back("a value the trust leaves unknown");
  }
  return a;
}

// ---------------------------------------------------------------------------
// Nobody.

Test ValidSubjects(const TokenModel& model, const SourceLoc& loc) {
  Test t;
  t.ref.names = {"sub"};
  t.ref.display = "sub";
  t.role = TestRole::kSubject;
  t.what = "subject";
  t.op_display = "issued by the platform";
  std::set<std::string> globs;
  for (const TokenShape& shape : model.shapes)
    for (const auto& [claim, tmpl] : shape.claims) {
      if (std::string_view(claim) != "sub") continue;
      for (const RunKind& run : shape.runs) {
        if (run.fixed_names.empty()) {
          globs.insert(TemplateGlob(tmpl, run, "*"));
        } else {
          for (const char* n : run.fixed_names) globs.insert(TemplateGlob(tmpl, run, n));
        }
      }
    }
  for (const std::string& g : globs) {
    Operand op;
    op.text = g;
    op.pattern = Pattern::Compile(g, {WildcardFlavor::kVault, false, false});
    op.place = loc;
    t.operands.push_back(std::move(op));
  }
  return t;
}

// What may follow the workload in a subject of the model: the shape's
// subject template after its last field, per run (`:ref:refs/heads/*`).
std::vector<Glob> SubjectContexts(const TokenModel& model) {
  std::vector<Glob> out;
  for (const TokenShape& shape : model.shapes)
    for (const auto& [claim, tmpl] : shape.claims) {
      if (std::string_view(claim) != "sub") continue;
      for (const RunKind& run : shape.runs) {
        std::vector<std::string> names;
        if (run.fixed_names.empty()) names.push_back("*");
        for (const char* n : run.fixed_names) names.push_back(n);
        for (const std::string& name : names) {
          std::map<std::string, std::string> vars;
          vars["name"] = name;
          for (const auto& [key, t] : run.vars)
            if (auto r = Render(t, vars)) vars[key] = *r;
          // Fields become \x01 so the context starts after the last one.
          std::string full = Expand(tmpl, vars, [](std::string_view, std::string_view) { return std::string("\x01"); });
          size_t last = full.rfind('\x01');
          if (last == std::string::npos) continue;
          out.push_back(GlobOf(std::string_view(full).substr(last + 1)));
        }
      }
    }
  return out;
}

// False when no subject the issuer issues can match `pattern`: every form
// it fits names its fields completely and what follows them matches no run
// of the model (`repo:o/r:IaC*`: no GitHub subject goes on with `:IaC`).
bool PossibleSubject(const IssuerProfile& profile, const TokenModel& model, const Pattern& pattern) {
  std::vector<ClaimParts> fits = SplitClaimPattern(profile, "sub", pattern);
  if (fits.empty()) return true;  // unknown shape: assume it can be issued
  std::vector<Glob> contexts = SubjectContexts(model);
  if (contexts.empty()) return true;
  for (const ClaimParts& parts : fits) {
    if (!parts.form || !parts.leading.empty() || !parts.context_reached) return true;
    for (const ClaimParts::Field& f : parts.fields)
      if (!f.closed) return true;
    Glob ctx{parts.context.text, parts.context.wild};
    for (const Glob& g : contexts)
      if (GlobsIntersect(ctx, g)) return true;
  }
  return false;
}

// `node` without the operands of positive subject tests that no issued
// subject matches; their texts go to `dropped`.
Node DropImpossible(const Node& node, const IssuerProfile& profile, const TokenModel& model,
                    std::vector<std::string>* dropped) {
  if (node.kind == Node::Kind::kTest) {
    const Test& t = *node.test;
    if (t.negated || t.kind != MatchKind::kString || ClaimOf(t) != "sub") return node;
    Test kept = t;
    kept.operands.clear();
    for (const Operand& op : t.operands) {
      if (!op.valid || PossibleSubject(profile, model, op.pattern)) kept.operands.push_back(op);
      else dropped->push_back(op.text);
    }
    if (kept.operands.size() == t.operands.size()) return node;
    return Node::MakeTest(std::move(kept), node.loc);
  }
  if (node.kind == Node::Kind::kNot || node.children.empty()) return node;
  Node out = node;
  for (Node& c : out.children) c = DropImpossible(c, profile, model, dropped);
  return out;
}

void IssuerAnalysis::ProveNobody(IssuerExposure* out) {
  // Every Allow restricted to this issuer and to subjects it issues.
  Trust restricted = trust_;
  std::vector<std::string> dropped;
  bool reads_sub = std::any_of(tests_.begin(), tests_.end(), [](const TestSite& s) { return ClaimOf(*s.test) == "sub"; });
  for (Statement& s : restricted.statements) {
    if (s.effect != Effect::kAllow) continue;
    std::vector<Node> parts = {s.when};
    Test iss;
    iss.ref.names = {"iss"};
    iss.ref.display = "iss";
    iss.role = TestRole::kIssuer;
    iss.what = "issuer";
    Operand op;
    op.text = IssuerValue();
    op.pattern = Pattern::Compile(op.text, {WildcardFlavor::kLiteral, false, false});
    iss.operands.push_back(std::move(op));
    parts.push_back(Node::MakeTest(std::move(iss), s.loc));
    if (reads_sub && profile_ && model_ != &exposure::GenericTokenModel())
      parts.push_back(Node::MakeTest(ValidSubjects(*model_, s.loc), s.loc));
    s.when = Node::And(std::move(parts), s.loc);
    if (profile_ && model_ != &exposure::GenericTokenModel()) s.when = DropImpossible(s.when, *profile_, *model_, &dropped);
  }
  AnalysisOptions ao = options_.analysis;
  ao.now = options_.now;
  Separation sep = Separate(Acceptor::WholeTrust(restricted), Acceptor::Nothing(), ao);
  if (sep.answer != Answer::kNo) {
    // Some token gets in that the model does not build (or the analysis
    // could not decide): say nothing rather than guess.
    out->reach = Reach::kPinned;
    out->undecided = true;
    return;
  }
  out->reach = Reach::kNobody;
  // The reason: why the trust refuses its own names' token.
  std::string reason;
  Enumerate([&](const Candidate& c) {
    EvalOptions eo;
    eo.now = options_.now;
    Decision d = Evaluate(trust_, Claims(c.claims), eo);
    for (const Reason& r : d.reasons) {
      if (r.message.empty()) continue;
      reason = r.message;
      break;
    }
    return reason.empty();
  });
  std::string platform = profile_ ? profile_->platform : fmt::format("`{}`", IssuerValue());
  if (!dropped.empty()) {
    std::string list;
    for (size_t i = 0; i < dropped.size() && i < 3; ++i) list += fmt::format("{}`{}`", i ? ", " : "", dropped[i]);
    out->nobody_reason = fmt::format("no subject {} issues matches {}", platform, list);
    return;
  }
  // "statement #1: condition ..." -> "condition ..."
  if (reason.rfind("statement ", 0) == 0) {
    size_t colon = reason.find(": ");
    if (colon != std::string::npos) reason = reason.substr(colon + 2);
  }
  out->nobody_reason = reason.empty() ? fmt::format("no {} token matches every condition", platform) : reason;
}

IssuerExposure IssuerAnalysis::Run() {
  IssuerExposure out;
  out.issuer = issuer_;
  PrepareFields();
  Harvest();
  struct Accepted {
    Candidate c;
    Reach reach;
  };
  std::vector<Accepted> accepted;
  Reach best = Reach::kNobody;
  Enumerate([&](const Candidate& c) {
    if (!Accepts(c.claims)) return true;
    Reach r = Classify(c);
    best = std::max(best, r);
    // Keep the widest few and the unreviewed runs.
    if (accepted.size() < 256) accepted.push_back({c, r});
    return true;
  });
  if (accepted.empty()) {
    if (undecided_ || budget_hit_) {
      out.undecided = true;
      return out;
    }
    ProveNobody(&out);
    return out;
  }
  out.reach = best;
  out.undecided = undecided_ || budget_hit_;
  for (const Accepted& a : accepted)
    if (a.reach == Reach::kAnyRun && a.c.run &&
        std::find(fresh_runs_.begin(), fresh_runs_.end(), a.c.run->noun) == fresh_runs_.end())
      fresh_runs_.push_back(a.c.run->noun);
  // One admission per policy value that causes the widest reach; when
  // strangers get in, every value that lets strangers in.
  Reach floor = best >= Reach::kAnyTenant ? Reach::kAnyTenant : best;
  std::stable_sort(accepted.begin(), accepted.end(),
                   [](const Accepted& a, const Accepted& b) { return a.reach > b.reach; });
  for (const Accepted& a : accepted) {
    if (a.reach < floor) continue;
    Admission adm = Admit(a.c, a.reach);
    bool seen = std::any_of(out.widest.begin(), out.widest.end(),
                            [&](const Admission& w) { return w.operand == adm.operand; });
    if (!seen) out.widest.push_back(std::move(adm));
    if (out.widest.size() >= 4) break;
  }
  // The narrowest unreviewed run (the trust's own repository's pull requests).
  const Accepted* pr = nullptr;
  // A merge-request pipeline of a branch the trust names runs that branch's
  // code: only a run under a name the trust does not pin is unreviewed.
  for (const Accepted& a : accepted)
    if (a.c.run && a.c.run->unreviewed && a.c.fresh_run && (!pr || a.reach < pr->reach)) pr = &a;
  if (pr) {
    Admission adm = Admit(pr->c, pr->reach);
    std::string noun = pr->c.run->noun;
    if (noun.size() >= 3 && noun.compare(noun.size() - 3, 3, "run") == 0) {
      noun += "s";  // "proposed runs"
    } else {
      std::replace(noun.begin(), noun.end(), ' ', '-');
      noun += " runs";  // "pull-request runs"
    }
    adm.who = fmt::format("{} of {}", noun, ResourceWords(*adm.witness));
    out.unreviewed = std::move(adm);
  }
  return out;
}

Trust WithStatements(const Trust& trust, size_t allow) {
  Trust out = trust;
  out.statements.clear();
  for (size_t i = 0; i < trust.statements.size(); ++i)
    if (i == allow || trust.statements[i].effect == Effect::kDeny) out.statements.push_back(trust.statements[i]);
  return out;
}

Exposure Analyse(const Trust& original, const std::vector<AcceptedIssuer>& issuers, const ExposureOptions& options) {
  Exposure out;
  bool assumable = std::any_of(original.statements.begin(), original.statements.end(),
                               [](const Statement& s) { return HasAssumable(s.when); });
  Trust assumed_copy;
  if (assumable) assumed_copy = AssumeUnknowns(original);
  const Trust& assumed = assumable ? assumed_copy : original;
  for (const AcceptedIssuer& issuer : issuers) {
    IssuerAnalysis analysis(original, assumed, issuer, options);
    out.issuers.push_back(analysis.Run());
  }
  return out;
}

}  // namespace

const char* ReachName(Reach reach) {
  switch (reach) {
    case Reach::kNobody: return "nobody";
    case Reach::kPinned: return "pinned";
    case Reach::kAnyRun: return "any-run";
    case Reach::kAnyResource: return "any-resource";
    case Reach::kAnyTenant: return "any-tenant";
    case Reach::kAnyone: return "anyone";
  }
  return "?";
}

Trust AssumeUnknowns(const Trust& trust) {
  Trust out = trust;
  for (Statement& s : out.statements) s.when = AssumeNode(s.when);
  return out;
}

std::vector<AcceptedIssuer> StatementIssuers(const Trust& trust, const Statement& statement) {
  std::vector<AcceptedIssuer> out;
  std::vector<TestSite> tests;
  CollectTests(statement.when, false, &tests);
  // Issuer tests inside assumed readings count too (a placeholder provider
  // ARN whose host is written out).
  auto add = [&](const std::string& issuer, SourceLoc loc) {
    for (const AcceptedIssuer& a : out)
      if (SameIssuer(a.issuer, issuer)) return;  // `accounts.google.com` in both spellings
    AcceptedIssuer a;
    a.issuer = issuer;
    a.profile = FindIssuerProfile(issuer);
    a.loc = std::move(loc);
    out.push_back(std::move(a));
  };
  for (const TestSite& site : tests) {
    if (site.under_not || !IsIssuerTest(*site.test) || site.test->negated) continue;
    for (const Operand& o : site.test->operands) add(o.text, OperandLoc(site.node->loc, o));
  }
  if (!out.empty()) return out;
  // No issuer test: AWS condition keys still name their provider.
  for (const TestSite& site : tests)
    if (!site.test->ref.issuer_prefix.empty() && site.test->ref.issuer_prefix.find('.') != std::string::npos)
      add(site.test->ref.issuer_prefix, statement.loc.known() ? statement.loc : trust.loc);
  for (AcceptedIssuer& a : out) a.from_condition_keys = true;
  if (!out.empty()) return out;
  AcceptedIssuer unknown;
  unknown.profile = GuessFromClaims(tests);
  if (!unknown.profile) unknown.profile = GuessFromSubjects(tests);
  unknown.guessed = unknown.profile != nullptr;
  unknown.loc = statement.loc.known() ? statement.loc : trust.loc;
  out.push_back(std::move(unknown));
  return out;
}

// The issuers of a statement as it reads with its unknowns assumed (a
// subject left to a variable still tells the issuer family).
std::vector<AcceptedIssuer> AssumedIssuers(const Trust& trust, const Statement& statement) {
  if (!HasAssumable(statement.when)) return StatementIssuers(trust, statement);
  Statement assumed = statement;
  assumed.when = AssumeNode(statement.when);
  return StatementIssuers(trust, assumed);
}

Exposure AnalyseExposure(const Trust& trust, const ExposureOptions& options) {
  std::vector<AcceptedIssuer> issuers;
  for (const Statement& s : trust.statements) {
    if (s.effect != Effect::kAllow) continue;
    for (AcceptedIssuer& a : AssumedIssuers(trust, s)) {
      bool seen = std::any_of(issuers.begin(), issuers.end(), [&](const AcceptedIssuer& b) {
        return b.issuer == a.issuer && b.profile == a.profile;
      });
      if (!seen) issuers.push_back(std::move(a));
    }
  }
  return Analyse(trust, issuers, options);
}

Exposure AnalyseStatementExposure(const Trust& trust, size_t statement, const ExposureOptions& options) {
  if (statement >= trust.statements.size() || trust.statements[statement].effect != Effect::kAllow) return {};
  Trust one = WithStatements(trust, statement);
  std::vector<AcceptedIssuer> issuers = AssumedIssuers(trust, trust.statements[statement]);
  Exposure e = Analyse(one, issuers, options);
  return e;
}

}  // namespace trustcheck
