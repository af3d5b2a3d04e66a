// AWS IAM facts about OIDC federation, kept as data with their sources.
//
// Two tables:
//
//  - ProviderKeySets(): which token claims AWS STS exposes as condition keys,
//    per identity provider. A condition key is `<provider>:<key>`, where
//    <provider> is the IAM OIDC provider's URL without `https://` (path
//    included) or a built-in provider name (`accounts.google.com`). Any
//    provider exposes the default keys (`aud`, `sub`, `azp`, `amr`, `email`);
//    since January 2026 some shared issuers expose more (GitHub's
//    `repository_id`, GitLab.com's `namespace_id`, CircleCI's
//    `oidc.circleci.com/project-id`, ...). A key outside the table is never
//    in the request.
//
//  - ProviderControls(): the "identity-provider controls" IAM enforces for
//    recognised shared providers. When a role trust policy trusts one of
//    them, IAM refuses to create the role or to save a new trust policy
//    unless the statement evaluates one of the listed keys with
//    StringEquals, StringLike or StringEqualsIgnoreCase and a value that is
//    not only wildcards. Roles that existed before keep working until their
//    trust policy is edited.
//
// Every entry names the AWS page it follows and the day it was last compared
// with it; docs/platform-facts.md is generated from these tables.
//
// THREAD SAFETY
//
// The tables are immutable after first use.

#ifndef TRUSTCHECK_AWS_FACTS_H_
#define TRUSTCHECK_AWS_FACTS_H_

#include <string_view>
#include <vector>

namespace trustcheck::aws {

// One exposed condition key of a provider.
struct ExposedKey {
  const char* key;  // the part after the provider, lower case: "sub", "oidc.circleci.com/project-id"
  // The token claims it reads, the first present one wins (Google's `aud`
  // reads `azp`, else `aud`). Empty when AWS does not say which claim the key
  // reads: a condition on it cannot be decided.
  std::vector<const char*> claims;
  bool multi_valued = false;  // a set of values by nature (`amr`)
};

struct ProviderKeySet {
  const char* platform;  // "GitHub Actions"
  // The provider prefixes this set applies to, lower case. `*` stands for a
  // non-empty run of characters without `/`, or, as the last character after
  // a `/`, for any non-empty path: `token.actions.*.ghe.com`,
  // `oidc.circleci.com/org/*`.
  std::vector<const char*> providers;
  // True: the provider also exposes the default keys (`aud`, `sub`, `azp`,
  // `amr`, `email`). False for the built-in providers, which have only their
  // own keys.
  bool with_default_keys;
  std::vector<ExposedKey> keys;
  const char* source;   // the AWS page
  const char* checked;  // the day the entry was last compared with it (YYYY-MM-DD)
};

// The default keys of any OIDC provider.
const ProviderKeySet& DefaultProviderKeys();
// The provider-specific sets, in documentation order.
const std::vector<ProviderKeySet>& ProviderKeySets();
// The set for a provider prefix (any case), or nullptr (default keys only).
const ProviderKeySet* FindProviderKeySet(std::string_view provider);
// True when `pattern` (a ProviderKeySet::providers entry) names `provider`
// (lower case).
bool ProviderPatternMatches(std::string_view pattern, std::string_view provider);

struct ProviderControl {
  const char* platform;  // "GitHub Actions"
  const char* provider;  // as IAM names it, lower case: "token.actions.githubusercontent.com"
  // Condition keys; the statement must evaluate at least one of them.
  std::vector<const char*> keys;
  const char* source;
  const char* checked;
};

// The identity-provider controls, in documentation order.
const std::vector<ProviderControl>& ProviderControls();
// The controls for a provider (IAM provider URL without `https://`, or a
// built-in provider name; any case), or nullptr for a private provider.
const ProviderControl* FindProviderControl(std::string_view provider);

}  // namespace trustcheck::aws

#endif  // TRUSTCHECK_AWS_FACTS_H_
