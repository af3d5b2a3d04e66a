// Tests for Entra ID federated identity credentials (engine/src/formats/
// entra_*): the CLI and Graph shapes, classic byte-exact matching, flexible
// credentials from the Entra docs' own examples, the expression parser with
// located errors, and what Entra refuses to store (docs/semantics-azure.md).

#include <gtest/gtest.h>
#include <json/json.h>

#include <algorithm>
#include <string>
#include <vector>

#include "formats/entra_expression.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

// A GitHub Actions token as `azure/login` requests it (audience
// api://AzureADTokenExchange), for the docs' contoso repository.
constexpr const char* kGitHubToken = R"({
  "iss": "https://token.actions.githubusercontent.com",
  "aud": "api://AzureADTokenExchange",
  "sub": "repo:contoso/contoso-repo:ref:refs/heads/main",
  "repository": "contoso/contoso-repo",
  "repository_id": "456789",
  "repository_owner": "contoso",
  "repository_owner_id": "123456",
  "ref": "refs/heads/main",
  "job_workflow_ref": "foo-org/bar-repo/.github/workflows/deploy.yml@refs/heads/main",
  "nbf": 1632492967,
  "exp": 1632493867,
  "iat": 1632493567
})";
constexpr int64_t kAt = 1632493600;

std::string Merge(const std::string& base, const std::string& overrides) {
  Json::Value b, o;
  Json::Reader().parse(base, b);
  if (!overrides.empty() && !Json::Reader().parse(overrides, o)) ADD_FAILURE() << "bad overrides: " << overrides;
  for (const std::string& k : o.getMemberNames()) {
    if (o[k].isString() && o[k].asString() == "<delete>") b.removeMember(k);
    else b[k] = o[k];
  }
  return Json::writeString(Json::StreamWriterBuilder(), b);
}

Result<LoadedFile> Load(const std::string& text, bool malformed_is_error = true) {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return LoadText("credentials.json", text, options);
}

std::vector<Trust> LoadAll(const std::string& text) {
  auto file = Load(text);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return {};
  EXPECT_EQ(file->format, "entra-credential");
  return file->trusts;
}

Decision Eval(const Trust& trust, const std::string& token, int64_t at = kAt) {
  auto decoded = DecodeToken(token, "token.json");
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  EvalOptions options;
  options.now = at;
  return Evaluate(trust, decoded->claims, options);
}

std::string FirstReason(const Decision& d) {
  if (d.reasons.empty()) return "";
  const Reason& r = d.reasons.front();
  return std::to_string(r.loc.line) + ":" + std::to_string(r.loc.column) + ": " + r.message;
}

// A classic credential on one line per property (so reasons point at lines).
std::string Classic(const std::string& issuer, const std::string& subject, const std::string& audience) {
  return "{\n  \"name\": \"main-branch\",\n  \"issuer\": \"" + issuer + "\",\n  \"subject\": \"" + subject +
         "\",\n  \"audiences\": [\"" + audience + "\"]\n}";
}

// ---------------------------------------------------------------------------
// Classic credentials: issuer, subject and the single audience, exactly.

