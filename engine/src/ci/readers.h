// Internal: the GitHub Actions reader (github_actions.cc) and the GitLab CI
// reader (gitlab_ci.cc) behind ReadCiJobs().

#ifndef TRUSTCHECK_SRC_CI_READERS_H_
#define TRUSTCHECK_SRC_CI_READERS_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trustcheck/ci.h"

namespace trustcheck::ci {

// The trust a step names: `written` as the workflow spells it, `value` when
// the configuration resolves it (else the target stays unknown).
CiTarget MakeTarget(Platform platform, const char* noun, const std::string& written,
                    const std::optional<std::string>& value);

// The workflows of one repository, (path, text) each; `root` is the
// repository folder the paths are relative to ("" when they are relative).
// Reusable workflows are read through their callers among `files`.
Result<std::vector<CiJob>> ReadGitHubWorkflows(const std::vector<std::pair<std::string, std::string>>& files,
                                               const std::string& root, const CiRepository& repo,
                                               const LoadLimits& limits);

// `.gitlab-ci.yml` and the local files it includes, read through `read`
// (path relative to the repository -> text, or an error).
using ReadRepoFile = std::function<Result<std::string>(const std::string& relative)>;
Result<std::vector<CiJob>> ReadGitLabPipeline(const std::string& path, std::string text, const CiRepository& repo,
                                              const LoadLimits& limits, const ReadRepoFile& read);

}  // namespace trustcheck::ci

#endif  // TRUSTCHECK_SRC_CI_READERS_H_
