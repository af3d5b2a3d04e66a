// lint/glob.h: path globs for the config's `ignore` list.
//
//   *    any run of characters except `/`
//   **   any run of characters, `/` included (`dir/**`, `**/test.json`)
//   ?    one character except `/`
//
// A glob without `/` matches a file name in any folder (`*.test.json`); a
// glob that matches a folder matches everything below it (`legacy`,
// `legacy/`). Paths are compared as given, without a leading `./`.
//
// THREAD SAFETY
//
// Pure functions.

#ifndef TRUSTCHECK_LINT_GLOB_H_
#define TRUSTCHECK_LINT_GLOB_H_

#include <string_view>

namespace trustcheck::lint {

// Whole-string match of one glob against one path (no folder rules).
bool GlobMatch(std::string_view glob, std::string_view path);

// The config's rules: file names, folders and `./` as described above.
bool PathIgnored(std::string_view glob, std::string_view path);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_GLOB_H_
