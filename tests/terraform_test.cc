// Tests for the Terraform format (engine/src/formats/terraform.cc): the
// corpus modules under corpus/terraform/ evaluated against tokens, each
// resource type, unknowns that never accept and say why, `count` and
// `for_each`, policy documents, heredocs, tfvars, and every error and reason
// located at its line in the `.tf` file.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"
#include "formats/vault_role.h"
#include "test_support.h"

namespace trustcheck {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/terraform/";
constexpr int64_t kAt = 1632493600;

// Tokens in the shape of the issuers' documented examples.
std::string GitHubToken(const std::string& sub, const std::string& aud = "sts.amazonaws.com") {
  return fmt::format(R"({{"iss": "https://token.actions.githubusercontent.com", "aud": "{}", "sub": "{}",
    "repository": "octo-org/octo-repo", "repository_owner": "octo-org",
    "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567}})",
                     aud, sub);
}

std::string GitLabToken(const std::string& ref) {
  return fmt::format(R"({{"iss": "https://gitlab.example.com", "aud": "https://vault.example.com",
    "sub": "project_path:grp/app:ref_type:branch:ref:{0}", "project_id": "42", "ref": "{0}",
    "ref_type": "branch", "user_email": "dev@example.com",
    "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567}})",
                     ref);
}

Decision Eval(const Trust& trust, const std::string& token) { return testing::EvalToken(trust, token, kAt); }

// "decision: file:line:column: first reason", file relative to the corpus.
std::string Verdict(const Trust& trust, const std::string& token) {
  Decision d = Eval(trust, token);
  std::string out = d.accepted ? "accept" : "reject (" + std::string(OutcomeName(d.outcome)) + ")";
  if (!d.accepted && !d.reasons.empty()) {
    const Reason& r = d.reasons.front();
    std::string file = fs::path(r.loc.path()).filename().string();
    out += fmt::format(": {}:{}:{}: {}", file, r.loc.line, r.loc.column, r.message);
  }
  return out;
}

LoadResult LoadAll(const std::vector<std::string>& paths) { return testing::LoadPathsOrFail(paths); }
const Trust* Find(const LoadResult& r, const std::string& name) { return testing::FindTrust(r, name); }

// Loads one `.tf` text alone (its folder does not exist, so it has no
// siblings).
Result<LoadedFile> LoadTf(const std::string& text, bool malformed_is_error = true) {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return LoadText("/nonexistent-module/main.tf", text, options);
}

std::string DumpAll(const LoadedFile& f) {
  std::string out;
  for (const Trust& t : f.trusts) out += Dump(t) + "\n";
  return out;
}

// A module written to a fresh temporary folder.
class TempModule {
 public:
  explicit TempModule(const std::string& name) : dir_(fs::temp_directory_path() / ("trustcheck-tf-" + name)) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~TempModule() { fs::remove_all(dir_); }
  std::string Write(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file) << text;
    return (dir_ / file).string();
  }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

struct Case {
  std::string trust;
  std::string token;
  std::string expected;
};

// ---------------------------------------------------------------------------
// The corpus modules

TEST(Terraform, GitHubToAwsModule) {
  LoadResult r = LoadAll({kCorpus + "github-aws"});
  const std::string main = GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main");
  const std::string release = GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/release");
  const std::string prod = GitHubToken("repo:octo-org/octo-repo:environment:prod");
  const std::string fork = GitHubToken("repo:fork-org/octo-repo:ref:refs/heads/main");
  const std::string other_aud = GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main", "api://other");
  const std::vector<Case> cases = {
      {"github-deploy", main, "accept"},
      {"github-deploy", release, "accept"},
      {"github-deploy", prod,
       "reject (implicit deny): roles.tf:13:38: statement #1: condition `StringLike` on "
       "`token.actions.githubusercontent.com:sub` expects `repo:octo-org/octo-repo:ref:refs/heads/main` or "
       "`repo:octo-org/octo-repo:ref:refs/heads/release`; token `sub` is `repo:octo-org/octo-repo:environment:prod`"},
      // The provider's client ID list (provider.tf) is checked too.
      {"github-deploy", other_aud,
       "reject (implicit deny): provider.tf:5:3: statement #1: audience (OIDC provider client ID list) expects "
       "`sts.amazonaws.com`; token `aud` has `api://other`"},
      {"github-docs", main, "accept"},
      {"github-docs", release,
       "reject (implicit deny): documents.tf:22:20: statement `GitHubActions`: condition `StringEquals` on "
       "`token.actions.githubusercontent.com:sub` expects `repo:octo-org/octo-repo:ref:refs/heads/main`; token "
       "`sub` is `repo:octo-org/octo-repo:ref:refs/heads/release`"},
      {"github-heredoc", main, "accept"},
      {"github-heredoc", fork,
       "reject (implicit deny): roles.tf:41:15: statement #1: condition `StringEquals` on "
       "`token.actions.githubusercontent.com:sub` expects `repo:octo-org/octo-repo:ref:refs/heads/main`; token "
       "`sub` is `repo:fork-org/octo-repo:ref:refs/heads/main`"},
      // The environment is a variable without a default: never an accept.
      {"aws_iam_role.per_environment", prod,
       "reject (unknown): roles.tf:62:55: statement #1: cannot be decided: `var.environment` has no default"},
      // ...but a token no value of it could match is still refused.
      {"aws_iam_role.per_environment", main,
       "reject (implicit deny): roles.tf:62:55: statement #1: condition `StringEquals` on "
       "`token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/octo-repo:environment:${var.environment}`; token `sub` is "
       "`repo:octo-org/octo-repo:ref:refs/heads/main`"},
  };
  for (const Case& c : cases) {
    if (const Trust* t = Find(r, c.trust)) {
      EXPECT_EQ(Verdict(*t, c.token), c.expected) << c.trust << " " << c.token;
    }
  }
}

TEST(Terraform, TrustIdentityAndLocation) {
  LoadResult r = LoadAll({kCorpus + "github-aws/roles.tf"});
  const Trust* t = Find(r, "github-docs");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->platform, Platform::kAws);
  EXPECT_EQ(t->format, "terraform");
  EXPECT_EQ(t->kind, TrustKind::kRole);
  EXPECT_EQ(fmt::format("{}:{}", fs::path(t->loc.path()).filename().string(), t->loc.line), "roles.tf:21");
  ASSERT_NE(t->Label("address"), nullptr);
  EXPECT_EQ(*t->Label("address"), "aws_iam_role.docs");
  EXPECT_EQ(*t->Label("role-name"), "github-docs");
  // A file named alone still sees its folder: the document lives in
  // documents.tf and the provider in provider.tf.
  EXPECT_EQ(Dump(*t),
            "(trust aws \"github-docs\" (allow (and (test iss eq [\"https://token.actions.githubusercontent.com\"]) "
            "(test $action like-fold [\"sts:AssumeRoleWithWebIdentity\"]) (and (test aud eq [\"sts.amazonaws.com\"] "
            "@token.actions.githubusercontent.com) (test sub eq [\"repo:octo-org/octo-repo:ref:refs/heads/main\"] "
            "@token.actions.githubusercontent.com)))))");
}

