// TC007 condition-on-unexposed-claim: a condition on a claim the platform
// never passes on (or on another provider's key), which therefore always or
// never holds. See docs/rules/TC007-condition-on-unexposed-claim.md.

#ifndef TRUSTCHECK_RULES_CONDITION_ON_UNEXPOSED_CLAIM_H_
#define TRUSTCHECK_RULES_CONDITION_ON_UNEXPOSED_CLAIM_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class ConditionOnUnexposedClaim : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_CONDITION_ON_UNEXPOSED_CLAIM_H_
