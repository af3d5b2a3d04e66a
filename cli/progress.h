// cli/progress.h: a progress line on standard error for long sweeps.
//
// A sweep of an organisation's dumps can take seconds. On a terminal, after
// two seconds, one line on stderr says how far the load is
// ("trustcheck: loading 120000 of 220000 files"), redrawn at most ten times
// a second and erased when the load ends; off a terminal (CI logs, pipes)
// nothing is written.

#ifndef TRUSTCHECK_CLI_PROGRESS_H_
#define TRUSTCHECK_CLI_PROGRESS_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

namespace trustcheck::cli {

class ProgressLine {
 public:
  // `enabled`: whether to draw at all (the CLI passes isatty(stderr)).
  explicit ProgressLine(bool enabled, std::chrono::milliseconds delay = std::chrono::seconds(2));
  ~ProgressLine() { Finish(); }

  // A callback for LoadOptions::progress; `what` names the stage ("loading").
  std::function<void(size_t, size_t)> Callback(std::string what);
  // Erases the line, if one was drawn.
  void Finish();

 private:
  void Update(const std::string& what, size_t done, size_t total);

  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::chrono::milliseconds delay_;
  std::mutex mu_;
  bool drawn_ = false;
};

// The text of one progress line: "trustcheck: loading 12 of 40 files".
std::string ProgressText(const std::string& what, size_t done, size_t total);

}  // namespace trustcheck::cli

#endif  // TRUSTCHECK_CLI_PROGRESS_H_
