// Tests for `terraform show -json` plans and states
// (engine/src/formats/terraform_plan.cc): resources from planned_values and
// nested child modules, the role identity, policies located inside their
// JSON string, values known only after apply (after_unknown) as explicit
// unknowns, the OIDC provider's client-ID list, and located errors.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "formats/aws_oidc_provider.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

const std::string kCorpus = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/terraform-plan/";

constexpr const char* kGitHubMain = R"({
  "iss": "https://token.actions.githubusercontent.com",
  "aud": "sts.amazonaws.com",
  "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
  "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567
})";
constexpr int64_t kAt = 1632493000;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Decision Eval(const Trust& trust, const std::string& token) {
  auto decoded = DecodeToken(token, "token.json");
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  EvalOptions options;
  options.now = kAt;
  return Evaluate(trust, decoded->claims, options);
}

std::string Where(const SourceLoc& loc) { return fmt::format("{}:{}", loc.line, loc.column); }

std::vector<std::string> Reasons(const Decision& d) {
  std::vector<std::string> out;
  for (const Reason& r : d.reasons) out.push_back(Where(r.loc) + ": " + r.message);
  return out;
}

TEST(TerraformPlan, BundledPlan) {
  auto r = LoadPaths({kCorpus + "github-oidc.plan.json"}, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].ToString();
  ASSERT_EQ(r->files.size(), 1u);
  const LoadedFile& f = r->files[0];
  EXPECT_EQ(f.format, "terraform-plan");
  ASSERT_EQ(f.facts.size(), 1u);
  EXPECT_EQ(f.facts[0].kind, aws::kOidcProviderFactKind);
  EXPECT_EQ(f.facts[0].key, "token.actions.githubusercontent.com");
  std::vector<std::string> trusts;
  for (const Trust& t : f.trusts) trusts.push_back(fmt::format("{} {} {}", Where(t.loc), t.name, t.format));
  EXPECT_EQ(trusts, (std::vector<std::string>{"35:11 aws_iam_role.deploy terraform-plan",
                                              "76:15 module.ci.aws_iam_role.this[0] terraform-plan"}));
  const Trust& deploy = f.trusts[0];
  const Trust& ci = f.trusts[1];
  EXPECT_EQ(*deploy.Label("role-name"), "octo-repo-deploy");
  EXPECT_EQ(deploy.arn, "");  // known only after apply

  EXPECT_TRUE(Eval(deploy, kGitHubMain).accepted);
  Decision dev = Eval(deploy, Replace(kGitHubMain, "refs/heads/main", "refs/heads/dev"));
  EXPECT_FALSE(dev.accepted);
  ASSERT_FALSE(dev.reasons.empty());
  // Inside the policy string: the `\"` before `token.actions...:sub`.
  EXPECT_EQ(dev.reasons[0].loc.line, 42u);
  EXPECT_EQ(dev.reasons[0].loc.column, 372u);
  // The provider's client-ID list applies.
  Decision aud = Eval(deploy, Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"other\""));
  EXPECT_FALSE(aud.accepted);
  ASSERT_FALSE(aud.reasons.empty());
  EXPECT_EQ(Reasons(aud).front(),
            "15:13: statement #1: audience (OIDC provider client ID list) expects `sts.amazonaws.com`; token `aud` has "
            "`other`");

  // The module's role gets its policy from a value known only after apply.
  Decision unknown = Eval(ci, kGitHubMain);
  EXPECT_FALSE(unknown.accepted);
  EXPECT_EQ(unknown.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(unknown),
            std::vector<std::string>{"76:15: statement #1: cannot be decided: `assume_role_policy` of "
                                     "`module.ci.aws_iam_role.this[0]` is known only after apply"});
  ASSERT_EQ(ci.notes.size(), 1u);
  EXPECT_EQ(ci.notes[0].kind, LoweringNote::Kind::kUnresolved);
}

