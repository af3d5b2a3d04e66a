// GCP workload identity pool providers: loading `gcloud ... providers
// describe/list` output (YAML and JSON), lowering and the decisions Google's
// documented rules give (docs/semantics-gcp.md).

#include <gtest/gtest.h>
#include <json/json.h>

#include <fstream>
#include <sstream>
#include <string>

#include "test_support.h"

#include "cel/cel.h"
#include "cel/trust_expr.h"
#include "trustcheck/ast.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

constexpr int64_t kNow = 1700000100;  // inside every token's validity below

Json::Value ParseJson(const std::string& text) { return trustcheck::testing::ParseJsonText(text); }

Result<LoadedFile> Load(const std::string& text, const std::string& path = "provider.yaml",
                        bool malformed_is_error = true) {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return LoadText(path, text, options);
}

// A GitHub Actions token shaped like GitHub's documented example, for the
// provider below (default audience: the provider's resource name).
const char* kProviderName = "projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo";

Json::Value GitHubClaims() {
  return ParseJson(R"({
    "jti": "example-id",
    "sub": "repo:octo-org/octo-repo:environment:prod",
    "environment": "prod",
    "aud": "https://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo",
    "ref": "refs/heads/main",
    "repository": "octo-org/octo-repo",
    "repository_owner": "octo-org",
    "repository_owner_id": "65",
    "repository_id": "74",
    "actor": "octocat",
    "actor_id": "12",
    "workflow": "example-workflow",
    "event_name": "workflow_dispatch",
    "ref_type": "branch",
    "job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
    "iss": "https://token.actions.githubusercontent.com",
    "nbf": 1700000000,
    "exp": 1700000900,
    "iat": 1700000000
  })");
}

// Google's GitHub guidance: map the subject and the repository claims, and
// restrict to one organization.
std::string GitHubProvider(const std::string& extra = "",
                           const std::string& condition = "assertion.repository_owner == 'octo-org'") {
  std::string out;
  if (!condition.empty()) out += "attributeCondition: " + condition + "\n";
  out += "attributeMapping:\n"
         "  attribute.actor: assertion.actor\n"
         "  attribute.repository: assertion.repository\n"
         "  attribute.repository_owner: assertion.repository_owner\n"
         "  google.subject: assertion.sub\n"
         "displayName: GitHub\n"
         "name: " + std::string(kProviderName) + "\n"
         "oidc:\n"
         "  issuerUri: https://token.actions.githubusercontent.com\n"
         "state: ACTIVE\n";
  return out + extra;
}

struct Outcome {
  bool accepted;
  std::string first_reason;  // "" when accepted
};

Outcome Decide(const Trust& trust, const Json::Value& claims) {
  EvalOptions options;
  options.now = kNow;
  Decision d = Evaluate(trust, Claims(claims), options);
  std::string reason;
  if (!d.accepted) {
    for (const StatementTrace& s : d.statements) {
      if (!s.reasons.empty()) {
        reason = s.reasons.front().message + " @" + s.reasons.front().loc.ToString();
        break;
      }
    }
    if (reason.empty() && !d.reasons.empty()) reason = d.reasons.front().message;
  }
  return {d.accepted, reason};
}

Outcome DecideText(const std::string& provider, const Json::Value& claims, const std::string& path = "provider.yaml") {
  auto file = Load(provider, path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return {false, "load error"};
  EXPECT_EQ(file->format, "gcp-provider");
  EXPECT_EQ(file->trusts.size(), 1u);
  return Decide(file->trusts.at(0), claims);
}

// --------------------------------------------------------------------------
// Google's documented examples

TEST(GcpProvider, GitHubOrganizationCondition) {
  Json::Value claims = GitHubClaims();
  EXPECT_TRUE(DecideText(GitHubProvider(), claims).accepted);

  Json::Value other_org = claims;
  other_org["repository_owner"] = "octo-org-evil";
  Outcome o = DecideText(GitHubProvider(), other_org);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason,
            "condition `==` on `repository_owner` expects `\"octo-org\"`; token `repository_owner` has "
            "`\"octo-org-evil\"` @provider.yaml:1:48");

  // Names are exact and case-sensitive.
  Json::Value upper = claims;
  upper["repository_owner"] = "Octo-Org";
  EXPECT_FALSE(DecideText(GitHubProvider(), upper).accepted);
}

