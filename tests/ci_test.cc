// Tests of the CI join (trustcheck/ci.h): the jobs read from GitHub Actions
// workflows and GitLab pipelines, and their verdicts against trusts. Every
// case writes a small repository (workflow files and trust files) to a
// temporary folder, reads it as `trustcheck ci` does, and asserts each
// job's verdict per trust: decision, triggers accepted, risky triggers.
// Every witness token is then decided again with Evaluate(): a reported
// acceptance must be one `eval` agrees with.

#include <gtest/gtest.h>
#include <json/json.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/ci.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1796601600;  // 2026-12-07

// An AWS role trusting GitHub Actions with `sts.amazonaws.com` and these
// subject values (StringLike).
std::string GitHubRole(const std::string& subjects, const std::string& extra = "") {
  return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com")" +
         extra + R"(}, "StringLike": {"token.actions.githubusercontent.com:sub": )" + subjects + "}}}]}";
}

std::string GitLabRole(const std::string& subjects) {
  return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"},
                  "StringLike": {"gitlab.com:sub": )" + subjects + "}}}]}";
}

// A workflow whose one job `deploy` assumes role `deploy`.
std::string AwsWorkflow(const std::string& on, const std::string& job_extra = "",
                        const std::string& permissions = "permissions:\n  id-token: write\n") {
  return "on:\n" + on + permissions + "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n" + job_extra +
         "    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
         "          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: us-east-1\n";
}

struct Expect {
  std::string job;
  std::string trust;
  CiDecision decision;
  std::vector<std::string> triggers;
  std::vector<std::string> risky;
  std::string reason_has = "";
};

struct Case {
  std::string name;
  std::map<std::string, std::string> files;
  std::vector<Expect> expect;
  std::function<void(CiRepository*)> configure = nullptr;
  std::vector<std::string> jobs = {};  // when set: exactly these job ids are read
};

std::string WriteRepo(const Case& c, int index) {
  fs::path dir = fs::path(testing::TestTempDir()) / ("ci-" + std::to_string(index));
  fs::remove_all(dir);
  for (const auto& [path, text] : c.files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << text;
  }
  return dir.string();
}

void RunCase(const Case& c, int index) {
  SCOPED_TRACE(c.name);
  std::string dir = WriteRepo(c, index);
  CiRepository repo;
  repo.path = "acme/app";
  if (c.configure) c.configure(&repo);
  auto jobs = ReadCiJobs(dir, repo, {});
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  LoadOptions options;
  options.malformed_is_error = false;
  LoadResult loaded = testing::LoadPathsOrFail({dir}, options);
  std::vector<const Trust*> trusts;
  for (const LoadedFile& f : loaded.files)
    for (const Trust& t : f.trusts) trusts.push_back(&t);
  std::vector<CiJobReport> reports = JoinCiJobs(*jobs, trusts, repo, {kNow});
  if (!c.jobs.empty()) {
    std::vector<std::string> ids;
    for (const CiJob& j : *jobs) ids.push_back(j.id);
    EXPECT_EQ(ids, c.jobs);
  }
  for (const CiJobReport& r : reports) {
    for (const CiTargetVerdict& v : r.targets) {
      // The witness property: eval accepts every token reported.
      std::vector<const Json::Value*> tokens;
      if (!v.witness.isNull()) tokens.push_back(&v.witness);
      for (const auto& rt : v.risky_witnesses) tokens.push_back(&rt.witness);
      // A witness exactly when some run is accepted (an accept, or an
      // unknown that depends on a value the configuration leaves open).
      if (v.decision == CiDecision::kReject) {
        EXPECT_TRUE(v.witness.isNull()) << r.job->id << " " << v.trust->name;
      }
      if (v.decision == CiDecision::kAccept) {
        EXPECT_FALSE(v.witness.isNull()) << r.job->id << " " << v.trust->name;
      }
      for (const Json::Value* t : tokens) {
        Decision d = Evaluate(*v.trust, Claims(*t), EvalOptions{kNow});
        EXPECT_TRUE(d.accepted) << r.job->id << " -> " << v.trust->name << ": " << t->toStyledString();
      }
    }
  }
  for (const Expect& e : c.expect) {
    SCOPED_TRACE(e.job + " -> " + e.trust);
    const CiTargetVerdict* found = nullptr;
    for (const CiJobReport& r : reports)
      for (const CiTargetVerdict& v : r.targets)
        if (r.job->id == e.job && v.trust->name == e.trust) found = &v;
    if (e.decision == CiDecision::kReject && e.triggers.empty() && e.reason_has == "-") {
      EXPECT_EQ(found, nullptr);  // not reported at all
      continue;
    }
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->decision, e.decision) << found->reason;
    EXPECT_EQ(found->triggers, e.triggers) << found->reason;
    EXPECT_EQ(found->risky, e.risky) << found->reason;
    if (!e.reason_has.empty()) {
      EXPECT_NE(found->reason.find(e.reason_has), std::string::npos) << found->reason;
    }
  }
}

