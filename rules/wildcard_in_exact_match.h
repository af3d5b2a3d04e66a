// TC010 wildcard-in-exact-match: `*` or `?` in a value an exact operator
// compares literally. See docs/rules/TC010-wildcard-in-exact-match.md.

#ifndef TRUSTCHECK_RULES_WILDCARD_IN_EXACT_MATCH_H_
#define TRUSTCHECK_RULES_WILDCARD_IN_EXACT_MATCH_H_

#include "lint/rule.h"

namespace trustcheck::rules {

class WildcardInExactMatch : public lint::TrustRule {
 public:
  const lint::RuleInfo& info() const override;
  void CheckTrust(const LoadedFile& file, const Trust& trust, lint::FindingSink& sink) const override;
};

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_WILDCARD_IN_EXACT_MATCH_H_
