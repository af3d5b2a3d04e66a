// Conformance tests for AWS IAM role trust policies (engine/src/formats/
// aws_policy.cc, engine/src/aws/condition_keys.cc, engine/src/evaluate.cc):
// one table row per rule of docs/semantics-aws.md, taken from AWS's
// own documented examples where there is one (the condition-operator and
// multivalued-key references, the GitHub, EKS and Cognito trust policies),
// asserting the exact decision and, for refusals, the exact first reason and
// its line:column. Then the lowering (Dump), malformed policies (exact error
// and location) and duplicate keys.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <json/json.h>

#include <string>
#include <vector>

#include "formats/aws_policy.h"
#include "source_text.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

constexpr int64_t kNow = 1632493600;  // inside the example tokens' nbf..exp

// GitHub's example OIDC token (docs.github.com, "About security hardening
// with OpenID Connect"), with the audience AWS's action requests.
constexpr const char* kGitHubToken = R"({
  "iss": "https://token.actions.githubusercontent.com",
  "aud": "sts.amazonaws.com",
  "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
  "repository": "octo-org/octo-repo",
  "repository_owner": "octo-org",
  "repository_id": "74",
  "ref": "refs/heads/main",
  "environment": "prod",
  "actor": "octocat",
  "job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
  "nbf": 1632492967,
  "exp": 1632493867,
  "iat": 1632493567
})";

// Merges `overrides` (a JSON object) into `base`; a member whose value is the
// string "<delete>" is removed.
std::string Merge(const std::string& base, const std::string& overrides) {
  Json::Value b, o;
  Json::Reader().parse(base, b);
  if (!overrides.empty() && !Json::Reader().parse(overrides, o)) ADD_FAILURE() << "bad overrides: " << overrides;
  for (const std::string& k : o.getMemberNames()) {
    if (o[k].isString() && o[k].asString() == "<delete>") b.removeMember(k);
    else b[k] = o[k];
  }
  Json::StreamWriterBuilder w;
  w["indentation"] = "";
  return Json::writeString(w, b);
}

std::string GitHub(const std::string& overrides = "") { return Merge(kGitHubToken, overrides); }

constexpr const char* kGitHubProvider =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

// GitHub's documented trust policy shape ("Configuring OpenID Connect in
// Amazon Web Services") with `condition` (one line of JSON) on line 7.
std::string GitHubPolicy(const std::string& condition, const std::string& version = "2012-10-17") {
  return std::string("{\n") +                                                     // 1
         "  \"Version\": \"" + version + "\",\n" +                                 // 2
         "  \"Statement\": [{\n" +                                                 // 3
         "    \"Effect\": \"Allow\",\n" +                                          // 4
         "    \"Principal\": {\"Federated\": \"" + kGitHubProvider + "\"},\n" +     // 5
         "    \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n" +                  // 6
         "    \"Condition\": " + condition + "\n" +                                // 7
         "  }]\n" +
         "}\n";
}

Result<LoadedFile> Load(const std::string& text, bool malformed_is_error = true) {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return LoadText("policy.json", text, options);
}

Trust LoadPolicy(const std::string& text) {
  auto file = Load(text);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok() || file->trusts.size() != 1) return Trust();
  return file->trusts.front();
}

Claims ParseClaims(const std::string& json) {
  auto token = DecodeToken(json, "token.json");
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? token->claims : Claims();
}

std::string Located(const Reason& r) { return fmt::format("{}:{}: {}", r.loc.line, r.loc.column, r.message); }

struct Case {
  const char* name;
  std::string policy;
  std::string token;
  const char* outcome;  // "allowed", "implicit deny", "explicit deny"
  std::string reason;   // the first reason, "line:column: message"
};

void Check(const Case& c) {
  SCOPED_TRACE(c.name);
  Trust trust = LoadPolicy(c.policy);
  Decision d = Evaluate(trust, ParseClaims(c.token), EvalOptions{kNow});
  EXPECT_EQ(OutcomeName(d.outcome), std::string(c.outcome));
  EXPECT_EQ(d.accepted, std::string(c.outcome) == "allowed");
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(Located(d.reasons.front()), c.reason);
}

// ---------------------------------------------------------------------------
// Policy grammar and statement evaluation.

TEST(AwsPolicy, DocumentedGitHubTrustPolicy) {
  const std::string policy = GitHubPolicy(
      R"({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, )"
      R"("StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"}})");
  const Case cases[] = {
      {"the documented token", policy, GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"another repository", policy, GitHub(R"({"sub": "repo:octo-org/other:ref:refs/heads/main"})"), "implicit deny",
       "7:116: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/octo-repo:*`; token `sub` is `repo:octo-org/other:ref:refs/heads/main`"},
      {"another audience", policy, GitHub(R"({"aud": "https://github.com/octo-org"})"), "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:aud` expects "
       "`sts.amazonaws.com`; token `aud` is `https://github.com/octo-org`"},
      {"another issuer", policy, GitHub(R"({"iss": "https://gitlab.com"})"), "implicit deny",
       "5:32: statement #1: Federated principal trusts issuer `https://token.actions.githubusercontent.com`; token "
       "`iss` is `https://gitlab.com`"},
      {"the issuer differs in case only", policy, GitHub(R"({"iss": "https://Token.Actions.GitHubUserContent.com"})"),
       "implicit deny",
       "5:32: statement #1: Federated principal trusts issuer `https://token.actions.githubusercontent.com`; token "
       "`iss` is `https://Token.Actions.GitHubUserContent.com` (differs only in letter case)"},
      {"no iss", policy, GitHub(R"({"iss": "<delete>"})"), "implicit deny",
       "5:32: statement #1: Federated principal trusts issuer `https://token.actions.githubusercontent.com`; the "
       "token has no `iss`"},
  };
  for (const Case& c : cases) Check(c);
}

// Grammar: "If the element takes an array ... but only one value is
// included, the brackets are optional"; Statement may be one object.
TEST(AwsPolicy, SingleValuesAndStatementObject) {
  const std::string object_statement = R"({
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Principal": {"Federated": [")" + std::string(kGitHubProvider) + R"("]},
    "Action": ["sts:AssumeRoleWithWebIdentity"],
    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"]}}
  }
})";
  Check({"lists of one and a statement object", object_statement, GitHub(), "allowed",
         "3:16: allowed by statement #1"});
}

// Evaluation logic: "An explicit deny in any policy overrides any allows";
// "By default, all requests are implicitly denied".
// A Deny with a negated operator applies when the key is missing ("the
// request is still denied even if the tag is missing"), and says why.
TEST(AwsPolicy, DenyOnMissingKey) {
  const std::string policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"Federated": ")" + std::string(kGitHubProvider) + R"("},
     "Action": "sts:AssumeRoleWithWebIdentity"},
    {"Sid": "OnlyProd", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringNotEqualsIfExists": {"token.actions.githubusercontent.com:environment": "prod"},
                   "StringNotEquals": {"token.actions.githubusercontent.com:environment": "prod"}}}
  ]
})";
  const Case cases[] = {
      {"prod", policy, GitHub(), "allowed", "4:5: allowed by statement #1"},
      {"no environment", policy, GitHub(R"({"environment": "<delete>"})"), "explicit deny",
       "6:5: denied by statement `OnlyProd`; condition `StringNotEqualsIfExists` on "
       "`token.actions.githubusercontent.com:environment` holds: the token does not set "
       "`token.actions.githubusercontent.com:environment`; condition `StringNotEquals` on "
       "`token.actions.githubusercontent.com:environment` holds: the token does not set "
       "`token.actions.githubusercontent.com:environment`"},
      {"dev", policy, GitHub(R"({"environment": "dev"})"), "explicit deny",
       "6:5: denied by statement `OnlyProd`; condition `StringNotEqualsIfExists` on "
       "`token.actions.githubusercontent.com:environment` holds: token `environment` is `dev`; condition "
       "`StringNotEquals` on `token.actions.githubusercontent.com:environment` holds: token `environment` is `dev`"},
  };
  for (const Case& c : cases) Check(c);
}

