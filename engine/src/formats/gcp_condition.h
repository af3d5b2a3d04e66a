// engine/src/formats/gcp_condition.h: a GCP provider's attribute condition
// (CEL) lowered into the trust AST.
//
// `&&`, `||` and `!` become And / Or / Not (CEL's error absorption is
// Kleene logic once an error reads as unknown); comparisons of a claim with
// literals, `in` lists, string functions and `has()` become Tests wherever
// that is exact; anything else stays a CEL node that the evaluator runs
// (cel/trust_expr.h). A conjunct that applies an operator or a function
// directly to an attribute the mapping does not define fails for every
// token ("You must have an attribute mapping for all attribute condition
// fields"): a Const(false) says so first. docs/semantics-gcp.md, rows 4a-4e.

#ifndef TRUSTCHECK_FORMATS_GCP_CONDITION_H_
#define TRUSTCHECK_FORMATS_GCP_CONDITION_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <json/json.h>

#include "cel/cel.h"
#include "cel/trust_expr.h"
#include "trustcheck/ast.h"

namespace trustcheck::gcp {

// What the condition can read through `attribute.x` and `google.x`.
struct MappingView {
  std::shared_ptr<const cel::AttributeMapping> mapping;  // null: no mapping written
  bool unknown = false;                // the whole mapping is unknown
  std::set<std::string> unknown_keys;  // mapped attributes whose expression is unknown
};

// The condition's parts, to be and-ed with the provider's other checks.
// The nodes alias `condition`.
std::vector<Node> LowerAttributeCondition(std::shared_ptr<const cel::Expr> condition, const MappingView& mapping);

// A scalar CEL literal as the JSON value typed tests compare with.
std::optional<Json::Value> JsonOf(const cel::Value& literal);

// AWS-flavour pattern text for a literal: `*`, `?` and `$` written as the
// escapes Pattern understands, so only the wildcards added are wildcards.
std::string EscapeForPattern(std::string_view literal);

}  // namespace trustcheck::gcp

#endif  // TRUSTCHECK_FORMATS_GCP_CONDITION_H_
