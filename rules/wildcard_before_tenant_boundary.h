// TC002 wildcard-before-tenant-boundary: a value whose wildcard comes before
// the tenant is complete (`*`, `repo:*`, `repo:acme*`, `organization:*:...`).
// See docs/rules/TC002-wildcard-before-tenant-boundary.md.

#ifndef TRUSTCHECK_RULES_WILDCARD_BEFORE_TENANT_BOUNDARY_H_
#define TRUSTCHECK_RULES_WILDCARD_BEFORE_TENANT_BOUNDARY_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class WildcardBeforeTenantBoundary : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_WILDCARD_BEFORE_TENANT_BOUNDARY_H_
