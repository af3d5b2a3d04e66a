// The real-world sweep: every file of a folder of public trust files (one
// subfolder per input format, kept outside the repository as data, named by
// TRUSTCHECK_REALWORLD_DIR) run through the command line, as a user would:
//
//   - trust files (aws-json, azure, cloudformation, gcp, terraform, vault)
//     are recognised and load: `lint` exits 0 or 1, with the expected format;
//   - their findings are the expected ones: no "anyone gets in" on a pinned
//     trust, and what could not be resolved is reported as TC024;
//   - tokens/ decode as tokens;
//   - the deliberately broken files of invalid/ exit 2 with one
//     `file:line:column: error:` line;
//   - other/: the Config Connector provider is read; the shell script is no
//     trust.
//
// Skipped when the variable is unset or the folder is absent.

#include <gtest/gtest.h>
#include <json/json.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

namespace fs = std::filesystem;

const fs::path kRealWorld = [] {
  const char* dir = std::getenv("TRUSTCHECK_REALWORLD_DIR");
  return dir && *dir ? fs::absolute(dir) : fs::path();
}();

using RunResult = trustcheck::testing::CliRun;

// Runs `trustcheck <args>` inside the real-world folder, so paths in the
// output are relative to it (`invalid/x.json:20:24: ...`).
RunResult RunTrustcheck(const std::string& args) {
  return trustcheck::testing::RunCli(kRealWorld.string(), args);
}

Json::Value ParseJson(const std::string& text) { return trustcheck::testing::ParseJsonText(text); }

// The files of one folder of the sweep, relative to the real-world root.
std::vector<std::string> FilesIn(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(kRealWorld / folder, ec)) {
    if (e.is_regular_file()) out.push_back(folder + "/" + e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RealWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kRealWorld)) GTEST_SKIP() << kRealWorld << " is not there";
  }
};

// What `lint --format json FILE` gives: its exit code, the trusts it read,
// and each finding as "RULE:severity", sorted and without repeats.
struct Lint {
  int exit_code = -1;
  std::string format;
  int trusts = 0;
  std::string findings;
};

Lint LintFile(const std::string& file) {
  RunResult r = RunTrustcheck("lint --format json '" + file + "'");
  Lint out;
  out.exit_code = r.exit_code;
  Json::Value v = ParseJson(r.out);
  for (const Json::Value& f : v["files"]) {
    out.format = f["format"].asString();
    out.trusts += f["trusts"].asInt();
  }
  std::set<std::string> findings;
  for (const Json::Value& f : v["findings"]) findings.insert(f["rule"].asString() + ":" + f["severity"].asString());
  for (const std::string& f : findings) out.findings += (out.findings.empty() ? "" : " ") + f;
  if (!r.err.empty()) ADD_FAILURE() << file << ": " << r.err;
  return out;
}

// Each trust folder and the format its files are read as.
const std::map<std::string, std::string> kTrustFolders = {
    {"aws-json", "aws-policy"},         {"azure", "entra-credential"}, {"cloudformation", "cloudformation"},
    {"gcp", "gcp-provider"},            {"terraform", "terraform"},     {"vault", "vault-role"},
};

// The expected result of every file known today: exit code, trusts,
// findings. TC001 (critical: any tenant of a shared issuer) only where the
// trust really pins nothing; TC024 wherever a value could not be resolved.
struct Expected {
  int exit_code;
  int trusts;
  std::string findings;
};

