// Format "gcp-provider": Google Cloud workload identity pool providers, as
// `gcloud iam workload-identity-pools providers describe` prints them (YAML
// by default, JSON with --format=json), and `providers list` (a YAML stream
// of documents, or a JSON array).
//
// Lowering: the issuer, audience and attribute-mapping rules become Tests
// and a mapping check; the attribute condition (CEL) is lowered by
// gcp_condition.h. docs/semantics-gcp.md gives the source of every rule.

#include "formats/gcp_provider.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>

#include "cel/cel.h"
#include "cel/trust_expr.h"
#include "formats/format.h"
#include "formats/gcp_condition.h"
#include "formats/scalar_trace.h"
#include "formats/unresolved_notes.h"
#include "formats/yaml_tree.h"
#include "value_text.h"
#include "text/json_pointer.h"

namespace trustcheck::gcp {
namespace {

// The member `key` of an object, or null, without inserting it (jsoncpp's
// find takes the key as a character range).
const Json::Value* FindMember(const Json::Value& object, std::string_view key) {
  return object.find(key.data(), key.data() + key.size());
}

// projects/NUMBER/locations/LOCATION/workloadIdentityPools/POOL/providers/ID
const RE2& ResourceNamePattern() {
  static const RE2 kName(R"(projects/([^/]+)/locations/([^/]+)/workloadIdentityPools/([^/]+)/providers/([^/]+))");
  return kName;
}

// Custom attribute names: "the key may only contain the characters [a-z0-9_]"
// and "The maximum length of a mapped attribute key is 100 characters".
bool ValidMappingKey(const std::string& key) {
  if (key == "google.subject" || key == "google.groups") return true;
  static const RE2 kAttribute(R"(attribute\.[a-z0-9_]+)");
  return key.size() <= 100 + std::string("attribute.").size() && RE2::FullMatch(key, kAttribute);
}

class ProviderLowering {
 public:
  explicit ProviderLowering(ProviderInput input) : in_(std::move(input)) {}

  Result<Trust> Run() {
    const Json::Value& p = *in_.provider;
    if (!p.isObject()) return Status::Error(Loc(p), "a workload identity pool provider must be an object");
    trust_.platform = Platform::kGcp;
    trust_.format = in_.format;
    trust_.kind = TrustKind::kProvider;
    trust_.loc = Loc(p);
    trust_.notes = std::move(in_.notes);
    trust_.time.check_exp = true;
    trust_.time.check_nbf = true;
    ReadName(p);

    Statement s;
    s.effect = Effect::kAllow;
    s.sid = trust_.name;
    s.loc = trust_.loc;
    std::vector<Node> parts;
    LowerState(p, &parts);
    const Json::Value* oidc = Member(p, "oidc");
    if (oidc == nullptr) {
      parts.push_back(NotOidc(p));
    } else {
      if (const std::string* unknown = UnknownOf(*oidc)) {
        parts.push_back(Node::Unknown(*unknown, KeyLoc(*oidc)));
      } else {
        LowerOidc(*oidc, &parts);
      }
      LowerMapping(p, &parts);
      LowerCondition(p, &parts);
    }
    s.when = Node::And(std::move(parts), s.loc);
    trust_.statements.push_back(std::move(s));
    return std::move(trust_);
  }

 private:
  SourceLoc Loc(const Json::Value& v) const { return in_.locator->ValueLoc(v); }
  SourceLoc KeyLoc(const Json::Value& v) const { return in_.locator->KeyLoc(v); }

  // A member that is set; an unknown value (which a plan writes as null)
  // counts as set.
  const Json::Value* Member(const Json::Value& object, const char* key) const {
    if (!object.isObject()) return nullptr;
    const Json::Value* v = object.find(key, key + std::strlen(key));
    if (v == nullptr) return nullptr;
    return !v->isNull() || UnknownOf(*v) != nullptr ? v : nullptr;
  }

  // Why a value is unknown (a Terraform variable with no default, a value
  // computed at apply), or nullptr when it is known.
  const std::string* UnknownOf(const Json::Value& v) const { return in_.locator->Unknown(v); }

