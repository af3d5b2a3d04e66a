// Internal: the claims-matching expression language of Entra ID flexible
// federated identity credentials (`claimsMatchingExpression.value`,
// languageVersion 1), per docs/semantics-azure.md:
//
//   expression := condition ( "and" condition )*
//   condition  := "claims[" quoted "]" ( "eq" | "matches" ) quoted
//   quoted     := "'" ( any character but "'" | "''" )* "'"
//
// Words are separated by whitespace (the docs show single spaces). Inside a
// quoted text `''` stands for one `'` ("single quotes are interpreted as
// escape characters"). Keywords are lower case. There is no `or`, `not` or
// parenthesis in the documented language.
//
// Offsets are byte offsets into the expression text, so a caller can point
// an error at the file's line and column.

#ifndef TRUSTCHECK_SRC_FORMATS_ENTRA_EXPRESSION_H_
#define TRUSTCHECK_SRC_FORMATS_ENTRA_EXPRESSION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trustcheck::entra {

struct Condition {
  enum class Op { kEq, kMatches };
  std::string claim;      // unescaped claim name
  Op op = Op::kEq;
  std::string comparand;  // unescaped value or pattern
  size_t claim_offset = 0;      // of the quote opening the claim name
  size_t op_offset = 0;         // of the operator word
  size_t comparand_offset = 0;  // of the quote opening the comparand
};

struct ParsedExpression {
  std::vector<Condition> conditions;
  bool ok = true;
  size_t error_offset = 0;  // where the first problem is
  std::string error;        // one lowercase sentence, no trailing period
};

ParsedExpression ParseExpression(std::string_view text);

}  // namespace trustcheck::entra

#endif  // TRUSTCHECK_SRC_FORMATS_ENTRA_EXPRESSION_H_