TEST(GcpProvider, GitHubNumericIdsAndBranch) {
  // google-github-actions/auth: prefer the immutable numeric ids.
  std::string provider = GitHubProvider(
      "", "\"assertion.repository_owner_id == '65' && assertion.repository_id == '74' && assertion.ref == "
          "'refs/heads/main'\"");
  Json::Value claims = GitHubClaims();
  EXPECT_TRUE(DecideText(provider, claims).accepted);
  Json::Value branch = claims;
  branch["ref"] = "refs/heads/feature";
  Outcome o = DecideText(provider, branch);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason,
            "condition `==` on `ref` expects `\"refs/heads/main\"`; token `ref` has `\"refs/heads/feature\"` "
            "@provider.yaml:1:112");
  // The ids are strings in GitHub's tokens; a number is a different CEL type.
  Json::Value numeric = claims;
  numeric["repository_id"] = 74;
  o = DecideText(provider, numeric);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "condition `==` on `repository_id` expects a string; token `repository_id` has `74` "
                            "@provider.yaml:1:87");
}

TEST(GcpProvider, GitLabGroupCondition) {
  // --format=json output; GitLab SaaS tokens with a custom audience.
  const std::string provider = R"({
  "attributeCondition": "assertion.namespace_id=='72'",
  "attributeMapping": {
    "attribute.namespace_id": "assertion.namespace_id",
    "attribute.project_path": "assertion.project_path",
    "google.subject": "assertion.sub"
  },
  "displayName": "GitLab",
  "name": "projects/987654321/locations/global/workloadIdentityPools/gitlab/providers/gitlab-com",
  "oidc": {
    "allowedAudiences": ["https://gitlab.com"],
    "issuerUri": "https://gitlab.com"
  },
  "state": "ACTIVE"
})";
  Json::Value claims = ParseJson(R"({
    "namespace_id": "72", "namespace_path": "my-group", "project_id": "20",
    "project_path": "my-group/my-project", "user_id": "1", "user_login": "sample-user",
    "pipeline_id": "574", "pipeline_source": "push", "job_id": "302", "ref": "main",
    "ref_type": "branch", "ref_protected": "true",
    "iss": "https://gitlab.com", "aud": "https://gitlab.com",
    "sub": "project_path:my-group/my-project:ref_type:branch:ref:main",
    "iat": 1700000000, "nbf": 1700000000, "exp": 1700003600
  })");
  EXPECT_TRUE(DecideText(provider, claims, "gitlab.json").accepted);
  Json::Value other = claims;
  other["namespace_id"] = "73";
  Outcome o = DecideText(provider, other, "gitlab.json");
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "condition `==` on `namespace_id` expects `\"72\"`; token `namespace_id` has `\"73\"` "
                            "@gitlab.json:2:48");
  Json::Value wrong_aud = claims;
  wrong_aud["aud"] = "https://gitlab.example.com";
  o = DecideText(provider, wrong_aud, "gitlab.json");
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "audience (allowedAudiences) expects `https://gitlab.com`; token `aud` has "
                            "`https://gitlab.example.com` @gitlab.json:11:5");
}

TEST(GcpProvider, TerraformCloudOrganizationCondition) {
  const std::string provider =
      "attributeCondition: assertion.terraform_organization_id == \"org-GRNbCjYNpBB6NEH9\"\n"
      "attributeMapping:\n"
      "  attribute.terraform_workspace_id: assertion.terraform_workspace_id\n"
      "  attribute.terraform_full_workspace: assertion.terraform_full_workspace\n"
      "  google.subject: assertion.sub\n"
      "name: projects/1/locations/global/workloadIdentityPools/tfc/providers/tfc\n"
      "oidc:\n"
      "  allowedAudiences:\n"
      "  - my-example-audience\n"
      "  issuerUri: https://app.terraform.io\n";
  Json::Value claims = ParseJson(R"({
    "iss": "https://app.terraform.io", "aud": "my-example-audience",
    "iat": 1700000000, "nbf": 1700000000, "exp": 1700000300,
    "sub": "organization:my-org:project:Default Project:workspace:my-workspace:run_phase:apply",
    "terraform_organization_id": "org-GRNbCjYNpBB6NEH9", "terraform_organization_name": "my-org",
    "terraform_workspace_id": "ws-mbsd5E3Ktt5Rg2Xm",
    "terraform_full_workspace": "organization:my-org:project:Default Project:workspace:my-workspace",
    "terraform_run_phase": "apply"
  })");
  EXPECT_TRUE(DecideText(provider, claims).accepted);
  Json::Value other = claims;
  other["terraform_organization_id"] = "org-someone-else";
  EXPECT_FALSE(DecideText(provider, other).accepted);
}

