// TC006 duplicate-key: a key written twice in one JSON object, so the
// platform silently keeps only the last. See docs/rules/TC006-duplicate-key.md.

#ifndef TRUSTCHECK_RULES_DUPLICATE_KEY_H_
#define TRUSTCHECK_RULES_DUPLICATE_KEY_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class DuplicateKey : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_DUPLICATE_KEY_H_
