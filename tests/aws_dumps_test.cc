// Tests for AWS CLI dumps (engine/src/formats/aws_dumps.cc, embedded_json):
// get-account-authorization-details with object and URL-encoded documents,
// list-roles with JSON text, get-role, get-open-id-connect-provider and its
// client-ID link; role identity and the account check; locations inside
// encoded strings and located errors.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "formats/aws_oidc_provider.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"
#include "test_support.h"

namespace trustcheck {
namespace {

const std::string kCorpus = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/aws-dumps/";

constexpr const char* kGitHubMain = R"({
  "iss": "https://token.actions.githubusercontent.com",
  "aud": "sts.amazonaws.com",
  "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
  "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567
})";
constexpr const char* kEksToken = R"({
  "iss": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  "aud": ["sts.amazonaws.com"],
  "sub": "system:serviceaccount:default:my-service-account",
  "nbf": 1700000000, "exp": 1700003600, "iat": 1700000000
})";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Decision Eval(const Trust& trust, const std::string& token, int64_t at) { return testing::EvalToken(trust, token, at); }

std::string Where(const SourceLoc& loc) { return fmt::format("{}:{}", loc.line, loc.column); }

// "line:column" of the first `needle` in line `line` of `text`.
std::string PositionIn(const std::string& text, uint32_t line, const std::string& needle) {
  size_t start = 0;
  for (uint32_t l = 1; l < line; ++l) start = text.find('\n', start) + 1;
  size_t at = text.find(needle, start);
  return fmt::format("{}:{}", line, at - start + 1);
}

std::string ReadCorpus(const std::string& name) {
  std::string path = kCorpus + name;
  FILE* f = std::fopen(path.c_str(), "rb");
  std::string text;
  char buf[4096];
  for (size_t n; f && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  if (f) std::fclose(f);
  return text;
}

LoadResult LoadAll(const std::vector<std::string>& paths) { return testing::LoadPathsOrFail(paths); }
const Trust* Find(const LoadResult& r, const std::string& name) { return testing::FindTrust(r, name); }

TEST(AwsDumps, AccountAuthorizationDetails) {
  LoadResult r = LoadAll({kCorpus + "account-authorization-details.json"});
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].format, "aws-iam-dump");
  std::vector<std::string> trusts;
  for (const Trust& t : r.files[0].trusts) trusts.push_back(fmt::format("{} {} {}", Where(t.loc), t.name, t.arn));
  EXPECT_EQ(trusts, (std::vector<std::string>{
                        "7:13 github-actions-deploy arn:aws:iam::111122223333:role/github-actions-deploy",
                        "39:13 eks-pod-role arn:aws:iam::111122223333:role/eks-pod-role",
                        "52:13 foreign-provider-role arn:aws:iam::111122223333:role/foreign-provider-role",
                        "81:13 ec2-instance-role arn:aws:iam::111122223333:role/service-role/ec2-instance-role"}));
  const int64_t at = 1632493000;
  const Trust* deploy = Find(r, "github-actions-deploy");
  const Trust* foreign = Find(r, "foreign-provider-role");
  const Trust* ec2 = Find(r, "ec2-instance-role");
  ASSERT_TRUE(deploy && foreign && ec2);
  EXPECT_EQ(*deploy->Label("role-id"), "AROADBQP57FF2AEXAMPLE");
  EXPECT_TRUE(Eval(*deploy, kGitHubMain, at).accepted);
  // The provider ARN names another account than the role's own.
  Decision d = Eval(*foreign, kGitHubMain, at);
  EXPECT_FALSE(d.accepted);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(Where(d.reasons[0].loc), "62:42");
  EXPECT_EQ(d.reasons[0].message,
            "statement #1: OIDC provider account `444455556666` is not the role's account `111122223333`");
  Decision service = Eval(*ec2, kGitHubMain, at);
  EXPECT_FALSE(service.accepted);
  ASSERT_FALSE(service.reasons.empty());
  EXPECT_EQ(Where(service.reasons[0].loc), "90:50");
}

TEST(AwsDumps, UrlEncodedDocumentIsLocatedInsideTheString) {
  const std::string text = ReadCorpus("account-authorization-details.json");
  LoadResult r = LoadAll({kCorpus + "account-authorization-details.json"});
  const Trust* pod = Find(r, "eks-pod-role");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(*pod->Label("policy-encoding"), "url");
  const int64_t at = 1700000100;
  EXPECT_TRUE(Eval(*pod, kEksToken, at).accepted);
  Decision other = Eval(*pod, Replace(kEksToken, "default:my-service-account", "default:other"), at);
  EXPECT_FALSE(other.accepted);
  ASSERT_FALSE(other.reasons.empty());
  // At the `%22` that opens the condition key inside the encoded string.
  EXPECT_EQ(Where(other.reasons[0].loc),
            PositionIn(text, 43, "%22oidc.eks.us-east-1.amazonaws.com%2Fid%2FEXAMPLED539D4633E53DE1B71EXAMPLE%3Asub"));
}

