// Internal: lowering an AWS IAM role trust policy (as a JSON-shaped tree)
// into a Trust. Used by every format that carries such a policy: plain JSON,
// CloudFormation, Terraform, `get-role` and account-authorization dumps.

#ifndef TRUSTCHECK_SRC_FORMATS_AWS_POLICY_H_
#define TRUSTCHECK_SRC_FORMATS_AWS_POLICY_H_

#include <json/json.h>

#include <string>
#include <vector>

#include "formats/tree_locator.h"
#include "trustcheck/ast.h"
#include "trustcheck/load.h"

namespace trustcheck::aws {

struct TrustPolicyInput {
  const Json::Value* policy = nullptr;
  const TreeLocator* locator = nullptr;
  std::string format;  // "aws-policy", "cloudformation", "terraform", ...
  std::string name;    // role name (or the file name)
  std::string arn;     // role ARN when known: provider accounts are checked against it
  std::vector<LoweringNote> notes;  // e.g. duplicate keys found by the caller
  // Checked before lowering, so a hostile policy is refused before it costs
  // memory: statements in the document, values in any one list.
  size_t max_statements = LoadLimits().max_statements;
  size_t max_values = LoadLimits().max_values;
};

// Lowers one trust policy document. Grammar problems IAM would refuse
// (unknown operator, bad Effect, NotPrincipal, Resource, ...) become
// kMalformed notes and fail-closed nodes; the load step turns the first such
// note into an error unless the caller (the linter) wants to report them.
// Errors are returned only when the input is not a policy at all or is over
// the size limits.
Result<Trust> LowerTrustPolicy(TrustPolicyInput input);

// True when a JSON value looks like an IAM policy document (has Statement).
bool LooksLikePolicy(const Json::Value& value);

// Converts the duplicate keys of a JSON text into notes, for policy lowering.
std::vector<LoweringNote> DuplicateKeyNotes(const SourceText& source);

}  // namespace trustcheck::aws

#endif  // TRUSTCHECK_SRC_FORMATS_AWS_POLICY_H_
