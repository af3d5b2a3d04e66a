// Internal: condition keys as the evaluator reads them.
//
// A condition key is `<provider>:<claim>` where <provider> is the OIDC
// provider URL without `https://` (path included), or a built-in provider
// name. Key names are case-insensitive. Which keys each provider exposes is
// the table of trustcheck/aws_facts.h (sources there and in
// docs/semantics-aws.md, "Which claims IAM can see").

#ifndef TRUSTCHECK_SRC_AWS_CONDITION_KEYS_H_
#define TRUSTCHECK_SRC_AWS_CONDITION_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/aws_facts.h"

namespace trustcheck::aws {

// True for the providers AWS has built in, as Federated principals name
// them: `accounts.google.com`, `cognito-identity.amazonaws.com`,
// `graph.facebook.com`, `www.amazon.com` (exact spelling; principals compare
// case-sensitively).
bool IsBuiltInProvider(std::string_view name);
// The same, ignoring ASCII letter case (condition-key prefixes, messages).
bool IsBuiltInProviderFolded(std::string_view name);

// Maps a condition key (as written) to the ValueRef the evaluator reads.
// Keys of no OIDC provider (`aws:SourceIp`, `sts:ExternalId`, ...) map to
// invisible refs unless they come from the token's session tags. An exposed
// key whose claim AWS does not document maps to a visible ref without names
// (see KeyClaimUndocumented).
ValueRef MapConditionKey(std::string_view key);

// True for a ref MapConditionKey made for an exposed key whose token claim
// AWS does not name (`accounts.google.com:google/organization_number`).
inline bool KeyClaimUndocumented(const ValueRef& ref) { return ref.visible && ref.names.empty(); }

// "accounts.google.com" -> {"https://accounts.google.com", "accounts.google.com"};
// "token.actions.githubusercontent.com" -> {"https://token.actions.githubusercontent.com"}.
std::vector<std::string> IssuersForProvider(std::string_view provider);

// The claim carrying AWS session tags.
inline constexpr const char* kSessionTagsClaim = "https://aws.amazon.com/tags";

}  // namespace trustcheck::aws

#endif  // TRUSTCHECK_SRC_AWS_CONDITION_KEYS_H_
