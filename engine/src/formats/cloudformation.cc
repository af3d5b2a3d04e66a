// Format "cloudformation": CloudFormation templates in JSON or YAML (with the
// short-form tags `!Ref`, `!Sub`, `!GetAtt`, ...). Each AWS::IAM::Role is a
// trust (its AssumeRolePolicyDocument, lowered by LowerTrustPolicy); each
// AWS::IAM::OIDCProvider is an "aws-oidc-provider" fact for the link step.
// Values are resolved by cfn::Template (cloudformation_template.h); what the
// template cannot tell stays an explicit unknown.

#include <fmt/format.h>
#include <re2/re2.h>

#include <set>

#include "formats/aws_oidc_provider.h"
#include "formats/aws_policy.h"
#include "formats/cloudformation_template.h"
#include "formats/format.h"
#include "formats/unresolved_notes.h"
#include "formats/yaml_tree.h"
#include "text/json_pointer.h"

namespace trustcheck {

namespace {

const YamlTreeOptions& CfnYamlOptions() {
  static const YamlTreeOptions kOptions = [] {
    YamlTreeOptions o;
    o.tag_keys = {{"!Ref", "Ref"}, {"!Condition", "Condition"}};
    for (const char* fn : {"Sub", "GetAtt", "Join", "If", "Select", "Split", "Equals", "Not", "And", "Or",
                           "FindInMap", "ImportValue", "GetAZs", "Base64", "Cidr", "Length", "ToJsonString",
                           "Transform"})
      o.tag_keys[std::string("!") + fn] = std::string("Fn::") + fn;
    return o;
  }();
  return kOptions;
}

bool HasAwsResource(const Json::Value& resources) {
  if (!resources.isObject()) return false;
  for (const Json::Value& r : resources)
    if (r.isObject() && r["Type"].isString() && r["Type"].asString().rfind("AWS::", 0) == 0) return true;
  return false;
}

int ScoreJson(const Json::Value& root) {
  if (!root.isObject()) return 0;
  if (root.isMember("AWSTemplateFormatVersion")) return 90;
  return HasAwsResource(root["Resources"]) ? 80 : 0;
}

int ScoreYaml(const YAML::Node& root) {
  if (!root.IsMap()) return 0;
  if (root["AWSTemplateFormatVersion"]) return 90;
  const YAML::Node resources = root["Resources"];
  if (!resources || !resources.IsMap()) return 0;
  for (auto it = resources.begin(); it != resources.end(); ++it) {
    const YAML::Node r = it->second;  // a copy: `it->second` lives in a proxy
    if (!r.IsMap()) continue;
    const YAML::Node type = r["Type"];
    if (type && type.IsScalar() && type.Scalar().rfind("AWS::", 0) == 0) return 80;
  }
  return 0;
}

// A policy given as JSON text (`AssumeRolePolicyDocument: !Sub |`): its
// values are located by their line in that text. In a YAML literal block
// scalar, line k of the text is line k of the block (substitutions do not
// add lines); columns are shifted by the block's indentation and are exact
// up to the first substitution on a line. Any other string puts every value
// at the string itself.
class PolicyTextLocator : public TreeLocator {
 public:
  PolicyTextLocator(std::string path, std::string text, SourceLoc at) : inner_(std::move(path), std::move(text)),
                                                                         at_(std::move(at)) {}
  const SourceText& inner() const { return inner_; }
  // Lines of the text are lines `first_line`, `first_line + 1`, ... of the
  // file, indented by `indent` columns.
  void MapLines(uint32_t first_line, uint32_t indent) {
    first_line_ = first_line;
    indent_ = indent;
  }
  SourceLoc ValueLoc(const Json::Value& v) const override { return MapInner(LocOf(inner_, v)); }
  SourceLoc KeyLoc(const Json::Value& v) const override { return MapInner(KeyLocOf(inner_, v)); }
  SourceLoc FileLoc() const override { return at_; }
  // A location in the policy text, in the file.
  SourceLoc MapInner(const SourceLoc& inner) const {
    if (first_line_ == 0 || !inner.known()) return at_;
    SourceLoc out = at_;
    out.line = first_line_ + inner.line - 1;
    out.column = indent_ + inner.column;
    return out;
  }

