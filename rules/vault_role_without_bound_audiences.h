// TC016 vault-role-without-bound-audiences: a Vault `jwt` role without
// `bound_audiences`, which refuses every token that has an `aud`.
// See docs/rules/TC016-vault-role-without-bound-audiences.md.

#ifndef TRUSTCHECK_RULES_VAULT_ROLE_WITHOUT_BOUND_AUDIENCES_H_
#define TRUSTCHECK_RULES_VAULT_ROLE_WITHOUT_BOUND_AUDIENCES_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class VaultRoleWithoutBoundAudiences : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_VAULT_ROLE_WITHOUT_BOUND_AUDIENCES_H_
