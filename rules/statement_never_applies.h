// TC020 statement-never-applies: an Allow statement with a part that is
// always false (an IAM user as the principal of a web-identity statement, a
// provider of another account, a bound claim with no values).
// See docs/rules/TC020-statement-never-applies.md.

#ifndef TRUSTCHECK_RULES_STATEMENT_NEVER_APPLIES_H_
#define TRUSTCHECK_RULES_STATEMENT_NEVER_APPLIES_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class StatementNeverApplies : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_STATEMENT_NEVER_APPLIES_H_