  // The widest pattern a partly known string could match: the known text
  // literally, each unknown piece a `*`. nullopt when nothing is known.
  std::optional<Operand> WideOperand(const Json::Value& v, const std::string& prefix, const SourceLoc& loc) const {
    const std::vector<TextPiece>* pieces = in_.locator->Pieces(v);
    if (pieces == nullptr) return std::nullopt;
    Operand op;
    std::string pattern = EscapeForPattern(prefix);
    op.text = prefix;
    for (const TextPiece& piece : *pieces) {
      op.text += piece.text;
      pattern += piece.known ? EscapeForPattern(piece.text) : "*";
    }
    op.pattern = Pattern::Compile(pattern, {WildcardFlavor::kAws, false, true});
    op.place = loc;
    return op;
  }

  // The reason of the first unknown piece of a partly known string, else
  // the reason of the whole value.
  std::string UnknownReason(const Json::Value& v) const {
    if (const std::vector<TextPiece>* pieces = in_.locator->Pieces(v)) {
      for (const TextPiece& piece : *pieces) {
        if (!piece.known && !piece.reason.empty()) return piece.reason;
      }
    }
    const std::string* reason = UnknownOf(v);
    return reason != nullptr ? *reason : std::string("the value is unknown");
  }

  // The text of a partly known string with each unknown piece as the source
  // wrote it (`${var.pool}`), for attributes and messages.
  std::string WrittenText(const Json::Value& v) const {
    std::string out;
    if (const std::vector<TextPiece>* pieces = in_.locator->Pieces(v)) {
      for (const TextPiece& piece : *pieces) out += piece.text;
    }
    return out;
  }

  void Malformed(const SourceLoc& loc, std::string message) {
    trust_.notes.push_back({LoweringNote::Kind::kMalformed, loc, std::move(message), {}, {}});
  }
  Node MalformedNode(const SourceLoc& loc, const std::string& message) {
    Malformed(loc, message);
    return Node::Const(false, "malformed provider: " + message, loc);
  }

  // A scalar the YAML reader may have typed (a plain `12345`) read as text.
  std::optional<std::string> Text(const Json::Value& v) const {
    if (v.isString()) return v.asString();
    if (v.isNumeric() || v.isBool()) return IamText(v);
    return std::nullopt;
  }

  // -- identity

  void ReadName(const Json::Value& p) {
    std::string name;
    if (const Json::Value* n = Member(p, "name"); n && UnknownOf(*n)) {
      // Terraform: the project number is known only after apply. The caller
      // names the trust; the partly known name still gives the audience.
      name_ = n;
      trust_.name = in_.fallback_name;
      if (std::string written = WrittenText(*n); !written.empty()) {
        trust_.facts.labels.emplace_back("resource_name", written);
      }
      ReadDisplayName(p);
      return;
    }
    if (const Json::Value* n = Member(p, "name"); n && n->isString()) {
      name = n->asString();
      if (!name.empty()) name_ = n;
    }
    resource_name_ = name;
    std::string project, location, pool, id;
    if (RE2::FullMatch(name, ResourceNamePattern(), &project, &location, &pool, &id)) {
      trust_.name = id;
      trust_.facts.labels.emplace_back("project", project);
      trust_.facts.labels.emplace_back("location", location);
      trust_.facts.labels.emplace_back("pool", pool);
    } else if (!name.empty()) {
      trust_.name = name.substr(name.rfind('/') + 1);
    } else if (const Json::Value* d = Member(p, "displayName");
               d && d->isString() && !UnknownOf(*d) && !d->asString().empty()) {
      trust_.name = d->asString();
    } else {
      trust_.name = in_.fallback_name;
    }
    if (!name.empty()) trust_.facts.labels.emplace_back("resource_name", name);
    ReadDisplayName(p);
  }

  void ReadDisplayName(const Json::Value& p) {
    if (const Json::Value* d = Member(p, "displayName"); d && d->isString() && !UnknownOf(*d))
      trust_.facts.labels.emplace_back("display_name", d->asString());
  }

  // `state: DELETED` and `disabled: true` reject every token.
  void LowerState(const Json::Value& p, std::vector<Node>* parts) {
    // A state computed at apply is that of a new provider: active.
    if (const Json::Value* state = Member(p, "state"); state && !UnknownOf(*state)) {
      auto text = Text(*state);
      if (text) trust_.facts.labels.emplace_back("state", *text);
      if (text && *text == "DELETED") {
        parts->push_back(Node::Const(false, fmt::format("provider `{}` is deleted (state `DELETED`)", trust_.name),
                                     KeyLoc(*state)));
      }
    }
    if (const Json::Value* disabled = Member(p, "disabled")) {
      if (const std::string* unknown = UnknownOf(*disabled)) {
        parts->push_back(Node::Unknown(*unknown, KeyLoc(*disabled)));
      } else if (!disabled->isBool()) {
        parts->push_back(MalformedNode(Loc(*disabled), "`disabled` must be `true` or `false`"));
      } else if (disabled->asBool()) {
        trust_.facts.labels.emplace_back("disabled", "true");
        parts->push_back(Node::Const(false, fmt::format("provider `{}` is disabled", trust_.name), KeyLoc(*disabled)));
      }
    }
  }

