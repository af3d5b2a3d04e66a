// File text for suppressions and the text reporter.

#include "lint/sources.h"

#include <cctype>

#include "trustcheck/load.h"
#include "trustcheck/read.h"

namespace trustcheck::lint {

SourceLines::SourceLines(std::string text) : text_(std::move(text)) {
  starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n' && i + 1 < text_.size()) starts_.push_back(i + 1);
  for (char c : text_) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    is_json_ = c == '{' || c == '[';
    break;
  }
}

std::string_view SourceLines::Line(uint32_t number) const {
  if (number == 0 || number > starts_.size()) return {};
  size_t begin = starts_[number - 1];
  size_t end = number < starts_.size() ? starts_[number] - 1 : text_.size();
  std::string_view line(text_.data() + begin, end - begin);
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

const SourceLines* SourceCache::Get(const std::string& path) {
  auto it = files_.find(path);
  if (it != files_.end()) return it->second.get();
  // The file was loaded through the same limit; one that cannot be read
  // again (gone, grown past it) has no lines to show.
  std::unique_ptr<SourceLines> lines;
  if (Result<std::string> text = ReadBounded(path, {LoadLimits().max_file_bytes, "file", false}); text.ok())
    lines = std::make_unique<SourceLines>(std::move(*text));
  const SourceLines* out = lines.get();
  files_.emplace(path, std::move(lines));
  return out;
}

void SourceCache::Put(const std::string& path, std::string text) {
  files_[path] = std::make_unique<SourceLines>(std::move(text));
}

}  // namespace trustcheck::lint