// A plan with one role (policy POLICY) in a nested module, and a provider
// whose client IDs are IDS with after_unknown AFTER_UNKNOWN.
constexpr const char* kInlinePlan = R"({
  "format_version": "1.2",
  "terraform_version": "1.7.5",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "data.aws_iam_policy_document.trust", "mode": "data", "type": "aws_iam_policy_document",
       "name": "trust", "values": {"json": "not looked at"}},
      {"address": "aws_iam_openid_connect_provider.gh", "mode": "managed", "type": "aws_iam_openid_connect_provider",
       "name": "gh", "values": {"url": "https://token.actions.githubusercontent.com",
       "arn": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", "client_id_list": IDS}}
    ],
    "child_modules": [{"address": "module.a", "child_modules": [{"address": "module.a.module.b", "resources": [
      {"address": "module.a.module.b.aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
       "values": {"name": "r", "arn": "arn:aws:iam::111122223333:role/r", "assume_role_policy": POLICY}}
    ]}]}]
  }},
  "resource_changes": [
    {"address": "aws_iam_openid_connect_provider.gh", "change": {"actions": ["update"],
     "after_unknown": AFTER_UNKNOWN}}
  ]
})";

const std::string kPolicy =
    R"("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":)"
    R"(\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"},)"
    R"(\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}")";

Result<LoadedFile> LoadInline(const std::string& ids, const std::string& after_unknown,
                              const std::string& policy = kPolicy) {
  std::string text = Replace(Replace(Replace(kInlinePlan, "IDS", ids), "AFTER_UNKNOWN", after_unknown), "POLICY",
                             policy);
  return LoadText("plan.json", text, {});
}

TEST(TerraformPlan, NestedModulesAndUnknownClientIds) {
  auto f = LoadInline(R"(["sts.amazonaws.com", null])", R"({"client_id_list": [false, true]})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 1u);
  EXPECT_EQ(f->trusts[0].name, "module.a.module.b.aws_iam_role.r");
  EXPECT_EQ(f->trusts[0].arn, "arn:aws:iam::111122223333:role/r");
  ASSERT_EQ(f->facts.size(), 1u);
  std::vector<std::string> values;
  for (const auto& [k, v] : f->facts[0].values) values.push_back(k + "=" + v);
  EXPECT_EQ(values, (std::vector<std::string>{
                        "url=https://token.actions.githubusercontent.com", "name=aws_iam_openid_connect_provider.gh",
                        "account=111122223333", "client_id=sts.amazonaws.com"}));
  EXPECT_EQ(*f->facts[0].UnknownReason("client_id"),
            "client ID 2 of `aws_iam_openid_connect_provider.gh` is known only after apply");
  // Linked as the command line does: an audience not in the known list might
  // be the unknown entry.
  std::vector<LoadedFile> files;
  files.push_back(std::move(*f));
  aws::LinkOidcProviders(&files);
  const Trust& role = files[0].trusts[0];
  EXPECT_TRUE(Eval(role, kGitHubMain).accepted);
  Decision other = Eval(role, Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"other\""));
  EXPECT_EQ(other.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(other).back(),
            "10:94: statement #1: cannot be decided: a client ID of OIDC provider `aws_iam_openid_connect_provider.gh` "
            "is unknown: client ID 2 of `aws_iam_openid_connect_provider.gh` is known only after apply");

  // A whole list known only after apply.
  auto all = LoadInline("null", R"({"client_id_list": true})");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->facts.size(), 1u);
  ASSERT_NE(all->facts[0].UnknownReason("client_id"), nullptr);
  EXPECT_EQ(*all->facts[0].UnknownReason("client_id"),
            "`client_id_list` of `aws_iam_openid_connect_provider.gh` is known only after apply");
}

TEST(TerraformPlan, StateHasTheSameShape) {
  const std::string state = R"({"format_version": "1.0", "terraform_version": "1.7.5", "values": {"root_module": {
    "resources": [{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
      "values": {"assume_role_policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"accounts.google.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}"}}]}}})";
  auto f = LoadText("state.json", state, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->format, "terraform-plan");
  ASSERT_EQ(f->trusts.size(), 1u);
  EXPECT_EQ(f->trusts[0].name, "aws_iam_role.r");
}

TEST(TerraformPlan, ErrorsAreLocated) {
  struct Case {
    const char* name;
    std::string policy;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"broken policy JSON", R"("{\"Statement\": [}")",
       "plan.json:14:115: error: invalid JSON in `assume_role_policy`: syntax error: value, object or array expected"},
      {"malformed policy", R"("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Resource\": \"*\"}]}")",
       "plan.json:14:208: error: role trust policies do not support `Resource`"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto f = LoadInline("[]", "{}", c.policy);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().ToString(), c.error);
  }
  auto bad = LoadText("plan.json", R"({"format_version": "1.2", "planned_values": {"root_module": {"resources": 3}}})",
                      {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "plan.json:1:75: error: `resources` must be a list");
}

TEST(TerraformPlan, MissingPolicyIsUnknownNotAccepted) {
  const std::string plan = R"({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
    {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "values": {"name": "r"}}]}}})";
  auto f = LoadText("plan.json", plan, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 1u);
  Decision d = Eval(f->trusts[0], kGitHubMain);
  EXPECT_EQ(d.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(d), std::vector<std::string>{
                            "2:6: statement #1: cannot be decided: `aws_iam_role.r` has no `assume_role_policy`"});
}

}  // namespace
}  // namespace trustcheck

