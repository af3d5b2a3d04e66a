// Internal: the values a test reads from a request, shared by the
// evaluator (which decides) and the explanations (which say why).

#ifndef TRUSTCHECK_SRC_EVALUATE_VALUES_H_
#define TRUSTCHECK_SRC_EVALUATE_VALUES_H_

#include <json/json.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/claims.h"

namespace trustcheck::eval {

// The request a trust is evaluated for: the token's claims and the action
// of the current pass ("" when the trust has none).
struct Context {
  const Claims& claims;
  std::string_view action;
};

// The values a Test sees (Extract), each as text (kIamString) or as JSON
// (kJson).
struct Values {
  std::vector<std::string> texts;          // kIamString
  std::vector<const Json::Value*> jsons;   // kJson
  bool from_list = false;                  // the values are a JSON list's elements
  size_t size() const { return texts.size() + jsons.size(); }
};

// The claim value `ref` reads (the first of its names present and not
// null), or null when the key is absent, invisible, or belongs to another
// issuer's condition keys.
const Json::Value* Lookup(const ValueRef& ref, const Claims& claims);

// The values `test` compares, or nullopt when its key is absent (or holds
// what the test's typing cannot see: an object, a null).
std::optional<Values> Extract(const Test& test, const Context& ctx);

// Substitutes AWS policy variables into an operand; nullopt when a variable
// has no usable value ("any attempt to match it fails"). `escape`: the
// substituted text is a wildcard pattern, so `*` `?` `$` from the token are
// written as the literals `${*}` `${?}` `${$}`.
std::optional<std::string> Substitute(const Operand& op, const Context& ctx, bool escape);

// `true` or `false` in any letter case (AWS Bool).
std::optional<bool> ParseBool(std::string_view text);

}  // namespace trustcheck::eval

#endif  // TRUSTCHECK_SRC_EVALUATE_VALUES_H_