const CiDecision kAccept = CiDecision::kAccept, kReject = CiDecision::kReject, kUnknown = CiDecision::kUnknown;

// A GCP provider for GitHub Actions, pinned to an owner id and `main`.
constexpr const char* kGcpProvider =
    "attributeCondition: assertion.repository_owner_id == '65' && assertion.ref == 'refs/heads/main'\n"
    "attributeMapping:\n  google.subject: assertion.sub\n"
    "name: projects/123456789/locations/global/workloadIdentityPools/github/providers/acme\n"
    "oidc:\n  issuerUri: https://token.actions.githubusercontent.com\nstate: ACTIVE\n";

std::vector<Case> GitHubCases() {
  const std::string kMain = GitHubRole(R"("repo:acme/app:ref:refs/heads/main")");
  const std::string kAnyRef = GitHubRole(R"("repo:acme/app:*")");
  return {
      {"push to main is accepted by a main-only role",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n")}, {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}, "`repo:acme/app:ref:refs/heads/main` is accepted"}}},
      {"an environment changes the subject: a ref-pinned role refuses the deploy job (an outage)",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n", "    environment: prod\n")},
        {"deploy.json", kMain}},
       {{"deploy", "deploy", kReject, {}, {}, "so its subject is `repo:acme/app:environment:prod`"}}},
      {"an environment written as a map, accepted by an environment role",
       {{".github/workflows/d.yml",
         AwsWorkflow("  push:\n    branches: [main]\n", "    environment:\n      name: prod\n      url: https://x\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:environment:prod")")}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"pull requests reach a role that trusts every ref of the repository",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n  pull_request:\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push", "pull_request"}, {"pull_request"}}}},
      {"pull requests do not reach a main-only role",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n  pull_request:\n")},
        {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"workflow_dispatch is risky only when the role accepts a branch other than the default",
       {{".github/workflows/d.yml", AwsWorkflow("  workflow_dispatch:\n")}, {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"workflow_dispatch"}, {}}}},
      {"workflow_dispatch from any branch reaches a repository-wide role",
       {{".github/workflows/d.yml", AwsWorkflow("  workflow_dispatch:\n")}, {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"workflow_dispatch"}, {"workflow_dispatch"}}}},
      {"pull_request_target is risky",
       {{".github/workflows/d.yml", AwsWorkflow("  pull_request_target:\n")}, {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"pull_request_target"}, {"pull_request_target"}}}},
      {"schedule runs on the default branch",
       {{".github/workflows/d.yml", AwsWorkflow("  schedule:\n    - cron: '0 0 * * *'\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:ref:refs/heads/trunk")")}},
       {{"deploy", "deploy", kAccept, {"schedule"}, {}}},
       [](CiRepository* r) { r->default_branch = "trunk"; }},
      {"tag pushes: a tag filter and a tag role",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    tags: ['v*']\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:ref:refs/tags/v*")")},
        {"branch.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"a branch filter alone means tag pushes never run the workflow",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: ['release/**']\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:ref:refs/tags/*")")}},
       {{"deploy", "deploy", kReject, {}, {}}}},
      {"branches-ignore keeps the ignored branch out",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches-ignore: [main]\n")}, {"deploy.json", kMain}},
       {{"deploy", "deploy", kReject, {}, {}}}},
      {"negated patterns: the last matching pattern decides",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: ['release/**', '!release/old']\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:ref:refs/heads/release/old")")}},
       {{"deploy", "deploy", kReject, {}, {}}}},
      {"a glob filter meets a glob subject",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: ['release/*']\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:ref:refs/heads/release/*")")}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"`if: github.ref == 'refs/heads/main'` keeps pull requests away",
       {{".github/workflows/d.yml",
         AwsWorkflow("  push:\n  pull_request:\n", "    if: github.ref == 'refs/heads/main'\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"`if: github.event_name == 'push'`",
       {{".github/workflows/d.yml",
         AwsWorkflow("  push:\n  pull_request:\n", "    if: ${{ github.event_name == 'push' }}\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"`if:` alternatives: push or workflow_dispatch, not pull requests",
       {{".github/workflows/d.yml",
         AwsWorkflow("  push:\n  pull_request:\n  workflow_dispatch:\n",
                     "    if: github.event_name == 'push' || (github.event_name == 'workflow_dispatch')\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push", "workflow_dispatch"}, {"workflow_dispatch"}}}},
      {"an `if:` that is not read keeps every trigger",
       {{".github/workflows/d.yml",
         AwsWorkflow("  push:\n  pull_request:\n", "    if: contains(github.event.head_commit.message, 'deploy')\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push", "pull_request"}, {"pull_request"}}}},
      {"a job guarded to another repository never runs here",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n", "    if: github.repository == 'upstream/app'\n")},
        {"deploy.json", kAnyRef}},
       {},
       nullptr,
       {}},
      {"a job guarded to this repository runs",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n", "    if: github.repository == 'acme/app'\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}},
       nullptr,
       {"deploy"}},
      {"no id-token permission: no job",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n", "", "")}, {"deploy.json", kAnyRef}},
       {},
       nullptr,
       {}},
      {"job permissions replace the workflow's",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n", "    permissions:\n      contents: read\n")},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kReject, {}, {}, "-"}}},
      {"write-all grants id-token",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n", "", "permissions: write-all\n")},
        {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"a role pinned to an actor: accepted only for that actor",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n")},
        {"deploy.json",
         GitHubRole(R"("repo:acme/app:ref:refs/heads/main")", R"(, "token.actions.githubusercontent.com:actor": "alice")")}},
       {{"deploy", "deploy", kUnknown, {"push"}, {}, "`actor` is `alice`"}}},
      {"custom subject claim keys",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n")},
        {"deploy.json",
         GitHubRole(R"("repo:acme/app:context:ref:refs/heads/main:job_workflow_ref:acme/app/.github/workflows/d.yml@refs/heads/main")")}},
       {{"deploy", "deploy", kReject, {}, {}}}},
      {"custom subject claim keys (repo, context, job_workflow_ref), `:` kept in the context",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n")},
        {"deploy.json",
         GitHubRole(R"("repo:acme/app:ref:refs/heads/main:job_workflow_ref:acme/app/.github/workflows/d.yml@refs/heads/main")")}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}},
       [](CiRepository* r) { r->github_claim_keys = {"repo", "context", "job_workflow_ref"}; }},
      {"immutable subjects with known ids",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n")},
        {"deploy.json", GitHubRole(R"("repo:acme@65/app@99:ref:refs/heads/main")")}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}},
       [](CiRepository* r) {
         r->github_immutable_subject = true;
         r->owner_id = "65";
         r->repo_id = "99";
       }},
      {"immutable subjects without ids: accepted only for the ids the role names",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n    branches: [main]\n")},
        {"deploy.json", GitHubRole(R"("repo:acme@65/app@99:ref:refs/heads/main")")}},
       {{"deploy", "deploy", kUnknown, {"push"}, {}, "the owner id is `65`"}},
       [](CiRepository* r) { r->github_immutable_subject = true; }},
      {"a role named by an unmapped secret: every AWS role may be it (not named)",
       {{".github/workflows/d.yml",
         "on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
         "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
         "          role-to-assume: ${{ secrets.ROLE }}\n"},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"a role named by a mapped variable",
       {{".github/workflows/d.yml",
         "on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
         "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
         "          role-to-assume: arn:aws:iam::${{ vars.ACCOUNT }}:role/deploy\n"},
        {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}},
       [](CiRepository* r) { r->values["vars.ACCOUNT"] = "123456789012"; }},
      {"a custom audience that the role does not accept",
       {{".github/workflows/d.yml",
         "on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
         "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
         "          role-to-assume: deploy\n          audience: my-aud\n"},
        {"deploy.json", kAnyRef}},
       {{"deploy", "deploy", kReject, {}, {}, "aud"}}},
      {"a reusable workflow's job runs with its caller's triggers and names its own workflow",
       {{".github/workflows/ci.yml",
         "on:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\njobs:\n  call:\n"
         "    uses: ./.github/workflows/deploy.yml\n    with:\n      env: prod\n"},
        {".github/workflows/deploy.yml",
         "on:\n  workflow_call:\n    inputs:\n      env:\n        type: string\njobs:\n  deploy:\n"
         "    runs-on: ubuntu-latest\n    environment: ${{ inputs.env }}\n    steps:\n"
         "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
         "          role-to-assume: arn:aws:iam::123456789012:role/deploy\n"},
        {"deploy.json",
         GitHubRole(R"("repo:acme/app:environment:prod")",
                    R"(, "token.actions.githubusercontent.com:job_workflow_ref": "acme/app/.github/workflows/deploy.yml@refs/heads/main")")}},
       {{"call/deploy", "deploy", kAccept, {"push"}, {}}},
       nullptr,
       {"call/deploy"}},
      {"a reusable workflow of another repository, pinned by the role's job_workflow_ref",
       {{".github/workflows/ci.yml",
         "on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  deploy:\n    permissions:\n      id-token: write\n"
         "    uses: octo-org/octo-automation/.github/workflows/oidc.yml@main\n"},
        {"deploy.json",
         GitHubRole(R"("repo:acme/app:*")",
                    R"(, "token.actions.githubusercontent.com:job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main")")}},
       {{"deploy", "deploy", kAccept, {"push", "pull_request"}, {"pull_request"}}},
       nullptr,
       {"deploy"}},
      {"a reusable workflow's jobs get at most the caller's permissions",
       {{".github/workflows/ci.yml",
         "on: push\npermissions:\n  contents: read\njobs:\n  call:\n    uses: ./.github/workflows/deploy.yml\n"},
        {".github/workflows/deploy.yml",
         "on: workflow_call\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
         "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
         "          role-to-assume: deploy\n"},
        {"deploy.json", kAnyRef}},
       {},
       nullptr,
       {}},
      {"an environment from an expression: accepted only for the environment the role names",
       {{".github/workflows/d.yml", AwsWorkflow("  push:\n", "    environment: ${{ github.ref_name }}\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:environment:prod")")}},
       {{"deploy", "deploy", kUnknown, {"push"}, {}, "the environment is `prod`"}}},
      {"a matrix over environments runs in each: one of them is accepted",
       {{".github/workflows/d.yml",
         AwsWorkflow("  push:\n    branches: [main]\n",
                     "    strategy:\n      matrix:\n        env: [staging, production]\n"
                     "    environment: ${{ matrix.env }}\n")},
        {"deploy.json", GitHubRole(R"("repo:acme/app:environment:production")")}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"azure/login asks for api://AzureADTokenExchange",
       {{".github/workflows/d.yml",
         "on:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
         "    steps:\n      - uses: azure/login@v2\n        with:\n          client-id: ${{ secrets.AZURE_CLIENT_ID }}\n"
         "          tenant-id: ${{ secrets.AZURE_TENANT_ID }}\n          subscription-id: x\n"},
        {"cred.json",
         R"({"name": "main", "issuer": "https://token.actions.githubusercontent.com",
             "subject": "repo:acme/app:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]})"}},
       {{"deploy", "main", kAccept, {"push"}, {}}}},
      {"google-github-actions/auth asks for the provider's URL; the owner id is unknown",
       {{".github/workflows/d.yml",
         "on:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
         "    steps:\n      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: "
         "projects/123456789/locations/global/workloadIdentityPools/github/providers/acme\n"},
        {"provider.yaml", kGcpProvider}},
       {{"deploy", "acme", kUnknown, {"push"}, {}, "`repository_owner_id` is `65`"}}},
      {"google-github-actions/auth with the owner id given",
       {{".github/workflows/d.yml",
         "on:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
         "    steps:\n      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: "
         "projects/123456789/locations/global/workloadIdentityPools/github/providers/acme\n"},
        {"provider.yaml", kGcpProvider}},
       {{"deploy", "acme", kAccept, {"push"}, {}}},
       [](CiRepository* r) { r->owner_id = "65"; }},
      {"hashicorp/vault-action without jwtGithubAudience asks for the owner URL",
       {{".github/workflows/d.yml",
         "on:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
         "    steps:\n      - uses: hashicorp/vault-action@v3\n        with:\n          url: https://vault\n"
         "          method: jwt\n          role: deploy\n"},
        {"deploy.json",
         R"({"role_type": "jwt", "user_claim": "actor", "bound_audiences": ["https://github.com/acme"],
             "bound_claims": {"repository": "acme/app", "ref": "refs/heads/main"}})"}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"a plain token request names no trust: only the trusts that accept it are listed",
       {{".github/workflows/d.yml",
         "on:\n  push:\n    branches: [main]\npermissions:\n  id-token: write\njobs:\n  sign:\n    runs-on: ubuntu-latest\n"
         "    steps:\n      - run: |\n          curl -H \"Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN\" "
         "\"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com\"\n"},
        {"deploy.json", kMain},
        {"other.json", GitHubRole(R"("repo:other/app:*")")}},
       {{"sign", "deploy", kAccept, {"push"}, {}}, {"sign", "other", kReject, {}, {}, "-"}}},
  };
}

std::vector<Case> GitLabCases() {
  const std::string kAnyBranch = GitLabRole(R"("project_path:acme/app:ref_type:branch:ref:*")");
  const std::string kMain = GitLabRole(R"("project_path:acme/app:ref_type:branch:ref:main")");
  const std::string kJob = "  id_tokens:\n    AWS_TOKEN:\n      aud: https://gitlab.com\n  script:\n"
                           "    - aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy"
                           " --web-identity-token $AWS_TOKEN --role-session-name ci\n";
  return {
      {"a job without rules runs in branch and tag pipelines, not merge request pipelines",
       {{".gitlab-ci.yml", "deploy:\n" + kJob}, {"deploy.json", kAnyBranch}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"merge request pipelines reach a role that trusts every branch",
       {{".gitlab-ci.yml",
         "deploy:\n" + kJob +
             "  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n"
             "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"},
        {"deploy.json", kAnyBranch}},
       {{"deploy", "deploy", kAccept, {"merge_request_event", "push"}, {"merge_request_event"}}}},
      {"a main-only role: merge request pipelines of other branches are refused",
       {{".gitlab-ci.yml",
         "deploy:\n" + kJob +
             "  rules:\n    - if: $CI_PIPELINE_SOURCE == 'merge_request_event'\n"
             "    - if: $CI_COMMIT_BRANCH == \"main\"\n"},
        {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"`when: never` for merge requests first",
       {{".gitlab-ci.yml",
         "deploy:\n" + kJob +
             "  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n      when: never\n"
             "    - when: always\n"},
        {"deploy.json", kAnyBranch}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"only: tags, against a branch role",
       {{".gitlab-ci.yml", "deploy:\n" + kJob + "  only: [tags]\n"}, {"deploy.json", kAnyBranch}},
       {{"deploy", "deploy", kReject, {}, {}, "ref_type:tag"}}},
      {"only: [main] against a main role",
       {{".gitlab-ci.yml", "deploy:\n" + kJob + "  only: [main]\n"}, {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
      {"a local include, `extends` and `default: id_tokens`",
       {{".gitlab-ci.yml", "include:\n  - local: ci/jobs.yml\ndefault:\n  id_tokens:\n    AWS_TOKEN:\n      aud: https://gitlab.com\n"},
        {"ci/jobs.yml",
         ".aws:\n  script:\n    - aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy"
         " --web-identity-token $AWS_TOKEN\ndeploy:\n  extends: .aws\n  only: [main]\n"},
        {"deploy.json", kMain}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}},
       nullptr,
       {"deploy"}},
      {"the secrets keyword logs in to Vault with VAULT_AUTH_ROLE; ref_protected is unknown",
       {{".gitlab-ci.yml",
         "deploy:\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.example.com\n  variables:\n"
         "    VAULT_AUTH_ROLE: app\n  secrets:\n    DB:\n      vault: prod/db/password@secret\n"
         "      token: $VAULT_ID_TOKEN\n  only: [main]\n  script: [./deploy]\n"},
        {"app.json",
         R"({"role_type": "jwt", "user_claim": "user_email", "bound_audiences": ["https://vault.example.com"],
             "bound_claims": {"project_path": "acme/app", "ref": "main", "ref_protected": "true"}})"}},
       {{"deploy", "app", kUnknown, {"push"}, {}, "`ref_protected` is `true`"}}},
      {"protected refs given",
       {{".gitlab-ci.yml",
         "deploy:\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.example.com\n  variables:\n"
         "    VAULT_AUTH_ROLE: app\n  secrets:\n    DB:\n      vault: prod/db/password@secret\n"
         "      token: $VAULT_ID_TOKEN\n  only: [main]\n  script: [./deploy]\n"},
        {"app.json",
         R"({"role_type": "jwt", "user_claim": "user_email", "bound_audiences": ["https://vault.example.com"],
             "bound_claims": {"project_path": "acme/app", "ref": "main", "ref_protected": "true"}})"}},
       {{"deploy", "app", kAccept, {"push"}, {}}},
       [](CiRepository* r) {
         r->protected_refs = {"main"};
         r->protected_refs_given = true;
       }},
      {"a role ARN from a variable",
       {{".gitlab-ci.yml",
         "variables:\n  ROLE: arn:aws:iam::123456789012:role/deploy\ndeploy:\n  id_tokens:\n    T:\n"
         "      aud: https://gitlab.com\n  script:\n    - aws sts assume-role-with-web-identity --role-arn ${ROLE}"
         " --web-identity-token $T\n  rules:\n    - if: $CI_COMMIT_TAG =~ /^v\\d+/\n"},
        {"deploy.json", GitLabRole(R"("project_path:acme/app:ref_type:tag:ref:v*")")}},
       {{"deploy", "deploy", kAccept, {"push"}, {}}}},
  };
}

TEST(CiJoin, GitHubActions) {
  std::vector<Case> cases = GitHubCases();
  for (size_t i = 0; i < cases.size(); ++i) RunCase(cases[i], static_cast<int>(i));
}

TEST(CiJoin, GitLab) {
  std::vector<Case> cases = GitLabCases();
  for (size_t i = 0; i < cases.size(); ++i) RunCase(cases[i], static_cast<int>(100 + i));
}

TEST(CiRead, RefFilters) {
  struct Row {
    RefPattern pattern;
    std::string name;
    bool match;
  };
  using K = RefPattern::Kind;
  const Row rows[] = {
      {{K::kGitHubGlob, "release/*"}, "release/v1", true},
      {{K::kGitHubGlob, "release/*"}, "release/v1/x", false},
      {{K::kGitHubGlob, "release/**"}, "release/v1/x", true},
      {{K::kGitHubGlob, "v[12].*"}, "v2.0", true},
      {{K::kGitHubGlob, "v[12].*"}, "v3.0", false},
      {{K::kGitHubGlob, "ma?in"}, "min", true},
      {{K::kGitHubGlob, "ma?in"}, "main", true},
      {{K::kGitHubGlob, "ma+in"}, "maaain", true},
      {{K::kGitHubGlob, "main"}, "main2", false},
      {{K::kExact, "main"}, "main", true},
      {{K::kRegex, "^release-.*$"}, "release-1", true},
      {{K::kRegex, "release"}, "pre-release-1", true},  // GitLab regexes are unanchored
  };
  for (const Row& r : rows) {
    RefFilter f;
    f.include.push_back(r.pattern);
    EXPECT_EQ(f.Matches(r.name), r.match) << r.pattern.text << " " << r.name;
  }
}

TEST(CiRead, MalformedWorkflowIsALocatedError) {
  CiRepository repo;
  repo.path = "acme/app";
  auto jobs = ReadGitHubWorkflowText("w.yml", "w.yml", "on: push\njobs:\n  a: [\n", repo, {});
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.status().loc().path(), "w.yml");
  EXPECT_GT(jobs.status().loc().line, 0u);
  auto gitlab = ReadGitLabCiText("g.yml", "- a\n- b\n", repo, {});
  ASSERT_FALSE(gitlab.ok());
  EXPECT_EQ(gitlab.status().message(), "a CI configuration must be a YAML map");
}

TEST(CiRead, RemoteUrls) {
  EXPECT_EQ(RepositoryPathFromRemote("https://github.com/acme/app.git"), "acme/app");
  EXPECT_EQ(RepositoryPathFromRemote("git@github.com:acme/app.git"), "acme/app");
  EXPECT_EQ(RepositoryPathFromRemote("ssh://git@gitlab.com:2222/group/sub/project.git"), "group/sub/project");
  EXPECT_EQ(RepositoryPathFromRemote("https://gitlab.example.com/group/project"), "group/project");
  EXPECT_EQ(RepositoryPathFromRemote("/srv/git/app"), "");
}

}  // namespace
}  // namespace trustcheck
