// trustcheck/ast.h: the one trust AST every format lowers into.
//
// OVERVIEW
//
// Every input format (AWS policy JSON, CloudFormation, Terraform, Entra
// credentials, Vault roles, GCP providers, account dumps) is parsed by its own
// parser and LOWERED into the types below. Everything after lowering (the
// evaluator, the linter, the index, the diff analysis) sees only this AST.
//
// Platform differences are DATA on the nodes, never branches downstream. A
// condition Test says explicitly:
//   - which value it reads (ValueRef: a claim by name, a JSON pointer, or a
//     request attribute such as the AWS action), whether the platform exposes
//     it at all, and how a JSON value is typed (ValueTyping);
//   - the matcher (Match: exact, case-folded, wildcard with its flavour,
//     typed equality, numeric, date, bool, presence), compiled once;
//   - what a missing value yields (missing_result);
//   - the set quantifier for multi-valued claims (Quantifier);
//   - negation (NOR of the operands, as AWS's negated operators).
//
// A Trust is an identity (file, line, name/ARN), and Allow/Deny statements
// whose `when` is a tree of And / Or / Not / Test / Const / Unknown / Expr
// nodes. Evaluation uses Kleene three-valued logic: kUnknown stands for
// "cannot be decided" (an unresolved Terraform variable, a CEL evaluation
// error) and never leads to an accept.
//
// DUMP
//
// Dump() prints a compact S-expression used by the tests, e.g.
//   (and (test iss eq ["https://token.actions.githubusercontent.com"])
//        (test sub like ["repo:acme/*"] missing=false))
//
// THREAD SAFETY
//
// A lowered Trust is immutable; evaluate it from as many threads as you like.

#ifndef TRUSTCHECK_AST_H_
#define TRUSTCHECK_AST_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/interned_string.h"
#include "trustcheck/pattern.h"
#include "trustcheck/status.h"

namespace Json {
class Value;
}

namespace trustcheck {

enum class Platform : uint8_t { kAws, kAzure, kVault, kGcp };
const char* PlatformName(Platform platform);  // "aws", "azure", "vault", "gcp"

// Three-valued truth. kUnknown never accepts.
enum class Tri : uint8_t { kFalse, kTrue, kUnknown };
const char* TriName(Tri value);

// ---------------------------------------------------------------------------
// ValueRef: where a Test reads its value from.

struct ValueRef {
  enum class Source : uint8_t {
    kClaim,    // top-level claim, `names` are literal keys
    kPointer,  // RFC 6901 JSON pointer into the claims (`/kubernetes.io/namespace`)
    kAction,   // the request's action (AWS: sts:AssumeRoleWithWebIdentity)
    // The member names of the object the JSON pointer names[0] resolves to,
    // as a set of values (AWS `aws:TagKeys`: the token's session tag keys).
    kMemberNames,
  };
  // Candidate claim names (or one pointer); the first present one is read.
  // Google on AWS: `accounts.google.com:aud` reads `azp`, else `aud`.
  std::vector<InternedString> names;
  // How the policy spelled it, for messages: `token.actions.githubusercontent.com:sub`.
  InternedString display;
  // When non-empty, the value is visible only to tokens whose issuer maps to
  // this AWS condition-key prefix (the issuer without `https://`), compared
  // ASCII case-insensitively; any other token sees the key as missing.
  InternedString issuer_prefix;
  Source source = Source::kClaim;
  // False when the platform never exposes this claim (a condition on it
  // always sees a missing key).
  bool visible = true;
  // True when the key is a set of values by nature (Cognito `amr`,
  // `aws:TagKeys`): a one-element JSON list stays a set, which a plain
  // (single-valued) operator never matches. Otherwise a one-element list
  // reads as its only value (EKS `aud: ["sts.amazonaws.com"]`).
  bool multi_valued = false;
  // kPointer: the last reference token matches object member names ASCII
  // case-insensitively, an exact match first (AWS tag keys in
  // `aws:RequestTag/<key>`: condition key names ignore case).
  bool fold_last_token = false;

