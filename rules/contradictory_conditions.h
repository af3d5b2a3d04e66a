// TC023 contradictory-conditions: an Allow statement whose conditions no
// single token can satisfy together (proved by the analysis,
// trustcheck/analysis.h). See docs/rules/TC023-contradictory-conditions.md.

#ifndef TRUSTCHECK_RULES_CONTRADICTORY_CONDITIONS_H_
#define TRUSTCHECK_RULES_CONTRADICTORY_CONDITIONS_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class ContradictoryConditions : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_CONTRADICTORY_CONDITIONS_H_