const std::map<std::string, Expected> kExpected = {
    {"aws-json/2023mt03505-ctrl__2023mt03505-drift-detection-pro__trust-policy.json", {0, 1, "TC013:info"}},
    {"aws-json/450gowsik__eks-irsa-demo-__trust-policy.json", {0, 1, "TC024:low"}},
    {"aws-json/AlexKanj__test-aws-oidc-ak__github-trust-policy.json", {1, 1, "TC003:medium TC013:info"}},
    {"aws-json/AwesomeCICD__ceratf-module-eks__oidc_assume_role.json", {1, 1, "TC004:high TC024:low"}},
    {"aws-json/Dana0914__rsschool-devops-course-tasks__github-trust-policy.json", {0, 1, "TC003:low TC013:info"}},
    {"aws-json/Dromadon__hallebarde__google-web-identity-trust.json", {0, 1, "TC024:low"}},
    {"aws-json/KaustubhDhokte__aws-irsa__irsa-trust-policy.json", {1, 1, "TC020:medium"}},
    {"aws-json/RuthMayani__ecr-multi-env-capstone__github-oidc-trust-policy.json", {0, 1, ""}},
    {"aws-json/bgc-kyruus__gha-preflight-demo__github-oidc-trust-policy.json", {0, 1, "TC003:low TC013:info"}},
    {"aws-json/ccarrylab__aws-devops-platform__github-oidc-trust-policy.json", {0, 1, "TC003:low TC013:info"}},
    {"aws-json/fernando-m-vale__superseller-ia__oidc-trust-policy.json", {0, 1, "TC003:low TC013:info"}},
    {"aws-json/fintechless__ftl-api__cognito-assume_policy.json", {1, 1, "TC011:medium TC024:low"}},
    {"aws-json/grcengineering__how-to-harden__circleci-oidc-iam-trust-policy.json", {1, 1, "TC003:medium TC024:low"}},
    {"aws-json/jakub-dunak__SecureAuditAI__oidc-trust-policy.json", {0, 1, "TC003:low TC013:info TC024:low"}},
    {"aws-json/manifoldailearning__deploy-aws-demo__irsa-trust-policy.json", {0, 1, ""}},
    {"aws-json/mimi-labs__mimi__oidc-trust-policy.json", {0, 1, "TC003:low TC013:info"}},
    {"aws-json/protofire__telos-privacy-wallet__github-trust-policy.json", {0, 1, "TC013:info"}},
    {"aws-json/s33ding__iesb-das-infra__irsa-trust-policy.json", {0, 1, ""}},
    {"aws-json/victorgalantech__terraform-aws-github-oidc__github-trust-policy.json",
     {1, 1, "TC003:medium TC013:info TC024:low"}},
    {"aws-json/zefir01__impersonalized__irsa_policy.json", {0, 1, "TC024:low"}},
    {"aws-json/zimmermanc__cosign-demo__github-oidc-trust-policy.json", {0, 1, "TC003:low TC013:info"}},
    {"azure/ChawanakornI__mslearn-genaiops__federated-credential.json", {0, 1, ""}},
    {"azure/Gapoly__terragoat__federated-credential.json", {0, 1, "TC013:info"}},
    {"azure/IntelliTect-Samples__DeliveryBotSystem__federated-credential.json", {0, 1, "TC013:info"}},
    {"azure/M-Nwanze__spring-boot-aks-oidc-demo__federated-credential.json", {0, 1, "TC013:info"}},
    {"azure/PatrykIti__azurerm-terraform-modules__federated-credential.json", {0, 1, "TC013:info"}},
    {"azure/phoenixvc__phoenixvc-actions-runner__federated-credential.json", {0, 1, "TC013:info"}},
    {"cloudformation/atlaslakes__AWS-Infra__github-oidc.yaml", {0, 1, "TC003:low TC013:info"}},
    {"cloudformation/aws-actions__configure-aws-credentials__github-actions-oidc-federation-and-role.yml",
     {1, 1, "TC003:medium TC013:info TC024:low"}},
    // An OIDC provider only: a fact, no trust.
    {"cloudformation/aws-actions__configure-aws-credentials__github-actions-oidc-federation.yml", {0, 0, ""}},
    {"cloudformation/eduxal-labs__authentication__github-oidc.yml", {0, 1, "TC013:info TC024:low"}},
    {"cloudformation/razroo__mb-public-code__github-oidc.yaml", {1, 1, "TC003:medium TC013:info TC024:low"}},
    {"cloudformation/ryuya-matsubara__ito__github-oidc.yaml", {0, 1, ""}},
    {"cloudformation/stache-ai__stache-serverless__github-oidc.yaml", {0, 1, "TC013:info TC024:low"}},
    {"cloudformation/tlgs__aws-primordial__github-oidc.yaml", {0, 0, ""}},
    {"gcp/ordepzero__tech_challenger_5_mlops_e2e__wif-provider-list.yaml", {0, 1, "TC003:low TC013:info"}},
    {"terraform/AYAGALLAL__security-pipeline__oidc-iam-role.tf", {0, 1, "TC003:low TC013:info"}},
    // GCP providers: the project number (so the default audience) is known
    // only after apply; a provider without attribute_condition on a shared
    // issuer lets every tenant in.
    // Its condition reads `attribute.repository`, which is not mapped: nothing gets in.
    {"terraform/CorbetR__Detection-de-Fraudes-Terraform__iam-workload-identity-federation.tf",
     {1, 1, "TC020:medium TC024:low"}},
    {"terraform/Dromadon__hallebarde__iam_api.tf", {0, 1, "TC024:low"}},
    {"terraform/briananderson1222__demo-app__workload-identity.tf", {1, 1, "TC003:medium TC013:info TC024:low"}},
    {"terraform/briandenicola__kubernetes__porter-identities.tf", {0, 1, "TC024:low"}},
    {"terraform/bridgecrewio__checkov__GoogleIAMWorkloadIdentityConditional-main.tf",
     {1, 2, "TC001:critical TC003:medium TC013:info TC024:low"}},
    {"terraform/demophoon__homelab__vault-auth-koffan.tf", {1, 1, "TC004:high TC024:low"}},
    {"terraform/ge0r__vault-terraform__auth_jwt.tf", {0, 1, "TC024:low"}},
    {"terraform/tcbtechnologies__oidc-cicd__gcp-gitlab-pool.tf", {1, 1, "TC001:critical TC024:low"}},
    {"terraform/terraform-google-modules__docs-examples__oidc_basic-main.tf", {1, 1, "TC004:high TC024:low"}},
    {"vault/Srikanthhanchate__ui-api-cicd__vault-role.json", {0, 1, "TC003:low TC013:info"}},
    {"vault/github__docs__myproject-production-role.json", {1, 1, "TC013:info TC016:medium"}},
    {"vault/gitlabhq__gitlabhq__myproject-production-role.json", {1, 1, "TC016:medium"}},
    {"vault/gitlabhq__gitlabhq__myproject-staging-role.json", {1, 1, "TC016:medium"}},
    {"vault/tls-hashi__oci__jwt-role.json", {0, 1, "TC013:info"}},
    // A Config Connector resource whose subject mapping is the bool `true`.
    {"other/GoogleCloudPlatform__k8s-config-connector__iamworkloadidentitypoolprovider-oidc.yaml",
     {1, 1, "TC020:medium"}},
};

