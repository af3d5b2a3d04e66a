// libFuzzer target: the CEL subset, parsed and evaluated against fixed claims.

#include <json/json.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cel/cel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  static const trustcheck::SourceLoc where{trustcheck::FileId::Of("provider.yaml"), 1, 1};
  auto expr = trustcheck::cel::Parse(text, where);
  if (!expr.ok()) return 0;
  Json::Value claims(Json::objectValue);
  claims["sub"] = "repo:octo-org/octo-repo:ref:refs/heads/main";
  claims["repository_owner_id"] = "65";
  claims["groups"].append("a");
  claims["n"] = 42;
  trustcheck::cel::Activation vars;
  vars.Bind("assertion", trustcheck::cel::Value::FromJson(claims));
  trustcheck::cel::Eval(**expr, vars);
  return 0;
}