namespace trustcheck {
namespace {

// The Entra and Vault resources of a plan lower through those platforms'
// own lowerings; the Vault backend's bound_issuer links to its roles.
TEST(TerraformPlan, EntraAndVaultResources) {
  auto r = LoadPaths({kCorpus + "azure-vault.plan.json"}, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].ToString();
  ASSERT_EQ(r->files.size(), 1u);
  const LoadedFile& f = r->files[0];
  std::vector<std::string> trusts;
  for (const Trust& t : f.trusts)
    trusts.push_back(fmt::format("{} {} {} {}", Where(t.loc), PlatformName(t.platform), t.name, t.format));
  EXPECT_EQ(trusts, (std::vector<std::string>{"8:11 azure github-main terraform-plan",
                                              "28:11 azure aks-workload terraform-plan",
                                              "67:11 vault deploy terraform-plan"}));
  ASSERT_EQ(f.facts.size(), 1u);
  EXPECT_EQ(f.facts[0].kind, LoadedFile::Fact::Kind::kVaultJwtConfig);
  EXPECT_EQ(f.facts[0].key, "github-actions");

  const std::string azure = Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"api://AzureADTokenExchange\"");
  EXPECT_TRUE(Eval(f.trusts[0], azure).accepted);
  Decision aks = Eval(f.trusts[1], azure);
  EXPECT_FALSE(aks.accepted);
  ASSERT_FALSE(aks.reasons.empty());
  EXPECT_EQ(Where(aks.reasons[0].loc), "38:13");  // the credential's "issuer"

  // Vault checks `iat` too: evaluate after it.
  auto vault_eval = [&](const std::string& token) {
    auto decoded = DecodeToken(token, "token.json");
    EXPECT_TRUE(decoded.ok());
    return Evaluate(f.trusts[2], decoded->claims, EvalOptions{1632493600});
  };
  const std::string vault = Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"https://github.com/octo-org\"");
  const std::string with_claims =
      Replace(vault, "\"nbf\"", "\"actor\": \"octocat\", \"repository\": \"octo-org/octo-repo\", "
                                "\"ref\": \"refs/heads/main\", \"nbf\"");
  EXPECT_TRUE(vault_eval(with_claims).accepted) << Reasons(vault_eval(with_claims)).front();
  // `refs/heads/main,refs/heads/release` is two alternatives, as the Vault
  // provider writes it.
  EXPECT_TRUE(vault_eval(Replace(with_claims, "\"ref\": \"refs/heads/main\"", "\"ref\": \"refs/heads/release\"")).accepted);
  Decision dev = vault_eval(Replace(with_claims, "\"ref\": \"refs/heads/main\"", "\"ref\": \"refs/heads/dev\""));
  EXPECT_FALSE(dev.accepted);
  ASSERT_FALSE(dev.reasons.empty());
  EXPECT_EQ(Where(dev.reasons[0].loc), "84:15");  // the bound claim's key
  // The backend's bound_issuer applies to its role.
  Decision gitlab = vault_eval(Replace(with_claims, "https://token.actions.githubusercontent.com", "https://gitlab.com"));
  EXPECT_FALSE(gitlab.accepted);
  ASSERT_FALSE(gitlab.reasons.empty());
  EXPECT_EQ(gitlab.reasons[0].loc.line, 55u);  // the backend's "bound_issuer"
}