TEST(AwsPolicy, ExplicitDenyOverridesAllow) {
  const std::string policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowOrg", "Effect": "Allow", "Principal": {"Federated": ")" + std::string(kGitHubProvider) + R"("},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}},
    {"Sid": "DenyPullRequests", "Effect": "Deny", "Principal": "*", "Action": "sts:*",
     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "*:pull_request"}}}
  ]
})";
  const Case cases[] = {
      {"allowed", policy, GitHub(), "allowed", "4:5: allowed by statement `AllowOrg`"},
      {"denied", policy, GitHub(R"({"sub": "repo:octo-org/octo-repo:pull_request"})"), "explicit deny",
       "7:5: denied by statement `DenyPullRequests`; condition `StringLike` on "
       "`token.actions.githubusercontent.com:sub` holds: token `sub` is `repo:octo-org/octo-repo:pull_request`"},
      {"no statement applies", policy, GitHub(R"({"sub": "repo:evil/octo-repo:ref:refs/heads/main"})"),
       "implicit deny",
       "6:35: statement `AllowOrg`: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/*`; token `sub` is `repo:evil/octo-repo:ref:refs/heads/main`"},
  };
  for (const Case& c : cases) Check(c);
}

// Principal element: Federated (string or list, OR-ed), built-in providers by
// their bare names, `*` and {"AWS": "*"} for everyone; other principal types
// never match a web identity.
TEST(AwsPolicy, PrincipalForms) {
  auto with_principal = [](const std::string& principal) {
    return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": " + principal +
           ", \"Action\": \"sts:AssumeRoleWithWebIdentity\"}]\n}";
  };
  const std::string cognito = R"({"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-1:pool", "sub": "x"})";
  const Case cases[] = {
      {"a list of providers", with_principal(R"({"Federated": ["arn:aws:iam::123456789012:oidc-provider/app.terraform.io", ")" +
                                             std::string(kGitHubProvider) + "\"]}"),
       GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"none of the providers", with_principal(R"({"Federated": ["arn:aws:iam::123456789012:oidc-provider/app.terraform.io", "accounts.google.com"]})"),
       GitHub(), "implicit deny",
       "3:65: statement #1: Federated principal trusts issuer `https://app.terraform.io`; token `iss` is "
       "`https://token.actions.githubusercontent.com`"},
      {"everyone", with_principal(R"("*")"), GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"everyone, AWS form", with_principal(R"({"AWS": "*"})"), GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"an account is not a web identity", with_principal(R"({"AWS": "arn:aws:iam::123456789012:root"})"), GitHub(),
       "implicit deny",
       "3:58: statement #1: principal `AWS` `arn:aws:iam::123456789012:root` is not a web identity provider"},
      {"a built-in provider", with_principal(R"({"Federated": "cognito-identity.amazonaws.com"})"), cognito, "allowed",
       "3:17: allowed by statement #1"},
      {"built-in names are case-sensitive", with_principal(R"({"Federated": "Cognito-Identity.amazonaws.com"})"),
       cognito, "implicit deny",
       "3:64: statement #1: Federated principal `Cognito-Identity.amazonaws.com` is not a built-in web identity "
       "provider (names are case-sensitive)"},
      {"a SAML provider", with_principal(R"({"Federated": "arn:aws:iam::123456789012:saml-provider/corp"})"),
       GitHub(), "implicit deny",
       "3:64: statement #1: SAML provider `arn:aws:iam::123456789012:saml-provider/corp` does not accept OIDC "
       "tokens"},
  };
  for (const Case& c : cases) Check(c);
}

// The provider ARN's account must be the role's when the role is known.
TEST(AwsPolicy, ProviderAccountCheckedAgainstRoleArn) {
  const std::string text = GitHubPolicy(R"({})");
  SourceText source("role.json", text);
  auto json = ParseJson(source, JsonLimits{});
  ASSERT_TRUE(json.ok());
  JsonTextLocator locator(source);
  for (const auto& [arn, outcome] : std::vector<std::pair<std::string, std::string>>{
           {"arn:aws:iam::123456789012:role/deploy", "allowed"},
           {"arn:aws:iam::999999999999:role/deploy", "implicit deny"},
           {"", "allowed"}}) {
    SCOPED_TRACE(arn);
    aws::TrustPolicyInput input;
    input.policy = &*json;
    input.locator = &locator;
    input.format = "aws-policy";
    input.arn = arn;
    auto trust = aws::LowerTrustPolicy(std::move(input));
    ASSERT_TRUE(trust.ok());
    Decision d = Evaluate(*trust, ParseClaims(GitHub()), EvalOptions{kNow});
    EXPECT_EQ(OutcomeName(d.outcome), std::string(outcome));
    if (outcome != "allowed") {
      EXPECT_EQ(Located(d.reasons.front()),
                "5:32: statement #1: OIDC provider account `123456789012` is not the role's account `999999999999`");
    }
  }
}