TEST(EntraClassic, ExactMatching) {
  const std::string kIssuer = "https://token.actions.githubusercontent.com";
  const std::string kSubject = "repo:contoso/contoso-repo:ref:refs/heads/main";
  const std::string kAudience = "api://AzureADTokenExchange";
  struct Case {
    const char* name;
    std::string credential;
    std::string token_overrides;
    bool accepted;
    std::string reason;
  };
  const Case cases[] = {
      {"exact match", Classic(kIssuer, kSubject, kAudience), "", true, ""},
      {"subject differs only in case", Classic(kIssuer, "repo:Contoso/contoso-repo:ref:refs/heads/main", kAudience),
       "", false,
       "4:3: statement `main-branch`: subject expects `repo:Contoso/contoso-repo:ref:refs/heads/main`; token `sub` "
       "has `repo:contoso/contoso-repo:ref:refs/heads/main` (differs only in letter case)"},
      {"issuer with a trailing slash", Classic(kIssuer + "/", kSubject, kAudience), "", false,
       "3:3: statement `main-branch`: issuer expects `https://token.actions.githubusercontent.com/`; token `iss` has "
       "`https://token.actions.githubusercontent.com` (differs only by a trailing slash)"},
      {"AKS issuer keeps its trailing slash",
       Classic("https://eastus.oic.prod-aks.azure.com/tenant/cluster/", "system:serviceaccount:ns:sa", kAudience),
       R"({"iss": "https://eastus.oic.prod-aks.azure.com/tenant/cluster/", "sub": "system:serviceaccount:ns:sa"})",
       true, ""},
      {"no wildcards: `*` is literal", Classic(kIssuer, "repo:contoso/contoso-repo:*", kAudience), "", false,
       "4:3: statement `main-branch`: subject expects `repo:contoso/contoso-repo:*`; token `sub` has "
       "`repo:contoso/contoso-repo:ref:refs/heads/main`"},
      {"a literal `*` subject matches itself", Classic(kIssuer, "repo:contoso/contoso-repo:*", kAudience),
       R"({"sub": "repo:contoso/contoso-repo:*"})", true, ""},
      {"audience inside a token list", Classic(kIssuer, kSubject, kAudience),
       R"({"aud": ["https://github.com/contoso", "api://AzureADTokenExchange"]})", true, ""},
      {"other audience", Classic(kIssuer, kSubject, kAudience), R"({"aud": "sts.amazonaws.com"})", false,
       "5:3: statement `main-branch`: audience expects `api://AzureADTokenExchange`; token `aud` has "
       "`sts.amazonaws.com`"},
      {"custom audience (Spacelift)", Classic("https://acme.app.spacelift.io", "space:root:stack:infra:run_type:TRACKED:scope:write", "acme.app.spacelift.io"),
       R"({"iss": "https://acme.app.spacelift.io", "aud": "acme.app.spacelift.io",
           "sub": "space:root:stack:infra:run_type:TRACKED:scope:write"})",
       true, ""},
      {"no sub", Classic(kIssuer, kSubject, kAudience), R"({"sub": "<delete>"})", false,
       "4:3: statement `main-branch`: subject expects `repo:contoso/contoso-repo:ref:refs/heads/main`; the token has "
       "no `sub`"},
      {"environment subject", Classic(kIssuer, "repo:contoso/contoso-repo:environment:production", kAudience),
       R"({"sub": "repo:contoso/contoso-repo:environment:production"})", true, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<Trust> trusts = LoadAll(c.credential);
    ASSERT_EQ(trusts.size(), 1u);
    Decision d = Eval(trusts[0], Merge(kGitHubToken, c.token_overrides));
    EXPECT_EQ(d.accepted, c.accepted) << FirstReason(d);
    if (!c.accepted) {
      EXPECT_EQ(FirstReason(d), c.reason);
    }
  }
}

// Entra needs a valid `exp` (RFC 7523) and grants no documented clock skew.
TEST(EntraClassic, TokenTime) {
  std::vector<Trust> trusts = LoadAll(Classic("https://token.actions.githubusercontent.com",
                                               "repo:contoso/contoso-repo:ref:refs/heads/main",
                                               "api://AzureADTokenExchange"));
  ASSERT_EQ(trusts.size(), 1u);
  EXPECT_TRUE(Eval(trusts[0], kGitHubToken, 1632493867).accepted);
  Decision late = Eval(trusts[0], kGitHubToken, 1632493868);
  EXPECT_FALSE(late.accepted);
  EXPECT_EQ(late.reasons.front().message, "token expired at 1632493867 (`exp`), 1 s before the evaluation time");
  Decision early = Eval(trusts[0], kGitHubToken, 1632492966);
  EXPECT_FALSE(early.accepted);
  EXPECT_EQ(early.reasons.front().message, "token is not valid before 1632492967 (`nbf`)");
  Decision no_exp = Eval(trusts[0], Merge(kGitHubToken, R"({"exp": "<delete>"})"));
  EXPECT_FALSE(no_exp.accepted);
  EXPECT_EQ(no_exp.reasons.front().message, "token has no `exp` claim");
}

// ---------------------------------------------------------------------------
// Flexible credentials: the Entra docs' examples.

std::string Flexible(const std::string& issuer, const std::string& expression) {
  Json::Value v;
  v["name"] = "FlexFic1";
  v["issuer"] = issuer;
  v["audiences"].append("api://AzureADTokenExchange");
  v["claimsMatchingExpression"]["value"] = expression;
  v["claimsMatchingExpression"]["languageVersion"] = 1;
  return Json::writeString(Json::StreamWriterBuilder(), v);
}

