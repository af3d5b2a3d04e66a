// TC021 shadowed-allow: an Allow statement that adds nothing, because
// another Allow statement of the same trust already admits every token it
// admits (proved by the analysis). See docs/rules/TC021-shadowed-allow.md.

#ifndef TRUSTCHECK_RULES_SHADOWED_ALLOW_H_
#define TRUSTCHECK_RULES_SHADOWED_ALLOW_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class ShadowedAllow : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_SHADOWED_ALLOW_H_
