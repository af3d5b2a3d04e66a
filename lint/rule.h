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
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/exposure.h"
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
  // A breadth finding's proof: a token Evaluate() accepts (on the trust with
  // its unknowns assumed when `assumptions` is non-empty). Null otherwise.
  std::shared_ptr<const Json::Value> witness;
  std::vector<std::string> assumptions;
};

// What backs a finding, when the exposure analysis found it.
struct Evidence {
  std::shared_ptr<const Json::Value> witness;
  std::vector<std::string> assumptions;
};

// Where rules report. The linter fills in the rule's id, name and severity.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // `severity` overrides the rule's default for this one finding (a rule
  // whose findings differ in weight, e.g. a wildcard on the repository
  // versus on the branch).
  virtual void Report(SourceLoc loc, std::string message, std::optional<Severity> severity = std::nullopt,
                      Evidence evidence = {}) = 0;
};

// Who gets in through each Allow statement of each trust
// (trustcheck/exposure.h), computed once per lint run for every rule.
class ExposureMap {
 public:
  // The exposure of statement `index` of `trust` (with the trust's Deny
  // statements); empty for Deny statements and unknown trusts.
  const Exposure& Of(const Trust& trust, size_t index) const;
  // `now`: Unix seconds; witnesses carry iat = now and exp = now + 3600.
  void Compute(const std::vector<LoadedFile>& files, int threads, int64_t now);

 private:
  std::unordered_map<const Trust*, std::vector<Exposure>> by_trust_;
};

// The tenants that are the user's own (the config's `owners`), so that a
// trust pinned to someone else's organisation is told apart from one pinned
// to yours.
struct Owners {
  // Keyed by platform: "github" (organisations, names or ids), "gitlab"
  // (top-level groups), "terraform" (HCP Terraform organisations),
  // "buildkite" (organisation slugs), "azure" (Entra tenant ids).
  std::map<std::string, std::vector<std::string>> by_platform;

  // The `owners` key for an issuer profile ("github" for GitHub Actions),
  // or nullptr when owners cannot be listed for it.
  static const char* KeyFor(const IssuerProfile& profile);
  // True when owners are listed for the profile's platform.
  bool Covers(const IssuerProfile& profile) const;
  // True when `tenant` is listed (names compare ASCII case-insensitively,
  // as the platforms treat them).
  bool Owns(const IssuerProfile& profile, const std::string& tenant) const;
};

// What a rule looks at: every file of one load.
struct LintInput {
  const std::vector<LoadedFile>* files = nullptr;
  const ExposureMap* exposures = nullptr;  // never null inside RunLint
  const Owners* owners = nullptr;          // null: none configured
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

// A rule that looks at one trust at a time (most rules). A trust with a
// context (a Terraform module call) has it appended to each finding.
class TrustRule : public Rule {
 public:
  void Check(const LintInput& input, FindingSink& sink) const override;
  virtual void CheckTrust(const LoadedFile& file, const Trust& trust, FindingSink& sink) const = 0;
};

// A rule that grades who gets in (trustcheck/exposure.h): it sees each
// Allow statement's exposure per accepted issuer, so the same exposure gets
// the same rule and severity whatever the platform or the format.
class ExposureRule : public Rule {
 public:
  void Check(const LintInput& input, FindingSink& sink) const final;
  // `statement` is the index of an Allow statement of `trust`. The default
  // calls CheckExposure for each issuer the statement accepts.
  virtual void CheckStatement(const LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement,
                              const Exposure& exposure, FindingSink& sink) const;
  virtual void CheckExposure(const LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement,
                             const IssuerExposure& exposure, FindingSink& sink) const {}
};

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_RULE_H_
