// Tests for CloudFormation templates (engine/src/formats/cloudformation*,
// yaml_tree, the OIDC provider link): intrinsic functions and short tags by
// table, parameter defaults, pseudo parameters, conditions, unknowns that
// never accept, provider ARNs whose account is the stack's own, the client-ID
// check the provider adds, and errors and reasons located at the YAML key.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/aws_oidc_provider.h"
#include "formats/cloudformation_template.h"
#include "formats/yaml_tree.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"
#include "test_support.h"

namespace trustcheck {
namespace {

const std::string kCorpus = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/cloudformation/";

// The GitHub Actions example token of GitHub's OIDC docs (main branch).
constexpr const char* kGitHubMain = R"({
  "iss": "https://token.actions.githubusercontent.com",
  "aud": "sts.amazonaws.com",
  "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
  "repository": "octo-org/octo-repo",
  "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567
})";
constexpr int64_t kAt = 1632493000;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Decision Eval(const Trust& trust, const std::string& token, int64_t at = kAt) {
  return testing::EvalToken(trust, token, at);
}

// "line:column: message" of each reason.
std::vector<std::string> Reasons(const Decision& d) {
  std::vector<std::string> out;
  for (const Reason& r : d.reasons) out.push_back(fmt::format("{}:{}: {}", r.loc.line, r.loc.column, r.message));
  return out;
}

// Loads paths as the command line does (with the link step).
LoadResult LoadAll(const std::vector<std::string>& paths, bool malformed_is_error = true) {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return testing::LoadPathsOrFail(paths, options);
}
const Trust* Find(const LoadResult& r, const std::string& name) { return testing::FindTrust(r, name); }

Result<LoadedFile> LoadTemplate(const std::string& text, bool malformed_is_error = true,
                                const std::string& path = "template.yaml") {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return LoadText(path, text, options);
}

// ---------------------------------------------------------------------------
// Intrinsic functions, by table: a template with these parameters,
// conditions, mappings and resources; each case resolves one YAML value.

constexpr const char* kResolveTemplate = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Org: {Type: String, Default: octo-org}
  Repo: {Type: String, Default: octo-repo}
  Env: {Type: String, Default: prod}
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
  Count: {Type: Number, Default: 3}
  Missing: {Type: String}
  MissingList: {Type: CommaDelimitedList}
  FromSsm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /ci/org}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Org, octo-org]]
  Either: !Or [!Condition IsDev, !Equals [!Ref Repo, nope]]
  Undecided: !Equals [!Ref Missing, x]
  UndecidedButTrue: !Or [!Condition Undecided, !Condition IsProd]
  UndecidedAnd: !And [!Condition Undecided, !Condition IsProd]
  NumberCompare: !Equals [!Ref Count, 3]
Mappings:
  Issuers:
    github: {Host: token.actions.githubusercontent.com}
Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
  Bucket:
    Type: AWS::S3::Bucket
  Value:
    Type: Custom::Probe
    Properties:
      V: PLACEHOLDER
)";

// The resolved value: its text when known, "partial: TEXT (REASON)" with the
// first hole's reason, "unknown: REASON", "list: a|b", "problem: MESSAGE".
std::string Resolve(const std::string& yaml_value) {
  std::string text = Replace(kResolveTemplate, "PLACEHOLDER", yaml_value);
  SourceText source("t.yaml", text);
  auto docs = YAML::LoadAll(text);
  YamlTreeOptions options;
  options.tag_keys = {{"!Ref", "Ref"}, {"!Condition", "Condition"}};
  for (const char* fn : {"Sub", "GetAtt", "Join", "If", "Select", "Split", "Equals", "Not", "And", "Or", "FindInMap",
                         "ImportValue", "GetAZs", "Base64", "Cidr"})
    options.tag_keys[std::string("!") + fn] = std::string("Fn::") + fn;
  auto tree = YamlToJson(docs[0], source, options);
  if (!tree.ok()) return "yaml: " + tree.status().ToString();
  cfn::Template tpl(*tree->root, *tree->locator);
  Status s = tpl.Index();
  if (!s.ok()) return "index: " + s.ToString();
  const Json::Value& v = (*tree->root)["Resources"]["Value"]["Properties"]["V"];
  cfn::Value out = tpl.Resolve(v);
  auto problems = tpl.TakeProblems();
  if (!problems.empty()) return "problem: " + problems.front().message;
  switch (out.kind) {
    case cfn::Value::Kind::kUnknown: return "unknown: " + out.reason;
    case cfn::Value::Kind::kString:
      return out.is_known_string() ? out.text() : "partial: " + out.text() + " (" + out.first_unknown() + ")";
    case cfn::Value::Kind::kList: {
      std::string joined = "list:";
      for (const cfn::Value& i : out.items) joined += " " + (i.is_string() ? i.text() : "?");
      return joined;
    }
    case cfn::Value::Kind::kNoValue: return "novalue";
    default: return out.scalar_text().value_or("?");
  }
}

