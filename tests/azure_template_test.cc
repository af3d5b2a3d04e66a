// Bicep and ARM JSON templates (formats/azure_template.h): the federated
// identity credentials they declare, with parameters, variables,
// interpolation, functions, loops and conditions evaluated; unknowns where
// only a deployment knows; locations in the template; access units.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/test_support.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/azure/";
constexpr int64_t kAt = 1700000000;

std::string Token(const std::string& sub) {
  return R"({"iss": "https://token.actions.githubusercontent.com", "aud": "api://AzureADTokenExchange", "sub": ")" +
         sub + R"(", "exp": 4102444800, "iat": 1690000000})";
}

// "name: accept" / "name: reject (outcome)" for every trust of a file.
std::vector<std::string> Verdicts(const LoadResult& r, const std::string& sub) {
  std::vector<std::string> out;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) {
      Decision d = testing::EvalToken(t, Token(sub), kAt);
      out.push_back(t.name + ": " + (d.accepted ? "accept" : "reject (" + std::string(OutcomeName(d.outcome)) + ")"));
    }
  return out;
}

struct Case {
  const char* file;
  const char* sub;
  std::vector<std::string> verdicts;
};

TEST(AzureTemplates, CorpusDecisions) {
  const Case cases[] = {
      {"bicep/github-deploy-identity.bicep", "repo:acme/app:environment:prod",
       {"main: reject (implicit deny)", "env-staging: reject (implicit deny)", "env-prod: accept",
        "wide: reject (implicit deny)"}},
      {"bicep/github-deploy-identity.bicep", "repo:acme/app:ref:refs/heads/main",
       {"main: accept", "env-staging: reject (implicit deny)", "env-prod: reject (implicit deny)",
        "wide: reject (implicit deny)"}},
      {"bicep/graph-application.bicep", "repo:contoso/web:pull_request",
       {"github-main: reject (implicit deny)", "github-pr: accept"}},
      // `repo` has no default: the credential that uses it cannot be decided.
      {"arm/github-deploy-identity.json", "repo:acme/app:environment:prod",
       {"main: reject (unknown)", "env-staging: reject (implicit deny)", "env-prod: accept", "flex: accept"}},
      // Nested deployments (compiled Bicep modules): inner scope with the
      // deployment's parameters, outer scope with the template's; a false
      // condition deploys nothing.
      {"arm/nested-deployments.json", "repo:acme/app:environment:prod",
       {"env-staging: reject (implicit deny)", "env-prod: accept", "main: reject (implicit deny)"}},
      {"arm/nested-deployments.json", "repo:acme/app:pull_request",
       {"env-staging: reject (implicit deny)", "env-prod: reject (implicit deny)", "main: reject (implicit deny)"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.file) + " " + c.sub);
    LoadResult r = testing::LoadPathsOrFail({kCorpus + c.file});
    EXPECT_EQ(Verdicts(r, c.sub), c.verdicts);
  }
}

TEST(AzureTemplates, LocationsAndAccessUnits) {
  LoadResult r = testing::LoadPathsOrFail({kCorpus + "bicep/github-deploy-identity.bicep"});
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].format, "bicep");
  const Trust* main = testing::FindTrust(r, "main");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->loc.line, 21u);  // the nested `resource mainBranch` declaration
  EXPECT_EQ(main->facts.access_unit, "userAssignedIdentities/id-app-deploy");
  const Trust* prod = testing::FindTrust(r, "env-prod");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(prod->facts.access_unit, "userAssignedIdentities/id-app-deploy");
  // ARM: a nested child belongs to the identity it is written in.
  LoadResult arm = testing::LoadPathsOrFail({kCorpus + "arm/github-deploy-identity.json"});
  const Trust* nested = testing::FindTrust(arm, "main");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->facts.access_unit, "userAssignedIdentities/id-acme-deploy");
  Decision d = testing::EvalToken(*prod, Token("repo:acme/app:environment:dev"), kAt);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(d.reasons.front().loc.line, 36u);  // the subject's interpolated string
  EXPECT_EQ(d.reasons.front().loc.column, 14u);
}

class TempFolder {
 public:
  explicit TempFolder(const std::string& name) : dir_(fs::path(testing::TestTempDir()) / name) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  std::string Write(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file) << text;
    return (dir_ / file).string();
  }

 private:
  fs::path dir_;
};

constexpr const char* kParamBicep = R"(param org string
param suffix string = uniqueString(resourceGroup().id)
resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: 'deployer'
}
resource cred 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: id
  name: 'github'
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:${org}/app:ref:refs/heads/${toLower('MAIN')}'
    audiences: [ 'api://AzureADTokenExchange' ]
  }
}
resource other 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: id
  name: 'other-${suffix}'
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:${org}/${suffix}:ref:refs/heads/main'
    audiences: [ 'api://AzureADTokenExchange' ]
  }
}
)";

