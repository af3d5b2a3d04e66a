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

std::string AccessPhrase(const Trust& trust) {
  switch (trust.kind) {
    case TrustKind::kRole: return "assume this role";
    case TrustKind::kFederatedCredential: return "sign in with this federated credential";
    case TrustKind::kJwtRole: return "log in with this Vault role";
    case TrustKind::kProvider: return "exchange tokens through this workload identity provider";
    case TrustKind::kApplication: return "sign in as this application";
  }
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