  // Every member, the spelling included (Test equality, see TestPool).
  bool operator==(const ValueRef& other) const = default;
};

// How a claim's JSON value is seen by the matcher.
enum class ValueTyping : uint8_t {
  // AWS: strings as they are, numbers and booleans by their JSON text,
  // arrays as multi-valued keys of those, objects and null invisible.
  kIamString,
  // Vault, CEL: values keep their JSON type; comparisons are type-strict.
  kJson,
};

// How many values a claim may hold and how they combine with the match.
enum class Quantifier : uint8_t {
  kSingle,     // plain operator: one value; several values never match (AWS, undocumented)
  kAnyValue,   // ForAnyValue / Vault lists / Entra aud: some value matches
  kAllValues,  // ForAllValues: every value matches; an empty set is true
};

// ---------------------------------------------------------------------------
// Operands and matchers.

// The JSON shapes a MatchKind::kJsonShape test accepts (Vault: `user_claim`
// must be a string; a token `aud` must be a string or a list of strings).
enum class JsonShape : uint8_t {
  kNull,
  kBool,
  kNumber,
  kString,       // any string, "" included
  kEmptyString,  // exactly ""
  kList,         // any list
  kEmptyList,    // exactly []
  kStringList,   // a list whose elements are all strings ([] included)
  kObject,
};
const char* JsonShapeName(JsonShape shape);  // "a string", "an empty list", ...

// How MatchKind::kTyped compares numbers.
enum class NumberEquality : uint8_t {
  // By numeric value, whatever the spelling (`1.0` equals `1`).
  kByValue,
  // Go `json.Number` equality after Vault's claim conversion: a number that
  // is the claim's value itself (or what its JSON pointer resolves to) is
  // truncated toward zero to an integer and compared, as decimal text, with
  // the operand's number exactly as written (Operand::text); so bound `1.5`
  // or `1e2` never matches. Numbers inside a token list stay floats and never
  // equal a number operand.
  kIntegerText,
};

// Where an operand is written. The lowering sets it from the value's
// SourceLoc (absolute); Node::MakeTest makes it relative to the test's node,
// so that the same test written at different places (every role of an
// account dump, every file of a sweep) is one object: the node carries the
// absolute location. Read it with OperandLoc().
struct OperandPlace {
  OperandPlace() = default;
  // An absolute place (what the lowering knows).
  OperandPlace(const SourceLoc& loc)  // NOLINT(google-explicit-constructor): assigned from locations
      : file(loc.file), line(static_cast<int32_t>(loc.line)), column(loc.column), known(loc.known()) {}
  // `lines` below the node's line (0: on it), at `column`.
  static OperandPlace Relative(int32_t lines, uint32_t column) {
    OperandPlace p;
    p.line = lines;
    p.column = column;
    p.known = p.relative = true;
    return p;
  }

  FileId file;           // absolute places only
  int32_t line = 0;      // absolute, or relative to the node's line
  uint32_t column = 0;
  bool known = false;
  bool relative = false;

  bool operator==(const OperandPlace& other) const = default;
};

// One policy value, prepared for matching.
struct Operand {
  // As written (for messages and the linter). kTyped: the value's compact
  // JSON text (`"main"`, `true`), numbers exactly as the source spelled them.
  std::string text;
  Pattern pattern;   // kString/kWildcard kinds, compiled at load time
  // kTyped: the JSON value to compare with (Vault bound_claims, CEL literals).
  std::shared_ptr<const Json::Value> typed;
  double number = 0;          // kNumeric*
  int64_t epoch_seconds = 0;  // kDate*
  int32_t epoch_milliseconds = 0;  // kDate*: the fraction of a second past epoch_seconds (0-999)
  // AWS policy variables (`${...}`) under Version 2012-10-17: when set, the
  // operand is a template substituted per request, then compiled.
  struct Segment {
    bool is_variable;
    std::string text;               // literal text, or the variable's key
    ValueRef ref;                   // variables: where the value comes from
    bool has_default = false;
    std::string default_value;

