// TC024 unverified-value: a value of the trust that the input does not
// determine (a CloudFormation parameter without a default, a Terraform value
// known only after apply, a template placeholder), so what depends on it
// could not be verified. See docs/rules/TC024-unverified-value.md.

#ifndef TRUSTCHECK_RULES_UNVERIFIED_VALUE_H_
#define TRUSTCHECK_RULES_UNVERIFIED_VALUE_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class UnverifiedValue : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  // The notes of each trust, and those of each file that belong to no trust
  // (a Terraform module whose code is not on disk).
  void Check(const lint::LintInput& input, lint::FindingSink& sink) const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_UNVERIFIED_VALUE_H_
