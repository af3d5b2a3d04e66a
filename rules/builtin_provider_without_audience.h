// TC011 builtin-provider-without-audience: a trust on a built-in provider
// (Google, Cognito, Amazon, Facebook) that does not pin the audience, which
// is the only thing that names your application there.
// See docs/rules/TC011-builtin-provider-without-audience.md.

#ifndef TRUSTCHECK_RULES_BUILTIN_PROVIDER_WITHOUT_AUDIENCE_H_
#define TRUSTCHECK_RULES_BUILTIN_PROVIDER_WITHOUT_AUDIENCE_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class BuiltinProviderWithoutAudience : public lint::ExposureRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckExposure(const lint::LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement, const IssuerExposure& exposure,
                     lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_BUILTIN_PROVIDER_WITHOUT_AUDIENCE_H_
