// Evaluation of expression nodes (Node::Kind::kExpr): the parts of a CEL
// attribute condition or mapping that did not lower into the condition tree.
// They run on the same CEL evaluator the lowering used (cel/trust_expr.h).

#include "cel/trust_expr.h"
#include "trustcheck/evaluate.h"

namespace trustcheck {

Tri EvaluateExprNode(const Node& node, const Claims& claims, std::vector<Reason>* reasons) {
  return cel::EvaluateCelNode(node, claims, reasons);
}

}  // namespace trustcheck
