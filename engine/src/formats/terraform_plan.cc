// Format "terraform-plan": the JSON of `terraform show -json PLANFILE` (and
// of `terraform show -json` on a state, whose `values` have the same shape).
//
// Resources come from `planned_values.root_module` and its `child_modules`,
// recursively. A value Terraform knows only after apply is absent from
// `values` and marked `true` in the resource's `change.after_unknown` (in
// `resource_changes`); such values stay explicit unknowns, so a role whose
// policy is computed at apply never accepts and says why.
//
//   aws_iam_role                    -> trust (assume_role_policy, a JSON string)
//   aws_iam_openid_connect_provider -> "aws-oidc-provider" fact
//
// Locations: the plan is one JSON file; a policy string's values are located
// inside that string (embedded_json.h).

#include <fmt/format.h>

#include <functional>
#include <map>

#include "formats/aws_oidc_provider.h"
#include "formats/aws_policy.h"
#include "formats/embedded_json.h"
#include "formats/format.h"
#include "formats/unresolved_notes.h"

namespace trustcheck {

namespace {

constexpr int kMaxModuleDepth = 64;

// The values of one planned resource, with what is unknown until apply.
struct PlannedResource {
  std::string address;
  std::string type;
  const Json::Value* values = nullptr;
  const Json::Value* after_unknown = nullptr;  // nullptr when the plan has no change for it

  const Json::Value* Get(const char* attr) const {
    if (!values || !values->isObject() || !values->isMember(attr)) return nullptr;
    const Json::Value& v = (*values)[attr];
    return v.isNull() ? nullptr : &v;
  }
  // `after_unknown` is a mirror of the values: `true` where a value (or a
  // whole attribute) is unknown.
  bool Unknown(const char* attr) const {
    return after_unknown && after_unknown->isObject() && (*after_unknown)[attr].isBool() &&
           (*after_unknown)[attr].asBool();
  }
  bool UnknownItem(const char* attr, Json::ArrayIndex i) const {
    if (!after_unknown || !after_unknown->isObject()) return false;
    const Json::Value& a = (*after_unknown)[attr];
    return a.isArray() && i < a.size() && a[i].isBool() && a[i].asBool();
  }
  std::string UnknownReason(const char* attr) const {
    return fmt::format("`{}` of `{}` is known only after apply", attr, address);
  }
};

class PlanLoader {
 public:
  PlanLoader(const InputFile& in, LoadedFile* out) : in_(in), out_(out), locator_(in.source()) {}
  Status Load(const Json::Value& root);

 private:
  Status Module(const Json::Value& module, int depth);
  Status Resource(const PlannedResource& r, const Json::Value& node);
  Status AwsRole(const PlannedResource& r, const Json::Value& node);
  Status AwsOidcProvider(const PlannedResource& r, const Json::Value& node);

