// TC017 vault-glob-without-wildcard: `bound_claims_type: glob` with no `*`
// in any bound claim. See docs/rules/TC017-vault-glob-without-wildcard.md.

#ifndef TRUSTCHECK_RULES_VAULT_GLOB_WITHOUT_WILDCARD_H_
#define TRUSTCHECK_RULES_VAULT_GLOB_WITHOUT_WILDCARD_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class VaultGlobWithoutWildcard : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_VAULT_GLOB_WITHOUT_WILDCARD_H_