TEST(TerraformPlan, VaultValuesKnownOnlyAfterApply) {
  const std::string plan = R"({"format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "vault_jwt_auth_backend_role.a", "mode": "managed", "type": "vault_jwt_auth_backend_role", "name": "a",
     "values": {"role_name": "a", "role_type": "jwt", "user_claim": "actor", "bound_audiences": ["x"],
                "bound_claims": {"repository": "octo-org/octo-repo", "workflow": null}}},
    {"address": "vault_jwt_auth_backend_role.b", "mode": "managed", "type": "vault_jwt_auth_backend_role", "name": "b",
     "values": {"role_name": "b", "role_type": "jwt", "bound_audiences": ["x"]}},
    {"address": "vault_jwt_auth_backend_role.c", "mode": "managed", "type": "vault_jwt_auth_backend_role", "name": "c",
     "values": {"role_name": "c", "role_type": "jwt", "user_claim": "actor", "bound_audiences": ["x"]}}]}},
  "resource_changes": [
    {"address": "vault_jwt_auth_backend_role.a", "change": {"after_unknown": {"bound_claims": {"workflow": true}}}},
    {"address": "vault_jwt_auth_backend_role.b", "change": {"after_unknown": {"user_claim": true}}},
    {"address": "vault_jwt_auth_backend_role.c", "change": {"after_unknown": {"bound_claims": true}}}]})";
  auto f = LoadText("plan.json", plan, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 3u);
  const std::string token = R"({"iss": "https://token.actions.githubusercontent.com", "aud": "x", "actor": "octocat",
    "repository": "octo-org/octo-repo", "workflow": "deploy", "iat": 1632493567, "exp": 1632493867})";
  auto eval = [&](const Trust& t, const std::string& tok) {
    auto decoded = DecodeToken(tok, "token.json");
    EXPECT_TRUE(decoded.ok());
    return Evaluate(t, decoded->claims, EvalOptions{1632493600});
  };
  // One bound claim unknown: the others still decide a rejection.
  Decision a = eval(f->trusts[0], token);
  EXPECT_EQ(a.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(a).back(),
            "5:70: statement `a`: cannot be decided: bound claim `workflow` of `vault_jwt_auth_backend_role.a` is known "
            "only after apply");
  Decision other_repo = eval(f->trusts[0], Replace(token, "octo-org/octo-repo", "evil/repo"));
  EXPECT_EQ(other_repo.outcome, Outcome::kImplicitDeny);
  // A deciding field unknown: the role cannot be decided at all.
  Decision b = eval(f->trusts[1], token);
  EXPECT_EQ(b.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(b), std::vector<std::string>{"6:6: statement #1: cannot be decided: `user_claim` of "
                                                 "`vault_jwt_auth_backend_role.b` is known only after apply"});
  // All bound claims unknown: they bind something, so no token is accepted
  // and none is refused on their account.
  Decision c = eval(f->trusts[2], token);
  EXPECT_EQ(c.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(c).back(),
            "8:6: statement `c`: cannot be decided: `bound_claims` of `vault_jwt_auth_backend_role.c` is known only "
            "after apply");
}

}  // namespace
}  // namespace trustcheck