TEST(Terraform, EntraCredentials) {
  LoadResult r = LoadAll({kCorpus + "entra"});
  const std::string prod = GitHubToken("repo:octo-org/octo-repo:environment:prod", "api://AzureADTokenExchange");
  const std::string dev = GitHubToken("repo:octo-org/octo-repo:environment:dev", "api://AzureADTokenExchange");
  const std::string worker = R"({"iss": "https://oidc.prod-aks.azure.com/tenant/issuer/", "aud":
    "api://AzureADTokenExchange", "sub": "system:serviceaccount:apps:worker", "exp": 1632493867})";
  const std::vector<Case> cases = {
      {"github-prod", prod, "accept"},
      {"github-prod", dev,
       "reject (implicit deny): credentials.tf:9:20: statement `github-prod`: subject expects "
       "`repo:octo-org/octo-repo:environment:prod`; token `sub` has `repo:octo-org/octo-repo:environment:dev`"},
      // The cluster's issuer is known only after apply.
      {"aks-workload", worker,
       "reject (unknown): credentials.tf:19:25: statement `aks-workload`: cannot be decided: "
       "`azurerm_kubernetes_cluster.aks.oidc_issuer_url` is computed at apply time"},
  };
  for (const Case& c : cases) {
    if (const Trust* t = Find(r, c.trust)) {
      EXPECT_EQ(Verdict(*t, c.token), c.expected) << c.trust;
    }
  }
}

TEST(Terraform, VaultRoleLinkedToItsBackend) {
  LoadResult r = LoadAll({kCorpus + "vault"});
  const Trust* t = Find(r, "deploy");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->facts.vault.has_value());
  EXPECT_EQ(t->facts.vault->mount, "jwt");
  EXPECT_EQ(Verdict(*t, GitLabToken("main")), "accept");
  // `ref = "main, release/*"` is two alternatives (the provider splits on commas).
  EXPECT_EQ(Verdict(*t, GitLabToken("release/1.2")), "accept");
  EXPECT_EQ(Verdict(*t, GitLabToken("feature/x")),
            "reject (implicit deny): jwt.tf:19:18: statement `deploy`: bound claim `ref` (glob) expects `main` or "
            "`release/*`; token `ref` has `feature/x`");
  // The backend's bound_issuer is checked.
  std::string other = GitLabToken("main");
  other.replace(other.find("gitlab.example.com"), 18, "gitlab.evil.test");
  EXPECT_EQ(Verdict(*t, other),
            "reject (implicit deny): jwt.tf:6:24: statement `deploy`: issuer (bound_issuer) expects "
            "`https://gitlab.example.com`; token `iss` has `https://gitlab.evil.test`");
}

