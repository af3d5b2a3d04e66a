// TC005 principal-wildcard: a statement whose principal admits everyone
// (`"Principal": "*"`, `{"AWS": "*"}`). See docs/rules/TC005-principal-wildcard.md.

#ifndef TRUSTCHECK_RULES_PRINCIPAL_WILDCARD_H_
#define TRUSTCHECK_RULES_PRINCIPAL_WILDCARD_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class PrincipalWildcard : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_PRINCIPAL_WILDCARD_H_