TEST(CloudFormation, IntrinsicFunctions) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      // Ref: parameters at their defaults, typed as CloudFormation passes them.
      {"!Ref Org", "octo-org"},
      {"{Ref: Org}", "octo-org"},
      {"!Ref Count", "3"},
      {"!Ref Names", "list: a b c"},
      {"!Ref Missing", "partial: ${Missing} (parameter `Missing` has no default)"},
      {"!Ref MissingList", "unknown: parameter `MissingList` has no default"},
      {"!Ref FromSsm", "partial: ${FromSsm} (parameter `FromSsm` is read from Systems Manager at deployment)"},
      {"!Ref AWS::AccountId", "partial: ${AWS::AccountId} (`AWS::AccountId` is the account the stack is deployed to)"},
      {"!Ref AWS::Region", "partial: ${AWS::Region} (`AWS::Region` is known only at deployment)"},
      {"!Ref AWS::NoValue", "novalue"},
      {"!Ref Bucket", "partial: ${Bucket} (`Ref` to resource `Bucket` (`AWS::S3::Bucket`) is known only after deployment)"},
      {"!Ref Provider",
       "partial: arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com "
       "(`AWS::Partition` is the partition the stack is deployed to)"},
      {"!Ref Nope", "problem: `Nope` is not a parameter, a pseudo parameter or a resource of the template"},
      {"!Ref AWS::Nope", "problem: unknown pseudo parameter `AWS::Nope`"},
      // GetAtt: dotted and list forms.
      {"!GetAtt Provider.Arn",
       "partial: arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com "
       "(`AWS::Partition` is the partition the stack is deployed to)"},
      {"{Fn::GetAtt: [Provider, Arn]}",
       "partial: arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com "
       "(`AWS::Partition` is the partition the stack is deployed to)"},
      {"!GetAtt Bucket.Arn", "partial: ${Bucket.Arn} (attribute `Arn` of resource `Bucket` is known only after deployment)"},
      {"!GetAtt Nope.Arn", "problem: `Fn::GetAtt` names no resource `Nope`"},
      // Sub: string and [string, {variables}] forms, escapes, attributes.
      {"!Sub repo:${Org}/${Repo}:*", "repo:octo-org/octo-repo:*"},
      {"!Sub [\"${A}-${Org}\", {A: !Ref Repo}]", "octo-repo-octo-org"},
      {"!Sub \"${!Literal}-${AWS::Region}\"", "partial: ${Literal}-${AWS::Region} (`AWS::Region` is known only at deployment)"},
      {"!Sub \"${Provider.Arn}\"",
       "partial: arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com "
       "(`AWS::Partition` is the partition the stack is deployed to)"},
      {"!Sub repo:${Missing}/x", "partial: repo:${Missing}/x (parameter `Missing` has no default)"},
      {"!Sub ${Nope}", "problem: `Nope` is not a parameter, a pseudo parameter or a resource of the template"},
      {"{Fn::Sub: \"${Org}\"}", "octo-org"},
      // Join, Select, Split, FindInMap, Base64.
      {"!Join [\"/\", [a, !Ref Org, !Ref Repo]]", "a/octo-org/octo-repo"},
      {"!Join [\",\", !Ref Names]", "a,b,c"},
      {"!Join [\"\", [x, !Ref Missing]]", "partial: x${Missing} (parameter `Missing` has no default)"},
      {"!Select [1, [a, b, c]]", "b"},
      {"!Select [\"2\", !Ref Names]", "c"},
      {"!Select [3, [a]]", "problem: `Fn::Select` index 3 is past the end of a list of 1"},
      {"!Select [0, !Split [\":\", \"x:y\"]]", "x"},
      {"!Split [\":\", !Ref Missing]", "unknown: parameter `Missing` has no default"},
      {"!FindInMap [Issuers, github, Host]", "token.actions.githubusercontent.com"},
      {"!FindInMap [Issuers, gitlab, Host]", "problem: `Fn::FindInMap` finds nothing at `Issuers`/`gitlab`/`Host`"},
      {"!Base64 abc", "YWJj"},
      // If and conditions, decided from the defaults when they can be.
      {"!If [IsProd, prod, dev]", "prod"},
      {"!If [IsDev, prod, dev]", "dev"},
      {"!If [Both, yes, no]", "yes"},
      {"!If [Either, yes, no]", "no"},
      {"!If [NumberCompare, three, other]", "three"},
      {"!If [UndecidedButTrue, yes, no]", "yes"},
      {"!If [Undecided, a, b]", "unknown: condition `Undecided` cannot be decided: parameter `Missing` has no default"},
      {"!If [UndecidedAnd, a, b]", "unknown: condition `Undecided` cannot be decided: parameter `Missing` has no default"},
      {"!If [Undecided, same, same]", "same"},
      {"!If [IsDev, x, !Ref AWS::NoValue]", "novalue"},
      {"!If [Nope, a, b]", "problem: `Nope` is not a condition of the template"},
      // Known only at deployment.
      {"!ImportValue shared-provider-arn", "unknown: `Fn::ImportValue` reads an export of another stack at deployment"},
      {"!GetAZs \"\"", "unknown: `Fn::GetAZs` lists the availability zones at deployment"},
      {"!Cidr [10.0.0.0/16, 4, 8]", "unknown: `Fn::Cidr` address blocks are not computed"},
      // Misuse CloudFormation refuses.
      {"!Equals [a, a]", "problem: `Fn::Equals` can only be used in `Conditions` and in the condition of `Fn::If`"},
      {"{Fn::Nope: x}", "problem: unknown intrinsic function `Fn::Nope`"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_EQ(Resolve(c.yaml), c.expected);
  }
}

