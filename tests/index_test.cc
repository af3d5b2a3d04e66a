// Tests for the trust index (engine/include/trustcheck/index.h): where each
// shape of trust is filed (under keys, on the always-scan list, or nowhere),
// that the accepting set equals Evaluate() over every trust for real policies,
// and a property test over thousands of random trusts and tokens built from
// every kind of node, operator, quantifier and missing-key rule.

#include "trustcheck/index.h"

#include <gtest/gtest.h>
#include <json/json.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

constexpr int64_t kNow = 1632493600;

Claims ClaimsOf(const std::string& json) {
  auto token = DecodeToken(json, "token.json");
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? token->claims : Claims();
}

Trust PolicyTrust(const std::string& policy) {
  LoadOptions options;
  options.forced_format = "aws-policy";
  auto file = LoadText("role.json", policy, options);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok() || file->trusts.size() != 1) return Trust();
  return file->trusts.front();
}

std::vector<uint32_t> BruteForce(const std::vector<const Trust*>& trusts, const Claims& claims) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < trusts.size(); ++i)
    if (Evaluate(*trusts[i], claims, {kNow}).accepted) out.push_back(static_cast<uint32_t>(i));
  return out;
}

constexpr const char* kGitHubPrincipal =
    R"({"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"})";

std::string GitHubPolicy(const std::string& operators, const std::string& principal = kGitHubPrincipal) {
  return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": )" + principal +
         R"(, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {)" + operators + "}}]}";
}

std::string GitHubToken(const std::string& sub, const std::string& extra = "") {
  return R"({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": ")" + sub +
         R"(", "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567)" + extra + "}";
}

enum class Filed { kIndexed, kAlwaysScan, kNever };

const char* FiledName(Filed f) {
  switch (f) {
    case Filed::kIndexed: return "indexed";
    case Filed::kAlwaysScan: return "always-scan";
    case Filed::kNever: return "never";
  }
  return "?";
}

Filed FiledOf(const TrustIndex& index) {
  TrustIndexStats s = index.stats();
  EXPECT_EQ(s.indexed + s.always_scan + s.never, 1u);
  if (s.indexed) return Filed::kIndexed;
  return s.always_scan ? Filed::kAlwaysScan : Filed::kNever;
}

struct PlacementCase {
  const char* name;
  std::string policy;
  Filed filed;
  // Tokens and whether Evaluate() accepts each (checked, then compared with
  // the index's answer).
  std::vector<std::pair<std::string, bool>> tokens;
};

