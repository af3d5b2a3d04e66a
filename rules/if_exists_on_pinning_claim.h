// TC009 if-exists-on-pinning-claim: `...IfExists` on a claim that pins the
// workload, which then passes when the claim is missing.
// See docs/rules/TC009-if-exists-on-pinning-claim.md.

#ifndef TRUSTCHECK_RULES_IF_EXISTS_ON_PINNING_CLAIM_H_
#define TRUSTCHECK_RULES_IF_EXISTS_ON_PINNING_CLAIM_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class IfExistsOnPinningClaim : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_IF_EXISTS_ON_PINNING_CLAIM_H_