// ---------------------------------------------------------------------------
// The bundled templates.

TEST(CloudFormation, GitHubRoleWithProviderInTheSameTemplate) {
  LoadResult r = LoadAll({kCorpus + "github-actions-role.yaml"});
  ASSERT_EQ(r.files.size(), 1u);
  const LoadedFile& f = r.files[0];
  EXPECT_EQ(f.format, "cloudformation");
  ASSERT_EQ(f.facts.size(), 1u);
  EXPECT_EQ(f.facts[0].kind, aws::kOidcProviderFactKind);
  EXPECT_EQ(f.facts[0].key, "token.actions.githubusercontent.com");
  EXPECT_EQ(f.facts[0].loc.line, 23u);  // ClientIdList
  ASSERT_EQ(f.trusts.size(), 1u);
  const Trust& t = f.trusts[0];
  EXPECT_EQ(t.name, "DeployRole");
  EXPECT_EQ(t.format, "cloudformation");
  EXPECT_EQ(t.loc.line, 26u);
  EXPECT_EQ(t.loc.column, 3u);
  EXPECT_EQ(*t.Label("role-name"), "octo-repo-deploy");
  EXPECT_EQ(*t.Label("parameter-default:BranchName"), "main");
  EXPECT_TRUE(t.notes.empty());

  Decision main = Eval(t, kGitHubMain);
  EXPECT_TRUE(main.accepted) << Reasons(main).front();

  Decision dev = Eval(t, Replace(kGitHubMain, "refs/heads/main", "refs/heads/dev"));
  EXPECT_FALSE(dev.accepted);
  EXPECT_EQ(dev.outcome, Outcome::kImplicitDeny);
  ASSERT_FALSE(dev.reasons.empty());
  EXPECT_EQ(dev.reasons[0].loc.line, 39u);  // the condition key's line
  EXPECT_EQ(dev.reasons[0].loc.column, 17u);
  EXPECT_NE(dev.reasons[0].message.find("`repo:octo-org/octo-repo:ref:refs/heads/main`"), std::string::npos)
      << dev.reasons[0].message;

  // The policy has no audience condition; the provider's client-ID list is.
  Decision aud = Eval(t, Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"https://github.com/octo-org\""));
  EXPECT_FALSE(aud.accepted);
  EXPECT_EQ(Reasons(aud),
            std::vector<std::string>{"23:7: statement #1: audience (OIDC provider client ID list) expects "
                                     "`sts.amazonaws.com`; token `aud` has `https://github.com/octo-org`"});
}

