// rules/builtin_rules.h: the explicit list of built-in lint rules.
//
//   lint::Registry registry;
//   RegisterBuiltinRules(registry);
//
// One call, no static-initialisation magic: a rule that is not listed in
// builtin_rules.cc does not exist, and the linker can never drop one.

#ifndef TRUSTCHECK_RULES_BUILTIN_RULES_H_
#define TRUSTCHECK_RULES_BUILTIN_RULES_H_

#include "lint/registry.h"

namespace trustcheck::rules {

void RegisterBuiltinRules(lint::Registry& registry);

}  // namespace trustcheck::rules

#endif  // TRUSTCHECK_RULES_BUILTIN_RULES_H_