TEST(GcpProvider, CircleCiVcsOriginPrefix) {
  std::string provider =
      "attributeCondition: assertion['oidc.circleci.com/vcs-origin'].startsWith('github.com/acme/')\n"
      "attributeMapping:\n"
      "  google.subject: assertion.sub\n"
      "name: projects/1/locations/global/workloadIdentityPools/ci/providers/circleci\n"
      "oidc:\n"
      "  allowedAudiences: [0c8e8fa4-bd9b-4d7f-a0a8-4c2f1b7f9b4e]\n"
      "  issuerUri: https://oidc.circleci.com/org/0c8e8fa4-bd9b-4d7f-a0a8-4c2f1b7f9b4e\n";
  Json::Value claims = ParseJson(R"({
    "iss": "https://oidc.circleci.com/org/0c8e8fa4-bd9b-4d7f-a0a8-4c2f1b7f9b4e",
    "aud": "0c8e8fa4-bd9b-4d7f-a0a8-4c2f1b7f9b4e",
    "sub": "org/0c8e8fa4-bd9b-4d7f-a0a8-4c2f1b7f9b4e/project/p/user/u",
    "oidc.circleci.com/vcs-origin": "github.com/acme/app",
    "iat": 1700000000, "exp": 1700003600
  })");
  EXPECT_TRUE(DecideText(provider, claims).accepted);
  claims["oidc.circleci.com/vcs-origin"] = "github.com/acme-evil/app";
  Outcome o = DecideText(provider, claims);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason,
            "condition `startsWith` on `oidc.circleci.com/vcs-origin` expects `github.com/acme/*`; token "
            "`oidc.circleci.com/vcs-origin` has `github.com/acme-evil/app` @provider.yaml:1:63");
}

// --------------------------------------------------------------------------
// Issuer, audience, mapping and state rules

TEST(GcpProvider, IssuerToleratesATrailingSlash) {
  // Google's GitHub instructions configure the issuer with a slash.
  std::string provider = GitHubProvider();
  size_t at = provider.find("githubusercontent.com\n");
  provider.replace(at, 22, "githubusercontent.com/\n");
  EXPECT_TRUE(DecideText(provider, GitHubClaims()).accepted);
  Json::Value claims = GitHubClaims();
  claims["iss"] = "https://token.actions.githubusercontent.com.evil.example";
  Outcome o = DecideText(provider, claims);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason.substr(0, 28), "issuer (issuerUri) expects `");
}

TEST(GcpProvider, DefaultAudienceIsTheResourceName) {
  Json::Value claims = GitHubClaims();
  EXPECT_TRUE(DecideText(GitHubProvider(), claims).accepted);
  claims["aud"] = std::string("//iam.googleapis.com/") + kProviderName;
  EXPECT_TRUE(DecideText(GitHubProvider(), claims).accepted);
  claims["aud"] = "https://github.com/octo-org";  // GitHub's default audience
  Outcome o = DecideText(GitHubProvider(), claims);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason,
            "audience (default audience) expects "
            "`//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo` "
            "or "
            "`https://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/"
            "my-repo`; token `aud` has `https://github.com/octo-org` @provider.yaml:8:1");
  // A list audience is accepted when one of its values matches.
  Json::Value list = GitHubClaims();
  list["aud"] = ParseJson(std::string(R"(["x", "//iam.googleapis.com/)") + kProviderName + "\"]");
  EXPECT_TRUE(DecideText(GitHubProvider(), list).accepted);
}

TEST(GcpProvider, MappingMustEvaluateAndSubjectMustFit) {
  Json::Value no_sub = GitHubClaims();
  no_sub.removeMember("sub");
  Outcome o = DecideText(GitHubProvider(), no_sub);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "attribute mapping `google.subject` fails: no such key `sub` @provider.yaml:6:29");

  Json::Value long_sub = GitHubClaims();
  long_sub["sub"] = std::string(128, 's');
  o = DecideText(GitHubProvider(), long_sub);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "`google.subject` is 128 bytes long, more than the limit of 127 @provider.yaml:6:3");
  long_sub["sub"] = std::string(127, 's');
  EXPECT_TRUE(DecideText(GitHubProvider(), long_sub).accepted);

  Json::Value numeric_sub = GitHubClaims();
  numeric_sub["sub"] = 42;
  o = DecideText(GitHubProvider(), numeric_sub);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason,
            "attribute mapping `google.subject` gives a int, not a string @provider.yaml:6:3");

  // Any mapped attribute that fails rejects the token, used or not.
  Json::Value no_actor = GitHubClaims();
  no_actor.removeMember("actor");
  o = DecideText(GitHubProvider(), no_actor);
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "attribute mapping `attribute.actor` fails: no such key `actor` @provider.yaml:3:30");
}

TEST(GcpProvider, NoConditionAcceptsEveryTokenOfTheIssuer) {
  Json::Value claims = GitHubClaims();
  claims["repository_owner"] = "anyone-at-all";
  EXPECT_TRUE(DecideText(GitHubProvider("", ""), claims).accepted);
}

