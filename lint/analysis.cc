// AST analyses shared by the rules: accepted issuers, tenant scope, tests.

#include "lint/analysis.h"

#include <fmt/format.h>
#include <json/json.h>

#include <algorithm>
#include <cctype>

namespace trustcheck::lint {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool SameIssuer(std::string_view a, std::string_view b) { return Lower(NormaliseIssuer(a)) == Lower(NormaliseIssuer(b)); }

// Registered claims that never identify a workload.
bool IsRegisteredClaim(std::string_view claim) {
  static const char* kRegistered[] = {"iss", "aud", "azp", "exp", "nbf", "iat", "jti", "amr", "auth_time", "nonce"};
  for (const char* r : kRegistered)
    if (claim == r) return true;
  return false;
}

Scope Narrowest(Scope a, Scope b) { return std::min(a, b); }
Scope Widest(Scope a, Scope b) { return std::max(a, b); }

// The action a web-identity request carries (AWS: sts:AssumeRoleWithWebIdentity).
const std::string* WebIdentityAction(const Trust& trust) {
  for (const RequiredAction& a : trust.required_actions)
    if (a.when_claim_present.empty()) return &a.action;
  return nullptr;
}

class ScopeReader {
 public:
  ScopeReader(const Trust& trust, const AcceptedIssuer& issuer) : trust_(trust), issuer_(issuer) {}

  // An unresolved value gets the benefit of the doubt (a Terraform `var.sub`
  // may well pin the tenant). But when the lowering says a fixed fact of the
  // trust is unknown (an attribute `(unknown)`: GCP's project number, hence
  // its default audience; a Vault role's `bound_audiences`), the unknown
  // checks directly in the statement are those facts, and pin nothing.
  Scope ReadStatement(const Node& when) const {
    bool unknown_facts = std::any_of(trust_.attributes.begin(), trust_.attributes.end(),
                                     [](const auto& a) { return a.second == "(unknown)"; });
    if (when.kind != Node::Kind::kAnd) return Read(when);
    // A principal left as a template placeholder (AWS: the unknown parts
    // before the action test) is the issuer the condition keys already name.
    bool principal_part = issuer_.from_condition_keys;
    // Expressions directly in the statement: the first is the check that the
    // attribute mapping evaluates (GCP lowers it before the condition), which
    // pins nothing; a later one is a condition that did not lower into tests.
    bool first_expr = true;
    Scope s = Scope::kOpen;
    for (const Node& c : when.children) {
      if (c.kind == Node::Kind::kTest && c.test->ref.source == ValueRef::Source::kAction) principal_part = false;
      bool neutral = c.kind == Node::Kind::kUnknown && (unknown_facts || principal_part);
      if (c.kind == Node::Kind::kExpr) {
        neutral = first_expr || !trust_.Attribute("attribute_condition");
        first_expr = false;
      }
      s = Narrowest(s, neutral ? Scope::kOpen : Read(c));
    }
    return s;
  }

  Scope Read(const Node& node) const {
    switch (node.kind) {
      case Node::Kind::kAnd: {
        Scope s = Scope::kOpen;
        for (const Node& c : node.children) s = Narrowest(s, Read(c));
        return s;
      }
      case Node::Kind::kOr: {
        Scope s = Scope::kClosed;
        for (const Node& c : node.children) s = Widest(s, Read(c));
        return s;
      }
      case Node::Kind::kNot:
        if (node.children.size() == 1 && node.children[0].kind == Node::Kind::kConst)
          return node.children[0].value ? Scope::kClosed : Scope::kOpen;
        return Scope::kOpen;
      case Node::Kind::kTest: return ReadTest(*node.test, false);
      case Node::Kind::kConst: return node.value ? Scope::kOpen : Scope::kClosed;
      // Unresolved values get the benefit of the doubt.
      case Node::Kind::kUnknown: return Scope::kPinned;
      // An expression that did not lower into tests may pin when it is (part
      // of) the trust's condition; otherwise it is a mapping or a check of
      // the token's shape (GCP's attribute mapping) and pins nothing.
      case Node::Kind::kExpr: return trust_.Attribute("attribute_condition") ? Scope::kPinned : Scope::kOpen;
    }
    return Scope::kOpen;
  }

  // `flip`: read the test as if its negation were removed (what a token must
  // satisfy to escape a Deny built on it).
  Scope ReadTest(const Test& t, bool flip) const {
    bool negated = t.negated != flip;
    if (t.ref.source == ValueRef::Source::kAction) return ActionScope(t, negated);
    if (IsIssuerTest(t) && !issuer_.issuer.empty()) {
      bool matches = std::any_of(t.operands.begin(), t.operands.end(),
                                 [&](const Operand& o) { return SameIssuer(o.text, issuer_.issuer); });
      return matches != negated ? Scope::kOpen : Scope::kClosed;
    }
    if (!VisibleFor(t.ref, issuer_)) {
      bool passes = flip ? t.missing_result == Tri::kFalse : t.missing_result == Tri::kTrue;
      return passes ? Scope::kOpen : Scope::kClosed;
    }
    bool value_match = (t.kind == MatchKind::kString || t.kind == MatchKind::kTyped);
    if (negated || !value_match || !IsIdentifyingClaim(t, issuer_)) return Scope::kOpen;
    bool any_valid = false;
    for (const Operand& o : t.operands) {
      if (!o.valid) continue;
      any_valid = true;
      if (!OperandPins(t, o)) return Scope::kOpen;
    }
    return any_valid ? Scope::kPinned : Scope::kClosed;
  }

