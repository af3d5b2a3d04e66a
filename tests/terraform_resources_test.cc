// Tests for the Terraform resource table (engine/src/formats/terraform_resources.h):
// the HCL loader and the plan loader read the same resource the same way
// (same trust, same decisions, same access unit), for every row that lowers
// to a trust; and docs/terraform.md documents every row.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "formats/terraform_resources.h"
#include "test_support.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

using testing::EvalToken;
using testing::ReadFileText;

constexpr int64_t kAt = 1632493600;

// A GitHub Actions token for `octo-org/octo-repo` on main, with `aud`
// replaced by AUDIENCE.
std::string GitHubToken(const std::string& audience, const std::string& ref = "refs/heads/main") {
  return fmt::format(R"({{"iss": "https://token.actions.githubusercontent.com", "aud": "{}",
    "sub": "repo:octo-org/octo-repo:ref:{}", "ref": "{}", "repository": "octo-org/octo-repo",
    "job_workflow_ref": "octo-org/octo-repo/.github/workflows/deploy.yml@{}",
    "nbf": 1632492967, "exp": 1632494867, "iat": 1632493567}})",
                     audience, ref, ref, ref);
}

struct TokenCase {
  std::string token;
  bool accepted;
};

struct ParityCase {
  std::string type;       // the resource type
  std::string hcl;        // the resource's body, as written in a .tf file
  std::string values;     // the same resource's `values` in a plan
  std::string unit;       // the expected access unit ("" for none)
  std::vector<TokenCase> tokens;
};

std::vector<ParityCase> Cases() {
  const std::string entra = "api://AzureADTokenExchange";
  return {
      {"aws_iam_role",
       R"(name = "deploy"
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity"
              Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
              Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
                                             "token.actions.githubusercontent.com:sub" = "repo:octo-org/octo-repo:ref:refs/heads/main" } }
            }]
          }))",
       R"({"name": "deploy", "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Principal\":{\"Federated\":\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"},\"Condition\":{\"StringEquals\":{\"token.actions.githubusercontent.com:aud\":\"sts.amazonaws.com\",\"token.actions.githubusercontent.com:sub\":\"repo:octo-org/octo-repo:ref:refs/heads/main\"}}}]}"})",
       "",
       {{GitHubToken("sts.amazonaws.com"), true}, {GitHubToken("sts.amazonaws.com", "refs/heads/dev"), false}}},
      {"azuread_application_federated_identity_credential",
       R"(application_id = "/applications/00000000-0000-0000-0000-000000000001"
          display_name = "deploy"
          issuer = "https://token.actions.githubusercontent.com"
          subject = "repo:octo-org/octo-repo:ref:refs/heads/main"
          audiences = ["api://AzureADTokenExchange"])",
       R"({"application_id": "/applications/00000000-0000-0000-0000-000000000001", "display_name": "deploy",
           "issuer": "https://token.actions.githubusercontent.com",
           "subject": "repo:octo-org/octo-repo:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]})",
       "/applications/00000000-0000-0000-0000-000000000001",
       {{GitHubToken(entra), true}, {GitHubToken(entra, "refs/heads/dev"), false}, {GitHubToken("other"), false}}},
      {"azuread_application_flexible_federated_identity_credential",
       R"(application_id = "/applications/00000000-0000-0000-0000-000000000002"
          display_name = "deploy"
          issuer = "https://token.actions.githubusercontent.com"
          audience = "api://AzureADTokenExchange"
          claims_matching_expression = "claims['sub'] matches 'repo:octo-org/octo-repo:ref:refs/heads/*'")",
       R"({"application_id": "/applications/00000000-0000-0000-0000-000000000002", "display_name": "deploy",
           "issuer": "https://token.actions.githubusercontent.com", "audience": "api://AzureADTokenExchange",
           "claims_matching_expression": "claims['sub'] matches 'repo:octo-org/octo-repo:ref:refs/heads/*'"})",
       "/applications/00000000-0000-0000-0000-000000000002",
       {{GitHubToken(entra), true}, {GitHubToken(entra, "refs/heads/dev"), true},
        {GitHubToken(entra, "refs/tags/v1"), false}, {GitHubToken("other"), false}}},
      {"azurerm_federated_identity_credential",
       R"(name = "deploy"
          user_assigned_identity_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci"
          issuer = "https://token.actions.githubusercontent.com"
          subject = "repo:octo-org/octo-repo:ref:refs/heads/main"
          audience = ["api://AzureADTokenExchange"])",
       R"({"name": "deploy",
           "user_assigned_identity_id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci",
           "issuer": "https://token.actions.githubusercontent.com",
           "subject": "repo:octo-org/octo-repo:ref:refs/heads/main", "audience": ["api://AzureADTokenExchange"]})",
       "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci",
       {{GitHubToken(entra), true}, {GitHubToken(entra, "refs/heads/dev"), false}}},
      {"azapi_resource",
       R"(type = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31"
          name = "deploy"
          parent_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci"
          body = { properties = { issuer = "https://token.actions.githubusercontent.com"
                                  subject = "repo:octo-org/octo-repo:ref:refs/heads/main"
                                  audiences = ["api://AzureADTokenExchange"] } })",
       R"({"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31",
           "name": "deploy",
           "parent_id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci",
           "body": {"properties": {"issuer": "https://token.actions.githubusercontent.com",
                                   "subject": "repo:octo-org/octo-repo:ref:refs/heads/main",
                                   "audiences": ["api://AzureADTokenExchange"]}}})",
       "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci",
       {{GitHubToken(entra), true}, {GitHubToken(entra, "refs/heads/dev"), false}}},
      {"vault_jwt_auth_backend_role",
       R"(backend = "jwt"
          role_name = "deploy"
          role_type = "jwt"
          user_claim = "sub"
          bound_audiences = ["https://github.com/octo-org"]
          bound_claims = { repository = "octo-org/octo-repo", ref = "refs/heads/main,refs/heads/release" })",
       R"({"backend": "jwt", "role_name": "deploy", "role_type": "jwt", "user_claim": "sub",
           "bound_audiences": ["https://github.com/octo-org"],
           "bound_claims": {"repository": "octo-org/octo-repo", "ref": "refs/heads/main,refs/heads/release"}})",
       "",
       {{GitHubToken("https://github.com/octo-org"), true},
        {GitHubToken("https://github.com/octo-org", "refs/heads/release"), true},
        {GitHubToken("https://github.com/octo-org", "refs/heads/dev"), false}}},
      {"google_iam_workload_identity_pool_provider",
       R"(project = "123456789"
          workload_identity_pool_id = "ci"
          workload_identity_pool_provider_id = "github"
          attribute_mapping = { "google.subject" = "assertion.sub" }
          attribute_condition = "assertion.repository == 'octo-org/octo-repo'"
          oidc { issuer_uri = "https://token.actions.githubusercontent.com" })",
       R"({"project": "123456789", "workload_identity_pool_id": "ci", "workload_identity_pool_provider_id": "github",
           "attribute_mapping": {"google.subject": "assertion.sub"},
           "attribute_condition": "assertion.repository == 'octo-org/octo-repo'",
           "oidc": [{"issuer_uri": "https://token.actions.githubusercontent.com", "allowed_audiences": []}]})",
       "",
       {{GitHubToken("https://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci/"
                     "providers/github"),
         true},
        {GitHubToken("sts.amazonaws.com"), false}}},
  };
}