TEST(AzureTemplates, BicepParamFilesAndDeploymentUnknowns) {
  TempFolder folder("bicepparam");
  std::string bicep = folder.Write("main.bicep", kParamBicep);
  folder.Write("prod.bicepparam", "using './main.bicep'\n\nparam org = 'acme'\n");
  LoadResult r = testing::LoadPathsOrFail({bicep});
  const Trust* cred = testing::FindTrust(r, "github");
  ASSERT_NE(cred, nullptr);
  EXPECT_TRUE(testing::EvalToken(*cred, Token("repo:acme/app:ref:refs/heads/main"), kAt).accepted);
  // uniqueString() is known only when deployed: what depends on it is
  // unknown, never accepted, and noted.
  const Trust* other = nullptr;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts)
      if (t.name.rfind("other", 0) == 0) other = &t;
  ASSERT_NE(other, nullptr);
  Decision d = testing::EvalToken(*other, Token("repo:acme/x:ref:refs/heads/main"), kAt);
  EXPECT_EQ(d.outcome, Outcome::kUnknown);
  bool noted = false;
  for (const LoweringNote& n : other->notes)
    noted |= n.message.find("`uniqueString()` is known only when the template is deployed") != std::string::npos;
  EXPECT_TRUE(noted);
}

// Module calls: the callee's credentials with the call's params, named by
// the call, repeated by its loop, dropped by its false condition; the
// called file read on its own is not judged again.
TEST(AzureTemplates, BicepModulesAreFollowed) {
  LoadResult r = testing::LoadPathsOrFail({kCorpus + "bicep-modules"});
  std::vector<std::string> trusts;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) {
      trusts.push_back(fmt::format("{}:{} {} {} [{}]", fs::path(t.loc.path()).filename().string(), t.loc.line, t.name,
                                   t.facts.access_unit, t.context));
    }
  EXPECT_EQ(trusts, (std::vector<std::string>{
                        "github-credential.bicep:13 main userAssignedIdentities/id-deploy "
                        "[module `mainBranch` (called at main.bicep:11)]",
                        "github-credential.bicep:13 env-staging userAssignedIdentities/id-deploy "
                        "[module `environments[0]` (called at main.bicep:20)]",
                        "github-credential.bicep:13 env-prod userAssignedIdentities/id-deploy "
                        "[module `environments[1]` (called at main.bicep:20)]",
                        // The Azure Verified Module's credential list, located in the caller.
                        "main.bicep:45 tags userAssignedIdentities/id-shared [module `shared` (called at main.bicep:40)]",
                    }));
  EXPECT_EQ(Verdicts(r, "repo:acme/app:environment:prod"),
            (std::vector<std::string>{"main: reject (implicit deny)", "env-staging: reject (implicit deny)",
                                      "env-prod: accept", "tags: reject (implicit deny)"}));
  // A classic subject compares exactly: `refs/tags/*` admits only itself.
  EXPECT_EQ(Verdicts(r, "repo:acme/app:ref:refs/tags/*").back(), "tags: accept");
  // The private registry module is not fetched, and says so.
  std::vector<std::string> notes;
  for (const LoadedFile& f : r.files)
    for (const LoweringNote& n : f.notes) notes.push_back(fmt::format("{}: {}", n.loc.line, n.message));
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "58: module `billing` comes from `br:contoso.azurecr.io/bicep/modules/billing-identity:1.2.0`, "
                       "which trustcheck does not fetch"}));
}

