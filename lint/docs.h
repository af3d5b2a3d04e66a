// lint/docs.h: the rule catalogue rendered from RuleInfo, for `trustcheck
// rules` and for docs/rules/ (which is generated, never edited by hand:
// tests/rules_docs_test.cc fails when it is stale; tools/gen_rule_docs.sh
// regenerates it).
//
// THREAD SAFETY
//
// Pure functions.

#ifndef TRUSTCHECK_LINT_DOCS_H_
#define TRUSTCHECK_LINT_DOCS_H_

#include <json/json.h>

#include <string>

#include "lint/registry.h"
#include "lint/rule.h"

namespace trustcheck::lint {

// "TC001-shared-issuer-without-tenant-pin.md"
std::string RuleDocFileName(const RuleInfo& rule);
// The page docs/rules/<id>-<name>.md.
std::string RenderRuleMarkdown(const RuleInfo& rule);
// The index docs/rules/README.md.
std::string RenderRuleIndexMarkdown(const Registry& registry);
// `trustcheck rules ID`: the whole explanation as plain text.
std::string RenderRuleText(const RuleInfo& rule);
// `trustcheck rules`: one line per rule.
std::string RenderRuleListText(const Registry& registry);
// `trustcheck rules --format json`: {"id", "name", "severity", "summary",
// "why", "bad": [{"title", "language", "code"}], "good": [...], "references"}.
Json::Value RuleJson(const RuleInfo& rule);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_DOCS_H_
