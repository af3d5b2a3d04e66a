// Formats "vault-role" and "vault-jwt-config": a Vault JWT auth role or auth
// config as JSON, in any of the shapes people save them in:
//   - `vault read -format=json auth/<mount>/role/<name>` (the api.Secret
//     envelope: request_id, lease_id, ..., data);
//   - the bare `data` object;
//   - the JSON body given to `vault write auth/<mount>/role/<name> @file.json`.
// The role name is the file name; a path laid out like Vault's own
// (`.../auth/<mount>/role/<name>.json`) also gives the mount, which pairs
// the role with the config of the same mount in the link step.

#include <fmt/format.h>

#include <filesystem>

#include "formats/format.h"
#include "formats/vault_role.h"
#include "value_text.h"

namespace trustcheck {

namespace {

// Vault compares bound numbers by their text: keep the source's spelling.
std::function<std::string(const Json::Value&)> SourceNumberText(const SourceText& source) {
  return [&source](const Json::Value& v) {
    auto start = static_cast<size_t>(v.getOffsetStart());
    auto limit = static_cast<size_t>(v.getOffsetLimit());
    if (limit <= start || limit > source.text().size()) return CompactJson(v);
    return source.text().substr(start, limit - start);
  };
}

class VaultRole : public Format {
 public:
  const char* name() const override { return "vault-role"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    if (!v || !vault::LooksLikeRole(vault::EnvelopeData(*v))) return 0;
    return vault::IsEnvelope(*v) ? 70 : 60;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    const Json::Value* v = in.json();
    if (!v) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not a JSON Vault role") : in.json_error();
    JsonTextLocator locator(in.source());
    const std::string& path = *in.source().path();
    auto layout = vault::ParseVaultPath(path);
    vault::RoleInput input;
    input.role = &vault::EnvelopeData(*v);
    input.locator = &locator;
    input.format = name();
    input.name = layout && !layout->role.empty() ? layout->role : std::filesystem::path(path).stem().string();
    input.mount = layout ? layout->mount : "";
    input.number_text = SourceNumberText(in.source());
    for (const DuplicateKey& d : FindDuplicateKeys(in.source()))
      input.notes.push_back({LoweringNote::Kind::kDuplicateKey, in.source().LocAt(d.offset),
                             fmt::format("duplicate key `{}`: Vault keeps the last one", d.key), d.key, d.path});
    auto trust = vault::LowerRole(std::move(input));
    if (!trust.ok()) return trust.status();
    out->trusts.push_back(std::move(*trust));
    return Status();
  }
};

class VaultConfig : public Format {
 public:
  const char* name() const override { return "vault-jwt-config"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    if (!v || !vault::LooksLikeConfig(vault::EnvelopeData(*v))) return 0;
    return vault::IsEnvelope(*v) ? 70 : 60;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    const Json::Value* v = in.json();
    if (!v) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not a JSON Vault auth config")
                                        : in.json_error();
    const Json::Value& data = vault::EnvelopeData(*v);
    JsonTextLocator locator(in.source());
    if (!data.isObject()) return Status::Error(locator.ValueLoc(data), "a Vault auth config must be a JSON object");
    const Json::Value& issuer = data["bound_issuer"];
    if (!issuer.isNull() && !issuer.isString())
      return Status::Error(locator.ValueLoc(issuer), "`bound_issuer` must be a string");
    auto layout = vault::ParseVaultPath(*in.source().path());
    out->facts.push_back(vault::ConfigFact(data, locator, layout ? layout->mount : ""));
    return Status();
  }
};

}  // namespace

const Format* VaultRoleFormat() {
  static const VaultRole kFormat;
  return &kFormat;
}

const Format* VaultJwtConfigFormat() {
  static const VaultConfig kFormat;
  return &kFormat;
}

}  // namespace trustcheck