TEST(AzureTemplates, BicepModuleCallsWithUnknowns) {
  TempFolder folder("bicep-modules-unknown");
  folder.Write("cred.bicep", R"(param subject string
param enabled bool = true
resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: 'deployer'
}
resource cred 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = if (enabled) {
  parent: id
  name: 'github'
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: subject
    audiences: ['api://AzureADTokenExchange']
  }
}
)");
  std::string main = folder.Write("main.bicep", R"(param org string
param deploy bool
module given 'cred.bicep' = {
  name: 'given'
  params: { subject: 'repo:acme/app:ref:refs/heads/main' }
}
module fromParam 'cred.bicep' = {
  name: 'from-param'
  params: { subject: 'repo:${org}/app:ref:refs/heads/main' }
}
module missing 'cred.bicep' = {
  name: 'missing'
  params: {}
}
module maybe 'cred.bicep' = if (deploy) {
  name: 'maybe'
  params: { subject: 'repo:acme/app:ref:refs/heads/main' }
}
module off 'cred.bicep' = {
  name: 'off'
  params: { subject: 'repo:*', enabled: false }
}
module gone './not-there.bicep' = {
  name: 'gone'
}
)");
  LoadResult r = testing::LoadPathsOrFail({main});
  std::vector<std::string> verdicts;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) {
      Decision d = testing::EvalToken(t, Token("repo:acme/app:ref:refs/heads/main"), kAt);
      verdicts.push_back(t.context.substr(0, t.context.find(' ', 8)) + ": " + OutcomeName(d.outcome));
    }
  // A param the caller leaves out (and has no default) or an unknown
  // condition leaves the credential undecided; `enabled: false` drops it.
  EXPECT_EQ(verdicts, (std::vector<std::string>{"module `given`: allowed", "module `fromParam`: unknown",
                                                "module `missing`: unknown", "module `maybe`: unknown"}));
  ASSERT_EQ(r.files.size(), 1u);
  ASSERT_EQ(r.files[0].notes.size(), 1u);
  EXPECT_NE(r.files[0].notes[0].message.find("module `gone` (`./not-there.bicep`) cannot be read"), std::string::npos)
      << r.files[0].notes[0].message;
}

// loadJsonContent / loadTextContent read beside the template when Bicep
// compiles it: their values are known, located in the file read.
TEST(AzureTemplates, BicepLoadsFileContent) {
  TempFolder folder("bicep-load-content");
  folder.Write("github.json", "{\n  \"org\": \"acme\",\n  \"repos\": [\"app\", \"web\"]\n}\n");
  folder.Write("issuer.txt", "https://token.actions.githubusercontent.com");
  std::string main = folder.Write("main.bicep", R"(var config = loadJsonContent('github.json')
var repos = loadJsonContent('github.json', '$.repos')
var missing = loadJsonContent('absent.json')
resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: 'deployer'
}
resource creds 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [for repo in repos: {
  parent: id
  name: 'repo-${repo}'
  properties: {
    issuer: loadTextContent('issuer.txt')
    subject: 'repo:${config.org}/${repo}:ref:refs/heads/main'
    audiences: ['api://AzureADTokenExchange']
  }
}]
resource other 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: id
  name: 'other'
  properties: {
    issuer: loadTextContent('issuer.txt')
    subject: 'repo:${missing.org}/app:ref:refs/heads/main'
    audiences: ['api://AzureADTokenExchange']
  }
}
)");
  LoadResult r = testing::LoadPathsOrFail({main});
  EXPECT_EQ(Verdicts(r, "repo:acme/web:ref:refs/heads/main"),
            (std::vector<std::string>{"repo-app: reject (implicit deny)", "repo-web: accept", "other: reject (unknown)"}));
  const Trust* other = testing::FindTrust(r, "other");
  ASSERT_NE(other, nullptr);
  bool noted = false;
  for (const LoweringNote& n : other->notes)
    noted |= n.message.find("`loadJsonContent('absent.json')` cannot be read") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(AzureTemplates, ArmNestedDeploymentsNameTheDeployment) {
  LoadResult r = testing::LoadPathsOrFail({kCorpus + "arm/nested-deployments.json"});
  ASSERT_EQ(r.files.size(), 1u);
  std::vector<std::string> trusts;
  for (const Trust& t : r.files[0].trusts) {
    trusts.push_back(fmt::format("{}:{} {} {} [{}]", t.loc.line, t.loc.column, t.name, t.facts.access_unit, t.context));
  }
  EXPECT_EQ(trusts, (std::vector<std::string>{
                        "67:13 env-staging userAssignedIdentities/id-deploy "
                        "[deployment `cred-staging` (nested-deployments.json:24)]",
                        "67:13 env-prod userAssignedIdentities/id-deploy "
                        "[deployment `cred-prod` (nested-deployments.json:24)]",
                        "119:13 main userAssignedIdentities/id-deploy [deployment `cred-main` (nested-deployments.json:109)]",
                    }));
  ASSERT_EQ(r.files[0].notes.size(), 1u);
  EXPECT_EQ(r.files[0].notes[0].loc.line, 133u);
  EXPECT_EQ(r.files[0].notes[0].message,
            "this deployment links its template (`templateLink`), which trustcheck does not fetch");
}

