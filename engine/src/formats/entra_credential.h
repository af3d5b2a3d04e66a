// Internal: lowering an Entra ID (Azure) federated identity credential into
// a Trust. Used by the "entra-credential" format and by any format that
// carries a credential as a JSON-shaped tree in Graph's shape (issuer,
// subject, audiences, claimsMatchingExpression).
//
// Every rule cites docs/semantics-azure.md. A credential lowers into one
// Allow statement: And(issuer, subject or the expression's conditions,
// audience), all exact and case-sensitive except `matches` (kEntra).

#ifndef TRUSTCHECK_SRC_FORMATS_ENTRA_CREDENTIAL_H_
#define TRUSTCHECK_SRC_FORMATS_ENTRA_CREDENTIAL_H_

#include <json/json.h>

#include <functional>
#include <string>
#include <vector>

#include "formats/tree_locator.h"
#include "trustcheck/ast.h"

namespace trustcheck::entra {

struct CredentialInput {
  const Json::Value* credential = nullptr;  // one Graph/ARM credential object
  const TreeLocator* locator = nullptr;
  std::string format;         // "entra-credential", "terraform", ...
  std::string fallback_name;  // used when the credential has no `name`
  // Where byte `offset` of the (decoded) string value `text` is in the file,
  // for errors inside an expression. Default: the string's own location.
  std::function<SourceLoc(const Json::Value& text, size_t offset)> string_loc;
  std::vector<LoweringNote> notes;
};

// Lowers one credential. What Entra would refuse to store (no issuer, more
// than one audience, subject and expression together, a bad expression, a
// claim the issuer does not allow) becomes kMalformed notes and fail-closed
// nodes. Errors only when the input is not an object.
Result<Trust> LowerCredential(CredentialInput input);

// True when a JSON object looks like one credential (Graph, ARM flattened
// or ARM with `properties`).
bool LooksLikeCredential(const Json::Value& value);

// The credential objects of a file: an array of them (`az ... list`), a
// Graph page `{"value": [...]}`, or a single object. Empty when the shape is
// none of those.
std::vector<const Json::Value*> CredentialObjects(const Json::Value& root);

}  // namespace trustcheck::entra

#endif  // TRUSTCHECK_SRC_FORMATS_ENTRA_CREDENTIAL_H_
