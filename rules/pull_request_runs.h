// TC025 pull-request-runs: runs of code nobody has reviewed yet (pull
// requests, merge requests, proposed runs) can use the trust.
// See docs/rules/TC025-pull-request-runs.md.

#ifndef TRUSTCHECK_RULES_PULL_REQUEST_RUNS_H_
#define TRUSTCHECK_RULES_PULL_REQUEST_RUNS_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class PullRequestRuns : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_PULL_REQUEST_RUNS_H_