  Node NotOidc(const Json::Value& p) {
    static const std::pair<const char*, const char*> kKinds[] = {
        {"aws", "AWS credentials"}, {"saml", "SAML assertions"}, {"x509", "X.509 certificates"}};
    for (const auto& [key, what] : kKinds) {
      if (const Json::Value* v = Member(p, key)) {
        trust_.facts.labels.emplace_back("provider_type", key);
        return Node::Const(false, fmt::format("provider `{}` accepts {}, not OIDC tokens", trust_.name, what),
                           KeyLoc(*v));
      }
    }
    return MalformedNode(trust_.loc, "provider has no `oidc` section");
  }

  // -- issuer and audience

  void LowerOidc(const Json::Value& oidc, std::vector<Node>* parts) {
    trust_.facts.labels.emplace_back("provider_type", "oidc");
    const Json::Value* issuer = Member(oidc, "issuerUri");
    if (issuer != nullptr && UnknownOf(*issuer)) {
      parts->push_back(IssuerUnknown(*issuer));
    } else if (issuer == nullptr || !issuer->isString() || issuer->asString().empty()) {
      parts->push_back(MalformedNode(issuer ? Loc(*issuer) : KeyLoc(oidc), "`oidc.issuerUri` must be a non-empty string"));
    } else {
      parts->push_back(IssuerTest(*issuer));
    }
    AudienceTest(oidc, parts);
  }

  // The test on `iss` against the issuer URI, its operands to be added.
  static Test IssuerTestWithoutOperands() {
    Test test;
    test.ref.names = {"iss"};
    test.ref.display = "iss";
    test.typing = ValueTyping::kJson;
    test.kind = MatchKind::kString;
    test.role = TestRole::kIssuer;
    test.what = "issuer";
    test.op_display = "issuerUri";
    return test;
  }

  // `iss` must be the issuer URI. A trailing-slash difference is accepted
  // (docs/semantics-gcp.md, "Issuer": Google's own GitHub instructions use
  // the URI with a slash, GitHub's tokens have none).
  Node IssuerTest(const Json::Value& issuer) {
    std::string uri = issuer.asString();
    trust_.facts.labels.emplace_back("issuer_uri", uri);
    std::string other = !uri.empty() && uri.back() == '/' ? uri.substr(0, uri.size() - 1) : uri + "/";
    Test test = IssuerTestWithoutOperands();
    for (const std::string& text : {uri, other}) {
      if (text.empty()) continue;
      test.operands.push_back(LiteralOperand(text, Loc(issuer)));
    }
    return Node::MakeTest(std::move(test), KeyLoc(issuer));
  }

  // An issuer that is partly known still refuses tokens of other issuers.
  Node IssuerUnknown(const Json::Value& issuer) {
    Node unknown = Node::Unknown(UnknownReason(issuer), KeyLoc(issuer));
    std::optional<Operand> wide = WideOperand(issuer, "", Loc(issuer));
    if (!wide) return unknown;
    Test test = IssuerTestWithoutOperands();
    test.operands.push_back(std::move(*wide));
    // The trailing-slash tolerance (rule 1a): a `*` already matches it when
    // the text ends in a hole; otherwise add the other spelling.
    const Operand& first = test.operands.front();
    if (!first.text.empty() && first.pattern.text().back() != '*') {
      std::string other = first.pattern.text();
      other = other.back() == '/' ? other.substr(0, other.size() - 1) : other + "/";
      Operand alt = first;
      alt.pattern = Pattern::Compile(other, {WildcardFlavor::kAws, false, true});
      test.operands.push_back(std::move(alt));
    }
    return Node::And({Node::MakeTest(std::move(test), KeyLoc(issuer)), std::move(unknown)}, KeyLoc(issuer));
  }

  Operand LiteralOperand(const std::string& text, const SourceLoc& loc) const {
    Operand op;
    op.text = text;
    op.pattern = Pattern::Compile(text, {WildcardFlavor::kLiteral, false, false});
    op.place = loc;
    return op;
  }

