// TC014 issuer-not-exact: an issuer written with a trailing `/`, surrounding
// whitespace or upper-case host, which never equals the token's `iss`.
// See docs/rules/TC014-issuer-not-exact.md.

#ifndef TRUSTCHECK_RULES_ISSUER_NOT_EXACT_H_
#define TRUSTCHECK_RULES_ISSUER_NOT_EXACT_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class IssuerNotExact : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_ISSUER_NOT_EXACT_H_
