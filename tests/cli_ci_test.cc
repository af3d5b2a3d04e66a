// Golden tests of `trustcheck ci` (cli/ci_command.cc) run as a program on the
// bundled repositories under corpus/ci: the JSON contract of docs/cli.md,
// the exit codes of --fail-on, SARIF located at the workflow line, and the
// one-line errors of exit code 2.

#include <gtest/gtest.h>
#include <json/json.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.h"

namespace {

using RunResult = trustcheck::testing::CliRun;

RunResult RunTrustcheck(const std::string& args) { return trustcheck::testing::RunCli(TRUSTCHECK_SOURCE_DIR, args); }

Json::Value ParseJson(const std::string& text) { return trustcheck::testing::ParseJsonText(text); }

constexpr const char* kGitHub = "ci --repo octo-org/octo-repo --at 2026-12-07T00:00:00Z ";
constexpr const char* kGitLab = "ci --repo acme/app --at 2026-12-07T00:00:00Z ";

const Json::Value* Target(const Json::Value& out, const std::string& job, const std::string& trust) {
  for (const Json::Value& j : out["jobs"])
    if (j["job"].asString() == job)
      for (const Json::Value& t : j["targets"])
        if (t["name"].asString() == trust) return &t;
  return nullptr;
}

// docs/cli.md: {"jobs": [{"file", "line", "job", "provider", "targets":
// [{"source", "line", "name", "decision", "reason", "triggers", "risky",
// "witness"}]}]}.
TEST(CliCi, JsonContract) {
  RunResult r = RunTrustcheck(std::string(kGitHub) + "--format json corpus/ci/github-actions");
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the deploy job's role refuses it
  EXPECT_EQ(r.err, "");
  Json::Value out = ParseJson(r.out);
  ASSERT_EQ(out["jobs"].size(), 3u);
  const Json::Value& first = out["jobs"][0];
  EXPECT_EQ(first["file"], "corpus/ci/github-actions/.github/workflows/aws.yml");
  EXPECT_EQ(first["line"], 14);
  EXPECT_EQ(first["job"], "S3PackageUpload");
  EXPECT_EQ(first["provider"], "github");

  const Json::Value* example = Target(out, "S3PackageUpload", "example-role");
  ASSERT_NE(example, nullptr);
  EXPECT_EQ((*example)["source"], "corpus/ci/github-actions/iam/example-role.json");
  EXPECT_EQ((*example)["line"], 1);
  EXPECT_EQ((*example)["decision"], "accept");
  EXPECT_EQ((*example)["triggers"], ParseJson(R"(["push"])"));
  EXPECT_EQ((*example)["risky"], ParseJson("[]"));
  EXPECT_EQ((*example)["witness"]["sub"], "repo:octo-org/octo-repo:ref:refs/heads/octo-branch");

  const Json::Value* preview = Target(out, "preview", "preview");
  ASSERT_NE(preview, nullptr);
  EXPECT_EQ((*preview)["decision"], "accept");
  EXPECT_EQ((*preview)["risky"], ParseJson(R"(["pull_request"])"));
  EXPECT_EQ((*preview)["witness"]["sub"], "repo:octo-org/octo-repo:pull_request");

  const Json::Value* deploy = Target(out, "deploy", "deploy");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ((*deploy)["decision"], "reject");
  EXPECT_FALSE(deploy->isMember("witness"));
  EXPECT_EQ((*deploy)["reason"],
            "job `deploy` runs in environment `production` (on `push` to branch `main`), so its subject is "
            "`repo:octo-org/octo-repo:environment:production`; role `deploy` refuses it: statement #1: condition "
            "`StringEquals` on `token.actions.githubusercontent.com:sub` expects "
            "`repo:octo-org/octo-repo:ref:refs/heads/main`; token `sub` is "
            "`repo:octo-org/octo-repo:environment:production`");
}

// Every witness is a token `eval` accepts against the trust it names.
TEST(CliCi, WitnessesAreAcceptedByEval) {
  for (const std::string& run : {std::string(kGitHub) + "--format json corpus/ci/github-actions",
                                 std::string(kGitLab) + "--protected main --format json corpus/ci/gitlab"}) {
    Json::Value out = ParseJson(RunTrustcheck(run).out);
    int checked = 0;
    for (const Json::Value& j : out["jobs"]) {
      for (const Json::Value& t : j["targets"]) {
        std::vector<Json::Value> tokens;
        if (t.isMember("witness")) tokens.push_back(t["witness"]);
        for (const Json::Value& rw : t["risky_witnesses"]) tokens.push_back(rw["witness"]);
        for (const Json::Value& token : tokens) {
          std::string path = trustcheck::testing::TestTempDir() + "/witness.json";
          std::ofstream(path) << token.toStyledString();
          RunResult e = RunTrustcheck("eval --at 2026-12-07T00:00:00Z --token " + path + " " + t["source"].asString());
          EXPECT_EQ(e.exit_code, 0) << t["name"] << "\n" << e.out << e.err;
          ++checked;
        }
      }
    }
    EXPECT_GE(checked, 3) << run;
  }
}

TEST(CliCi, FailOn) {
  EXPECT_EQ(RunTrustcheck(std::string(kGitHub) + "corpus/ci/github-actions").exit_code, 1);
  EXPECT_EQ(RunTrustcheck(std::string(kGitHub) + "--fail-on never corpus/ci/github-actions").exit_code, 0);
  // GitLab: nothing refused, but a merge request pipeline reaches `gitlab-plan`.
  EXPECT_EQ(RunTrustcheck(std::string(kGitLab) + "corpus/ci/gitlab").exit_code, 0);
  EXPECT_EQ(RunTrustcheck(std::string(kGitLab) + "--fail-on risky corpus/ci/gitlab").exit_code, 1);
}

TEST(CliCi, GitLabUnknownProtectionAndGivenProtection) {
  Json::Value unknown = ParseJson(RunTrustcheck(std::string(kGitLab) + "--format json corpus/ci/gitlab").out);
  const Json::Value* vault = Target(unknown, "deploy", "app-deploy");
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ((*vault)["decision"], "unknown");
  EXPECT_NE((*vault)["reason"].asString().find("`ref_protected` is `true`"), std::string::npos);
  Json::Value given =
      ParseJson(RunTrustcheck(std::string(kGitLab) + "--protected main --format json corpus/ci/gitlab").out);
  vault = Target(given, "deploy", "app-deploy");
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ((*vault)["decision"], "accept");
  const Json::Value* plan = Target(given, "plan", "gitlab-plan");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ((*plan)["risky"], ParseJson(R"(["merge_request_event"])"));
}

TEST(CliCi, SarifIsLocatedAtTheWorkflowStep) {
  RunResult r = RunTrustcheck(std::string(kGitHub) + "--format sarif corpus/ci/github-actions");
  Json::Value sarif = ParseJson(r.out);
  const Json::Value& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["ruleId"], "CI002");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "corpus/ci/github-actions/.github/workflows/deploy.yml");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 20);
  EXPECT_EQ(results[1]["ruleId"], "CI001");
  EXPECT_EQ(results[1]["level"], "error");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"], 31);
}

