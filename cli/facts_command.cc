// `trustcheck facts`: what trustcheck knows about each issuer family, as
// Markdown (docs/platform-facts.md is this output).

#include <cstdio>

#include "cli/command.h"
#include "trustcheck/exposure.h"

namespace trustcheck::cli {

namespace {

CommandSpec Spec() {
  return {"facts", {""},
          "Prints the platform facts trustcheck evaluates and lints with (issuers, tenancy, claim grammars, the\n"
          "tokens the exposure analysis builds, their sources), as Markdown: docs/platform-facts.md.",
          {}};
}

}  // namespace

int FactsCommand(int argc, char** argv) {
  Args args;
  const CommandSpec spec = Spec();
  if (!ParseArgs(argc, argv, spec, &args)) return kExitError;
  if (args.Has("help")) {
    std::fputs(Help(spec).c_str(), stdout);
    return kExitOk;
  }
  if (!args.positional.empty()) return UsageError(std::string("`facts` takes no PATH\n") + Usage(spec));
  std::fputs(PlatformFactsMarkdown().c_str(), stdout);
  return kExitOk;
}

}  // namespace trustcheck::cli