  // A Deny statement read as a guard on the Allows: tokens escape it only by
  // failing one of its conditions. kOpen when it does not cover every token.
  Scope Guard(const Node& when) const {
    std::vector<const Node*> conjuncts;
    Flatten(when, &conjuncts);
    Scope escape = Scope::kClosed;
    for (const Node* c : conjuncts) {
      switch (c->kind) {
        case Node::Kind::kConst:
          if (c->value) continue;
          return Scope::kOpen;  // the Deny never applies
        case Node::Kind::kNot:
          if (c->children.size() != 1) return Scope::kOpen;
          escape = Widest(escape, Read(c->children[0]));
          continue;
        case Node::Kind::kTest: {
          const Test& t = *c->test;
          if (t.ref.source == ValueRef::Source::kAction || IsIssuerTest(t) || !VisibleFor(t.ref, issuer_)) {
            // Decided by the request alone: either always true for these
            // tokens (skip) or never (the Deny does not apply).
            if (ReadTest(t, false) == Scope::kOpen) continue;
            return Scope::kOpen;
          }
          if (!t.negated) return Scope::kOpen;  // covers only some tokens
          escape = Widest(escape, ReadTest(t, true));
          continue;
        }
        default: return Scope::kOpen;
      }
    }
    return escape;
  }

 private:
  static void Flatten(const Node& n, std::vector<const Node*>* out) {
    if (n.kind == Node::Kind::kAnd) {
      for (const Node& c : n.children) Flatten(c, out);
    } else {
      out->push_back(&n);
    }
  }

  Scope ActionScope(const Test& t, bool negated) const {
    const std::string* action = WebIdentityAction(trust_);
    if (!action) return Scope::kOpen;
    bool matches = std::any_of(t.operands.begin(), t.operands.end(),
                               [&](const Operand& o) { return o.valid && o.pattern.Match(*action); });
    return matches != negated ? Scope::kOpen : Scope::kClosed;
  }

  bool OperandPins(const Test& t, const Operand& o) const {
    const IssuerProfile* p = issuer_.profile;
    bool wildcard = t.kind == MatchKind::kString && o.pattern.has_wildcards();
    if (p && p->audience_pins && ReadsClaim(t, "aud")) return !wildcard;
    if (!p) return !wildcard || !o.pattern.literal_prefix().empty();
    ClaimReading r = ReadOperand(*p, ClaimName(t), t, o);
    if (!r.recognised) return true;  // matches nothing this issuer issues
    return r.tenant_pinned;
  }

  const Trust& trust_;
  const AcceptedIssuer& issuer_;
};

}  // namespace

void CollectTests(const Node& node, std::vector<TestSite>* out, bool under_not, bool under_or) {
  switch (node.kind) {
    case Node::Kind::kTest: out->push_back({node.test.get(), node.loc, under_not, under_or}); return;
    case Node::Kind::kNot: under_not = !under_not; break;
    case Node::Kind::kOr: under_or = true; break;
    default: break;
  }
  for (const Node& c : node.children) CollectTests(c, out, under_not, under_or);
}

std::vector<TestSite> CollectTests(const Trust& trust) {
  std::vector<TestSite> out;
  for (const Statement& s : trust.statements) CollectTests(s.when, &out);
  return out;
}

std::string ClaimName(const Test& test) {
  const ValueRef& ref = test.ref;
  if (ref.source == ValueRef::Source::kAction || ref.names.empty()) return "";
  // Vault lists every spelling Go's case-folding accepts (`iss`, `ISS`,
  // `iſs`); the one it displays is the claim's own name.
  if (std::find(ref.names.begin(), ref.names.end(), ref.display) != ref.names.end()) return ref.display;
  return ref.names.front();
}

std::string ClaimDisplay(const Test& test) {
  if (!test.ref.display.empty()) return test.ref.display;
  return ClaimName(test);
}

bool ReadsClaim(const Test& test, std::string_view name) {
  if (test.ref.source == ValueRef::Source::kAction) return false;
  return std::any_of(test.ref.names.begin(), test.ref.names.end(), [&](const std::string& n) { return n == name; });
}

bool IsIssuerTest(const Test& test) {
  return test.ref.source == ValueRef::Source::kClaim && ClaimName(test) == "iss" && test.kind == MatchKind::kString;
}

bool IsPositiveValueMatch(const Test& test) {
  return !test.negated && (test.kind == MatchKind::kString || test.kind == MatchKind::kTyped) &&
         test.ref.source != ValueRef::Source::kAction;
}

