// Internal: what a CEL expression node (Node::Kind::kExpr, cel/trust_expr.h)
// reads, for the analysis.
//
// GCP conditions lower into tests wherever they can; what stays CEL (a
// regular expression, a concatenation, a size) and the attribute-mapping
// check are expression nodes. The analysis cannot model arbitrary CEL, but
// it can (1) name the claims an expression reads when every access to
// `assertion` is a constant path, so the node is evaluated on small tokens
// and its literals become candidate values; (2) fingerprint it by content,
// so the same expression in both trusts is one atom of the proof; and (3)
// model the mapping check exactly when every entry is a plain claim path:
// then it holds iff each mapped claim is present and `google.subject` is a
// string of at most 127 bytes (Google's 8 KiB total of mapped attributes is
// left out, which is exact when both trusts have the same mapping: claim
// representatives are short).

#ifndef TRUSTCHECK_SRC_ANALYSIS_CEL_READS_H_
#define TRUSTCHECK_SRC_ANALYSIS_CEL_READS_H_

#include <string>
#include <vector>

#include "trustcheck/ast.h"

namespace trustcheck::analysis {

struct ExprReads {
  std::string fingerprint;          // the same for the same expression and mapping
  bool constant_paths = true;       // every `assertion` access is a constant path
  std::vector<std::vector<std::string>> claims;  // the claim paths read
  std::vector<std::string> literals;             // string literals, as candidates
  std::vector<std::string> regexes;              // literal patterns of matches()
  // The attribute-mapping check with only plain claim paths.
  bool exact_mapping = false;
  std::vector<std::string> subject;  // exact_mapping: the claim path google.subject reads
  bool is_mapping = false;
};

ExprReads InspectExpr(const Node& node);

}  // namespace trustcheck::analysis

#endif  // TRUSTCHECK_SRC_ANALYSIS_CEL_READS_H_
