// `trustcheck lint [--format text|json|sarif|github|gitlab] [--fail-on SEVERITY] [--config FILE] [--type FORMAT] PATH...`

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/command.h"
#include "cli/progress.h"
#include "lint/config.h"
#include "lint/linter.h"
#include "lint/registry.h"
#include "lint/report.h"
#include "lint/style.h"
#include "rules/builtin_rules.h"
#include "trustcheck/load.h"

namespace trustcheck::cli {

namespace {

CommandSpec Spec() {
  CommandSpec spec{"lint", {"PATH..."},
                   "Reports trusts that are too relaxed or broken, and what they let in. Exit codes: 0 when no finding is at or\n"
                   "above --fail-on (default: medium), 1 when one is, 2 on a usage or input error. `trustcheck rules` lists the\n"
                   "rules; docs/lint.md explains the config file and inline suppressions.",
                   {{"format", "text|json|sarif|github|gitlab", "output format (default: text)"},
                    {"fail-on", "info|low|medium|high|critical", "exit 1 on a finding at or above this (default: medium)"},
                    {"config", "FILE", "rule settings, owners and ignored paths (docs/lint.md)"},
                    {"no-color", "", "no colour, even on a terminal (also: NO_COLOR)"},
                    {"witness", "", "print each finding's witness token (text output)"},
                    {"show-skipped", "", "list the files a folder search skipped, and why"}}};
  for (OptionSpec& o : LoadOptionSpecs()) spec.options.push_back(std::move(o));
  return spec;
}

std::string Render(const std::string& format, const lint::ReportInput& report) {
  if (format == "json") return lint::RenderJson(report);
  if (format == "sarif") return lint::RenderSarif(report);
  if (format == "github") return lint::RenderGithub(report);
  if (format == "gitlab") return lint::RenderGitlab(report);
  return lint::RenderText(report);
}

}  // namespace

int LintCommand(int argc, char** argv) {
  Args args;
  const CommandSpec spec = Spec();
  if (!ParseArgs(argc, argv, spec, &args)) return kExitError;
  if (args.Has("help")) {
    std::fputs(Help(spec).c_str(), stdout);
    return kExitOk;
  }
  if (args.positional.empty()) return UsageError(std::string("no PATH given\n") + Usage(spec));
  std::string format = args.Get("format", "text");
  if (!CheckChoice("format", format, {"text", "json", "sarif", "github", "gitlab"})) return kExitError;
  std::string fail_on_name = args.Get("fail-on", "medium");
  auto fail_on = lint::ParseSeverity(fail_on_name);
  if (!fail_on) {
    CheckChoice("fail-on", fail_on_name, {"info", "low", "medium", "high", "critical"});
    return kExitError;
  }

  lint::Registry registry;
  rules::RegisterBuiltinRules(registry);
  lint::Config config;
  if (args.Has("config")) {
    auto loaded = lint::LoadConfig(args.Get("config"), registry);
    if (!loaded.ok()) return InputError(loaded.status());
    config = std::move(*loaded);
  }

  LoadOptions options;
  options.forced_format = args.Get("type");
  options.malformed_is_error = false;  // malformed trusts are findings, not load errors
  if (!ApplyLimitFlags(args, &options.limits)) return kExitError;
  if (!ApplyTerraformVariableFlags(args, &options)) return kExitError;
  ProgressLine progress(isatty(STDERR_FILENO) != 0);
  options.progress = progress.Callback("loading");
  auto loaded = LoadPaths(args.positional, options);
  progress.Finish();
  if (!loaded.ok()) return InputError(loaded.status());
  for (const Status& e : loaded->errors) std::fputs(fmt::format("trustcheck: {}\n", e.ToString()).c_str(), stderr);
  std::vector<LoadedFile> files;
  for (LoadedFile& f : loaded->files)
    if (!config.Ignored(f.path)) files.push_back(std::move(f));

  lint::SourceCache sources;
  lint::LintOptions lint_options;
  lint_options.config = &config;
  lint_options.sources = &sources;
  std::vector<lint::Finding> findings = lint::RunLint(registry, files, lint_options);

  lint::ReportInput report;
  report.registry = &registry;
  report.files = &files;
  report.findings = &findings;
  report.sources = &sources;
  report.color = format == "text" && lint::WantColor(args.Has("no-color"));
  report.witnesses = args.Has("witness");
  report.skipped = &loaded->skipped_files;
  report.list_skipped = args.Has("show-skipped");
  report.tool_version = TRUSTCHECK_VERSION;
  std::fputs(Render(format, report).c_str(), stdout);

  if (!loaded->errors.empty()) return kExitError;
  for (const lint::Finding& f : findings)
    if (f.severity >= *fail_on) return kExitNegative;
  return kExitOk;
}

}  // namespace trustcheck::cli