  // `aud` must be one of `allowedAudiences`; with none configured, the
  // provider's full resource name with `//iam.googleapis.com/` or
  // `https://iam.googleapis.com/` in front. Unknown values (Terraform) never
  // accept: a token that matches what is known of them is undecided, any
  // other token is refused.
  void AudienceTest(const Json::Value& oidc, std::vector<Node>* parts) {
    // The default audience of a provider whose name is partly unknown is a
    // fact of the provider, not a value of its condition: its test and its
    // unknown are parts of the statement itself (lint/analysis.cc reads
    // such unknowns as pinning nothing); the label `default_audience` shows
    // the name as written.
    if (Member(oidc, "allowedAudiences") == nullptr || IsEmptyList(*Member(oidc, "allowedAudiences"))) {
      if (name_ != nullptr && UnknownOf(*name_)) {
        Node n = DefaultAudienceUnknown();
        if (n.kind == Node::Kind::kAnd) {
          for (Node& child : n.children) parts->push_back(std::move(child));
        } else {
          parts->push_back(std::move(n));
        }
        trust_.facts.labels.emplace_back("default_audience", "//iam.googleapis.com/" + WrittenText(*name_));
        return;
      }
    }
    parts->push_back(Audience(oidc));
  }

  bool IsEmptyList(const Json::Value& v) const { return v.isArray() && v.empty() && !UnknownOf(v); }

  // `aud` against the resource name, of which only some pieces are known.
  Node DefaultAudienceUnknown() {
    Test test = AudienceBase();
    test.op_display = "default audience";
    Test assumed = test;
    std::string reason = UnknownReason(*name_);
    for (const char* prefix : {"//iam.googleapis.com/", "https://iam.googleapis.com/"}) {
      std::optional<Operand> op = WideOperand(*name_, prefix, Loc(*name_));
      if (!op) return Node::Unknown(reason, KeyLoc(*name_));
      test.operands.push_back(std::move(*op));
      assumed.operands.push_back(LiteralOperand(prefix + WrittenText(*name_), Loc(*name_)));
    }
    return PartlyKnown(Test(), std::move(test), reason, KeyLoc(*name_), std::move(assumed));
  }

  static Test AudienceBase() {
    Test test;
    test.ref.names = {"aud"};
    test.ref.display = "aud";
    test.typing = ValueTyping::kJson;
    test.kind = MatchKind::kString;
    test.quantifier = Quantifier::kAnyValue;
    test.role = TestRole::kAudience;
    test.what = "audience";
    return test;
  }

  Node Audience(const Json::Value& oidc) {
    Test test = AudienceBase();
    const Json::Value* allowed = Member(oidc, "allowedAudiences");
    if (allowed != nullptr && UnknownOf(*allowed)) return Node::Unknown(*UnknownOf(*allowed), KeyLoc(*allowed));
    std::vector<std::string> joined;
    if (allowed != nullptr && !(allowed->isArray() && allowed->empty())) {
      test.op_display = "allowedAudiences";
      std::vector<const Json::Value*> values;
      if (allowed->isArray()) {
        for (const Json::Value& v : *allowed) values.push_back(&v);
      } else {
        values.push_back(allowed);
      }
      Test wide = test;
      Test assumed = test;
      std::string unknown;
      for (const Json::Value* v : values) {
        if (UnknownOf(*v)) {
          if (unknown.empty()) unknown = UnknownReason(*v);
          std::optional<Operand> op = WideOperand(*v, "", Loc(*v));
          if (!op) return Node::Unknown(UnknownReason(*v), Loc(*v));
          wide.operands.push_back(std::move(*op));
          assumed.operands.push_back(LiteralOperand(WrittenText(*v), Loc(*v)));
          joined.push_back(WrittenText(*v));
          continue;
        }
        auto text = Text(*v);
        if (!text) return MalformedNode(Loc(*v), "`allowedAudiences` must be a list of strings");
        test.operands.push_back(LiteralOperand(*text, Loc(*v)));
        wide.operands.push_back(LiteralOperand(*text, Loc(*v)));
        assumed.operands.push_back(LiteralOperand(*text, Loc(*v)));
        joined.push_back(*text);
      }
      trust_.facts.labels.emplace_back("allowed_audiences", fmt::format("{}", fmt::join(joined, "\n")));
      if (unknown.empty()) return Node::MakeTest(std::move(test), KeyLoc(*allowed));
      return PartlyKnown(std::move(test), std::move(wide), unknown, KeyLoc(*allowed), std::move(assumed));
    }
    if (name_ == nullptr) {
      return Node::Unknown("the provider has no `name`, so its default audience is unknown", KeyLoc(oidc));
    }
    test.op_display = "default audience";
    for (const char* prefix : {"//iam.googleapis.com/", "https://iam.googleapis.com/"}) {
      test.operands.push_back(LiteralOperand(prefix + resource_name_, Loc(*name_)));
    }
    return Node::MakeTest(std::move(test), KeyLoc(*name_));
  }