TEST(EntraFlexible, DocumentedExamples) {
  const std::string kGitHub = "https://token.actions.githubusercontent.com";
  struct Case {
    const char* name;
    std::string issuer;
    std::string expression;
    std::string token;  // overrides of kGitHubToken
    bool accepted;
    std::string reason;  // message only
  };
  const Case cases[] = {
      {"docs example 1", kGitHub,
       "claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/*' and claims['repository_id'] eq '456789'",
       "", true, ""},
      {"docs example 1, other repository id", kGitHub,
       "claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/*' and claims['repository_id'] eq '456789'",
       R"({"repository_id": "999"})", false,
       "statement `FlexFic1`: claims['repository_id'] (eq) expects `456789`; token `repository_id` has `999`"},
      {"docs example 1, a tag is not a branch", kGitHub,
       "claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/*' and claims['repository_id'] eq '456789'",
       R"({"sub": "repo:contoso/contoso-repo:ref:refs/tags/v1"})", false,
       "statement `FlexFic1`: claims['sub'] (matches) expects `repo:contoso/contoso-repo:ref:refs/heads/*`; token "
       "`sub` has `repo:contoso/contoso-repo:ref:refs/tags/v1`"},
      {"docs example 2: ? is one character", kGitHub,
       "claims['sub'] matches 'repo:contoso/contoso-repo-*:ref:refs/heads/?\?\?\?' and claims['repository_owner_id'] eq "
       "'123456'",
       R"({"sub": "repo:contoso/contoso-repo-web:ref:refs/heads/main"})", true, ""},
      {"docs example 2: ???? needs four characters", kGitHub,
       "claims['sub'] matches 'repo:contoso/contoso-repo-*:ref:refs/heads/?\?\?\?' and claims['repository_owner_id'] eq "
       "'123456'",
       R"({"sub": "repo:contoso/contoso-repo-web:ref:refs/heads/master"})", false,
       "statement `FlexFic1`: claims['sub'] (matches) expects `repo:contoso/contoso-repo-*:ref:refs/heads/????`; "
       "token `sub` has `repo:contoso/contoso-repo-web:ref:refs/heads/master`"},
      {"docs example 3: three conditions", kGitHub,
       "claims['sub'] eq 'repo:contoso/contoso-repo:ref:refs/heads/main' and claims['repository_id'] eq '456789' and "
       "claims['job_workflow_ref'] matches 'foo-org/bar-repo/.github/workflows/*@refs/heads/main'",
       "", true, ""},
      {"docs example 3, workflow from another branch", kGitHub,
       "claims['sub'] eq 'repo:contoso/contoso-repo:ref:refs/heads/main' and claims['repository_id'] eq '456789' and "
       "claims['job_workflow_ref'] matches 'foo-org/bar-repo/.github/workflows/*@refs/heads/main'",
       R"({"job_workflow_ref": "foo-org/bar-repo/.github/workflows/deploy.yml@refs/heads/dev"})", false,
       "statement `FlexFic1`: claims['job_workflow_ref'] (matches) expects "
       "`foo-org/bar-repo/.github/workflows/*@refs/heads/main`; token `job_workflow_ref` has "
       "`foo-org/bar-repo/.github/workflows/deploy.yml@refs/heads/dev`"},
      {"star crosses / and :", kGitHub,
       "claims['sub'] matches 'repo:contoso/*' and claims['repository_owner_id'] eq '123456'", "", true, ""},
      {"star matches the empty run", kGitHub,
       "claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/main*' and claims['repository_id'] eq "
       "'456789'",
       "", true, ""},
      {"matches is case-sensitive", kGitHub,
       "claims['sub'] matches 'repo:Contoso/*' and claims['repository_owner_id'] eq '123456'", "", false,
       "statement `FlexFic1`: claims['sub'] (matches) expects `repo:Contoso/*`; token `sub` has "
       "`repo:contoso/contoso-repo:ref:refs/heads/main` (differs only in letter case)"},
      {"eq has no wildcards", kGitHub, "claims['sub'] eq 'repo:contoso/*' and claims['repository_id'] eq '456789'",
       "", false,
       "statement `FlexFic1`: claims['sub'] (eq) expects `repo:contoso/*`; token `sub` has "
       "`repo:contoso/contoso-repo:ref:refs/heads/main`"},
      {"missing claim", kGitHub,
       "claims['sub'] matches 'repo:contoso/*' and claims['repository_owner_id'] eq '123456'",
       R"({"repository_owner_id": "<delete>"})", false,
       "statement `FlexFic1`: claims['repository_owner_id'] (eq) expects `123456`; the token has no "
       "`repository_owner_id`"},
      {"a quote in a comparand", kGitHub, "claims['sub'] eq 'repo:o''brien/app:ref:refs/heads/main'",
       R"({"sub": "repo:o'brien/app:ref:refs/heads/main"})", true, ""},
      {"Terraform Cloud (azuread issue 1715)", "https://app.terraform.io",
       "claims['sub'] matches 'organization:company-cloudhub:project:devops:workspace:*:run_phase:*'",
       R"({"iss": "https://app.terraform.io",
           "sub": "organization:company-cloudhub:project:devops:workspace:network:run_phase:apply"})",
       true, ""},
      {"GitLab sub and project_id", "https://gitlab.com",
       "claims['sub'] matches 'project_path:group/project:ref_type:branch:ref:*' and claims['project_id'] eq '42'",
       R"({"iss": "https://gitlab.com", "sub": "project_path:group/project:ref_type:branch:ref:main",
           "project_id": "42"})",
       true, ""},
      {"the issuer is still exact", kGitHub, "claims['sub'] matches '*' and claims['repository_id'] eq '456789'",
       R"({"iss": "https://token.actions.githubusercontent.com/"})", false,
       "statement `FlexFic1`: issuer expects `https://token.actions.githubusercontent.com`; token `iss` has "
       "`https://token.actions.githubusercontent.com/` (differs only by a trailing slash)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<Trust> trusts = LoadAll(Flexible(c.issuer, c.expression));
    ASSERT_EQ(trusts.size(), 1u);
    Decision d = Eval(trusts[0], Merge(kGitHubToken, c.token));
    EXPECT_EQ(d.accepted, c.accepted) << FirstReason(d);
    if (!c.accepted) {
      EXPECT_EQ(d.reasons.front().message, c.reason);
    }
  }
}