TEST(GcpProvider, DisabledAndDeletedProvidersReject) {
  std::string disabled = GitHubProvider("disabled: true\n");
  Outcome o = DecideText(disabled, GitHubClaims());
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "provider `my-repo` is disabled @provider.yaml:12:1");
  EXPECT_TRUE(DecideText(GitHubProvider("disabled: false\n"), GitHubClaims()).accepted);

  std::string deleted = GitHubProvider();
  deleted.replace(deleted.find("ACTIVE"), 6, "DELETED");
  o = DecideText(deleted, GitHubClaims());
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "provider `my-repo` is deleted (state `DELETED`) @provider.yaml:11:1");
}

TEST(GcpProvider, NonOidcProvidersRejectOidcTokens) {
  std::string aws =
      "attributeMapping:\n"
      "  google.subject: assertion.arn\n"
      "aws:\n"
      "  accountId: '123456789012'\n"
      "name: projects/1/locations/global/workloadIdentityPools/aws/providers/aws\n";
  Outcome o = DecideText(aws, GitHubClaims());
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "provider `aws` accepts AWS credentials, not OIDC tokens @provider.yaml:3:1");
}

// --------------------------------------------------------------------------
// CEL semantics through the AST

TEST(GcpProvider, ErrorsAreAbsorbedOnlyWhereCelAbsorbsThem) {
  struct Case {
    std::string condition;
    bool accepted;
  };
  const Case cases[] = {
      {"assertion.nope == 'x' || assertion.repository_owner == 'octo-org'", true},
      {"assertion.nope == 'x' && assertion.repository_owner == 'octo-org'", false},
      {"assertion.repository_owner == 'octo-org' || assertion.nope == 'x'", true},
      {"\"!(assertion.nope == 'x')\"", false},
      {"assertion.nope != 'x'", false},
      {"assertion.repository_owner != 'someone-else'", true},
      {"assertion.repository_owner in ['a', 'octo-org']", true},
      {"assertion.repository_owner in ['a', 'b']", false},
      {"has(assertion.environment) && assertion.environment == 'prod'", true},
      {"\"!has(assertion.nope)\"", true},
      {"has(attribute.repository)", true},
      {"has(attribute.nope)", false},
      {"attribute.repository == 'octo-org/octo-repo'", true},
      {"attribute.nope == 'x' || true", true},
      {"google.subject.startsWith('repo:octo-org/')", true},
      {"assertion.sub.matches('^repo:octo-org/[^/]+:environment:prod$')", true},
      {"assertion.sub.matches('^repo:octo-org/[^/]+:ref:')", false},
      {"size(assertion.sub) < 128 && assertion.sub.endsWith(':prod')", true},
      {"\"'octo-org/' + 'octo-repo' == assertion.repository\"", true},
      {"assertion.repository.startsWith(assertion.repository_owner + '/')", true},
      {"assertion.exp > assertion.iat", true},
      {"false", false},
      {"true", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DecideText(GitHubProvider("", c.condition), GitHubClaims()).accepted, c.accepted) << c.condition;
  }
}

// A conjunct that applies an operator to an attribute the mapping does not
// define is an error for every token: said once, at the read, as a constant
// (so lint reports that nothing gets in). Under `||`, `?:` or `has` the error
// may be absorbed, and the evaluator decides per token.
TEST(GcpProvider, UnmappedAttributeInAConjunctRejectsEveryToken) {
  struct Case {
    std::string condition;
    bool accepted;
    std::string reason;
  };
  const std::string never = "the condition reads `attribute.nope`, which the attribute mapping does not define, so it "
                            "fails for every token @provider.yaml:1:";
  const Case cases[] = {
      {"attribute.nope == 'x'", false, never + "31"},
      {"assertion.repository_owner == 'octo-org' && attribute.nope.startsWith('x')", false, never + "75"},
      {"\"'admins' in attribute.nope\"", false, never + "44"},
      {"attribute.nope.exists(g, g == 'x')", false, never + "31"},
      {"\"!(attribute.nope == 'x')\"", false,
       "condition `attribute.nope == 'x'` fails: no such key `nope` @provider.yaml:1:34"},
      {"attribute.nope == 'x' || assertion.repository_owner == 'octo-org'", true, ""},
      {"\"has(attribute.nope) ? attribute.nope == 'x' : true\"", true, ""},
  };
  for (const Case& c : cases) {
    Outcome o = DecideText(GitHubProvider("", c.condition), GitHubClaims());
    EXPECT_EQ(o.accepted, c.accepted) << c.condition;
    EXPECT_EQ(o.first_reason, c.reason) << c.condition;
  }
}

