// Issuer profiles: lookup by issuer URL and what a claim value admits.

#include "trustcheck/issuers.h"

#include <gtest/gtest.h>

namespace trustcheck {
namespace {

struct LookupCase {
  const char* issuer;
  const char* profile;  // "" when unknown
};

TEST(issuers_test, finds_profiles_by_issuer) {
  const LookupCase cases[] = {
      {"https://token.actions.githubusercontent.com", "github-actions"},
      {"token.actions.githubusercontent.com", "github-actions"},
      {"https://token.actions.githubusercontent.com/", "github-actions"},
      {" https://Token.Actions.GitHubUserContent.com ", "github-actions"},
      {"https://token.actions.githubusercontent.com/octo-enterprise", "github-enterprise"},
      {"https://token.actions.octocorp.ghe.com", "github-enterprise"},
      {"https://github.example.com/_services/token", "github-enterprise"},
      {"https://gitlab.com", "gitlab-com"},
      {"https://gitlab.example.com", ""},
      {"https://app.terraform.io", "hcp-terraform"},
      {"https://app.eu.terraform.io", "hcp-terraform"},
      {"https://demo.app.spacelift.io", "spacelift"},
      {"https://oidc.circleci.com/org/0c8e8fa4-bd9b-4d7f-a0a8-4c2f1b7f9b4e", "circleci"},
      {"https://agent.buildkite.com", "buildkite"},
      {"https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc", "bitbucket"},
      {"https://vstoken.dev.azure.com/6a1c9f3e-0000-4000-8000-000000000000", "azure-devops"},
      {"oidc.eks.us-east-1.amazonaws.com/id/C9B0E28454A61A7E88D42977E92F2E91", "eks"},
      {"https://api.airplane.dev", "airplane"},
      {"https://acme.semaphoreci.com", "semaphore"},
      {"accounts.google.com", "google-accounts"},
      {"https://accounts.google.com", "google-accounts"},
      {"cognito-identity.amazonaws.com", "cognito-identity"},
      {"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", "entra-id"},
      {"https://example.com", ""},
  };
  for (const LookupCase& c : cases) {
    const IssuerProfile* p = FindIssuerProfile(c.issuer);
    EXPECT_EQ(p ? std::string(p->id) : std::string(), c.profile) << c.issuer;
  }
}

TEST(issuers_test, normalises_issuers) {
  EXPECT_EQ(NormaliseIssuer("token.actions.githubusercontent.com"), "https://token.actions.githubusercontent.com");
  EXPECT_EQ(NormaliseIssuer("HTTPS://GitLab.com/"), "https://gitlab.com");
  EXPECT_EQ(NormaliseIssuer("https://host/Path/"), "https://host/Path");
}

struct ReadCase {
  const char* issuer;
  const char* claim;
  const char* value;
  WildcardFlavor flavor;
  bool recognised;
  bool tenant_pinned;
  bool pinned_by_id;
  bool open_before_tenant;
  FieldLevel open_level;  // checked only when the value has a wildcard
  const char* admits;
};

constexpr WildcardFlavor kLike = WildcardFlavor::kAws;
constexpr WildcardFlavor kExact = WildcardFlavor::kLiteral;
constexpr FieldLevel kTenant = FieldLevel::kTenant;
constexpr FieldLevel kTenantId = FieldLevel::kTenantId;
constexpr FieldLevel kResource = FieldLevel::kResource;
constexpr FieldLevel kResourceId = FieldLevel::kResourceId;
constexpr FieldLevel kDetail = FieldLevel::kDetail;
constexpr const char* kGitHub = "https://token.actions.githubusercontent.com";

TEST(issuers_test, reads_claim_values) {
  const ReadCase cases[] = {
      // GitHub default subjects.
      {kGitHub, "sub", "*", kLike, true, false, false, true, kTenant, "any repository of any GitHub organisation"},
      {kGitHub, "sub", "repo:*", kLike, true, false, false, true, kTenant, "any repository of any GitHub organisation"},
      {kGitHub, "sub", "re*", kLike, true, false, false, true, kTenant, "any repository of any GitHub organisation"},
      {kGitHub, "sub", "repo:acme*", kLike, true, false, false, true, kTenant,
       "any repository of any GitHub organisation whose name starts with `acme`"},
      {kGitHub, "sub", "repo:*/infra:ref:refs/heads/main", kLike, true, false, false, true, kTenant,
       "repository `infra` of any GitHub organisation"},
      {kGitHub, "sub", "repo:ac?e/app:*", kLike, true, false, false, true, kTenant,
       "repository `app` of any GitHub organisation whose name matches `ac?e`"},
      {kGitHub, "sub", "repo:acme/*", kLike, true, true, false, false, kResource,
       "any repository of organisation `acme`"},
      {kGitHub, "sub", "repo:acme/*:ref:refs/heads/main", kLike, true, true, false, false, kResource,
       "any repository of organisation `acme`"},
      {kGitHub, "sub", "repo:acme/app*", kLike, true, true, false, false, kResource,
       "any repository of organisation `acme` whose name starts with `app`"},
      {kGitHub, "sub", "repo:acme/app:*", kLike, true, true, false, false, kDetail,
       "any branch, tag, environment or pull request of `acme/app`"},
      {kGitHub, "sub", "repo:acme/app:ref:*", kLike, true, true, false, false, kDetail,
       "any branch, tag or pull request ref of `acme/app`"},
      {kGitHub, "sub", "repo:acme/app:ref:refs/heads/*", kLike, true, true, false, false, kDetail,
       "any branch of `acme/app`"},
      {kGitHub, "sub", "repo:acme/app:ref:refs/heads/release-*", kLike, true, true, false, false, kDetail,
       "any branch whose name starts with `release-` of `acme/app`"},
      {kGitHub, "sub", "repo:acme/app:ref:refs/tags/*", kLike, true, true, false, false, kDetail,
       "any tag of `acme/app`"},
      {kGitHub, "sub", "repo:acme/app:environment:*", kLike, true, true, false, false, kDetail,
       "any environment of `acme/app`"},
      {kGitHub, "sub", "repo:acme/app:ref:refs/heads/main", kExact, true, true, false, false, kDetail, ""},
      {kGitHub, "sub", "repo:acme/app", kExact, true, true, false, false, kDetail, ""},
      // GitHub immutable subjects: ids pin; `@` never starts a wildcard finding.
      {kGitHub, "sub", "repo:acme@123456/app@456789:ref:refs/heads/main", kExact, true, true, true, false, kDetail, ""},
      {kGitHub, "sub", "repo:acme@123456/app@456789:*", kLike, true, true, true, false, kDetail,
       "any branch, tag, environment or pull request of `acme@123456/app@456789`"},
      {kGitHub, "sub", "repo:acme@123456/*", kLike, true, true, true, false, kResource,
       "any repository of organisation `acme`"},
      {kGitHub, "sub", "repo:acme@*/app@*:ref:refs/heads/main", kLike, true, true, false, false, kTenantId,
       "`acme@*/app@*` whatever its ids"},
      // GitHub custom subject templates.
      {kGitHub, "sub", "repository_owner_id:65:repository_id:74", kExact, true, true, true, false, kDetail, ""},
      {kGitHub, "sub", "repository_owner:acme", kExact, true, true, false, false, kDetail, ""},
      {kGitHub, "sub", "repository_owner_id:*", kLike, true, false, false, true, kTenantId,
       "any repository of any GitHub organisation"},
      {kGitHub, "sub", "workflow:deploy", kExact, true, false, false, false, kDetail,
       "any repository of any GitHub organisation"},
      {kGitHub, "sub", "workflow:*", kLike, true, false, false, true, kTenant,
       "any repository of any GitHub organisation"},
      {kGitHub, "sub", "environment:prod:repo:acme/app", kExact, true, true, false, false, kDetail, ""},
      {kGitHub, "sub", "job_workflow_ref:acme/deploy/.github/workflows/d.yml@refs/heads/main", kExact, true, true,
       false, false, kDetail, ""},
      {kGitHub, "sub", "octocat", kExact, false, false, false, false, kDetail, ""},
      // Other GitHub claims.
      {kGitHub, "repository", "acme/*", kLike, true, true, false, false, kResource,
       "any repository of organisation `acme`"},
      {kGitHub, "repository", "*", kLike, true, false, false, true, kTenant,
       "any repository of any GitHub organisation"},
      {kGitHub, "repository_id", "74", kExact, true, true, true, false, kDetail, ""},
      // GitLab.com.
      {"https://gitlab.com", "sub", "project_path:*", kLike, true, false, false, true, kTenant,
       "any project of any GitLab.com group"},
      {"https://gitlab.com", "sub", "project_path:acme/*", kLike, true, true, false, false, kResource,
       "any project of group `acme`"},
      {"https://gitlab.com", "sub", "project_path:acme/app:ref_type:branch:ref:*", kLike, true, true, false, false,
       kDetail, "any branch of `acme/app`"},
      {"https://gitlab.com", "sub", "project_path:acme/app:*", kLike, true, true, false, false, kDetail,
       "any branch or tag of `acme/app`"},
      {"https://gitlab.com", "sub", "project_id:*", kLike, true, false, false, true, kResourceId,
       "any project of any GitLab.com group"},
      {"https://gitlab.com", "project_id", "42", kExact, true, true, true, false, kDetail, ""},
      // HCP Terraform.
      {"https://app.terraform.io", "sub", "organization:*:project:*:workspace:*:run_phase:*", kLike, true, false,
       false, true, kTenant, "any workspace of any HCP Terraform organisation"},
      {"https://app.terraform.io", "sub", "organization:acme:project:*:workspace:*:run_phase:*", kLike, true, true,
       false, false, kResource, "any workspace of organisation `acme`"},
      {"https://app.terraform.io", "sub", "organization:acme:*", kLike, true, true, false, false, kResource,
       "any workspace of organisation `acme`"},
      {"https://app.terraform.io", "sub", "organization:acme:project:*:workspace:prod:run_phase:apply", kLike, true,
       true, false, false, kResource, "workspace `prod` of any project of organisation `acme`"},
      {"https://app.terraform.io", "sub", "organization:acme:project:Default Project:workspace:ws:run_phase:*", kLike,
       true, true, false, false, kDetail,
       "any run phase of workspace `ws` of project `Default Project` of organisation `acme`"},
      // Per-tenant issuers: pinned by the issuer, wildcards stay inside.
      {"https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "sub", "system:serviceaccount:ns:*", kLike, true, true, false,
       false, kResource, "any service account of namespace `ns`"},
      {"https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "sub", "system:serviceaccount:*", kLike, true, true, false,
       false, kResource, "any service account of this cluster"},
      {"https://oidc.circleci.com/org/ORG", "sub", "org/ORG/project/*/user/*", kLike, true, true, true, false,
       kResourceId, "any project of organisation `ORG`"},
      {"https://oidc.circleci.com/org/ORG", "sub", "org/ORG/project/P/user/*", kLike, true, true, true, false, kDetail,
       "any user of project `P` of organisation `ORG`"},
      // Vault globs: `?` is a literal.
      {kGitHub, "sub", "repo:acme/app?", WildcardFlavor::kVault, true, true, false, false, kDetail, ""},
  };
  for (const ReadCase& c : cases) {
    const IssuerProfile* p = FindIssuerProfile(c.issuer);
    ASSERT_NE(p, nullptr) << c.issuer;
    Pattern pattern = Pattern::Compile(c.value, {c.flavor, false, true});
    ClaimReading r = ReadClaimPattern(*p, c.claim, pattern);
    SCOPED_TRACE(std::string(c.claim) + " " + c.value);
    EXPECT_EQ(r.recognised, c.recognised);
    EXPECT_EQ(r.tenant_pinned, c.tenant_pinned);
    EXPECT_EQ(r.pinned_by_id, c.pinned_by_id);
    EXPECT_EQ(r.open_before_tenant, c.open_before_tenant);
    if (r.has_wildcard) {
      EXPECT_EQ(static_cast<int>(r.open_level), static_cast<int>(c.open_level));
    }
    EXPECT_EQ(r.admits, c.admits);
  }
}

TEST(issuers_test, guesses_profiles_from_claim_names) {
  const IssuerProfile* p = GuessIssuerProfile({"project_id", "ref", "ref_type"});
  ASSERT_NE(p, nullptr);
  EXPECT_STREQ(p->id, "gitlab-com");
  p = GuessIssuerProfile({"repository"});
  ASSERT_NE(p, nullptr);
  EXPECT_STREQ(p->id, "github-actions");
  EXPECT_EQ(GuessIssuerProfile({"sub", "email"}), nullptr);
}

TEST(issuers_test, knows_multi_valued_claims) {
  EXPECT_TRUE(IsMultiValuedClaim("amr"));
  EXPECT_TRUE(IsMultiValuedClaim("aud"));
  EXPECT_FALSE(IsMultiValuedClaim("sub"));
}

}  // namespace
}  // namespace trustcheck
