// `trustcheck facts`: what trustcheck knows about each issuer family, as
// Markdown (docs/platform-facts.md is this output).

#include <cstdio>

#include "cli/command.h"
#include "trustcheck/exposure.h"

namespace trustcheck::cli {

namespace {

constexpr const char* kUsage =
    "usage: trustcheck facts\n"
    "\n"
    "Prints the platform facts trustcheck evaluates and lints with (issuers, tenancy, claim grammars, the\n"
    "tokens the exposure analysis builds, their sources), as Markdown: docs/platform-facts.md.";

}  // namespace

int FactsCommand(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, 2, {}, {"help"}, &args)) return kExitError;
  if (args.Has("help")) {
    std::puts(kUsage);
    return kExitOk;
  }
  if (!args.positional.empty()) return UsageError(std::string("`facts` takes no PATH\n") + kUsage);
  std::fputs(PlatformFactsMarkdown().c_str(), stdout);
  return kExitOk;
}

}  // namespace trustcheck::cli
