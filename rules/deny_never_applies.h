// TC022 deny-never-applies: a Deny statement that never changes a decision,
// because no token matches it or every token it matches is refused anyway
// (proved by the analysis). See docs/rules/TC022-deny-never-applies.md.

#ifndef TRUSTCHECK_RULES_DENY_NEVER_APPLIES_H_
#define TRUSTCHECK_RULES_DENY_NEVER_APPLIES_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class DenyNeverApplies : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_DENY_NEVER_APPLIES_H_