TEST(Terraform, GcpWorkloadIdentityProviders) {
  LoadResult r = LoadAll({kCorpus + "gcp"});
  auto token = [](const std::string& aud, const std::string& owner = "octo-org",
                  const std::string& ref = "refs/heads/main") {
    std::string t = GitHubToken("repo:" + owner + "/octo-repo:ref:" + ref, aud);
    t.replace(t.find("\"repository_owner\": \"octo-org\""), 30,
              "\"repository_owner\": \"" + owner + "\", \"ref\": \"" + ref + "\"");
    return t;
  };
  const std::string org_aud = "https://github.com/octo-org";
  const std::string numbered_aud =
      "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/providers/numbered";
  const std::string default_aud =
      "//iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/github/providers/default-audience";
  const std::vector<Case> cases = {
      // allowed_audiences and a condition on a mapped attribute (`var.github_org` has a default).
      {"github-actions", token(org_aud), "accept"},
      {"github-actions", token(org_aud, "evil-org"),
       "reject (implicit deny): providers.tf:10:53: statement `github-actions`: condition `==` on `repository_owner` "
       "expects `\"octo-org\"`; token `repository_owner` has `\"evil-org\"`"},
      {"github-actions", token("sts.amazonaws.com"),
       "reject (implicit deny): providers.tf:13:25: statement `github-actions`: audience (allowedAudiences) expects "
       "`https://github.com/octo-org`; token `aud` has `sts.amazonaws.com`"},
      // No allowed_audiences: the resource name is the audience, and its
      // project number is known only after apply. A token naming another
      // provider is still refused.
      {"default-audience", token(default_aud),
       "reject (unknown): providers.tf:20:40: statement `default-audience`: cannot be decided: the project number of "
       "`google_iam_workload_identity_pool_provider.default_audience` is known only after apply"},
      {"default-audience", token(numbered_aud),
       "reject (implicit deny): providers.tf:20:40: statement `default-audience`: audience (default audience) expects "
       "`//iam.googleapis.com/projects/${project_number}/locations/global/workloadIdentityPools/github/providers/"
       "default-audience` or `https://iam.googleapis.com/projects/${project_number}/locations/global/"
       "workloadIdentityPools/github/providers/default-audience`; token `aud` has `" +
           numbered_aud + "`"},
      // A project number in `project`: the default audience is known; the
      // heredoc condition is located in the heredoc.
      {"numbered", token(numbered_aud), "accept"},
      {"numbered", token(numbered_aud, "octo-org", "refs/heads/dev"),
       "reject (implicit deny): providers.tf:41:59: statement `numbered`: condition `==` on `ref` expects "
       "`\"refs/heads/main\"`; token `ref` has `\"refs/heads/dev\"`"},
      // A condition that reads a variable without a default.
      {"per-ref", token(org_aud),
       "reject (unknown): providers.tf:53:40: statement `per-ref`: cannot be decided: `var.allowed_ref` has no "
       "default"},
      // The pool it belongs to is disabled.
      {"retired", token(org_aud),
       "reject (implicit deny): pools.tf:8:31: statement `retired`: pool `google_iam_workload_identity_pool.retired` "
       "is disabled"},
  };
  for (const Case& c : cases) {
    if (const Trust* t = Find(r, c.trust)) {
      EXPECT_EQ(Verdict(*t, c.token), c.expected) << c.trust << " " << c.token;
    }
  }
  const Trust* t = Find(r, "github-actions");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->platform, Platform::kGcp);
  EXPECT_EQ(t->format, "terraform");
  EXPECT_EQ(fmt::format("{}:{}", fs::path(t->loc.path()).filename().string(), t->loc.line), "providers.tf:2");
  EXPECT_EQ(*t->Label("address"), "google_iam_workload_identity_pool_provider.github");
  EXPECT_EQ(*t->Label("pool"), "github");
  EXPECT_EQ(*t->Label("resource_name"),
            "projects/${project_number}/locations/global/workloadIdentityPools/github/providers/github-actions");
  EXPECT_EQ(*t->Label("attribute_condition"), "attribute.repository_owner == 'octo-org'");
}

TEST(Terraform, GcpProviderUnknownsNeverAccept) {
  const std::string aud = "https://github.com/octo-org";
  const std::string token = GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main", aud);
  const std::string head = R"(resource "google_iam_workload_identity_pool_provider" "p" {
  workload_identity_pool_id          = "pool"
  workload_identity_pool_provider_id = "p"
)";
  const std::vector<Case> cases = {
      {head + R"(  attribute_mapping = { "google.subject" = "assertion.sub" }
  oidc {
    issuer_uri        = var.issuer
    allowed_audiences = ["https://github.com/octo-org"]
  }
}
)",
       token,
       "reject (unknown): main.tf:6:25: statement `p`: cannot be decided: `var.issuer` is not declared"},
      // A partly known issuer still refuses other issuers' tokens.
      {head + R"(  attribute_mapping = { "google.subject" = "assertion.sub" }
  oidc {
    issuer_uri        = "https://gitlab.${var.domain}"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}
)",
       token,
       "reject (implicit deny): main.tf:6:25: statement `p`: issuer (issuerUri) expects `https://gitlab.${var.domain}`; "
       "token `iss` has `https://token.actions.githubusercontent.com`"},
      // A partly known audience still refuses tokens outside it.
      {head + R"(  attribute_mapping = { "google.subject" = "assertion.sub" }
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/${var.org}"]
  }
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main", "sts.amazonaws.com"),
       "reject (implicit deny): main.tf:7:25: statement `p`: audience (allowedAudiences) expects "
       "`https://github.com/${var.org}`; token `aud` has `sts.amazonaws.com`"},
      {head + R"(  attribute_mapping = { "google.subject" = "assertion.sub" }
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/${var.org}"]
  }
}
)",
       token, "reject (unknown): main.tf:7:25: statement `p`: cannot be decided: `var.org` is not declared"},
      // An unknown mapping: a condition on the attribute cannot be decided.
      {head + R"(  attribute_mapping = {
    "google.subject"             = "assertion.sub"
    "attribute.repository_owner" = local.owner_claim
  }
  attribute_condition = "attribute.repository_owner == 'octo-org'"
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}
)",
       token,
       "reject (unknown): main.tf:6:36: statement `p`: cannot be decided: `local.owner_claim` is not defined"},
      {head + R"(  attribute_mapping = var.mapping
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}
)",
       token, "reject (unknown): main.tf:4:23: statement `p`: cannot be decided: `var.mapping` is not declared"},
      {head + R"(  attribute_mapping = { "google.subject" = "assertion.sub" }
  disabled          = var.disabled
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}
)",
       token, "reject (unknown): main.tf:5:23: statement `p`: cannot be decided: `var.disabled` is not declared"},
  };
  for (const Case& c : cases) {
    Result<LoadedFile> f = LoadTf(c.trust);
    ASSERT_TRUE(f.ok()) << f.status().ToString() << "\n" << c.trust;
    ASSERT_EQ(f->trusts.size(), 1u) << c.trust;
    EXPECT_EQ(Verdict(f->trusts[0], c.token), c.expected) << c.trust;
    EXPECT_EQ(DumpAll(*f).find("@@unknown"), std::string::npos) << DumpAll(*f);
    bool unresolved = false;
    for (const LoweringNote& n : f->trusts[0].notes) {
      EXPECT_EQ(n.message.find("@@unknown"), std::string::npos) << n.message;
      EXPECT_NE(n.kind, LoweringNote::Kind::kMalformed) << n.message;
      unresolved |= n.kind == LoweringNote::Kind::kUnresolved;
    }
    EXPECT_TRUE(unresolved) << "lint must be told what it could not verify: " << c.trust;
  }
}

