// trustcheck/read.h: one bounded reader for every input.
//
// Every byte trustcheck reads from outside (trusts, tokens, JWKS, the
// linter's config, suppression comments, files of a git revision) goes
// through ReadBounded: an input larger than its limit is a located error
// that names the limit, found after reading at most limit + 1 bytes, so
// `/dev/zero`, a pipe that never ends or a huge file fail at once instead
// of exhausting memory.
//
//   Result<std::string> text = ReadBounded("token.jwt", {.max_bytes = 1 << 20, .what = "token"});
//   if (!text.ok()) return text.status();  // "token.jwt: error: token is larger than ..."

#ifndef TRUSTCHECK_READ_H_
#define TRUSTCHECK_READ_H_

#include <cstddef>
#include <string>

#include "trustcheck/status.h"

namespace trustcheck {

struct ReadOptions {
  size_t max_bytes = 32u << 20;
  // What the input is, for the limit's message: "file", "token", "JWKS".
  const char* what = "file";
  // Whether a stream (standard input as `-`, a pipe, a FIFO, a character
  // device) may be read. Inputs named on the command line may be streams;
  // files found by walking a folder must be regular files, so that a FIFO
  // in a folder cannot block the walk.
  bool allow_streams = false;
};

// The whole content of `path`, or a located error: "cannot read file: ..."
// (missing, unreadable, a folder, a stream when streams are not allowed) or
// "WHAT is larger than the limit of N bytes".
Result<std::string> ReadBounded(const std::string& path, const ReadOptions& options);

// Reads a file descriptor to its end, at most `max_bytes` (the caller owns
// and closes `fd`). False when there was more; `out` then holds max_bytes + 1
// bytes.
bool ReadAllBounded(int fd, size_t max_bytes, std::string* out);

}  // namespace trustcheck

#endif  // TRUSTCHECK_READ_H_
