// Format "terraform-plan": the JSON of `terraform show -json PLANFILE` (and
// of `terraform show -json` on a state, whose `values` have the same shape).
//
// Resources come from `planned_values.root_module` and its `child_modules`,
// recursively. A value Terraform knows only after apply is absent from
// `values` and marked `true` in the resource's `change.after_unknown` (in
// `resource_changes`); such values stay explicit unknowns, so a role whose
// policy is computed at apply never accepts and says why.
//
// The resources read, and which argument becomes which field, are the rows
// of terraform_resources.h, shared with the HCL loader (terraform.cc).
//
// The other platforms' resources are mapped onto the shape their own
// lowering reads (Graph's credential, Vault's role fields, Google's REST
// provider), keeping each value's place in the plan.
//
// Locations: the plan is one JSON file; a policy string's values are located
// inside that string (embedded_json.h).

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "formats/aws_oidc_provider.h"
#include "formats/aws_policy.h"
#include "formats/embedded_json.h"
#include "formats/entra_credential.h"
#include "formats/format.h"
#include "formats/gcp_provider.h"
#include "formats/terraform_resources.h"
#include "formats/unresolved_notes.h"
#include "formats/vault_role.h"
#include "text/ascii.h"

namespace trustcheck {

namespace {

constexpr int kMaxModuleDepth = 64;

// The values of one planned resource, with what is unknown until apply.
struct PlannedResource {
  std::string address;
  const terraform::ResourceSchema* schema = nullptr;
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

// Locations of plan values (by their offsets in the plan text), of values
// built from them (registered by address), and the unknowns among those.
class PlanLocator : public TreeLocator {
 public:
  explicit PlanLocator(const SourceText& source) : text_(source) {}
  void Set(const Json::Value* value, SourceLoc loc) { locs_[value] = std::move(loc); }
  void SetKey(const Json::Value* value, SourceLoc loc) { key_locs_[value] = std::move(loc); }
  void SetUnknown(const Json::Value* value, std::string reason, SourceLoc loc) {
    unknowns_[value] = std::move(reason);
    locs_[value] = std::move(loc);
  }
  SourceLoc ValueLoc(const Json::Value& v) const override {
    auto it = locs_.find(&v);
    return it != locs_.end() ? it->second : text_.ValueLoc(v);
  }
  SourceLoc KeyLoc(const Json::Value& v) const override {
    if (auto key = key_locs_.find(&v); key != key_locs_.end()) return key->second;
    auto it = locs_.find(&v);
    return it != locs_.end() ? it->second : text_.KeyLoc(v);
  }
  const std::string* Unknown(const Json::Value& v) const override {
    auto it = unknowns_.find(&v);
    return it == unknowns_.end() ? nullptr : &it->second;
  }
  // Marks an unknown string as partly known (call SetUnknown too).
  void SetPieces(const Json::Value* value, std::vector<TextPiece> pieces) { pieces_[value] = std::move(pieces); }
  const std::vector<TextPiece>* Pieces(const Json::Value& v) const override {
    auto it = pieces_.find(&v);
    return it == pieces_.end() ? nullptr : &it->second;
  }
  SourceLoc FileLoc() const override { return text_.FileLoc(); }

 private:
  JsonTextLocator text_;
  std::unordered_map<const Json::Value*, std::vector<TextPiece>> pieces_;
  std::unordered_map<const Json::Value*, SourceLoc> locs_;
  std::unordered_map<const Json::Value*, SourceLoc> key_locs_;
  std::unordered_map<const Json::Value*, std::string> unknowns_;
};

class PlanLoader {
 public:
  PlanLoader(const InputFile& in, LoadedFile* out) : in_(in), out_(out), locator_(in.source()) {}
  Status Load(const Json::Value& root);

