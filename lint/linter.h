// lint/linter.h: run the rules on loaded files.
//
//   Registry registry;
//   RegisterBuiltinRules(registry);
//   LintOptions options;            // every rule, default severities
//   std::vector<Finding> findings = RunLint(registry, files, options);
//
// RunLint applies the config (disabled rules, severities, ignored paths) and
// the inline suppressions, and returns the findings sorted by file, line,
// column and rule id, without duplicates.
//
// THREAD SAFETY
//
// RunLint is reentrant; the SourceCache it is given must not be shared. It
// runs the rules on `LintOptions::threads` threads (the rules only read the
// files; the findings are the same for any number of threads).

#ifndef TRUSTCHECK_LINT_LINTER_H_
#define TRUSTCHECK_LINT_LINTER_H_

#include <string>
#include <vector>

#include "lint/config.h"
#include "lint/registry.h"
#include "lint/rule.h"
#include "lint/sources.h"
#include "trustcheck/load.h"

namespace trustcheck::lint {

struct LintOptions {
  const Config* config = nullptr;  // nullptr: every rule, default severities
  // Non-empty: run only this rule (id or name), whatever the config says.
  std::string only_rule;
  // Source text for inline suppressions; nullptr: no suppressions.
  SourceCache* sources = nullptr;
  // Threads the rules run on; 0 (default): one per core.
  int threads = 0;
  // Unix seconds the witnesses are valid at; 0 (default): now.
  int64_t now = 0;
};

std::vector<Finding> RunLint(const Registry& registry, const std::vector<LoadedFile>& files,
                             const LintOptions& options);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_LINTER_H_
