#include "aws/condition_keys.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "text/ascii.h"
#include "text/json_pointer.h"

namespace trustcheck::aws {

namespace {

// The AWS pages the tables follow.
constexpr const char* kKeysReference =
    "IAM User Guide, \"IAM and AWS STS condition context keys\", available keys for AWS OIDC federation "
    "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)";
constexpr const char* kStsReference =
    "Service Authorization Reference, \"Actions, resources, and condition keys for AWS Security Token Service\", "
    "condition keys of sts:AssumeRoleWithWebIdentity "
    "(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html; "
    "machine-readable: https://servicereference.us-east-1.amazonaws.com/v1/sts/sts.json)";
constexpr const char* kControlsReference =
    "IAM User Guide, \"Identity-provider controls for shared OIDC providers\" "
    "(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc_secure-by-default.html)";

std::vector<ExposedKey> Same(std::initializer_list<const char*> keys) {
  std::vector<ExposedKey> out;
  for (const char* k : keys) out.push_back({k, {k}});
  return out;
}

}  // namespace

const ProviderKeySet& DefaultProviderKeys() {
  static const ProviderKeySet kDefault{
      "any OIDC provider",
      {"*"},
      false,
      {{"aud", {"aud"}}, {"sub", {"sub"}}, {"azp", {"azp"}}, {"amr", {"amr"}, true}, {"email", {"email"}}},
      kKeysReference,
      "2026-11-21"};
  return kDefault;
}

// The sets beyond the default keys. The provider-specific keys of GitHub,
// GitLab.com, Buildkite, CircleCI and Oracle Cloud Infrastructure arrived
// with "AWS STS supports validation of identity provider claims" (January
// 2026); they are available in role trust policies only.
const std::vector<ProviderKeySet>& ProviderKeySets() {
  static const std::vector<ProviderKeySet> kSets = {
      {"GitHub Actions",
       {"token.actions.githubusercontent.com", "token.actions.githubusercontent.com/*", "token.actions.*.ghe.com",
        "github.com/enterprises/*"},
       true,
       Same({"actor", "actor_id", "enterprise_id", "environment", "job_workflow_ref", "ref", "repository",
             "repository_id", "repository_owner_id", "workflow"}),
       kStsReference,
       "2026-12-07"},
      // GitLab.com only: a self-managed GitLab's provider exposes the default keys.
      {"GitLab.com",
       {"gitlab.com"},
       true,
       Same({"namespace_id", "pipeline_source", "project_id", "ref_protected", "runner_environment",
             "user_access_level", "user_email", "user_id", "user_login"}),
       kStsReference,
       "2026-12-07"},
      {"Buildkite",
       {"agent.buildkite.com", "agent.*.buildkite.dev", "agent.*.buildkite.site"},
       true,
       Same({"build_branch", "cluster_id", "cluster_name", "organization_id", "organization_slug", "pipeline_id",
             "pipeline_slug"}),
       kStsReference,
       "2026-12-07"},
      {"CircleCI", {"oidc.circleci.com/org/*"}, true, Same({"oidc.circleci.com/project-id"}), kStsReference,
       "2026-12-07"},
      {"Oracle Cloud Infrastructure", {"idcs-*.identity.oraclecloud.com"}, true, Same({"rpst_id"}), kStsReference,
       "2026-12-07"},
      // Built-in providers: their own keys only. Google's `aud` is the
      // token's `azp` when present, else its `aud`; `oaud` is always `aud`.
      // AWS lists `google/organization_number` (numeric) without saying which
      // claim carries it (the key names a `google:organization_number`, the
      // Google tokens that carry the number nest it in a `google` object): it
      // is kept undecidable rather than guessed.
      {"Google",
       {"accounts.google.com"},
       false,
       {{"aud", {"azp", "aud"}}, {"oaud", {"aud"}}, {"sub", {"sub"}}, {"email", {"email"}},
        {"google/organization_number", {}}},
       kStsReference,
       "2026-12-07"},
      {"Amazon Cognito identity pools",
       {"cognito-identity.amazonaws.com"},
       false,
       {{"aud", {"aud"}}, {"sub", {"sub"}}, {"amr", {"amr"}, true}},
       kStsReference,
       "2026-12-07"},
      {"Login with Amazon",
       {"www.amazon.com"},
       false,
       {{"app_id", {"aud", "app_id"}}, {"user_id", {"sub", "user_id"}}},
       kStsReference,
       "2026-12-07"},
      {"Facebook",
       {"graph.facebook.com"},
       false,
       {{"app_id", {"aud", "app_id"}}, {"id", {"sub", "id"}}},
       kStsReference,
       "2026-12-07"},
  };
  return kSets;
}

bool ProviderPatternMatches(std::string_view pattern, std::string_view provider) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == provider;
  std::string_view head = pattern.substr(0, star);
  std::string_view tail = pattern.substr(star + 1);
  if (provider.size() < head.size() + tail.size() + 1) return false;
  if (provider.substr(0, head.size()) != head || provider.substr(provider.size() - tail.size()) != tail) return false;
  std::string_view run = provider.substr(head.size(), provider.size() - head.size() - tail.size());
  // A trailing `/*` is any path; elsewhere `*` stays inside one part.
  bool any_path = tail.empty() && !head.empty() && head.back() == '/';
  return any_path || run.find('/') == std::string_view::npos;
}

