// TC001 shared-issuer-without-tenant-pin: a trust on a shared issuer that
// checks nothing naming the tenant. See docs/rules/TC001-shared-issuer-without-tenant-pin.md.

#ifndef TRUSTCHECK_RULES_SHARED_ISSUER_WITHOUT_TENANT_PIN_H_
#define TRUSTCHECK_RULES_SHARED_ISSUER_WITHOUT_TENANT_PIN_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class SharedIssuerWithoutTenantPin : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_SHARED_ISSUER_WITHOUT_TENANT_PIN_H_
