// ReadCiJobs: finds a repository's CI configurations and reads them.

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "ci/readers.h"
#include "trustcheck/ci.h"
#include "trustcheck/read.h"

namespace trustcheck {

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxWorkflows = 1000;

Result<std::string> ReadRepoText(const std::string& path, const LoadLimits& limits) {
  ReadOptions options;
  options.max_bytes = limits.max_file_bytes;
  return ReadBounded(path, options);
}

// `path` relative to `root` must stay inside it (an include of
// `../../etc/x` is not the repository's).
bool Inside(const std::string& root, const std::string& relative) {
  fs::path p = fs::path(relative).lexically_normal();
  return !p.empty() && p.is_relative() && *p.begin() != "..";
}

}  // namespace

Result<std::vector<CiJob>> ReadGitHubWorkflowText(const std::string& path, const std::string& relative,
                                                  std::string text, const CiRepository& repo,
                                                  const LoadLimits& limits) {
  (void)relative;
  return ci::ReadGitHubWorkflows({{path, std::move(text)}}, "", repo, limits);
}

CiTarget ci::MakeTarget(Platform platform, const char* noun, const std::string& written,
                        const std::optional<std::string>& value) {
  CiTarget t;
  t.platform = platform;
  t.noun = noun;
  t.written = written;
  if (value) t.value = *value;
  return t;
}

Result<std::vector<CiJob>> ReadGitLabCiText(const std::string& path, std::string text, const CiRepository& repo,
                                            const LoadLimits& limits) {
  auto no_includes = [](const std::string&) -> Result<std::string> {
    return Status::Error(SourceLoc(), "includes are not read from text");
  };
  return ci::ReadGitLabPipeline(path, std::move(text), repo, limits, no_includes);
}

Result<std::vector<CiJob>> ReadCiJobs(const std::string& repo_dir, const CiRepository& repo,
                                      const LoadLimits& limits) {
  std::vector<CiJob> jobs;
  std::error_code ec;
  fs::path workflows = fs::path(repo_dir) / ".github" / "workflows";
  if (fs::is_directory(workflows, ec)) {
    std::vector<std::string> paths;
    for (const fs::directory_entry& e : fs::directory_iterator(workflows, ec)) {
      std::string ext = e.path().extension().string();
      if ((ext == ".yml" || ext == ".yaml") && e.is_regular_file(ec)) paths.push_back(e.path().string());
      if (paths.size() > kMaxWorkflows) break;
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string& p : paths) {
      TRUSTCHECK_ASSIGN_OR_RETURN(std::string text, ReadRepoText(p, limits));
      files.push_back({p, std::move(text)});
    }
    TRUSTCHECK_ASSIGN_OR_RETURN(std::vector<CiJob> github, ci::ReadGitHubWorkflows(files, repo_dir, repo, limits));
    for (CiJob& j : github) jobs.push_back(std::move(j));
  }
  fs::path gitlab = fs::path(repo_dir) / ".gitlab-ci.yml";
  if (fs::is_regular_file(gitlab, ec)) {
    TRUSTCHECK_ASSIGN_OR_RETURN(std::string text, ReadRepoText(gitlab.string(), limits));
    auto read = [&](const std::string& relative) -> Result<std::string> {
      if (!Inside(repo_dir, relative)) return Status::Error(SourceLoc::File(relative), "outside the repository");
      return ReadRepoText((fs::path(repo_dir) / relative).string(), limits);
    };
    TRUSTCHECK_ASSIGN_OR_RETURN(std::vector<CiJob> gl, ci::ReadGitLabPipeline(gitlab.string(), std::move(text), repo, limits, read));
    for (CiJob& j : gl) jobs.push_back(std::move(j));
  }
  return jobs;
}

}  // namespace trustcheck
