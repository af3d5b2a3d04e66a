// Internal: which token claims AWS STS exposes as condition keys, as data.
//
// A condition key is `<provider>:<claim>` where <provider> is the OIDC
// provider URL without `https://` (path included), or a built-in provider
// name. Key names are case-insensitive. Sources: docs/semantics-aws.md
// ("Which claims IAM can see").

#ifndef TRUSTCHECK_SRC_AWS_CONDITION_KEYS_H_
#define TRUSTCHECK_SRC_AWS_CONDITION_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/ast.h"

namespace trustcheck::aws {

// One exposed key: the key's claim part, the token claims it reads (first
// present wins), and whether it is multi-valued by nature.
struct ExposedClaim {
  const char* key_claim;              // lower-case, as in the condition key
  std::vector<const char*> claims;    // token claim names
  bool multi_valued = false;
};

// The claims STS exposes for a provider prefix (lower-case). Generic
// providers get aud, sub, azp, amr, email; GitHub, Google, Cognito, Amazon
// and Facebook have their own lists.
const std::vector<ExposedClaim>& ExposedClaimsFor(std::string_view provider_prefix);

// True for the providers AWS has built in, as Federated principals name
// them: `accounts.google.com`, `cognito-identity.amazonaws.com`,
// `graph.facebook.com`, `www.amazon.com` (exact spelling; principals compare
// case-sensitively).
bool IsBuiltInProvider(std::string_view name);
// The same, ignoring ASCII letter case (condition-key prefixes, messages).
bool IsBuiltInProviderFolded(std::string_view name);

// Maps a condition key (as written) to the ValueRef the evaluator reads.
// Keys of no OIDC provider (`aws:SourceIp`, `sts:ExternalId`, ...) map to
// invisible refs unless they come from the token's session tags.
ValueRef MapConditionKey(std::string_view key);

// "accounts.google.com" -> {"https://accounts.google.com", "accounts.google.com"};
// "token.actions.githubusercontent.com" -> {"https://token.actions.githubusercontent.com"}.
std::vector<std::string> IssuersForProvider(std::string_view provider);

// The claim carrying AWS session tags.
inline constexpr const char* kSessionTagsClaim = "https://aws.amazon.com/tags";

}  // namespace trustcheck::aws

#endif  // TRUSTCHECK_SRC_AWS_CONDITION_KEYS_H_