TEST(AwsDumps, ListRolesAndGetRole) {
  LoadResult r = LoadAll({kCorpus + "list-roles.json", kCorpus + "get-role.json"});
  const Trust* spacelift = Find(r, "spacelift-space");
  const Trust* tfc = Find(r, "terraform-cloud-workspace");
  ASSERT_TRUE(spacelift && tfc);
  EXPECT_EQ(tfc->arn, "arn:aws:iam::111122223333:role/terraform-cloud-workspace");
  EXPECT_EQ(Where(tfc->loc), "4:9");
  EXPECT_EQ(spacelift->Label("policy-encoding"), nullptr);  // plain JSON text
  constexpr const char* kSpacelift = R"({"iss": "https://demo.app.spacelift.io", "aud": "demo.app.spacelift.io",
    "sub": "space:legacy:stack:infra:run_type:TRACKED:scope:write", "iat": 1674194400, "exp": 1674198000})";
  EXPECT_TRUE(Eval(*spacelift, kSpacelift, 1674195000).accepted);
  Decision d = Eval(*spacelift, Replace(kSpacelift, "space:legacy:", "space:prod:"), 1674195000);
  EXPECT_FALSE(d.accepted);
  ASSERT_FALSE(d.reasons.empty());
  // The key `demo.app.spacelift.io:sub` inside the escaped string on line 9.
  EXPECT_EQ(Where(d.reasons[0].loc), PositionIn(ReadCorpus("list-roles.json"), 9, "\\\"demo.app.spacelift.io:sub"));
  constexpr const char* kTfc = R"({"iss": "https://app.terraform.io", "aud": "aws.workload.identity",
    "sub": "organization:my-org:project:Default Project:workspace:my-workspace:run_phase:apply",
    "iat": 1650486122, "nbf": 1650486117, "exp": 1650486422})";
  EXPECT_TRUE(Eval(*tfc, kTfc, 1650486200).accepted);
}

TEST(AwsDumps, ProviderDescriptionAddsTheClientIdCheck) {
  LoadResult r = LoadAll({kCorpus + "github-oidc-provider.json", kCorpus + "account-authorization-details.json"});
  ASSERT_EQ(r.files.size(), 2u);
  const LoadedFile& provider = r.files[0];  // in the order the paths were given
  ASSERT_EQ(provider.facts.size(), 1u);
  EXPECT_EQ(provider.facts[0].kind, aws::kOidcProviderFactKind);
  EXPECT_EQ(provider.facts[0].key, "token.actions.githubusercontent.com");
  const Trust* deploy = Find(r, "github-actions-deploy");
  ASSERT_NE(deploy, nullptr);
  const int64_t at = 1632493000;
  EXPECT_TRUE(Eval(*deploy, kGitHubMain, at).accepted);
  Decision d = Eval(*deploy, Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"https://github.com/octo-org\""), at);
  EXPECT_FALSE(d.accepted);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(Where(d.reasons[0].loc), "3:5");
  EXPECT_EQ(d.reasons[0].message,
            "statement #1: audience (OIDC provider client ID list) expects `sts.amazonaws.com`; token `aud` has "
            "`https://github.com/octo-org`");
}

