// lint/report.h: the three outputs of `trustcheck lint`.
//
// TEXT, for people: findings grouped by file, each with its severity, rule,
// message and the offending source line with a caret; colour only when
// `color` is set (the CLI sets it for a terminal).
//
// JSON, for scripts (the contract in docs/lint.md):
//   {"files": [{"path", "format", "trusts"}],
//    "findings": [{"rule", "name", "severity", "message", "source", "line", "column"}]}
//
// GITHUB, for GitHub Actions: one workflow command per finding
// (`::error file=F,line=L,col=C,title=TC001 name::message`), which the runner
// turns into an annotation on the file; critical and high are `error`,
// medium `warning`, low and info `notice`; then the summary line.
//
// GITLAB, a GitLab Code Quality report (merge request widget): an array of
// {type, check_name, description, categories, fingerprint, severity,
// location: {path, lines: {begin}}}; severities critical -> blocker, high ->
// critical, medium -> major, low -> minor, info -> info; the fingerprint is
// stable across runs and edits elsewhere in the file.
//
// SARIF 2.1.0, for code scanning: every rule of the registry in
// tool.driver.rules (id, name, descriptions, help, default level, properties
// with tags and security-severity), every finding a result with ruleId,
// ruleIndex, level, message and a physical location with a region.
//
// THREAD SAFETY
//
// Pure functions of their inputs (the SourceCache is read and filled).

#ifndef TRUSTCHECK_LINT_REPORT_H_
#define TRUSTCHECK_LINT_REPORT_H_

#include <string>
#include <vector>

#include "lint/registry.h"
#include "lint/rule.h"
#include "lint/sources.h"
#include "trustcheck/load.h"

namespace trustcheck::lint {

struct ReportInput {
  const Registry* registry = nullptr;
  const std::vector<LoadedFile>* files = nullptr;
  const std::vector<Finding>* findings = nullptr;
  SourceCache* sources = nullptr;  // for the text output's source lines
  bool color = false;
  bool witnesses = false;          // text: print each finding's witness token
  std::string tool_version;        // "0.1.0"
  // Files a folder search did not load (trustcheck/load.h), and whether the
  // text output lists them (it always counts them).
  const std::vector<SkippedFile>* skipped = nullptr;
  bool list_skipped = false;
};

std::string RenderText(const ReportInput& in);
std::string RenderJson(const ReportInput& in);
std::string RenderSarif(const ReportInput& in);
std::string RenderGithub(const ReportInput& in);
std::string RenderGitlab(const ReportInput& in);

// The workflow command of a severity: "error", "warning" or "notice".
const char* GithubCommand(Severity severity);
// GitLab Code Quality severity: "blocker", "critical", "major", "minor", "info".
const char* GitlabSeverity(Severity severity);
// SHA-256 (hex) of the finding's rule, path, message and how many equal
// findings came before it in the report.
std::string GitlabFingerprint(const Finding& finding, int occurrence);

// SARIF `level` for a severity: critical and high are `error`, medium
// `warning`, low and info `note`.
const char* SarifLevel(Severity severity);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_REPORT_H_
