#include "trustcheck/status.h"

#include <fmt/format.h>

namespace trustcheck {

const std::string& SourceLoc::path() const {
  static const std::string kEmpty;
  return file ? *file : kEmpty;
}

std::string SourceLoc::ToString() const {
  if (line == 0) return path();
  if (column == 0) return fmt::format("{}:{}", path(), line);
  return fmt::format("{}:{}:{}", path(), line, column);
}

const SourceLoc& Status::loc() const {
  static const SourceLoc kNone;
  return error_ ? error_->loc : kNone;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return error_ ? error_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string where = error_->loc.ToString();
  if (where.empty()) return fmt::format("error: {}", error_->message);
  return fmt::format("{}: error: {}", where, error_->message);
}

}  // namespace trustcheck
