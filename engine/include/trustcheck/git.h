// trustcheck/git.h: the trusts of a path as they were at a git revision.
//
// OVERVIEW
//
// `trustcheck diff --git REV PATH` compares PATH with itself at REV. The
// files of PATH at REV are written to a temporary folder, so that the load
// sees them exactly as files (links between files, module calls and folder
// searches included), and locations are shown as `REV:path`.
//
//   Result<GitSnapshot> old = SnapshotAt("main", "infra/iam", limits.max_file_bytes);
//   if (!old.ok()) return old.status();
//   LoadPaths({old->load_path}, options);   // empty load_path: PATH did not exist at REV
//   ...
//   RemoveSnapshot(*old);
//
// git runs as a child process with its arguments passed as they are (no
// shell, nothing to quote); its output is read through the bounded reader
// (trustcheck/read.h), so a huge blob is a located error, not a hang.

#ifndef TRUSTCHECK_GIT_H_
#define TRUSTCHECK_GIT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "trustcheck/status.h"

namespace trustcheck {

struct GitSnapshot {
  std::string temp_dir;    // the temporary folder; RemoveSnapshot() deletes it
  std::string load_path;   // PATH's copy inside it; empty when PATH did not exist at REV
  std::string shown_root;  // how to show load_path to people: `REV:path`
};

// PATH (a file or a folder inside a git work tree) as it was at revision REV.
// Errors: PATH not in a work tree, REV not a commit, a file past `max_file_bytes`.
Result<GitSnapshot> SnapshotAt(const std::string& rev, const std::string& path, size_t max_file_bytes);

void RemoveSnapshot(const GitSnapshot& snapshot);

// `path` as people should see it: inside the snapshot, `REV:path/...`;
// anything else unchanged.
std::string ShownPath(const GitSnapshot& snapshot, const std::string& path);

// Runs `git -C dir ARGS...` and returns its standard output, or nullopt when
// git cannot run, fails, or writes more than `max_bytes`.
std::optional<std::string> RunGit(const std::string& dir, const std::vector<std::string>& args, size_t max_bytes);

}  // namespace trustcheck

#endif  // TRUSTCHECK_GIT_H_