// The lowered tree must give exactly what CEL gives: true, false, or (for an
// error) unknown, for claims of every JSON type and for missing claims.
TEST(GcpProvider, LoweringAgreesWithTheCelEvaluator) {
  const std::string conditions[] = {
      "assertion.v == 'a'",
      "assertion.v != 'a'",
      "assertion.v == 1",
      "assertion.v == 1.5",
      "assertion.v == true",
      "assertion.v == null",
      "assertion.v != null",
      "'a' == assertion.v",
      "assertion.v in ['a', 1, false]",
      "'a' in assertion.v",
      "1 in assertion.v",
      "assertion.v.startsWith('a')",
      "assertion.v.endsWith('*')",
      "assertion.v.contains('$?')",
      "has(assertion.v)",
      "assertion.o.k == 'a'",
      "assertion['o'].k != 'a'",
      "!(assertion.v == 'a') || assertion.w == 'b'",
      "assertion.v == 'a' && !(assertion.w == 'b')",
      "attribute.v == 'a'",
      "attribute.w in ['b', 'c']",
      "google.groups.exists(g, g == 'a')",
  };
  const std::string values[] = {
      "absent", "null", "\"a\"", "\"ab*\"", "\"x$?y\"", "\"b\"", "1", "1.0", "1.5", "2", "true", "false",
      "[]", "[\"a\"]", "[1]", "[\"b\", \"a\"]", "{}", "{\"a\": 1}", "{\"k\": \"a\"}", "{\"k\": 1}",
  };
  for (const std::string& condition : conditions) {
    std::string provider =
        "attributeCondition: \"" + condition + "\"\n"
        "attributeMapping:\n"
        "  google.subject: \"'s'\"\n"
        "  google.groups: \"has(assertion.v) ? [assertion.v] : []\"\n"
        "  attribute.v: assertion.v\n"
        "  attribute.w: assertion.w\n"
        "name: projects/1/locations/global/workloadIdentityPools/p/providers/p\n"
        "oidc:\n"
        "  issuerUri: https://issuer.example\n";
    auto file = Load(provider);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    const Node& when = file->trusts.at(0).statements.at(0).when;
    const Node& lowered = when.children.back();
    auto expr = cel::Parse(condition, SourceLoc{});
    ASSERT_TRUE(expr.ok()) << condition;
    for (const std::string& v : values) {
      for (const std::string& w : {std::string("absent"), std::string("\"b\"")}) {
        for (const std::string& o : values) {
          Json::Value claims(Json::objectValue);
          if (v != "absent") claims["v"] = ParseJson(v);
          if (w != "absent") claims["w"] = ParseJson(w);
          if (o != "absent") claims["o"] = ParseJson(o);
          cel::Value failure;
          cel::Activation vars = cel::BindGcpVariables(claims, nullptr, &failure);
          // The mapping as the provider defines it, when it evaluates.
          cel::MapValue attribute;
          if (v != "absent") attribute.Insert(cel::Value::String("v"), cel::Value::FromJson(claims["v"]));
          if (w != "absent") attribute.Insert(cel::Value::String("w"), cel::Value::FromJson(claims["w"]));
          vars.Bind("attribute", cel::Value::Map(std::move(attribute)));
          cel::MapValue google;
          google.Insert(cel::Value::String("subject"), cel::Value::String("s"));
          google.Insert(cel::Value::String("groups"),
                        cel::Value::List(v == "absent" ? std::vector<cel::Value>{}
                                                       : std::vector<cel::Value>{cel::Value::FromJson(claims["v"])}));
          vars.Bind("google", cel::Value::Map(std::move(google)));
          cel::Value direct = cel::Eval(**expr, vars);
          Tri want = direct.type() == cel::Type::kBool ? (direct.bool_value() ? Tri::kTrue : Tri::kFalse)
                                                       : Tri::kUnknown;
          // A mapping that fails (attribute.v without v) rejects anyway;
          // only compare where the mapping evaluates.
          if (condition.find("attribute.") != std::string::npos && (v == "absent" || w == "absent")) continue;
          Tri got = EvaluateNode(lowered, Claims(claims), "", nullptr);
          EXPECT_EQ(TriName(got), TriName(want))
              << condition << " with v=" << v << " w=" << w << " o=" << o << " (" << direct.DebugString() << ")";
        }
      }
    }
  }
}

TEST(GcpProvider, LowersComparisonsIntoTests) {
  auto file = Load(GitHubProvider("", "\"assertion.repository_owner == 'octo-org' && attribute.repository in "
                                      "['octo-org/a', 'octo-org/b'] && assertion.sub.matches('^repo:')\""));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const Node& condition = file->trusts.at(0).statements.at(0).when.children.back();
  EXPECT_EQ(Dump(condition),
            "(and (and (test repository_owner shape [<a string>] missing=unknown) (test repository_owner typed-eq "
            "[\"octo-org\"] missing=unknown)) (and (test repository shape [<a string>] missing=unknown) (test "
            "repository typed-eq [\"octo-org/a\" \"octo-org/b\"] missing=unknown)) (cel))");
  EXPECT_EQ(condition.children[2].loc.ToString(), "provider.yaml:1:136");
}

