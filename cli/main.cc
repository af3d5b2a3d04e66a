// trustcheck: evaluate, lint and diff OIDC federation trusts.

#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "cli/command.h"

namespace {

constexpr const char* kUsage = R"(usage: trustcheck <command> [options] PATH...

commands:
  eval   would this token be accepted, by which trust, and if not, why not
  diff   does a change let in a token that was refused before; show one
  lint   which trusts are too relaxed or broken, and what they let in
  ci     the tokens a repository's CI jobs will mint, against the trusts they target
  rules  list the lint rules, or explain one
  facts  what trustcheck knows about each issuer (docs/platform-facts.md)
  --version

run `trustcheck <command> --help` for a command's options
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace trustcheck::cli;
  // A load builds many small trees. glibc grows the main heap by M_TOP_PAD
  // (128 KiB) past each request, a system call each time: 16 MiB took a
  // tenth off `eval` over 20,000 files (docs/performance.md). It does not
  // apply to the heaps of other threads, which glibc grows page by page.
  // Memory that is never touched is not resident.
  mallopt(M_TOP_PAD, 16 << 20);
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitError;
  }
  std::string command = argv[1];
  if (command == "--version" || command == "version") {
    std::printf("trustcheck %s\n", TRUSTCHECK_VERSION);
    return kExitOk;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "eval") return EvalCommand(argc, argv);
  if (command == "diff") return DiffCommand(argc, argv);
  if (command == "lint") return LintCommand(argc, argv);
  if (command == "rules") return RulesCommand(argc, argv);
  if (command == "facts") return FactsCommand(argc, argv);
  if (command == "ci") return CiCommand(argc, argv);
  std::fputs(kUsage, stderr);
  return UsageError("unknown command `" + command + "`");
}