TEST(Terraform, GcpProviderOfOtherCredentialsAndErrors) {
  Result<LoadedFile> aws = LoadTf(R"(resource "google_iam_workload_identity_pool_provider" "p" {
  workload_identity_pool_id          = "pool"
  workload_identity_pool_provider_id = "aws"
  aws {
    account_id = "999999999999"
  }
}
)");
  ASSERT_TRUE(aws.ok()) << aws.status().ToString();
  ASSERT_EQ(aws->trusts.size(), 1u);
  EXPECT_EQ(Verdict(aws->trusts[0], GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main")),
            "reject (implicit deny): main.tf:4:3: statement `aws`: provider `aws` accepts AWS credentials, not OIDC "
            "tokens");
  // What Google refuses is an error in eval, located in the `.tf` file.
  Result<LoadedFile> bad = LoadTf(R"(resource "google_iam_workload_identity_pool_provider" "p" {
  workload_identity_pool_id          = "pool"
  workload_identity_pool_provider_id = "p"
  attribute_mapping                  = { "google.subject" = "assertion.sub" }
  attribute_condition                = "assertion.ref == 'main' &&"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(),
            "/nonexistent-module/main.tf:5:67: error: expected an expression, found end of expression");
}

// ---------------------------------------------------------------------------
// Unknowns

TEST(Terraform, UnknownsNeverAcceptAndLeaveNoPlaceholder) {
  const std::vector<Case> cases = {
      // Vault: an unknown user claim is neither malformed nor absent.
      {R"(variable "claim" {}
resource "vault_jwt_auth_backend_role" "r" {
  role_name       = "r"
  role_type       = "jwt"
  user_claim      = var.claim
  bound_audiences = ["sts.amazonaws.com"]
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main"),
       "reject (unknown): main.tf:5:21: statement `r`: cannot be decided: `var.claim` has no default"},
      // Vault: unknown audiences and an unknown bound claims map.
      {R"(resource "vault_jwt_auth_backend_role" "r" {
  role_name       = "r"
  role_type       = "jwt"
  user_claim      = "sub"
  bound_audiences = local.auds
  bound_claims    = local.claims
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main"),
       "reject (unknown): main.tf:5:21: statement `r`: cannot be decided: `local.auds` is not defined"},
      // Vault: an unknown role type guards the statement.
      {R"(resource "vault_jwt_auth_backend_role" "r" {
  role_name       = "r"
  role_type       = each.value
  user_claim      = "sub"
  bound_audiences = ["sts.amazonaws.com"]
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main"),
       "reject (unknown): main.tf:3:21: statement `r`: cannot be decided: `each.value` depends on the resource "
       "instance"},
      // Entra: an unknown subject.
      {R"(resource "azuread_application_federated_identity_credential" "c" {
  application_id = "x"
  display_name   = "cred"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:octo-org/${var.repo}:environment:prod"
}
)",
       GitHubToken("repo:octo-org/octo-repo:environment:prod", "api://AzureADTokenExchange"),
       "reject (unknown): main.tf:6:20: statement `cred`: cannot be decided: `var.repo` is not declared"},
      // AWS: a whole statement list from a variable.
      {R"(variable "statements" {}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = var.statements })
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main"),
       "reject (unknown): main.tf:4:73: statement #1: cannot be decided: `var.statements` has no default"},
      // AWS: a heredoc whose unknown part is not inside a JSON string.
      {R"(variable "statements" {}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = <<EOF
{"Version": "2012-10-17", "Statement": ${var.statements}}
EOF
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main"),
       "reject (unknown): main.tf:4:24: statement #1: cannot be decided: `var.statements` has no default"},
      // AWS: a count that depends on a variable.
      {R"(variable "enabled" {}
resource "aws_iam_role" "r" {
  count = var.enabled ? 1 : 0
  name  = "r"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRoleWithWebIdentity",
    Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" } }] })
}
)",
       GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main"),
       "reject (unknown): main.tf:3:11: statement #1: cannot be decided: whether `aws_iam_role.r` exists is "
       "unknown: `var.enabled` has no default"},
  };
  for (const Case& c : cases) {
    Result<LoadedFile> f = LoadTf(c.trust);
    ASSERT_TRUE(f.ok()) << f.status().ToString() << "\n" << c.trust;
    ASSERT_EQ(f->trusts.size(), 1u) << c.trust;
    EXPECT_EQ(Verdict(f->trusts[0], c.token), c.expected) << c.trust;
    EXPECT_EQ(DumpAll(*f).find("@@unknown"), std::string::npos) << DumpAll(*f);
    for (const LoweringNote& n : f->trusts[0].notes) {
      EXPECT_EQ(n.message.find("@@unknown"), std::string::npos) << n.message;
      EXPECT_NE(n.kind, LoweringNote::Kind::kMalformed) << n.message;
    }
    bool unresolved = false;
    for (const LoweringNote& n : f->trusts[0].notes) unresolved |= n.kind == LoweringNote::Kind::kUnresolved;
    EXPECT_TRUE(unresolved) << "lint must be told what it could not verify: " << c.trust;
  }
}

