// Evaluation of expression nodes (Node::Kind::kExpr) that did not lower into
// the condition tree. Until a format produces them there is nothing to run:
// an expression node is undecidable and can never lead to an accept.

#include "trustcheck/evaluate.h"

namespace trustcheck {

Tri EvaluateExprNode(const Node& node, const Claims& claims, std::vector<Reason>* reasons) {
  if (reasons) reasons->push_back({node.loc, "expression cannot be evaluated"});
  return Tri::kUnknown;
}

}  // namespace trustcheck
