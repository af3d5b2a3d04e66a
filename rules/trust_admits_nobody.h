// TC026 trust-admits-nobody: no token the trusted issuer issues gets in.
// See docs/rules/TC026-trust-admits-nobody.md.

#ifndef TRUSTCHECK_RULES_TRUST_ADMITS_NOBODY_H_
#define TRUSTCHECK_RULES_TRUST_ADMITS_NOBODY_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class TrustAdmitsNobody : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_TRUST_ADMITS_NOBODY_H_