TEST(TrustIndexTest, FilesEachShapeWhereItIsSound) {
  const std::string aud = R"("StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"})";
  const std::vector<PlacementCase> cases = {
      {"exact subject",
       GitHubPolicy(aud + R"(, "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"})"),
       Filed::kIndexed,
       {{GitHubToken("repo:acme/app:ref:refs/heads/main"), true}, {GitHubToken("repo:acme/app:ref:refs/heads/dev"), false}}},
      {"wildcard subject with a literal prefix",
       GitHubPolicy(R"("StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"})"), Filed::kIndexed,
       {{GitHubToken("repo:acme/app:ref:refs/heads/main"), true}, {GitHubToken("repo:other/app:ref:refs/heads/main"), false}}},
      {"wildcard subject with only a literal suffix",
       GitHubPolicy(R"("StringLike": {"token.actions.githubusercontent.com:sub": "*:environment:prod"})"),
       Filed::kIndexed,
       {{GitHubToken("repo:acme/app:environment:prod"), true}, {GitHubToken("repo:acme/app:environment:dev"), false}}},
      {"a list of subjects",
       GitHubPolicy(R"("StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/a:*", "repo:acme/b:*"]})"),
       Filed::kIndexed,
       {{GitHubToken("repo:acme/b:ref:refs/heads/main"), true}, {GitHubToken("repo:acme/c:ref:refs/heads/main"), false}}},
      {"IgnoreCase keys are folded",
       GitHubPolicy(R"("StringEqualsIgnoreCase": {"token.actions.githubusercontent.com:sub": "REPO:Acme/App:ref:refs/heads/main"})"),
       Filed::kIndexed,
       {{GitHubToken("repo:acme/app:ref:refs/heads/main"), true}, {GitHubToken("repo:acme/app:ref:refs/heads/dev"), false}}},
      {"only the issuer and audience: filed under them",
       GitHubPolicy(aud), Filed::kIndexed,
       {{GitHubToken("repo:anyone/anything:ref:refs/heads/main"), true},
        {R"({"iss": "https://gitlab.com", "aud": "sts.amazonaws.com", "sub": "x", "exp": 1632493867})", false}}},
      {"a negated operator alone is scanned",
       GitHubPolicy(R"("StringNotEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"})",
                    R"("*")"),
       Filed::kAlwaysScan,
       {{GitHubToken("repo:acme/other:ref:refs/heads/main"), true}, {GitHubToken("repo:acme/app:ref:refs/heads/main"), false}}},
      {"IfExists is true without the claim: scanned",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEqualsIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}]})",
       Filed::kAlwaysScan,
       {{R"({"iss": "https://token.actions.githubusercontent.com", "exp": 1632493867})", true},
        {GitHubToken("repo:acme/app:ref:refs/heads/dev"), false}}},
      {"ForAllValues is true for an empty set: scanned",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]})",
       Filed::kAlwaysScan, {{R"({"iss": "https://x.example", "exp": 1632493867})", true}}},
      {"policy variables are scanned",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${token.actions.githubusercontent.com:actor}/*"}}}]})",
       Filed::kAlwaysScan,
       {{GitHubToken("repo:octocat/app", R"(, "actor": "octocat")"), true},
        {GitHubToken("repo:acme/app", R"(, "actor": "octocat")"), false}}},
      {"an OR of principals where one is Principal *: scanned",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"AWS": "*", "Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]})",
       Filed::kAlwaysScan, {{GitHubToken("repo:acme/app"), true}}},
      {"Google audience reads azp, else aud: both are looked up",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"accounts.google.com:aud": "client-1"}}}]})",
       Filed::kIndexed,
       {{R"({"iss": "https://accounts.google.com", "azp": "client-1", "aud": "other", "exp": 1632493867})", true},
        {R"({"iss": "accounts.google.com", "aud": "client-1", "exp": 1632493867})", true},
        {R"({"iss": "https://accounts.google.com", "azp": "other", "aud": "client-1", "exp": 1632493867})", false}}},
      {"an explicit Deny still wins",
       R"({"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}},
         {"Effect": "Deny", "Principal": "*", "Action": "*",
          "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "*:pull_request"}}}]})",
       Filed::kIndexed,
       {{GitHubToken("repo:acme/app:ref:refs/heads/main"), true}, {GitHubToken("repo:acme/app:pull_request"), false}}},
      {"a SAML provider never accepts a token",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/corp"}, "Action": "sts:AssumeRoleWithSAML"}]})",
       Filed::kNever, {{GitHubToken("repo:acme/app"), false}}},
      {"only Deny statements never accept",
       R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]})", Filed::kNever,
       {{GitHubToken("repo:acme/app"), false}}},
  };
  for (const PlacementCase& c : cases) {
    SCOPED_TRACE(c.name);
    Trust trust = PolicyTrust(c.policy);
    TrustIndex index = TrustIndex::Build({&trust});
    EXPECT_STREQ(FiledName(FiledOf(index)), FiledName(c.filed));
    for (const auto& [token, accepted] : c.tokens) {
      SCOPED_TRACE(token);
      Claims claims = ClaimsOf(token);
      ASSERT_EQ(Evaluate(trust, claims, {kNow}).accepted, accepted);
      EXPECT_EQ(index.Accepting(claims, {kNow}), accepted ? std::vector<uint32_t>{0} : std::vector<uint32_t>{});
    }
  }
}

TEST(TrustIndexTest, CandidatesAreFewForDistinctSubjects) {
  std::vector<Trust> trusts;
  for (int i = 0; i < 300; ++i) {
    std::string sub = i % 3 == 0   ? "repo:org" + std::to_string(i) + "/*"
                      : i % 3 == 1 ? "repo:org" + std::to_string(i) + "/app:ref:refs/heads/main"
                                   : "*:environment:env" + std::to_string(i);
    trusts.push_back(PolicyTrust(GitHubPolicy(
        R"("StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": ")" +
        sub + "\"}")));
  }
  std::vector<const Trust*> pointers;
  for (const Trust& t : trusts) pointers.push_back(&t);
  TrustIndex index = TrustIndex::Build(pointers);
  EXPECT_EQ(index.stats().indexed, 300u);
  EXPECT_EQ(index.stats().always_scan, 0u);
  EXPECT_EQ(index.stats().keys, 300u);  // the subject, never the shared issuer or audience
  Claims claims = ClaimsOf(GitHubToken("repo:org3/app:ref:refs/heads/main"));
  EXPECT_EQ(index.Candidates(claims), std::vector<uint32_t>{3});
  EXPECT_EQ(index.Accepting(claims, {kNow}), std::vector<uint32_t>{3});
  Claims env = ClaimsOf(GitHubToken("repo:org4/app:environment:env5"));
  EXPECT_EQ(index.Accepting(env, {kNow}), std::vector<uint32_t>{5});
  EXPECT_EQ(index.Candidates(ClaimsOf(GitHubToken("repo:nobody/app:ref:refs/heads/main"))), std::vector<uint32_t>{});
  EXPECT_LT(index.stats().memory_bytes, 300u * 1024);
}

// ---------------------------------------------------------------------------
// Random trusts and tokens over a small alphabet, so that values collide,
// patterns match and every rule of the evaluator is exercised.

class RandomCorpus {
 public:
  explicit RandomCorpus(uint64_t seed) : rng_(seed) {}

  Trust MakeTrust() {
    Trust t;
    t.name = "t";
    size_t statements = 1 + Pick(2);
    for (size_t i = 0; i < statements; ++i) {
      Statement s;
      s.effect = Chance(0.8) ? Effect::kAllow : Effect::kDeny;
      // Half the statements start with a Test, as real policies do.
      s.when = Chance(0.6) ? Node::And({MakeTest(true), MakeNode(1)}) : MakeNode(0);
      t.statements.push_back(std::move(s));
    }
    static constexpr RequiredAction kAwsActions[] = {{"sts:AssumeRoleWithWebIdentity", ""},
                                                     {"sts:TagSession", "https://aws.amazon.com/tags"}};
    if (Chance(0.3)) t.required_actions = kAwsActions;
    t.time.require_exp = Chance(0.1);
    return t;
  }

  std::string MakeToken() {
    Json::Value root(Json::objectValue);
    if (Chance(0.9)) root["iss"] = Chance(0.5) ? "https://i1" : "https://I2";
    for (const char* name : kClaimNames)
      if (Chance(0.7)) root[name] = MakeClaimValue();
    if (Chance(0.5)) {
      Json::Value ns(Json::objectValue);
      ns["k"] = Chance(0.8) ? Json::Value(Text()) : MakeClaimValue();
      root["ns"] = ns;
    }
    if (Chance(0.2)) root["https://aws.amazon.com/tags"]["principal_tags"]["team"] = Text();
    if (Chance(0.9)) root["exp"] = static_cast<Json::Int64>(kNow + (Chance(0.9) ? 100 : -100));
    if (Chance(0.3)) root["nbf"] = static_cast<Json::Int64>(kNow - 100);
    Json::StreamWriterBuilder w;
    w["indentation"] = "";
    return Json::writeString(w, root);
  }

 private:
  static constexpr const char* kClaimNames[] = {"sub", "aud", "azp", "email", "groups"};

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Values: concatenations of a few atoms, with an upper-case and a
  // non-ASCII atom for the folding and `?` rules.
  std::string Text() {
    static const char* kAtoms[] = {"a", "b", "ab", "B", "Ab", ":", "\xc3\xa9"};
    std::string out;
    for (size_t n = Pick(4); n > 0; --n) out += kAtoms[Pick(7)];
    return out;
  }

  std::string PatternText() {
    static const char* kPieces[] = {"a", "b", "ab", "B", ":", "\xc3\xa9", "*", "?", "${*}"};
    std::string out;
    for (size_t n = Pick(4); n > 0; --n) out += kPieces[Pick(9)];
    return out;
  }

  Json::Value MakeClaimValue() {
    switch (Pick(8)) {
      case 0: {
        Json::Value list(Json::arrayValue);
        for (size_t n = Pick(4); n > 0; --n) list.append(Chance(0.8) ? Json::Value(Text()) : Json::Value(1));
        return list;
      }
      case 1: return Json::Value(static_cast<int>(Pick(3)));
      case 2: return Json::Value(Chance(0.5));
      case 3: return Json::Value(Json::nullValue);
      case 4: {
        Json::Value object(Json::objectValue);
        object["k"] = Text();
        return object;
      }
      default: return Json::Value(Text());
    }
  }

  ValueRef MakeRef() {
    ValueRef ref;
    size_t source = Pick(20);
    if (source < 15) {
      ref.source = ValueRef::Source::kClaim;
      ref.names.push_back(kClaimNames[Pick(5)]);
      if (Chance(0.2)) ref.names.push_back(kClaimNames[Pick(5)]);
    } else if (source < 18) {
      ref.source = ValueRef::Source::kPointer;
      ref.names = {Chance(0.8) ? "/ns/k" : "/ns/K"};
      ref.fold_last_token = Chance(0.3);
    } else if (source < 19) {
      ref.source = ValueRef::Source::kAction;
    } else {
      ref.source = ValueRef::Source::kMemberNames;
      ref.names = {"/ns"};
      ref.multi_valued = true;
    }
    ref.display = ref.names.empty() ? "action" : ref.names.front();
    ref.visible = Chance(0.9);
    if (Chance(0.25)) ref.issuer_prefix = Chance(0.5) ? "i1" : "i2";
    if (Chance(0.15)) ref.multi_valued = true;
    return ref;
  }

  Operand MakeOperand(MatchKind kind) {
    Operand op;
    op.valid = Chance(0.95);
    switch (kind) {
      case MatchKind::kString: {
        static const WildcardFlavor kFlavors[] = {WildcardFlavor::kLiteral, WildcardFlavor::kAws,
                                                  WildcardFlavor::kEntra, WildcardFlavor::kVault};
        PatternOptions options{kFlavors[Pick(4)], Chance(0.2), Chance(0.5)};
        op.text = Chance(0.05) ? "sts:*" : PatternText();
        op.pattern = Pattern::Compile(op.text, options);
        if (Chance(0.05)) {
          Operand::Segment literal{false, "a", {}, false, {}};
          Operand::Segment variable{true, "sub", MakeRef(), Chance(0.3), "ab"};
          op.segments = {literal, variable};
        }
        break;
      }
      case MatchKind::kTyped:
        switch (Pick(4)) {
          case 0: op.typed = std::make_shared<Json::Value>(static_cast<int>(Pick(3))); break;
          case 1: op.typed = std::make_shared<Json::Value>(Chance(0.5)); break;
          default: op.typed = std::make_shared<Json::Value>(Text()); break;
        }
        op.text = op.typed->isString() ? op.typed->asString() : "1";
        break;
      case MatchKind::kNumericEq: op.number = static_cast<double>(Pick(3)); break;
      case MatchKind::kPresence: op.flag = Chance(0.5); break;
      case MatchKind::kJsonShape: op.shape = static_cast<JsonShape>(Pick(9)); break;
      default: break;
    }
    return op;
  }

  // `plain`: a positive string or typed test on a claim, missing false (the
  // shape the index files under keys); otherwise anything goes.
  Node MakeTest(bool plain = false) {
    Test t;
    static const MatchKind kKinds[] = {MatchKind::kString, MatchKind::kString, MatchKind::kString,
                                       MatchKind::kString, MatchKind::kTyped,  MatchKind::kNumericEq,
                                       MatchKind::kPresence, MatchKind::kJsonShape};
    t.kind = plain ? (Chance(0.8) ? MatchKind::kString : MatchKind::kTyped) : kKinds[Pick(8)];
    t.ref = MakeRef();
    if (plain && (t.ref.source == ValueRef::Source::kAction || t.ref.source == ValueRef::Source::kMemberNames)) {
      t.ref.source = ValueRef::Source::kClaim;
      t.ref.names = {"sub"};
    }
    t.typing = Chance(0.6) ? ValueTyping::kIamString : ValueTyping::kJson;
    t.negated = !plain && Chance(0.2);
    static const Quantifier kQuantifiers[] = {Quantifier::kSingle, Quantifier::kSingle, Quantifier::kAnyValue,
                                              Quantifier::kAnyValue, Quantifier::kAllValues};
    t.quantifier = kQuantifiers[Pick(plain ? 4 : 5)];
    static const Tri kMissing[] = {Tri::kFalse, Tri::kFalse, Tri::kUnknown, Tri::kTrue, Tri::kTrue};
    t.missing_result = kMissing[Pick(plain ? 3 : 5)];
    t.number_equality = Chance(0.3) ? NumberEquality::kIntegerText : NumberEquality::kByValue;
    t.what = Chance(0.5) ? "condition" : "claim";
    t.op_display = "op";
    for (size_t n = Pick(4); n > 0; --n) t.operands.push_back(MakeOperand(t.kind));
    return Node::MakeTest(std::move(t), {});
  }

  Node MakeNode(int depth) {
    size_t kind = depth >= 3 ? 4 + Pick(6) : Pick(10);
    switch (kind) {
      case 0:
      case 1: {
        std::vector<Node> children;
        for (size_t n = Pick(4); n > 0; --n) children.push_back(MakeNode(depth + 1));
        return kind == 0 ? Node::And(std::move(children)) : Node::Or(std::move(children));
      }
      case 2: return Node::And({MakeTest(), MakeNode(depth + 1)});
      case 3: return Node::Not(MakeNode(depth + 1));
      case 4: return Node::Const(Chance(0.5), "const");
      case 5: return Node::Unknown("unknown");
      default: return MakeTest();
    }
  }

  std::mt19937_64 rng_;
};

TEST(TrustIndexTest, AcceptingSetEqualsEvaluatingEveryTrust) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    RandomCorpus corpus(seed);
    std::vector<Trust> trusts;
    for (int i = 0; i < 2000; ++i) trusts.push_back(corpus.MakeTrust());
    std::vector<const Trust*> pointers;
    for (const Trust& t : trusts) pointers.push_back(&t);
    TrustIndex index = TrustIndex::Build(pointers);
    TrustIndexStats stats = index.stats();
    // The corpus exercises all three placements.
    EXPECT_GT(stats.indexed, 300u);
    EXPECT_GT(stats.always_scan, 300u);
    EXPECT_GT(stats.never, 300u);
    size_t accepts = 0, candidates = 0;
    // With no claims at all, only the always-scan trusts are candidates.
    std::vector<uint32_t> always = index.Candidates(ClaimsOf("{}"));
    EXPECT_EQ(always.size(), stats.always_scan);
    size_t accepts_by_indexed = 0;
    for (int i = 0; i < 200; ++i) {
      std::string token = corpus.MakeToken();
      Claims claims = ClaimsOf(token);
      std::vector<uint32_t> expected = BruteForce(pointers, claims);
      ASSERT_EQ(index.Accepting(claims, {kNow}), expected) << token;
      accepts += expected.size();
      for (uint32_t id : expected) accepts_by_indexed += !std::binary_search(always.begin(), always.end(), id);
      candidates += index.Candidates(claims).size();
    }
    EXPECT_GT(accepts, 1000u);                      // not a vacuous agreement
    EXPECT_LT(candidates, 200u * pointers.size());  // and the index did skip trusts
    EXPECT_GT(accepts_by_indexed, 1000u);            // through trusts filed under keys
  }
}

// ---------------------------------------------------------------------------
// Build on several threads: the same index as on one.

// A string Test on claim `claim` that the index can file under a key.
Node SubjectTest(const std::string& claim, const std::string& text, bool fold_case, bool negated = false) {
  Test t;
  t.kind = MatchKind::kString;
  t.ref.source = ValueRef::Source::kClaim;
  t.ref.names = {claim};
  t.ref.display = claim;
  t.typing = ValueTyping::kIamString;
  t.missing_result = Tri::kFalse;
  t.negated = negated;
  t.what = "condition";
  t.op_display = "op";
  Operand op;
  op.text = text;
  op.pattern = Pattern::Compile(text, {WildcardFlavor::kAws, fold_case, true});
  t.operands.push_back(std::move(op));
  return Node::MakeTest(std::move(t), {});
}

// Trusts in the shapes of real accounts, filed under every kind of key:
// a subject that is exact, `prefix*`, `*suffix` or exact ignoring case,
// next to a shared audience test (so the build must choose the rarer key),
// some with a Deny, some scanned always (a negated test) or never (false).
// The subject's claim name changes every 50 trusts, so later runs of trusts
// meet claim names earlier runs never saw.
Trust ShapedTrust(size_t i) {
  const std::string claim = "c" + std::to_string(i / 50);
  const std::string org = "org" + std::to_string(i % 37);
  Node subject;
  switch (i % 7) {
    case 0: subject = SubjectTest(claim, "repo:" + org + "/app" + std::to_string(i % 11), false); break;
    case 1: subject = SubjectTest(claim, "repo:" + org + "/*", false); break;
    case 2: subject = SubjectTest(claim, "*:env" + std::to_string(i % 5), false); break;
    case 3: subject = SubjectTest(claim, "Repo:" + org + "/APP", true); break;
    case 4: subject = SubjectTest(claim, "repo:" + org + "/*", false, true); break;  // always scanned
    case 5: subject = Node::Const(false, "malformed"); break;                        // never a candidate
    default: subject = SubjectTest(claim, "REPO:" + org + "/*", true); break;
  }
  Trust t;
  t.name = "shaped" + std::to_string(i);
  Statement allow;
  allow.effect = Effect::kAllow;
  allow.when = Node::And({SubjectTest("aud", "sts.amazonaws.com", false), std::move(subject)});
  t.statements.push_back(std::move(allow));
  if (i % 3 == 0) {
    Statement deny;
    deny.effect = Effect::kDeny;
    deny.when = SubjectTest(claim, "*:pull_request", false);
    t.statements.push_back(std::move(deny));
  }
  return t;
}

std::string ShapedToken(size_t i) {
  const std::string claim = "c" + std::to_string(i / 50);
  const std::string org = "org" + std::to_string(i % 37);
  static const char* kTails[] = {"/app3", "/APP", "/x:env2", "/x:pull_request", "/app5:env4"};
  return R"({"aud": "sts.amazonaws.com", ")" + claim + R"(": "repo:)" + org + kTails[i % 5] +
         R"(", "exp": 1632493700})";
}

struct ThreadsCase {
  const char* name;
  size_t trusts;
  int threads;
};

TEST(TrustIndexTest, BuildOnSeveralThreadsGivesTheSameIndex) {
  // 1,501 trusts: a multiple of none of the thread counts.
  static const ThreadsCase kCases[] = {
      {"no trusts, 2 threads", 0, 2},    {"one trust, 3 threads", 1, 3}, {"1 thread", 1501, 1},
      {"2 threads", 1501, 2},            {"3 threads", 1501, 3},         {"7 threads", 1501, 7},
      {"one per core", 1501, 0},         {"more threads than trusts", 5, 7},
  };
  for (const ThreadsCase& c : kCases) {
    SCOPED_TRACE(c.name);
    // Shaped trusts, with a random trust (any node, operator, source) after
    // every second one.
    RandomCorpus random(c.trusts);
    std::vector<Trust> trusts;
    for (size_t i = 0; i < c.trusts; ++i) trusts.push_back(i % 3 == 2 ? random.MakeTrust() : ShapedTrust(i));
    std::vector<const Trust*> pointers;
    for (const Trust& t : trusts) pointers.push_back(&t);
    TrustIndex one = TrustIndex::Build(pointers);
    TrustIndexOptions options;
    options.threads = c.threads;
    options.min_trusts_per_thread = 1;  // threads even for a small corpus
    TrustIndex several = TrustIndex::Build(pointers, options);

    TrustIndexStats a = one.stats(), b = several.stats();
    EXPECT_EQ(b.trusts, c.trusts);
    EXPECT_EQ(b.indexed, a.indexed);
    EXPECT_EQ(b.always_scan, a.always_scan);
    EXPECT_EQ(b.never, a.never);
    EXPECT_EQ(b.keys, a.keys);
    EXPECT_EQ(b.postings, a.postings);
    EXPECT_EQ(b.memory_bytes, a.memory_bytes);
    if (c.trusts > 1000) {  // every placement and kind of key occurs
      EXPECT_GT(b.indexed, 500u);
      EXPECT_GT(b.always_scan, 150u);
      EXPECT_GT(b.never, 150u);
    }

    std::vector<std::string> tokens = {"{}"};
    for (size_t i = 0; i < 150; ++i) tokens.push_back(i % 2 ? random.MakeToken() : ShapedToken(i * 11));
    size_t accepts = 0;
    for (const std::string& token : tokens) {
      Claims claims = ClaimsOf(token);
      std::vector<uint32_t> accepting = several.Accepting(claims, {kNow});
      ASSERT_EQ(several.Candidates(claims), one.Candidates(claims)) << token;
      ASSERT_EQ(accepting, one.Accepting(claims, {kNow})) << token;
      ASSERT_EQ(accepting, BruteForce(pointers, claims)) << token;
      accepts += accepting.size();
    }
    if (c.trusts > 1000) {
      EXPECT_GT(accepts, 300u);  // not a vacuous agreement
    }
  }
}

}  // namespace
}  // namespace trustcheck