  const InputFile& in_;
  LoadedFile* out_;
  JsonTextLocator locator_;
  std::map<std::string, const Json::Value*> after_unknown_;
};

Status PlanLoader::Load(const Json::Value& root) {
  if (root["resource_changes"].isArray()) {
    for (const Json::Value& change : root["resource_changes"])
      if (change["address"].isString() && change["change"].isObject())
        after_unknown_[change["address"].asString()] = &change["change"]["after_unknown"];
  }
  const Json::Value& values = root.isMember("planned_values") ? root["planned_values"] : root["values"];
  if (!values.isObject()) return Status();  // a plan with no resources at all
  const Json::Value& module = values["root_module"];
  if (module.isNull()) return Status();
  return Module(module, 0);
}

Status PlanLoader::Module(const Json::Value& module, int depth) {
  if (!module.isObject()) return Status::Error(locator_.ValueLoc(module), "a plan module must be an object");
  if (depth > kMaxModuleDepth) return Status::Error(locator_.ValueLoc(module), "modules are nested deeper than the limit");
  const Json::Value& resources = module["resources"];
  if (!resources.isNull() && !resources.isArray())
    return Status::Error(locator_.ValueLoc(resources), "`resources` must be a list");
  for (const Json::Value& node : resources) {
    if (!node.isObject() || !node["address"].isString() || !node["type"].isString())
      return Status::Error(locator_.ValueLoc(node), "a planned resource needs an `address` and a `type`");
    if (node["mode"].isString() && node["mode"].asString() != "managed") continue;  // data sources
    PlannedResource r;
    r.address = node["address"].asString();
    r.type = node["type"].asString();
    r.values = &node["values"];
    auto it = after_unknown_.find(r.address);
    if (it != after_unknown_.end()) r.after_unknown = it->second;
    Status s = Resource(r, node);
    if (!s.ok()) return s;
  }
  const Json::Value& children = module["child_modules"];
  if (!children.isNull() && !children.isArray())
    return Status::Error(locator_.ValueLoc(children), "`child_modules` must be a list");
  for (const Json::Value& child : children) {
    Status s = Module(child, depth + 1);
    if (!s.ok()) return s;
  }
  return Status();
}

Status PlanLoader::Resource(const PlannedResource& r, const Json::Value& node) {
  if (r.type == "aws_iam_role") return AwsRole(r, node);
  if (r.type == "aws_iam_openid_connect_provider") return AwsOidcProvider(r, node);
  return Status();
}

Status PlanLoader::AwsRole(const PlannedResource& r, const Json::Value& node) {
  aws::TrustPolicyInput input;
  input.format = "terraform-plan";
  input.name = r.address;
  if (const Json::Value* arn = r.Get("arn"); arn && arn->isString()) input.arn = arn->asString();
  std::optional<EmbeddedJson> embedded;
  Json::Value unknown_policy;
  AddressLocator unknown_locator(locator_.KeyLoc(node["address"]));
  const Json::Value* policy = r.Get("assume_role_policy");
  if (r.Unknown("assume_role_policy") || !policy) {
    // Computed at apply (a policy built from values the plan does not know),
    // or not set at all (the provider refuses that): never an accept.
    std::string reason = r.Unknown("assume_role_policy")
                             ? r.UnknownReason("assume_role_policy")
                             : fmt::format("`{}` has no `assume_role_policy`", r.address);
    unknown_locator.SetUnknown(&unknown_policy, reason);
    input.policy = &unknown_policy;
    input.locator = &unknown_locator;
  } else {
    JsonLimits limits;
    limits.max_depth = in_.options().limits.max_depth;
    limits.max_string_bytes = in_.options().limits.max_string_bytes;
    auto parsed = ParseEmbeddedJson(in_.source(), *policy, "assume_role_policy", limits);
    if (!parsed.ok()) return parsed.status();
    embedded = std::move(*parsed);
    input.policy = embedded->root.get();
    input.locator = embedded->locator.get();
    input.notes = std::move(embedded->duplicates);
  }
  auto trust = aws::LowerTrustPolicy(std::move(input));
  if (!trust.ok()) return trust.status();
  AddUnresolvedNotes(&*trust);
  trust->loc = locator_.KeyLoc(node["address"]);
  trust->attributes.emplace_back("address", r.address);
  if (const Json::Value* name = r.Get("name"); name && name->isString())
    trust->attributes.emplace_back("role-name", name->asString());
  out_->trusts.push_back(std::move(*trust));
  return Status();
}

Status PlanLoader::AwsOidcProvider(const PlannedResource& r, const Json::Value& node) {
  const Json::Value* url = r.Get("url");
  // A provider whose URL is known only after apply names no issuer yet.
  if (!url || !url->isString() || r.Unknown("url")) return Status();
  aws::OidcProvider p;
  p.url = url->asString();
  p.name = r.address;
  if (const Json::Value* arn = r.Get("arn"); arn && arn->isString()) {
    const std::string& a = arn->asString();
    size_t start = a.find(":iam::");
    if (start != std::string::npos && a.size() >= start + 6 + 12) p.account = a.substr(start + 6, 12);
  }
  const Json::Value* ids = r.Get("client_id_list");
  p.loc = ids ? locator_.KeyLoc(*ids) : locator_.KeyLoc(node["address"]);
  if (r.Unknown("client_id_list")) {
    p.unknown_client_ids.push_back(r.UnknownReason("client_id_list"));
  } else if (ids) {
    if (!ids->isArray()) return Status::Error(locator_.ValueLoc(*ids), "`client_id_list` must be a list");
    for (Json::ArrayIndex i = 0; i < ids->size(); ++i) {
      if ((*ids)[i].isString()) p.client_ids.push_back((*ids)[i].asString());
      else if (r.UnknownItem("client_id_list", i) || (*ids)[i].isNull())
        p.unknown_client_ids.push_back(fmt::format("client ID {} of `{}` is known only after apply", i + 1, r.address));
      else return Status::Error(locator_.ValueLoc((*ids)[i]), "client IDs must be strings");
    }
    // Unknown entries are left out of the planned list; after_unknown keeps
    // their places.
    if (r.after_unknown && (*r.after_unknown)["client_id_list"].isArray())
      for (Json::ArrayIndex i = ids->size(); i < (*r.after_unknown)["client_id_list"].size(); ++i)
        if (r.UnknownItem("client_id_list", i))
          p.unknown_client_ids.push_back(fmt::format("client ID {} of `{}` is known only after apply", i + 1, r.address));
  }
  out_->facts.push_back(aws::ProviderFact(p));
  return Status();
}

class TerraformPlan : public Format {
 public:
  const char* name() const override { return "terraform-plan"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    if (!v || !v->isObject() || !v->isMember("format_version")) return 0;
    if (v->isMember("planned_values") || v->isMember("resource_changes")) return 85;
    if (v->isMember("terraform_version") && (*v)["values"].isObject()) return 80;  // a state
    return 0;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    const Json::Value* v = in.json();
    if (!v) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not JSON") : in.json_error();
    return PlanLoader(in, out).Load(*v);
  }
};

}  // namespace

const Format* TerraformPlanFormat() {
  static const TerraformPlan kFormat;
  return &kFormat;
}

}  // namespace trustcheck
