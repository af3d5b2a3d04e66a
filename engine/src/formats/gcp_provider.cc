// Format "gcp-provider": Google Cloud workload identity pool providers, as
// `gcloud iam workload-identity-pools providers describe` prints them (YAML
// by default, JSON with --format=json), and `providers list` (a YAML stream
// of documents, or a JSON array).
//
// Lowering: the issuer, audience and attribute-mapping rules become Tests
// and a mapping check; the attribute condition (CEL) lowers into And / Or /
// Not / Test nodes wherever that is exact, and what is not stays a CEL node
// evaluated by the same evaluator (cel/trust_expr.h). docs/semantics-gcp.md
// gives the source of every rule.

#include "formats/gcp_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <regex>
#include <set>

#include "cel/cel.h"
#include "cel/trust_expr.h"
#include "formats/format.h"
#include "formats/scalar_trace.h"
#include "formats/yaml_tree.h"
#include "value_text.h"

namespace trustcheck::gcp {
namespace {

// projects/NUMBER/locations/LOCATION/workloadIdentityPools/POOL/providers/ID
const std::regex& ResourceNamePattern() {
  static const std::regex kName(R"(projects/([^/]+)/locations/([^/]+)/workloadIdentityPools/([^/]+)/providers/([^/]+))");
  return kName;
}

// Custom attribute names: "the key may only contain the characters [a-z0-9_]"
// and "The maximum length of a mapped attribute key is 100 characters".
bool ValidMappingKey(const std::string& key) {
  if (key == "google.subject" || key == "google.groups") return true;
  static const std::regex kAttribute(R"(attribute\.[a-z0-9_]+)");
  return key.size() <= 100 + std::string("attribute.").size() && std::regex_match(key, kAttribute);
}

JsonShape ShapeOf(const cel::Value& literal) {
  switch (literal.type()) {
    case cel::Type::kString: return JsonShape::kString;
    case cel::Type::kBool: return JsonShape::kBool;
    case cel::Type::kNull: return JsonShape::kNull;
    default: return JsonShape::kNumber;
  }
}

// A scalar CEL literal as the JSON value typed tests compare with.
std::optional<Json::Value> JsonOf(const cel::Value& literal) {
  switch (literal.type()) {
    case cel::Type::kString: return Json::Value(literal.string_value());
    case cel::Type::kBool: return Json::Value(literal.bool_value());
    case cel::Type::kInt: return Json::Value(static_cast<Json::Int64>(literal.int_value()));
    case cel::Type::kUint: return Json::Value(static_cast<Json::UInt64>(literal.uint_value()));
    case cel::Type::kDouble: return Json::Value(literal.double_value());
    default: return std::nullopt;
  }
}

bool IsScalarLiteral(const cel::Expr& e) {
  return e.kind() == cel::ExprKind::kLiteral && JsonOf(e.literal()).has_value();
}

// AWS-flavour pattern text for a literal: `*`, `?` and `$` written as the
// escapes Pattern understands, so only the wildcards we add are wildcards.
std::string EscapeForPattern(std::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (c == '*' || c == '?' || c == '$') {
      out += "${";
      out += c;
      out += "}";
    } else {
      out += c;
    }
  }
  return out;
}

std::string PointerEscape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class ProviderLowering {
 public:
  explicit ProviderLowering(ProviderInput input) : in_(std::move(input)) {}

  Result<Trust> Run() {
    const Json::Value& p = *in_.provider;
    if (!p.isObject()) return Status::Error(Loc(p), "a workload identity pool provider must be an object");
    trust_.platform = Platform::kGcp;
    trust_.format = in_.format;
    trust_.kind = "provider";
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
      LowerOidc(*oidc, &parts);
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

  static const Json::Value* Member(const Json::Value& object, const char* key) {
    if (!object.isObject()) return nullptr;
    const Json::Value* v = object.find(key, key + std::strlen(key));
    return v != nullptr && !v->isNull() ? v : nullptr;
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
    if (const Json::Value* n = Member(p, "name"); n && n->isString()) name = n->asString();
    resource_name_ = name;
    std::smatch m;
    if (std::regex_match(name, m, ResourceNamePattern())) {
      trust_.name = m[4].str();
      trust_.attributes.emplace_back("project", m[1].str());
      trust_.attributes.emplace_back("location", m[2].str());
      trust_.attributes.emplace_back("pool", m[3].str());
    } else if (!name.empty()) {
      trust_.name = name.substr(name.rfind('/') + 1);
    } else if (const Json::Value* d = Member(p, "displayName"); d && d->isString() && !d->asString().empty()) {
      trust_.name = d->asString();
    } else {
      trust_.name = in_.fallback_name;
    }
    if (!name.empty()) trust_.attributes.emplace_back("resource_name", name);
    if (const Json::Value* d = Member(p, "displayName"); d && d->isString())
      trust_.attributes.emplace_back("display_name", d->asString());
  }

  // `state: DELETED` and `disabled: true` reject every token.
  void LowerState(const Json::Value& p, std::vector<Node>* parts) {
    if (const Json::Value* state = Member(p, "state")) {
      auto text = Text(*state);
      if (text) trust_.attributes.emplace_back("state", *text);
      if (text && *text == "DELETED") {
        parts->push_back(Node::Const(false, fmt::format("provider `{}` is deleted (state `DELETED`)", trust_.name),
                                     KeyLoc(*state)));
      }
    }
    if (const Json::Value* disabled = Member(p, "disabled")) {
      if (!disabled->isBool()) {
        parts->push_back(MalformedNode(Loc(*disabled), "`disabled` must be `true` or `false`"));
      } else if (disabled->asBool()) {
        trust_.attributes.emplace_back("disabled", "true");
        parts->push_back(Node::Const(false, fmt::format("provider `{}` is disabled", trust_.name), KeyLoc(*disabled)));
      }
    }
  }

  Node NotOidc(const Json::Value& p) {
    static const std::pair<const char*, const char*> kKinds[] = {
        {"aws", "AWS credentials"}, {"saml", "SAML assertions"}, {"x509", "X.509 certificates"}};
    for (const auto& [key, what] : kKinds) {
      if (const Json::Value* v = Member(p, key)) {
        trust_.attributes.emplace_back("provider_type", key);
        return Node::Const(false, fmt::format("provider `{}` accepts {}, not OIDC tokens", trust_.name, what),
                           KeyLoc(*v));
      }
    }
    return MalformedNode(trust_.loc, "provider has no `oidc` section");
  }

  // -- issuer and audience

  void LowerOidc(const Json::Value& oidc, std::vector<Node>* parts) {
    trust_.attributes.emplace_back("provider_type", "oidc");
    const Json::Value* issuer = Member(oidc, "issuerUri");
    if (issuer == nullptr || !issuer->isString() || issuer->asString().empty()) {
      parts->push_back(MalformedNode(issuer ? Loc(*issuer) : KeyLoc(oidc), "`oidc.issuerUri` must be a non-empty string"));
    } else {
      parts->push_back(IssuerTest(*issuer));
    }
    parts->push_back(AudienceTest(oidc));
  }

  // `iss` must be the issuer URI. A trailing-slash difference is accepted
  // (docs/semantics-gcp.md, "Issuer": Google's own GitHub instructions use
  // the URI with a slash, GitHub's tokens have none).
  Node IssuerTest(const Json::Value& issuer) {
    std::string uri = issuer.asString();
    trust_.attributes.emplace_back("issuer_uri", uri);
    std::string other = !uri.empty() && uri.back() == '/' ? uri.substr(0, uri.size() - 1) : uri + "/";
    Test test;
    test.ref.names = {"iss"};
    test.ref.display = "iss";
    test.typing = ValueTyping::kJson;
    test.kind = MatchKind::kString;
    test.what = "issuer";
    test.op_display = "issuerUri";
    for (const std::string& text : {uri, other}) {
      if (text.empty()) continue;
      test.operands.push_back(LiteralOperand(text, Loc(issuer)));
    }
    return Node::MakeTest(std::move(test), KeyLoc(issuer));
  }

  Operand LiteralOperand(const std::string& text, const SourceLoc& loc) const {
    Operand op;
    op.text = text;
    op.pattern = Pattern::Compile(text, {WildcardFlavor::kLiteral, false, false});
    op.loc = loc;
    return op;
  }

  // `aud` must be one of `allowedAudiences`; with none configured, the
  // provider's full resource name with `//iam.googleapis.com/` or
  // `https://iam.googleapis.com/` in front.
  Node AudienceTest(const Json::Value& oidc) {
    Test test;
    test.ref.names = {"aud"};
    test.ref.display = "aud";
    test.typing = ValueTyping::kJson;
    test.kind = MatchKind::kString;
    test.quantifier = Quantifier::kAnyValue;
    test.what = "audience";
    const Json::Value* allowed = Member(oidc, "allowedAudiences");
    std::vector<std::string> joined;
    if (allowed != nullptr && !(allowed->isArray() && allowed->empty())) {
      test.op_display = "allowedAudiences";
      std::vector<const Json::Value*> values;
      if (allowed->isArray()) {
        for (const Json::Value& v : *allowed) values.push_back(&v);
      } else {
        values.push_back(allowed);
      }
      for (const Json::Value* v : values) {
        auto text = Text(*v);
        if (!text) return MalformedNode(Loc(*v), "`allowedAudiences` must be a list of strings");
        test.operands.push_back(LiteralOperand(*text, Loc(*v)));
        joined.push_back(*text);
      }
      trust_.attributes.emplace_back("allowed_audiences", fmt::format("{}", fmt::join(joined, "\n")));
      return Node::MakeTest(std::move(test), KeyLoc(*allowed));
    }
    const Json::Value* name = Member(*in_.provider, "name");
    if (resource_name_.empty() || name == nullptr) {
      return Node::Unknown("the provider has no `name`, so its default audience is unknown", KeyLoc(oidc));
    }
    test.op_display = "default audience";
    for (const char* prefix : {"//iam.googleapis.com/", "https://iam.googleapis.com/"}) {
      test.operands.push_back(LiteralOperand(prefix + resource_name_, Loc(*name)));
    }
    return Node::MakeTest(std::move(test), KeyLoc(*name));
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
      std::optional<std::string> text = Text(value);
      if (!text) {
        parts->push_back(MalformedNode(Loc(value), fmt::format("attribute mapping `{}` must be a CEL string", key)));
        continue;
      }
      trust_.attributes.emplace_back("mapping." + key, *text);
      auto expr = ParseCel(value, *text);
      if (!expr.ok()) {
        parts->push_back(MalformedNode(expr.status().loc(), expr.status().message()));
        continue;
      }
      compiled->entries.push_back({key, std::move(*expr), KeyLoc(value)});
    }
    if (!has_subject) {
      parts->push_back(MalformedNode(KeyLoc(*mapping), "`attributeMapping` has no `google.subject`"));
    }
    mapping_ = compiled;
    Node check;
    check.kind = Node::Kind::kExpr;
    check.loc = KeyLoc(*mapping);
    auto payload = std::make_shared<CelExpr>();
    payload->check = CelExpr::Check::kMapping;
    check.expr = std::move(payload);
    check.expr_context = mapping_;
    parts->push_back(std::move(check));
  }

  // -- attribute condition

  void LowerCondition(const Json::Value& p, std::vector<Node>* parts) {
    const Json::Value* condition = Member(p, "attributeCondition");
    if (condition == nullptr) return;  // every token of the issuer passes
    std::optional<std::string> text = Text(*condition);
    if (!text) {
      parts->push_back(MalformedNode(Loc(*condition), "`attributeCondition` must be a CEL string"));
      return;
    }
    if (text->empty()) return;
    trust_.attributes.emplace_back("attribute_condition", *text);
    auto expr = ParseCel(*condition, *text);
    if (!expr.ok()) {
      parts->push_back(MalformedNode(expr.status().loc(), expr.status().message()));
      return;
    }
    condition_root_ = *expr;
    parts->push_back(Lower(*condition_root_));
  }

  // CEL && || ! are Kleene And / Or / Not once an error is read as kUnknown;
  // comparisons of a claim with literals become Tests; the rest stays CEL.
  Node Lower(const cel::Expr& e) {
    switch (e.kind()) {
      case cel::ExprKind::kAnd:
      case cel::ExprKind::kOr: {
        std::vector<Node> children;
        for (size_t i = 0; i < e.num_children(); ++i) children.push_back(Lower(e.child(i)));
        return e.kind() == cel::ExprKind::kAnd ? Node::And(std::move(children), e.loc())
                                               : Node::Or(std::move(children), e.loc());
      }
      case cel::ExprKind::kUnary:
        if (e.op() == cel::Op::kNot) return Node::Not(Lower(e.child(0)), e.loc());
        break;
      case cel::ExprKind::kLiteral:
        if (e.literal().type() == cel::Type::kBool) {
          bool value = e.literal().bool_value();
          return Node::Const(value, value ? "condition `true`" : "condition `false` is always false", e.loc());
        }
        break;
      case cel::ExprKind::kBinary:
        if (auto n = LowerComparison(e)) return std::move(*n);
        break;
      case cel::ExprKind::kCall:
        if (auto n = LowerStringFunction(e)) return std::move(*n);
        break;
      case cel::ExprKind::kHas:
        if (auto n = LowerHas(e)) return std::move(*n);
        break;
      default:
        break;
    }
    return CelNode(e);
  }

  // A subexpression evaluated as CEL; it aliases the parsed condition.
  Node CelNode(const cel::Expr& e) const {
    Node n;
    n.kind = Node::Kind::kExpr;
    n.loc = e.loc();
    auto payload = std::make_shared<CelExpr>();
    payload->check = CelExpr::Check::kCondition;
    payload->expr = std::shared_ptr<const cel::Expr>(condition_root_, &e);
    n.expr = std::move(payload);
    n.expr_context = mapping_;
    return n;
  }

  // The claim a CEL path reads: `assertion.x`, `assertion['a.b'].c`, or an
  // `attribute.x` / `google.x` whose mapping is itself such a path (if that
  // mapping fails the token is rejected anyway, so reading the claim is exact).
  std::optional<ValueRef> ResolveClaim(const cel::Expr& e) const {
    std::optional<cel::Path> path = cel::AsPath(e);
    if (!path || path->steps.empty()) return std::nullopt;
    if (path->root == "attribute" || path->root == "google") {
      const std::string* step = std::get_if<std::string>(&path->steps[0]);
      if (path->steps.size() != 1 || step == nullptr || !mapping_) return std::nullopt;
      std::string key = path->root + "." + *step;
      for (const cel::AttributeMapping::Entry& entry : mapping_->entries) {
        if (entry.key == key) {
          std::optional<cel::Path> mapped = cel::AsPath(*entry.expr);
          if (mapped && mapped->root == "assertion") return ClaimRef(*mapped);
        }
      }
      return std::nullopt;
    }
    if (path->root != "assertion") return std::nullopt;
    return ClaimRef(*path);
  }

  // Only string keys: an index into a list (`[0]`) would read an object's
  // member "0" through a JSON pointer, which CEL does not.
  static std::optional<ValueRef> ClaimRef(const cel::Path& path) {
    if (path.steps.empty()) return std::nullopt;
    ValueRef ref;
    std::string pointer;
    std::vector<std::string> keys;
    for (const cel::Path::Step& step : path.steps) {
      const std::string* key = std::get_if<std::string>(&step);
      if (key == nullptr) return std::nullopt;
      keys.push_back(*key);
      pointer += "/" + PointerEscape(*key);
    }
    if (keys.size() == 1) {
      ref.source = ValueRef::Source::kClaim;
      ref.names = {keys[0]};
      ref.display = keys[0];
    } else {
      ref.source = ValueRef::Source::kPointer;
      ref.names = {pointer};
      ref.display = cel::Path{"", path.steps}.ToString();
      if (!ref.display.empty() && ref.display[0] == '.') ref.display.erase(0, 1);
    }
    return ref;
  }

  static Test BaseTest(const ValueRef& ref, const cel::Expr& e, std::string op_display) {
    Test t;
    t.ref = ref;
    t.typing = ValueTyping::kJson;
    t.quantifier = Quantifier::kSingle;
    t.missing_result = Tri::kUnknown;  // a missing key is a CEL error
    t.what = "condition";
    t.op_display = std::move(op_display);
    return t;
  }

  // The claim's JSON type is one of `shapes` (null counts as a value).
  static Node ShapeTest(const ValueRef& ref, const cel::Expr& e, std::set<JsonShape> shapes, const std::string& op) {
    Test t = BaseTest(ref, e, op);
    t.kind = MatchKind::kJsonShape;
    for (JsonShape s : shapes) {
      Operand o;
      o.shape = s;
      o.text = JsonShapeName(s);
      o.loc = e.loc();
      t.operands.push_back(std::move(o));
    }
    return Node::MakeTest(std::move(t), e.loc());
  }

  static Operand TypedOperand(const cel::Expr& literal) {
    Operand o;
    Json::Value json = *JsonOf(literal.literal());
    o.text = CompactJson(json);
    o.typed = std::make_shared<const Json::Value>(std::move(json));
    o.loc = literal.loc();
    return o;
  }

  // claim == literal, claim != literal, claim in [literals], literal in claim.
  std::optional<Node> LowerComparison(const cel::Expr& e) {
    cel::Op op = e.op();
    if (op != cel::Op::kEq && op != cel::Op::kNe && op != cel::Op::kIn) return std::nullopt;
    const cel::Expr& left = e.child(0);
    const cel::Expr& right = e.child(1);
    std::string op_display(cel::OpSymbol(op));
    if (op == cel::Op::kIn) {
      if (auto ref = ResolveClaim(left); ref && right.kind() == cel::ExprKind::kList) {
        return Membership(*ref, e, right);
      }
      if (auto ref = ResolveClaim(right); ref && IsScalarLiteral(left)) return ListContains(*ref, e, left);
      return std::nullopt;
    }
    const cel::Expr* claim = &left;
    const cel::Expr* literal = &right;
    std::optional<ValueRef> ref = ResolveClaim(left);
    if (!ref) {
      claim = &right;
      literal = &left;
      ref = ResolveClaim(right);
    }
    if (!ref || literal->kind() != cel::ExprKind::kLiteral) return std::nullopt;
    Node equal;
    if (literal->literal().type() == cel::Type::kNull) {
      equal = ShapeTest(*ref, e, {JsonShape::kNull}, op_display);
    } else if (IsScalarLiteral(*literal)) {
      // CEL == is false across types: the claim must have the literal's
      // JSON type and then be equal to it.
      Test t = BaseTest(*ref, e, op_display);
      t.kind = MatchKind::kTyped;
      t.operands.push_back(TypedOperand(*literal));
      equal = Node::And({ShapeTest(*ref, e, {ShapeOf(literal->literal())}, op_display),
                         Node::MakeTest(std::move(t), e.loc())},
                        e.loc());
    } else {
      return std::nullopt;
    }
    if (op == cel::Op::kNe) return Node::Not(std::move(equal), e.loc());
    return equal;
  }

  // claim in ['a', 'b']: equal to one of the literals (of its type).
  std::optional<Node> Membership(const ValueRef& ref, const cel::Expr& e, const cel::Expr& list) {
    if (list.num_children() == 0) return std::nullopt;
    Test t = BaseTest(ref, e, "in");
    t.kind = MatchKind::kTyped;
    std::set<JsonShape> shapes;
    for (size_t i = 0; i < list.num_children(); ++i) {
      const cel::Expr& element = list.child(i);
      if (!IsScalarLiteral(element)) return std::nullopt;  // null, lists, computed values: stay CEL
      shapes.insert(ShapeOf(element.literal()));
      t.operands.push_back(TypedOperand(element));
    }
    return Node::And({ShapeTest(ref, e, shapes, "in"), Node::MakeTest(std::move(t), e.loc())}, e.loc());
  }

  // 'admins' in claim: for a list claim, some element equals the literal;
  // for anything else (a map's keys, a type error) CEL decides.
  Node ListContains(const ValueRef& ref, const cel::Expr& e, const cel::Expr& literal) {
    Test t = BaseTest(ref, e, "in");
    t.kind = MatchKind::kTyped;
    t.quantifier = Quantifier::kAnyValue;
    t.operands.push_back(TypedOperand(literal));
    Node is_list = ShapeTest(ref, e, {JsonShape::kList}, "in");
    Node not_list = Node::Not(ShapeTest(ref, e, {JsonShape::kList}, "in"), e.loc());
    return Node::Or({Node::And({std::move(is_list), Node::MakeTest(std::move(t), e.loc())}, e.loc()),
                     Node::And({std::move(not_list), CelNode(e)}, e.loc())},
                    e.loc());
  }

  // claim.startsWith('p') / endsWith / contains: a wildcard pattern on a
  // string claim; on any other type CEL has no overload, an error.
  std::optional<Node> LowerStringFunction(const cel::Expr& e) {
    cel::Function f = e.function();
    if (!e.is_method() || (f != cel::Function::kStartsWith && f != cel::Function::kEndsWith &&
                           f != cel::Function::kContains)) {
      return std::nullopt;
    }
    std::optional<ValueRef> ref = ResolveClaim(e.child(0));
    const cel::Expr& arg = e.child(1);
    if (!ref || arg.kind() != cel::ExprKind::kLiteral || arg.literal().type() != cel::Type::kString) {
      return std::nullopt;
    }
    std::string escaped = EscapeForPattern(arg.literal().string_value());
    std::string pattern = f == cel::Function::kStartsWith ? escaped + "*"
                          : f == cel::Function::kEndsWith ? "*" + escaped
                                                          : "*" + escaped + "*";
    Test t = BaseTest(*ref, e, e.name());
    t.kind = MatchKind::kString;
    Operand o;
    o.text = pattern;
    o.pattern = Pattern::Compile(pattern, {WildcardFlavor::kAws, false, true});
    o.loc = arg.loc();
    t.operands.push_back(std::move(o));
    Node is_string = ShapeTest(*ref, e, {JsonShape::kString}, e.name());
    Node not_string = Node::Not(ShapeTest(*ref, e, {JsonShape::kString}, e.name()), e.loc());
    return Node::Or({Node::And({std::move(is_string), Node::MakeTest(std::move(t), e.loc())}, e.loc()),
                     Node::And({std::move(not_string), CelNode(e)}, e.loc())},
                    e.loc());
  }

  // has(assertion.x): the claim is present (null included);
  // has(attribute.x) / has(google.x): the mapping defines it.
  std::optional<Node> LowerHas(const cel::Expr& e) {
    const cel::Expr& operand = e.child(0);
    if (operand.kind() != cel::ExprKind::kIdent) return std::nullopt;
    if (operand.name() == "assertion") {
      ValueRef ref;
      ref.names = {e.name()};
      ref.display = e.name();
      Test t = BaseTest(ref, e, "has");
      t.kind = MatchKind::kJsonShape;
      t.missing_result = Tri::kFalse;
      for (JsonShape s : {JsonShape::kNull, JsonShape::kBool, JsonShape::kNumber, JsonShape::kString,
                          JsonShape::kList, JsonShape::kObject}) {
        Operand o;
        o.shape = s;
        o.text = JsonShapeName(s);
        o.loc = e.loc();
        t.operands.push_back(std::move(o));
      }
      return Node::MakeTest(std::move(t), e.loc());
    }
    if ((operand.name() == "attribute" || operand.name() == "google") && mapping_) {
      std::string key = operand.name() + "." + e.name();
      bool mapped = std::any_of(mapping_->entries.begin(), mapping_->entries.end(),
                                [&](const cel::AttributeMapping::Entry& entry) { return entry.key == key; });
      return Node::Const(mapped, fmt::format("the attribute mapping has no `{}`", key), e.loc());
    }
    return std::nullopt;
  }

  ProviderInput in_;
  Trust trust_;
  std::string resource_name_;
  std::shared_ptr<const cel::AttributeMapping> mapping_;
  std::shared_ptr<const cel::Expr> condition_root_;
};

bool LooksLikeYamlProvider(const YAML::Node& doc) {
  if (!doc.IsMap()) return false;
  const YAML::Node name = doc["name"];
  if (name && name.IsScalar() && std::regex_match(name.Scalar(), ResourceNamePattern())) return true;
  const YAML::Node oidc = doc["oidc"];
  return oidc && oidc.IsMap() && oidc["issuerUri"] && (doc["attributeMapping"] || doc["attributeCondition"]);
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
      if (!LooksLikeYamlProvider(doc)) return 0;
      ++providers;
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
      ++index;
      YamlTreeOptions options;
      options.max_depth = in.options().limits.max_depth;
      auto tree = YamlToJson(doc, in.source(), options);
      if (!tree.ok()) return tree.status();
      std::string fallback = docs->size() > 1 ? fmt::format("{}#{}", stem, index) : stem;
      Status s = LoadOne(*tree->root, *tree->locator, in, fallback, std::move(tree->duplicates), out);
      if (!s.ok()) return s;
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
    out->trusts.push_back(std::move(*trust));
    return Status();
  }
};

}  // namespace

Result<Trust> LowerProvider(ProviderInput input) { return ProviderLowering(std::move(input)).Run(); }

int ProviderScore(const Json::Value& value) {
  if (!value.isObject()) return 0;
  const Json::Value* name = value.find("name", "name" + 4);
  if (name != nullptr && name->isString() && std::regex_match(name->asString(), ResourceNamePattern())) return 80;
  const Json::Value* oidc = value.find("oidc", "oidc" + 4);
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