// --------------------------------------------------------------------------
// Files: list output, JSON arrays, locations of errors

TEST(GcpProvider, ListOutputIsOneTrustPerDocument) {
  std::string list = "---\n" + GitHubProvider() +
                     "---\n"
                     "attributeMapping:\n"
                     "  google.subject: assertion.sub\n"
                     "name: projects/123456789/locations/global/workloadIdentityPools/github/providers/other\n"
                     "oidc:\n"
                     "  issuerUri: https://gitlab.com\n"
                     "state: ACTIVE\n";
  auto file = Load(list, "providers.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->trusts.size(), 2u);
  EXPECT_EQ(file->trusts[0].name, "my-repo");
  EXPECT_EQ(file->trusts[1].name, "other");
  EXPECT_EQ(file->trusts[1].loc.ToString(), "providers.yaml:14:1");
  EXPECT_TRUE(Decide(file->trusts[0], GitHubClaims()).accepted);
  EXPECT_FALSE(Decide(file->trusts[1], GitHubClaims()).accepted);

  std::string array = "[\n" + std::string(R"({"name": "projects/1/locations/global/workloadIdentityPools/p/providers/a",
 "attributeMapping": {"google.subject": "assertion.sub"},
 "oidc": {"issuerUri": "https://token.actions.githubusercontent.com"}},
{"name": "projects/1/locations/global/workloadIdentityPools/p/providers/b",
 "attributeMapping": {"google.subject": "assertion.sub"},
 "attributeCondition": "assertion.repository_owner == 'nobody'",
 "oidc": {"issuerUri": "https://token.actions.githubusercontent.com",
          "allowedAudiences": ["https://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo"]}}
])");
  auto json = Load(array, "providers.json");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  ASSERT_EQ(json->trusts.size(), 2u);
  EXPECT_EQ(json->trusts[1].name, "b");
  EXPECT_EQ(json->trusts[1].loc.ToString(), "providers.json:5:1");
  EXPECT_FALSE(Decide(json->trusts[0], GitHubClaims()).accepted);  // audience: its own name
  Outcome o = Decide(json->trusts[1], GitHubClaims());
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.first_reason, "condition `==` on `repository_owner` expects `\"nobody\"`; token `repository_owner` "
                            "has `\"octo-org\"` @providers.json:7:52");
}

struct LoadErrorCase {
  std::string path;
  std::string text;
  std::string error;
};

TEST(GcpProvider, ErrorsPointIntoTheFile) {
  const std::string tail =
      "name: projects/1/locations/global/workloadIdentityPools/p/providers/p\n"
      "oidc:\n"
      "  issuerUri: https://issuer.example\n";
  const LoadErrorCase cases[] = {
      {"p.yaml",
       "attributeCondition: assertion.repository_owner = 'octo-org'\n"
       "attributeMapping:\n  google.subject: assertion.sub\n" + tail,
       "p.yaml:1:48: error: unexpected `=`, did you mean `==`"},
      {"p.yaml",
       "attributeCondition: 'assertion.a == ''x'' && assertion.b = 1'\n"
       "attributeMapping:\n  google.subject: assertion.sub\n" + tail,
       "p.yaml:1:58: error: unexpected `=`, did you mean `==`"},
      // A literal block scalar: line and column of the file, not of the text.
      {"p.yaml",
       "attributeCondition: |\n"
       "  assertion.repository_owner == 'octo-org' &&\n"
       "    assertion.ref = 'refs/heads/main'\n"
       "attributeMapping:\n  google.subject: assertion.sub\n" + tail,
       "p.yaml:3:19: error: unexpected `=`, did you mean `==`"},
      // A folded block scalar.
      {"p.yaml",
       "attributeCondition: >-\n"
       "  assertion.a == 'x' &&\n"
       "  assertion.b == 'y' ||\n"
       "  assertion.c ==\n"
       "attributeMapping:\n  google.subject: assertion.sub\n" + tail,
       "p.yaml:4:17: error: expected an expression, found end of expression"},
      // JSON: escaped quotes count as the two bytes they take in the file.
      {"p.json",
       "{\"attributeCondition\": \"assertion.a == \\\"x\\\" && assertion.b = 'y'\",\n"
       " \"attributeMapping\": {\"google.subject\": \"assertion.sub\"},\n"
       " \"name\": \"projects/1/locations/global/workloadIdentityPools/p/providers/p\",\n"
       " \"oidc\": {\"issuerUri\": \"https://issuer.example\"}}\n",
       "p.json:1:61: error: unexpected `=`, did you mean `==`"},
      {"p.yaml", "attributeMapping:\n  google.subject: assertion.sub +\n" + tail,
       "p.yaml:2:34: error: expected an expression, found end of expression"},
      {"p.yaml", "attributeMapping:\n  attribute.repo: assertion.repository\n" + tail,
       "p.yaml:1:1: error: `attributeMapping` has no `google.subject`"},
      {"p.yaml", "attributeMapping:\n  google.subject: assertion.sub\n  attribute.Repo: assertion.repository\n" + tail,
       "p.yaml:3:3: error: attribute mapping key `attribute.Repo` must be `google.subject`, `google.groups` or "
       "`attribute.NAME` with NAME made of a-z, 0-9 and _"},
      {"p.yaml", "attributeCondition: assertion.sub.lower() == 'x'\nattributeMapping:\n  google.subject: assertion.sub\n" +
                     tail,
       "p.yaml:1:35: error: unknown method `lower`"},
      {"p.yaml", "attributeMapping:\n  google.subject: assertion.sub\nname: projects/1/locations/global/workloadIdentityPools/p/providers/p\noidc:\n  allowedAudiences: [a]\n",
       "p.yaml:4:1: error: `oidc.issuerUri` must be a non-empty string"},
      {"p.yaml", "attributeCondition: assertion.sub == 'x'\nname: projects/1/locations/global/workloadIdentityPools/p/providers/p\n",
       "p.yaml:1:1: error: provider has no `oidc` section"},
      {"p.yaml", "attributeCondition: assertion.sub == 'x'\ndisabled: 'yes'\n" + std::string("attributeMapping:\n  google.subject: assertion.sub\n") + tail,
       "p.yaml:2:11: error: `disabled` must be `true` or `false`"},
  };
  for (const LoadErrorCase& c : cases) {
    auto file = Load(c.text, c.path);
    ASSERT_FALSE(file.ok()) << c.text;
    EXPECT_EQ(file.status().ToString(), c.error) << c.text;
  }
}

