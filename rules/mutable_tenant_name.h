// TC013 mutable-tenant-name: the tenant is pinned only by a name that can be
// registered again after a delete or rename, while the platform offers an
// immutable id. See docs/rules/TC013-mutable-tenant-name.md.

#ifndef TRUSTCHECK_RULES_MUTABLE_TENANT_NAME_H_
#define TRUSTCHECK_RULES_MUTABLE_TENANT_NAME_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class MutableTenantName : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_MUTABLE_TENANT_NAME_H_
