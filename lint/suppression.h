// lint/suppression.h: inline suppressions in formats that have comments
// (YAML, HCL, Terraform).
//
//   Principal: "*"   # trustcheck:ignore TC005 -- public demo role
//
//   # trustcheck:ignore wildcard-inside-tenant, TC013
//   sub: repo:acme/app:*
//
// A `trustcheck:ignore` comment (`#` or `//`) silences the listed rules (ids
// or names, separated by commas or spaces; none listed: every rule) on its
// own line, or, when the comment is alone on its line, on the next line.
// Text after ` -- ` is a free-form reason. JSON files have no comments and
// no inline suppressions: use the config file there.
//
// THREAD SAFETY
//
// Pure functions.

#ifndef TRUSTCHECK_LINT_SUPPRESSION_H_
#define TRUSTCHECK_LINT_SUPPRESSION_H_

#include <cstdint>

#include "lint/rule.h"
#include "lint/sources.h"

namespace trustcheck::lint {

bool IsSuppressed(const SourceLines& source, uint32_t line, const RuleInfo& rule);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_SUPPRESSION_H_