TEST(GcpProvider, LintModeKeepsMalformedProvidersFailClosed) {
  std::string text =
      "attributeCondition: assertion.repository_owner = 'octo-org'\n"
      "attributeMapping:\n  google.subject: assertion.sub\n"
      "name: projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo\n"
      "oidc:\n  issuerUri: https://token.actions.githubusercontent.com\n";
  auto file = Load(text, "p.yaml", /*malformed_is_error=*/false);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const Trust& trust = file->trusts.at(0);
  ASSERT_EQ(trust.notes.size(), 1u);
  EXPECT_EQ(trust.notes[0].kind, LoweringNote::Kind::kMalformed);
  EXPECT_EQ(trust.notes[0].loc.ToString(), "p.yaml:1:48");
  EXPECT_FALSE(Decide(trust, GitHubClaims()).accepted);
}

TEST(GcpProvider, DetectsOnlyProviders) {
  // A Vault-style JSON document and a plain YAML map are not providers.
  auto other = Load("{\"bound_audiences\": [\"x\"], \"user_claim\": \"sub\"}", "x.json");
  EXPECT_TRUE(!other.ok() || other->format != "gcp-provider");
  auto yaml = Load("key: value\nlist: [1, 2]\n", "x.yaml");
  EXPECT_FALSE(yaml.ok());
  // Without a resource name, an oidc section plus a mapping is enough.
  auto bare = Load("attributeMapping:\n  google.subject: assertion.sub\noidc:\n  issuerUri: https://i.example\n",
                   "bare.yaml");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->format, "gcp-provider");
  EXPECT_EQ(bare->trusts.at(0).name, "bare");
  // With no name there is no default audience to compare with.
  Outcome o = Decide(bare->trusts.at(0), GitHubClaims());
  EXPECT_FALSE(o.accepted);
}

// Config Connector (Kubernetes) resources: `spec` is the provider; its name
// comes from the references, known as far as the file tells it.
TEST(GcpProvider, ConfigConnectorResources) {
  const std::string provider = R"(apiVersion: iam.cnrm.cloud.google.com/v1beta1
kind: IAMWorkloadIdentityPoolProvider
metadata:
  name: github-provider
spec:
  projectRef:
    external: projects/PROJECT
  location: global
  workloadIdentityPoolRef:
    name: github-pool
  resourceID: my-repo
  attributeMapping:
    google.subject: assertion.sub
  attributeCondition: assertion.repository_owner == 'octo-org'
  oidc:
    issuerUri: https://token.actions.githubusercontent.com
)";
  const std::string pool = R"(apiVersion: iam.cnrm.cloud.google.com/v1beta1
kind: IAMWorkloadIdentityPool
metadata:
  name: github-pool
spec:
  resourceID: github
  projectRef:
    external: projects/PROJECT
  location: global
