// TC015 too-many-federated-credentials: more than 20 federated identity
// credentials on one Entra application or managed identity.
// See docs/rules/TC015-too-many-federated-credentials.md.

#ifndef TRUSTCHECK_RULES_TOO_MANY_FEDERATED_CREDENTIALS_H_
#define TRUSTCHECK_RULES_TOO_MANY_FEDERATED_CREDENTIALS_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class TooManyFederatedCredentials : public lint::Rule {
 public:
  const lint::RuleInfo& info() const override;
  void Check(const lint::LintInput& input, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_TOO_MANY_FEDERATED_CREDENTIALS_H_
