// TC018 malformed-trust: a trust the platform refuses (unknown operator, bad
// Effect, NotPrincipal or Resource in a trust policy, ...).
// See docs/rules/TC018-malformed-trust.md.

#ifndef TRUSTCHECK_RULES_MALFORMED_TRUST_H_
#define TRUSTCHECK_RULES_MALFORMED_TRUST_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class MalformedTrust : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_MALFORMED_TRUST_H_