 private:
  Status Module(const Json::Value& module, int depth);
  Status Resource(const PlannedResource& r, const Json::Value& node);
  Status AwsRole(const PlannedResource& r, const Json::Value& node);
  // A JSON document kept as a string value of the plan, within the limits.
  Result<EmbeddedJson> ParseEmbedded(const Json::Value& value, const char* what) const {
    JsonLimits limits;
    limits.max_depth = in_.options().limits.max_depth;
    limits.max_string_bytes = in_.options().limits.max_string_bytes;
    return ParseEmbeddedJson(in_.source(), value, what, limits);
  }
  Status AwsOidcProvider(const PlannedResource& r, const Json::Value& node);
  Status EntraCredential(const PlannedResource& r, const Json::Value& node);
  Status AzapiCredential(const PlannedResource& r, const Json::Value& node);
  Status LowerEntra(const PlannedResource& r, const Json::Value& node, const Json::Value& credential,
                    const TreeLocator& locator);
  Status VaultRole(const PlannedResource& r, const Json::Value& node);
  Status VaultBackend(const PlannedResource& r, const Json::Value& node);
  Status GcpProvider(const PlannedResource& r, const Json::Value& node);
  // A trust whose deciding values are known only after apply.
  void AddUnknownTrust(const PlannedResource& r, const Json::Value& node, Platform platform, TrustKind kind,
                       std::string name, const std::string& reason);
  Status Finish(Result<Trust> trust, const PlannedResource& r, const Json::Value& node);

  const InputFile& in_;
  LoadedFile* out_;
  JsonTextLocator locator_;
  std::map<std::string, const Json::Value*> after_unknown_;

