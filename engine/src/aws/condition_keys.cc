#include "aws/condition_keys.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace trustcheck::aws {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// IAM condition keys reference: "Define condition keys using the name of the
// OIDC provider followed by the claim (:aud, :azp, :amr, sub)"; `email` is
// exposed by some providers and accepted by IAM for all.
const std::vector<ExposedClaim>& GenericClaims() {
  static const std::vector<ExposedClaim> kClaims = {
      {"aud", {"aud"}}, {"sub", {"sub"}}, {"azp", {"azp"}}, {"amr", {"amr"}, true}, {"email", {"email"}},
  };
  return kClaims;
}

// AWS STS, January 2026: "validation of select identity provider specific
// claims" for GitHub (condition keys available in trust policies only).
const std::vector<ExposedClaim>& GitHubClaims() {
  static const std::vector<ExposedClaim> kClaims = [] {
    std::vector<ExposedClaim> v = GenericClaims();
    for (const char* c : {"actor", "actor_id", "job_workflow_ref", "repository", "repository_id", "workflow", "ref",
                          "environment", "enterprise_id"})
      v.push_back({c, {c}});
    return v;
  }();
  return kClaims;
}

// accounts.google.com:aud is the token's azp when present, else its aud;
// accounts.google.com:oaud is always the token's aud.
const std::vector<ExposedClaim>& GoogleClaims() {
  static const std::vector<ExposedClaim> kClaims = {
      {"aud", {"azp", "aud"}}, {"oaud", {"aud"}}, {"sub", {"sub"}}, {"email", {"email"}},
  };
  return kClaims;
}

// cognito-identity.amazonaws.com: aud (identity pool), sub, amr (multi-valued).
const std::vector<ExposedClaim>& CognitoClaims() {
  static const std::vector<ExposedClaim> kClaims = {
      {"aud", {"aud"}}, {"sub", {"sub"}}, {"amr", {"amr"}, true},
  };
  return kClaims;
}

// www.amazon.com:app_id / user_id and graph.facebook.com:app_id / id.
const std::vector<ExposedClaim>& AmazonClaims() {
  static const std::vector<ExposedClaim> kClaims = {{"app_id", {"aud", "app_id"}}, {"user_id", {"sub", "user_id"}}};
  return kClaims;
}
const std::vector<ExposedClaim>& FacebookClaims() {
  static const std::vector<ExposedClaim> kClaims = {{"app_id", {"aud", "app_id"}}, {"id", {"sub", "id"}}};
  return kClaims;
}

bool IsGitHubProvider(std::string_view p) {
  // token.actions.githubusercontent.com, its enterprise form
  // token.actions.githubusercontent.com/<slug>, and GHE.com token.actions.<x>.ghe.com.
  static const std::string_view kGitHub = "token.actions.githubusercontent.com";
  if (p == kGitHub) return true;
  if (p.size() > kGitHub.size() && p.substr(0, kGitHub.size()) == kGitHub && p[kGitHub.size()] == '/') return true;
  return p.substr(0, 14) == "token.actions." && p.size() > 8 && p.substr(p.size() - 8) == ".ghe.com";
}

}  // namespace

bool IsBuiltInProvider(std::string_view name) {
  return name == "accounts.google.com" || name == "cognito-identity.amazonaws.com" || name == "www.amazon.com" ||
         name == "graph.facebook.com";
}

bool IsBuiltInProviderFolded(std::string_view name) { return IsBuiltInProvider(Lower(name)); }

// `p` is already lower case.
static const std::vector<ExposedClaim>& ExposedClaimsForLowered(std::string_view p) {
  if (p == "accounts.google.com") return GoogleClaims();
  if (p == "cognito-identity.amazonaws.com") return CognitoClaims();
  if (p == "www.amazon.com") return AmazonClaims();
  if (p == "graph.facebook.com") return FacebookClaims();
  if (IsGitHubProvider(p)) return GitHubClaims();
  return GenericClaims();
}

const std::vector<ExposedClaim>& ExposedClaimsFor(std::string_view provider_prefix) {
  return ExposedClaimsForLowered(Lower(provider_prefix));
}

std::vector<std::string> IssuersForProvider(std::string_view provider) {
  std::string p(provider);
  if (IsBuiltInProvider(p)) return {"https://" + p, p};
  return {"https://" + p};
}

namespace {

ValueRef ComputeConditionKey(std::string_view key) {
  ValueRef ref;
  ref.display = std::string(key);
  std::string lower = Lower(key);
  // Session tags carried by the token (IAM User Guide, "Passing session
  // tags using AssumeRoleWithWebIdentity"): aws:RequestTag/<key> is the
  // value of principal tag <key> (the tag key, like every key name, ignores
  // case), aws:TagKeys the set of principal tag keys, sts:TransitiveTagKeys
  // the token's transitive_tag_keys list.
  static const std::string kTags = "/https:~1~1aws.amazon.com~1tags";
  if (lower.rfind("aws:requesttag/", 0) == 0) {
    std::string tag(key.substr(15));
    std::string escaped;
    for (char c : tag) escaped += c == '/' ? std::string("~1") : c == '~' ? std::string("~0") : std::string(1, c);
    ref.source = ValueRef::Source::kPointer;
    ref.names = {kTags + "/principal_tags/" + escaped};
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
  for (const ExposedClaim& e : ExposedClaimsForLowered(prefix)) {
    if (claim == e.key_claim) {
      ref.names.reserve(e.claims.size());
      for (const char* c : e.claims) ref.names.emplace_back(c);
      ref.multi_valued = e.multi_valued;
      return ref;
    }
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
