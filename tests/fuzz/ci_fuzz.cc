// libFuzzer target: the CI configuration readers (GitHub Actions workflows,
// GitLab pipelines) and the join of their jobs with a trust. The input is
// read as both formats; the jobs found are decided against one GitHub and
// one GitLab role, so the candidate tokens of whatever the reader made of
// the input are built and evaluated too.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trustcheck/ci.h"
#include "trustcheck/load.h"

namespace {

const std::vector<trustcheck::LoadedFile>& Trusts() {
  static const std::vector<trustcheck::LoadedFile> files = [] {
    std::vector<trustcheck::LoadedFile> out;
    const char* kRoles[] = {
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringLike": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:release/*"}}}]})"};
    int i = 0;
    for (const char* role : kRoles) {
      auto f = trustcheck::LoadText("/nonexistent/role-" + std::to_string(i++) + ".json", role, {});
      if (f.ok()) out.push_back(std::move(*f));
    }
    return out;
  }();
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  trustcheck::CiRepository repo;
  repo.path = "acme/app";
  std::vector<const trustcheck::Trust*> trusts;
  for (const trustcheck::LoadedFile& f : Trusts())
    for (const trustcheck::Trust& t : f.trusts) trusts.push_back(&t);
  for (int provider = 0; provider < 2; ++provider) {
    auto jobs = provider == 0 ? trustcheck::ReadGitHubWorkflowText("w.yml", "w.yml", text, repo, {})
                              : trustcheck::ReadGitLabCiText(".gitlab-ci.yml", text, repo, {});
    if (!jobs.ok()) continue;
    trustcheck::JoinCiJobs(*jobs, trusts, repo, {1796601600});
  }
  return 0;
}
