#include "formats/terraform_resources.h"

#include <algorithm>
#include <cstring>

namespace trustcheck::terraform {

namespace {

ResourceSchema Row(std::string_view type, ResourceRole role, const char* name_argument = nullptr) {
  ResourceSchema row;
  row.type = type;
  row.role = role;
  row.name_argument = name_argument;
  return row;
}

std::vector<ResourceSchema> MakeTable() {
  std::vector<ResourceSchema> rows;
  // hashicorp/aws: aws_iam_role, aws_iam_openid_connect_provider.
  rows.push_back(Row("aws_iam_role", ResourceRole::kAwsRole, "name"));
  rows.push_back(Row("aws_iam_openid_connect_provider", ResourceRole::kAwsOidcProvider));

  // hashicorp/azuread: the classic credential (`audiences`, `subject`) and
  // the flexible one (one `audience`, `claims_matching_expression`);
  // `application_object_id` is the pre-2.44 name of `application_id`.
  ResourceSchema classic = Row("azuread_application_federated_identity_credential", ResourceRole::kEntraCredential,
                         "display_name");
  classic.fields = {{"display_name", "name"},
                    {"issuer", "issuer"},
                    {"subject", "subject"},
                    {"audiences", "audiences"},
                    {"description", "description"}};
  classic.parent = {"application_id", "application_object_id"};
  rows.push_back(std::move(classic));

  ResourceSchema flexible = Row("azuread_application_flexible_federated_identity_credential",
                          ResourceRole::kEntraCredential, "display_name");
  flexible.fields = {{"display_name", "name"},
                     {"issuer", "issuer"},
                     {"audience", "audiences", FieldShape::kListOfOne},
                     {"claims_matching_expression", "claimsMatchingExpression", FieldShape::kExpression},
                     {"description", "description"}};
  flexible.parent = {"application_id"};
  rows.push_back(std::move(flexible));

  // hashicorp/azurerm: `parent_id` became `user_assigned_identity_id`.
  ResourceSchema managed = Row("azurerm_federated_identity_credential", ResourceRole::kEntraCredential, "name");
  managed.fields = {{"name", "name"}, {"issuer", "issuer"}, {"subject", "subject"}, {"audience", "audiences"}};
  managed.parent = {"user_assigned_identity_id", "parent_id"};
  rows.push_back(std::move(managed));

  // Azure/azapi: the ARM resource itself in `body`.
  ResourceSchema azapi = Row("azapi_resource", ResourceRole::kAzapiResource, "name");
  azapi.parent = {"parent_id"};
  rows.push_back(std::move(azapi));

  // hashicorp/vault: the role's arguments are Vault's role fields, but for
  // the provider's own.
  ResourceSchema role = Row("vault_jwt_auth_backend_role", ResourceRole::kVaultRole, "role_name");
  role.provider_only = {"backend", "role_name", "namespace", "disable_bound_claims_parsing", "id"};
  role.undecidable_when_unknown = {"role_type",         "user_claim_json_pointer", "bound_claims_type",
                                   "clock_skew_leeway", "expiration_leeway",       "not_before_leeway",
                                   "token_bound_cidrs", "bound_cidrs"};
  rows.push_back(std::move(role));

  ResourceSchema backend = Row("vault_jwt_auth_backend", ResourceRole::kVaultBackend);
  backend.fields = {{"bound_issuer", "bound_issuer"},
                    {"oidc_discovery_url", "oidc_discovery_url"},
                    {"jwks_url", "jwks_url"},
                    {"default_role", "default_role"}};
  rows.push_back(std::move(backend));

  // hashicorp/google: the REST resource's camelCase fields.
  ResourceSchema provider = Row("google_iam_workload_identity_pool_provider", ResourceRole::kGcpProvider,
                          "workload_identity_pool_provider_id");
  provider.fields = {{"display_name", "displayName"},
                     {"disabled", "disabled"},
                     {"attribute_mapping", "attributeMapping"},
                     {"attribute_condition", "attributeCondition"},
                     {"state", "state"}};
  provider.block = "oidc";
  provider.block_field = "oidc";
  provider.block_fields = {{"issuer_uri", "issuerUri"}, {"allowed_audiences", "allowedAudiences"}};
  provider.other_blocks = {"aws", "saml", "x509"};
  rows.push_back(std::move(provider));

  ResourceSchema pool = Row("google_iam_workload_identity_pool", ResourceRole::kGcpPool);
  pool.fields = {{"disabled", "disabled"}};
  rows.push_back(std::move(pool));
  return rows;
}

}  // namespace

const std::vector<ResourceSchema>& TrustResources() {
  static const std::vector<ResourceSchema> kRows = MakeTable();
  return kRows;
}

const ResourceSchema* FindTrustResource(std::string_view type) {
  for (const ResourceSchema& row : TrustResources())
    if (row.type == type) return &row;
  return nullptr;
}

bool Lists(const std::vector<const char*>& list, std::string_view argument) {
  return std::any_of(list.begin(), list.end(), [&](const char* a) { return argument == a; });
}

}  // namespace trustcheck::terraform