namespace trustcheck {
namespace {

// GCP workload identity pool providers: the REST fields under their
// Terraform names, the resource name (hence the default audience) known only
// after apply in a plan, and known in a state.
TEST(TerraformPlan, GcpWorkloadIdentityProviders) {
  auto r = LoadPaths({kCorpus + "gcp.plan.json"}, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].ToString();
  ASSERT_EQ(r->files.size(), 1u);
  const LoadedFile& f = r->files[0];
  std::vector<std::string> trusts;
  for (const Trust& t : f.trusts)
    trusts.push_back(fmt::format("{} {} {} {}", Where(t.loc), PlatformName(t.platform), t.name, t.format));
  EXPECT_EQ(trusts, (std::vector<std::string>{"23:11 gcp github-actions terraform-plan",
                                              "60:15 gcp gitlab-ci terraform-plan"}));
  const std::string token = R"({"iss": "https://token.actions.githubusercontent.com",
    "aud": "//iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/github/providers/github-actions",
    "sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "repository": "octo-org/octo-repo",
    "repository_owner": "octo-org", "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567})";
  struct Case {
    size_t trust;
    std::string token;
    std::string outcome;
    std::vector<std::string> reasons;
  };
  const std::vector<Case> cases = {
      // The audience may be this provider's: undecided until apply.
      {0, token, "unknown",
       {"46:13: statement `github-actions`: cannot be decided: the project number of "
        "`google_iam_workload_identity_pool_provider.github` is known only after apply"}},
      // Another provider's audience cannot be.
      {0, Replace(token, "providers/github-actions", "providers/other"), "implicit deny",
       {"46:13: statement `github-actions`: audience (default audience) expects "
        "`//iam.googleapis.com/projects/${project_number}/locations/global/workloadIdentityPools/github/providers/"
        "github-actions` or `https://iam.googleapis.com/projects/${project_number}/locations/global/"
        "workloadIdentityPools/github/providers/github-actions`; token `aud` has "
        "`//iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/github/providers/other`"}},
      // The condition, located inside its JSON string.
      {0, Replace(token, "\"repository_owner\": \"octo-org\"", "\"repository_owner\": \"evil\""), "implicit deny",
       {"30:64: statement `github-actions`: condition `==` on `repository_owner` expects `\"octo-org\"`; token "
        "`repository_owner` has `\"evil\"`"}},
      // A condition known only after apply.
      {1, Replace(Replace(token, "https://token.actions.githubusercontent.com", "https://gitlab.com"),
                  "\"//iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/github/providers/"
                  "github-actions\"",
                  "\"https://gitlab.com\""),
       "unknown",
       {"60:15: statement `gitlab-ci`: cannot be decided: `attribute_condition` of "
        "`module.ci.google_iam_workload_identity_pool_provider.gitlab` is known only after apply"}},
  };
  for (const Case& c : cases) {
    Decision d = Eval(f.trusts[c.trust], c.token);
    EXPECT_FALSE(d.accepted);
    EXPECT_EQ(OutcomeName(d.outcome), std::string(c.outcome)) << c.token;
    EXPECT_EQ(Reasons(d), c.reasons) << c.token;
  }
  EXPECT_EQ(*f.trusts[0].Label("default_audience"),
            "//iam.googleapis.com/projects/${project_number}/locations/global/workloadIdentityPools/github/providers/"
            "github-actions");
  bool unresolved = false;
  for (const LoweringNote& n : f.trusts[1].notes) unresolved |= n.kind == LoweringNote::Kind::kUnresolved;
  EXPECT_TRUE(unresolved);

  // A disabled pool of the plan rejects its providers' tokens.
  std::ifstream in(kCorpus + "gcp.plan.json");
  std::stringstream text;
  text << in.rdbuf();
  auto disabled = LoadText("gcp.plan.json", Replace(text.str(), "\"disabled\": false", "\"disabled\": true"), {});
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  ASSERT_EQ(disabled->trusts.size(), 2u);
  EXPECT_EQ(Reasons(Eval(disabled->trusts[0], token)),
            std::vector<std::string>{"16:13: statement `github-actions`: pool `google_iam_workload_identity_pool.github` "
                                     "is disabled"});

  // In a state the name is known, and so is the default audience.
  std::string state = R"({"format_version": "1.0", "terraform_version": "1.7.5", "values": {"root_module": {
    "resources": [{"address": "google_iam_workload_identity_pool_provider.p", "mode": "managed",
      "type": "google_iam_workload_identity_pool_provider", "name": "p",
      "values": {"name": "projects/42/locations/global/workloadIdentityPools/github/providers/github-actions",
        "project": "octo-project", "workload_identity_pool_id": "github",
        "workload_identity_pool_provider_id": "github-actions", "state": "ACTIVE", "disabled": false,
        "attribute_mapping": {"google.subject": "assertion.sub"},
        "attribute_condition": "assertion.repository_owner == 'octo-org'",
        "oidc": [{"allowed_audiences": [], "issuer_uri": "https://token.actions.githubusercontent.com"}]}}]}}})";
  auto s = LoadText("state.json", state, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->trusts.size(), 1u);
  EXPECT_TRUE(Eval(s->trusts[0], token).accepted);
  state = Replace(state, "\"disabled\": false", "\"disabled\": true");
  s = LoadText("state.json", state, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Reasons(Eval(s->trusts[0], token)),
            std::vector<std::string>{"6:84: statement `github-actions`: provider `github-actions` is disabled"});
}

}  // namespace
}  // namespace trustcheck
