// Internal: the values CI configurations compute, as far as they can be known
// without running the pipeline.

#ifndef TRUSTCHECK_SRC_CI_EXPRESSIONS_H_
#define TRUSTCHECK_SRC_CI_EXPRESSIONS_H_

#include <map>
#include <optional>
#include <string>

namespace trustcheck::ci {

// Names an expression may read, with their values: `vars.X`, `secrets.X`,
// `inputs.X`, `env.X`, `github.repository`, ... (GitHub), `X` (GitLab).
using Scope = std::map<std::string, std::string>;

// GitHub: substitutes every `${{ NAME }}` whose NAME is in scope (a plain
// property path; `format()`, operators and the like are not evaluated).
// nullopt when some expression stays unknown.
std::optional<std::string> ResolveGitHub(const std::string& text, const Scope& scope);

// GitLab: substitutes `$NAME` and `${NAME}`, repeatedly (variables may name
// variables), up to a small depth. nullopt when some variable is unknown.
std::optional<std::string> ResolveGitLab(const std::string& text, const Scope& scope);

// True when the text computes anything (`${{`, `$`).
bool HasGitHubExpression(const std::string& text);

}  // namespace trustcheck::ci

#endif  // TRUSTCHECK_SRC_CI_EXPRESSIONS_H_
