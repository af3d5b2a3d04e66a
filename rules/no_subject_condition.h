// TC004 no-subject-condition: a trust on a per-tenant or unknown issuer that
// checks nothing identifying the workload. See docs/rules/TC004-no-subject-condition.md.

#ifndef TRUSTCHECK_RULES_NO_SUBJECT_CONDITION_H_
#define TRUSTCHECK_RULES_NO_SUBJECT_CONDITION_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class NoSubjectCondition : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_NO_SUBJECT_CONDITION_H_
