// TC008 for-all-values-on-single-valued-claim: `ForAllValues:` on a claim
// that holds one value, which is true when the claim is missing.
// See docs/rules/TC008-for-all-values-on-single-valued-claim.md.

#ifndef TRUSTCHECK_RULES_FOR_ALL_VALUES_ON_SINGLE_VALUED_CLAIM_H_
#define TRUSTCHECK_RULES_FOR_ALL_VALUES_ON_SINGLE_VALUED_CLAIM_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class ForAllValuesOnSingleValuedClaim : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_FOR_ALL_VALUES_ON_SINGLE_VALUED_CLAIM_H_