TEST(CliCi, TextReport) {
  RunResult r = RunTrustcheck(std::string(kGitHub) + "--no-color corpus/ci/github-actions/ corpus/ci/github-actions/iam/deploy.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("corpus/ci/github-actions/.github/workflows/deploy.yml:24: job `deploy` (github)\n"
                       "  reject  role `deploy` (corpus/ci/github-actions/iam/deploy.json:1)\n"),
            std::string::npos)
      << r.out;
  // Only the trust paths given are loaded: the other roles are not known.
  EXPECT_NE(r.out.find("note: role `arn:aws:iam::123456789012:role/example-role` is not among the loaded trusts"),
            std::string::npos)
      << r.out;
}

// Without --repo, the repository is the one the checkout's `origin` names.
TEST(CliCi, RepositoryFromTheGitRemote) {
  std::string dir = trustcheck::testing::TestTempDir() + "/ci-remote";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/ci/github-actions", dir,
                        std::filesystem::copy_options::recursive);
  RunResult init = trustcheck::testing::RunCli(dir, "--version >/dev/null && git init -q && git remote add origin "
                                                    "git@github.com:octo-org/octo-repo.git && true");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  RunResult r = trustcheck::testing::RunCli(dir, "ci --at 2026-12-07T00:00:00Z --format json .");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Json::Value out = ParseJson(r.out);
  const Json::Value* example = Target(out, "S3PackageUpload", "example-role");
  ASSERT_NE(example, nullptr);
  EXPECT_EQ((*example)["decision"], "accept");
}

TEST(CliCi, Errors) {
  RunResult missing = RunTrustcheck(std::string(kGitHub) + "corpus/ci/no-such-repo");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "trustcheck: corpus/ci/no-such-repo: error: REPO_DIR must be a folder (the repository's checkout)\n");

  std::string dir = trustcheck::testing::TestTempDir() + "/ci-broken";
  std::filesystem::create_directories(dir + "/.github/workflows");
  std::ofstream(dir + "/.github/workflows/w.yml") << "on: push\njobs:\n  a: [\n";
  RunResult broken = RunTrustcheck(std::string(kGitHub) + dir);
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.err.rfind("trustcheck: " + dir + "/.github/workflows/w.yml:", 0), 0u) << broken.err;
  EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1);

  RunResult no_repo = trustcheck::testing::RunCli(dir, "ci .");
  EXPECT_EQ(no_repo.exit_code, 2);
  EXPECT_NE(no_repo.err.find("pass --repo OWNER/REPO"), std::string::npos);

  EXPECT_EQ(RunTrustcheck(std::string(kGitHub) + "--fail-on sometimes corpus/ci/github-actions").exit_code, 2);
}

}  // namespace
