// Internal: lowering a Google Cloud workload identity pool provider (the REST
// resource, as `gcloud iam workload-identity-pools providers describe`
// prints it) into a Trust. Every rule cites docs/semantics-gcp.md.
//
// Terraform sources and plans, and Config Connector resources, map their
// fields onto that shape. Values their locator reports unknown are unknown
// parts of the decision (never an accept); a `name` known only in pieces
// (Terraform knows the project ID, not the number) gives a default audience
// that refuses every token it cannot be, and is unknown for the others.

#ifndef TRUSTCHECK_SRC_FORMATS_GCP_PROVIDER_H_
#define TRUSTCHECK_SRC_FORMATS_GCP_PROVIDER_H_

#include <json/json.h>

#include <string>
#include <vector>

#include "formats/tree_locator.h"
#include "source_text.h"
#include "trustcheck/ast.h"

namespace trustcheck::gcp {

struct ProviderInput {
  // The resource object, camelCase keys: name, displayName, state, disabled,
  // attributeMapping, attributeCondition, oidc {issuerUri, allowedAudiences}
  // (or aws / saml / x509).
  const Json::Value* provider = nullptr;
  const TreeLocator* locator = nullptr;
  // The file the resource was read from, when it is JSON or YAML text: CEL
  // errors are then traced to the exact column inside escaped or folded
  // strings. May be null (positions are then counted from the value).
  const SourceText* source = nullptr;
  std::string format;         // "gcp-provider", ...
  std::string fallback_name;  // used when the resource has no `name`
  std::vector<LoweringNote> notes;  // e.g. duplicate keys found by the caller
};

// Lowers one provider into a Trust with one Allow statement:
//   (and <state> <issuer> <audience> <attribute mapping> <attribute condition>)
// Problems Google refuses when a provider is created (no google.subject, a
// CEL syntax error, a bad mapping key) become kMalformed notes and
// fail-closed nodes. Returns an error only when the input is not an object.
Result<Trust> LowerProvider(ProviderInput input);

// How sure we are that a JSON value is a provider resource: 0 when it is not;
// higher when its `name` is a provider resource name.
int ProviderScore(const Json::Value& value);

}  // namespace trustcheck::gcp

#endif  // TRUSTCHECK_SRC_FORMATS_GCP_PROVIDER_H_