// ---------------------------------------------------------------------------
// Instances, documents, module

constexpr const char* kRoleTemplate = R"(resource "aws_iam_role" "r" {
  %s
  name = "role-${%s}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:octo-org/%s:ref:refs/heads/main" } }
    }]
  })
}
)";

std::string Role(const std::string& meta, const std::string& suffix, const std::string& repo) {
  std::string out = kRoleTemplate;
  for (const std::string& part : {meta, suffix, repo}) out.replace(out.find("%s"), 2, part);
  return out;
}

TEST(Terraform, CountAndForEach) {
  struct InstanceCase {
    std::string meta, suffix, repo;
    std::vector<std::string> names;
  };
  const std::vector<InstanceCase> cases = {
      {"count = 0", "count.index", "a", {}},
      {"count = 2", "count.index", "repo-${count.index}", {"role-0", "role-1"}},
      {"for_each = toset([\"web\", \"api\"])", "each.key", "${each.value}", {"role-api", "role-web"}},
      {"for_each = { web = \"octo-web\" }", "each.key", "${each.value}", {"role-web"}},
  };
  for (const InstanceCase& c : cases) {
    Result<LoadedFile> f = LoadTf(Role(c.meta, c.suffix, c.repo));
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    std::vector<std::string> names;
    for (const Trust& t : f->trusts) names.push_back(t.name);
    EXPECT_EQ(names, c.names) << c.meta;
  }
  Result<LoadedFile> each = LoadTf(Role("for_each = { web = \"octo-web\" }", "each.key", "${each.value}"));
  ASSERT_TRUE(each.ok());
  EXPECT_EQ(*each->trusts[0].Label("address"), "aws_iam_role.r[\"web\"]");
  EXPECT_EQ(Verdict(each->trusts[0], GitHubToken("repo:octo-org/octo-web:ref:refs/heads/main")), "accept");
  Result<LoadedFile> counted = LoadTf(Role("count = 2", "count.index", "repo-${count.index}"));
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(Verdict(counted->trusts[1], GitHubToken("repo:octo-org/repo-1:ref:refs/heads/main")), "accept");
  EXPECT_NE(Verdict(counted->trusts[0], GitHubToken("repo:octo-org/repo-1:ref:refs/heads/main")), "accept");
}

