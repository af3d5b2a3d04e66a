// TC001 shared-issuer-without-tenant-pin: a trust on a shared issuer that
// checks nothing naming the tenant. See docs/rules/TC001-shared-issuer-without-tenant-pin.md.

#ifndef TRUSTCHECK_RULES_SHARED_ISSUER_WITHOUT_TENANT_PIN_H_
#define TRUSTCHECK_RULES_SHARED_ISSUER_WITHOUT_TENANT_PIN_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class SharedIssuerWithoutTenantPin : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_SHARED_ISSUER_WITHOUT_TENANT_PIN_H_
