// TC028 missing-identity-provider-controls: an AWS role trusts a shared OIDC
// provider without the claim checks IAM requires of it (identity-provider
// controls), so IAM will refuse to create the role or to save the next edit
// of its trust policy. See docs/rules/TC028-missing-identity-provider-controls.md.

#ifndef TRUSTCHECK_RULES_MISSING_IDENTITY_PROVIDER_CONTROLS_H_
#define TRUSTCHECK_RULES_MISSING_IDENTITY_PROVIDER_CONTROLS_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class MissingIdentityProviderControls : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_MISSING_IDENTITY_PROVIDER_CONTROLS_H_
