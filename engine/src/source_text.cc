#include "source_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

namespace trustcheck {

SourceText::SourceText(std::string path, std::string text)
    : path_(std::make_shared<const std::string>(std::move(path))), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(static_cast<uint32_t>(i + 1));
}

SourceLoc SourceText::LocAt(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());
  size_t column = offset - line_starts_[line - 1] + 1;
  return SourceLoc{path_, static_cast<uint32_t>(line), static_cast<uint32_t>(column)};
}

SourceLoc SourceText::LocAtLine(uint32_t line, uint32_t column) const {
  return SourceLoc{path_, line, column};
}

Status ValidateUtf8(const SourceText& source) {
  const auto* s = reinterpret_cast<const unsigned char*>(source.text().data());
  size_t n = source.text().size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Reject overlong forms, surrogates and code points past U+10FFFF.
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
               (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF))
      ok = false;
    if (!ok) return Status::Error(source.LocAt(i), fmt::format("invalid UTF-8 byte 0x{:02x}", c));
    i += len;
  }
  return Status();
}

bool LooksLikeJson(std::string_view text) {
  size_t i = 0;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  return i < text.size() && (text[i] == '{' || text[i] == '[');
}

namespace {

// jsoncpp reports "* Line 3, Column 5\n  Missing ',' or '}' in object declaration".
Status JsonError(const SourceText& source, const std::string& errors) {
  static const std::regex kFirst(R"(\* Line (\d+), Column (\d+)\s+([^\n]*))");
  std::smatch m;
  if (std::regex_search(errors, m, kFirst)) {
    std::string msg = m[3].str();
    while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    if (msg.find("stackLimit") != std::string::npos) msg = "JSON nesting is deeper than the limit";
    return Status::Error(source.LocAtLine(std::stoul(m[1].str()), std::stoul(m[2].str())),
                         "invalid JSON: " + msg);
  }
  return Status::Error(source.FileLoc(), "invalid JSON");
}

Status CheckValues(const SourceText& source, const Json::Value& v, const JsonLimits& limits) {
  if (v.isDouble() && !std::isfinite(v.asDouble()))
    return Status::Error(LocOf(source, v), "number is out of range");
  if (v.isString()) {
    const char* b = nullptr;
    const char* e = nullptr;
    if (v.getString(&b, &e) && static_cast<size_t>(e - b) > limits.max_string_bytes)
      return Status::Error(LocOf(source, v),
                           fmt::format("string is longer than the limit of {} bytes", limits.max_string_bytes));
  }
  if (v.isArray() || v.isObject()) {
    for (const Json::Value& c : v) {
      Status s = CheckValues(source, c, limits);
      if (!s.ok()) return s;
    }
  }
  return Status();
}

}  // namespace

Result<Json::Value> ParseJson(const SourceText& source, const JsonLimits& limits) {
  Json::CharReaderBuilder builder;
  builder["collectComments"] = false;
  builder["allowComments"] = false;
  builder["allowTrailingCommas"] = false;
  builder["strictRoot"] = true;
  builder["allowDroppedNullPlaceholders"] = false;
  builder["allowNumericKeys"] = false;
  builder["allowSingleQuotes"] = false;
  builder["stackLimit"] = limits.max_depth;
  builder["failIfExtra"] = true;
  builder["rejectDupKeys"] = false;
  builder["allowSpecialFloats"] = false;
  builder["skipBom"] = true;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  const std::string& t = source.text();
  if (!reader->parse(t.data(), t.data() + t.size(), &root, &errors)) return JsonError(source, errors);
  Status s = CheckValues(source, root, limits);
  if (!s.ok()) return s;
  return root;
}

SourceLoc LocOf(const SourceText& source, const Json::Value& value) {
  return source.LocAt(static_cast<size_t>(value.getOffsetStart()));
}

SourceLoc KeyLocOf(const SourceText& source, const Json::Value& member_value) {
  const std::string& t = source.text();
  size_t i = std::min(static_cast<size_t>(member_value.getOffsetStart()), t.size());
  auto skip_space_back = [&] {
    while (i > 0 && std::isspace(static_cast<unsigned char>(t[i - 1]))) --i;
  };
  skip_space_back();
  if (i == 0 || t[i - 1] != ':') return LocOf(source, member_value);
  --i;
  skip_space_back();
  if (i == 0 || t[i - 1] != '"') return LocOf(source, member_value);
  --i;  // at closing quote
  while (i > 0) {
    --i;
    if (t[i] == '"') {
      size_t backslashes = 0;
      for (size_t k = i; k > 0 && t[k - 1] == '\\'; --k) ++backslashes;
      if (backslashes % 2 == 0) return source.LocAt(i);
    }
  }
  return LocOf(source, member_value);
}

std::vector<DuplicateKey> FindDuplicateKeys(const SourceText& source) {
  // A tiny scanner over already-valid JSON: a stack of (is_object, keys seen,
  // path, expecting_key) frames.
  struct Frame {
    bool object = false;
    std::set<std::string> keys;
    std::map<std::string, size_t> first_offset;
    std::string path;
    bool expect_key = false;
    size_t index = 0;
    std::string last_key;
  };
  std::vector<DuplicateKey> out;
  std::vector<Frame> stack;
  const std::string& t = source.text();
  auto child_path = [&](const Frame& f) {
    std::string seg = f.object ? f.last_key : std::to_string(f.index);
    std::string esc;
    for (char c : seg) {
      if (c == '~') esc += "~0";
      else if (c == '/') esc += "~1";
      else esc += c;
    }
    return f.path + "/" + esc;
  };
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      size_t start = i;
      std::string value;
      for (++i; i < t.size() && t[i] != '"'; ++i) {
        if (t[i] == '\\' && i + 1 < t.size()) {
          value += t[i];
          ++i;
        }
        value += t[i];
      }
      if (!stack.empty() && stack.back().object && stack.back().expect_key) {
        Frame& f = stack.back();
        if (f.keys.count(value)) {
          out.push_back({f.first_offset[value], value, f.path});
          f.first_offset[value] = start;
        } else {
          f.keys.insert(value);
          f.first_offset[value] = start;
        }
        f.last_key = value;
        f.expect_key = false;
      }
    } else if (c == '{' || c == '[') {
      std::string path = stack.empty() ? "" : child_path(stack.back());
      Frame frame;
      frame.object = c == '{';
      frame.path = path;
      frame.expect_key = frame.object;
      stack.push_back(std::move(frame));
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == ',') {
      if (!stack.empty()) {
        stack.back().expect_key = stack.back().object;
        stack.back().index++;
      }
    }
  }
  // Unescape keys for reporting (only the common escapes matter here).
  for (auto& d : out) {
    std::string k;
    for (size_t i = 0; i < d.key.size(); ++i) {
      if (d.key[i] == '\\' && i + 1 < d.key.size()) ++i;
      k += d.key[i];
    }
    d.key = k;
  }
  return out;
}

}  // namespace trustcheck