bool VisibleFor(const ValueRef& ref, const AcceptedIssuer& issuer) {
  if (!ref.visible) return false;
  if (ref.issuer_prefix.empty() || issuer.issuer.empty()) return true;
  return SameIssuer(ref.issuer_prefix, issuer.issuer);
}

ClaimReading ReadOperand(const IssuerProfile& profile, const std::string& claim, const Test& test,
                         const Operand& operand) {
  if (test.kind == MatchKind::kTyped) {
    std::string text = operand.typed && operand.typed->isString() ? operand.typed->asString() : operand.text;
    return ReadClaimPattern(profile, claim, Pattern::Compile(text, {WildcardFlavor::kLiteral, false, false}));
  }
  // Read the value as written: a partly known value (a template parameter
  // left as `${Name}`) is matched with each hole as `*`, but for the linter
  // the hole is whatever the deployer fills in, so it stays opaque text.
  return ReadClaimPattern(profile, claim, Pattern::Compile(operand.text, operand.pattern.options()));
}

bool IsIdentifyingClaim(const Test& test, const AcceptedIssuer& issuer) {
  std::string claim = ClaimName(test);
  if (claim.empty()) return false;
  if (!issuer.profile) return !IsRegisteredClaim(claim) || claim == "sub";
  if (issuer.profile->audience_pins) return ReadsClaim(test, "aud");
  return FindClaimGrammar(*issuer.profile, claim) != nullptr;
}

std::vector<OperandReading> IdentifyingOperands(const Statement& statement, const AcceptedIssuer& issuer) {
  std::vector<OperandReading> out;
  if (!issuer.profile) return out;
  std::vector<TestSite> tests;
  CollectTests(statement.when, &tests);
  for (const TestSite& site : tests) {
    const Test& t = *site.test;
    if (site.under_not || !IsPositiveValueMatch(t) || !VisibleFor(t.ref, issuer) || !IsIdentifyingClaim(t, issuer))
      continue;
    for (const Operand& o : t.operands)
      if (o.valid) out.push_back({site, &o, ReadOperand(*issuer.profile, ClaimName(t), t, o)});
  }
  return out;
}

std::string GuessNote(const AcceptedIssuer& issuer) {
  if (!issuer.guessed || !issuer.profile) return "";
  return std::string(" if its issuer is ") + issuer.profile->platform;
}

Scope TenantScope(const Trust& trust, const Statement& statement, const AcceptedIssuer& issuer) {
  ScopeReader reader(trust, issuer);
  Scope scope = reader.ReadStatement(statement.when);
  if (statement.effect == Effect::kDeny) return scope;
  for (const Statement& other : trust.statements)
    if (other.effect == Effect::kDeny) scope = Narrowest(scope, reader.Guard(other.when));
  return scope;
}

std::string AccessPhrase(const Trust& trust) {
  if (trust.kind == "role") return "assume this role";
  if (trust.kind == "federated-credential") return "sign in with this federated credential";
  if (trust.kind == "jwt-role") return "log in with this Vault role";
  if (trust.kind == "provider") return "exchange tokens through this workload identity provider";
  return "use this trust";
}

const char* PlatformDisplay(Platform platform) {
  switch (platform) {
    case Platform::kAws: return "AWS IAM";
    case Platform::kAzure: return "Entra ID";
    case Platform::kVault: return "Vault";
    case Platform::kGcp: return "Google Cloud";
  }
  return "the platform";
}

Evidence EvidenceOf(const Admission& admission) { return {admission.witness, admission.assumptions}; }

std::string CulpritNote(const Admission& admission) {
  if (!admission.test || !admission.operand) return "";
  const Operand& op = *admission.operand;
  bool wildcard = admission.test->kind == MatchKind::kString && op.pattern.has_wildcards();
  // A typed string value reads as the string (`"acme"` -> `acme`).
  std::string text = admission.test->kind == MatchKind::kTyped && op.typed && op.typed->isString() ? op.typed->asString()
                                                                                                  : op.text;
  return fmt::format(" (`{}` {} `{}`)", ClaimDisplay(*admission.test), wildcard ? "matches" : "is", text);
}

std::string AssumptionNote(const Admission& admission) {
  if (admission.assumptions.empty()) return "";
  std::string list;
  for (size_t i = 0; i < admission.assumptions.size() && i < 3; ++i)
    list += (i ? "; " : "") + admission.assumptions[i];
  return fmt::format(", whatever the value left unknown turns out to be ({})", list);
}

SourceLoc AdmissionLoc(const Trust& trust, const Statement& statement, const IssuerExposure& exposure,
                       const Admission& admission) {
  if (admission.loc.known() && admission.loc.path() == trust.loc.path()) return admission.loc;
  return StatementLoc(trust, statement, exposure.issuer);
}

SourceLoc StatementLoc(const Trust& trust, const Statement& statement, const AcceptedIssuer& issuer) {
  // The issuer may be named in another file (a Vault auth config); the
  // finding belongs to the trust.
  if (issuer.loc.known() && issuer.loc.path() == trust.loc.path()) return issuer.loc;
  if (statement.loc.known()) return statement.loc;
  return trust.loc;
}

}  // namespace trustcheck::lint
