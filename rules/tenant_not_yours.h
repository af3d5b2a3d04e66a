// TC027 tenant-not-yours: the trust admits an organisation, group or tenant
// that the config's `owners` does not list.
// See docs/rules/TC027-tenant-not-yours.md.

#ifndef TRUSTCHECK_RULES_TENANT_NOT_YOURS_H_
#define TRUSTCHECK_RULES_TENANT_NOT_YOURS_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class TenantNotYours : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement,
                     const IssuerExposure& exposure, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_TENANT_NOT_YOURS_H_