// ---------------------------------------------------------------------------
// The expression parser and its located errors.

TEST(EntraExpression, Parses) {
  auto parsed = entra::ParseExpression(
      "claims['sub'] matches 'repo:a/*'  and\tclaims['it''s'] eq 'x''y'");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  ASSERT_EQ(parsed.conditions.size(), 2u);
  EXPECT_EQ(parsed.conditions[0].claim, "sub");
  EXPECT_EQ(parsed.conditions[0].op, entra::Condition::Op::kMatches);
  EXPECT_EQ(parsed.conditions[0].comparand, "repo:a/*");
  EXPECT_EQ(parsed.conditions[0].claim_offset, 7u);
  EXPECT_EQ(parsed.conditions[0].op_offset, 14u);
  EXPECT_EQ(parsed.conditions[0].comparand_offset, 22u);
  EXPECT_EQ(parsed.conditions[1].claim, "it's");
  EXPECT_EQ(parsed.conditions[1].op, entra::Condition::Op::kEq);
  EXPECT_EQ(parsed.conditions[1].comparand, "x'y");
}

TEST(EntraExpression, Errors) {
  struct Case {
    std::string text;
    size_t offset;
    std::string error;
  };
  const Case cases[] = {
      {"", 0, "the expression is empty"},
      {"   ", 3, "the expression is empty"},
      {"claims['sub'] EQ 'x'", 14, "unknown operator `EQ`; expected `eq` or `matches`"},
      {"claims['sub'] like 'x'", 14, "unknown operator `like`; expected `eq` or `matches`"},
      {"claims['sub'] eq 'x' or claims['sub'] eq 'y'", 21,
       "`or` is not supported; conditions can only be joined with `and`"},
      {"claims['sub'] matches 'repo:x/*", 22, "the comparand starting here has no closing single quote"},
      {"claims[sub] eq 'x'", 7, "expected the claim name in single quotes, found `sub]`"},
      {"claim['sub'] eq 'x'", 0, "expected a claim lookup `claims['NAME']`, found `claim`"},
      {"claims[\"sub\"] eq 'x'", 7, "expected the claim name in single quotes, found `\"sub\"]`"},
      {"claims['sub'] eq 'x' claims['ref'] eq 'y'", 21, "expected `and` between conditions, found `claims`"},
      {"claims['sub'] eq 'x' and", 24, "expected a space after `and`, found the end of the expression"},
      {"claims['sub'] eq 'x' and ", 25, "expected a claim lookup `claims['NAME']`, found the end of the expression"},
      {"claims['sub']eq 'x'", 13, "expected a space after `claims['sub']`, found `eq`"},
      {"claims['sub'] eq x", 17, "expected the comparand in single quotes, found `x`"},
      {"claims['sub'] eq", 16, "expected a space after `eq`, found the end of the expression"},
      {"claims[''] eq 'x'", 7, "the claim name is empty"},
      {"claims['sub' eq 'x'", 12, "expected `]` after the claim name, found ` `"},
      {"claims['sub'] eq 'x'and claims['ref'] eq 'y'", 20, "expected a space, found `and`"},
      {"claims['sub'] eq 'it's'", 21, "expected a space, found `s`"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = entra::ParseExpression(c.text);
    EXPECT_FALSE(parsed.ok);
    EXPECT_TRUE(parsed.conditions.empty());
    EXPECT_EQ(parsed.error_offset, c.offset);
    EXPECT_EQ(parsed.error, c.error);
  }
}

// An error points at the file's line and column, through JSON escapes.
TEST(EntraExpression, ErrorLocationInFile) {
  const std::string text =
      "[\n"
      "  {\n"
      "    \"name\": \"flex\",\n"
      "    \"issuer\": \"https://token.actions.githubusercontent.com\",\n"
      "    \"subject\": null,\n"
      "    \"audiences\": [\"api://AzureADTokenExchange\"],\n"
      "    \"claimsMatchingExpression\": {\n"
      "      \"value\": \"claims[\\u0027sub\\u0027] matches \\u0027repo:a/*\\u0027 and claims['ref'] EQ 'x'\",\n"
      "      \"languageVersion\": 1\n"
      "    }\n"
      "  }\n"
      "]\n";
  auto file = Load(text);
  ASSERT_FALSE(file.ok());
  // `EQ` is at byte 51 of the decoded expression; in the file it follows 16
  // bytes of indentation and key, and the four `\u0027` escapes add 5 bytes
  // each: column 16 + 51 + 20 + 1.
  EXPECT_EQ(file.status().ToString(),
            "credentials.json:8:88: error: invalid claims-matching expression: unknown operator `EQ`; expected `eq` "
            "or `matches`");
  size_t line_start = 0;
  for (int i = 0; i < 7; ++i) line_start = text.find('\n', line_start) + 1;
  EXPECT_EQ(text.substr(line_start + 87, 2), "EQ");
}

// ---------------------------------------------------------------------------
// What Entra refuses to store: located errors in eval, notes for the linter.

// "line:column" of the first `needle` in `text`.
std::string Position(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return "?:?";
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  size_t line_start = text.rfind('\n', at);
  size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return std::to_string(line) + ":" + std::to_string(column);
}

std::string OneLine(const std::string& json) {
  Json::Value v;
  Json::Reader().parse(json, v);
  Json::StreamWriterBuilder w;
  w["indentation"] = "";
  return Json::writeString(w, v);
}

TEST(EntraMalformed, RefusedCredentials) {
  struct Case {
    const char* name;
    std::string credential;
    std::string at;  // the text the error points at
    std::string error;
  };
  const std::string kGitHub = "https://token.actions.githubusercontent.com";
  const Case cases[] = {
      {"two audiences",
       R"({"name": "x-1", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:a/b:ref:refs/heads/main",
           "audiences": ["api://AzureADTokenExchange", "other"]})",
       "[\"api://", "federated identity credentials must have exactly one audience, found 2"},
      {"no audience",
       R"({"name": "x-1", "issuer": "https://token.actions.githubusercontent.com", "subject": "s", "audiences": []})",
       "[]", "federated identity credentials must have exactly one audience, found 0"},
      {"subject and expression",
       R"({"name": "x-1", "issuer": "https://token.actions.githubusercontent.com", "subject": "s", "audiences": ["a"],
           "claimsMatchingExpression": {"value": "claims['sub'] eq 's'", "languageVersion": 1}})",
       "\"claimsMatchingExpression\"",
       "a credential with a `claimsMatchingExpression` must have a null `subject`; the two are mutually exclusive"},
      {"neither", R"({"name": "x-1", "issuer": "https://gitlab.com", "subject": null, "audiences": ["a"]})", "{",
       "the credential has neither a `subject` nor a `claimsMatchingExpression`"},
      {"language version 2",
       OneLine(Merge(Flexible(kGitHub, "claims['sub'] eq 's'"),
                     R"({"claimsMatchingExpression": {"value": "claims['sub'] eq 's'", "languageVersion": 2}})")),
       "2,", "`languageVersion` must be 1, not `2`"},
      {"claim the issuer does not allow", OneLine(Flexible(kGitHub, "claims['repository'] eq 'contoso/contoso-repo'")),
       "'repository'",
       "claim `repository` cannot be used in a flexible credential for GitHub tokens; allowed claims are `sub`, "
       "`job_workflow_ref`, `repository_id`, `repository_owner_id`"},
      {"matches on an id",
       OneLine(Flexible(kGitHub, "claims['sub'] eq 'x' and claims['repository_id'] matches '45*'")),
       "matches '45", "claim `repository_id` supports only `eq`, not `matches`"},
      {"issuer without flexible support",
       OneLine(Flexible("https://login.microsoftonline.com/tenant/v2.0", "claims['sub'] eq 'x'")),
       "\"claimsMatchingExpression\"",
       "flexible credentials accept only GitHub, GitLab and Terraform Cloud issuers, not "
       "`https://login.microsoftonline.com/tenant/v2.0`"},
      {"no issuer", R"({"name": "x-1", "subject": "s", "audiences": ["a"], "issuer": ""})", "\"\"}",
       "the credential has no `issuer` string"},
      {"bad name", R"({"name": "-x", "issuer": "https://gitlab.com", "subject": "s", "audiences": ["a"]})", "\"-x\"",
       "credential name `-x` must be 3 to 120 letters, digits, `-` or `_`, starting with a letter or digit"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto file = Load(c.credential);
    ASSERT_FALSE(file.ok()) << c.credential;
    EXPECT_EQ(file.status().ToString(), "credentials.json:" + Position(c.credential, c.at) + ": error: " + c.error)
        << c.credential;
  }
  // The linter keeps the credential, which never accepts.
  auto lint = Load(cases[0].credential, false);
  ASSERT_TRUE(lint.ok());
  ASSERT_EQ(lint->trusts.size(), 1u);
  EXPECT_FALSE(Eval(lint->trusts[0], Merge(kGitHubToken, R"({"sub": "repo:a/b:ref:refs/heads/main"})")).accepted);
}