TEST(CloudFormation, JsonTemplateWithLongForms) {
  LoadResult r = LoadAll({kCorpus + "github-actions-role.json"});
  const Trust* t = Find(r, "DeployRole");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->loc.line, 16u);
  std::string prod = Replace(kGitHubMain, "ref:refs/heads/main", "environment:production");
  EXPECT_TRUE(Eval(*t, prod).accepted);
  Decision main = Eval(*t, kGitHubMain);
  EXPECT_FALSE(main.accepted);
  ASSERT_FALSE(main.reasons.empty());
  EXPECT_EQ(main.reasons[0].loc.line, 29u);  // "token.actions.githubusercontent.com:sub"
  EXPECT_NE(main.reasons[0].message.find("`repo:octo-org/octo-repo:environment:production`"), std::string::npos)
      << main.reasons[0].message;
}

TEST(CloudFormation, UnknownsNeverAccept) {
  LoadResult r = LoadAll({kCorpus + "undecided.yaml"});
  ASSERT_EQ(r.files.size(), 1u);
  ASSERT_EQ(r.files[0].trusts.size(), 2u);
  EXPECT_EQ(r.files[0].trusts[0].name, "MainBranchRole");  // source order
  const Trust* main_role = Find(r, "MainBranchRole");
  const Trust* imported = Find(r, "ImportedProviderRole");
  ASSERT_TRUE(main_role && imported);

  // The org is unknown: a main-branch token of any org might be the one.
  Decision main = Eval(*main_role, kGitHubMain);
  EXPECT_FALSE(main.accepted);
  EXPECT_EQ(main.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(main), std::vector<std::string>{
                               "39:17: statement #1: cannot be decided: parameter `GitHubOrg` has no default"});
  // No org makes a dev-branch token match: rejected outright.
  Decision dev = Eval(*main_role, Replace(kGitHubMain, "refs/heads/main", "refs/heads/dev"));
  EXPECT_EQ(dev.outcome, Outcome::kImplicitDeny);
  ASSERT_FALSE(dev.reasons.empty());
  EXPECT_EQ(dev.reasons[0].loc.line, 39u);
  EXPECT_NE(dev.reasons[0].message.find("`repo:${GitHubOrg}/octo-repo:ref:refs/heads/main`"), std::string::npos)
      << dev.reasons[0].message;
  // Whether the provider is created here is undecided, so an audience
  // outside its list might still be registered on an existing provider.
  Decision aud = Eval(*main_role, Replace(kGitHubMain, "\"sts.amazonaws.com\"", "\"other\""));
  EXPECT_EQ(aud.outcome, Outcome::kUnknown);
  ASSERT_FALSE(aud.reasons.empty());
  EXPECT_EQ(Reasons(aud),
            (std::vector<std::string>{
                "22:7: statement #1: audience (OIDC provider client ID list) expects `sts.amazonaws.com`; token `aud` "
                "has `other`",
                "22:7: statement #1: cannot be decided: a client ID of OIDC provider `GitHubOidc` is unknown: OIDC "
                "provider `GitHubOidc` may not be created: condition `CreateProvider` cannot be decided: parameter "
                "`UseExistingProvider` has no default",
                "39:17: statement #1: cannot be decided: parameter `GitHubOrg` has no default"}));
  // Both branches of the `!If` name the same provider: the principal is known.
  Decision gitlab = Eval(*main_role, Replace(kGitHubMain, "https://token.actions.githubusercontent.com",
                                             "https://gitlab.com"));
  EXPECT_EQ(gitlab.outcome, Outcome::kImplicitDeny);
  ASSERT_FALSE(gitlab.reasons.empty());
  EXPECT_EQ(gitlab.reasons[0].loc.line, 32u);

  Decision import = Eval(*imported, kGitHubMain);
  EXPECT_EQ(import.outcome, Outcome::kUnknown);
  EXPECT_EQ(Reasons(import),
            std::vector<std::string>{"49:26: statement #1: cannot be decided: `Fn::ImportValue` reads an export of "
                                     "another stack at deployment"});

  // What stayed unknown is also a note, for the linter.
  std::vector<std::string> notes;
  for (const LoweringNote& n : main_role->notes)
    if (n.kind == LoweringNote::Kind::kUnresolved) notes.push_back(fmt::format("{}: {}", n.loc.line, n.message));
  EXPECT_EQ(notes, std::vector<std::string>{"39: parameter `GitHubOrg` has no default"});
}