TEST(AwsDumps, ErrorsAreLocated) {
  struct Case {
    const char* name;
    std::string text;
    std::string error;
  };
  const std::string role_prefix = "{\"Role\": {\"RoleName\": \"r\",\n \"AssumeRolePolicyDocument\": ";
  const std::vector<Case> cases = {
      // `%22Version%22` ... with the `,` between the two members dropped.
      {"broken encoded JSON",
       role_prefix + "\"%7B%22Version%22%3A%222012-10-17%22%22Statement%22%3A%5B%5D%7D\"}}",
       "dump.json:2:66: error: invalid JSON in `AssumeRolePolicyDocument`: missing ',' or '}' in object "
       "declaration"},
      {"bad percent escape", role_prefix + "\"%7B%2\"}}",
       "dump.json:2:34: error: invalid percent-encoding in `AssumeRolePolicyDocument`"},
      {"not JSON inside", role_prefix + "\"hello\"}}",
       "dump.json:2:31: error: `AssumeRolePolicyDocument` does not hold a JSON document"},
      {"escaped JSON text with an error", role_prefix + "\"{\\\"Version\\\": }\"}}",
       "dump.json:2:45: error: invalid JSON in `AssumeRolePolicyDocument`: syntax error: value, object or array "
       "expected"},
      {"no document", "{\"Role\": {\"RoleName\": \"r\", \"AssumeRolePolicyDocument\": 1}}",
       "dump.json:1:56: error: trust policy must be a JSON object"},
      {"role without policy", "{\"RoleDetailList\": [{\"RoleName\": \"r\"}]}",
       "dump.json:1:22: error: role `r` has no `AssumeRolePolicyDocument`"},
      {"malformed policy", role_prefix + "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Maybe\"}}}}",
       "dump.json:2:69: error: statement has no `Principal`"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto f = LoadText("dump.json", c.text, {});
    ASSERT_FALSE(f.ok()) << c.text;
    EXPECT_EQ(f.status().ToString(), c.error) << c.text;
  }
}

TEST(AwsDumps, DuplicateKeysBelongToTheirRole) {
  const std::string text = R"({"RoleDetailList": [
  {"RoleName": "a", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}},
  {"RoleName": "b", "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%2C%22Statement%22%3A%5B%5D%7D"}
]})";
  LoadOptions options;
  options.malformed_is_error = false;
  auto f = LoadText("dump.json", text, options);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 2u);
  std::vector<std::string> a, b;
  for (const LoweringNote& n : f->trusts[0].notes)
    if (n.kind == LoweringNote::Kind::kDuplicateKey) a.push_back(Where(n.loc) + " " + n.key);
  for (const LoweringNote& n : f->trusts[1].notes)
    if (n.kind == LoweringNote::Kind::kDuplicateKey) b.push_back(Where(n.loc) + " " + n.key);
  EXPECT_EQ(a, std::vector<std::string>{"2:50 Version"});
  EXPECT_EQ(b, std::vector<std::string>{"3:53 Statement"});
}

}  // namespace
}  // namespace trustcheck

namespace trustcheck {
namespace {

// A list-roles dump of `n` roles, one per line; the roles in `broken` have
// no policy document.
std::string ManyRoles(size_t n, const std::vector<size_t>& broken) {
  std::string text = "{\"Roles\": [\n";
  for (size_t i = 0; i < n; ++i) {
    bool bad = std::find(broken.begin(), broken.end(), i) != broken.end();
    text += fmt::format(
        "{}{{\"RoleName\": \"r{}\", \"Arn\": \"arn:aws:iam::123456789012:role/r{}\"{}}}\n", i ? "," : "", i, i,
        bad ? ""
            : fmt::format(", \"AssumeRolePolicyDocument\": {{\"Version\": \"2012-10-17\", \"Statement\": "
                          "[{{\"Effect\": \"Allow\", \"Principal\": {{\"Federated\": "
                          "\"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\"}}, "
                          "\"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": {{\"StringEquals\": "
                          "{{\"token.actions.githubusercontent.com:sub\": \"repo:acme/app{}:ref:refs/heads/main\"}}}}}}]}}",
                          i));
  }
  return text + "]}\n";
}

// Large dumps lower their roles on several threads: the result, and the
// first error, must not depend on how many.
TEST(AwsDumps, ManyRolesLoadTheSameOnAnyNumberOfThreads) {
  const std::string good = ManyRoles(700, {});
  std::vector<std::string> dumps;
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    LoadOptions options;
    options.threads = threads;
    auto f = LoadText("roles.json", good, options);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_EQ(f->trusts.size(), 700u);
    std::string all;
    for (const Trust& t : f->trusts) all += t.name + " " + t.loc.ToString() + " " + Dump(t) + "\n";
    dumps.push_back(all);
    EXPECT_EQ(f->trusts[431].name, "r431");
    EXPECT_EQ(Eval(f->trusts[431],
                   Replace(kGitHubMain, "repo:octo-org/octo-repo", "repo:acme/app431"), 1632493600)
                  .outcome,
              Outcome::kAllowed);
    auto bad = LoadText("roles.json", ManyRoles(700, {650, 333, 420}), options);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().ToString(), "roles.json:335:3: error: role `r333` has no `AssumeRolePolicyDocument`");
  }
  EXPECT_EQ(dumps[0], dumps[1]);
  EXPECT_EQ(dumps[0], dumps[2]);
}

}  // namespace
}  // namespace trustcheck
