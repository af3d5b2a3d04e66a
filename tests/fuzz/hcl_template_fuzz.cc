// libFuzzer target: a whole file parsed as a Terraform template (what
// `templatefile` reads, hcl::ParseTemplateFile) and rendered with fixed
// variables. The property: never crash, hang or leak, whatever the bytes.

#include <cstddef>
#include <cstdint>
#include <string>

#include "hcl/hcl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = trustcheck::hcl::ParseTemplateFile(text, "trust.json.tpl");
  if (!parsed.ok()) return 0;
  trustcheck::hcl::Module module;
  trustcheck::hcl::Evaluator evaluator(module);
  trustcheck::hcl::Bindings vars;
  trustcheck::SourceLoc loc;
  vars.Set("account_id", trustcheck::hcl::Value::String("123456789012", loc));
  vars.Set("subjects", trustcheck::hcl::Value::Tuple({trustcheck::hcl::Value::String("acme/app:*", loc),
                                                     trustcheck::hcl::Value::String("acme/api:*", loc)},
                                                    loc));
  (void)evaluator.Eval(**parsed, &vars);
  return 0;
}