  // `exact` holds the known values, `wide` those and patterns for the partly
  // known ones: an exact match accepts, a token outside `wide` is refused,
  // anything else is unknown (the test is monotone in its operands).
  // `assumed`: the test on the values as written (`${var.project}` kept as
  // a symbol), read by the exposure analysis (Node::assumed).
  static Node PartlyKnown(Test exact, Test wide, const std::string& reason, const SourceLoc& loc,
                          std::optional<Test> assumed = std::nullopt) {
    Node unknown = assumed ? Node::Unknown(reason, loc, Node::MakeTest(std::move(*assumed), loc)) : Node::Unknown(reason, loc);
    Node maybe = Node::And({Node::MakeTest(std::move(wide), loc), std::move(unknown)}, loc);
    if (exact.operands.empty()) return maybe;
    return Node::Or({Node::MakeTest(std::move(exact), loc), std::move(maybe)}, loc);
  }

  // -- CEL text

  // Parses CEL from a string value, tracing error positions into the file.
  Result<std::shared_ptr<const cel::Expr>> ParseCel(const Json::Value& value, const std::string& text) {
    SourceLoc base = Loc(value);
    cel::ParseOptions options;
    if (in_.source != nullptr && base.known()) {
      const std::string& file = in_.source->text();
      if (auto start = OffsetOfLineColumn(file, base.line, base.column)) {
        if (*start < file.size() && (file[*start] == '"' || file[*start] == '\'')) base.column += 1;
        if (auto trace = TraceScalar(file, *start, text)) {
          auto offsets = std::make_shared<const std::vector<uint32_t>>(std::move(*trace));
          const SourceText* source = in_.source;
          options.locate = [source, offsets](uint32_t offset) {
            return source->LocAt((*offsets)[std::min<size_t>(offset, offsets->size() - 1)]);
          };
        }
      }
    }
    return cel::Parse(text, base, options);
  }

  // -- attribute mapping

  void LowerMapping(const Json::Value& p, std::vector<Node>* parts) {
    const Json::Value* mapping = Member(p, "attributeMapping");
    if (mapping != nullptr && UnknownOf(*mapping)) {
      // Attributes cannot be read; the condition still decides what it can.
      mapping_unknown_ = true;
      mapping_ = std::make_shared<cel::AttributeMapping>();
      parts->push_back(Node::Unknown(*UnknownOf(*mapping), KeyLoc(*mapping)));
      return;
    }
    if (mapping == nullptr || !mapping->isObject()) {
      parts->push_back(MalformedNode(mapping ? Loc(*mapping) : trust_.loc,
                                     "an OIDC provider needs an `attributeMapping` that maps `google.subject`"));
      return;
    }
    auto compiled = std::make_shared<cel::AttributeMapping>();
    bool has_subject = false;
    for (const std::string& key : mapping->getMemberNames()) {
      const Json::Value& value = (*mapping)[key];
      if (!ValidMappingKey(key)) {
        parts->push_back(MalformedNode(
            KeyLoc(value), fmt::format("attribute mapping key `{}` must be `google.subject`, `google.groups` or "
                                       "`attribute.NAME` with NAME made of a-z, 0-9 and _",
                                       key)));
        continue;
      }
      has_subject |= key == "google.subject";
      if (UnknownOf(value)) {
        // Left out of the mapping: an attribute condition reading it is
        // undecided (a missing attribute is an error), never true.
        unknown_keys_.insert(key);
        parts->push_back(Node::Unknown(UnknownReason(value), KeyLoc(value)));
        continue;
      }
      std::optional<std::string> text = Text(value);
      if (!text) {
        parts->push_back(MalformedNode(Loc(value), fmt::format("attribute mapping `{}` must be a CEL string", key)));
        continue;
      }
      trust_.facts.labels.emplace_back("mapping." + key, *text);
      auto expr = ParseCel(value, *text);
      if (!expr.ok()) {
        parts->push_back(MalformedNode(expr.status().loc(), expr.status().message()));
        continue;
      }
      // A constant subject that is not a string fails every exchange (rule
      // 3c); said here, where the linter sees it, not only when evaluated.
      if (key == "google.subject" && (*expr)->kind() == cel::ExprKind::kLiteral &&
          (*expr)->literal().type() != cel::Type::kString) {
        parts->push_back(Node::Const(
            false, fmt::format("attribute mapping `google.subject` is the constant `{}`, not a string", *text),
            Loc(value)));
      }
      compiled->entries.push_back({key, std::move(*expr), KeyLoc(value)});
    }
    if (!has_subject) {
      parts->push_back(MalformedNode(KeyLoc(*mapping), "`attributeMapping` has no `google.subject`"));
    }
    mapping_ = compiled;
    auto payload = std::make_shared<CelExpr>();
    payload->check = CelExpr::Check::kMapping;
    parts->push_back(Node::Expr(std::move(payload), mapping_, KeyLoc(*mapping)));
  }

