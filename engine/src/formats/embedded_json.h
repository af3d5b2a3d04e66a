// Internal: a JSON document held in a string value of a JSON file, parsed
// with every location mapped back into that file.
//
// IAM returns trust policies URL-encoded (`%7B%22Version%22...`) in
// `get-account-authorization-details` and the raw API; Terraform plans hold
// `assume_role_policy` as a JSON string. Errors and values point at the
// byte of the outer file each decoded byte came from (the `%` of a
// percent-escape, the `\` of a JSON escape), so a broken embedded policy
// gets a precise file:line:column.

#ifndef TRUSTCHECK_SRC_FORMATS_EMBEDDED_JSON_H_
#define TRUSTCHECK_SRC_FORMATS_EMBEDDED_JSON_H_

#include <json/json.h>

#include <memory>
#include <string>
#include <vector>

#include "formats/tree_locator.h"
#include "source_text.h"
#include "trustcheck/ast.h"

namespace trustcheck {

struct EmbeddedJson {
  std::unique_ptr<Json::Value> root;
  std::unique_ptr<TreeLocator> locator;  // values and keys located in the outer file
  std::vector<LoweringNote> duplicates;  // duplicate keys of the embedded document
  bool url_encoded = false;              // whether the string was percent-decoded
};

// Parses the string value `value` of the JSON file `outer` (a value of the
// tree ParseJson(outer) returned). The string is percent-decoded first when
// it does not start with `{` or `[` (RFC 3986: `+` stays `+`). `what` names
// the value in errors: "invalid JSON in `AssumeRolePolicyDocument`: ...".
Result<EmbeddedJson> ParseEmbeddedJson(const SourceText& outer, const Json::Value& value, const std::string& what,
                                       const JsonLimits& limits = {});

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_EMBEDDED_JSON_H_
