// The Terraform resources that hold trusts or facts about them: one table
// read by both Terraform loaders, the HCL one (terraform.cc, arguments as
// written) and the plan one (terraform_plan.cc, `terraform show -json`), so
// the two cannot disagree on which resource types count or which argument
// becomes which field of the platform's own resource.
//
// Each row names the resource type, what it lowers to (`ResourceRole`), and
// for resources that are a platform resource under Terraform's argument
// names (Entra credentials, GCP providers, Vault auth configs) how each
// argument maps onto the field the platform's lowering reads
// (entra_credential.h, gcp_provider.h, vault_role.h). AWS roles and OIDC
// providers have their own readers and list only the arguments those read.
//
//   const ResourceSchema* schema = FindTrustResource(block_type);
//   if (!schema) return;                      // not a trust resource
//   for (const FieldMapping& f : schema->fields) copy(f.argument, f.field, f.shape);
//
// Sources: the provider documentation of each resource (docs/terraform.md
// lists them with the date they were read); the table is tested against
// that document so a new row cannot go undocumented.

#ifndef TRUSTCHECK_FORMATS_TERRAFORM_RESOURCES_H_
#define TRUSTCHECK_FORMATS_TERRAFORM_RESOURCES_H_

#include <string_view>
#include <vector>

namespace trustcheck::terraform {

// What a resource type lowers to.
enum class ResourceRole {
  kAwsRole,          // aws_iam_role: an AWS trust from `assume_role_policy`
  kAwsOidcProvider,  // aws_iam_openid_connect_provider: the provider fact
  kEntraCredential,  // a federated identity credential: an Entra trust
  kAzapiResource,    // azapi_resource: an Entra trust when `type` is a credential
  kVaultRole,        // vault_jwt_auth_backend_role: a Vault trust
  kVaultBackend,     // vault_jwt_auth_backend: the Vault auth config fact
  kGcpProvider,      // a workload identity pool provider: a GCP trust
  kGcpPool,          // its pool, read for `disabled`
};

// How an argument's value becomes the platform's field.
enum class FieldShape {
  kSame,         // copied as it is
  kListOfOne,    // one value the platform keeps in a list (`audience` -> `audiences`)
  kExpression,   // an expression's text the platform keeps as {value, languageVersion: 1}
};

struct FieldMapping {
  const char* argument;  // Terraform's argument name
  const char* field;     // the platform resource's field
  FieldShape shape = FieldShape::kSame;
};

struct ResourceSchema {
  std::string_view type;
  ResourceRole role;
  // The argument whose value names the trust, nullptr when the address does.
  const char* name_argument = nullptr;
  // Arguments onto the platform's resource fields.
  std::vector<FieldMapping> fields;
  // A nested block lowered into one field (GCP's `oidc`), and its arguments.
  const char* block = nullptr;
  const char* block_field = nullptr;
  std::vector<FieldMapping> block_fields;
  // Blocks that, written instead of `block`, make it a provider of another
  // kind (GCP's `aws`, `saml`, `x509`: no OIDC token is accepted).
  std::vector<const char*> other_blocks;
  // Arguments naming the parent the credential belongs to (its access unit
  // for diff), the first one set wins.
  std::vector<const char*> parent;
  // Vault roles: arguments of the provider that are not role fields.
  std::vector<const char*> provider_only;
  // Vault roles: fields read as flags or numbers; unknown, the role cannot
  // be decided (the statement is guarded by the unknown).
  std::vector<const char*> undecidable_when_unknown;
};

// Every row, in the order docs/terraform.md lists them.
const std::vector<ResourceSchema>& TrustResources();

// The row for a resource type, nullptr when the type holds no trust.
const ResourceSchema* FindTrustResource(std::string_view type);

// Whether `argument` is one of `list`.
bool Lists(const std::vector<const char*>& list, std::string_view argument);

// The prefix of an `azapi_resource` `type` (compared without case) that makes
// it a managed identity's federated identity credential; the API version
// follows the `@`.
inline constexpr std::string_view kAzapiCredentialType =
    "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials@";

}  // namespace trustcheck::terraform

#endif  // TRUSTCHECK_FORMATS_TERRAFORM_RESOURCES_H_