  // -- attribute condition

  void LowerCondition(const Json::Value& p, std::vector<Node>* parts) {
    const Json::Value* condition = Member(p, "attributeCondition");
    if (condition == nullptr) return;  // every token of the issuer passes
    if (UnknownOf(*condition)) {
      // Nested: a value of the condition, which may well pin the tenant,
      // not an unknown fact of the provider (see AudienceTest).
      parts->push_back(Node::And({Node::Unknown(UnknownReason(*condition), Loc(*condition))}, Loc(*condition)));
      return;
    }
    std::optional<std::string> text = Text(*condition);
    if (!text) {
      parts->push_back(MalformedNode(Loc(*condition), "`attributeCondition` must be a CEL string"));
      return;
    }
    if (text->empty()) return;
    trust_.facts.labels.emplace_back("attribute_condition", *text);
    auto expr = ParseCel(*condition, *text);
    if (!expr.ok()) {
      parts->push_back(MalformedNode(expr.status().loc(), expr.status().message()));
      return;
    }
    for (Node& n : LowerAttributeCondition(*expr, {mapping_, mapping_unknown_, unknown_keys_}))
      parts->push_back(std::move(n));
  }

  ProviderInput in_;
  Trust trust_;
  std::string resource_name_;
  const Json::Value* name_ = nullptr;  // the `name` member, when set
  std::shared_ptr<const cel::AttributeMapping> mapping_;
  bool mapping_unknown_ = false;         // the whole mapping is unknown
  std::set<std::string> unknown_keys_;  // mapped attributes whose expression is unknown
};

bool LooksLikeYamlProvider(const YAML::Node& doc) {
  if (!doc.IsMap()) return false;
  const YAML::Node name = doc["name"];
  if (name && name.IsScalar() && RE2::FullMatch(name.Scalar(), ResourceNamePattern())) return true;
  const YAML::Node oidc = doc["oidc"];
  return oidc && oidc.IsMap() && oidc["issuerUri"] && (doc["attributeMapping"] || doc["attributeCondition"]);
}

// Config Connector (Kubernetes) resources: `apiVersion:
// iam.cnrm.cloud.google.com/v1beta1`, `kind: IAMWorkloadIdentityPoolProvider`,
// the provider's REST fields under `spec`.
bool IsConfigConnector(const YAML::Node& doc) {
  if (!doc.IsMap()) return false;
  const YAML::Node api = doc["apiVersion"];
  return api && api.IsScalar() && api.Scalar().find(".cnrm.cloud.google.com/") != std::string::npos;
}

bool IsConfigConnectorKind(const YAML::Node& doc, const char* kind) {
  if (!IsConfigConnector(doc)) return false;
  const YAML::Node k = doc["kind"];
  return k && k.IsScalar() && k.Scalar() == kind && doc["spec"] && doc["spec"].IsMap();
}

std::string ScalarAt(const YAML::Node& node, std::initializer_list<const char*> path) {
  // reset() rebinds; assigning a YAML::Node would write into the document.
  YAML::Node n;
  n.reset(node);
  for (const char* key : path) {
    if (!n.IsMap()) return {};
    const YAML::Node& map = n;  // the const operator[] adds no key
    const YAML::Node next = map[key];
    if (!next) return {};
    n.reset(next);
  }
  return n.IsScalar() ? n.Scalar() : std::string();
}

// The id a Config Connector object is created with: `spec.resourceID`, else
// `metadata.name`.
std::string ConfigConnectorId(const YAML::Node& doc) {
  std::string id = ScalarAt(doc, {"spec", "resourceID"});
  return id.empty() ? ScalarAt(doc, {"metadata", "name"}) : id;
}

bool AllDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The provider's resource name, as far as the file tells it: the project
// number is known only when `projectRef.external` is one; a pool named by a
// Kubernetes object is known when that object is in the same file.
std::vector<TextPiece> ConfigConnectorName(const YAML::Node& doc, const std::vector<YAML::Node>& docs) {
  std::vector<TextPiece> pieces;
  auto text = [&](const std::string& t) {
    if (!pieces.empty() && pieces.back().known) {
      pieces.back().text += t;
    } else {
      pieces.push_back({t, true, {}, TextPiece::Same::kNothing});
    }
  };
  auto hole = [&](std::string written, std::string reason) {
    pieces.push_back({std::move(written), false, std::move(reason), TextPiece::Same::kNothing});
  };
  std::string project = ScalarAt(doc, {"spec", "projectRef", "external"});
  if (project.rfind("projects/", 0) == 0) project = project.substr(9);
  text("projects/");
  if (AllDigits(project)) {
    text(project);
  } else if (!project.empty()) {
    hole("${project_number}", fmt::format("the number of project `{}` is not in the file", project));
  } else {
    hole("${project_number}", "the provider's project is not in the file");
  }
  std::string location = ScalarAt(doc, {"spec", "location"});
  text("/locations/" + (location.empty() ? std::string("global") : location) + "/workloadIdentityPools/");
  std::string pool = ScalarAt(doc, {"spec", "workloadIdentityPoolRef", "external"});
  if (size_t slash = pool.rfind('/'); slash != std::string::npos) pool = pool.substr(slash + 1);
  if (pool.empty()) {
    std::string ref = ScalarAt(doc, {"spec", "workloadIdentityPoolRef", "name"});
    for (const YAML::Node& other : docs) {
      if (!ref.empty() && IsConfigConnectorKind(other, "IAMWorkloadIdentityPool") &&
          ScalarAt(other, {"metadata", "name"}) == ref) {
        pool = ConfigConnectorId(other);
      }
    }
    if (pool.empty()) {
      hole("${pool_id}", ref.empty() ? std::string("the provider's pool is not in the file")
                                     : fmt::format("pool `{}` is a Kubernetes object not in the file", ref));
    }
  }
  if (!pool.empty()) text(pool);
  text("/providers/" + ConfigConnectorId(doc));
  return pieces;
}

std::vector<LoweringNote> DuplicateNotes(const SourceText& source, const std::string& path_prefix) {
  std::vector<LoweringNote> notes;
  for (const DuplicateKey& d : FindDuplicateKeys(source)) {
    if (path_prefix.empty() ? false : d.path.rfind(path_prefix, 0) != 0) continue;
    if (!path_prefix.empty() && d.path.size() > path_prefix.size() && d.path[path_prefix.size()] != '/') continue;
    notes.push_back({LoweringNote::Kind::kDuplicateKey, source.LocAt(d.offset),
                     fmt::format("duplicate key `{}`: the last one is used", d.key), d.key, d.path});
  }
  return notes;
}

class GcpProvider : public Format {
 public:
  const char* name() const override { return "gcp-provider"; }