TEST(CloudFormation, PolicyAsJsonTextInALiteralBlock) {
  LoadResult r = LoadAll({kCorpus + "eks-pod-role.yaml"});
  const Trust* t = Find(r, "PodRole");
  ASSERT_NE(t, nullptr);
  constexpr const char* kEksToken = R"({
    "iss": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    "aud": ["sts.amazonaws.com"],
    "sub": "system:serviceaccount:default:my-service-account",
    "nbf": 1700000000, "exp": 1700003600, "iat": 1700000000
  })";
  EXPECT_TRUE(Eval(*t, kEksToken, 1700000100).accepted);
  Decision other = Eval(*t, Replace(kEksToken, "default:my-service-account", "default:other"), 1700000100);
  EXPECT_FALSE(other.accepted);
  ASSERT_FALSE(other.reasons.empty());
  // Line 33 of the file is line 11 of the block: `"${ClusterOidcIssuer}:sub"`.
  EXPECT_EQ(other.reasons[0].loc.line, 33u);
  EXPECT_EQ(other.reasons[0].loc.column, 19u);
}

// ---------------------------------------------------------------------------
// Inline templates: principals, conditions, errors.

constexpr const char* kRoleTemplate = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ProviderAccount: {Type: String}
  UseProvider: {Type: String, Default: "no"}
Conditions:
  WithProvider: !Equals [!Ref UseProvider, "yes"]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: FEDERATED
            Action: sts:AssumeRoleWithWebIdentity
)";

TEST(CloudFormation, FederatedPrincipals) {
  struct Case {
    std::string federated;
    std::string outcome;  // for kGitHubMain
    std::string reason;   // first reason, "line:column: message"
  };
  const std::vector<Case> cases = {
      // The stack's own account and partition: the provider host decides.
      {"!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com",
       "allowed", "14:13: allowed by statement #1"},
      {"!Sub \"arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com\"", "allowed",
       "14:13: allowed by statement #1"},
      {"!Join [\"\", [\"arn:aws:iam::\", !Ref AWS::AccountId, \":oidc-provider/token.actions.githubusercontent.com\"]]",
       "allowed", "14:13: allowed by statement #1"},
      // Another account that a deployment chooses: may not be the role's.
      {"!Sub arn:aws:iam::${ProviderAccount}:oidc-provider/token.actions.githubusercontent.com", "unknown",
       "16:26: statement #1: cannot be decided: the OIDC provider's account is unknown: parameter `ProviderAccount` "
       "has no default"},
      // The host itself unknown: nothing to decide from.
      {"!Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/${AWS::Region}", "unknown",
       "16:26: statement #1: cannot be decided: `AWS::AccountId` is the account the stack is deployed to"},
      // A condition decided from the defaults picks the branch.
      {"!If [WithProvider, !ImportValue x, \"arn:aws:iam::111122223333:oidc-provider/gitlab.com\"]", "implicit deny",
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.federated);
    auto f = LoadTemplate(Replace(kRoleTemplate, "FEDERATED", c.federated));
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_EQ(f->trusts.size(), 1u);
    Decision d = Eval(f->trusts[0], kGitHubMain);
    EXPECT_EQ(OutcomeName(d.outcome), std::string(c.outcome));
    if (!c.reason.empty()) {
      ASSERT_FALSE(d.reasons.empty());
      EXPECT_EQ(Reasons(d).front(), c.reason);
    }
  }
}

