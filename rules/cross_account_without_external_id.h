// TC012 cross-account-without-external-id: another account may assume the
// role with `sts:AssumeRole` and no `sts:ExternalId` condition (the confused
// deputy). See docs/rules/TC012-cross-account-without-external-id.md.

#ifndef TRUSTCHECK_RULES_CROSS_ACCOUNT_WITHOUT_EXTERNAL_ID_H_
#define TRUSTCHECK_RULES_CROSS_ACCOUNT_WITHOUT_EXTERNAL_ID_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class CrossAccountWithoutExternalId : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_CROSS_ACCOUNT_WITHOUT_EXTERNAL_ID_H_
