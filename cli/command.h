// The trustcheck command line: one function per subcommand, one shared
// argument parser. Exit codes: 0 success, 1 a negative answer (no trust
// accepts, a finding at or above --fail-on, a widening), 2 usage or input
// errors (message on stderr naming file:line:column).

#ifndef TRUSTCHECK_CLI_COMMAND_H_
#define TRUSTCHECK_CLI_COMMAND_H_

#include <map>
#include <string>
#include <vector>

#include "trustcheck/load.h"

namespace trustcheck::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNegative = 1;
inline constexpr int kExitError = 2;

// Flags (`--name value` or `--name=value`) and positional arguments. A
// flag given twice keeps its last value in `flags`; `values` keeps every
// value of the flags that may be repeated (`--limit`).
struct Args {
  std::map<std::string, std::string> flags;
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> positional;
  bool Has(const std::string& name) const { return flags.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

// One option of a command: the parser reads it and the help describes it,
// from this one declaration.
struct OptionSpec {
  std::string name;   // without the dashes: "format"
  std::string value;  // what the value looks like ("FILE", "text|json"); empty: a switch
  std::string help;   // one line
  bool required = false;
  bool repeatable = false;
  bool in_synopsis = true;  // false: only in the option list (an option that makes another form)
};

// The options every loading command takes: --type, --limit, --var, --var-file.
std::vector<OptionSpec> LoadOptionSpecs();

// A command's arguments: its options, what follows them, and what it does.
struct CommandSpec {
  std::string name;                   // "lint"
  std::vector<std::string> operands;  // synopsis forms after the options: {"PATH..."}
  std::string about;                  // a paragraph for --help
  std::vector<OptionSpec> options;    // `--help` is added to every command
};

// The synopsis ("usage: trustcheck lint [--format ...] PATH..."), wrapped.
std::string Usage(const CommandSpec& spec);
// The synopsis, the paragraph and one line per option: `--help`'s text.
std::string Help(const CommandSpec& spec);

// Parses argv[2..] by the spec. Returns false (after printing a message) on
// an unknown option or a missing value.
bool ParseArgs(int argc, char** argv, const CommandSpec& spec, Args* out);

// Prints "trustcheck: error: <message>" to stderr and returns kExitError.
int UsageError(const std::string& message);

// A located input error (a file, a token, a config): "trustcheck:
// file:line:column: error: message" on stderr; returns exit code 2.
int InputError(const Status& status);

// Checks that `value` is one of `allowed` for flag `name`.
bool CheckChoice(const std::string& name, const std::string& value, const std::vector<std::string>& allowed);

// `--limit NAME=VALUE` (repeatable): raises or lowers one of the load limits
// of docs/hardening.md for this run. Returns false (after printing a usage
// error) on an unknown name or a value that is not a whole number within
// the limit's ceiling.
bool ApplyLimitFlags(const Args& args, LoadLimits* limits);

// `--var NAME=VALUE` and `--var-file FILE` (repeatable), as Terraform spells
// them: values for the variables of the Terraform root modules loaded.
// Returns false (after a usage error) on a `--var` without `=`.
bool ApplyTerraformVariableFlags(const Args& args, LoadOptions* options);

int EvalCommand(int argc, char** argv);
int DiffCommand(int argc, char** argv);
int LintCommand(int argc, char** argv);
int RulesCommand(int argc, char** argv);
int FactsCommand(int argc, char** argv);
int CiCommand(int argc, char** argv);

}  // namespace trustcheck::cli

#endif  // TRUSTCHECK_CLI_COMMAND_H_