// ---------------------------------------------------------------------------
// File shapes: az ad app (Graph), az identity (ARM), Graph pages, single.

TEST(EntraFormats, GraphListFromAzAdApp) {
  // The shape of Graph's list example (application-list-federatedidentitycredentials).
  std::vector<Trust> trusts = LoadAll(R"([
  {
    "@odata.id": "https://graph.microsoft.com/v2/3d1e/directoryObjects/bcd7/Microsoft.DirectoryServices.Application/federatedIdentityCredentials/bdad0963",
    "audiences": ["api://AzureADTokenExchange"],
    "description": "This is my test federated identity credential",
    "id": "bdad0963-4a7a-4e14-9e9e-8c8c8b1a1b1a",
    "issuer": "https://token.actions.githubusercontent.com",
    "name": "main-branch",
    "subject": "repo:contoso/contoso-repo:ref:refs/heads/main"
  },
  {
    "audiences": ["api://AzureADTokenExchange"],
    "description": null,
    "id": "0c5d4a0e-0000-4000-8000-000000000000",
    "issuer": "https://token.actions.githubusercontent.com",
    "name": "production",
    "subject": "repo:contoso/contoso-repo:environment:production"
  }
])");
  ASSERT_EQ(trusts.size(), 2u);
  EXPECT_EQ(trusts[0].name, "main-branch");
  EXPECT_EQ(trusts[0].platform, Platform::kAzure);
  EXPECT_EQ(trusts[0].kind, TrustKind::kFederatedCredential);
  EXPECT_EQ(trusts[0].loc.line, 2u);
  EXPECT_EQ(trusts[1].name, "production");
  EXPECT_EQ(trusts[1].loc.line, 11u);
  EXPECT_TRUE(trusts[0].notes.empty());
  EXPECT_TRUE(Eval(trusts[0], kGitHubToken).accepted);
  EXPECT_FALSE(Eval(trusts[1], kGitHubToken).accepted);
}

