// Lowering of Entra ID federated identity credentials into the trust AST,
// and the "entra-credential" format. Each rule cites docs/semantics-azure.md
// (section in brackets).

#include "formats/entra_credential.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "formats/entra_expression.h"
#include "formats/format.h"
#include "value_text.h"

namespace trustcheck {

namespace entra {

namespace {

// [Limits] issuer, subject and audience: at most 600 characters.
constexpr size_t kMaxValueLength = 600;

// [Flexible] which claims and operators each issuer allows in an expression.
struct ClaimRule {
  const char* claim;
  bool allows_matches;  // `eq` is always allowed
};
struct IssuerRules {
  const char* family;
  std::vector<ClaimRule> claims;
};

const IssuerRules* FlexibleIssuerRules(const std::string& issuer) {
  static const IssuerRules kGitHub{"GitHub",
                                   {{"sub", true}, {"job_workflow_ref", true}, {"repository_id", false},
                                    {"repository_owner_id", false}}};
  static const IssuerRules kGitLab{"GitLab", {{"sub", true}, {"project_id", false}}};
  static const IssuerRules kTerraform{"Terraform Cloud", {{"sub", true}}};
  if (issuer == "https://token.actions.githubusercontent.com") return &kGitHub;
  if (issuer == "https://app.terraform.io" || issuer == "https://app.eu.terraform.io") return &kTerraform;
  // `https://gitlab.com` and self-managed `https://gitlab.<host>` ("example can be any string").
  static const RE2 kGitLabIssuer(R"(https://gitlab(\.[A-Za-z0-9-]+)+)");
  if (RE2::FullMatch(issuer, kGitLabIssuer)) return &kGitLab;
  return nullptr;
}

bool KnownKey(const std::string& key) {
  static const char* kKeys[] = {"id", "name", "issuer", "subject", "description", "audiences",
                                "claimsMatchingExpression", "type", "systemData", "resourceGroup", "properties",
                                "etag"};
  if (key.rfind("@odata.", 0) == 0) return true;
  return std::find_if(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return key == k; }) != std::end(kKeys);
}

// ARM as returned by the REST API nests the fields in `properties`; the CLI
// flattens them.
const Json::Value& Fields(const Json::Value& credential) {
  const Json::Value& props = credential["properties"];
  return props.isObject() ? props : credential;
}

Operand ExactOperand(const std::string& text, SourceLoc loc) {
  Operand o;
  o.text = text;
  o.pattern = Pattern::Compile(text, PatternOptions{WildcardFlavor::kLiteral, false, false});
  o.place = std::move(loc);
  return o;
}

Test ExactTest(const std::string& claim, const std::string& value, SourceLoc loc, TestRole role, std::string what) {
  Test t;
  t.ref.source = ValueRef::Source::kClaim;
  t.ref.names = {claim};
  t.ref.display = claim;
  t.typing = ValueTyping::kJson;
  t.kind = MatchKind::kString;
  t.operands.push_back(ExactOperand(value, std::move(loc)));
  t.role = role;
  t.what = std::move(what);
  return t;
}

class CredentialLowering {
 public:
  explicit CredentialLowering(CredentialInput input) : in_(std::move(input)) {
    if (!in_.string_loc)
      in_.string_loc = [this](const Json::Value& v, size_t) { return in_.locator->ValueLoc(v); };
  }
  Result<Trust> Run();

 private:
  SourceLoc Loc(const Json::Value& v) const { return in_.locator->ValueLoc(v); }
  SourceLoc KeyLoc(const Json::Value& v) const { return in_.locator->KeyLoc(v); }
  void Note(LoweringNote::Kind kind, SourceLoc loc, std::string message) {
    trust_.notes.push_back({kind, std::move(loc), std::move(message), {}, {}});
  }
  Node MalformedNode(SourceLoc loc, std::string message) {
    Note(LoweringNote::Kind::kMalformed, loc, message);
    return Node::Const(false, "malformed credential: " + message, loc);
  }
  void CheckName();
  Node Issuer();
  Node Audience();
  Node Subject(const Json::Value& subject);
  Node Expression(const Json::Value& expression);
  Node LowerCondition(const entra::Condition& c, const Json::Value& text);