 private:
  SourceText inner_;
  SourceLoc at_;
  uint32_t first_line_ = 0;
  uint32_t indent_ = 0;
};

// The text of line `line` (1-based) of `source`, without its newline.
std::string LineText(const std::string& text, uint32_t line) {
  size_t start = 0;
  for (uint32_t l = 1; l < line && start != std::string::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos || start > text.size()) return "";
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// When the value written at `loc` is a YAML literal block scalar (`|`, also
// after a tag or a `Fn::Sub:` key), maps the policy text's lines onto it.
void MapLiteralBlock(const SourceText& source, const SourceLoc& loc, PolicyTextLocator* locator) {
  static const RE2 kLiteralHeader(R"((^|\s)\|[-+0-9]*\s*(#.*)?$)");
  std::string header = LineText(source.text(), loc.line);
  if (loc.column > header.size() + 1) return;
  if (!RE2::PartialMatch(header.substr(loc.column - 1), kLiteralHeader)) return;
  std::string first = LineText(source.text(), loc.line + 1);
  size_t indent = first.find_first_not_of(' ');
  if (indent == std::string::npos) return;
  locator->MapLines(loc.line + 1, static_cast<uint32_t>(indent));
}

// The AWS wildcard pattern (with `${*}` escapes) that every value of a
// partly known string matches: its known text literally, each hole a `*`.
std::string WidestPattern(const std::vector<TextPiece>& pieces) {
  std::string out;
  for (const TextPiece& p : pieces) {
    if (!p.known) {
      out += '*';
      continue;
    }
    for (char c : p.text) {
      if (c == '*' || c == '?' || c == '$') out += fmt::format("${{{}}}", c);
      else out += c;
    }
  }
  return out;
}

class CloudFormationLoader {
 public:
  CloudFormationLoader(const InputFile& in, LoadedFile* out) : in_(in), out_(out) {}
  Status Load();

 private:
  Status AddRole(cfn::Template& tpl, const cfn::Template::Resource& role);
  Status AddProvider(cfn::Template& tpl, const cfn::Template::Resource& provider);

  const InputFile& in_;
  LoadedFile* out_;
  std::vector<LoweringNote> duplicates_;
  const TreeLocator* locator_ = nullptr;
};

Status CloudFormationLoader::Load() {
  const Json::Value* root = in_.json();
  std::unique_ptr<TreeLocator> json_locator;
  YamlTree yaml;
  const TreeLocator* locator = nullptr;
  if (root) {
    json_locator = std::make_unique<JsonTextLocator>(in_.source());
    locator = json_locator.get();
    duplicates_ = aws::DuplicateKeyNotes(in_.source());
  } else {
    if (!in_.json_error().ok()) return in_.json_error();
    const std::vector<YAML::Node>* docs = in_.yaml();
    if (!docs) return in_.yaml_error().ok() ? Status::Error(in_.source().FileLoc(), "not a YAML document")
                                            : in_.yaml_error();
    const YAML::Node* document = nullptr;
    for (const YAML::Node& d : *docs) {
      if (d.IsNull()) continue;
      if (document)
        return Status::Error(in_.source().LocAtLine(d.Mark().line + 1, d.Mark().column + 1),
                             "a CloudFormation template is a single YAML document");
      document = &d;
    }
    if (!document) return Status::Error(in_.source().FileLoc(), "the YAML file is empty");
    auto tree = YamlToJson(*document, in_.source(), CfnYamlOptions());
    if (!tree.ok()) return tree.status();
    yaml = std::move(*tree);
    root = yaml.root.get();
    locator = yaml.locator.get();
    duplicates_ = std::move(yaml.duplicates);
  }
  locator_ = locator;
  cfn::Template tpl(*root, *locator);
  Status s = tpl.Index();
  if (!s.ok()) return s;
  for (const cfn::Template::Resource& r : tpl.resources()) {
    if (r.type == "AWS::IAM::OIDCProvider") s = AddProvider(tpl, r);
    else if (r.type == "AWS::IAM::Role") s = AddRole(tpl, r);
    if (!s.ok()) return s;
  }
  return Status();
}

Status CloudFormationLoader::AddRole(cfn::Template& tpl, const cfn::Template::Resource& role) {
  std::string why;
  Tri exists = tpl.Exists(role, &why);
  // Not created with the parameter defaults: there is no trust to check.
  if (exists == Tri::kFalse) return Status();
  const Json::Value* props = role.properties;
  if (!props || !props->isObject() || !props->isMember("AssumeRolePolicyDocument"))
    return Status::Error(role.key_loc, fmt::format("role `{}` has no `AssumeRolePolicyDocument`", role.id));
  const Json::Value& doc_node = (*props)["AssumeRolePolicyDocument"];
  cfn::Value doc = tpl.Resolve(doc_node);
  std::optional<cfn::Value> role_name;
  if (props->isMember("RoleName")) role_name = tpl.Resolve((*props)["RoleName"]);
  std::vector<cfn::Problem> problems = tpl.TakeProblems();
  std::vector<std::pair<std::string, std::string>> defaults = tpl.TakeDefaultsUsed();

  aws::TrustPolicyInput input;
  input.format = "cloudformation";
  input.name = role.id;
  const std::string prefix =
      "/Resources/" + JsonPointerToken(role.id) + "/Properties/AssumeRolePolicyDocument";
  for (const LoweringNote& d : duplicates_)
    if (d.path.rfind(prefix, 0) == 0) input.notes.push_back(d);
  for (const cfn::Problem& p : problems)
    input.notes.push_back({LoweringNote::Kind::kMalformed, p.loc, p.message, {}, {}});
  if (exists == Tri::kUnknown)
    input.notes.push_back({LoweringNote::Kind::kUnresolved, role.key_loc,
                           fmt::format("role `{}` may not be created: {}", role.id, why), {}, {}});

  Json::Value policy;
  AddressLocator resolved(role.key_loc);
  std::unique_ptr<PolicyTextLocator> text_locator;
  if (doc.is_known_string()) {
    // The document may also be given as JSON text.
    text_locator = std::make_unique<PolicyTextLocator>(*in_.source().path(), doc.text(), doc.loc);
    if (!in_.json()) MapLiteralBlock(in_.source(), doc.loc, text_locator.get());
    JsonLimits limits;
    limits.max_depth = in_.options().limits.max_depth;
    limits.max_string_bytes = in_.options().limits.max_string_bytes;
    auto parsed = ParseJson(text_locator->inner(), limits);
    if (!parsed.ok()) {
      std::string message = parsed.status().message();
      if (message.rfind("invalid JSON: ", 0) == 0) message = message.substr(14);
      return Status::Error(text_locator->MapInner(parsed.status().loc()),
                           fmt::format("invalid JSON in the `AssumeRolePolicyDocument` of role `{}`: {}", role.id,
                                       message));
    }
    policy = std::move(*parsed);
    input.locator = text_locator.get();
    for (const DuplicateKey& d : FindDuplicateKeys(text_locator->inner()))
      input.notes.push_back({LoweringNote::Kind::kDuplicateKey, text_locator->MapInner(text_locator->inner().LocAt(d.offset)),
                             fmt::format("key `{}` appears again later in the same object; IAM keeps only the last one",
                                         d.key),
                             d.key, d.path});
  } else {
    cfn::Emit(doc, &policy, &resolved, nullptr);
    input.locator = &resolved;
  }
  input.policy = &policy;
  auto trust = aws::LowerTrustPolicy(std::move(input));
  if (!trust.ok()) return trust.status();
  AddUnresolvedNotes(&*trust);
  trust->loc = role.key_loc;
  trust->facts.labels.emplace_back("logical-id", role.id);
  if (role_name && role_name->is_known_string()) trust->facts.labels.emplace_back("role-name", role_name->text());
  // The parameters whose defaults the verdict rests on: a deployment may
  // pass other values.
  for (const auto& [name, value] : defaults) trust->facts.labels.emplace_back("parameter-default:" + name, value);
  out_->trusts.push_back(std::move(*trust));
  return Status();
}

Status CloudFormationLoader::AddProvider(cfn::Template& tpl, const cfn::Template::Resource& provider) {
  std::string why;
  Tri exists = tpl.Exists(provider, &why);
  if (exists == Tri::kFalse) return Status();
  const Json::Value* props = provider.properties;
  if (!props || !props->isObject() || !props->isMember("Url"))
    return Status::Error(provider.key_loc, fmt::format("OIDC provider `{}` has no `Url`", provider.id));
  cfn::Value url = tpl.Resolve((*props)["Url"]);
  std::optional<cfn::Value> ids;
  if (props->isMember("ClientIdList")) ids = tpl.Resolve((*props)["ClientIdList"]);
  std::vector<cfn::Problem> problems = tpl.TakeProblems();
  tpl.TakeDefaultsUsed();
  if (!problems.empty()) return Status::Error(problems.front().loc, problems.front().message);
  // A provider whose URL is unknown cannot be matched to any principal.
  if (!url.is_known_string()) return Status();
  aws::OidcProvider p;
  p.url = url.text();
  p.name = provider.id;
  p.loc = props->isMember("ClientIdList") ? locator_->KeyLoc((*props)["ClientIdList"]) : provider.key_loc;
  if (!p.loc.known()) p.loc = provider.key_loc;
  if (ids) {
    if (ids->kind == cfn::Value::Kind::kList) {
      for (const cfn::Value& id : ids->items) {
        if (id.kind == cfn::Value::Kind::kNoValue) continue;
        if (id.is_known_string()) {
          p.client_ids.push_back(id.text());
        } else if (auto t = id.scalar_text()) {
          p.client_ids.push_back(*t);
        } else {
          p.unknown_client_ids.push_back(id.first_unknown().empty() ? "not a string" : id.first_unknown());
          if (id.is_string()) {
            p.client_id_patterns.push_back(WidestPattern(id.pieces));
            p.client_id_written.push_back(id.text());
          }
        }
      }
    } else if (ids->kind == cfn::Value::Kind::kUnknown) {
      p.unknown_client_ids.push_back(ids->reason);
    } else {
      return Status::Error(ids->loc, fmt::format("the `ClientIdList` of OIDC provider `{}` must be a list",
                                                 provider.id));
    }
  }
  // A provider that may not be created here may exist already, with client
  // IDs this template does not show.
  if (exists == Tri::kUnknown)
    p.unknown_client_ids.push_back(fmt::format("OIDC provider `{}` may not be created: {}", provider.id, why));
  out_->facts.push_back(aws::ProviderFact(p));
  return Status();
}

class CloudFormation : public Format {
 public:
  const char* name() const override { return "cloudformation"; }
  int Detect(const InputFile& in) const override {
    if (const Json::Value* v = in.json()) return ScoreJson(*v);
    if (!in.json_error().ok()) return 0;
    const std::vector<YAML::Node>* docs = in.yaml();
    if (!docs) {
      // A broken YAML file named explicitly that reads like a template gets
      // its YAML error rather than "not a trust".
      const std::string ext = in.extension();
      const std::string& text = in.source().text();
      bool yaml_name = ext == ".yaml" || ext == ".yml" || ext == ".template";
      bool template_words = text.find("AWSTemplateFormatVersion") != std::string::npos ||
                            text.find("AWS::IAM::") != std::string::npos;
      return in.explicit_path && yaml_name && template_words ? 1 : 0;
    }
    for (const YAML::Node& d : *docs)
      if (!d.IsNull()) return ScoreYaml(d);
    return 0;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    return CloudFormationLoader(in, out).Load();
  }
};

}  // namespace

const Format* CloudFormationFormat() {
  static const CloudFormation kFormat;
  return &kFormat;
}

}  // namespace trustcheck