TEST(EntraFormats, ArmListFromAzIdentity) {
  std::vector<Trust> trusts = LoadAll(R"([
  {
    "audiences": ["api://AzureADTokenExchange"],
    "claimsMatchingExpression": null,
    "id": "/subscriptions/0000/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer/federatedIdentityCredentials/main",
    "issuer": "https://token.actions.githubusercontent.com",
    "name": "main",
    "resourceGroup": "rg",
    "subject": "repo:contoso/contoso-repo:ref:refs/heads/main",
    "systemData": {"createdAt": "2025-01-01T00:00:00Z", "createdBy": "a@contoso.com", "createdByType": "User",
                   "lastModifiedAt": "2025-01-01T00:00:00Z", "lastModifiedBy": "a@contoso.com",
                   "lastModifiedByType": "User"},
    "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"
  },
  {
    "audiences": ["api://AzureADTokenExchange"],
    "claimsMatchingExpression": {"languageVersion": 1,
      "value": "claims['sub'] matches 'repo:contoso/contoso-repo:ref:refs/heads/*' and claims['repository_id'] eq '456789'"},
    "id": "/subscriptions/0000/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer/federatedIdentityCredentials/branches",
    "issuer": "https://token.actions.githubusercontent.com",
    "name": "branches",
    "resourceGroup": "rg",
    "subject": null,
    "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"
  }
])");
  ASSERT_EQ(trusts.size(), 2u);
  ASSERT_TRUE(trusts[0].facts.entra && trusts[1].facts.entra);
  EXPECT_EQ(trusts[0].facts.entra->matching, EntraCredentialFacts::Matching::kSubject);
  EXPECT_EQ(trusts[1].facts.entra->matching, EntraCredentialFacts::Matching::kExpression);
  EXPECT_TRUE(trusts[0].notes.empty());
  EXPECT_TRUE(Eval(trusts[1], Merge(kGitHubToken, R"({"sub": "repo:contoso/contoso-repo:ref:refs/heads/dev"})"))
                  .accepted);
  EXPECT_FALSE(Eval(trusts[0], Merge(kGitHubToken, R"({"sub": "repo:contoso/contoso-repo:ref:refs/heads/dev"})"))
                   .accepted);
}