// Action element: "The prefix and the action name are case insensitive";
// `*` and `?` wildcards; NotAction matches every other action.
TEST(AwsPolicy, ActionAndNotAction) {
  auto with_action = [](const std::string& action) {
    return std::string("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", ") +
           "\"Principal\": {\"Federated\": \"" + kGitHubProvider + "\"}, " + action + "}]\n}";
  };
  const Case cases[] = {
      {"case-insensitive", with_action(R"("Action": "STS:assumerolewithwebidentity")"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"service wildcard", with_action(R"("Action": "sts:*")"), GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"prefix wildcard", with_action(R"("Action": "sts:AssumeRole*")"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"one-character wildcard", with_action(R"("Action": "sts:AssumeRoleWith?ebIdentity")"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"everything", with_action(R"("Action": "*")"), GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"the service prefix takes no wildcard", with_action(R"("Action": ["st?:AssumeRoleWithWebIdentity", "*:*"])"),
       GitHub(), "implicit deny",
       "3:154: statement #1: Action `st?:AssumeRoleWithWebIdentity` and `*:*` does not cover "
       "`sts:AssumeRoleWithWebIdentity`"},
      {"another action", with_action(R"("Action": ["sts:AssumeRole", "sts:TagSession"])"), GitHub(),
       "implicit deny",
       "3:154: statement #1: Action `sts:AssumeRole` and `sts:TagSession` does not cover "
       "`sts:AssumeRoleWithWebIdentity`"},
      {"not the excluded action", with_action(R"("NotAction": "sts:TagSession")"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"the excluded action", with_action(R"("NotAction": "sts:AssumeRoleWith*")"), GitHub(), "implicit deny",
       "3:157: statement #1: NotAction `sts:AssumeRoleWith*` excludes `sts:AssumeRoleWithWebIdentity`"},
  };
  for (const Case& c : cases) Check(c);
}

// IAM User Guide, "Passing session tags using AssumeRoleWithWebIdentity": a
// token with session tags also needs sts:TagSession; aws:RequestTag/<key>,
// aws:TagKeys and sts:TransitiveTagKeys come from the tags claim.
TEST(AwsPolicy, SessionTagsNeedTagSession) {
  const std::string tagged = GitHub(R"({"https://aws.amazon.com/tags": {
      "principal_tags": {"Project": ["Automation"], "CostCenter": ["987654"]},
      "transitive_tag_keys": ["Project", "CostCenter"]}})");
  auto with_action = [](const std::string& action, const std::string& condition = "{}") {
    return std::string("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", ") +
           "\"Principal\": {\"Federated\": \"" + kGitHubProvider + "\"},\n    \"Action\": " + action +
           ",\n    \"Condition\": " + condition + "}]\n}";
  };
  const Case cases[] = {
      {"untagged token, one action", with_action(R"("sts:AssumeRoleWithWebIdentity")"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"tagged token, one action", with_action(R"("sts:AssumeRoleWithWebIdentity")"), tagged, "implicit deny",
       "1:1: the token carries `https://aws.amazon.com/tags`, so the trust must also allow `sts:TagSession`"},
      {"tagged token, both actions", with_action(R"(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])"), tagged,
       "allowed", "3:17: allowed by statement #1"},
      {"request tag, key case ignored",
       with_action(R"(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])",
                   R"({"StringEquals": {"aws:RequestTag/project": "Automation"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["Project", "CostCenter"]}, "ForAnyValue:StringEquals": {"sts:TransitiveTagKeys": "CostCenter"}})"),
       tagged, "allowed", "3:17: allowed by statement #1"},
      {"tag keys form a set",
       with_action(R"(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])",
                   R"({"StringEquals": {"aws:TagKeys": "Project"}})"),
       Merge(tagged, R"({"https://aws.amazon.com/tags": {"principal_tags": {"Project": ["Automation"]}}})"),
       "implicit deny",
       "5:36: for `sts:AssumeRoleWithWebIdentity`, statement #1: condition `StringEquals` on `aws:TagKeys` reads a "
       "single value, but the token's `aws:TagKeys` is a set (`Project`); a set needs ForAnyValue or ForAllValues"},
  };
  for (const Case& c : cases) Check(c);
}

// ---------------------------------------------------------------------------
// The condition block.

// "Multiple condition operators ... logical AND"; "multiple context keys
// attached to a single condition operator ... AND"; "multiple values for a
// context key ... OR"; negated operators: "logical NOR".
TEST(AwsPolicy, AndAndOrNor) {
  const std::string and_or = GitHubPolicy(
      R"({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", )"
      R"("token.actions.githubusercontent.com:repository": ["octo-org/other", "octo-org/octo-repo"]}, )"
      R"("StringLike": {"token.actions.githubusercontent.com:ref": "refs/heads/*"}})");
  const std::string nor = GitHubPolicy(
      R"({"StringNotEquals": {"token.actions.githubusercontent.com:environment": ["prod", "staging"]}})");
  const Case cases[] = {
      {"all hold", and_or, GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"the second key fails", and_or, GitHub(R"({"repository": "octo-org/third"})"), "implicit deny",
       "7:100: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:repository` expects "
       "`octo-org/other` or `octo-org/octo-repo`; token `repository` is `octo-org/third`"},
      {"the second operator fails", and_or, GitHub(R"({"ref": "refs/tags/v1"})"), "implicit deny",
       "7:208: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:ref` expects "
       "`refs/heads/*`; token `ref` is `refs/tags/v1`"},
      {"NOR: a listed value", nor, GitHub(R"({"environment": "staging"})"), "implicit deny",
       "7:39: statement #1: condition `StringNotEquals` on `token.actions.githubusercontent.com:environment` "
       "refuses `prod` and `staging`; token `environment` is `staging`"},
      {"NOR: another value", nor, GitHub(R"({"environment": "dev"})"), "allowed", "3:17: allowed by statement #1"},
  };
  for (const Case& c : cases) Check(c);
}

// The string operators of the condition-operator reference.
TEST(AwsPolicy, StringOperators) {
  const std::string key = "token.actions.githubusercontent.com:sub";
  auto with = [&](const std::string& op, const std::string& value) {
    return GitHubPolicy("{\"" + op + "\": {\"" + key + "\": " + value + "}}");
  };
  const std::string sub = GitHub(R"({"sub": "repo:Octo-Org/octo-repo:ref:refs/heads/main"})");
  const Case cases[] = {
      {"StringEquals is case-sensitive", with("StringEquals", R"("repo:octo-org/octo-repo:ref:refs/heads/main")"), sub,
       "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/octo-repo:ref:refs/heads/main`; token `sub` is `repo:Octo-Org/octo-repo:ref:refs/heads/main` "
       "(differs only in letter case)"},
      {"StringEquals takes * literally", with("StringEquals", R"("repo:Octo-Org/*")"), sub, "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:Octo-Org/*`; token `sub` is `repo:Octo-Org/octo-repo:ref:refs/heads/main`"},
      {"StringEqualsIgnoreCase", with("StringEqualsIgnoreCase", R"("REPO:octo-org/OCTO-REPO:ref:refs/heads/main")"),
       sub, "allowed", "3:17: allowed by statement #1"},
      {"StringNotEquals", with("StringNotEquals", R"("repo:octo-org/octo-repo:ref:refs/heads/main")"), sub, "allowed",
       "3:17: allowed by statement #1"},
      {"StringNotEqualsIgnoreCase", with("StringNotEqualsIgnoreCase", R"("repo:octo-org/octo-repo:ref:refs/heads/main")"),
       sub, "implicit deny",
       "7:49: statement #1: condition `StringNotEqualsIgnoreCase` on `token.actions.githubusercontent.com:sub` "
       "refuses `repo:octo-org/octo-repo:ref:refs/heads/main`; token `sub` is "
       "`repo:Octo-Org/octo-repo:ref:refs/heads/main`"},
      {"StringLike is case-sensitive", with("StringLike", R"("repo:octo-org/*")"), sub, "implicit deny",
       "7:34: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/*`; token `sub` is `repo:Octo-Org/octo-repo:ref:refs/heads/main` (differs only in letter "
       "case)"},
      {"StringNotLike", with("StringNotLike", R"(["repo:Octo-Org/*:pull_request", "*:environment:*"])"), sub,
       "allowed", "3:17: allowed by statement #1"},
      {"operator names ignore case", with("stringequalsignorecase", R"("repo:octo-org/octo-repo:ref:refs/heads/main")"),
       sub, "allowed", "3:17: allowed by statement #1"},
  };
  for (const Case& c : cases) Check(c);
}

// StringLike: `*` any run including none, across `:` and `/`; `?` exactly
// one character; the whole value; `${*}` `${?}` `${$}` are literals under
// Version 2012-10-17 only.
TEST(AwsPolicy, StringLikeWildcards) {
  auto like = [](const std::string& pattern, const std::string& version = "2012-10-17") {
    return GitHubPolicy(R"({"StringLike": {"token.actions.githubusercontent.com:sub": ")" + pattern + "\"}}", version);
  };
  auto sub = [](const std::string& value) { return GitHub("{\"sub\": \"" + value + "\"}"); };
  const Case cases[] = {
      {"* crosses : and /", like("repo:*:ref:refs/heads/main"), GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"* matches nothing", like("repo:octo-org/octo-repo:*"), sub("repo:octo-org/octo-repo:"), "allowed",
       "3:17: allowed by statement #1"},
      {"? is one character", like("repo:octo-org/octo-repo:ref:refs/heads/ma?n"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"? is one multibyte character", like("team:?quipe"), sub("team:équipe"), "allowed",
       "3:17: allowed by statement #1"},
      {"? is not zero characters", like("repo:octo-org/octo-repo:ref:refs/heads/main?"), GitHub(), "implicit deny",
       "7:34: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/octo-repo:ref:refs/heads/main?`; token `sub` is `repo:octo-org/octo-repo:ref:refs/heads/main`"},
      {"the whole value", like("octo-org"), GitHub(), "implicit deny",
       "7:34: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects `octo-org`; "
       "token `sub` is `repo:octo-org/octo-repo:ref:refs/heads/main`"},
      {"${*} is a literal star", like("repo:octo-org/${*}"), sub("repo:octo-org/*"), "allowed",
       "3:17: allowed by statement #1"},
      {"${*} is no wildcard", like("repo:octo-org/${*}"), GitHub(), "implicit deny",
       "7:34: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/${*}`; token `sub` is `repo:octo-org/octo-repo:ref:refs/heads/main`"},
      {"${?} and ${$}", like("a${?}b${$}"), sub("a?b$"), "allowed", "3:17: allowed by statement #1"},
      {"2008-10-17: ${*} is plain text around a wildcard", like("repo:octo-org/${*}", "2008-10-17"),
       sub("repo:octo-org/${x}"), "allowed", "3:17: allowed by statement #1"},
  };
  for (const Case& c : cases) Check(c);
}

// "Condition key names are not case-sensitive"; the prefix is the provider
// URL without https://, path included (EKS), and any trailing slash kept.
TEST(AwsPolicy, ConditionKeyNames) {
  const std::string eks_token = R"({"iss": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    "aud": ["sts.amazonaws.com"], "sub": "system:serviceaccount:default:my-service-account"})";
  // The EKS documentation's IRSA trust policy.
  const std::string eks = R"({
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:my-service-account",
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"}}
  }]
})";
  const std::string slash = R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/auth.example.com/"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"auth.example.com/:aud": "client-1"}}}]
})";
  const Case cases[] = {
      {"key names ignore case",
       GitHubPolicy(R"({"StringEquals": {"TOKEN.Actions.GitHubUserContent.com:SUB": "repo:octo-org/octo-repo:ref:refs/heads/main"}})"),
       GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"EKS: the prefix keeps the path, a one-element aud is its value", eks, eks_token, "allowed",
       "3:17: allowed by statement #1"},
      {"a trailing slash stays in the prefix", slash, R"({"iss": "https://auth.example.com/", "aud": "client-1"})",
       "allowed", "3:17: allowed by statement #1"},
      {"another provider's key is missing",
       GitHubPolicy(R"({"StringEquals": {"app.terraform.io:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}})"),
       GitHub(), "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `app.terraform.io:sub` expects "
       "`repo:octo-org/octo-repo:ref:refs/heads/main`; `app.terraform.io:sub` is a key of another provider than the "
       "token's issuer `https://token.actions.githubusercontent.com`"},
  };
  for (const Case& c : cases) Check(c);
}

// Which claims IAM exposes: aud, sub, azp, amr, email for every provider;
// GitHub's 2026 keys; nothing else.
TEST(AwsPolicy, ExposedClaims) {
  const Case cases[] = {
      {"a GitHub provider-specific key",
       GitHubPolicy(R"({"StringEquals": {"token.actions.githubusercontent.com:job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main"}})"),
       GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"a claim IAM does not expose",
       GitHubPolicy(R"({"StringEquals": {"token.actions.githubusercontent.com:repository_owner": "octo-org"}})"),
       GitHub(), "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:repository_owner` "
       "expects `octo-org`; IAM sets no key `token.actions.githubusercontent.com:repository_owner` from a token"},
      {"an unexposed claim under a negated operator is missing, so true",
       GitHubPolicy(R"({"StringNotEquals": {"token.actions.githubusercontent.com:repository_owner": "octo-org"}})"),
       GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"GitHub keys belong to GitHub only",
       R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"gitlab.com:ref": "main"}}}]
})",
       R"({"iss": "https://gitlab.com", "sub": "project_path:g/p:ref_type:branch:ref:main", "ref": "main"})",
       "implicit deny",
       "5:36: statement #1: condition `StringEquals` on `gitlab.com:ref` expects `main`; IAM sets no key "
       "`gitlab.com:ref` from a token"},
  };
  for (const Case& c : cases) Check(c);
}

// Provider-specific keys since January 2026 (Service Authorization Reference,
// sts:AssumeRoleWithWebIdentity), with the platforms' documented policies:
// CircleCI pins `oidc.circleci.com/project-id`; AWS's GitLab example pins
// `namespace_id` beside `sub`. Each provider's keys are its own: a
// self-managed GitLab exposes only the default keys.
TEST(AwsPolicy, ProviderSpecificKeys) {
  auto policy = [](const std::string& provider, const std::string& condition) {
    return R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/)" +
           provider + R"("},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": )" + condition + "}]\n}";
  };
  const std::string circle_org = "oidc.circleci.com/org/9e6a98cb-e245-4b86-92b9-e44e5c3163b3";
  const std::string circle_token =
      R"({"iss": "https://oidc.circleci.com/org/9e6a98cb-e245-4b86-92b9-e44e5c3163b3", "aud": "9e6a98cb-e245-4b86-92b9-e44e5c3163b3", )"
      R"("sub": "org/9e6a98cb-e245-4b86-92b9-e44e5c3163b3/project/0b7e6f5b-7d6e-4a2c-9f8e-1a2b3c4d5e6f/user/1c2d3e4f-0000-4000-8000-000000000001", )"
      R"("oidc.circleci.com/project-id": "0b7e6f5b-7d6e-4a2c-9f8e-1a2b3c4d5e6f"})";
  const std::string circle_condition =
      R"({"StringEquals": {")" + circle_org + R"(:aud": "9e6a98cb-e245-4b86-92b9-e44e5c3163b3", ")" + circle_org +
      R"(:oidc.circleci.com/project-id": "0b7e6f5b-7d6e-4a2c-9f8e-1a2b3c4d5e6f"}})";
  const std::string gitlab_token =
      R"({"iss": "https://gitlab.com", "aud": "https://gitlab.com", "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main", )"
      R"("namespace_id": "72", "project_id": "20", "ref_protected": "true"})";
  const std::string gitlab_condition =
      R"({"StringEquals": {"gitlab.com:namespace_id": "72", "gitlab.com:project_id": "20", "gitlab.com:ref_protected": "true"}, )"
      R"("StringLike": {"gitlab.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}})";
  const std::string buildkite_token =
      R"({"iss": "https://agent.buildkite.com", "aud": "sts.amazonaws.com", "sub": "organization:acme:pipeline:deploy:ref:refs/heads/main:commit:abc:step:deploy", )"
      R"("organization_slug": "acme", "pipeline_slug": "deploy", "build_branch": "main"})";
  const std::string oci_token =
      R"({"iss": "https://idcs-0123456789abcdef.identity.oraclecloud.com", "aud": "sts.amazonaws.com", "sub": "ocid1.instance", "rpst_id": "ocid1.rpst.oc1..aaaa"})";
  const std::string github_owner = GitHub(R"({"repository_owner_id": "65432"})");
  const Case cases[] = {
      {"CircleCI project id, as CircleCI documents it", policy(circle_org, circle_condition), circle_token, "allowed",
       "3:17: allowed by statement #1"},
      {"CircleCI: another project", policy(circle_org, circle_condition),
       R"({"iss": "https://oidc.circleci.com/org/9e6a98cb-e245-4b86-92b9-e44e5c3163b3", "aud": "9e6a98cb-e245-4b86-92b9-e44e5c3163b3", "sub": "org/x/project/y/user/z", "oidc.circleci.com/project-id": "ffffffff-0000-4000-8000-000000000000"})",
       "implicit deny",
       "5:142: statement #1: condition `StringEquals` on `oidc.circleci.com/org/9e6a98cb-e245-4b86-92b9-e44e5c3163b3:"
       "oidc.circleci.com/project-id` expects `0b7e6f5b-7d6e-4a2c-9f8e-1a2b3c4d5e6f`; token "
       "`oidc.circleci.com/project-id` is `ffffffff-0000-4000-8000-000000000000`"},
      {"GitLab.com namespace and project ids beside sub", policy("gitlab.com", gitlab_condition), gitlab_token,
       "allowed", "3:17: allowed by statement #1"},
      {"GitLab.com: another namespace", policy("gitlab.com", gitlab_condition),
       R"({"iss": "https://gitlab.com", "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main", "namespace_id": "73", "project_id": "20", "ref_protected": "true"})",
       "implicit deny",
       "5:36: statement #1: condition `StringEquals` on `gitlab.com:namespace_id` expects `72`; token "
       "`namespace_id` is `73`"},
      {"a self-managed GitLab exposes only the default keys",
       policy("gitlab.example.com", R"({"StringEquals": {"gitlab.example.com:namespace_id": "72"}})"),
       R"({"iss": "https://gitlab.example.com", "sub": "project_path:g/p:ref_type:branch:ref:main", "namespace_id": "72"})",
       "implicit deny",
       "5:36: statement #1: condition `StringEquals` on `gitlab.example.com:namespace_id` expects `72`; IAM sets no "
       "key `gitlab.example.com:namespace_id` from a token"},
      {"Buildkite organization slug",
       policy("agent.buildkite.com",
              R"({"StringEquals": {"agent.buildkite.com:organization_slug": "acme", "agent.buildkite.com:build_branch": "main"}})"),
       buildkite_token, "allowed", "3:17: allowed by statement #1"},
      {"Oracle Cloud Infrastructure rpst_id",
       policy("idcs-0123456789abcdef.identity.oraclecloud.com",
              R"({"StringEquals": {"idcs-0123456789abcdef.identity.oraclecloud.com:rpst_id": "ocid1.rpst.oc1..aaaa"}})"),
       oci_token, "allowed", "3:17: allowed by statement #1"},
      {"GitHub repository_owner_id",
       policy("token.actions.githubusercontent.com",
              R"({"StringEquals": {"token.actions.githubusercontent.com:repository_owner_id": "65432"}})"),
       github_owner, "allowed", "3:17: allowed by statement #1"},
      {"GitHub on GHE.com",
       policy("token.actions.acme.ghe.com", R"({"StringEquals": {"token.actions.acme.ghe.com:repository_id": "123"}})"),
       R"({"iss": "https://token.actions.acme.ghe.com", "sub": "repo:acme/app:ref:refs/heads/main", "repository_id": "123"})",
       "allowed", "3:17: allowed by statement #1"},
      {"a key of another provider's list is not exposed",
       policy("agent.buildkite.com", R"({"StringEquals": {"agent.buildkite.com:namespace_id": "72"}})"),
       R"({"iss": "https://agent.buildkite.com", "sub": "organization:acme:pipeline:p:ref:r:commit:c:step:s", "namespace_id": "72"})",
       "implicit deny",
       "5:36: statement #1: condition `StringEquals` on `agent.buildkite.com:namespace_id` expects `72`; IAM sets no "
       "key `agent.buildkite.com:namespace_id` from a token"},
  };
  for (const Case& c : cases) Check(c);
}

// AWS lists `accounts.google.com:google/organization_number` without naming
// the claim it reads: a condition on it cannot be decided, never accepts.
TEST(AwsPolicy, KeyWithUndocumentedClaimCannotBeDecided) {
  const std::string policy = R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"accounts.google.com:aud": "client.apps"},
                  "NumericEquals": {"accounts.google.com:google/organization_number": "123456789"}}}]
})";
  Trust trust = LoadPolicy(policy);
  Decision d = Evaluate(trust, ParseClaims(R"({"iss": "https://accounts.google.com", "aud": "client.apps", "sub": "1", "google": {"organization_number": 123456789}})"),
                        EvalOptions{kNow});
  EXPECT_EQ(d.outcome, Outcome::kUnknown);
  EXPECT_FALSE(d.accepted);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(Located(d.reasons.front()),
            "6:37: statement #1: cannot be decided: AWS lists `accounts.google.com:google/organization_number` as a "
            "condition key but does not say which token claim it reads");
}

// Built-in providers: Google's aud is the token's azp when present, else its
// aud; oaud is always its aud. Cognito's amr is multi-valued (AWS's example:
// ForAnyValue:StringLike ... "unauthenticated").
TEST(AwsPolicy, BuiltInProviderKeys) {
  auto google = [](const std::string& condition) {
    return R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": )" + condition + "}]\n}";
  };
  const std::string with_azp = R"({"iss": "https://accounts.google.com", "azp": "client.apps", "aud": "server.apps", "sub": "1"})";
  const std::string without_azp = R"({"iss": "accounts.google.com", "aud": "server.apps", "sub": "1"})";
  const std::string cognito_policy = R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-2:pool"},
                  "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}}]
})";
  const std::string cognito_plain = R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}}]
})";
  const std::string unauthenticated =
      R"({"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-2:pool", "sub": "us-east-2:id", "amr": ["unauthenticated"]})";
  const Case cases[] = {
      {"google aud is azp", google(R"({"StringEquals": {"accounts.google.com:aud": "client.apps", "accounts.google.com:oaud": "server.apps"}})"),
       with_azp, "allowed", "3:17: allowed by statement #1"},
      {"google aud is not aud when azp is set", google(R"({"StringEquals": {"accounts.google.com:aud": "server.apps"}})"),
       with_azp, "implicit deny",
       "5:36: statement #1: condition `StringEquals` on `accounts.google.com:aud` expects `server.apps`; token `azp` "
       "is `client.apps`"},
      {"google aud without azp", google(R"({"StringEquals": {"accounts.google.com:aud": "server.apps", "accounts.google.com:oaud": "server.apps"}})"),
       without_azp, "allowed", "3:17: allowed by statement #1"},
      {"cognito amr, documented", cognito_policy, unauthenticated, "allowed", "3:17: allowed by statement #1"},
      {"cognito amr is a set even with one value", cognito_plain, unauthenticated, "implicit deny",
       "5:36: statement #1: condition `StringEquals` on `cognito-identity.amazonaws.com:amr` reads a single value, "
       "but token `amr` is a set (`unauthenticated`); a set needs ForAnyValue or ForAllValues"},
  };
  for (const Case& c : cases) Check(c);
}

// Missing keys: "the values do not match and the condition is false ...
// [negated operators] true ... except ...IfExists and Null". `Null: true`
// means the key is absent.
TEST(AwsPolicy, MissingKeysIfExistsAndNull) {
  const std::string k = "token.actions.githubusercontent.com:environment";
  auto with = [&](const std::string& op, const std::string& value) {
    return GitHubPolicy("{\"" + op + "\": {\"" + k + "\": " + value + "}}");
  };
  const std::string no_env = GitHub(R"({"environment": "<delete>"})");
  const Case cases[] = {
      {"missing: false", with("StringEquals", R"("prod")"), no_env, "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:environment` expects "
       "`prod`; the token has no `environment`"},
      {"missing, negated: true", with("StringNotEquals", R"("prod")"), no_env, "allowed",
       "3:17: allowed by statement #1"},
      {"missing, IfExists: true", with("StringEqualsIfExists", R"("prod")"), no_env, "allowed",
       "3:17: allowed by statement #1"},
      {"present, IfExists: compared", with("StringEqualsIfExists", R"("prod")"), GitHub(R"({"environment": "dev"})"),
       "implicit deny",
       "7:44: statement #1: condition `StringEqualsIfExists` on `token.actions.githubusercontent.com:environment` "
       "expects `prod`; token `environment` is `dev`"},
      {"Null true: absent", with("Null", R"("true")"), no_env, "allowed", "3:17: allowed by statement #1"},
      {"Null true: present", with("Null", R"("true")"), GitHub(), "implicit deny",
       "7:28: statement #1: condition `Null` on `token.actions.githubusercontent.com:environment` expects the key to "
       "be absent (`true`); token `environment` sets it"},
      {"Null false: absent", with("Null", R"("false")"), no_env, "implicit deny",
       "7:28: statement #1: condition `Null` on `token.actions.githubusercontent.com:environment` expects the key to "
       "be present (`false`); the token does not set it"},
  };
  for (const Case& c : cases) Check(c);
}

// Set operators (multivalued-context-keys reference and its examples).
TEST(AwsPolicy, SetOperators) {
  const std::string tags_policy = R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Federated": ")" + std::string(kGitHubProvider) + R"("},
    "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
    "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}}]
})";
  auto tags = [](const std::string& keys) {
    return GitHub(R"({"https://aws.amazon.com/tags": {"principal_tags": )" + keys + "}}");
  };
  const std::string aud = "token.actions.githubusercontent.com:aud";
  auto with = [&](const std::string& op, const std::string& value) {
    return GitHubPolicy("{\"" + op + "\": {\"" + aud + "\": " + value + "}}");
  };
  const std::string two = GitHub(R"({"aud": ["sts.amazonaws.com", "https://github.com/octo-org"]})");
  const Case cases[] = {
      // The documented ForAllValues:StringNotLike {"aws:TagKeys": "key1*"} example.
      {"[key1:legal]: no match", tags_policy, tags(R"({"key1:legal": ["x"]})"), "implicit deny",
       "5:50: for `sts:AssumeRoleWithWebIdentity`, statement #1: condition `ForAllValues:StringNotLike` on "
       "`aws:TagKeys` refuses `key1*`; the token's `aws:TagKeys` is `key1:legal`"},
      {"[key2:audit]: match", tags_policy, tags(R"({"key2:audit": ["x"]})"), "allowed",
       "3:17: allowed by statement #1"},
      {"no tags: match", tags_policy, GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"a plain operator on several values never matches", with("StringEquals", R"("sts.amazonaws.com")"), two,
       "implicit deny",
       "7:36: statement #1: condition `StringEquals` on `token.actions.githubusercontent.com:aud` reads a single "
       "value, but token `aud` holds several (`sts.amazonaws.com` and `https://github.com/octo-org`); a set needs "
       "ForAnyValue or ForAllValues"},
      {"ForAnyValue: one of them", with("ForAnyValue:StringEquals", R"("sts.amazonaws.com")"), two, "allowed",
       "3:17: allowed by statement #1"},
      {"ForAnyValue: none of them", with("ForAnyValue:StringEquals", R"("x")"), two, "implicit deny",
       "7:48: statement #1: condition `ForAnyValue:StringEquals` on `token.actions.githubusercontent.com:aud` expects "
       "`x`; no value of token `aud` qualifies (`sts.amazonaws.com` and `https://github.com/octo-org`)"},
      {"ForAnyValue: missing key is false", with("ForAnyValue:StringEquals", R"("x")"), GitHub(R"({"aud": "<delete>"})"),
       "implicit deny",
       "7:48: statement #1: condition `ForAnyValue:StringEquals` on `token.actions.githubusercontent.com:aud` expects "
       "`x`; the token has no `aud`"},
      {"ForAllValues: every value", with("ForAllValues:StringLike", R"(["sts.*", "https://github.com/*"])"), two,
       "allowed", "3:17: allowed by statement #1"},
      {"ForAllValues: one value fails", with("ForAllValues:StringLike", R"("sts.*")"), two, "implicit deny",
       "7:47: statement #1: condition `ForAllValues:StringLike` on `token.actions.githubusercontent.com:aud` expects "
       "`sts.*`; token `aud` holds `https://github.com/octo-org`"},
      {"ForAllValues: missing key is true", with("ForAllValues:StringEquals", R"("x")"),
       GitHub(R"({"aud": "<delete>"})"), "allowed", "3:17: allowed by statement #1"},
      {"ForAllValues: empty set is true", with("ForAllValues:StringEquals", R"("x")"), GitHub(R"({"aud": []})"),
       "allowed", "3:17: allowed by statement #1"},
      {"IfExists does not change a set operator's missing key", with("ForAnyValue:StringEqualsIfExists", R"("x")"),
       GitHub(R"({"aud": "<delete>"})"), "implicit deny",
       "7:56: statement #1: condition `ForAnyValue:StringEqualsIfExists` on `token.actions.githubusercontent.com:aud` "
       "expects `x`; the token has no `aud`"},
      {"ForAllValues:Null is always true", with("ForAllValues:Null", R"("true")"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"ForAnyValue:Null is always false", with("ForAnyValue:Null", R"("false")"), GitHub(), "implicit deny",
       "7:40: statement #1: `ForAnyValue:Null` on `token.actions.githubusercontent.com:aud` is always false"},
  };
  for (const Case& c : cases) Check(c);
}

// Bool, Numeric and Date operators; a value that is not a number (date,
// boolean) fails the comparison for the negated operators too.
TEST(AwsPolicy, TypedOperators) {
  const std::string id = "token.actions.githubusercontent.com:repository_id";
  auto with = [&](const std::string& op, const std::string& value) {
    return GitHubPolicy("{\"" + op + "\": {\"" + id + "\": " + value + "}}");
  };
  const Case cases[] = {
      {"NumericEquals", with("NumericEquals", R"("74.0")"), GitHub(), "allowed", "3:17: allowed by statement #1"},
      {"NumericLessThan", with("NumericLessThan", R"(["10", "50"])"), GitHub(), "implicit deny",
       "7:39: statement #1: condition `NumericLessThan` on `token.actions.githubusercontent.com:repository_id` "
       "expects a number below `10` or `50`; token `repository_id` is `74`"},
      {"NumericGreaterThanEquals, a JSON number", with("NumericGreaterThanEquals", "74"), GitHub(), "allowed",
       "3:17: allowed by statement #1"},
      {"NumericNotEquals on a value that is no number", with("NumericNotEquals", R"("1")"),
       GitHub(R"({"repository_id": "seventy-four"})"), "implicit deny",
       "7:40: statement #1: condition `NumericNotEquals` on `token.actions.githubusercontent.com:repository_id` "
       "refuses `1`; token `repository_id` is `seventy-four`, not a number"},
      {"DateGreaterThan, ISO 8601 and epoch", with("DateGreaterThan", R"("2021-01-01T00:00:00Z")"),
       GitHub(R"({"repository_id": "1632493600"})"), "allowed", "3:17: allowed by statement #1"},
      {"DateLessThan", with("DateLessThan", R"("2021-01-01")"), GitHub(R"({"repository_id": "2021-06-01T12:00:00+02:00"})"),
       "implicit deny",
       "7:36: statement #1: condition `DateLessThan` on `token.actions.githubusercontent.com:repository_id` expects a "
       "date before `2021-01-01`; token `repository_id` is `2021-06-01T12:00:00+02:00`"},
      {"DateGreaterThan counts milliseconds", with("DateGreaterThan", R"("2021-06-01T12:00:00Z")"),
       GitHub(R"({"repository_id": "2021-06-01T12:00:00.001Z"})"), "allowed", "3:17: allowed by statement #1"},
      {"DateEquals counts milliseconds", with("DateEquals", R"("2021-06-01T12:00:00.5Z")"),
       GitHub(R"({"repository_id": "2021-06-01T12:00:00.500+00:00"})"), "allowed", "3:17: allowed by statement #1"},
      {"Bool", with("Bool", R"("TRUE")"), GitHub(R"({"repository_id": true})"), "allowed",
       "3:17: allowed by statement #1"},
      {"Bool on a value that is no boolean", with("Bool", R"("true")"), GitHub(), "implicit deny",
       "7:28: statement #1: condition `Bool` on `token.actions.githubusercontent.com:repository_id` expects `true`; "
       "token `repository_id` is `74`, neither `true` nor `false`"},
  };
  for (const Case& c : cases) Check(c);
}

// Policy variables (Version 2012-10-17): substitution, defaults written
// `${key, 'default'}`, a variable without a value fails the comparison (the
// negated operators too), ${*} stands for `*` in StringEquals; under
// 2008-10-17 they are literal text.
TEST(AwsPolicy, PolicyVariables) {
  const std::string sub = "token.actions.githubusercontent.com:sub";
  auto with = [&](const std::string& op, const std::string& value, const std::string& version = "2012-10-17") {
    return GitHubPolicy("{\"" + op + "\": {\"" + sub + "\": " + value + "}}", version);
  };
  const Case cases[] = {
      {"substituted", with("StringLike", R"("repo:${token.actions.githubusercontent.com:repository}:*")"), GitHub(),
       "allowed", "3:17: allowed by statement #1"},
      {"substituted value is literal",
       with("StringLike", R"("repo:${token.actions.githubusercontent.com:repository}:*")"),
       GitHub(R"({"repository": "octo-org/*", "sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})"),
       "implicit deny",
       "7:34: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` expects "
       "`repo:octo-org/${*}:*` (from `repo:${token.actions.githubusercontent.com:repository}:*`); token `sub` is "
       "`repo:octo-org/octo-repo:ref:refs/heads/main`"},
      {"default", with("StringEquals", R"("repo:${token.actions.githubusercontent.com:environment, 'octo-org/octo-repo'}:ref:refs/heads/main")"),
       GitHub(R"({"environment": "<delete>"})"), "allowed", "3:17: allowed by statement #1"},
      {"no value: the negated operator fails too",
       with("StringNotEquals", R"("${token.actions.githubusercontent.com:workflow}")"), GitHub(), "implicit deny",
       "7:39: statement #1: condition `StringNotEquals` on `token.actions.githubusercontent.com:sub` refuses "
       "`${token.actions.githubusercontent.com:workflow}` (a policy variable in it has no value); token `sub` is "
       "`repo:octo-org/octo-repo:ref:refs/heads/main`"},
      {"${*} in StringEquals is a star", with("StringEquals", R"("repo:octo-org/${*}")"),
       GitHub(R"({"sub": "repo:octo-org/*"})"), "allowed", "3:17: allowed by statement #1"},
      {"2008-10-17: no substitution",
       with("StringEquals", R"("${token.actions.githubusercontent.com:sub}")", "2008-10-17"),
       GitHub(R"({"sub": "${token.actions.githubusercontent.com:sub}"})"), "allowed", "3:17: allowed by statement #1"},
  };
  for (const Case& c : cases) Check(c);
}

// Token time: exp and nbf are checked against the evaluation time, without
// skew; neither is required.
TEST(AwsPolicy, TokenTime) {
  const std::string policy = GitHubPolicy("{}");
  Trust trust = LoadPolicy(policy);
  struct TimeCase {
    int64_t at;
    std::string token;
    const char* outcome;
    std::string reason;
  };
  const TimeCase cases[] = {
      {1632493867, GitHub(), "allowed", "3:17: allowed by statement #1"},
      {1632493868, GitHub(), "token time", "1:1: token expired at 1632493867 (`exp`), 1 s before the evaluation time"},
      {1632492967, GitHub(), "allowed", "3:17: allowed by statement #1"},
      {1632492966, GitHub(), "token time", "1:1: token is not valid before 1632492967 (`nbf`)"},
      {0, GitHub(R"({"exp": "<delete>", "nbf": "<delete>", "iat": "<delete>"})"), "allowed",
       "3:17: allowed by statement #1"},
  };
  for (const TimeCase& c : cases) {
    SCOPED_TRACE(c.at);
    Decision d = Evaluate(trust, ParseClaims(c.token), EvalOptions{c.at});
    EXPECT_EQ(OutcomeName(d.outcome), std::string(c.outcome));
    ASSERT_FALSE(d.reasons.empty());
    EXPECT_EQ(Located(d.reasons.front()), c.reason);
  }
}

// ---------------------------------------------------------------------------
// Lowering.

TEST(AwsPolicyLowering, Dump) {
  struct DumpCase {
    std::string policy;
    std::string dump;
  };
  const DumpCase cases[] = {
      {GitHubPolicy(R"({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, )"
                    R"("StringLike": {"token.actions.githubusercontent.com:sub": ["repo:o/r:*", "repo:o/s:*"]}})"),
       "(trust aws \"policy\" (allow (and (test iss eq [\"https://token.actions.githubusercontent.com\"]) "
       "(test $action like-fold [\"sts:AssumeRoleWithWebIdentity\"]) "
       "(and (test aud eq [\"sts.amazonaws.com\"] @token.actions.githubusercontent.com) "
       "(test sub like [\"repo:o/r:*\" \"repo:o/s:*\"] @token.actions.githubusercontent.com)))))"},
      {GitHubPolicy(R"({"StringNotLikeIfExists": {"token.actions.githubusercontent.com:ref": "refs/pull/*"}, )"
                    R"("ForAllValues:StringEquals": {"token.actions.githubusercontent.com:aud": "x"}, )"
                    R"("ForAnyValue:StringEqualsIgnoreCase": {"token.actions.githubusercontent.com:custom": "x"}})"),
       "(trust aws \"policy\" (allow (and (test iss eq [\"https://token.actions.githubusercontent.com\"]) "
       "(test $action like-fold [\"sts:AssumeRoleWithWebIdentity\"]) "
       "(and (test ref like not [\"refs/pull/*\"] missing=true @token.actions.githubusercontent.com) "
       "(test aud eq [\"x\"] all missing=true @token.actions.githubusercontent.com) "
       "(test custom eq-fold [\"x\"] any invisible @token.actions.githubusercontent.com)))))"},
      {R"({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {"Federated": "accounts.google.com"},
          "NotAction": "sts:TagSession", "Condition": {"Null": {"accounts.google.com:aud": "true"}}}})",
       "(trust aws \"policy\" (deny (and (test iss eq [\"https://accounts.google.com\" \"accounts.google.com\"]) "
       "(test $action like-fold not [\"sts:TagSession\"]) "
       "(test azp|aud null [\"true\"] @accounts.google.com))))"},
      {R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:*",
          "Condition": {"StringEquals": {"aws:RequestTag/Team": "a", "aws:TagKeys": "b"}}}]})",
       "(trust aws \"policy\" (allow (and true (test $action like-fold [\"sts:*\"]) "
       "(and (test /https:~1~1aws.amazon.com~1tags/principal_tags/Team eq [\"a\"]) "
       "(test keys(/https:~1~1aws.amazon.com~1tags/principal_tags) eq [\"b\"])))))"},
  };
  for (const DumpCase& c : cases) EXPECT_EQ(Dump(LoadPolicy(c.policy)), c.dump);
}

// ---------------------------------------------------------------------------
// Malformed policies: IAM refuses them, so eval reports a located error and
// the linter (malformed_is_error = false) sees a trust that accepts nothing.

TEST(AwsPolicyMalformed, ExactErrorAndLocation) {
  struct ErrorCase {
    const char* name;
    std::string policy;
    std::string error;  // "policy.json:line:column: error: message"
  };
  auto statement = [](const std::string& body) {
    return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    " + body + "\n  }]\n}";
  };
  const std::string principal = std::string("\"Principal\": {\"Federated\": \"") + kGitHubProvider + "\"}";
  const std::string action = "\"Action\": \"sts:AssumeRoleWithWebIdentity\"";
  const ErrorCase cases[] = {
      {"unknown operator",
       statement("\"Effect\": \"Allow\", " + principal + ", " + action +
                 ",\n    \"Condition\": {\"StringEqualz\": {\"token.actions.githubusercontent.com:sub\": \"x\"}}"),
       "policy.json:5:19: error: unknown condition operator `StringEqualz`"},
      {"bad Effect", statement("\"Effect\": \"allow\", " + principal + ", " + action),
       "policy.json:4:15: error: `Effect` must be `Allow` or `Deny`, not `allow`"},
      {"no Effect", statement(principal + ", " + action), "policy.json:3:17: error: statement has no `Effect`"},
      {"NotPrincipal",
       statement("\"Effect\": \"Allow\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, " + action),
       "policy.json:4:24: error: role trust policies do not support `NotPrincipal`"},
      {"Resource", statement("\"Effect\": \"Allow\", " + principal + ", " + action + ", \"Resource\": \"*\""),
       "policy.json:4:174: error: role trust policies do not support `Resource`"},
      {"no Principal", statement("\"Effect\": \"Allow\", " + action),
       "policy.json:3:17: error: statement has no `Principal`"},
      {"no Action", statement("\"Effect\": \"Allow\", " + principal),
       "policy.json:3:17: error: statement has no `Action`"},
      {"both Action and NotAction", statement("\"Effect\": \"Allow\", " + principal + ", " + action +
                                             ", \"NotAction\": \"sts:TagSession\""),
       "policy.json:3:17: error: statement has both `Action` and `NotAction`"},
      {"NullIfExists",
       statement("\"Effect\": \"Allow\", " + principal + ", " + action +
                 ",\n    \"Condition\": {\"NullIfExists\": {\"token.actions.githubusercontent.com:sub\": \"true\"}}"),
       "policy.json:5:19: error: the `Null` operator cannot take `IfExists`"},
      {"bad Version",
       "{\n  \"Version\": \"2012-10-18\",\n  \"Statement\": [{\"Effect\": \"Allow\", " + principal + ", " + action +
           "}]\n}",
       "policy.json:2:14: error: policy `Version` must be `2012-10-17` or `2008-10-17`, not `2012-10-18`"},
      {"Condition is not an object",
       statement("\"Effect\": \"Allow\", " + principal + ", " + action + ",\n    \"Condition\": [\"x\"]"),
       "policy.json:5:18: error: `Condition` must be an object"},
      {"operator block is not an object",
       statement("\"Effect\": \"Allow\", " + principal + ", " + action +
                 ",\n    \"Condition\": {\"StringEquals\": \"x\"}"),
       "policy.json:5:35: error: operator `StringEquals` must map condition keys to values"},
      {"bad number", statement("\"Effect\": \"Allow\", " + principal + ", " + action +
                               ",\n    \"Condition\": {\"NumericLessThan\": {\"k.example.com:n\": \"ten\"}}"),
       "policy.json:5:58: error: `ten` is not a number in `NumericLessThan` on `k.example.com:n`"},
      {"bad Bool", statement("\"Effect\": \"Allow\", " + principal + ", " + action +
                             ",\n    \"Condition\": {\"Bool\": {\"k.example.com:b\": \"yes\"}}"),
       "policy.json:5:47: error: `yes` must be `true` or `false` in `Bool` on `k.example.com:b`"},
      {"bad Federated principal", statement("\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"not a provider\"}, " + action),
       "policy.json:4:51: error: `not a provider` is not an OIDC provider ARN or a built-in provider"},
      {"action without a service", statement("\"Effect\": \"Allow\", " + principal + ", \"Action\": \"sts*\""),
       "policy.json:4:141: error: action `sts*` must be `*` or `service:action`"},
      {"unknown element", statement("\"Effect\": \"Allow\", " + principal + ", " + action + ", \"Conditions\": {}"),
       "policy.json:4:174: error: unknown statement element `Conditions`"},
      {"the first problem in the file is reported",
       statement("\"Effect\": \"Permit\", " + principal + ", " + action +
                 ",\n    \"Condition\": {\"StringEqualz\": {\"token.actions.githubusercontent.com:sub\": \"x\"}}"),
       "policy.json:4:15: error: `Effect` must be `Allow` or `Deny`, not `Permit`"},
      {"no Statement", "{\"Version\": \"2012-10-17\", \"Statement\": 7}",
       "policy.json:1:40: error: `Statement` must be an object or an array of objects"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto file = Load(c.policy);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.status().ToString(), c.error);
    // The linter's view: the trust loads and accepts nothing.
    auto lenient = Load(c.policy, /*malformed_is_error=*/false);
    ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
    ASSERT_EQ(lenient->trusts.size(), 1u);
    EXPECT_FALSE(Evaluate(lenient->trusts.front(), ParseClaims(GitHub()), EvalOptions{kNow}).accepted);
  }
}

// "Individual elements must not contain multiple instances of the same key";
// IAM keeps the last one (the GOV.UK incident: a second StringEquals dropped
// the sub check). Evaluate last-wins and remember it for the linter.
TEST(AwsPolicyDuplicateKeys, LastOneWinsAndIsNoted) {
  const std::string policy = GitHubPolicy(
      "{\"StringEquals\": {\"token.actions.githubusercontent.com:sub\": \"repo:octo-org/octo-repo:ref:refs/heads/prod\"},\n"
      "                  \"StringEquals\": {\"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\"}}");
  Trust trust = LoadPolicy(policy);
  Decision d = Evaluate(trust, ParseClaims(GitHub()), EvalOptions{kNow});
  EXPECT_TRUE(d.accepted) << "the first StringEquals (on sub) is dropped";
  ASSERT_EQ(trust.notes.size(), 1u);
  const LoweringNote& note = trust.notes.front();
  EXPECT_EQ(note.kind, LoweringNote::Kind::kDuplicateKey);
  EXPECT_EQ(note.key, "StringEquals");
  EXPECT_EQ(fmt::format("{}:{}: {}", note.loc.line, note.loc.column, note.message),
            "7:19: key `StringEquals` appears again later in the same object; IAM keeps only the last one");
}

}  // namespace
}  // namespace trustcheck

namespace trustcheck {
namespace {

// Policies checked in as templates load: their placeholders are explicit
// unknowns (never an accept, a note for the linter), and a provider host
// that is written out still decides the issuer.
TEST(AwsPolicyTemplates, PlaceholdersAreUnknowns) {
  struct TemplateCase {
    const char* federated;
    std::string token;
    const char* outcome;
    std::string reason;
  };
  const std::vector<TemplateCase> cases = {
      {"arn:aws:iam::${AWS_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com", GitHub(), "unknown",
       "5:32: statement #1: cannot be decided: the account `${AWS_ACCOUNT_ID}` of the OIDC provider ARN is not an "
       "account ID"},
      {"arn:aws:iam::YOUR_ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com",
       GitHub(R"({"iss": "https://gitlab.com"})"), "implicit deny",
       "5:32: statement #1: Federated principal trusts issuer `https://token.actions.githubusercontent.com`; token "
       "`iss` is `https://gitlab.com`"},
      {"arn:${Partition}:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", GitHub(), "unknown",
       "5:32: statement #1: cannot be decided: the partition `${Partition}` of the OIDC provider ARN is not a "
       "partition"},
      {"arn:aws:iam::<AWS_ACCOUNT_ID>:oidc-provider/<OIDC_PROVIDER>", GitHub(), "unknown",
       "5:32: statement #1: cannot be decided: the OIDC provider host of "
       "`arn:aws:iam::<AWS_ACCOUNT_ID>:oidc-provider/<OIDC_PROVIDER>` is a template placeholder"},
      {"%s", GitHub(), "unknown",
       "5:32: statement #1: cannot be decided: `Federated` principal `%s` is a template placeholder"},
  };
  for (const TemplateCase& c : cases) {
    SCOPED_TRACE(c.federated);
    std::string policy = GitHubPolicy(R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}})");
    size_t at = policy.find(kGitHubProvider);
    policy.replace(at, std::string(kGitHubProvider).size(), c.federated);
    auto file = Load(policy);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    const Trust& trust = file->trusts.front();
    Decision d = Evaluate(trust, ParseClaims(c.token), EvalOptions{kNow});
    EXPECT_EQ(OutcomeName(d.outcome), std::string(c.outcome));
    ASSERT_FALSE(d.reasons.empty());
    EXPECT_EQ(Located(d.reasons.front()), c.reason);
    ASSERT_FALSE(trust.notes.empty());
    EXPECT_EQ(trust.notes.back().kind, LoweringNote::Kind::kUnresolved);
  }
}

}  // namespace
}  // namespace trustcheck
