// TC005 principal-wildcard: a statement whose principal admits everyone
// (`"Principal": "*"`, `{"AWS": "*"}`). See docs/rules/TC005-principal-wildcard.md.

#ifndef TRUSTCHECK_RULES_PRINCIPAL_WILDCARD_H_
#define TRUSTCHECK_RULES_PRINCIPAL_WILDCARD_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class PrincipalWildcard : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckStatement(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const Exposure& exposure,
                      lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_PRINCIPAL_WILDCARD_H_
