// A realistic synthetic corpus of federation trusts for the query and load
// benchmarks: mostly AWS roles trusting GitHub Actions (exact subjects,
// `repo:org/repo:*`, `repo:org/*`, lists of subjects, audience checks, some
// Deny statements), with GitLab, Terraform Cloud and EKS roles, Vault roles,
// Entra credentials and GCP providers mixed in.
//
// Trust i of a corpus of n is a pure function of (i, n): the same text, the
// same AST, on every run.

#ifndef TRUSTCHECK_BENCH_SYNTHETIC_CORPUS_H_
#define TRUSTCHECK_BENCH_SYNTHETIC_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trustcheck/ast.h"

namespace trustcheck::bench {

// The evaluation time the synthetic tokens are valid at.
inline constexpr int64_t kSyntheticNow = 1632493600;

struct SyntheticText {
  std::string format;  // "aws-policy", "vault-role", "entra-credential", "gcp-provider"
  std::string path;    // a file name for it: role-000042.json
  std::string text;
};

// The source text of trust `i` of a corpus of `n`.
SyntheticText SyntheticTrustText(size_t i, size_t n);

// `count` source texts of one format for the load benchmark, as people
// check them in (pretty-printed JSON): "aws-policy", "vault-role",
// "entra-credential", "gcp-provider", "cloudformation" (one role per
// template), "terraform" (one aws_iam_role with a heredoc policy per file);
// "aws-iam-dump" gives one text holding `count` roles.
std::vector<std::string> SyntheticTexts(const std::string& format, size_t count);

// All n trusts as lowered ASTs. AWS roles are instantiated from lowered
// templates (the lowering's own output with the values substituted), which
// is far faster than lowering each text; the first trusts of each shape are
// checked against lowering their text, and a mismatch stops the program.
std::vector<Trust> SyntheticTrusts(size_t n);

// Query tokens (claims JSON) that name organisations, repositories and
// projects present in a corpus of n: a push to main, a deployment to an
// environment, a pull request, a GitLab pipeline.
std::vector<std::string> SyntheticTokens(size_t n);

}  // namespace trustcheck::bench

#endif  // TRUSTCHECK_BENCH_SYNTHETIC_CORPUS_H_
