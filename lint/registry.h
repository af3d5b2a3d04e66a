// lint/registry.h: the set of rules a lint run can use.
//
// There is no static-initialisation registration: the built-in rules are
// added by one explicit call, RegisterBuiltinRules() (rules/builtin_rules.h),
// so a rule can never be silently dropped by the linker.
//
//   Registry registry;
//   RegisterBuiltinRules(registry);
//   const Rule* rule = registry.Find("TC001");  // or by name
//
// THREAD SAFETY
//
// Fill the registry once, then read it from any thread.

#ifndef TRUSTCHECK_LINT_REGISTRY_H_
#define TRUSTCHECK_LINT_REGISTRY_H_

#include <memory>
#include <string_view>
#include <vector>

#include "lint/rule.h"

namespace trustcheck::lint {

class Registry {
 public:
  // Takes ownership. Ids and names must be unique (tested, not checked
  // here); the rules stay in id order.
  void Add(std::unique_ptr<Rule> rule);
  // By id (`TC001`, case-insensitive) or name (`principal-wildcard`); nullptr if none.
  const Rule* Find(std::string_view id_or_name) const;
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }

 private:
  std::vector<std::unique_ptr<Rule>> rules_;
};

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_REGISTRY_H_