    bool operator==(const Segment& other) const = default;
  };
  std::vector<Segment> segments;  // empty when there is no variable
  // Where the value is written (see OperandPlace); read it with
  // OperandLoc(node.loc, operand).
  OperandPlace place;
  // kIpAddress: the network's bytes (the first ip_length: 4 or 16) and its
  // prefix length.
  std::array<uint8_t, 16> ip_bytes{};
  uint8_t ip_length = 0;
  int16_t ip_prefix = 0;
  bool flag = false;                   // kBool, kPresence (Null: true means "absent")
  JsonShape shape = JsonShape::kNull;  // kJsonShape
  bool valid = true;                   // false: malformed value that can never match

  // The same value, matched the same way, written at the same place
  // relative to its node: every member (the pattern by its text and
  // options, the typed value by JSON equality).
  bool operator==(const Operand& other) const;
};

enum class MatchKind : uint8_t {
  kString,      // exact or wildcard string match via Operand::pattern
  kTyped,       // JSON-typed equality (Vault "string" bound claims)
  kNumericEq, kNumericLt, kNumericLe, kNumericGt, kNumericGe,
  kDateEq, kDateLt, kDateLe, kDateGt, kDateGe,
  kBool,        // value text equals "true"/"false" (case-insensitive)
  kPresence,    // AWS Null: operand flag true means "the key is absent"
  kArn,         // AWS ArnEquals/ArnLike: segment-wise wildcard match of an ARN
  kIpAddress,   // AWS IpAddress: the value is an IP inside the operand's CIDR
  // The whole value (lists not flattened, JSON null counting as a value, not
  // as absent) has one of the operands' shapes; an absent key gives
  // missing_result. The quantifier is not used.
  kJsonShape,
};

// ---------------------------------------------------------------------------
// Test: one leaf condition.

// Which check of its platform a test is. The evaluator chooses its wording
// and the rules their advice by the role, never by Test::what (the words).
enum class TestRole : uint8_t {
  kOther,               // a check with no role of its own (a claim's JSON type, the user claim, ...)
  kCondition,           // an AWS Condition entry, a GCP attribute condition
  kAction,              // the AWS Action a statement allows
  kFederatedPrincipal,  // AWS Principal.Federated: the issuer of the OIDC provider
  kIssuer,              // the issuer (Entra, Vault, GCP)
  kAudience,            // the audience
  kSubject,             // the subject
  kBoundClaim,          // a Vault bound claim
  kClaim,               // a claim an Entra flexible expression compares
};

struct Test {
  ValueRef ref;
  std::vector<Operand> operands;  // OR over operands (NOR when negated)
  // How the policy wrote the operator, for messages: `StringLike`,
  // `ForAnyValue:StringEquals`, `bound_claims`, `matches`, `==`.
  InternedString op_display;
  // The platform's name for this check, for messages: "condition", "bound
  // audience", "issuer", "subject".
  InternedString what;
  // (The one-byte members last: a test is 96 bytes without padding.)
  ValueTyping typing = ValueTyping::kIamString;
  MatchKind kind = MatchKind::kString;
  bool negated = false;
  Quantifier quantifier = Quantifier::kSingle;
  // The result when the value is absent (AWS: false, negated: true,
  // IfExists: true, ForAllValues: true; CEL: kUnknown, an error).
  Tri missing_result = Tri::kFalse;
  // Which check this is (decides wording and advice).
  TestRole role = TestRole::kOther;
  // kTyped only: how numbers compare.
  NumberEquality number_equality = NumberEquality::kByValue;

  // Every member, the wording included: equal tests decide and read alike,
  // so one object can stand for all of them (TestPool).
  bool operator==(const Test& other) const = default;
};

// Hash of a test, consistent with operator== (locations of operands relative
// to their node included, absolute locations not).
size_t HashOf(const Test& test);

// TestPool: identical tests share one object.
//
// The principal, action and audience tests of every role of an account are
// the same test, and a sweep loads hundreds of thousands of roles; a pool
// keeps one copy. While a TestPool::Scope is alive on a thread,
// Node::MakeTest on that thread looks the test up in the pool and reuses the
// object it finds. The loaders open a scope around every file (one pool per
// LoadPaths call, or LoadOptions::test_pool); the pool is only needed while
// loading: the nodes own their tests.
//
// Thread-safe: many threads may intern into one pool at once.
class TestPool {
 public:
  TestPool();
  ~TestPool();
  TestPool(const TestPool&) = delete;
  TestPool& operator=(const TestPool&) = delete;