  // The plan's workload identity pools by "PROJECT/POOL_ID": a disabled pool
  // exchanges no token, whichever of its providers is asked.
  struct GcpPool {
    std::string address;
    const Json::Value* disabled = nullptr;  // the planned value, when known
    bool disabled_unknown = false;
  };
  void CollectPools(const Json::Value& module, int depth);
  std::map<std::string, GcpPool> pools_;
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
  CollectPools(module, 0);
  return Module(module, 0);
}

void PlanLoader::CollectPools(const Json::Value& module, int depth) {
  if (!module.isObject() || depth > kMaxModuleDepth) return;  // Module() reports it
  if (module["resources"].isArray()) {
    for (const Json::Value& node : module["resources"]) {
      if (!node.isObject() || !node["type"].isString()) continue;
      const terraform::ResourceSchema* schema = terraform::FindTrustResource(node["type"].asString());
      if (!schema || schema->role != terraform::ResourceRole::kGcpPool) continue;
      if (node["mode"].isString() && node["mode"].asString() != "managed") continue;
      const Json::Value& values = node["values"];
      if (!values.isObject() || !values["project"].isString() || !values["workload_identity_pool_id"].isString())
        continue;
      GcpPool pool;
      pool.address = node["address"].asString();
      if (values["disabled"].isBool()) pool.disabled = &values["disabled"];
      auto changes = after_unknown_.find(pool.address);
      if (changes != after_unknown_.end() && changes->second->isObject()) {
        const Json::Value& unknown = (*changes->second)["disabled"];
        pool.disabled_unknown = unknown.isBool() && unknown.asBool();
      }
      pools_[values["project"].asString() + "/" + values["workload_identity_pool_id"].asString()] = pool;
    }
  }
  if (module["child_modules"].isArray()) {
    for (const Json::Value& child : module["child_modules"]) CollectPools(child, depth + 1);
  }
}

Status PlanLoader::Module(const Json::Value& module, int depth) {
  if (!module.isObject()) return Status::Error(locator_.ValueLoc(module), "a plan module must be an object");
  if (depth > kMaxModuleDepth) return Status::Error(ErrorCode::kTooLarge, locator_.ValueLoc(module), "modules are nested deeper than the limit");
  const Json::Value& resources = module["resources"];
  if (!resources.isNull() && !resources.isArray())
    return Status::Error(locator_.ValueLoc(resources), "`resources` must be a list");
  for (const Json::Value& node : resources) {
    if (!node.isObject() || !node["address"].isString() || !node["type"].isString())
      return Status::Error(locator_.ValueLoc(node), "a planned resource needs an `address` and a `type`");
    if (node["mode"].isString() && node["mode"].asString() != "managed") continue;  // data sources
    PlannedResource r;
    r.address = node["address"].asString();
    r.schema = terraform::FindTrustResource(node["type"].asString());
    if (!r.schema) continue;  // holds no trust
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
    TRUSTCHECK_RETURN_IF_ERROR(Module(child, depth + 1));
  }
  return Status();
}

Status PlanLoader::Resource(const PlannedResource& r, const Json::Value& node) {
  switch (r.schema->role) {
    case terraform::ResourceRole::kAwsRole: return AwsRole(r, node);
    case terraform::ResourceRole::kAwsOidcProvider: return AwsOidcProvider(r, node);
    case terraform::ResourceRole::kEntraCredential: return EntraCredential(r, node);
    case terraform::ResourceRole::kAzapiResource: return AzapiCredential(r, node);
    case terraform::ResourceRole::kVaultRole: return VaultRole(r, node);
    case terraform::ResourceRole::kVaultBackend: return VaultBackend(r, node);
    case terraform::ResourceRole::kGcpProvider: return GcpProvider(r, node);
    case terraform::ResourceRole::kGcpPool: return Status();  // read by its providers (CollectPools)
  }
  return Status();
}

void PlanLoader::AddUnknownTrust(const PlannedResource& r, const Json::Value& node, Platform platform,
                                 TrustKind kind, std::string name, const std::string& reason) {
  SourceLoc loc = locator_.KeyLoc(node["address"]);
  Trust t;
  t.platform = platform;
  t.format = "terraform-plan";
  t.name = std::move(name);
  t.kind = kind;
  t.loc = loc;
  Statement s;
  s.loc = loc;
  s.when = Node::Unknown(reason, loc);
  t.statements.push_back(std::move(s));
  t.notes.push_back({LoweringNote::Kind::kUnresolved, loc, reason, {}, {}});
  t.facts.labels.emplace_back("address", r.address);
  out_->trusts.push_back(std::move(t));
}

Status PlanLoader::Finish(Result<Trust> trust, const PlannedResource& r, const Json::Value& node) {
  if (!trust.ok()) return trust.status();
  AddUnresolvedNotes(&*trust);
  trust->format = "terraform-plan";
  trust->loc = locator_.KeyLoc(node["address"]);
  trust->facts.labels.emplace_back("address", r.address);
  out_->trusts.push_back(std::move(*trust));
  return Status();
}

// Graph's credential shape ({name, issuer, subject, audiences, description},
// or for a flexible credential {claimsMatchingExpression: {value,
// languageVersion}} instead of the subject), its fields named by the schema.
Status PlanLoader::EntraCredential(const PlannedResource& r, const Json::Value& node) {
  PlanLocator locator(in_.source());
  const SourceLoc at = locator_.KeyLoc(node["address"]);
  Json::Value credential(Json::objectValue);
  locator.Set(&credential, at);
  for (const terraform::FieldMapping& m : r.schema->fields) {
    const Json::Value* v = r.Get(m.argument);
    if (!v && !r.Unknown(m.argument)) continue;
    Json::Value& slot = credential[m.field];
    switch (m.shape) {
      case terraform::FieldShape::kSame:
        if (v) slot = *v;  // a copy keeps its offsets, so its location
        break;
      case terraform::FieldShape::kListOfOne:
        if (v) {
          slot = Json::Value(Json::arrayValue);
          slot.append(*v);
          locator.Set(&slot, locator_.ValueLoc(*v));
        }
        break;
      case terraform::FieldShape::kExpression:
        slot = Json::Value(Json::objectValue);
        slot["languageVersion"] = 1;
        if (v) {
          slot["value"] = *v;
          locator.Set(&slot, locator_.KeyLoc(*v));
        }
        break;
    }
    if (r.Unknown(m.argument)) locator.SetUnknown(&slot, r.UnknownReason(m.argument), at);
  }
  // A name that is not known is no name (the address stands in).
  if (credential.isMember("name") && !credential["name"].isString()) credential.removeMember("name");
  return LowerEntra(r, node, credential, locator);
}

// An azapi_resource whose `type` is a managed identity's credential: `body`
// is the ARM resource (an object, or its JSON text before azapi 2.0).
Status PlanLoader::AzapiCredential(const PlannedResource& r, const Json::Value& node) {
  const Json::Value* type = r.Get("type");
  if (!type || !type->isString() || !StartsWithIgnoringAsciiCase(type->asString(), terraform::kAzapiCredentialType))
    return Status();
  const SourceLoc at = locator_.KeyLoc(node["address"]);
  PlanLocator locator(in_.source());
  Json::Value credential(Json::objectValue);
  locator.Set(&credential, at);
  std::optional<EmbeddedJson> embedded;
  const Json::Value* body = r.Get("body");
  if (r.Unknown("body")) {
    locator.SetUnknown(&credential["properties"], r.UnknownReason("body"), at);
  } else if (body && body->isString()) {
    auto parsed = ParseEmbedded(*body, "body");
    if (!parsed.ok()) return parsed.status();
    embedded = std::move(*parsed);
  } else if (body && body->isObject()) {
    credential = *body;  // a copy keeps its offsets, so its location
  } else {
    return Status::Error(at, fmt::format("`{}` has no `body`", r.address));
  }
  const Json::Value* name = r.Get(r.schema->name_argument);
  if (!embedded) {
    if (name && name->isString()) credential["name"] = *name;
    return LowerEntra(r, node, credential, locator);
  }
  // Values parsed from the body's text are located inside that text; the
  // name, from outside it, is not located.
  if (name && name->isString() && embedded->root->isObject()) (*embedded->root)["name"] = name->asString();
  return LowerEntra(r, node, *embedded->root, *embedded->locator);
}

Status PlanLoader::LowerEntra(const PlannedResource& r, const Json::Value& node, const Json::Value& credential,
                              const TreeLocator& locator) {
  entra::CredentialInput input;
  input.credential = &credential;
  input.locator = &locator;
  input.format = "terraform-plan";
  input.fallback_name = r.address;
  Result<Trust> trust = entra::LowerCredential(std::move(input));
  if (trust.ok()) {
    for (const char* parent : r.schema->parent) {
      const Json::Value* unit = r.Get(parent);
      if (!unit || !unit->isString()) continue;
      trust->facts.access_unit = unit->asString();
      break;
    }
  }
  return Finish(std::move(trust), r, node);
}

// Vault's own role fields (the provider's arguments of the same names),
// without the provider-only ones. `bound_claims` values are split at commas
// as the provider does unless `disable_bound_claims_parsing` is set
// (docs/terraform.md).
Status PlanLoader::VaultRole(const PlannedResource& r, const Json::Value& node) {
  std::string name = r.address;
  if (const Json::Value* n = r.Get(r.schema->name_argument); n && n->isString()) name = n->asString();
  // A plan has no place for an unknown inside a role field but for bound
  // claims (below): a role field known only after apply leaves the role
  // undecided.
  if (r.after_unknown && r.after_unknown->isObject()) {
    for (const std::string& attr : r.after_unknown->getMemberNames()) {
      if (attr == "bound_claims" || terraform::Lists(r.schema->provider_only, attr)) continue;
      if (vault::DecidesLogin(attr) && r.Unknown(attr.c_str())) {
        AddUnknownTrust(r, node, Platform::kVault, TrustKind::kJwtRole, name, r.UnknownReason(attr.c_str()));
        return Status();
      }
    }
  }
  bool parse_claims = true;
  if (const Json::Value* d = r.Get("disable_bound_claims_parsing"); d && d->isBool()) parse_claims = !d->asBool();
  PlanLocator locator(in_.source());
  const SourceLoc at = locator_.KeyLoc(node["address"]);
  Json::Value role(Json::objectValue);
  locator.Set(&role, at);
  if (r.values && r.values->isObject()) {
    for (const std::string& field : r.values->getMemberNames()) {
      const Json::Value& v = (*r.values)[field];
      if (terraform::Lists(r.schema->provider_only, field) || v.isNull() || field == "bound_claims") continue;
      role[field] = v;
    }
  }
  // bound_claims: per entry, known or unknown.
  const Json::Value* claims = r.Get("bound_claims");
  const Json::Value* unknown_claims = r.after_unknown ? &(*r.after_unknown)["bound_claims"] : nullptr;
  if (r.Unknown("bound_claims")) {
    locator.SetUnknown(&role["bound_claims"], r.UnknownReason("bound_claims"), at);
  } else if (claims && claims->isObject()) {
    Json::Value& out = role["bound_claims"];
    out = Json::Value(Json::objectValue);
    locator.Set(&out, locator_.KeyLoc(*claims));
    for (const std::string& key : claims->getMemberNames()) {
      const Json::Value& v = (*claims)[key];
      Json::Value& slot = out[key];
      if (v.isNull() && unknown_claims && (*unknown_claims)[key].isBool() && (*unknown_claims)[key].asBool()) {
        locator.SetUnknown(&slot, fmt::format("bound claim `{}` of `{}` is known only after apply", key, r.address),
                           locator_.KeyLoc(v));
        continue;
      }
      if (!v.isString() || !parse_claims || v.asString().find(',') == std::string::npos) {
        slot = v;
        continue;
      }
      slot = Json::Value(Json::arrayValue);
      SourceLoc loc = locator_.ValueLoc(v);
      locator.Set(&slot, loc);
      locator.SetKey(&slot, locator_.KeyLoc(v));
      const std::string& text = v.asString();
      for (size_t pos = 0;;) {
        size_t comma = text.find(',', pos);
        std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        size_t b = item.find_first_not_of(" \t\n\r");
        size_t e = item.find_last_not_of(" \t\n\r");
        Json::Value& element = slot.append(b == std::string::npos ? std::string() : item.substr(b, e - b + 1));
        locator.Set(&element, loc);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    }
    if (unknown_claims && unknown_claims->isObject()) {
      for (const std::string& key : unknown_claims->getMemberNames()) {
        if (out.isMember(key) || !(*unknown_claims)[key].isBool() || !(*unknown_claims)[key].asBool()) continue;
        locator.SetUnknown(&out[key], fmt::format("bound claim `{}` of `{}` is known only after apply", key, r.address),
                           locator_.KeyLoc(*claims));
      }
    }
  }
  std::string mount = "jwt";  // the provider's default `backend`
  if (const Json::Value* b = r.Get("backend"); b && b->isString()) {
    mount = b->asString();
    while (!mount.empty() && mount.front() == '/') mount.erase(0, 1);
    while (!mount.empty() && mount.back() == '/') mount.pop_back();
  } else if (r.Unknown("backend")) {
    mount.clear();  // links like a role of unknown mount
  }
  vault::RoleInput input;
  input.role = &role;
  input.locator = &locator;
  input.format = "terraform-plan";
  input.name = name;
  input.mount = mount;
  return Finish(vault::LowerRole(std::move(input)), r, node);
}

Status PlanLoader::VaultBackend(const PlannedResource& r, const Json::Value& node) {
  const Json::Value* type = r.Get("type");
  if (type && type->isString() && type->asString() != "jwt" && type->asString() != "oidc") return Status();
  if (r.Unknown("path")) return Status();  // an unknown mount links to nothing
  std::string mount = "jwt";
  if (const Json::Value* p = r.Get("path"); p && p->isString()) mount = p->asString();
  PlanLocator locator(in_.source());
  Json::Value config(Json::objectValue);
  locator.Set(&config, locator_.KeyLoc(node["address"]));
  for (const terraform::FieldMapping& m : r.schema->fields) {
    if (r.Unknown(m.argument)) {
      // An unknown issuer must not read as "no issuer check": the fact
      // records it as unknown (LoadedFile::Fact::unknown).
      locator.SetUnknown(&config[m.field], r.UnknownReason(m.argument), locator_.KeyLoc(node["address"]));
    } else if (const Json::Value* v = r.Get(m.argument); v && v->isString()) {
      config[m.field] = *v;
    }
  }
  out_->facts.push_back(vault::ConfigFact(config, locator, mount));
  return Status();
}

// The REST resource's shape, camelCase ({name, displayName, disabled,
// attributeMapping, attributeCondition, oidc: {issuerUri, allowedAudiences}}),
// as gcp_provider.h reads it. A plan knows `name` only after apply (a state
// knows it): until then it is partly known, the project number missing.
Status PlanLoader::GcpProvider(const PlannedResource& r, const Json::Value& node) {
  PlanLocator locator(in_.source());
  const SourceLoc at = locator_.KeyLoc(node["address"]);
  Json::Value provider(Json::objectValue);
  locator.Set(&provider, at);
  // Copies `values[attr]` (or marks it unknown) into `to[key]`; `mirror` is
  // the part of after_unknown that describes `values`.
  auto copy = [&](const Json::Value* values, const Json::Value* mirror, const char* attr, Json::Value& to,
                  const char* key) {
    const Json::Value* unknown = mirror && mirror->isObject() ? mirror->find(attr, attr + std::strlen(attr)) : nullptr;
    if (unknown && unknown->isBool() && unknown->asBool()) {
      locator.SetUnknown(&to[key], fmt::format("`{}` of `{}` is known only after apply", attr, r.address), at);
      return;
    }
    if (!values || !values->isObject() || !values->isMember(attr) || (*values)[attr].isNull()) return;
    const Json::Value& v = (*values)[attr];
    Json::Value& slot = to[key];
    slot = v;  // a copy keeps its offsets, so its location
    // Map entries computed at apply.
    if (v.isObject() && unknown && unknown->isObject()) {
      for (const std::string& entry : unknown->getMemberNames()) {
        const Json::Value& u = (*unknown)[entry];
        if (!u.isBool() || !u.asBool()) continue;
        locator.SetUnknown(&slot[entry],
                           fmt::format("`{}[\"{}\"]` of `{}` is known only after apply", attr, entry, r.address),
                           locator_.KeyLoc(v));
      }
    }
  };
  for (const terraform::FieldMapping& m : r.schema->fields) copy(r.values, r.after_unknown, m.argument, provider, m.field);
  // Blocks are lists of one object in a plan.
  const char* block_name = r.schema->block;
  const Json::Value* oidc = r.Get(block_name);
  if (r.Unknown(block_name)) {
    locator.SetUnknown(&provider[r.schema->block_field], r.UnknownReason(block_name), at);
  } else if (oidc && oidc->isArray() && !oidc->empty() && (*oidc)[0].isObject()) {
    const Json::Value& block = (*oidc)[0];
    const Json::Value* mirror = nullptr;
    if (r.after_unknown && r.after_unknown->isObject() && (*r.after_unknown)[block_name].isArray() &&
        !(*r.after_unknown)[block_name].empty()) {
      mirror = &(*r.after_unknown)[block_name][0];
    }
    Json::Value& out = provider[r.schema->block_field];
    out = Json::Value(Json::objectValue);
    locator.Set(&out, locator_.ValueLoc(block));
    locator.SetKey(&out, locator_.KeyLoc(*oidc));
    for (const terraform::FieldMapping& m : r.schema->block_fields) copy(&block, mirror, m.argument, out, m.field);
  } else {
    for (const char* other : r.schema->other_blocks) {
      const Json::Value* v = r.Get(other);
      if (!v || !v->isArray() || v->empty()) continue;
      provider[other] = Json::Value(Json::objectValue);
      locator.Set(&provider[other], locator_.KeyLoc(*v));
    }
  }
  // The identity.
  auto text = [&](const char* attr) -> std::optional<std::string> {
    const Json::Value* v = r.Get(attr);
    if (!v || !v->isString() || r.Unknown(attr)) return std::nullopt;
    return v->asString();
  };
  std::optional<std::string> project = text("project");
  std::optional<std::string> pool = text("workload_identity_pool_id");
  std::optional<std::string> id = text(r.schema->name_argument);
  if (std::optional<std::string> name = text("name")) {
    provider["name"] = *r.Get("name");
  } else {
    std::vector<TextPiece> pieces;
    auto add = [&](std::string piece) {
      if (!pieces.empty() && pieces.back().known) {
        pieces.back().text += piece;
      } else {
        pieces.push_back({std::move(piece), true, {}, TextPiece::Same::kNothing});
      }
    };
    auto hole = [&](std::string written, std::string reason) {
      pieces.push_back({std::move(written), false, std::move(reason), TextPiece::Same::kNothing});
    };
    add("projects/");
    if (project && !project->empty() &&
        std::all_of(project->begin(), project->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      add(*project);
    } else {
      hole("${project_number}", fmt::format("the project number of `{}` is known only after apply", r.address));
    }
    add("/locations/global/workloadIdentityPools/");
    if (pool) add(*pool);
    else hole("${workload_identity_pool_id}", r.UnknownReason("workload_identity_pool_id"));
    add("/providers/");
    if (id) add(*id);
    else hole("${workload_identity_pool_provider_id}", r.UnknownReason("workload_identity_pool_provider_id"));
    Json::Value& slot = provider["name"];
    std::string reason;
    for (const TextPiece& p : pieces) {
      if (!p.known) {
        reason = p.reason;
        break;
      }
    }
    if (reason.empty()) {
      // A numeric project with known pool and provider IDs: the name is known.
      slot = pieces.front().text;
      locator.Set(&slot, r.Get("project") ? locator_.KeyLoc(*r.Get("project")) : at);
    } else {
    // Located at `project`, whose number is what is missing.
      locator.SetUnknown(&slot, reason, r.Get("project") ? locator_.KeyLoc(*r.Get("project")) : at);
      locator.SetPieces(&slot, std::move(pieces));
    }
  }
  gcp::ProviderInput input;
  input.provider = &provider;
  input.locator = &locator;
  input.source = &in_.source();
  input.format = "terraform-plan";
  input.fallback_name = id ? *id : r.address;
  Result<Trust> trust = gcp::LowerProvider(std::move(input));
  if (trust.ok()) {
    trust->facts.labels.emplace_back("location", "global");
    if (project) trust->facts.labels.emplace_back("project", *project);
    if (pool) trust->facts.labels.emplace_back("pool", *pool);
    // Its pool, when the plan has it ("You cannot use a disabled pool to
    // exchange tokens").
    auto found = project && pool ? pools_.find(*project + "/" + *pool) : pools_.end();
    if (found != pools_.end()) {
      const GcpPool& p = found->second;
      std::optional<Node> guard;
      if (p.disabled_unknown) {
        guard = Node::Unknown(fmt::format("`disabled` of `{}` is known only after apply", p.address), at);
      } else if (p.disabled && p.disabled->asBool()) {
        guard = Node::Const(false, fmt::format("pool `{}` is disabled", p.address), locator_.KeyLoc(*p.disabled));
      }
      for (Statement& s : trust->statements) {
        if (guard) s.when = Node::And({std::move(s.when), *guard}, s.loc);
      }
    }
  }
  return Finish(std::move(trust), r, node);
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
    auto parsed = ParseEmbedded(*policy, "assume_role_policy");
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
  trust->facts.labels.emplace_back("address", r.address);
  if (const Json::Value* name = r.Get(r.schema->name_argument); name && name->isString())
    trust->facts.labels.emplace_back("role-name", name->asString());
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