static const ProviderKeySet* FindLowered(std::string_view p) {
  for (const ProviderKeySet& set : ProviderKeySets())
    for (const char* pattern : set.providers)
      if (ProviderPatternMatches(pattern, p)) return &set;
  return nullptr;
}

const ProviderKeySet* FindProviderKeySet(std::string_view provider) { return FindLowered(AsciiLower(provider)); }

// The shared providers of the controls page, with the keys it requires.
// IBM Turbonomic SaaS is on the page too, without a fixed issuer URL (it
// changes with the platform's versions), so it has no entry.
const std::vector<ProviderControl>& ProviderControls() {
  static const std::vector<ProviderControl> kControls = {
      {"Amazon Cognito identity pools", "cognito-identity.amazonaws.com", {"cognito-identity.amazonaws.com:aud"},
       kControlsReference, "2026-12-07"},
      {"Microsoft Sentinel", "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d", {"sts:RoleSessionName"},
       kControlsReference, "2026-12-07"},
      {"Buildkite", "agent.buildkite.com", {"agent.buildkite.com:sub"}, kControlsReference, "2026-12-07"},
      {"Codefresh SaaS", "oidc.codefresh.io", {"oidc.codefresh.io:sub"}, kControlsReference, "2026-12-07"},
      {"DVC Studio", "studio.datachain.ai/api", {"studio.datachain.ai/api:sub"}, kControlsReference, "2026-12-07"},
      {"GitHub Actions",
       "token.actions.githubusercontent.com",
       {"token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:job_workflow_ref"},
       kControlsReference,
       "2026-12-07"},
      {"GitHub audit log streaming", "oidc-configuration.audit-log.githubusercontent.com",
       {"oidc-configuration.audit-log.githubusercontent.com:sub"}, kControlsReference, "2026-12-07"},
      {"GitHub vstoken", "vstoken.actions.githubusercontent.com", {"vstoken.actions.githubusercontent.com:sub"},
       kControlsReference, "2026-12-07"},
      {"GitLab.com", "gitlab.com", {"gitlab.com:sub"}, kControlsReference, "2026-12-07"},
      {"Pulumi Cloud", "api.pulumi.com/oidc", {"api.pulumi.com/oidc:aud"}, kControlsReference, "2026-12-07"},
      {"sandboxes.cloud", "sandboxes.cloud", {"sandboxes.cloud:aud"}, kControlsReference, "2026-12-07"},
      {"Scalr", "scalr.io", {"scalr.io:sub"}, kControlsReference, "2026-12-07"},
      {"Shisho Cloud", "tokens.cloud.shisho.dev", {"tokens.cloud.shisho.dev:sub"}, kControlsReference, "2026-12-07"},
      {"HCP Terraform", "app.terraform.io", {"app.terraform.io:sub"}, kControlsReference, "2026-12-07"},
      {"Upbound", "proidc.upbound.io", {"proidc.upbound.io:sub"}, kControlsReference, "2026-12-07"},
      {"Vercel", "oidc.vercel.com", {"oidc.vercel.com:aud"}, kControlsReference, "2026-12-07"},
  };
  return kControls;
}