---
)";
  struct Case {
    std::string name;
    std::string text;
    Json::Value claims;
    bool accepted;
    std::string reason;
  };
  Json::Value other_owner = GitHubClaims();
  other_owner["repository_owner"] = "evil-org";
  Json::Value other_provider = GitHubClaims();
  other_provider["aud"] = "//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/x/providers/y";
  const std::string numbered =
      pool + std::string(provider).replace(provider.find("projects/PROJECT"), 16, "projects/123456789");
  const std::vector<Case> cases = {
      // The project number is not in the file: the audience is undecided.
      {"project id", pool + provider, GitHubClaims(), false,
       "cannot be decided: the number of project `PROJECT` is not in the file @kcc.yaml:16:3"},
      {"project number", numbered, GitHubClaims(), true, ""},
      {"condition", numbered, other_owner, false,
       "condition `==` on `repository_owner` expects `\"octo-org\"`; token `repository_owner` has `\"evil-org\"` "
       "@kcc.yaml:24:50"},
      {"another provider's audience", pool + provider, other_provider, false,
       "audience (default audience) expects `//iam.googleapis.com/projects/${project_number}/locations/global/"
       "workloadIdentityPools/github/providers/my-repo` or `https://iam.googleapis.com/projects/${project_number}/"
       "locations/global/workloadIdentityPools/github/providers/my-repo`; token `aud` has "
       "`//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/x/providers/y` "
       "@kcc.yaml:16:3"},
      // A constant subject that is not a string: no exchange can succeed.
      {"constant subject",
       std::string(numbered).replace(numbered.find("google.subject: assertion.sub"), 29, "google.subject: \"true\""),
       GitHubClaims(), false, "attribute mapping `google.subject` is the constant `true`, not a string @kcc.yaml:23:21"},
      // The pool is another Kubernetes object, not in this file.
      {"pool elsewhere", provider, GitHubClaims(), false,
       "cannot be decided: the number of project `PROJECT` is not in the file @kcc.yaml:6:3"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto file = Load(c.text, "kcc.yaml");
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ(file->format, "gcp-provider");
    ASSERT_EQ(file->trusts.size(), 1u);  // the pool object is skipped
    EXPECT_EQ(file->trusts[0].name, "my-repo");
    Outcome o = Decide(file->trusts[0], c.claims);
    EXPECT_EQ(o.accepted, c.accepted);
    EXPECT_EQ(o.first_reason, c.reason);
  }
  // Unknowns are reported to lint.
  auto file = Load(provider, "kcc.yaml");
  ASSERT_TRUE(file.ok());
  std::vector<std::string> unresolved;
  for (const LoweringNote& n : file->trusts[0].notes)
    if (n.kind == LoweringNote::Kind::kUnresolved) unresolved.push_back(n.message);
  EXPECT_EQ(unresolved, std::vector<std::string>{"the number of project `PROJECT` is not in the file"});
  EXPECT_EQ(*file->trusts[0].Label("resource_name"),
            "projects/${project_number}/locations/global/workloadIdentityPools/${pool_id}/providers/my-repo");
}

// The examples in corpus/gcp/ with the tokens in corpus/tokens/.
TEST(GcpProvider, CorpusExamples) {
  const std::string root = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/";
  auto read = [&](const std::string& relative) {
    std::ifstream in(root + relative);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  auto decide_all = [&](const std::string& provider, const std::string& token) {
    auto file = Load(read(provider), provider);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    std::string out;
    if (!file.ok()) return out;
    EXPECT_EQ(file->format, "gcp-provider") << provider;
    for (const Trust& trust : file->trusts) {
      EvalOptions options;
      options.now = ParseJson(read(token))["iat"].asInt64();
      Decision d = Evaluate(trust, Claims(ParseJson(read(token))), options);
      out += trust.name + (d.accepted ? ":accept " : ":reject ");
    }
    return out;
  };
  EXPECT_EQ(decide_all("gcp/github-actions.yaml", "tokens/github-actions-gcp.json"), "octo-org:accept ");
  // GitHub's own default audience is not the provider's.
  EXPECT_EQ(decide_all("gcp/github-actions.yaml", "tokens/github-actions-main.json"), "octo-org:reject ");
  EXPECT_EQ(decide_all("gcp/gitlab.json", "tokens/github-actions-gcp.json"), "my-group:reject ");
  EXPECT_EQ(decide_all("gcp/providers-list.yaml", "tokens/terraform-cloud-apply.json"),
            "terraform:accept github-old:reject ");
  EXPECT_EQ(decide_all("gcp/providers-list.yaml", "tokens/github-actions-gcp.json"),
            "terraform:reject github-old:reject ");
}

}  // namespace
}  // namespace trustcheck