  // The pooled test equal to `test`, added when there is none.
  std::shared_ptr<const Test> Intern(Test test);
  // Distinct tests held.
  size_t size() const;
  // The current thread's pool (TestPool::Scope), or null: a loader that
  // lowers on more threads opens a scope with it on each.
  static TestPool* Current();

  // Makes `pool` the current thread's pool until destroyed (null: none).
  class Scope {
   public:
    explicit Scope(TestPool* pool);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    TestPool* previous_;
  };

 private:
  struct Shard;
  static constexpr size_t kShards = 16;
  std::unique_ptr<Shard[]> shards_;
};

// ---------------------------------------------------------------------------
// Node: the condition tree.

class Claims;  // trustcheck/claims.h
struct Reason;  // trustcheck/evaluate.h
struct Node;

// The payload of a kExpr node: an expression that does not lower further
// (the parts of a GCP CEL condition or attribute mapping the lowering could
// not turn into tests). Its language implements it (engine/src/cel); the AST
// and the evaluator know only this interface, so they depend on no
// expression language.
class NodeExpr {
 public:
  virtual ~NodeExpr() = default;
  // The value of `node` (whose payload this is) for `claims`; kUnknown when
  // it cannot be decided. Appends a located reason when `reasons` is not
  // null and the value is not kTrue.
  virtual Tri Evaluate(const Node& node, const Claims& claims, std::vector<Reason>* reasons) const = 0;
};

struct Node {
  enum class Kind : uint8_t { kAnd, kOr, kNot, kTest, kConst, kUnknown, kExpr };
  Kind kind = Kind::kConst;
  bool value = false;                   // kConst
  SourceLoc loc;
  std::vector<Node> children;  // kAnd, kOr (empty And is true, empty Or false), kNot (one)
  std::shared_ptr<const Test> test;     // kTest

  // kConst/kUnknown: why (shown in traces); "" otherwise.
  const std::string& reason() const;
  // kExpr: the expression (NodeExpr), and the bindings it needs (mapping from
  // attribute names to expressions), owned by the trust that lowered it.
  const std::shared_ptr<const NodeExpr>& expr() const;
  const std::shared_ptr<const void>& expr_context() const;
  // kUnknown: what the node reads as once the deployer fills in the unknown
  // value with their own (a SYMBOL: a template parameter stands for the
  // deployer's organisation, a placeholder account for the role's own
  // account). A partly known value `repo:${var.org}/*` assumes the test
  // with the hole kept as literal text, `repo:${var.org}/*`. Null when no
  // reading is safe to assume (an unknown Effect). Evaluate() never reads
  // it: an unknown never accepts. The exposure analysis reads it to say
  // what holds "whatever the value is" (trustcheck/exposure.h).
  const std::shared_ptr<const Node>& assumed() const;

  static Node And(std::vector<Node> children, SourceLoc loc = {});
  static Node Or(std::vector<Node> children, SourceLoc loc = {});
  static Node Not(Node child, SourceLoc loc = {});
  // A test at `loc`. The operands' locations become places relative to
  // `loc`; under a TestPool::Scope, an equal test already pooled is shared.
  static Node MakeTest(Test test, SourceLoc loc);
  static Node Const(bool value, std::string reason, SourceLoc loc = {});
  static Node Unknown(std::string reason, SourceLoc loc = {});
  // An unknown with the reading to assume for it (see `assumed`).
  static Node Unknown(std::string reason, SourceLoc loc, Node assumed);
  static Node Expr(std::shared_ptr<const NodeExpr> expr, std::shared_ptr<const void> context, SourceLoc loc);