const ProviderControl* FindProviderControl(std::string_view provider) {
  std::string p = AsciiLower(provider);
  for (const ProviderControl& c : ProviderControls())
    if (p == c.provider) return &c;
  return nullptr;
}

// The built-in providers are the key sets without the default keys.
bool IsBuiltInProvider(std::string_view name) {
  for (const ProviderKeySet& set : ProviderKeySets())
    if (!set.with_default_keys && std::find(set.providers.begin(), set.providers.end(), name) != set.providers.end())
      return true;
  return false;
}

bool IsBuiltInProviderFolded(std::string_view name) { return IsBuiltInProvider(AsciiLower(name)); }

std::vector<std::string> IssuersForProvider(std::string_view provider) {
  std::string p(provider);
  if (IsBuiltInProvider(p)) return {"https://" + p, p};
  return {"https://" + p};
}

namespace {

// The exposed key `claim` of provider prefix `prefix` (both lower case).
const ExposedKey* FindExposedKey(std::string_view prefix, std::string_view claim) {
  const ProviderKeySet* set = FindLowered(prefix);
  if (set)
    for (const ExposedKey& k : set->keys)
      if (claim == k.key) return &k;
  if (set && !set->with_default_keys) return nullptr;
  for (const ExposedKey& k : DefaultProviderKeys().keys)
    if (claim == k.key) return &k;
  return nullptr;
}

ValueRef ComputeConditionKey(std::string_view key) {
  ValueRef ref;
  ref.display = std::string(key);
  std::string lower = AsciiLower(key);
  // Session tags carried by the token (IAM User Guide, "Passing session
  // tags using AssumeRoleWithWebIdentity"): aws:RequestTag/<key> is the
  // value of principal tag <key> (the tag key, like every key name, ignores
  // case), aws:TagKeys the set of principal tag keys, sts:TransitiveTagKeys
  // the token's transitive_tag_keys list.
  static const std::string kTags = "/https:~1~1aws.amazon.com~1tags";
  if (lower.rfind("aws:requesttag/", 0) == 0) {
    std::string tag(key.substr(15));
    ref.source = ValueRef::Source::kPointer;
    ref.names = {kTags + "/principal_tags/" + JsonPointerToken(tag)};
    ref.fold_last_token = true;
    return ref;
  }
  if (lower == "aws:tagkeys") {
    ref.source = ValueRef::Source::kMemberNames;
    ref.names = {kTags + "/principal_tags"};
    ref.multi_valued = true;
    return ref;
  }
  if (lower == "sts:transitivetagkeys") {
    ref.source = ValueRef::Source::kPointer;
    ref.names = {kTags + "/transitive_tag_keys"};
    ref.multi_valued = true;
    return ref;
  }
  size_t colon = lower.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    ref.visible = false;
    ref.names = {lower};
    return ref;
  }
  std::string_view prefix = std::string_view(lower).substr(0, colon);
  std::string_view claim = std::string_view(lower).substr(colon + 1);
  ref.issuer_prefix = prefix;
  // Global keys (aws:, sts:, ...) have no dot in their prefix: never a provider.
  if (prefix.find('.') == std::string::npos) {
    ref.visible = false;
    ref.names = {std::string(claim)};
    return ref;
  }
  if (const ExposedKey* e = FindExposedKey(prefix, claim)) {
    // An exposed key whose claim AWS does not name keeps no names: the
    // lowering makes a condition on it undecidable.
    ref.names.reserve(e->claims.size());
    for (const char* c : e->claims) ref.names.emplace_back(c);
    ref.multi_valued = e->multi_valued;
    return ref;
  }
  ref.visible = false;
  ref.names = {std::string(claim)};
  return ref;
}

}  // namespace

// The same few keys (`token.actions.githubusercontent.com:sub`, `...:aud`)
// recur in every policy of a folder: each thread keeps the keys it has
// mapped (at most kCacheSize, then starts over) and copies the answer.
ValueRef MapConditionKey(std::string_view key) {
  constexpr size_t kCacheSize = 1024;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  thread_local std::unordered_map<std::string, ValueRef, Hash, std::equal_to<>> cache;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= kCacheSize) cache.clear();
  ValueRef ref = ComputeConditionKey(key);
  cache.emplace(std::string(key), ref);
  return ref;
}

}  // namespace trustcheck::aws
