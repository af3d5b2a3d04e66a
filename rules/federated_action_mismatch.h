// TC019 federated-action-mismatch: a statement for an OIDC provider whose
// actions exclude the web-identity action, so it never applies.
// See docs/rules/TC019-federated-action-mismatch.md.

#ifndef TRUSTCHECK_RULES_FEDERATED_ACTION_MISMATCH_H_
#define TRUSTCHECK_RULES_FEDERATED_ACTION_MISMATCH_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class FederatedActionMismatch : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_FEDERATED_ACTION_MISMATCH_H_
