// trustcheck/load.h: from files to trusts.
//
// OVERVIEW
//
// LoadPaths() reads files and folders, detects each file's format from its
// content (or uses the forced one), runs that format's parser and lowers the
// result into Trusts (trustcheck/ast.h). One parser per format lives in
// engine/src/formats/ and registers itself in the explicit format table
// (engine/src/formats/registry.cc); nothing else knows about formats.
//
// A file named explicitly that is not a trust in any known format is an
// error; inside folders (searched recursively) such files are skipped, and
// LoadResult says which and why. A folder search decides by content: files
// with a trust format's extension (`.json`, `.yaml`, `.yml`, `.tf`,
// `.template`, `.jwt`, `.bicep`, `.bicepparam`) are read; so are template and text files (`.tpl`,
// `.tmpl`, `.j2`, `.jinja`, `.jinja2`, `.txt`, no extension), which are
// kept when a format recognises them. Other extensions are not read. The
// folders `.git`, `.terraform` (Terraform's module cache, read through the
// module calls) and `node_modules` are not searched.
// Errors are located (file:line:column) and fail the whole load: a policy
// that cannot be read must never be silently ignored.
//
// After all files are loaded, a link step connects facts across files of one
// load: a Vault auth config's `bound_issuer` applies to the Vault roles, an
// AWS OIDC provider definition's client-ID list to the trusts naming it.
//
// THREAD SAFETY
//
// LoadPaths may use several threads internally; the result is owned by the
// caller.

#ifndef TRUSTCHECK_LOAD_H_
#define TRUSTCHECK_LOAD_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/status.h"

namespace trustcheck {

// Limits that keep hostile inputs from exhausting time or memory.
struct LoadLimits {
  size_t max_file_bytes = 32u << 20;  // Default: 32 MiB per file.
  int max_depth = 256;                // Default: 256 levels of nesting.
  size_t max_string_bytes = 1u << 20; // Default: 1 MiB per string value.
  // IAM stores at most 4096 characters of trust policy: about 100 statements
  // or 1000 values. The linter's analysis grows faster than linearly with
  // both, so these also keep `lint` within seconds.
  size_t max_statements = 100;        // Default: statements per trust.
  size_t max_values = 1000;           // Default: values per list, and in all of a trust's conditions.
  size_t max_files = 1000000;         // Default: files per load.
  // Default: 500,000 possible nodes per YAML file, counted before parsing
  // as line breaks plus `,` `:` `-` `?` `[` `{` (yaml-cpp needs about half
  // a kilobyte per node).
  size_t max_yaml_nodes = 500000;
};

struct LoadOptions {
  std::string forced_format;  // `--type`: a format name; empty: detect
  LoadLimits limits;
  int threads = 0;            // 0: one per core
  // True (eval): grammar problems the platform would refuse (unknown
  // operator, bad Effect, ...) fail the load with a located error.
  // False (lint): they stay in Trust::notes as kMalformed and the affected
  // statements never match (fail closed), so the linter can report them.
  bool malformed_is_error = true;
  // Terraform root-module variables from the command line, as Terraform
  // applies them after the folder's `terraform.tfvars` and `*.auto.tfvars`:
  // the `--var-file` files in order, then each `--var NAME=VALUE` (a list or
  // object value is HCL, anything else the text itself).
  std::vector<std::string> terraform_var_files;
  std::vector<std::pair<std::string, std::string>> terraform_variables;
  // Called after each file is read and lowered, with how many of how many
  // files are done (a progress line for long sweeps). Called from the
  // loading threads, so it must be thread-safe and quick.
  std::function<void(size_t done, size_t total)> progress;
  // Where loaded tests are shared (TestPool in trustcheck/ast.h): equal
  // tests of different files become one object. Null: LoadPaths shares
  // within its call, LoadText within the file. Pass one pool to many
  // LoadText calls to share between them; it must outlive the calls only.
  TestPool* test_pool = nullptr;
};

// One loaded file.
struct LoadedFile {
  std::string path;
  std::string format;  // the detected format's name
  std::vector<Trust> trusts;
  // Facts a file contributes to the link step (OIDC provider definitions,
  // Vault auth configs); formats fill these instead of trusts.
  struct Fact {
    enum class Kind : uint8_t {
      kAwsOidcProvider,  // an IAM OIDC provider; key: its host (the URL without `https://`)
      kVaultJwtConfig,   // a Vault JWT auth config; key: its mount ("" when unknown)
      kModuleCall,       // a module this file calls; key: the called folder or file
    };
    Kind kind;
    std::string key;
    std::vector<std::pair<std::string, std::string>> values;
    SourceLoc loc;
    // Values the load cannot know (a Terraform variable, a value known only
    // after apply): the value's name and why. They are not in `values`.
    std::vector<std::pair<std::string, std::string>> unknown;

    const std::string* Value(std::string_view name) const;
    const std::string* UnknownReason(std::string_view name) const;
  };
  std::vector<Fact> facts;
  // What the file leaves unverified outside any trust (a Terraform module
  // call whose code is not on disk).
  std::vector<LoweringNote> notes;
};

// The fact kind's name for dumps and tests: "aws-oidc-provider",
// "vault-jwt-config", "module-call".
const char* FactKindName(LoadedFile::Fact::Kind kind);

// A file (or folder) a folder search did not load, and why.
struct SkippedFile {
  std::string path;
  std::string reason;  // "no trust in it", "`.md` files are not read", ...
};

struct LoadResult {
  std::vector<LoadedFile> files;
  std::vector<Status> errors;  // files that could not be loaded, in path order
  size_t skipped = 0;          // files in folders that were not loaded
  std::vector<SkippedFile> skipped_files;  // the same, in path order
};

// Loads every path. A path that does not exist fails the whole call; files
// that cannot be parsed are collected in LoadResult::errors (the CLI prints
// them all and exits 2) so one broken file does not hide the others.
Result<LoadResult> LoadPaths(const std::vector<std::string>& paths, const LoadOptions& options);

// Loads text as if read from `path` (tests, stdin). `explicit_path` decides
// whether "not a trust" is an error.
Result<LoadedFile> LoadText(const std::string& path, std::string text, const LoadOptions& options,
                            bool explicit_path = true);

// Reads a whole regular file of at most `max_bytes` bytes (ReadBounded in
// trustcheck/read.h, streams refused); FIFOs, devices and larger files are
// located errors ("file is larger than the limit of N bytes"), never a hang.
Result<std::string> ReadFileBounded(const std::string& path, size_t max_bytes);

// Names of the known formats, for `--type` and messages.
std::vector<std::string> FormatNames();

}  // namespace trustcheck

#endif  // TRUSTCHECK_LOAD_H_
