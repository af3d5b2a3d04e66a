// Lowering of Vault JWT auth roles into the trust AST, and the auth-config
// link step. Each rule cites docs/semantics-vault.md (section in brackets);
// the evaluator knows nothing of Vault: the quirks are fields on the Tests
// (typed equality with NumberEquality::kIntegerText, the kVault glob
// flavour, JSON-shape tests, TimeRules).

#include "formats/vault_role.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <set>

#include "source_text.h"
#include "value_text.h"

namespace trustcheck::vault {

namespace {

// Index of the issuer check in the statement's And; the link step fills it.
constexpr size_t kIssuerSlot = 1;
// LoweringNote::key of the caveat the link step rewrites or removes.
constexpr const char* kIssuerCaveatKey = "bound_issuer";

// Fields the role endpoint knows (path_role.go, tokenutil.AddTokenFields).
const std::set<std::string>& KnownRoleFields() {
  static const std::set<std::string> kFields = {
      "name", "role_type", "expiration_leeway", "not_before_leeway", "clock_skew_leeway", "bound_subject",
      "bound_audiences", "bound_claims_type", "bound_claims", "claim_mappings", "oauth2_metadata", "user_claim",
      "user_claim_json_pointer", "groups_claim", "oidc_scopes", "allowed_redirect_uris", "verbose_oidc_logging",
      "max_age",
      // tokenutil token fields
      "token_bound_cidrs", "token_explicit_max_ttl", "token_max_ttl", "token_no_default_policy", "token_num_uses",
      "token_period", "token_policies", "token_type", "token_ttl", "token_strictly_bind_ip", "alias_metadata",
      // legacy spellings, read back only when set
      "policies", "bound_cidrs", "ttl", "max_ttl", "period", "num_uses"};
  return kFields;
}

}  // namespace

bool DecidesLogin(std::string_view field) {
  static const std::set<std::string, std::less<>> kDeciding = {
      "role_type",         "bound_subject",     "bound_audiences",   "bound_claims_type", "bound_claims",
      "claim_mappings",    "user_claim",        "user_claim_json_pointer", "groups_claim", "clock_skew_leeway",
      "expiration_leeway", "not_before_leeway", "token_bound_cidrs", "bound_cidrs"};
  return kDeciding.count(field) > 0;
}

namespace {

// True when the object has a member named one of `names`. Walks the members
// (a policy has two or three) instead of looking each name up: detection
// asks this of every JSON file.
bool HasAnyMember(const Json::Value& v, std::initializer_list<std::string_view> names) {
  if (!v.isObject()) return false;
  for (auto it = v.begin(); it != v.end(); ++it)
    for (std::string_view name : names)
      if (MemberName(it) == name) return true;
  return false;
}

// Fields that only a role has (detection).
bool HasRoleField(const Json::Value& v) {
  return HasAnyMember(v, {"role_type", "user_claim", "bound_claims", "bound_audiences", "bound_subject",
                          "bound_claims_type", "claim_mappings", "groups_claim", "user_claim_json_pointer"});
}

bool HasConfigField(const Json::Value& v) {
  return HasAnyMember(v, {"bound_issuer", "oidc_discovery_url", "jwks_url", "jwt_validation_pubkeys", "jwks_pairs",
                          "oidc_client_id", "default_role", "jwt_supported_algs", "oidc_discovery_ca_pem"});
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// TypeCommaStringSlice (parseutil.ParseCommaStringSlice): a string is split
// on commas, every element trimmed; "" and null are the empty list.
std::optional<std::vector<std::string>> CommaList(const Json::Value& v) {
  std::vector<std::string> out;
  if (v.isNull()) return out;
  if (v.isString()) {
    std::string s = v.asString();
    if (s.empty()) return out;
    size_t start = 0;
    while (true) {
      size_t comma = s.find(',', start);
      out.push_back(Trim(std::string_view(s).substr(start, comma == std::string::npos ? std::string::npos
                                                                                        : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (v.isArray()) {
    for (const Json::Value& e : v) {
      auto text = IamText(e);
      if (!text) return std::nullopt;
      out.push_back(Trim(*text));
    }
    return out;
  }
  return std::nullopt;
}

ValueRef LiteralRef(const std::string& name) {
  ValueRef ref;
  ref.source = ValueRef::Source::kClaim;
  ref.names = {name};
  ref.display = name;
  return ref;
}

// getClaim (claims.go): a key starting with `/` is an RFC 6901 pointer.
ValueRef ClaimRef(const std::string& key) {
  ValueRef ref = LiteralRef(key);
  if (!key.empty() && key[0] == '/') ref.source = ValueRef::Source::kPointer;
  return ref;
}

// A registered claim as cap decodes it into go-jose's Claims struct.
ValueRef RegisteredRef(const std::string& name) {
  ValueRef ref;
  ref.source = ValueRef::Source::kClaim;
  for (std::string& spelling : GoFieldSpellings(name)) ref.names.emplace_back(spelling);
  ref.display = name;
  return ref;
}

Test ShapeTest(ValueRef ref, std::vector<JsonShape> shapes, Tri missing, std::string what, std::string op) {
  Test t;
  t.ref = std::move(ref);
  t.typing = ValueTyping::kJson;
  t.kind = MatchKind::kJsonShape;
  for (JsonShape s : shapes) {
    Operand o;
    o.shape = s;
    o.text = JsonShapeName(s);
    t.operands.push_back(std::move(o));
  }
  t.missing_result = missing;
  t.what = std::move(what);
  t.op_display = std::move(op);
  return t;
}

Operand ExactOperand(const std::string& text, SourceLoc loc) {
  Operand o;
  o.text = text;
  o.pattern = Pattern::Compile(text, PatternOptions{WildcardFlavor::kLiteral, false, false});
  o.place = std::move(loc);
  return o;
}

class RoleLowering {
 public:
  explicit RoleLowering(RoleInput input) : in_(std::move(input)) {
    if (!in_.number_text) in_.number_text = [](const Json::Value& v) { return CompactJson(v); };
  }
  Result<Trust> Run();

 private:
  SourceLoc Loc(const Json::Value& v) const { return in_.locator->ValueLoc(v); }
  SourceLoc KeyLoc(const Json::Value& v) const { return in_.locator->KeyLoc(v); }
  void Note(LoweringNote::Kind kind, SourceLoc loc, std::string message, std::string key = {}) {
    trust_.notes.push_back({kind, std::move(loc), std::move(message), std::move(key), {}});
  }
  void Malformed(SourceLoc loc, std::string message) { Note(LoweringNote::Kind::kMalformed, loc, std::move(message)); }
  Node MalformedNode(SourceLoc loc, std::string message) {
    Malformed(loc, message);
    return Node::Const(false, "malformed role: " + message, loc);
  }
  const Json::Value* Field(const char* key) const {
    const Json::Value& role = *in_.role;
    return role.isMember(key) ? &role[key] : nullptr;
  }
  // A string field; "" when absent or null; nullopt (and a note) when mistyped.
  std::optional<std::string> StringField(const char* key);
  bool BoolField(const char* key);
  int64_t Leeway(const char* key, int64_t when_zero);

  Node RoleType();
  void TimeRulesFromRole();
  void RegisteredClaims(std::vector<Node>* checks);
  void Subject(std::vector<Node>* checks);
  bool Audiences(std::vector<Node>* checks);
  void UserClaim(std::vector<Node>* checks);
  void ClaimMappings(std::vector<Node>* checks);
  void GroupsClaim(std::vector<Node>* checks);
  bool BoundClaims(std::vector<Node>* checks);
  Node BoundClaim(const std::string& key, const Json::Value& value, bool glob);
  bool BoundCidrs();
  void UnknownFields();

  RoleInput in_;
  Trust trust_;
  VaultRoleFacts vault_;
};

std::optional<std::string> RoleLowering::StringField(const char* key) {
  const Json::Value* v = Field(key);
  if (!v || v->isNull()) return std::string();
  if (v->isString()) return v->asString();
  Malformed(Loc(*v), fmt::format("`{}` must be a string", key));
  return std::nullopt;
}

// TypeBool also takes the strings `true` / `false` in a write body.
bool RoleLowering::BoolField(const char* key) {
  const Json::Value* v = Field(key);
  if (!v || v->isNull()) return false;
  if (v->isBool()) return v->asBool();
  if (v->isString() && (v->asString() == "true" || v->asString() == "false")) return v->asString() == "true";
  Malformed(Loc(*v), fmt::format("`{}` must be a boolean", key));
  return false;
}

// [Time] cap/jwt: a stored 0 means the default, a negative value means 0.
int64_t RoleLowering::Leeway(const char* key, int64_t when_zero) {
  const Json::Value* v = Field(key);
  int64_t seconds = 0;
  if (v && !v->isNull()) {
    auto parsed = ParseDurationSeconds(*v);
    if (!parsed) Malformed(Loc(*v), fmt::format("`{}` must be a duration in seconds, not `{}`", key, CompactJson(*v)));
    else seconds = *parsed;
  }
  trust_.facts.labels.emplace_back(key, std::to_string(seconds));
  if (seconds == 0) return when_zero;
  return seconds < 0 ? 0 : seconds;
}

void RoleLowering::TimeRulesFromRole() {
  TimeRules& t = trust_.time;
  t.check_exp = true;
  t.check_nbf = true;
  t.check_iat = true;
  t.require_one_of_iat_nbf_exp = true;
  t.require_exp = false;
  t.zero_time_is_absent = true;
  t.expiration_leeway_seconds = Leeway("expiration_leeway", 150);
  t.not_before_leeway_seconds = Leeway("not_before_leeway", 150);
  t.clock_skew_seconds = Leeway("clock_skew_leeway", 60);
}

// [Role type] `/login` refuses `oidc` roles; a write without role_type
// creates an `oidc` role.
Node RoleLowering::RoleType() {
  const Json::Value* v = Field("role_type");
  auto type = StringField("role_type");
  SourceLoc loc = v ? Loc(*v) : Loc(*in_.role);
  SourceLoc key_loc = v ? KeyLoc(*v) : loc;
  if (!type) return Node::Const(false, "`role_type` is not a string", key_loc);
  const std::string written = type->empty() ? "oidc" : *type;
  vault_.role_type = written == "jwt"    ? VaultRoleFacts::RoleType::kJwt
                     : written == "oidc" ? VaultRoleFacts::RoleType::kOidc
                                         : VaultRoleFacts::RoleType::kInvalid;
  if (vault_.role_type == VaultRoleFacts::RoleType::kInvalid)
    return MalformedNode(loc, fmt::format("`role_type` must be `jwt` or `oidc`, not `{}`", *type));
  if (vault_.role_type == VaultRoleFacts::RoleType::kOidc) {
    auto uris = Field("allowed_redirect_uris") ? CommaList(*Field("allowed_redirect_uris")) : std::nullopt;
    if (!uris || uris->empty())
      Malformed(loc, "`allowed_redirect_uris` must be set when `role_type` is `oidc` or unspecified");
    return Node::Const(false,
                       type->empty() ? "the role has no `role_type`, so Vault made it an `oidc` role, which cannot "
                                       "log in with a JWT (`/login` refuses it)"
                                     : "`role_type` is `oidc`: such roles cannot log in with a JWT (`/login` refuses them)",
                       key_loc);
  }
  return Node::Const(true, "", key_loc);
}

// [Registered claims] cap re-decodes the claims into go-jose's Claims
// struct: `iss`, `sub` and `jti` must be strings and `aud` a string or a list
// of strings, or the login fails.
void RoleLowering::RegisteredClaims(std::vector<Node>* checks) {
  SourceLoc loc = Loc(*in_.role);
  for (const char* name : {"iss", "sub", "jti"})
    checks->push_back(Node::MakeTest(
        ShapeTest(LiteralRef(name), {JsonShape::kString, JsonShape::kNull}, Tri::kTrue, "registered claim", "JSON type"),
        loc));
  checks->push_back(Node::MakeTest(
      ShapeTest(LiteralRef("aud"), {JsonShape::kString, JsonShape::kStringList}, Tri::kTrue, "registered claim",
                "JSON type"),
      loc));
}

// [bound_subject] exact, case-sensitive, never a glob.
void RoleLowering::Subject(std::vector<Node>* checks) {
  auto subject = StringField("bound_subject");
  if (!subject || subject->empty()) return;
  const Json::Value& v = *Field("bound_subject");
  Test t;
  t.ref = RegisteredRef("sub");
  t.typing = ValueTyping::kJson;
  t.kind = MatchKind::kString;
  t.operands.push_back(ExactOperand(*subject, Loc(v)));
  t.role = TestRole::kSubject;
  t.what = "subject";
  t.op_display = "bound_subject";
  checks->push_back(Node::MakeTest(std::move(t), KeyLoc(v)));
}

// [bound_audiences] any-of, exact; without them, a token with a non-empty
// `aud` is refused (the strict rule since plugin v0.17.3 / v0.20.3).
bool RoleLowering::Audiences(std::vector<Node>* checks) {
  const Json::Value* v = Field("bound_audiences");
  std::vector<std::string> audiences;
  if (v) {
    auto list = CommaList(*v);
    if (!list) Malformed(Loc(*v), "`bound_audiences` must be a list of strings or a comma-separated string");
    else audiences = *list;
  }
  if (audiences.empty()) {
    Test t = ShapeTest(LiteralRef("aud"), {JsonShape::kEmptyString, JsonShape::kEmptyList}, Tri::kTrue, "audience",
                       "the role has no bound_audiences");
    t.role = TestRole::kAudience;
    checks->push_back(Node::MakeTest(std::move(t), v ? KeyLoc(*v) : Loc(*in_.role)));
    return false;
  }
  Test t;
  t.ref = RegisteredRef("aud");
  t.typing = ValueTyping::kJson;
  t.kind = MatchKind::kString;
  t.quantifier = Quantifier::kAnyValue;
  for (const std::string& a : audiences) t.operands.push_back(ExactOperand(a, Loc(*v)));
  t.role = TestRole::kAudience;
  t.what = "audience";
  t.op_display = "bound_audiences";
  checks->push_back(Node::MakeTest(std::move(t), KeyLoc(*v)));
  vault_.has_bound_audiences = true;
  return true;
}

// [user_claim] required on the role; the token's value must be a string.
// A literal key unless user_claim_json_pointer is set.
void RoleLowering::UserClaim(std::vector<Node>* checks) {
  const Json::Value* v = Field("user_claim");
  auto claim = StringField("user_claim");
  if (!claim) return;
  if (claim->empty()) {
    checks->push_back(MalformedNode(v ? Loc(*v) : Loc(*in_.role), "a user claim must be defined on the role"));
    return;
  }
  bool pointer = BoolField("user_claim_json_pointer");
  ValueRef ref = pointer ? ClaimRef(*claim) : LiteralRef(*claim);
  checks->push_back(
      Node::MakeTest(ShapeTest(std::move(ref), {JsonShape::kString}, Tri::kFalse, "user claim", "user_claim"),
                     KeyLoc(*v)));
}

// [claim_mappings] a missing (or null) claim is skipped; a present one must
// be a string. Targets must be unique and not `role`.
void RoleLowering::ClaimMappings(std::vector<Node>* checks) {
  const Json::Value* v = Field("claim_mappings");
  if (!v || v->isNull()) return;
  if (!v->isObject()) {
    Malformed(Loc(*v), "`claim_mappings` must be an object of claim names to metadata keys");
    return;
  }
  std::set<std::string> targets;
  for (const std::string& source : v->getMemberNames()) {
    const Json::Value& target = (*v)[source];
    if (!target.isString()) {
      Malformed(Loc(target), fmt::format("claim mapping `{}` must name a metadata key as a string", source));
      continue;
    }
    if (target.asString() == "role")
      Malformed(Loc(target), "metadata key `role` is reserved and may not be a mapping destination");
    else if (!targets.insert(target.asString()).second)
      Malformed(Loc(target), fmt::format("multiple keys are mapped to metadata key `{}`", target.asString()));
    checks->push_back(Node::MakeTest(ShapeTest(ClaimRef(source), {JsonShape::kString, JsonShape::kNull}, Tri::kTrue,
                                               "claim mapping", "claim_mappings"),
                                     KeyLoc(target)));
  }
}

// [groups_claim] when set: present, and a string or a list of strings.
void RoleLowering::GroupsClaim(std::vector<Node>* checks) {
  auto claim = StringField("groups_claim");
  if (!claim || claim->empty()) return;
  checks->push_back(Node::MakeTest(ShapeTest(ClaimRef(*claim), {JsonShape::kString, JsonShape::kStringList},
                                             Tri::kFalse, "groups claim", "groups_claim"),
                                   KeyLoc(*Field("groups_claim"))));
}

// [bound_claims] AND over keys; within a key, some bound value matches some
// token value. A missing, null or object-valued claim rejects.
Node RoleLowering::BoundClaim(const std::string& key, const Json::Value& value, bool glob) {
  SourceLoc loc = KeyLoc(value);
  if (const std::string* unknown = in_.locator->Unknown(value)) {
    // A partly known string (`organization:${var.org}:...`) reads, once the
    // deployer fills it in, as the same bound claim with the hole kept as
    // written (Node::assumed).
    const std::vector<TextPiece>* pieces = in_.locator->Pieces(value);
    if (!pieces) return Node::Unknown(*unknown, loc);
    std::string written;
    for (const TextPiece& p : *pieces) written += p.text;
    Node assumed = BoundClaim(key, Json::Value(written), glob);
    assumed.loc = loc;
    if (assumed.kind == Node::Kind::kTest) {
      Test t = *assumed.test;
      for (Operand& o : t.operands) o.place = Loc(value);
      assumed = Node::MakeTest(std::move(t), loc);
    }
    return Node::Unknown(*unknown, loc, std::move(assumed));
  }
  if (value.isNull() || value.isObject())
    return Node::Const(false,
                       fmt::format("bound claim `{}` is not a string, bool, number or list, so no token matches it",
                                   key),
                       loc);
  std::vector<const Json::Value*> values;
  if (value.isArray()) {
    for (const Json::Value& e : value) values.push_back(&e);
  } else {
    values.push_back(&value);
  }
  if (values.empty())
    return Node::Const(false, fmt::format("bound claim `{}` lists no values, so no token matches it", key), loc);
  Test t;
  t.ref = ClaimRef(key);
  t.typing = ValueTyping::kJson;
  t.quantifier = Quantifier::kAnyValue;
  t.role = TestRole::kBoundClaim;
  t.what = fmt::format("bound claim `{}`", key);
  t.op_display = glob ? "glob" : "string";
  if (glob) {
    t.kind = MatchKind::kString;
    for (const Json::Value* e : values) {
      Operand o;
      o.place = Loc(*e);
      if (!e->isString()) {
        // Vault refuses to write it; at login it would be an error.
        Malformed(Loc(*e), fmt::format("bound claim `{}` value `{}` is not a string; `glob` needs strings", key,
                                     CompactJson(*e)));
        o.valid = false;
        o.text = CompactJson(*e);
      } else {
        o.text = e->asString();
        o.pattern = Pattern::Compile(o.text, PatternOptions{WildcardFlavor::kVault, false, false});
      }
      t.operands.push_back(std::move(o));
    }
  } else {
    t.kind = MatchKind::kTyped;
    t.number_equality = NumberEquality::kIntegerText;
    for (const Json::Value* e : values) {
      Operand o;
      o.place = Loc(*e);
      o.typed = std::make_shared<const Json::Value>(*e);
      o.text = e->isNumeric() ? in_.number_text(*e) : CompactJson(*e);
      t.operands.push_back(std::move(o));
    }
  }
  return Node::MakeTest(std::move(t), loc);
}

bool RoleLowering::BoundClaims(std::vector<Node>* checks) {
  auto type = StringField("bound_claims_type");
  std::string claims_type = type && !type->empty() ? *type : "string";
  if (claims_type != "string" && claims_type != "glob") {
    Malformed(Loc(*Field("bound_claims_type")),
              fmt::format("`bound_claims_type` must be `string` or `glob`, not `{}`", claims_type));
    checks->push_back(Node::Const(false, "invalid `bound_claims_type`", Loc(*Field("bound_claims_type"))));
    return false;
  }
  vault_.bound_claims_type =
      claims_type == "glob" ? VaultRoleFacts::ClaimsType::kGlob : VaultRoleFacts::ClaimsType::kString;
  const Json::Value* v = Field("bound_claims");
  if (const std::string* unknown = v ? in_.locator->Unknown(*v) : nullptr) {
    // Claims not known yet (a plan's value known only after apply) bind
    // something: the role is undecided, not unbound.
    checks->push_back(Node::Unknown(*unknown, KeyLoc(*v)));
    return true;
  }
  if (!v || v->isNull()) return false;
  if (!v->isObject()) {
    checks->push_back(MalformedNode(Loc(*v), "`bound_claims` must be an object of claim names to values"));
    return false;
  }
  for (const std::string& key : v->getMemberNames()) checks->push_back(BoundClaim(key, (*v)[key], claims_type == "glob"));
  return !v->empty();
}

// [Bound CIDRs] checked against the client's address, which no token shows.
bool RoleLowering::BoundCidrs() {
  std::vector<std::string> cidrs;
  const Json::Value* where = nullptr;
  for (const char* key : {"token_bound_cidrs", "bound_cidrs"}) {
    const Json::Value* v = Field(key);
    if (!v) continue;
    auto list = CommaList(*v);
    if (!list) {
      Malformed(Loc(*v), fmt::format("`{}` must be a list of CIDR blocks", key));
      continue;
    }
    if (!list->empty() && cidrs.empty()) {
      cidrs = *list;
      where = v;
    }
  }
  if (cidrs.empty()) return false;
  std::string joined;
  for (const std::string& c : cidrs) joined += (joined.empty() ? "`" : "`, `") + c + "`";
  Note(LoweringNote::Kind::kCaveat, KeyLoc(*where),
       fmt::format("Vault also requires the login request to come from {} (token_bound_cidrs), which the token "
                   "cannot show",
                   joined));
  return true;
}

void RoleLowering::UnknownFields() {
  for (const std::string& key : in_.role->getMemberNames())
    if (!KnownRoleFields().count(key))
      Note(LoweringNote::Kind::kIgnoredElement, KeyLoc((*in_.role)[key]),
           fmt::format("`{}` is not a Vault JWT role field; Vault ignores it", key), key);
}

Result<Trust> RoleLowering::Run() {
  const Json::Value& role = *in_.role;
  trust_.platform = Platform::kVault;
  trust_.format = in_.format;
  trust_.name = in_.name;
  trust_.kind = TrustKind::kJwtRole;
  trust_.notes = std::move(in_.notes);
  trust_.loc = Loc(role);
  if (!role.isObject()) return Status::Error(Loc(role), "a Vault role must be a JSON object");
  vault_.mount = in_.mount;
  UnknownFields();
  TimeRulesFromRole();

  std::vector<Node> checks;
  checks.push_back(RoleType());
  checks.push_back(Node::Const(true, "", trust_.loc));  // kIssuerSlot
  Note(LoweringNote::Kind::kCaveat, trust_.loc,
       fmt::format("no Vault auth config (`vault read auth/{}/config`) in this load: the token's issuer was not "
                   "checked against `bound_issuer`",
                   in_.mount.empty() ? "jwt" : in_.mount),
       kIssuerCaveatKey);
  RegisteredClaims(&checks);
  Subject(&checks);
  bool has_audiences = Audiences(&checks);
  UserClaim(&checks);
  ClaimMappings(&checks);
  GroupsClaim(&checks);
  bool has_claims = BoundClaims(&checks);
  bool has_cidrs = BoundCidrs();
  auto subject = StringField("bound_subject");
  bool has_subject = subject && !subject->empty();
  // [Write rule] path_role.go: a jwt role needs at least one bound constraint.
  if (vault_.role_type == VaultRoleFacts::RoleType::kJwt && !has_audiences && !has_cidrs && !has_subject && !has_claims)
    Malformed(Loc(role),
              "a `jwt` role must have at least one bound constraint (`bound_audiences`, `bound_subject`, "
              "`bound_claims` or `token_bound_cidrs`)");

  Statement s;
  s.effect = Effect::kAllow;
  s.sid = in_.name;
  s.loc = Loc(role);
  s.when = Node::And(std::move(checks), Loc(role));
  trust_.statements.push_back(std::move(s));
  trust_.facts.vault = std::move(vault_);
  return std::move(trust_);
}

}  // namespace

Result<Trust> LowerRole(RoleInput input) { return RoleLowering(std::move(input)).Run(); }

bool IsEnvelope(const Json::Value& value) {
  if (!value.isObject() || !value.isMember("data") || !value["data"].isObject()) return false;
  for (const char* k : {"request_id", "lease_id", "lease_duration", "renewable", "warnings"})
    if (value.isMember(k)) return true;
  // `vault read -format=json` trimmed to its payload, or a hand-written
  // `{"data": {...}}`: `data` alone holding role or config fields.
  const Json::Value& data = value["data"];
  return value.size() == 1 && (HasRoleField(data) || HasConfigField(data));
}

const Json::Value& EnvelopeData(const Json::Value& value) { return IsEnvelope(value) ? value["data"] : value; }

bool LooksLikeRole(const Json::Value& data) {
  return data.isObject() && HasRoleField(data) && !data.isMember("Statement") && !data.isMember("issuer");
}

bool LooksLikeConfig(const Json::Value& data) {
  return data.isObject() && HasConfigField(data) && !HasRoleField(data);
}

LoadedFile::Fact ConfigFact(const Json::Value& config, const TreeLocator& locator, const std::string& mount) {
  LoadedFile::Fact fact;
  fact.kind = kConfigFactKind;
  fact.key = mount;
  fact.loc = locator.ValueLoc(config);
  for (const char* k : {"bound_issuer", "oidc_discovery_url", "jwks_url", "default_role"}) {
    const Json::Value& v = config[k];
    const std::string* unknown = locator.Unknown(v);
    if (!unknown && !v.isString()) continue;
    if (unknown) fact.unknown.emplace_back(k, *unknown);
    else fact.values.emplace_back(k, v.asString());
    if (std::string(k) == "bound_issuer") fact.loc = locator.KeyLoc(v);
  }
  return fact;
}

namespace {

LoweringNote* IssuerCaveat(Trust* role) {
  for (LoweringNote& n : role->notes)
    if (n.kind == LoweringNote::Kind::kCaveat && n.key == kIssuerCaveatKey) return &n;
  return nullptr;
}

}  // namespace

void LinkAuthConfig(const std::vector<const LoadedFile::Fact*>& configs, Trust* role) {
  if (role->platform != Platform::kVault || role->statements.size() != 1) return;
  Node& when = role->statements[0].when;
  if (when.kind != Node::Kind::kAnd || when.children.size() <= kIssuerSlot) return;
  LoweringNote* caveat = IssuerCaveat(role);
  if (!caveat) return;
  const InternedString* mount = role->facts.vault ? &role->facts.vault->mount : nullptr;
  std::vector<const LoadedFile::Fact*> candidates;
  if (mount && !mount->empty())
    for (const LoadedFile::Fact* f : configs)
      if (f->key == *mount) candidates.push_back(f);
  if (candidates.empty())
    for (const LoadedFile::Fact* f : configs)
      if (f->key.empty() || !mount || mount->empty()) candidates.push_back(f);
  if (candidates.empty()) return;
  Node& slot = when.children[kIssuerSlot];
  if (candidates.size() > 1) {
    slot = Node::Unknown(fmt::format("this load has {} Vault auth configs and the role's mount is unknown, so its "
                                     "`bound_issuer` cannot be chosen (name files auth/<mount>/role/<name>.json)",
                                     candidates.size()),
                         role->loc);
    role->notes.erase(role->notes.begin() + (caveat - role->notes.data()));
    return;
  }
  const LoadedFile::Fact& config = *candidates.front();
  if (const std::string* unknown = config.UnknownReason("bound_issuer")) {
    // Unknown must not read as "no issuer check": the role is undecided.
    slot = Node::Unknown(fmt::format("the auth config's `bound_issuer` is unknown: {}", *unknown), config.loc);
    role->notes.erase(role->notes.begin() + (caveat - role->notes.data()));
    return;
  }
  const std::string* issuer = config.Value("bound_issuer");
  if (!issuer || issuer->empty()) {
    const std::string* discovery = config.Value("oidc_discovery_url");
    caveat->loc = config.loc;
    caveat->message = discovery && !discovery->empty()
                          ? fmt::format("the auth config sets no `bound_issuer`, so Vault does not check the token's "
                                        "issuer (not even against `oidc_discovery_url` `{}`)",
                                        *discovery)
                          : "the auth config sets no `bound_issuer`, so Vault does not check the token's issuer";
    return;
  }
  Test t;
  t.ref = RegisteredRef("iss");
  t.typing = ValueTyping::kJson;
  t.kind = MatchKind::kString;
  t.operands.push_back(ExactOperand(*issuer, config.loc));
  t.role = TestRole::kIssuer;
  t.what = "issuer";
  t.op_display = "bound_issuer";
  slot = Node::MakeTest(std::move(t), config.loc);
  role->notes.erase(role->notes.begin() + (caveat - role->notes.data()));
}

std::optional<VaultPath> ParseVaultPath(const std::string& path) {
  std::string p = path;
  std::replace(p.begin(), p.end(), '\\', '/');
  // The last `auth/` that starts a path segment.
  size_t auth = std::string::npos;
  for (size_t at = p.find("auth/"); at != std::string::npos; at = p.find("auth/", at + 1))
    if (at == 0 || p[at - 1] == '/') auth = at;
  if (auth == std::string::npos) return std::nullopt;
  std::string rest = p.substr(auth + 5);
  auto strip_ext = [](std::string s) {
    size_t dot = s.rfind('.');
    return dot == std::string::npos ? s : s.substr(0, dot);
  };
  size_t role = rest.rfind("/role/");
  if (role != std::string::npos && role > 0) {
    std::string name = rest.substr(role + 6);
    if (name.empty() || name.find('/') != std::string::npos) return std::nullopt;
    return VaultPath{rest.substr(0, role), strip_ext(name)};
  }
  size_t slash = rest.rfind('/');
  if (slash != std::string::npos && slash > 0 && strip_ext(rest.substr(slash + 1)) == "config")
    return VaultPath{rest.substr(0, slash), ""};
  return std::nullopt;
}

std::optional<int64_t> ParseDurationSeconds(const Json::Value& value) {
  if (value.isInt64()) return value.asInt64();
  if (value.isDouble()) return std::nullopt;  // `1.5` is neither an integer nor a Go duration
  if (!value.isString()) return std::nullopt;
  std::string s = value.asString();
  if (s.empty()) return 0;
  // An integer string is seconds.
  {
    size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
    if (i < s.size() && std::all_of(s.begin() + static_cast<long>(i), s.end(), ::isdigit) && s.size() < 19)
      return std::stoll(s);
  }
  // parseutil: a trailing `d` counts days.
  if (s.back() == 'd') {
    std::string days = s.substr(0, s.size() - 1);
    if (!days.empty() && days.size() < 12 && std::all_of(days.begin(), days.end(), ::isdigit))
      return std::stoll(days) * 86400;
    return std::nullopt;
  }
  // time.ParseDuration: [-+]? (number unit)+, units ns us µs ms s m h.
  size_t i = 0;
  double sign = 1;
  if (s[i] == '-' || s[i] == '+') sign = s[i++] == '-' ? -1 : 1;
  if (i >= s.size()) return std::nullopt;
  if (s.substr(i) == "0") return 0;
  double total = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    std::string number = s.substr(start, i - start);
    if (number == "." || std::count(number.begin(), number.end(), '.') > 1) return std::nullopt;
    double n = std::strtod(number.c_str(), nullptr);
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    double scale;
    if (unit == "ns") scale = 1e-9;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e-6;
    else if (unit == "ms") scale = 1e-3;
    else if (unit == "s") scale = 1;
    else if (unit == "m") scale = 60;
    else if (unit == "h") scale = 3600;
    else return std::nullopt;
    total += n * scale;
  }
  if (!std::isfinite(total) || total > 9.2e12) return std::nullopt;
  return static_cast<int64_t>(std::trunc(sign * total));  // int(d.Seconds()) truncates
}

std::vector<std::string> GoFieldSpellings(const std::string& name) {
  // Each letter's simple case-folding orbit as Go's bytes.EqualFold sees it.
  auto orbit = [](char c) -> std::vector<std::string> {
    std::vector<std::string> out{std::string(1, c)};
    if (std::isalpha(static_cast<unsigned char>(c))) {
      char other = std::islower(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c))
                                                              : static_cast<char>(std::tolower(c));
      out.emplace_back(1, other);
      char lower = static_cast<char>(std::tolower(c));
      if (lower == 's') out.emplace_back("\xC5\xBF");      // U+017F LATIN SMALL LETTER LONG S
      if (lower == 'k') out.emplace_back("\xE2\x84\xAA");  // U+212A KELVIN SIGN
    }
    return out;
  };
  std::vector<std::string> all{""};
  for (char c : name) {
    std::vector<std::string> next;
    for (const std::string& prefix : all)
      for (const std::string& letter : orbit(c)) next.push_back(prefix + letter);
    all = std::move(next);
  }
  // json.Marshal sorts map keys, Unmarshal assigns in that order, and the last
  // assignment wins: the greatest present spelling is the one Go keeps.
  std::sort(all.begin(), all.end(), std::greater<>());
  return all;
}

}  // namespace trustcheck::vault
