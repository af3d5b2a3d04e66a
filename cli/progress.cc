#include "cli/progress.h"

#include <fmt/format.h>

#include <cstdio>

namespace trustcheck::cli {

std::string ProgressText(const std::string& what, size_t done, size_t total) {
  return fmt::format("trustcheck: {} {} of {} file{}", what, done, total, total == 1 ? "" : "s");
}

ProgressLine::ProgressLine(bool enabled, std::chrono::milliseconds delay)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_draw_(start_), delay_(delay) {}

std::function<void(size_t, size_t)> ProgressLine::Callback(std::string what) {
  if (!enabled_) return nullptr;
  return [this, what = std::move(what)](size_t done, size_t total) { Update(what, done, total); };
}

void ProgressLine::Update(const std::string& what, size_t done, size_t total) {
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  // Another thread drawing: skip this update rather than wait.
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done != total) return;
  last_draw_ = now;
  drawn_ = true;
  std::fputs(fmt::format("\r\033[K{}", ProgressText(what, done, total)).c_str(), stderr);
  std::fflush(stderr);
}

void ProgressLine::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace trustcheck::cli