  CredentialInput in_;
  Trust trust_;
  std::string issuer_;
};

// [Name] 3-120 characters; letters, digits, `-` and `_`; starts with a
// letter or digit.
void CredentialLowering::CheckName() {
  const Json::Value& name = (*in_.credential)["name"];
  if (name.isNull()) return;
  static const RE2 kName(R"([A-Za-z0-9][A-Za-z0-9_-]{2,119})");
  if (!name.isString() || !RE2::FullMatch(name.asString(), kName))
    Note(LoweringNote::Kind::kMalformed, Loc(name),
         fmt::format("credential name `{}` must be 3 to 120 letters, digits, `-` or `_`, starting with a letter or "
                     "digit",
                     IamText(name).value_or(CompactJson(name))));
}

// [Classic] the issuer matches `iss` byte for byte (no trailing-slash or case
// normalisation).
Node CredentialLowering::Issuer() {
  const Json::Value& fields = Fields(*in_.credential);
  const Json::Value& v = fields["issuer"];
  if (const std::string* unknown = in_.locator->Unknown(v)) return Node::Unknown(*unknown, Loc(v));
  if (!v.isString() || v.asString().empty())
    return MalformedNode(v.isNull() ? Loc(fields) : Loc(v), "the credential has no `issuer` string");
  issuer_ = v.asString();
  trust_.facts.labels.emplace_back("issuer", issuer_);
  if (issuer_.size() > kMaxValueLength)
    return MalformedNode(Loc(v), fmt::format("`issuer` is longer than {} characters", kMaxValueLength));
  return Node::MakeTest(ExactTest("iss", issuer_, Loc(v), TestRole::kIssuer, "issuer"), KeyLoc(v));
}

// [Classic] exactly one audience, found in the token's `aud` (a string, or a
// list that contains it).
Node CredentialLowering::Audience() {
  const Json::Value& fields = Fields(*in_.credential);
  const Json::Value& v = fields["audiences"];
  if (const std::string* unknown = in_.locator->Unknown(v)) return Node::Unknown(*unknown, Loc(v));
  if (!v.isArray())
    return MalformedNode(v.isNull() ? Loc(fields) : Loc(v), "the credential has no `audiences` list");
  if (v.size() != 1)
    return MalformedNode(Loc(v), fmt::format("federated identity credentials must have exactly one audience, found {}",
                                             v.size()));
  const Json::Value& audience = v[0];
  if (!audience.isString() || audience.asString().empty())
    return MalformedNode(Loc(audience), "the audience must be a non-empty string");
  if (audience.asString().size() > kMaxValueLength)
    return MalformedNode(Loc(audience), fmt::format("the audience is longer than {} characters", kMaxValueLength));
  trust_.facts.labels.emplace_back("audience", audience.asString());
  Test t = ExactTest("aud", audience.asString(), Loc(audience), TestRole::kAudience, "audience");
  t.quantifier = Quantifier::kAnyValue;
  return Node::MakeTest(std::move(t), KeyLoc(v));
}

// [Classic] the subject matches `sub` byte for byte; `*` is a literal.
Node CredentialLowering::Subject(const Json::Value& v) {
  if (const std::string* unknown = in_.locator->Unknown(v)) return Node::Unknown(*unknown, Loc(v));
  if (!v.isString()) return MalformedNode(Loc(v), "`subject` must be a string or null");
  if (v.asString().size() > kMaxValueLength)
    return MalformedNode(Loc(v), fmt::format("`subject` is longer than {} characters", kMaxValueLength));
  trust_.facts.labels.emplace_back("subject", v.asString());
  return Node::MakeTest(ExactTest("sub", v.asString(), Loc(v), TestRole::kSubject, "subject"), KeyLoc(v));
}

// [Flexible] `claims['x'] eq 'v'` is exact, `matches` a kEntra wildcard.
Node CredentialLowering::LowerCondition(const entra::Condition& c, const Json::Value& text) {
  SourceLoc claim_loc = in_.string_loc(text, c.claim_offset);
  SourceLoc op_loc = in_.string_loc(text, c.op_offset);
  bool matches = c.op == entra::Condition::Op::kMatches;
  if (const IssuerRules* rules = FlexibleIssuerRules(issuer_)) {
    auto rule = std::find_if(rules->claims.begin(), rules->claims.end(),
                             [&](const ClaimRule& r) { return c.claim == r.claim; });
    if (rule == rules->claims.end()) {
      std::string allowed;
      for (const ClaimRule& r : rules->claims) allowed += (allowed.empty() ? "`" : ", `") + std::string(r.claim) + "`";
      return MalformedNode(claim_loc, fmt::format("claim `{}` cannot be used in a flexible credential for {} tokens; "
                                                  "allowed claims are {}",
                                                  c.claim, rules->family, allowed));
    }
    if (matches && !rule->allows_matches)
      return MalformedNode(op_loc, fmt::format("claim `{}` supports only `eq`, not `matches`", c.claim));
  }
  Test t;
  t.ref.source = ValueRef::Source::kClaim;
  t.ref.names = {c.claim};
  t.ref.display = c.claim;
  t.typing = ValueTyping::kJson;
  t.kind = MatchKind::kString;
  Operand o;
  o.text = c.comparand;
  o.pattern = Pattern::Compile(
      c.comparand, PatternOptions{matches ? WildcardFlavor::kEntra : WildcardFlavor::kLiteral, false, false});
  o.place = in_.string_loc(text, c.comparand_offset);
  t.operands.push_back(std::move(o));
  t.role = c.claim == "sub" ? TestRole::kSubject : TestRole::kClaim;
  t.what = fmt::format("claims['{}']", c.claim);
  t.op_display = matches ? "matches" : "eq";
  return Node::MakeTest(std::move(t), claim_loc);
}

Node CredentialLowering::Expression(const Json::Value& expression) {
  if (const std::string* unknown = in_.locator->Unknown(expression)) return Node::Unknown(*unknown, Loc(expression));
  if (!expression.isObject())
    return MalformedNode(Loc(expression), "`claimsMatchingExpression` must be an object with `value` and "
                                          "`languageVersion`");
  const Json::Value& version = expression["languageVersion"];
  if (!version.isIntegral() || version.asLargestInt() != 1)
    return MalformedNode(version.isNull() ? Loc(expression) : Loc(version),
                         fmt::format("`languageVersion` must be 1, not `{}`",
                                     version.isNull() ? "null" : CompactJson(version)));
  const Json::Value& text = expression["value"];
  if (!text.isString())
    return MalformedNode(text.isNull() ? Loc(expression) : Loc(text), "the expression `value` must be a string");
  trust_.facts.labels.emplace_back("expression", text.asString());
  if (!FlexibleIssuerRules(issuer_) && !issuer_.empty())
    return MalformedNode(KeyLoc(expression),
                         fmt::format("flexible credentials accept only GitHub, GitLab and Terraform Cloud issuers, "
                                     "not `{}`",
                                     issuer_));
  ParsedExpression parsed = ParseExpression(text.asString());
  if (!parsed.ok)
    return MalformedNode(in_.string_loc(text, parsed.error_offset),
                         fmt::format("invalid claims-matching expression: {}", parsed.error));
  std::vector<Node> conditions;
  for (const entra::Condition& c : parsed.conditions) conditions.push_back(LowerCondition(c, text));
  return Node::And(std::move(conditions), Loc(text));
}

Result<Trust> CredentialLowering::Run() {
  const Json::Value& credential = *in_.credential;
  trust_.platform = Platform::kAzure;
  trust_.format = in_.format;
  trust_.kind = TrustKind::kFederatedCredential;
  trust_.notes = std::move(in_.notes);
  trust_.loc = Loc(credential);
  if (!credential.isObject())
    return Status::Error(Loc(credential), "a federated identity credential must be a JSON object");
  const Json::Value& name = credential["name"];
  trust_.name = name.isString() ? name.asString() : in_.fallback_name;
  if (credential["id"].isString()) trust_.arn = credential["id"].asString();
  // [Time] RFC 7523 assertions need `exp`; the clock-skew allowance is not
  // documented, so none is granted.
  trust_.time.check_exp = true;
  trust_.time.check_nbf = true;
  trust_.time.require_exp = true;
  trust_.time.clock_skew_seconds = 0;

  const Json::Value& fields = Fields(credential);
  for (const Json::Value* object : {&credential, &fields}) {
    for (const std::string& key : object->getMemberNames())
      if (!KnownKey(key))
        Note(LoweringNote::Kind::kIgnoredElement, KeyLoc((*object)[key]),
             fmt::format("`{}` is not a federated identity credential property; it has no effect", key));
    if (object == &fields) break;
  }
  CheckName();

  std::vector<Node> checks;
  checks.push_back(Issuer());
  const Json::Value& subject = fields["subject"];
  const Json::Value& expression = fields["claimsMatchingExpression"];
  bool has_subject = !subject.isNull() && !(subject.isString() && subject.asString().empty());
  bool has_expression = !expression.isNull();
  // [Flexible] subject and claimsMatchingExpression are mutually exclusive.
  if (has_subject && has_expression) {
    checks.push_back(MalformedNode(KeyLoc(expression), "a credential with a `claimsMatchingExpression` must have a "
                                                       "null `subject`; the two are mutually exclusive"));
  } else if (has_subject) {
    trust_.facts.entra = EntraCredentialFacts{EntraCredentialFacts::Matching::kSubject};
    checks.push_back(Subject(subject));
  } else if (has_expression) {
    trust_.facts.entra = EntraCredentialFacts{EntraCredentialFacts::Matching::kExpression};
    checks.push_back(Expression(expression));
  } else {
    checks.push_back(MalformedNode(Loc(fields), "the credential has neither a `subject` nor a "
                                                "`claimsMatchingExpression`"));
  }
  checks.push_back(Audience());

  Statement s;
  s.effect = Effect::kAllow;
  s.sid = trust_.name;
  s.loc = Loc(credential);
  s.when = Node::And(std::move(checks), Loc(credential));
  trust_.statements.push_back(std::move(s));
  return std::move(trust_);
}

}  // namespace

Result<Trust> LowerCredential(CredentialInput input) { return CredentialLowering(std::move(input)).Run(); }

bool LooksLikeCredential(const Json::Value& value) {
  if (!value.isObject()) return false;
  const Json::Value& fields = Fields(value);
  return fields.isMember("issuer") &&
         (fields.isMember("audiences") || fields.isMember("subject") || fields.isMember("claimsMatchingExpression"));
}

std::vector<const Json::Value*> CredentialObjects(const Json::Value& root) {
  std::vector<const Json::Value*> out;
  const Json::Value* list = nullptr;
  if (root.isArray()) list = &root;
  else if (root.isObject() && root["value"].isArray() && !LooksLikeCredential(root)) list = &root["value"];
  if (list) {
    for (const Json::Value& e : *list) out.push_back(&e);
  } else if (LooksLikeCredential(root)) {
    out.push_back(&root);
  }
  return out;
}

}  // namespace entra