TEST(Terraform, PolicyDocuments) {
  const std::string prefix = R"(resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
data "aws_iam_policy_document" "base" {
  statement {
    sid     = "Web"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:octo-org/*"]
    }
  }
}
)";
  struct DocCase {
    std::string document;
    std::string expected_main;
  };
  const std::vector<DocCase> cases = {
      // A source document's statement with the same Sid is replaced.
      {R"(data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid     = "Web"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:octo-org/other:ref:refs/heads/main"]
    }
  }
}
)",
       "reject (implicit deny): main.tf:32:18: statement `Web`: condition `StringEquals` on "
       "`token.actions.githubusercontent.com:sub` expects `repo:octo-org/other:ref:refs/heads/main`; token `sub` is "
       "`repo:octo-org/octo-repo:ref:refs/heads/main`"},
      // Statements of a source document are kept.
      {R"(data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
}
)",
       "accept"},
      // An explicit Deny overrides.
      {R"(data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    effect  = "Deny"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
)",
       "reject (explicit deny): main.tf:22:3: denied by statement #2"},
      // Principal identifiers that are unknown.
      {R"(data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.provider_arn]
    }
  }
}
)",
       "reject (unknown): main.tf:25:22: statement #1: cannot be decided: `var.provider_arn` is not declared"},
      // A dynamic statement over an unknown collection.
      {R"(data "aws_iam_policy_document" "trust" {
  dynamic "statement" {
    for_each = var.repos
    content {
      actions = ["sts:AssumeRoleWithWebIdentity"]
    }
  }
}
)",
       "reject (unknown): main.tf:21:3: statement #1: cannot be decided: `var.repos` is not declared"},
  };
  for (const DocCase& c : cases) {
    Result<LoadedFile> f = LoadTf(prefix + c.document);
    ASSERT_TRUE(f.ok()) << f.status().ToString() << "\n" << c.document;
    ASSERT_EQ(f->trusts.size(), 1u);
    EXPECT_EQ(Verdict(f->trusts[0], GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main")), c.expected_main)
        << c.document;
  }
}

TEST(Terraform, ModuleFilesTfvarsAndBrokenSiblings) {
  TempModule m("module");
  m.Write("variables.tf", "variable \"repo\" {}\nlocals { org = \"octo-org\" }\n");
  m.Write("terraform.tfvars", "repo = \"octo-repo\"\n");
  m.Write("broken.tf", "resource \"x\" {\n");  // reported when loaded itself, not here
  std::string role = Role("", "local.org", "${var.repo}");
  role.replace(role.find("octo-org/"), 9, "${local.org}/");
  std::string main = m.Write("main.tf", role);
  LoadResult r = [&] {
    LoadOptions options;
    auto loaded = LoadPaths({main}, options);
    EXPECT_TRUE(loaded.ok());
    return std::move(*loaded);
  }();
  ASSERT_EQ(r.errors.size(), 0u);
  const Trust* t = Find(r, "role-octo-org");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(Verdict(*t, GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main")), "accept");
  // The folder as a whole: the broken file is an error of its own.
  LoadOptions options;
  auto folder = LoadPaths({m.path()}, options);
  ASSERT_TRUE(folder.ok());
  ASSERT_EQ(folder->errors.size(), 1u);
  const Status& error = folder->errors[0];
  EXPECT_EQ(fmt::format("{}:{}:{}: {}", fs::path(error.loc().path()).filename().string(), error.loc().line,
                        error.loc().column, error.message()),
            "broken.tf:1:1: block `resource` is not closed by `}`");
}

// ---------------------------------------------------------------------------
// Module calls: local sources, installed registry modules (modules.json),
// arguments bound to the module's variables, outputs back to the caller,
// count/for_each on the call, templatefile and file, and a called folder
// judged once, as called.

// A role module in the shape of the popular GitHub OIDC role modules.
constexpr const char* kRoleModule = R"(variable "name" { type = string }
variable "subjects" { type = list(string) }
variable "audience" { default = "sts.amazonaws.com" }
data "aws_caller_identity" "current" {}
locals {
  provider_arn = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"
}
resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.provider_arn }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = var.audience }
        StringLike   = { "token.actions.githubusercontent.com:sub" = [for s in var.subjects : "repo:${s}"] }
      }
    }]
  })
}
output "provider_arn" { value = local.provider_arn }
)";

std::string Context(const Trust& t) { return t.context; }

TEST(Terraform, ModuleCalls) {
  TempModule m("calls");
  fs::create_directories(fs::path(m.path()) / "modules" / "role");
  fs::create_directories(fs::path(m.path()) / ".terraform" / "modules" / "registry" / "modules" / "role");
  m.Write("modules/role/main.tf", kRoleModule);
  m.Write(".terraform/modules/registry/modules/role/main.tf", kRoleModule);
  m.Write(".terraform/modules/modules.json",
          R"({"Modules": [{"Key": "", "Source": "", "Dir": "."},
            {"Key": "registry", "Source": "registry.terraform.io/acme/role/aws//modules/role", "Dir": ".terraform/modules/registry/modules/role"}]})");
  m.Write("main.tf", R"(module "deploy" {
  source   = "./modules/role"
  name     = "deploy"
  subjects = ["octo-org/octo-repo:ref:refs/heads/main"]
}
module "per_env" {
  source   = "./modules/role"
  for_each = toset(["staging", "prod"])
  name     = "env-${each.key}"
  subjects = ["octo-org/octo-repo:environment:${each.key}"]
}
module "registry" {
  source   = "acme/role/aws//modules/role"
  name     = "registry"
  subjects = ["octo-org/*"]
}
module "not_installed" {
  source = "acme/other/aws"
}
resource "aws_iam_role" "direct" {
  name = "direct"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = { Federated = module.deploy.provider_arn },
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:octo-org/octo-repo:*" } } }]
  })
}
)");
  LoadResult r = LoadAll({m.path()});
  std::vector<std::string> names;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) names.push_back(t.name + " " + Context(t));
  std::sort(names.begin(), names.end());
  // The module folder read on its own (every variable unknown) is dropped:
  // each role is judged once per call, as called.
  EXPECT_EQ(names, (std::vector<std::string>{"deploy `module.deploy` (called at main.tf:1)", "direct ",
                                             "env-prod `module.per_env[\"prod\"]` (called at main.tf:6)",
                                             "env-staging `module.per_env[\"staging\"]` (called at main.tf:6)",
                                             "registry `module.registry` (called at main.tf:12)"}));
  const Trust* deploy = Find(r, "deploy");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(fs::path(deploy->loc.path()).filename(), "main.tf");
  EXPECT_NE(deploy->loc.path().find("modules/role"), std::string::npos);
  EXPECT_EQ(Verdict(*deploy, GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main")), "accept");
  EXPECT_EQ(Verdict(*deploy, GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/dev")).substr(0, 22),
            "reject (implicit deny)");
  const Trust* prod = Find(r, "env-prod");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(Verdict(*prod, GitHubToken("repo:octo-org/octo-repo:environment:prod")), "accept");
  EXPECT_NE(Verdict(*prod, GitHubToken("repo:octo-org/octo-repo:environment:staging")), "accept");
  const Trust* registry = Find(r, "registry");
  ASSERT_NE(registry, nullptr);
  EXPECT_EQ(Verdict(*registry, GitHubToken("repo:octo-org/anything:ref:refs/heads/x")), "accept");
  // The output of a called module is known to the caller.
  const Trust* direct = Find(r, "direct");
  ASSERT_NE(direct, nullptr);
  EXPECT_EQ(Verdict(*direct, GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main")), "accept");
  // A module not on disk says so, located at its call.
  bool noted = false;
  for (const LoadedFile& f : r.files)
    for (const LoweringNote& n : f.notes)
      if (n.message.find("module `not_installed` (source `acme/other/aws`) is not installed") == 0) {
        EXPECT_EQ(n.loc.line, 17u);
        noted = true;
      }
  EXPECT_TRUE(noted);
}

TEST(Terraform, ModuleCallCycleIsALocatedError) {
  TempModule m("cycle");
  m.Write("main.tf", "module \"self\" {\n  source = \"./\"\n}\n");
  auto r = LoadPaths({m.path() + "/main.tf"}, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].loc().line, 1u);
  EXPECT_NE(r->errors[0].message().find("module `self` calls"), std::string::npos) << r->errors[0].ToString();
}

TEST(Terraform, TemplatefileAndFileRenderTheirPolicies) {
  TempModule m("templatefile");
  m.Write("trust.json.tpl", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::${account_id}:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": [
    %{ for i, s in subjects ~}
    "repo:${s}"%{ if i < length(subjects) - 1 },%{ endif }
    %{ endfor ~}
  ]}}}]}
)");
  m.Write("plain.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/plain:ref:refs/heads/main"}}}]})");
  m.Write("main.tf", R"(resource "aws_iam_role" "rendered" {
  name = "rendered"
  assume_role_policy = templatefile("${path.module}/trust.json.tpl", {
    account_id = "123456789012"
    subjects   = ["octo-org/octo-repo:ref:refs/heads/main", "octo-org/tools:*"]
  })
}
resource "aws_iam_role" "file" {
  name               = "file"
  assume_role_policy = file("plain.json")
}
)");
  LoadResult r = LoadAll({m.path() + "/main.tf"});
  const Trust* rendered = Find(r, "rendered");
  ASSERT_NE(rendered, nullptr);
  EXPECT_EQ(Verdict(*rendered, GitHubToken("repo:octo-org/tools:ref:refs/heads/x")), "accept");
  EXPECT_NE(Verdict(*rendered, GitHubToken("repo:octo-org/other:ref:refs/heads/main")), "accept");
  const Trust* file = Find(r, "file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(Verdict(*file, GitHubToken("repo:octo-org/plain:ref:refs/heads/main")), "accept");
}

TEST(Terraform, CommandLineVariables) {
  TempModule m("vars");
  m.Write("main.tf", R"(variable "subjects" { type = list(string) }
variable "org" {}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = [for s in var.subjects : "repo:${var.org}/${s}"] } } }]
  })
}
)");
  std::string var_file = m.Write("prod.tfvars", "org = \"octo-org\"\nsubjects = [\"wrong\"]\n");
  LoadOptions options;
  options.terraform_var_files = {var_file};
  options.terraform_variables = {{"subjects", R"(["octo-repo:*"])"}};  // --var wins over --var-file
  LoadResult r = testing::LoadPathsOrFail({m.path() + "/main.tf"}, options);
  const Trust* t = Find(r, "r");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(Verdict(*t, GitHubToken("repo:octo-org/octo-repo:ref:refs/heads/main")), "accept");
  options.terraform_var_files = {m.path() + "/missing.tfvars"};
  auto missing = LoadPaths({m.path() + "/main.tf"}, options);
  ASSERT_TRUE(missing.ok());
  ASSERT_EQ(missing->errors.size(), 1u);
  EXPECT_NE(missing->errors[0].ToString().find("missing.tfvars"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Errors

TEST(Terraform, ErrorsAreLocatedInTheTfFile) {
  const std::vector<Case> cases = {
      {"resource \"aws_iam_role\" \"r\" {\n  name = \"r\n}\n", "",
       "/nonexistent-module/main.tf:2:10: error: quoted string is not closed on its line (use a heredoc for text "
       "spanning lines)"},
      {"resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\n", "",
       "/nonexistent-module/main.tf:1:1: error: `aws_iam_role.r` has no `assume_role_policy`"},
      {"resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = <<EOF\n{\n  \"Version\": \"2012-10-17\",\n"
       "  \"Statement\": [}\nEOF\n}\n",
       "",
       "/nonexistent-module/main.tf:5:17: error: invalid JSON in the `assume_role_policy` of `aws_iam_role.r`: "
       "syntax error: value, object or array expected"},
      {"resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = { Version = 1 }\n}\n", "",
       "/nonexistent-module/main.tf:2:24: error: the `assume_role_policy` of `aws_iam_role.r` must be a JSON string, "
       "not an object"},
      {"resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({ Statement = [1 + \"x\"] })\n}\n", "",
       "/nonexistent-module/main.tf:2:54: error: `+` needs a number, not the string `x`"},
      {"resource \"aws_iam_role\" \"r\" {\n  count = -1\n  assume_role_policy = \"{}\"\n}\n", "",
       "/nonexistent-module/main.tf:2:11: error: `count` must be a whole number"},
      // IAM's own grammar, located at the line of the jsonencode argument.
      {"resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({\n    Version = \"2012-10-17\"\n"
       "    Statement = [{ Effect = \"Maybe\", Action = \"sts:AssumeRoleWithWebIdentity\", Principal = \"*\" }]\n"
       "  })\n}\n",
       "",
       "/nonexistent-module/main.tf:4:29: error: `Effect` must be `Allow` or `Deny`, not `Maybe`"},
  };
  for (const Case& c : cases) {
    Result<LoadedFile> f = LoadTf(c.trust);
    ASSERT_FALSE(f.ok()) << c.trust;
    EXPECT_EQ(f.status().ToString(), c.expected) << c.trust;
  }
}

TEST(Terraform, FilesWithoutTrustsLoadEmpty) {
  Result<LoadedFile> f = LoadTf("variable \"x\" { default = 1 }\nresource \"aws_s3_bucket\" \"b\" {}\n");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->format, "terraform");
  EXPECT_TRUE(f->trusts.empty());
  EXPECT_TRUE(f->facts.empty());
}

TEST(Terraform, ProviderFacts) {
  Result<LoadedFile> f = LoadTf(R"(resource "aws_iam_openid_connect_provider" "gh" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com", var.extra]
}
resource "vault_jwt_auth_backend" "b" {
  path         = "gitlab"
  bound_issuer = var.issuer
}
)");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->facts.size(), 2u);
  std::vector<std::string> values;
  for (const LoadedFile::Fact& fact : f->facts) {
    for (const auto& [k, v] : fact.values)
      values.push_back(fmt::format("{} {} {}={}", FactKindName(fact.kind), fact.key, k, v));
    for (const auto& [k, why] : fact.unknown)
      values.push_back(fmt::format("{} {} {} unknown: {}", FactKindName(fact.kind), fact.key, k, why));
  }
  EXPECT_NE(std::find(values.begin(), values.end(),
                      "vault-jwt-config gitlab bound_issuer unknown: `var.issuer` is not declared"),
            values.end())
      << fmt::format("{}", fmt::join(values, "\n"));
  EXPECT_EQ(f->facts[0].kind, LoadedFile::Fact::Kind::kAwsOidcProvider);
  EXPECT_EQ(f->facts[0].key, "token.actions.githubusercontent.com");
  EXPECT_EQ(f->facts[0].loc.line, 3u);
}

// A role of a mount whose `bound_issuer` is unknown is undecided: never an
// accept without an issuer check, never a reject that blames the token.
TEST(Terraform, UnknownVaultIssuerLeavesTheRoleUndecided) {
  Result<LoadedFile> f = LoadTf(R"(resource "vault_jwt_auth_backend" "b" {
  path         = "gitlab"
  bound_issuer = var.issuer
}
resource "vault_jwt_auth_backend_role" "r" {
  backend         = "gitlab"
  role_name       = "deploy"
  role_type       = "jwt"
  user_claim      = "sub"
  bound_audiences = ["https://vault.example.com"]
}
)");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 1u);
  const LoadedFile::Fact* config = &f->facts.front();
  vault::LinkAuthConfig({config}, &f->trusts[0]);
  Decision d = Eval(f->trusts[0], GitLabToken("main"));
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.outcome, Outcome::kUnknown);
  std::vector<std::string> reasons;
  for (const Reason& r : d.reasons) reasons.push_back(r.message);
  EXPECT_NE(std::find(reasons.begin(), reasons.end(),
                      "statement `deploy`: cannot be decided: the auth config's `bound_issuer` is unknown: `var.issuer` is not declared"),
            reasons.end())
      << fmt::format("{}", fmt::join(reasons, "\n"));
}

// IAM returns an OIDC provider's URL without its scheme, and the AWS provider
// stores `url` as read back: `${aws_iam_openid_connect_provider.x.url}:sub`
// is the condition key `token.actions.githubusercontent.com:sub`.
TEST(Terraform, ProviderUrlIsTheConditionKeyPrefix) {
  Result<LoadedFile> f = LoadTf(R"(
resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = {
        "${aws_iam_openid_connect_provider.github.url}:aud" = "sts.amazonaws.com"
        "${aws_iam_openid_connect_provider.github.url}:sub" = "repo:acme/app:ref:refs/heads/main"
      } }
    }]
  })
})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 1u);
  EXPECT_NE(Dump(f->trusts[0]).find("@token.actions.githubusercontent.com"), std::string::npos) << Dump(f->trusts[0]);
  Decision main = testing::EvalToken(
      f->trusts[0],
      R"({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
          "sub": "repo:acme/app:ref:refs/heads/main", "exp": 1767229200})",
      1767225600);
  EXPECT_TRUE(main.accepted) << main.outcome;
  Decision other = testing::EvalToken(
      f->trusts[0],
      R"({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
          "sub": "repo:acme/other:ref:refs/heads/main", "exp": 1767229200})",
      1767225600);
  EXPECT_FALSE(other.accepted);
}

}  // namespace
}  // namespace trustcheck
