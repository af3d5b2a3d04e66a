// Internal: lowering a HashiCorp Vault JWT auth role (vault-plugin-auth-jwt)
// into a Trust, and linking the auth config (`bound_issuer`) to the roles of
// one load. Used by the "vault-role" and "vault-jwt-config" formats and by any
// format that carries a role as a JSON-shaped tree (Terraform).
//
// Every rule cites docs/semantics-vault.md. The lowered statement is one
// Allow whose `when` is an And in Vault's own order of checks:
//   role type, issuer (slot filled by the link step), the registered claims'
//   JSON types, bound_subject, bound_audiences (or the strict no-audience
//   rule), user_claim, claim_mappings, groups_claim, bound_claims.

#ifndef TRUSTCHECK_SRC_FORMATS_VAULT_ROLE_H_
#define TRUSTCHECK_SRC_FORMATS_VAULT_ROLE_H_

#include <json/json.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "formats/tree_locator.h"
#include "trustcheck/ast.h"
#include "trustcheck/load.h"

namespace trustcheck::vault {

// LoadedFile::Fact::kind of an auth config; its key is the mount ("" when unknown).
inline constexpr LoadedFile::Fact::Kind kConfigFactKind = LoadedFile::Fact::Kind::kVaultJwtConfig;

struct RoleInput {
  const Json::Value* role = nullptr;  // the role's fields (the `data` object of a read)
  const TreeLocator* locator = nullptr;
  std::string format;  // "vault-role", "terraform", ...
  std::string name;    // role name
  std::string mount;   // auth mount path (`jwt` for auth/jwt/...), "" when unknown
  // A number exactly as the source spelled it (`1.5`, `1e2`, `42`): Vault
  // compares bound numbers by that text. Default: jsoncpp's rendering.
  std::function<std::string(const Json::Value&)> number_text;
  std::vector<LoweringNote> notes;
};

// Lowers one role. Write-time refusals of Vault (no user_claim, no bound
// constraint, bad bound_claims_type, ...) become kMalformed notes and
// fail-closed nodes. Errors only when the input is not an object.
Result<Trust> LowerRole(RoleInput input);

// The `data` object of a `vault read -format=json` envelope
// ({"request_id", "lease_id", ..., "data": {...}}), or `value` itself when it
// is not an envelope.
// Whether a role field takes part in deciding a login (its claims, the
// user claim, the time leeways, the CIDRs), as opposed to shaping the Vault
// token the login returns (`token_ttl`, `token_policies`, ...).
bool DecidesLogin(std::string_view field);

const Json::Value& EnvelopeData(const Json::Value& value);
bool IsEnvelope(const Json::Value& value);

// Content detection on the (unwrapped) data object.
bool LooksLikeRole(const Json::Value& data);
bool LooksLikeConfig(const Json::Value& data);

// The fact an auth config contributes: key = mount, values = the config's
// string fields (bound_issuer, oidc_discovery_url, jwks_url, ...).
LoadedFile::Fact ConfigFact(const Json::Value& config, const TreeLocator& locator, const std::string& mount);

// Link step: gives `role` the auth config of its mount. With a config whose
// bound_issuer is set, the role checks `iss` exactly; with an empty
// bound_issuer, Vault checks no issuer and the role says so in a caveat.
// A role of unknown mount takes the only config of the load; with several
// candidate configs the issuer cannot be decided (the role never accepts).
void LinkAuthConfig(const std::vector<const LoadedFile::Fact*>& configs, Trust* role);

// The auth mount and role name a path names, when it follows Vault's own
// layout (`.../auth/<mount>/role/<name>.json`, `.../auth/<mount>/config.json`).
struct VaultPath {
  std::string mount;
  std::string role;
};
std::optional<VaultPath> ParseVaultPath(const std::string& path);

// Go-style duration in whole seconds, as Vault's TypeSignedDurationSecond
// reads it: a number of seconds, or text such as `90`, `1m30s`, `-1`, `2d`.
std::optional<int64_t> ParseDurationSeconds(const Json::Value& value);

// The candidate spellings encoding/json (case-insensitive field matching)
// maps onto a Go struct field tagged `name`, in the order that makes the
// first present one the value Go ends up with. cap v0.13.0 decodes `iss`,
// `sub`, `aud` into such a struct.
std::vector<std::string> GoFieldSpellings(const std::string& name);

}  // namespace trustcheck::vault

#endif  // TRUSTCHECK_SRC_FORMATS_VAULT_ROLE_H_
