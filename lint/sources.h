// lint/sources.h: the text of the files findings point into, read once, for
// inline suppressions and for showing the offending line.
//
// THREAD SAFETY
//
// Not thread-safe: one SourceCache per lint run.

#ifndef TRUSTCHECK_LINT_SOURCES_H_
#define TRUSTCHECK_LINT_SOURCES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace trustcheck::lint {

// One file's text split into lines (without their line endings).
class SourceLines {
 public:
  explicit SourceLines(std::string text);
  // Line `number` (1-based); empty when out of range.
  std::string_view Line(uint32_t number) const;
  uint32_t size() const { return static_cast<uint32_t>(starts_.size()); }
  // True when the text is JSON (starts with `{` or `[`), which has no comments.
  bool is_json() const { return is_json_; }

 private:
  std::string text_;
  std::vector<size_t> starts_;
  bool is_json_ = false;
};

class SourceCache {
 public:
  // The file's lines, read on first use; nullptr when it cannot be read.
  const SourceLines* Get(const std::string& path);
  // Registers text for a path that is not on disk (tests, stdin).
  void Put(const std::string& path, std::string text);

 private:
  std::map<std::string, std::unique_ptr<SourceLines>> files_;
};

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_SOURCES_H_