namespace {

// The file location of byte `offset` of a JSON string's decoded value,
// walking the literal's escapes (`\u0027` is one `'`, six source bytes).
SourceLoc DecodedByteLoc(const SourceText& source, const Json::Value& str, size_t offset) {
  const std::string& t = source.text();
  size_t i = static_cast<size_t>(str.getOffsetStart());
  if (i >= t.size() || t[i] != '"') return LocOf(source, str);
  ++i;
  size_t decoded = 0;
  auto hex4 = [&](size_t at, unsigned* cp) {
    if (at + 4 > t.size()) return false;
    *cp = 0;
    for (size_t k = at; k < at + 4; ++k) {
      if (!std::isxdigit(static_cast<unsigned char>(t[k]))) return false;
      *cp = *cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(t[k]))
                                                 ? t[k] - '0'
                                                 : std::tolower(static_cast<unsigned char>(t[k])) - 'a' + 10);
    }
    return true;
  };
  while (i < t.size() && t[i] != '"') {
    size_t start = i;
    size_t produced = 1;
    if (t[i] == '\\' && i + 1 < t.size()) {
      unsigned cp = 0;
      if (t[i + 1] == 'u' && hex4(i + 2, &cp)) {
        i += 6;
        unsigned low = 0;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < t.size() && t[i] == '\\' && t[i + 1] == 'u' && hex4(i + 2, &low)) {
          i += 6;
          cp = 0x10000;
        }
        produced = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      } else {
        i += 2;
      }
    } else {
      ++i;
    }
    if (offset < decoded + produced) return source.LocAt(start);
    decoded += produced;
  }
  return source.LocAt(i);
}