 private:
  // What only constants, unknowns and expressions have, held apart (and
  // shared between copies) so that the nodes most trusts are made of (tests
  // and their And/Or) stay small: 72 bytes instead of 160.
  struct Detail {
    std::string reason;
    std::shared_ptr<const NodeExpr> expr;
    std::shared_ptr<const void> expr_context;
    std::shared_ptr<const Node> assumed;
  };
  std::shared_ptr<const Detail> detail_;
};

// Where `operand` is written, for the test whose node is at `test_loc`: its
// place resolved against the node's location, or the node's location when
// the operand's own is not known.
SourceLoc OperandLoc(const SourceLoc& test_loc, const Operand& operand);

// ---------------------------------------------------------------------------
// Statements and trusts.

enum class Effect : uint8_t { kAllow, kDeny };

struct Statement {
  Effect effect = Effect::kAllow;
  InternedString sid;  // AWS Sid, or a name for other platforms
  SourceLoc loc;
  Node when;        // principal, action and conditions, in that order
  // The principals as written (AWS: `*`, and each `Federated`, `AWS`,
  // `Service` and `CanonicalUser` value), for the linter: who the statement
  // names, beside what `when` makes of it for web identity tokens.
  struct Principal {
    enum class Type : uint8_t {
      kEveryone,       // `"Principal": "*"` (value "*")
      kAws,            // `AWS`: an account, a role, a user, or `*`
      kFederated,      // `Federated`: an identity provider
      kService,        // `Service`
      kCanonicalUser,  // `CanonicalUser`
      kOther,          // a key IAM does not define
    };
    Type type;
    InternedString value;  // the same provider ARN in every role of an account: stored once
    SourceLoc loc;
  };
  std::vector<Principal> principals;
};

// A request attribute that needs its own evaluation pass (AWS: a token with
// session tags also needs `sts:TagSession` allowed).
// A platform's list is static data that every trust of the platform points
// to (Trust::required_actions).
struct RequiredAction {
  std::string_view action;
  // Empty: always required. Otherwise: required when this claim is present.
  std::string_view when_claim_present;
};

// Token time-claim checks (exp, nbf, iat) as the platform applies them.
struct TimeRules {
  bool check_exp = true;            // reject when now - skew > exp
  bool check_nbf = true;            // reject when now + skew < nbf
  bool check_iat = false;           // reject when now + skew < iat (Vault)
  bool require_one_of_iat_nbf_exp = false;  // Vault: at least one present
  bool require_exp = false;         // reject a token without exp
  int64_t clock_skew_seconds = 0;
  // Vault: a missing exp is synthesised as max(iat, nbf) + this; a missing
  // nbf as iat, else exp - not_before_leeway. Negative: not synthesised.
  int64_t expiration_leeway_seconds = -1;
  int64_t not_before_leeway_seconds = -1;
  // Vault (cap/jwt): a time claim whose value is 0 counts as absent.
  bool zero_time_is_absent = false;
};

// A note from lowering that the linter and eval may report: a duplicate key
// that was dropped, a value that could not be resolved.
struct LoweringNote {
  enum class Kind : uint8_t {
    kDuplicateKey,     // a JSON/YAML key appeared twice; the last one won
    kUnresolved,       // a value stayed unknown (Terraform variable, ...)
    kIgnoredElement,   // an element with no effect on the decision
    kMalformed,        // a problem that makes the trust reject everything
    // A limit of what the evaluation could check (a Vault role with no auth
    // config in the load: the issuer is not checked). Evaluate() appends
    // these to the reasons of an accept, so no acceptance reads as unqualified.
    kCaveat,
  };
  Kind kind;
  SourceLoc loc;
  std::string message;  // one lowercase sentence
  std::string key;      // the key concerned (duplicate keys)
  std::string path;     // JSON-pointer-like path of the containing object
};

// Vault JWT auth role facts that are not conditions.
struct VaultRoleFacts {
  enum class RoleType : uint8_t {
    kOidc,     // the default: `/login` refuses it (the role is for browser logins)
    kJwt,      // `/login` with a JWT
    kInvalid,  // neither (the lowering reports it as malformed)
  };
  enum class ClaimsType : uint8_t {
    kString,  // the default: bound claims compare exactly, JSON-typed
    kGlob,    // bound claim strings are globs (`*` only)
  };
  RoleType role_type = RoleType::kOidc;
  ClaimsType bound_claims_type = ClaimsType::kString;
  bool has_bound_audiences = false;
  // The auth mount the role belongs to (links the role to its auth config);
  // empty when the load does not say.
  InternedString mount;
};

// Entra federated identity credential facts that are not conditions.
struct EntraCredentialFacts {
  enum class Matching : uint8_t {
    kSubject,     // a classic credential: `subject` compared exactly
    kExpression,  // a flexible credential: `claimsMatchingExpression`
  };
  Matching matching = Matching::kSubject;
};

// What a trust says beside its conditions. The typed members decide what the
// linter and the diff do; `labels` are descriptive and never decide anything
// (they name the trust's origin for people and tests: `address`, `role-name`,
// `logical-id`, a GCP provider's `resource_name`, ...).
struct TrustFacts {
  // The Entra application or managed identity whose federated credentials
  // this trust is one of (`diff` compares a unit's credentials as one
  // trust); empty when the trust's file is its unit.
  InternedString access_unit;
  // Set for Vault JWT roles (Platform::kVault).
  std::optional<VaultRoleFacts> vault;
  // Set for Entra credentials with a subject or an expression.
  std::optional<EntraCredentialFacts> entra;
  std::vector<std::pair<InternedString, std::string>> labels;
};

// What a trust is on its platform; TrustKindName() is its name in reports.
enum class TrustKind : uint8_t {
  kRole,                 // an AWS IAM role's trust policy ("role")
  kFederatedCredential,  // an Entra federated identity credential ("federated-credential")
  kJwtRole,              // a Vault JWT auth role ("jwt-role")
  kProvider,             // a GCP workload identity pool provider ("provider")
  kApplication,          // an Entra application or identity, its credentials as one trust (diff) ("application")
};
const char* TrustKindName(TrustKind kind);

struct Trust {
  Platform platform = Platform::kAws;
  InternedString format;    // the input format it came from: "aws-policy", ...
  std::string name;         // role name, credential name, Vault role, provider id
  std::string arn;          // AWS role ARN when known (account checks)
  TrustKind kind = TrustKind::kRole;
  SourceLoc loc;            // where the trust starts
  InternedString policy_version;  // AWS Version as written ("" when absent)
  std::vector<Statement> statements;
  // The platform's actions, static data (empty: one pass, no action).
  std::span<const RequiredAction> required_actions;
  TimeRules time;
  std::vector<LoweringNote> notes;
  // What the trust says beside its conditions (see TrustFacts).
  TrustFacts facts;
  // Where the trust comes from beyond its location, for messages ("" when
  // the location says it all): a Terraform or Bicep module call,
  // "`module.ci` (called at main.tf:12)", an ARM nested deployment, a Bicep
  // parameter file.
  InternedString context;

  // The label `key` (TrustFacts::labels), or null.
  const std::string* Label(std::string_view key) const;
};

// The shape every lowering must give a trust: a kTest node has a test and
// no children, kNot exactly one child, kExpr an expression, kConst and
// kUnknown no children, And/Or no test; typed tests have typed operands;
// IP tests have 4- or 16-byte networks with a prefix that fits. Returns the
// first violation ("statement 1: kNot node with 2 children"), or "" when
// the trust is well formed. Builds with TRUSTCHECK_CHECK_INVARIANTS (debug,
// sanitizer and fuzzing builds) check every loaded trust and abort on a
// violation, so the fuzzers find lowerings that break it.
std::string FindInvariantViolation(const Trust& trust);

// Compact S-expression of a node or a trust, for tests and `--dump`.
std::string Dump(const Node& node);
std::string Dump(const Test& test);
std::string Dump(const Trust& trust);

}  // namespace trustcheck

#endif  // TRUSTCHECK_AST_H_