  int Detect(const InputFile& in) const override {
    if (const Json::Value* v = in.json()) {
      if (v->isArray()) {
        if (v->empty()) return 0;
        int score = 100;
        for (const Json::Value& e : *v) score = std::min(score, ProviderScore(e));
        return score;
      }
      return ProviderScore(*v);
    }
    if (!in.json_error().ok()) return 0;
    const std::vector<YAML::Node>* docs = in.yaml();
    if (docs == nullptr) return 0;
    size_t providers = 0;
    for (const YAML::Node& doc : *docs) {
      if (doc.IsNull()) continue;
      if (IsConfigConnectorKind(doc, "IAMWorkloadIdentityPoolProvider") || LooksLikeYamlProvider(doc)) {
        ++providers;
      } else if (!IsConfigConnector(doc)) {
        return 0;  // the other Config Connector objects of a file are skipped
      }
    }
    return providers > 0 ? 70 : 0;
  }

  Status Load(const InputFile& in, LoadedFile* out) const override {
    std::string stem = std::filesystem::path(*in.source().path()).stem().string();
    if (const Json::Value* v = in.json()) {
      JsonTextLocator locator(in.source());
      if (!v->isArray()) return LoadOne(*v, locator, in, stem, DuplicateNotes(in.source(), ""), out);
      for (Json::ArrayIndex i = 0; i < v->size(); ++i) {
        Status s = LoadOne((*v)[i], locator, in, fmt::format("{}#{}", stem, i + 1),
                           DuplicateNotes(in.source(), fmt::format("/{}", i)), out);
        if (!s.ok()) return s;
      }
      return Status();
    }
    if (!in.json_error().ok()) return in.json_error();
    const std::vector<YAML::Node>* docs = in.yaml();
    if (docs == nullptr) {
      return in.yaml_error().ok() ? Status::Error(in.source().FileLoc(), "not a workload identity pool provider")
                                  : in.yaml_error();
    }
    size_t index = 0;
    for (const YAML::Node& doc : *docs) {
      if (doc.IsNull()) continue;
      const bool config_connector = IsConfigConnectorKind(doc, "IAMWorkloadIdentityPoolProvider");
      if (!config_connector && IsConfigConnector(doc)) continue;
      ++index;
      YamlTreeOptions options;
      options.max_depth = in.options().limits.max_depth;
      auto tree = YamlToJson(doc, in.source(), options);
      if (!tree.ok()) return tree.status();
      std::string fallback = docs->size() > 1 ? fmt::format("{}#{}", stem, index) : stem;
      const Json::Value* provider = tree->root.get();
      if (config_connector) {
        // `spec` is the REST resource; its name is built from the references.
        Json::Value& spec = (*tree->root)["spec"];
        Json::Value& name = spec["name"];
        std::vector<TextPiece> pieces = ConfigConnectorName(doc, *docs);
        auto hole = std::find_if(pieces.begin(), pieces.end(), [](const TextPiece& p) { return !p.known; });
        if (hole == pieces.end()) {
          name = pieces.front().text;
        } else {
          tree->locator->SetUnknown(&name, hole->reason);
        }
        tree->locator->SetPieces(&name, std::move(pieces));
        // Located at the project reference, whose number is what is usually
        // missing.
        const Json::Value* project = FindMember(spec, "projectRef");
        tree->locator->Set(&name, tree->locator->KeyLoc(project != nullptr ? *project : spec));
        provider = &spec;
        if (std::string id = ConfigConnectorId(doc); !id.empty()) fallback = id;
      }
      TRUSTCHECK_RETURN_IF_ERROR(LoadOne(*provider, *tree->locator, in, fallback, std::move(tree->duplicates), out));
    }
    return Status();
  }