class EntraCredential : public Format {
 public:
  const char* name() const override { return "entra-credential"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    if (!v) return 0;
    auto objects = entra::CredentialObjects(*v);
    if (objects.empty()) {
      // `az ... federated-credential list` prints `[]` for an app without credentials.
      bool empty_list = (v->isArray() && v->empty()) ||
                        (v->isObject() && v->isMember("@odata.context") && (*v)["value"].isArray() &&
                         (*v)["value"].empty());
      return empty_list ? 5 : 0;
    }
    return entra::LooksLikeCredential(*objects.front()) ? 60 : 0;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    const Json::Value* v = in.json();
    if (!v) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not a JSON credential")
                                        : in.json_error();
    const SourceText& source = in.source();
    JsonTextLocator locator(source);
    std::string stem = std::filesystem::path(*source.path()).stem().string();
    auto duplicates = FindDuplicateKeys(source);
    auto objects = entra::CredentialObjects(*v);
    for (size_t i = 0; i < objects.size(); ++i) {
      const Json::Value& object = *objects[i];
      if (!entra::LooksLikeCredential(object))
        return Status::Error(locator.ValueLoc(object),
                             fmt::format("element {} is not a federated identity credential (no `issuer` with "
                                         "`subject`, `audiences` or `claimsMatchingExpression`)",
                                         i + 1));
      entra::CredentialInput input;
      input.credential = &object;
      input.locator = &locator;
      input.format = name();
      input.fallback_name = objects.size() == 1 ? stem : fmt::format("{}#{}", stem, i + 1);
      input.string_loc = [&source](const Json::Value& str, size_t offset) {
        return DecodedByteLoc(source, str, offset);
      };
      auto begin = static_cast<size_t>(object.getOffsetStart()), end = static_cast<size_t>(object.getOffsetLimit());
      for (const DuplicateKey& d : duplicates)
        if (d.offset >= begin && d.offset < end)
          input.notes.push_back({LoweringNote::Kind::kDuplicateKey, source.LocAt(d.offset),
                                 fmt::format("duplicate key `{}`: the last one is used", d.key), d.key, d.path});
      auto trust = entra::LowerCredential(std::move(input));
      if (!trust.ok()) return trust.status();
      out->trusts.push_back(std::move(*trust));
    }
    return Status();
  }
};

}  // namespace

const Format* EntraCredentialFormat() {
  static const EntraCredential kFormat;
  return &kFormat;
}

}  // namespace trustcheck
