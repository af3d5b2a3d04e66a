// lint/rule.h: what a lint rule is, what it knows about itself, and what it
// reports.
//
// OVERVIEW
//
// A rule looks at lowered trusts (trustcheck/ast.h), never at the files they
// came from, and reports Findings: a located, one-sentence message a person
// can act on ("any repository of any GitHub organisation can assume this role
// (`token.actions.githubusercontent.com:sub` matches `repo:*`)").
//
// Every rule carries its RuleInfo: a stable id (`TC001`) that names its doc
// page (docs/rules/TC001-<name>.md), its fixtures (corpus/lint/<name>/) and
// its config key; a kebab-case name; a default severity; a summary, the
// reason it matters, bad and good examples and references. `trustcheck
// rules` prints it and docs/rules/ is generated from it.
//
// One rule is one file pair in rules/ (rules/<name>.h/.cc); the built-in
// rules are listed once, explicitly, in rules/builtin_rules.cc.
//
// THREAD SAFETY
//
// Rules are stateless: Check() may run on several loads at once.

#ifndef TRUSTCHECK_LINT_RULE_H_
#define TRUSTCHECK_LINT_RULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/load.h"

namespace trustcheck::lint {

// Ordered: a finding "at or above" a threshold compares with >=.
enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };

const char* SeverityName(Severity severity);  // "info" ... "critical"
std::optional<Severity> ParseSeverity(std::string_view name);

// One example for the docs: a short title and the code.
struct Example {
  const char* title;     // "AWS: only the audience is checked"
  const char* language;  // code fence language: "json", "yaml", "hcl"
  const char* code;
};

struct RuleInfo {
  const char* id;    // "TC001", stable forever
  const char* name;  // "shared-issuer-without-tenant-pin", kebab-case
  Severity severity;
  const char* summary;  // one line, no trailing period
  const char* why;      // why it matters; paragraphs separated by blank lines
  std::vector<Example> bad;
  std::vector<Example> good;
  std::vector<const char*> references;  // URLs
};

// One problem found by a rule.
struct Finding {
  std::string rule;  // RuleInfo::id
  std::string name;  // RuleInfo::name
  Severity severity = Severity::kInfo;
  std::string message;  // one lowercase sentence, user input in backticks, no trailing period
  SourceLoc loc;
};

// Where rules report. The linter fills in the rule's id, name and severity.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // `severity` overrides the rule's default for this one finding (a rule
  // whose findings differ in weight, e.g. a wildcard on the repository
  // versus on the branch).
  virtual void Report(SourceLoc loc, std::string message, std::optional<Severity> severity = std::nullopt) = 0;
};

// What a rule looks at: every file of one load.
struct LintInput {
  const std::vector<LoadedFile>* files = nullptr;
};

// RunLint calls the Check of different rules from different threads at the
// same time: a rule reads its input and reports to its own sink, and keeps
// no mutable state of its own.
class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  virtual void Check(const LintInput& input, FindingSink& sink) const = 0;
};

// A rule that looks at one trust at a time (most rules).
class TrustRule : public Rule {
 public:
  void Check(const LintInput& input, FindingSink& sink) const final;
  virtual void CheckTrust(const LoadedFile& file, const Trust& trust, FindingSink& sink) const = 0;
};

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_RULE_H_