TEST(EntraFormats, GraphPageArmRestAndSingle) {
  std::vector<Trust> page = LoadAll(R"({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications('bcd7')/federatedIdentityCredentials",
  "value": [
    {"id": "1", "name": "main-branch", "issuer": "https://token.actions.githubusercontent.com",
     "subject": "repo:contoso/contoso-repo:ref:refs/heads/main", "description": null,
     "audiences": ["api://AzureADTokenExchange"]}
  ]
})");
  ASSERT_EQ(page.size(), 1u);
  EXPECT_TRUE(Eval(page[0], kGitHubToken).accepted);

  std::vector<Trust> rest = LoadAll(R"({
  "id": "/subscriptions/0000/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer/federatedIdentityCredentials/main",
  "name": "main",
  "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
  "properties": {
    "issuer": "https://token.actions.githubusercontent.com",
    "subject": "repo:contoso/contoso-repo:ref:refs/heads/main",
    "audiences": ["api://AzureADTokenExchange"]
  }
})");
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].name, "main");
  EXPECT_TRUE(Eval(rest[0], kGitHubToken).accepted);

  // A single credential without a name takes the file's.
  std::vector<Trust> single = LoadAll(R"({"issuer": "https://token.actions.githubusercontent.com",
    "subject": "repo:contoso/contoso-repo:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"],
    "displayName": "typo of description"})");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].name, "credentials");
  ASSERT_EQ(single[0].notes.size(), 1u);
  EXPECT_EQ(single[0].notes[0].kind, LoweringNote::Kind::kIgnoredElement);
  EXPECT_EQ(single[0].notes[0].message,
            "`displayName` is not a federated identity credential property; it has no effect");

  // `az ... federated-credential list` prints `[]` for no credentials.
  auto empty = Load("[]");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->format, "entra-credential");
  EXPECT_TRUE(empty->trusts.empty());
}

TEST(EntraFormats, ListElementThatIsNotACredential) {
  auto file = Load(R"([{"issuer": "https://gitlab.com", "subject": "s", "audiences": ["a"], "name": "abc"},
  {"name": "oops"}])");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().ToString(),
            "credentials.json:2:3: error: element 2 is not a federated identity credential (no `issuer` with "
            "`subject`, `audiences` or `claimsMatchingExpression`)");
}

}  // namespace
}  // namespace trustcheck