TEST(CloudFormation, ResourceConditions) {
  const std::string base = R"(Parameters:
  Create: {Type: String, Default: "false"}
  Free: {Type: String}
Conditions:
  Yes: !Equals [!Ref Create, "true"]
  Maybe: !Equals [!Ref Free, "true"]
Resources:
  Role:
    Type: AWS::IAM::Role
    Condition: COND
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Federated: accounts.google.com}
            Action: sts:AssumeRoleWithWebIdentity
)";
  // Not created with the defaults: no trust.
  auto no = LoadTemplate(Replace(base, "COND", "Yes"));
  ASSERT_TRUE(no.ok()) << no.status().ToString();
  EXPECT_EQ(no->format, "cloudformation");
  EXPECT_TRUE(no->trusts.empty());
  // Undecided: the trust is kept, with a note saying it may not exist.
  auto maybe = LoadTemplate(Replace(base, "COND", "Maybe"));
  ASSERT_TRUE(maybe.ok()) << maybe.status().ToString();
  ASSERT_EQ(maybe->trusts.size(), 1u);
  ASSERT_EQ(maybe->trusts[0].notes.size(), 1u);
  EXPECT_EQ(maybe->trusts[0].notes[0].kind, LoweringNote::Kind::kUnresolved);
  EXPECT_EQ(maybe->trusts[0].notes[0].message,
            "role `Role` may not be created: condition `Maybe` cannot be decided: parameter `Free` has no default");
  EXPECT_EQ(maybe->trusts[0].notes[0].loc.line, 8u);
}

TEST(CloudFormation, ErrorsAreLocated) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::string role = R"(Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: PRINCIPAL
            Action: ACTION
)";
  const std::vector<Case> cases = {
      {Replace(Replace(role, "PRINCIPAL", "!Ref Nope"), "ACTION", "sts:AssumeRoleWithWebIdentity"),
       "template.yaml:10:26: error: `Nope` is not a parameter, a pseudo parameter or a resource of the template"},
      {Replace(Replace(role, "PRINCIPAL", "!Foo x"), "ACTION", "sts:AssumeRoleWithWebIdentity"),
       "template.yaml:10:26: error: unsupported YAML tag `!Foo`"},
      {Replace(Replace(role, "PRINCIPAL", "accounts.google.com"), "ACTION", "[sts:AssumeRoleWithWebIdentity"),
       "template.yaml:12:1: error: invalid YAML: end of sequence flow not found"},
      {Replace(Replace(role, "PRINCIPAL", "accounts.google.com"), "ACTION", "!Sub [a, b, c]"),
       "template.yaml:11:21: error: `Fn::Sub` takes a string or `[string, {variables}]`"},
      {Replace(Replace(role, "PRINCIPAL", "accounts.google.com"), "ACTION", "sts:AssumeRoleWithWebIdentity\n"
                                                                             "            Resource: \"*\""),
       "template.yaml:12:13: error: role trust policies do not support `Resource`"},
      {"Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: x\n",
       "template.yaml:2:3: error: role `Role` has no `AssumeRolePolicyDocument`"},
      {"AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Role:\n    Properties: {}\n",
       "template.yaml:3:3: error: resource `Role` has no `Type`"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto f = LoadTemplate(c.text);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().ToString(), c.error);
  }
  // JSON templates report JSON errors.
  auto json = LoadTemplate("{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n \"Resources\": {},}", true, "t.json");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().loc().line, 2u);
}

TEST(CloudFormation, LintKeepsTemplateProblemsAsNotes) {
  const std::string text = R"(Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Ref Nope
            Action: sts:AssumeRoleWithWebIdentity
            Action: sts:AssumeRole
)";
  auto f = LoadTemplate(text, /*malformed_is_error=*/false);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->trusts.size(), 1u);
  std::vector<std::string> notes;
  for (const LoweringNote& n : f->trusts[0].notes)
    notes.push_back(fmt::format("{}:{}: {}", n.loc.line, n.loc.column, n.message));
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "9:26: `Nope` is not a parameter, a pseudo parameter or a resource of the template",
                       "10:13: key `Action` appears again later in the same map; only the last one is kept"}));
  // The broken principal never matches.
  EXPECT_FALSE(Eval(f->trusts[0], kGitHubMain).accepted);
}

TEST(CloudFormation, Detection) {
  // Kubernetes YAML is not a template.
  auto k8s = LoadTemplate("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
  ASSERT_FALSE(k8s.ok());
  EXPECT_EQ(k8s.status().ToString(), "template.yaml: error: not a trust in any known format");
  // Resources with AWS types are enough without the version key.
  auto bare = LoadTemplate("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->format, "cloudformation");
  EXPECT_TRUE(bare->trusts.empty());
}

}  // namespace
}  // namespace trustcheck
