// TC003 wildcard-inside-tenant: a wildcard after the tenant boundary, which
// widens the trust inside one organisation (any repository, any branch).
// See docs/rules/TC003-wildcard-inside-tenant.md.

#ifndef TRUSTCHECK_RULES_WILDCARD_INSIDE_TENANT_H_
#define TRUSTCHECK_RULES_WILDCARD_INSIDE_TENANT_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class WildcardInsideTenant : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_WILDCARD_INSIDE_TENANT_H_
