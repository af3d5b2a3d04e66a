// cel/trust_expr.h: CEL inside the trust AST.
//
// A GCP provider's attribute condition lowers into And / Or / Not / Test
// nodes wherever it can (formats/gcp_provider.cc); what cannot lower (a
// regular expression, string concatenation, a size) stays a Node::Kind::kExpr
// node holding a CelExpr, and the attribute mapping becomes one kExpr node
// that checks the mapping itself. EvaluateCelNode() runs such a node for one
// token with the same evaluator as cel.h, so lowered and unlowered parts
// agree on every value.
//
// THREE-VALUED RESULTS
//
//   kCondition  true -> kTrue, false -> kFalse, an evaluation error (or a
//               non-bool result) -> kUnknown, which the Kleene And / Or /
//               Not of the tree absorb or propagate exactly as CEL's && / ||
//               / ! absorb or propagate errors.
//   kMapping    kTrue when every mapping evaluates and google.subject is a
//               string of at most 127 bytes (and all attributes together
//               fit in 8 KiB); otherwise kFalse: Google rejects the token.
//
// THREAD SAFETY
//
// CelExpr and AttributeMapping are immutable once built; EvaluateCelNode may
// run on many threads at once.

#ifndef TRUSTCHECK_CEL_TRUST_EXPR_H_
#define TRUSTCHECK_CEL_TRUST_EXPR_H_

#include <memory>
#include <string>
#include <vector>

#include "cel/cel.h"
#include "trustcheck/ast.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"

namespace trustcheck {

// The payload of a CEL Node::Kind::kExpr node.
struct CelExpr : NodeExpr {
  enum class Check : uint8_t {
    kCondition,  // `expr` must be true
    kMapping,    // the attribute mapping (Node::expr_context) must evaluate
  };
  Check check = Check::kCondition;
  // kCondition: the (sub)expression; it may alias a node inside a larger
  // parsed tree, which the shared_ptr keeps alive.
  std::shared_ptr<const cel::Expr> expr;

  // cel::EvaluateCelNode.
  Tri Evaluate(const Node& node, const Claims& claims, std::vector<Reason>* reasons) const override;
};

namespace cel {

// Google's documented limits on mapped attributes.
inline constexpr size_t kMaxSubjectBytes = 127;
inline constexpr size_t kMaxMappedBytes = 8 * 1024;

// A provider's attribute mapping, parsed: Node::expr_context of its kExpr
// nodes. Each expression sees only `assertion`.
struct AttributeMapping {
  struct Entry {
    std::string key;  // as written: "google.subject", "attribute.repository"
    std::shared_ptr<const Expr> expr;
    SourceLoc loc;    // where the key is
  };
  std::vector<Entry> entries;
};

// The variables of a GCP condition for one token: `assertion` (the claims)
// and the `google` and `attribute` maps the mapping produces. An entry whose
// evaluation fails is left out of its map. The first reason Google would
// reject the mapping (an evaluation error, a bad google.subject, attributes
// over 8 KiB) is returned in *failure as a located error value; *failure is
// null when the mapping is fine.
Activation BindGcpVariables(const Json::Value& claims, const AttributeMapping* mapping, Value* failure);

// Evaluates a CEL Node::Kind::kExpr node for one token, appending a located
// reason when the result is not kTrue.
Tri EvaluateCelNode(const Node& node, const Claims& claims, std::vector<Reason>* reasons);

}  // namespace cel
}  // namespace trustcheck

#endif  // TRUSTCHECK_CEL_TRUST_EXPR_H_