 private:
  Status LoadOne(const Json::Value& provider, const TreeLocator& locator, const InputFile& in,
                 const std::string& fallback_name, std::vector<LoweringNote> notes, LoadedFile* out) const {
    ProviderInput input;
    input.provider = &provider;
    input.locator = &locator;
    input.source = &in.source();
    input.format = name();
    input.fallback_name = fallback_name;
    input.notes = std::move(notes);
    auto trust = LowerProvider(std::move(input));
    if (!trust.ok()) return trust.status();
    AddUnresolvedNotes(&*trust);  // so lint reports what it could not verify (TC024)
    out->trusts.push_back(std::move(*trust));
    return Status();
  }
};

}  // namespace

Result<Trust> LowerProvider(ProviderInput input) { return ProviderLowering(std::move(input)).Run(); }

int ProviderScore(const Json::Value& value) {
  if (!value.isObject()) return 0;
  const Json::Value* name = FindMember(value, "name");
  if (name != nullptr && name->isString() && RE2::FullMatch(name->asString(), ResourceNamePattern())) return 80;
  const Json::Value* oidc = FindMember(value, "oidc");
  if (oidc != nullptr && oidc->isObject() && oidc->isMember("issuerUri") &&
      (value.isMember("attributeMapping") || value.isMember("attributeCondition"))) {
    return 60;
  }
  return 0;
}

}  // namespace trustcheck::gcp

namespace trustcheck {

const Format* GcpProviderFormat() {
  static const gcp::GcpProvider kFormat;
  return &kFormat;
}

}  // namespace trustcheck