std::string Plan(const std::string& type, const std::string& values) {
  return fmt::format(R"({{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [
    {{"address": "{0}.this", "mode": "managed", "type": "{0}", "name": "this", "values": {1}}}]}}}}}})",
                     type, values);
}

const Trust* OnlyTrust(const Result<LoadedFile>& f, const std::string& what) {
  EXPECT_TRUE(f.ok()) << what << ": " << f.status().ToString();
  if (!f.ok()) return nullptr;
  EXPECT_EQ(f->trusts.size(), 1u) << what;
  return f->trusts.size() == 1 ? &f->trusts[0] : nullptr;
}

TEST(TerraformResources, HclAndPlanReadEveryTrustResourceAlike) {
  std::set<std::string> covered;
  for (const ParityCase& c : Cases()) {
    SCOPED_TRACE(c.type);
    covered.insert(c.type);
    Result<LoadedFile> hcl = LoadText("/nonexistent-module/main.tf",
                                      fmt::format("resource \"{}\" \"this\" {{\n{}\n}}\n", c.type, c.hcl), {});
    Result<LoadedFile> plan = LoadText("plan.json", Plan(c.type, c.values), {});
    const Trust* from_hcl = OnlyTrust(hcl, "HCL");
    const Trust* from_plan = OnlyTrust(plan, "plan");
    if (!from_hcl || !from_plan) continue;
    EXPECT_EQ(from_hcl->platform, from_plan->platform);
    EXPECT_EQ(from_hcl->kind, from_plan->kind);
    EXPECT_EQ(from_hcl->facts.access_unit, c.unit);
    EXPECT_EQ(from_plan->facts.access_unit, c.unit);
    for (const TokenCase& t : c.tokens) {
      Decision a = EvalToken(*from_hcl, t.token, kAt);
      Decision b = EvalToken(*from_plan, t.token, kAt);
      EXPECT_EQ(a.accepted, t.accepted) << "HCL: " << t.token << "\n" << (a.reasons.empty() ? "" : a.reasons[0].message);
      EXPECT_EQ(b.accepted, t.accepted) << "plan: " << t.token << "\n"
                                        << (b.reasons.empty() ? "" : b.reasons[0].message);
    }
  }
  // Every row that lowers to a trust has a case.
  for (const terraform::ResourceSchema& row : terraform::TrustResources()) {
    const bool trust = row.role != terraform::ResourceRole::kAwsOidcProvider &&
                       row.role != terraform::ResourceRole::kVaultBackend &&
                       row.role != terraform::ResourceRole::kGcpPool;
    if (trust) {
      EXPECT_TRUE(covered.count(std::string(row.type))) << "no parity case for " << row.type;
    }
  }
}

TEST(TerraformResources, TerraformDocListsEveryRow) {
  const std::string doc = ReadFileText(std::string(TRUSTCHECK_SOURCE_DIR) + "/docs/terraform.md");
  ASSERT_FALSE(doc.empty());
  for (const terraform::ResourceSchema& row : terraform::TrustResources())
    EXPECT_NE(doc.find(fmt::format("`{}`", row.type)), std::string::npos) << row.type;
}

TEST(TerraformResources, UnknownTypesHoldNoTrust) {
  EXPECT_EQ(terraform::FindTrustResource("aws_s3_bucket"), nullptr);
  EXPECT_EQ(terraform::FindTrustResource("aws_iam_role_policy"), nullptr);
  ASSERT_NE(terraform::FindTrustResource("aws_iam_role"), nullptr);
  EXPECT_EQ(terraform::FindTrustResource("aws_iam_role")->role, terraform::ResourceRole::kAwsRole);
}

}  // namespace
}  // namespace trustcheck
