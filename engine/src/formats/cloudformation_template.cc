// CloudFormation intrinsic functions, resolved from the template alone. The
// rules follow the "Intrinsic function reference" and "Pseudo parameters
// reference" of the CloudFormation User Guide; see docs/formats.md.

#include "formats/cloudformation_template.h"

#include <fmt/format.h>

#include <algorithm>

#include "value_text.h"

namespace trustcheck::cfn {

namespace {

constexpr int kMaxDepth = 256;

TextPiece Literal(std::string text) { return TextPiece{std::move(text), true, {}, TextPiece::Same::kNothing}; }

TextPiece Hole(std::string written, std::string reason, TextPiece::Same same = TextPiece::Same::kNothing) {
  return TextPiece{std::move(written), false, std::move(reason), same};
}

// Appends pieces, merging adjacent literal runs.
void Append(std::vector<TextPiece>* out, const TextPiece& piece) {
  if (piece.known && piece.text.empty()) return;
  if (piece.known && !out->empty() && out->back().known) {
    out->back().text += piece.text;
    return;
  }
  out->push_back(piece);
}

Value StringOf(std::vector<TextPiece> pieces, SourceLoc loc) {
  Value v;
  v.kind = Value::Kind::kString;
  for (const TextPiece& p : pieces) Append(&v.pieces, p);
  v.loc = std::move(loc);
  return v;
}

bool IsListType(const std::string& type) {
  return type == "CommaDelimitedList" || type.rfind("List<", 0) == 0;
}

std::vector<std::string> SplitText(const std::string& text, const std::string& delimiter) {
  std::vector<std::string> out;
  if (delimiter.empty()) {
    out.push_back(text);
    return out;
  }
  size_t start = 0;
  while (true) {
    size_t at = text.find(delimiter, start);
    if (at == std::string::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, at - start));
    start = at + delimiter.size();
  }
}

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kAlphabet[(n >> (6 * k)) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Structural equality of two fully known values, as `Fn::Equals` compares
// them: scalars by the text CloudFormation substitutes.
bool SameValue(const Value& a, const Value& b) {
  auto text_a = a.is_string() ? std::optional<std::string>(a.text()) : a.scalar_text();
  auto text_b = b.is_string() ? std::optional<std::string>(b.text()) : b.scalar_text();
  if (text_a || text_b) return text_a && text_b && *text_a == *text_b;
  if (a.kind != b.kind) return false;
  if (a.kind == Value::Kind::kList) {
    if (a.items.size() != b.items.size()) return false;
    for (size_t i = 0; i < a.items.size(); ++i)
      if (!SameValue(a.items[i], b.items[i])) return false;
    return true;
  }
  if (a.kind == Value::Kind::kMap) {
    if (a.members.size() != b.members.size()) return false;
    for (size_t i = 0; i < a.members.size(); ++i)
      if (a.members[i].key != b.members[i].key || !SameValue(a.members[i].value, b.members[i].value))
        return false;
    return true;
  }
  return a.kind == b.kind;
}

// Equality of two values that may hold holes: the same known text and holes
// that stand for the same thing (the stack's own account or partition).
bool SameShape(const Value& a, const Value& b) {
  if (a.fully_known() && b.fully_known()) return SameValue(a, b);
  if (!a.is_string() || !b.is_string() || a.pieces.size() != b.pieces.size()) return false;
  for (size_t i = 0; i < a.pieces.size(); ++i) {
    const TextPiece& x = a.pieces[i];
    const TextPiece& y = b.pieces[i];
    if (x.known != y.known) return false;
    if (x.known && x.text != y.text) return false;
    if (!x.known && (x.same == TextPiece::Same::kNothing || x.same != y.same)) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// Value

Value Value::Unknown(std::string reason, SourceLoc loc, std::string written) {
  Value v;
  v.kind = Kind::kUnknown;
  v.reason = std::move(reason);
  v.loc = std::move(loc);
  v.written = written.empty() ? "${unknown}" : std::move(written);
  return v;
}

Value Value::String(std::string text, SourceLoc loc) { return StringOf({Literal(std::move(text))}, std::move(loc)); }

bool Value::is_known_string() const {
  if (kind != Kind::kString) return false;
  for (const TextPiece& p : pieces)
    if (!p.known) return false;
  return true;
}

bool Value::fully_known() const {
  switch (kind) {
    case Kind::kUnknown: return false;
    case Kind::kString: return is_known_string();
    case Kind::kList:
      for (const Value& v : items)
        if (!v.fully_known()) return false;
      return true;
    case Kind::kMap:
      for (const auto& [k, v] : members)
        if (!v.fully_known()) return false;
      return true;
    default: return true;
  }
}

std::string Value::text() const {
  std::string out;
  for (const TextPiece& p : pieces) out += p.text;
  return out;
}

std::string Value::first_unknown() const {
  switch (kind) {
    case Kind::kUnknown: return reason;
    case Kind::kString:
      for (const TextPiece& p : pieces)
        if (!p.known) return p.reason;
      return "";
    case Kind::kList:
      for (const Value& v : items)
        if (auto r = v.first_unknown(); !r.empty()) return r;
      return "";
    case Kind::kMap:
      for (const auto& [k, v] : members)
        if (auto r = v.first_unknown(); !r.empty()) return r;
      return "";
    default: return "";
  }
}

std::optional<std::string> Value::scalar_text() const {
  if (kind == Kind::kBool || kind == Kind::kNumber) return IamText(scalar);
  if (is_known_string()) return text();
  return std::nullopt;
}

const Value* Value::member(const std::string& key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

// ---------------------------------------------------------------------------
// Template: sections

bool IsIntrinsic(const Json::Value& value) {
  if (!value.isObject() || value.size() != 1) return false;
  const std::string key = value.getMemberNames().front();
  return key == "Ref" || key.rfind("Fn::", 0) == 0;
}

Status Template::Index() {
  if (!root_.isObject()) return Status::Error(Loc(root_), "a CloudFormation template must be a map");
  if (root_.isMember("Parameters")) {
    const Json::Value& params = root_["Parameters"];
    if (!params.isObject()) return Status::Error(Loc(params), "`Parameters` must be a map");
    for (const std::string& name : params.getMemberNames()) {
      const Json::Value& p = params[name];
      if (!p.isObject() || !p["Type"].isString())
        return Status::Error(KeyLoc(p), fmt::format("parameter `{}` must be a map with a `Type`", name));
      parameters_[name] = Parameter{&p, KeyLoc(p)};
    }
  }
  if (root_.isMember("Conditions")) {
    const Json::Value& conditions = root_["Conditions"];
    if (!conditions.isObject()) return Status::Error(Loc(conditions), "`Conditions` must be a map");
    for (const std::string& name : conditions.getMemberNames()) conditions_[name] = &conditions[name];
  }
  if (root_.isMember("Mappings")) {
    mappings_ = &root_["Mappings"];
    if (!mappings_->isObject()) return Status::Error(Loc(*mappings_), "`Mappings` must be a map");
  }
  if (root_.isMember("Resources")) {
    const Json::Value& resources = root_["Resources"];
    if (!resources.isObject()) return Status::Error(Loc(resources), "`Resources` must be a map");
    for (const std::string& id : resources.getMemberNames()) {
      const Json::Value& r = resources[id];
      if (id.rfind("Fn::ForEach", 0) == 0)
        return Status::Error(KeyLoc(r), fmt::format("`{}` (the LanguageExtensions transform) is not supported", id));
      if (!r.isObject()) return Status::Error(Loc(r), fmt::format("resource `{}` must be a map", id));
      if (!r["Type"].isString())
        return Status::Error(KeyLoc(r), fmt::format("resource `{}` has no `Type`", id));
      Resource res;
      res.id = id;
      res.type = r["Type"].asString();
      res.node = &r;
      res.key_loc = KeyLoc(r);
      if (r.isMember("Properties")) {
        if (!r["Properties"].isObject() && !IsIntrinsic(r["Properties"]))
          return Status::Error(Loc(r["Properties"]), fmt::format("the `Properties` of resource `{}` must be a map", id));
        res.properties = &r["Properties"];
      }
      if (r.isMember("Condition")) {
        if (!r["Condition"].isString())
          return Status::Error(Loc(r["Condition"]), fmt::format("the `Condition` of resource `{}` must be a name", id));
        res.condition = r["Condition"].asString();
        if (!conditions_.count(res.condition))
          return Status::Error(Loc(r["Condition"]), fmt::format("resource `{}` names no condition `{}`", id, res.condition));
      }
      resources_.push_back(std::move(res));
    }
    // Source order (the tree keeps keys sorted), so trusts come out as written.
    std::stable_sort(resources_.begin(), resources_.end(), [](const Resource& a, const Resource& b) {
      return std::make_pair(a.key_loc.line, a.key_loc.column) < std::make_pair(b.key_loc.line, b.key_loc.column);
    });
  }
  return Status();
}

const Template::Resource* Template::FindResource(const std::string& id) const {
  for (const Resource& r : resources_)
    if (r.id == id) return &r;
  return nullptr;
}

Value Template::Refuse(const SourceLoc& loc, std::string message) {
  problems_.push_back({loc, message});
  return Value::Unknown(std::move(message), loc);
}

Tri Template::Exists(const Resource& resource, std::string* reason) {
  if (resource.condition.empty()) return Tri::kTrue;
  return Condition(resource.condition, resource.key_loc, reason, 0);
}

// ---------------------------------------------------------------------------
// Resolution

Value Template::Resolve(const Json::Value& value) { return ResolveAt(value, 0); }

Value Template::ResolveAt(const Json::Value& value, int depth) {
  SourceLoc loc = Loc(value);
  if (depth > kMaxDepth) return Refuse(loc, "template values are nested deeper than the limit");
  if (const std::string* unknown = locator_.Unknown(value)) return Value::Unknown(*unknown, loc);
  if (IsIntrinsic(value)) {
    const std::string name = value.getMemberNames().front();
    return Intrinsic(name, value[name], loc, depth + 1);
  }
  Value out;
  out.loc = loc;
  if (value.isObject()) {
    out.kind = Value::Kind::kMap;
    for (const std::string& key : value.getMemberNames()) {
      Value member = ResolveAt(value[key], depth + 1);
      member.key_loc = KeyLoc(value[key]);
      out.members.push_back(Member{key, std::move(member)});
    }
  } else if (value.isArray()) {
    out.kind = Value::Kind::kList;
    for (const Json::Value& item : value) out.items.push_back(ResolveAt(item, depth + 1));
  } else if (value.isString()) {
    out = Value::String(value.asString(), loc);
  } else if (value.isBool()) {
    out.kind = Value::Kind::kBool;
    out.scalar = value;
  } else if (value.isNumeric()) {
    out.kind = Value::Kind::kNumber;
    out.scalar = value;
  }
  return out;
}

Value Template::Intrinsic(const std::string& name, const Json::Value& arg, const SourceLoc& loc, int depth) {
  if (name == "Ref") {
    if (!arg.isString()) return Refuse(loc, "`Ref` takes the name of a parameter or resource");
    return Ref(arg.asString(), loc);
  }
  if (name == "Fn::GetAtt") {
    std::string resource, attribute;
    if (arg.isString()) {
      size_t dot = arg.asString().find('.');
      if (dot == std::string::npos) return Refuse(loc, "`Fn::GetAtt` takes `Resource.Attribute`");
      resource = arg.asString().substr(0, dot);
      attribute = arg.asString().substr(dot + 1);
    } else if (arg.isArray() && arg.size() == 2 && arg[0].isString()) {
      resource = arg[0].asString();
      Value attr = ResolveAt(arg[1], depth);
      if (!attr.is_known_string()) {
        if (attr.fully_known()) return Refuse(loc, "the attribute of `Fn::GetAtt` must be a name");
        return Value::Unknown(attr.first_unknown(), loc, fmt::format("${{{}.Attribute}}", resource));
      }
      attribute = attr.text();
    } else {
      return Refuse(loc, "`Fn::GetAtt` takes `[Resource, Attribute]`");
    }
    return GetAtt(resource, attribute, loc);
  }
  if (name == "Fn::Sub") return Sub(arg, loc, depth);
  if (name == "Fn::Join") return Join(arg, loc, depth);
  if (name == "Fn::Select") return Select(arg, loc, depth);
  if (name == "Fn::Split") return Split(arg, loc, depth);
  if (name == "Fn::If") return If(arg, loc, depth);
  if (name == "Fn::FindInMap") return FindInMap(arg, loc, depth);
  if (name == "Fn::Base64") {
    Value v = ResolveAt(arg, depth);
    if (v.kind == Value::Kind::kUnknown) return v;
    auto text = v.scalar_text();
    if (!text) {
      if (v.is_string()) return Value::Unknown(v.first_unknown(), loc, "${Fn::Base64}");
      return Refuse(loc, "`Fn::Base64` takes a string");
    }
    return Value::String(Base64(*text), loc);
  }
  if (name == "Fn::Length") {
    Value v = ResolveAt(arg, depth);
    if (v.kind == Value::Kind::kList) {
      Value n;
      n.kind = Value::Kind::kNumber;
      n.scalar = Json::Value(static_cast<Json::UInt64>(v.items.size()));
      n.loc = loc;
      return n;
    }
    if (v.kind == Value::Kind::kUnknown) return v;
    return Refuse(loc, "`Fn::Length` takes a list");
  }
  if (name == "Fn::ToJsonString") {
    Value v = ResolveAt(arg, depth);
    if (!v.fully_known()) return Value::Unknown(v.first_unknown(), loc, "${Fn::ToJsonString}");
    Json::Value tree;
    AddressLocator scratch(loc);
    Emit(v, &tree, &scratch, nullptr);
    return Value::String(CompactJson(tree), loc);
  }
  if (name == "Fn::ImportValue")
    return Value::Unknown("`Fn::ImportValue` reads an export of another stack at deployment", loc,
                          "${Fn::ImportValue}");
  if (name == "Fn::GetAZs")
    return Value::Unknown("`Fn::GetAZs` lists the availability zones at deployment", loc, "${Fn::GetAZs}");
  if (name == "Fn::Cidr")
    return Value::Unknown("`Fn::Cidr` address blocks are not computed", loc, "${Fn::Cidr}");
  if (name == "Fn::Transform")
    return Value::Unknown("`Fn::Transform` runs a macro at deployment", loc, "${Fn::Transform}");
  if (name == "Fn::Equals" || name == "Fn::And" || name == "Fn::Or" || name == "Fn::Not")
    return Refuse(loc, fmt::format("`{}` can only be used in `Conditions` and in the condition of `Fn::If`", name));
  return Refuse(loc, fmt::format("unknown intrinsic function `{}`", name));
}

Value Template::Ref(const std::string& name, const SourceLoc& loc) {
  const std::string written = "${" + name + "}";
  if (name.rfind("AWS::", 0) == 0) {
    if (name == "AWS::NoValue") {
      Value v;
      v.kind = Value::Kind::kNoValue;
      v.loc = loc;
      return v;
    }
    if (name == "AWS::AccountId")
      return StringOf({Hole(written, "`AWS::AccountId` is the account the stack is deployed to",
                            TextPiece::Same::kOwnAccount)},
                      loc);
    if (name == "AWS::Partition")
      return StringOf({Hole(written, "`AWS::Partition` is the partition the stack is deployed to",
                            TextPiece::Same::kOwnPartition)},
                      loc);
    if (name == "AWS::Region" || name == "AWS::StackName" || name == "AWS::StackId" || name == "AWS::URLSuffix")
      return StringOf({Hole(written, fmt::format("`{}` is known only at deployment", name))}, loc);
    if (name == "AWS::NotificationARNs")
      return Value::Unknown("`AWS::NotificationARNs` is known only at deployment", loc, written);
    return Refuse(loc, fmt::format("unknown pseudo parameter `{}`", name));
  }
  auto param = parameters_.find(name);
  if (param != parameters_.end()) return ParameterValue(name, param->second, loc);
  if (const Resource* r = FindResource(name)) {
    if (r->type == "AWS::IAM::OIDCProvider") return ProviderArn(*r, loc);
    return StringOf({Hole(written, fmt::format("`Ref` to resource `{}` (`{}`) is known only after deployment", name,
                                               r->type))},
                    loc);
  }
  return Refuse(loc, fmt::format("`{}` is not a parameter, a pseudo parameter or a resource of the template", name));
}

Value Template::GetAtt(const std::string& resource, const std::string& attribute, const SourceLoc& loc) {
  const Resource* r = FindResource(resource);
  if (!r) return Refuse(loc, fmt::format("`Fn::GetAtt` names no resource `{}`", resource));
  if (r->type == "AWS::IAM::OIDCProvider" && attribute == "Arn") return ProviderArn(*r, loc);
  return StringOf({Hole(fmt::format("${{{}.{}}}", resource, attribute),
                        fmt::format("attribute `{}` of resource `{}` is known only after deployment", attribute,
                                    resource))},
                  loc);
}

Value Template::ParameterValue(const std::string& name, const Parameter& p, const SourceLoc& loc) {
  const std::string type = (*p.node)["Type"].asString();
  const std::string written = "${" + name + "}";
  const Json::Value& def = (*p.node)["Default"];
  if (type.rfind("AWS::SSM::Parameter::Value<", 0) == 0)
    return StringOf({Hole(written, fmt::format("parameter `{}` is read from Systems Manager at deployment", name))},
                    loc);
  if (!p.node->isMember("Default")) {
    std::string reason = fmt::format("parameter `{}` has no default", name);
    if (IsListType(type)) return Value::Unknown(reason, loc, written);
    return StringOf({Hole(written, reason)}, loc);
  }
  auto text = IamText(def);
  if (!text) return Refuse(Loc(def), fmt::format("the default of parameter `{}` must be a string", name));
  defaults_used_.emplace_back(name, *text);
  if (IsListType(type)) {
    Value list;
    list.kind = Value::Kind::kList;
    list.loc = loc;
    for (std::string& item : SplitText(*text, ",")) list.items.push_back(Value::String(std::move(item), loc));
    return list;
  }
  return Value::String(*text, loc);
}

Value Template::ProviderArn(const Resource& provider, const SourceLoc& loc) {
  std::string why;
  if (Exists(provider, &why) == Tri::kFalse)
    return Refuse(loc, fmt::format("OIDC provider `{}` is not created: condition `{}` is false", provider.id,
                                   provider.condition));
  const Json::Value* url_node = provider.properties ? &(*provider.properties)["Url"] : nullptr;
  if (!url_node || url_node->isNull())
    return Refuse(loc, fmt::format("OIDC provider `{}` has no `Url`", provider.id));
  Value url = ResolveAt(*url_node, 1);
  if (!url.is_string())
    return Value::Unknown(url.kind == Value::Kind::kUnknown
                              ? fmt::format("the `Url` of OIDC provider `{}` is unknown: {}", provider.id, url.reason)
                              : fmt::format("the `Url` of OIDC provider `{}` is not a string", provider.id),
                          loc, fmt::format("${{{}.Arn}}", provider.id));
  std::vector<TextPiece> pieces = {
      Literal("arn:"),
      Hole("${AWS::Partition}", "`AWS::Partition` is the partition the stack is deployed to",
           TextPiece::Same::kOwnPartition),
      Literal(":iam::"),
      Hole("${AWS::AccountId}", "`AWS::AccountId` is the account the stack is deployed to",
           TextPiece::Same::kOwnAccount),
      Literal(":oidc-provider/")};
  // The ARN names the provider by its URL without the scheme.
  std::vector<TextPiece> host = url.pieces;
  if (!host.empty() && host.front().known && host.front().text.rfind("https://", 0) == 0)
    host.front().text.erase(0, 8);
  for (const TextPiece& p : host) pieces.push_back(p);
  return StringOf(std::move(pieces), loc);
}

Value Template::Sub(const Json::Value& arg, const SourceLoc& loc, int depth) {
  const Json::Value* text_node = &arg;
  std::map<std::string, Value> variables;
  if (arg.isArray()) {
    if (arg.size() != 2 || !arg[0].isString() || !(arg[1].isObject() || IsIntrinsic(arg[1])))
      return Refuse(loc, "`Fn::Sub` takes a string or `[string, {variables}]`");
    text_node = &arg[0];
    Value vars = ResolveAt(arg[1], depth);
    if (vars.kind == Value::Kind::kUnknown) return Value::Unknown(vars.reason, loc, "${Fn::Sub}");
    for (auto& [k, v] : vars.members) variables.emplace(k, std::move(v));
  } else if (!arg.isString()) {
    return Refuse(loc, "`Fn::Sub` takes a string or `[string, {variables}]`");
  }
  const std::string& text = text_node->asString();
  std::vector<TextPiece> pieces;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("${", i);
    if (open == std::string::npos) {
      Append(&pieces, Literal(text.substr(i)));
      break;
    }
    Append(&pieces, Literal(text.substr(i, open - i)));
    size_t close = text.find('}', open + 2);
    if (close == std::string::npos) {
      Append(&pieces, Literal(text.substr(open)));
      break;
    }
    std::string inner = text.substr(open + 2, close - open - 2);
    i = close + 1;
    if (!inner.empty() && inner[0] == '!') {  // `${!Literal}` writes `${Literal}`
      Append(&pieces, Literal("${" + inner.substr(1) + "}"));
      continue;
    }
    while (!inner.empty() && inner.front() == ' ') inner.erase(inner.begin());
    while (!inner.empty() && inner.back() == ' ') inner.pop_back();
    Value v;
    auto var = variables.find(inner);
    if (var != variables.end()) v = var->second;
    else if (inner.find('.') != std::string::npos && !parameters_.count(inner))
      v = GetAtt(inner.substr(0, inner.find('.')), inner.substr(inner.find('.') + 1), loc);
    else v = Ref(inner, loc);
    const std::string written = "${" + inner + "}";
    if (v.kind == Value::Kind::kUnknown) {
      Append(&pieces, Hole(written, v.reason));
    } else if (v.is_string()) {
      for (const TextPiece& p : v.pieces) Append(&pieces, p);
    } else if (auto t = v.scalar_text()) {
      Append(&pieces, Literal(*t));
    } else {
      return Refuse(loc, fmt::format("`{}` in `Fn::Sub` is not a string", written));
    }
  }
  return StringOf(std::move(pieces), loc);
}

Value Template::Join(const Json::Value& arg, const SourceLoc& loc, int depth) {
  if (!arg.isArray() || arg.size() != 2) return Refuse(loc, "`Fn::Join` takes `[delimiter, [values]]`");
  Value delimiter = ResolveAt(arg[0], depth);
  if (!delimiter.is_known_string()) return Refuse(loc, "the delimiter of `Fn::Join` must be a string");
  Value list = ResolveAt(arg[1], depth);
  if (list.kind == Value::Kind::kUnknown) return Value::Unknown(list.reason, loc, "${Fn::Join}");
  if (list.kind != Value::Kind::kList) return Refuse(loc, "`Fn::Join` joins a list");
  std::vector<TextPiece> pieces;
  bool first = true;
  for (const Value& item : list.items) {
    if (item.kind == Value::Kind::kNoValue) continue;
    if (!first) Append(&pieces, Literal(delimiter.text()));
    first = false;
    if (item.kind == Value::Kind::kUnknown) Append(&pieces, Hole(item.written, item.reason));
    else if (item.is_string())
      for (const TextPiece& p : item.pieces) Append(&pieces, p);
    else if (auto t = item.scalar_text()) Append(&pieces, Literal(*t));
    else return Refuse(item.loc, "`Fn::Join` joins strings");
  }
  return StringOf(std::move(pieces), loc);
}

Value Template::Select(const Json::Value& arg, const SourceLoc& loc, int depth) {
  if (!arg.isArray() || arg.size() != 2) return Refuse(loc, "`Fn::Select` takes `[index, [values]]`");
  Value index = ResolveAt(arg[0], depth);
  Value list = ResolveAt(arg[1], depth);
  if (index.kind == Value::Kind::kUnknown || (index.is_string() && !index.is_known_string()))
    return Value::Unknown(index.first_unknown(), loc, "${Fn::Select}");
  auto index_text = index.scalar_text();
  auto n = index_text ? ParseDecimal(*index_text) : std::nullopt;
  if (!n || *n < 0 || *n != static_cast<double>(static_cast<size_t>(*n)))
    return Refuse(loc, "the index of `Fn::Select` must be a whole number");
  if (list.kind == Value::Kind::kUnknown) return Value::Unknown(list.reason, loc, "${Fn::Select}");
  if (list.kind != Value::Kind::kList) return Refuse(loc, "`Fn::Select` selects from a list");
  size_t i = static_cast<size_t>(*n);
  if (i >= list.items.size())
    return Refuse(loc, fmt::format("`Fn::Select` index {} is past the end of a list of {}", i, list.items.size()));
  Value out = list.items[i];
  out.loc = loc;
  return out;
}

Value Template::Split(const Json::Value& arg, const SourceLoc& loc, int depth) {
  if (!arg.isArray() || arg.size() != 2) return Refuse(loc, "`Fn::Split` takes `[delimiter, string]`");
  Value delimiter = ResolveAt(arg[0], depth);
  if (!delimiter.is_known_string()) return Refuse(loc, "the delimiter of `Fn::Split` must be a string");
  Value source = ResolveAt(arg[1], depth);
  if (source.kind == Value::Kind::kUnknown || (source.is_string() && !source.is_known_string()))
    return Value::Unknown(source.first_unknown(), loc, "${Fn::Split}");
  auto text = source.scalar_text();
  if (!text) return Refuse(loc, "`Fn::Split` splits a string");
  Value list;
  list.kind = Value::Kind::kList;
  list.loc = loc;
  for (std::string& item : SplitText(*text, delimiter.text())) list.items.push_back(Value::String(std::move(item), loc));
  return list;
}

Value Template::If(const Json::Value& arg, const SourceLoc& loc, int depth) {
  if (!arg.isArray() || arg.size() != 3 || !arg[0].isString())
    return Refuse(loc, "`Fn::If` takes `[condition, value if true, value if false]`");
  const std::string name = arg[0].asString();
  std::string reason;
  Tri which = Condition(name, Loc(arg[0]), &reason, depth);
  if (which == Tri::kTrue) return ResolveAt(arg[1], depth);
  if (which == Tri::kFalse) return ResolveAt(arg[2], depth);
  // Undecided: still known when both branches come to the same value (a
  // provider created here or the same provider named by ARN).
  Value yes = ResolveAt(arg[1], depth);
  Value no = ResolveAt(arg[2], depth);
  if (SameShape(yes, no)) {
    yes.loc = loc;
    return yes;
  }
  return Value::Unknown(reason, loc, "${Fn::If}");
}

Value Template::FindInMap(const Json::Value& arg, const SourceLoc& loc, int depth) {
  if (!arg.isArray() || arg.size() < 3 || arg.size() > 4)
    return Refuse(loc, "`Fn::FindInMap` takes `[map, top-level key, second-level key]`");
  std::vector<std::string> keys;
  for (Json::ArrayIndex i = 0; i < 3; ++i) {
    Value k = ResolveAt(arg[i], depth);
    if (k.kind == Value::Kind::kUnknown || (k.is_string() && !k.is_known_string()))
      return Value::Unknown(k.first_unknown(), loc, "${Fn::FindInMap}");
    auto t = k.scalar_text();
    if (!t) return Refuse(loc, "the keys of `Fn::FindInMap` must be strings");
    keys.push_back(*t);
  }
  const Json::Value* node = mappings_;
  for (const std::string& k : keys) {
    if (!node || !node->isObject() || !node->isMember(k)) {
      node = nullptr;
      break;
    }
    node = &(*node)[k];
  }
  if (node) {
    Value out = ResolveAt(*node, depth);
    out.loc = loc;
    return out;
  }
  if (arg.size() == 4 && arg[3].isObject() && arg[3].isMember("DefaultValue"))
    return ResolveAt(arg[3]["DefaultValue"], depth);
  return Refuse(loc, fmt::format("`Fn::FindInMap` finds nothing at `{}`/`{}`/`{}`", keys[0], keys[1], keys[2]));
}

// ---------------------------------------------------------------------------
// Conditions

Tri Template::Condition(const std::string& name, const SourceLoc& loc, std::string* reason, int depth) {
  auto it = conditions_.find(name);
  if (it == conditions_.end()) {
    Refuse(loc, fmt::format("`{}` is not a condition of the template", name));
    *reason = fmt::format("`{}` is not a condition of the template", name);
    return Tri::kUnknown;
  }
  if (conditions_in_progress_.count(name) || depth > kMaxDepth) {
    Refuse(loc, fmt::format("condition `{}` refers to itself", name));
    *reason = fmt::format("condition `{}` refers to itself", name);
    return Tri::kUnknown;
  }
  conditions_in_progress_.insert(name);
  std::string inner;
  Tri result = ConditionExpr(*it->second, &inner, depth + 1);
  conditions_in_progress_.erase(name);
  if (result == Tri::kUnknown) {
    // Keep the innermost condition's name: it is the one to look at.
    *reason = inner.rfind("condition `", 0) == 0 ? inner
                                                 : fmt::format("condition `{}` cannot be decided: {}", name, inner);
  }
  return result;
}

Tri Template::ConditionExpr(const Json::Value& expr, std::string* reason, int depth) {
  SourceLoc loc = Loc(expr);
  if (depth > kMaxDepth) {
    *reason = "conditions are nested deeper than the limit";
    Refuse(loc, *reason);
    return Tri::kUnknown;
  }
  if (!expr.isObject() || expr.size() != 1) {
    *reason = "a condition must be `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` or `Condition`";
    Refuse(loc, *reason);
    return Tri::kUnknown;
  }
  const std::string fn = expr.getMemberNames().front();
  const Json::Value& arg = expr[fn];
  if (fn == "Condition") {
    if (!arg.isString()) {
      *reason = "`Condition` takes a condition name";
      Refuse(loc, *reason);
      return Tri::kUnknown;
    }
    return Condition(arg.asString(), loc, reason, depth);
  }
  if (fn == "Fn::Equals") {
    if (!arg.isArray() || arg.size() != 2) {
      *reason = "`Fn::Equals` takes two values";
      Refuse(loc, *reason);
      return Tri::kUnknown;
    }
    Value a = ResolveAt(arg[0], depth);
    Value b = ResolveAt(arg[1], depth);
    if (!a.fully_known() || !b.fully_known()) {
      *reason = !a.fully_known() ? a.first_unknown() : b.first_unknown();
      return Tri::kUnknown;
    }
    return SameValue(a, b) ? Tri::kTrue : Tri::kFalse;
  }
  if (fn == "Fn::Not" || fn == "Fn::And" || fn == "Fn::Or") {
    if (!arg.isArray() || arg.empty() || (fn == "Fn::Not" && arg.size() != 1)) {
      *reason = fmt::format("`{}` takes a list of conditions", fn);
      Refuse(loc, *reason);
      return Tri::kUnknown;
    }
    if (fn == "Fn::Not") {
      Tri t = ConditionExpr(arg[0], reason, depth + 1);
      return t == Tri::kUnknown ? t : t == Tri::kTrue ? Tri::kFalse : Tri::kTrue;
    }
    // Kleene: And is false on any false, Or true on any true.
    bool is_and = fn == "Fn::And";
    Tri result = is_and ? Tri::kTrue : Tri::kFalse;
    for (const Json::Value& e : arg) {
      std::string r;
      Tri t = ConditionExpr(e, &r, depth + 1);
      if (t == (is_and ? Tri::kFalse : Tri::kTrue)) return t;
      if (t == Tri::kUnknown && result != Tri::kUnknown) {
        result = Tri::kUnknown;
        *reason = r;
      }
    }
    return result;
  }
  *reason = fmt::format("`{}` cannot be used in a condition", fn);
  Refuse(loc, *reason);
  return Tri::kUnknown;
}

// ---------------------------------------------------------------------------
// Emit

void Emit(const Value& value, Json::Value* slot, AddressLocator* locator,
          std::vector<std::pair<SourceLoc, std::string>>* unknowns) {
  switch (value.kind) {
    case Value::Kind::kNull:
    case Value::Kind::kNoValue: *slot = Json::Value(Json::nullValue); break;
    case Value::Kind::kBool:
    case Value::Kind::kNumber: *slot = value.scalar; break;
    case Value::Kind::kString:
      *slot = value.text();
      if (!value.is_known_string()) {
        std::string reason = value.first_unknown();
        locator->SetUnknown(slot, reason);
        locator->SetPieces(slot, value.pieces);
        if (unknowns) unknowns->emplace_back(value.loc, reason);
      }
      break;
    case Value::Kind::kUnknown:
      *slot = Json::Value(Json::nullValue);
      locator->SetUnknown(slot, value.reason);
      if (unknowns) unknowns->emplace_back(value.loc, value.reason);
      break;
    case Value::Kind::kList: {
      *slot = Json::Value(Json::arrayValue);
      Json::ArrayIndex i = 0;
      for (const Value& item : value.items) {
        if (item.kind == Value::Kind::kNoValue) continue;
        Emit(item, &(*slot)[i++], locator, unknowns);
      }
      break;
    }
    case Value::Kind::kMap: {
      *slot = Json::Value(Json::objectValue);
      for (const auto& [key, member] : value.members) {
        if (member.kind == Value::Kind::kNoValue) continue;
        Json::Value& child = (*slot)[key];
        Emit(member, &child, locator, unknowns);
        locator->SetKey(&child, member.key_loc.known() ? member.key_loc : member.loc);
      }
      break;
    }
  }
  locator->Set(slot, value.loc);
}

}  // namespace trustcheck::cfn