// A parameter file is the deployment of the template it uses, wherever it
// is kept; the template read on its own is then not judged again.
TEST(AzureTemplates, BicepParamFileIsADeployment) {
  TempFolder folder("bicepparam-deployment");
  fs::create_directories(fs::path(testing::TestTempDir()) / "bicepparam-deployment" / "bicep");
  fs::create_directories(fs::path(testing::TestTempDir()) / "bicepparam-deployment" / "parameters");
  folder.Write("bicep/identity.bicep", R"(param identityName string
param federatedCredentials object
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: 'westeurope'
}
resource creds 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for item in items(federatedCredentials): {
    name: item.key
    parent: identity
    properties: item.value
  }
]
)");
  folder.Write("parameters/prod.bicepparam", R"(using '../bicep/identity.bicep'

param identityName = 'id-prod'
param federatedCredentials = {
  github: {
    audiences: ['api://AzureADTokenExchange']
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:acme/lz:environment:prod'
  }
}
)");
  LoadResult r = testing::LoadPathsOrFail({(fs::path(testing::TestTempDir()) / "bicepparam-deployment").string()});
  std::vector<std::string> trusts;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) {
      trusts.push_back(fmt::format("{} {}:{} {} {} [{}]", fs::path(f.path).filename().string(),
                                   fs::path(t.loc.path()).filename().string(), t.loc.line, t.name, t.facts.access_unit,
                                   t.context));
    }
  EXPECT_EQ(trusts, (std::vector<std::string>{"prod.bicepparam identity.bicep:7 github "
                                              "userAssignedIdentities/id-prod [deployment with `prod.bicepparam`]"}));
  EXPECT_EQ(Verdicts(r, "repo:acme/lz:environment:prod"), (std::vector<std::string>{"github: accept"}));

  // A parameter file whose template is missing is a located error.
  std::string broken = folder.Write("parameters/broken.bicepparam", "\nusing '../bicep/absent.bicep'\n");
  auto loaded = LoadPaths({broken}, {});
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->errors.size(), 1u);
  EXPECT_NE(loaded->errors[0].ToString().find("broken.bicepparam:2:1: error: cannot read the template "
                                              "`../bicep/absent.bicep`"),
            std::string::npos)
      << loaded->errors[0].ToString();
}

TEST(AzureTemplates, BicepModuleCycleIsAnError) {
  TempFolder folder("bicep-module-cycle");
  folder.Write("b.bicep", "module back 'a.bicep' = {\n  name: 'back'\n}\n");
  std::string a = folder.Write("a.bicep", "module next 'b.bicep' = {\n  name: 'next'\n}\n");
  auto r = LoadPaths({a}, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_NE(r->errors[0].ToString().find("b.bicep:1:1: error: module `back` calls `a.bicep`, which is already being read"),
            std::string::npos)
      << r->errors[0].ToString();
}

struct ErrorCase {
  const char* text;
  const char* error;  // "line:column: message"
};

TEST(AzureTemplates, BicepSyntaxErrorsAreLocated) {
  const ErrorCase cases[] = {
      {"param x string = 'open\n", "1:18: string is not closed by `'`"},
      {"resource r 'T@1' = {\n  name: 'a'\n", "1:20: resource body is not closed by `}`"},
      {"bogus x = 1\n", "1:1: `bogus` is not a Bicep declaration"},
      {"var x = format('{0}', \n", "2:1: the argument list is not closed by `)`"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    auto file = LoadText("t.bicep", c.text, {});
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(fmt::format("{}:{}: {}", file.status().loc().line, file.status().loc().column, file.status().message()),
              c.error);
  }
}

TEST(AzureTemplates, ArmConditionsAndCopies) {
  const std::string text = R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"deployPr": {"type": "bool", "defaultValue": false}, "count": {"type": "int"}},
  "resources": [
    {"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
     "apiVersion": "2023-01-31", "name": "id/pr", "condition": "[parameters('deployPr')]",
     "properties": {"issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:pull_request",
                    "audiences": ["api://AzureADTokenExchange"]}},
    {"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
     "apiVersion": "2023-01-31", "name": "[concat('id/branch-', copyIndex(1))]",
     "copy": {"name": "branches", "count": "[parameters('count')]"},
     "properties": {"issuer": "https://token.actions.githubusercontent.com",
                    "subject": "[concat('repo:acme/app:ref:refs/heads/b', copyIndex(1))]",
                    "audiences": ["api://AzureADTokenExchange"]}}
  ]
})";
  auto file = LoadText("azuredeploy.json", text, {});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->format, "arm-template");
  // The pull-request credential is not deployed (its condition is false);
  // the copies' count is unknown: one instance, guarded by that unknown.
  ASSERT_EQ(file->trusts.size(), 1u);
  const Trust& t = file->trusts[0];
  EXPECT_EQ(t.name, "branch-1");
  EXPECT_EQ(t.facts.access_unit, "userAssignedIdentities/id");
  Decision d = testing::EvalToken(t, Token("repo:acme/app:ref:refs/heads/b1"), kAt);
  EXPECT_EQ(d.outcome, Outcome::kUnknown);
}

}  // namespace
}  // namespace trustcheck
