// libFuzzer target: one input format, parsed, lowered, evaluated, and its
// exposure analysed. Built once per format with FUZZ_FORMAT set (see
// CMakeLists.txt); the bytes also go through format detection. The
// properties: never crash, never hang, never leak, never throw (an
// "internal error" from the load boundary is a crash here), whatever the bytes; and
// every admission of the exposure analysis has a witness the evaluator
// accepts (on the trust with its unknowns assumed when it says so).

#include <json/json.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/exposure.h"
#include "trustcheck/load.h"

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT names the input format this target exercises"
#endif
#ifndef FUZZ_PATH
#define FUZZ_PATH "fuzz-input"
#endif

namespace {

const trustcheck::Claims& Token() {
  static const trustcheck::Claims claims = [] {
    auto t = trustcheck::DecodeToken(
        R"({"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com",
            "sub":"repo:octo-org/octo-repo:ref:refs/heads/main","repository_id":"74","exp":4102444800})",
        "token.json");
    return t->claims;
  }();
  return claims;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  trustcheck::LoadOptions options;
  options.malformed_is_error = false;
  // Detection first, as the command line does without --type: every
  // format's Detect sees the bytes (the YAML and JSON parses they share).
  auto detected = trustcheck::LoadText(FUZZ_PATH, text, options);
  // The load boundary turns a loader's exception into an error; for the
  // fuzzer that is still a bug.
  auto internal = [](const trustcheck::Status& s) {
    if (!s.ok() && s.message().rfind("internal error", 0) == 0) __builtin_trap();
  };
  internal(detected.status());
  options.forced_format = FUZZ_FORMAT;
  auto file = trustcheck::LoadText(FUZZ_PATH, text, options);
  internal(file.status());
  if (!file.ok()) return 0;
  trustcheck::EvalOptions eval;
  eval.now = 1700000000;
  for (const trustcheck::Trust& trust : file->trusts) trustcheck::Evaluate(trust, Token(), eval);
  // Bounded small: a fuzz input must stay fast.
  trustcheck::ExposureOptions exposure;
  exposure.now = eval.now;
  exposure.max_tokens = 300;
  exposure.analysis.max_search_nodes = 20000;
  for (const trustcheck::Trust& trust : file->trusts) {
    trustcheck::Trust assumed = trustcheck::AssumeUnknowns(trust);
    for (const trustcheck::IssuerExposure& e : trustcheck::AnalyseExposure(trust, exposure).issuers)
      for (const trustcheck::Admission& a : e.widest) {
        const trustcheck::Trust& judge = a.assumptions.empty() ? trust : assumed;
        if (trustcheck::Decide(judge, trustcheck::Claims(*a.witness), eval) != trustcheck::Tri::kTrue) __builtin_trap();
      }
  }
  return 0;
}