TEST_F(RealWorld, TrustFilesLoadWithTheExpectedFindings) {
  size_t checked = 0;
  for (const auto& [folder, format] : kTrustFolders) {
    for (const std::string& file : FilesIn(folder)) {
      SCOPED_TRACE(file);
      Lint lint = LintFile(file);
      // Recognised and loaded: findings at most, never an input error.
      EXPECT_LE(lint.exit_code, 1);
      EXPECT_EQ(lint.format, format);
      auto expected = kExpected.find(file);
      if (expected == kExpected.end()) continue;  // a file added later: the general checks only
      EXPECT_EQ(lint.exit_code, expected->second.exit_code);
      EXPECT_EQ(lint.trusts, expected->second.trusts);
      EXPECT_EQ(lint.findings, expected->second.findings);
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST_F(RealWorld, EveryTrustFileLoadsForEval) {
  // eval reads malformed trusts as errors; none of these is malformed. The
  // files with OIDC providers only have no trust to evaluate.
  const std::string files_without_trusts[] = {
      "cloudformation/aws-actions__configure-aws-credentials__github-actions-oidc-federation.yml",
      "cloudformation/tlgs__aws-primordial__github-oidc.yaml"};
  const std::string token = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/tokens/github-actions-main.json";
  for (const auto& [folder, format] : kTrustFolders) {
    for (const std::string& file : FilesIn(folder)) {
      if (std::find(std::begin(files_without_trusts), std::end(files_without_trusts), file) !=
          std::end(files_without_trusts)) {
        continue;
      }
      SCOPED_TRACE(file);
      RunResult r = RunTrustcheck("eval --format json --at 1632493000 --token '" + token + "' '" + file + "'");
      EXPECT_LE(r.exit_code, 1) << r.err;
      Json::Value v = ParseJson(r.out);
      EXPECT_GE(v["trusts"].size(), 1u);
    }
  }
}

TEST_F(RealWorld, TokensDecodeAsTokens) {
  const std::vector<std::string> tokens = FilesIn("tokens");
  EXPECT_FALSE(tokens.empty());
  const std::string trust = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/aws/github-actions-repo.json";
  for (const std::string& file : tokens) {
    SCOPED_TRACE(file);
    RunResult r = RunTrustcheck("eval --format json --token '" + file + "' '" + trust + "'");
    EXPECT_LE(r.exit_code, 1) << r.err;
    Json::Value v = ParseJson(r.out);
    EXPECT_EQ(v["token"]["form"].asString(), "claims");
    EXPECT_FALSE(v["token"]["iss"].asString().empty());
  }
}

TEST_F(RealWorld, InvalidFilesAreLocatedErrors) {
  const std::vector<std::string> files = FilesIn("invalid");
  EXPECT_FALSE(files.empty());
  const std::string token = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/tokens/github-actions-main.json";
  const std::string trust = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/aws/github-actions-repo.json";
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const std::regex located("trustcheck: " + std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                             R"(:[0-9]+:[0-9]+: error: [^\n]+\n)");
    // As a trust (lint and eval) and as a token: the same located error.
    for (const std::string& args : {"lint '" + file + "'", "eval --token '" + token + "' '" + file + "'",
                                    "eval --token '" + file + "' '" + trust + "'"}) {
      RunResult r = RunTrustcheck(args);
      EXPECT_EQ(r.exit_code, 2) << args;
      EXPECT_TRUE(std::regex_match(r.err, located)) << args << "\n" << r.err;
    }
  }
}

TEST_F(RealWorld, OtherFiles) {
  // The folder as a whole: the shell script is skipped, the Config Connector
  // resource is a GCP provider.
  RunResult r = RunTrustcheck("lint --format json other");
  EXPECT_LE(r.exit_code, 1) << r.err;
  Json::Value v = ParseJson(r.out);
  for (const Json::Value& f : v["files"]) {
    EXPECT_EQ(f["format"].asString(), "gcp-provider") << f["path"].asString();
    EXPECT_EQ(f["trusts"].asInt(), 1) << f["path"].asString();
  }
  for (const std::string& file : FilesIn("other")) {
    SCOPED_TRACE(file);
    if (fs::path(file).extension() == ".sh") {
      RunResult named = RunTrustcheck("lint '" + file + "'");
      EXPECT_EQ(named.exit_code, 2);
      EXPECT_EQ(named.err, "trustcheck: " + file + ": error: not a trust in any known format\n");
      continue;
    }
    auto expected = kExpected.find(file);
    if (expected == kExpected.end()) continue;
    Lint lint = LintFile(file);
    EXPECT_EQ(lint.exit_code, expected->second.exit_code);
    EXPECT_EQ(lint.trusts, expected->second.trusts);
    EXPECT_EQ(lint.findings, expected->second.findings);
  }
}

}  // namespace
