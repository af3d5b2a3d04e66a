// lint/config.h: the linter's config file.
//
// FORMAT (YAML)
//
//   rules:
//     TC013: off                      # disable a rule (by id or name)
//     wildcard-inside-tenant: medium  # change its severity
//     TC003:                          # or both, spelled out
//       enabled: true
//       severity: high
//   ignore:                           # paths never linted (see lint/glob.h)
//     - "examples/**"
//     - "*.sample.json"
//
// `off`, `false` and `disabled` turn a rule off; `on`, `true` and `enabled`
// back on; a severity name (info, low, medium, high, critical) keeps the
// rule on with that severity. Unknown keys and unknown rules are errors,
// located at file:line:column.
//
// THREAD SAFETY
//
// A Config is a plain value.

#ifndef TRUSTCHECK_LINT_CONFIG_H_
#define TRUSTCHECK_LINT_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lint/registry.h"
#include "lint/rule.h"
#include "trustcheck/status.h"

namespace trustcheck::lint {

struct RuleSetting {
  std::optional<bool> enabled;
  std::optional<Severity> severity;
};

struct Config {
  std::map<std::string, RuleSetting> rules;  // keyed by rule id
  std::vector<std::string> ignore;           // path globs
  Owners owners;                             // the tenants that are yours

  bool Enabled(const RuleInfo& rule) const;
  Severity SeverityOf(const RuleInfo& rule, Severity reported) const;
  bool Ignored(const std::string& path) const;
};

// Parses config text; `path` is used in error locations. Rule names are
// resolved against `registry`.
Result<Config> ParseConfig(const std::string& path, const std::string& text, const Registry& registry);
Result<Config> LoadConfig(const std::string& path, const Registry& registry);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_CONFIG_H_
