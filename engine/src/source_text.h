// Internal: a file's text with a line table, and located JSON parsing on top
// of jsoncpp (offsets -> line:column, duplicate-key discovery, limits).

#ifndef TRUSTCHECK_SRC_SOURCE_TEXT_H_
#define TRUSTCHECK_SRC_SOURCE_TEXT_H_

#include <json/json.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/status.h"

namespace trustcheck {

class SourceText {
 public:
  // Where a rewritten text (a JSON template read as JSON, formats/
  // template_json.h) and the file differ: from transformed offset `at` on,
  // the file's offset is the transformed one plus `delta` (cumulative).
  struct Shift {
    uint32_t at;
    int32_t delta;
  };
  SourceText(std::string path, std::string text);
  // `text` is a rewrite of the file with no line break added or removed;
  // locations are reported in the file's own columns.
  SourceText(std::string path, std::string text, std::vector<Shift> shifts);
  FileId path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based line and column (in bytes) of a byte offset (of text()).
  SourceLoc LocAt(size_t offset) const;
  SourceLoc LocAtLine(uint32_t line, uint32_t column = 1) const;
  SourceLoc FileLoc() const { return SourceLoc{path_, 0, 0}; }
  // True once ParseJson has shown that no object of the text repeats a key
  // (it counts the keys of the text and the members of the tree), so that
  // FindDuplicateKeys need not scan it.
  bool duplicate_keys_ruled_out() const { return duplicate_keys_ruled_out_; }
  void rule_out_duplicate_keys() const { duplicate_keys_ruled_out_ = true; }

 private:
  FileId path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  std::vector<Shift> shifts_;  // sorted by `at`
  mutable bool duplicate_keys_ruled_out_ = false;
};

// Fails with a located error at the first byte that is not valid UTF-8.
Status ValidateUtf8(const SourceText& source);

struct JsonLimits {
  int max_depth = 256;
  size_t max_string_bytes = 1u << 20;
};

// Parses the whole text as one JSON value. Duplicate object keys are allowed
// (the last one wins, as AWS IAM does); use FindDuplicateKeys to report them.
// Non-finite numbers (`1e400`) are errors.
Result<Json::Value> ParseJson(const SourceText& source, const JsonLimits& limits = {});

// Cheap test: does the text start like a JSON object or array?
bool LooksLikeJson(std::string_view text);

// The name of the member an object iterator points at, as a view into the
// tree (no copy, unlike ValueIteratorBase::name()).
inline std::string_view MemberName(const Json::Value::const_iterator& it) {
  const char* end = nullptr;
  const char* begin = it.memberName(&end);
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

// The location of a parsed value (its first character).
SourceLoc LocOf(const SourceText& source, const Json::Value& value);
// The location of the key that introduces a member value ({"key": value}).
SourceLoc KeyLocOf(const SourceText& source, const Json::Value& member_value);

struct DuplicateKey {
  size_t offset;     // of the key that was overridden (the earlier one)
  std::string key;
  std::string path;  // JSON pointer of the object holding it
};
// Every key that occurs more than once in the same object, in text order.
std::vector<DuplicateKey> FindDuplicateKeys(const SourceText& source);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_SOURCE_TEXT_H_
