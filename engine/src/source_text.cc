#include "source_text.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "text/json_pointer.h"

namespace trustcheck {

SourceText::SourceText(std::string path, std::string text)
    : path_(FileId::Of(path)), text_(std::move(text)) {
  line_starts_.reserve(1 + static_cast<size_t>(std::count(text_.begin(), text_.end(), '\n')));
  line_starts_.push_back(0);
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr;)
    line_starts_.push_back(static_cast<uint32_t>(++p - begin));
}

SourceText::SourceText(std::string path, std::string text, std::vector<Shift> shifts)
    : SourceText(std::move(path), std::move(text)) {
  shifts_ = std::move(shifts);
}

SourceLoc SourceText::LocAt(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());
  size_t column = offset - line_starts_[line - 1] + 1;
  if (!shifts_.empty()) {
    // The file's column: map both ends back (no shift crosses a line break).
    auto original = [&](size_t o) {
      auto s = std::upper_bound(shifts_.begin(), shifts_.end(), o,
                                [](size_t v, const Shift& sh) { return v < sh.at; });
      return s == shifts_.begin() ? static_cast<int64_t>(o) : static_cast<int64_t>(o) + std::prev(s)->delta;
    };
    column = static_cast<size_t>(original(offset) - original(line_starts_[line - 1])) + 1;
  }
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
    // Eight ASCII bytes at a time: most policy text is ASCII.
    uint64_t word;
    if (i + 8 <= n && (std::memcpy(&word, s + i, 8), (word & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
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
  static const RE2 kFirst(R"(\* Line (\d+), Column (\d+)\s+([^\n]*))");
  std::string line, column, msg;
  if (RE2::PartialMatch(errors, kFirst, &line, &column, &msg)) {
    while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    if (msg.find("stackLimit") != std::string::npos) msg = "JSON nesting is deeper than the limit";
    return Status::Error(source.LocAtLine(std::stoul(line), std::stoul(column)),
                         "invalid JSON: " + msg);
  }
  return Status::Error(source.FileLoc(), "invalid JSON");
}

// Also adds up the members of every object into *members.
Status CheckValues(const SourceText& source, const Json::Value& v, const JsonLimits& limits, size_t* members) {
  if (v.isDouble() && !std::isfinite(v.asDouble()))
    return Status::Error(LocOf(source, v), "number is out of range");
  if (v.isString()) {
    const char* b = nullptr;
    const char* e = nullptr;
    if (v.getString(&b, &e) && static_cast<size_t>(e - b) > limits.max_string_bytes)
      return Status::Error(LocOf(source, v),
                           fmt::format("string is longer than the limit of {} bytes", limits.max_string_bytes));
  }
  if (v.isObject()) *members += v.size();
  if (v.isArray() || v.isObject()) {
    for (const Json::Value& c : v) {
      TRUSTCHECK_RETURN_IF_ERROR(CheckValues(source, c, limits, members));
    }
  }
  return Status();
}

}  // namespace

namespace {

// Building a jsoncpp reader (its settings are a Json::Value) costs about as
// much as parsing a small policy: keep one per thread and nesting limit.
Json::CharReader& Reader(int max_depth) {
  thread_local std::unique_ptr<Json::CharReader> reader;
  thread_local int reader_depth = -1;
  if (!reader || reader_depth != max_depth) {
    Json::CharReaderBuilder builder;
    builder["collectComments"] = false;
    builder["allowComments"] = false;
    builder["allowTrailingCommas"] = false;
    builder["strictRoot"] = true;
    builder["allowDroppedNullPlaceholders"] = false;
    builder["allowNumericKeys"] = false;
    builder["allowSingleQuotes"] = false;
    // A backstop only: NestingTooDeep refuses deeper text first, with a
    // location; jsoncpp throws (instead of failing) past its stack limit.
    builder["stackLimit"] = max_depth + 8;
    builder["failIfExtra"] = true;
    builder["rejectDupKeys"] = false;
    builder["allowSpecialFloats"] = false;
    builder["skipBom"] = true;
    reader.reset(builder.newCharReader());
    reader_depth = max_depth;
  }
  return *reader;
}

// The offset of the first `[` or `{` nested deeper than `max_depth` (outside
// strings), or npos. Counts the `:` outside strings into *keys: in valid
// JSON, one per object member as written.
size_t NestingTooDeep(const std::string& text, int max_depth, size_t* keys) {
  int depth = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  for (const char* p = begin; p < end; ++p) {
    char c = *p;
    if (c == '"') {
      // Skip the string: to its closing quote, stepping over escapes.
      for (++p; p < end && *p != '"'; ++p)
        if (*p == '\\') ++p;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return static_cast<size_t>(p - begin);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ':') {
      ++*keys;
    }
  }
  return std::string::npos;
}

}  // namespace

Result<Json::Value> ParseJson(const SourceText& source, const JsonLimits& limits) {
  Json::Value root;
  std::string errors;
  const std::string& t = source.text();
  size_t keys = 0;
  if (size_t deep = NestingTooDeep(t, limits.max_depth, &keys); deep != std::string::npos)
    return Status::Error(ErrorCode::kTooLarge, source.LocAt(deep),
                         fmt::format("invalid JSON: nesting is deeper than the limit of {} levels", limits.max_depth));
  bool parsed = false;
  try {
    parsed = Reader(limits.max_depth).parse(t.data(), t.data() + t.size(), &root, &errors);
  } catch (const Json::Exception& e) {
    return Status::Error(source.FileLoc(), fmt::format("invalid JSON: {}", e.what()));
  }
  if (!parsed) return JsonError(source, errors);
  size_t members = 0;
  TRUSTCHECK_RETURN_IF_ERROR(CheckValues(source, root, limits, &members));
  // jsoncpp keeps one member per key: as many members as keys written means
  // no key was repeated.
  if (members == keys) source.rule_out_duplicate_keys();
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

namespace {

// One open object or array of FindDuplicateKeys' scan.
struct KeyFrame {
  bool object = false;
  bool expect_key = false;
  size_t index = 0;             // arrays: the element being read
  std::string_view last_key;    // objects: the member being read (raw, escapes kept)
  size_t keys_begin = 0;        // this object's keys in the shared key stack
  // Objects with many keys look them up here instead of scanning the stack.
  std::unique_ptr<std::unordered_map<std::string_view, size_t>> many;
};

// JSON pointer of the object or array `frames[depth]`, from the members and
// indexes its ancestors are reading.
std::string PathOf(const std::vector<KeyFrame>& frames, size_t depth) {
  std::string path;
  for (size_t d = 0; d < depth; ++d) {
    const KeyFrame& f = frames[d];
    std::string seg = f.object ? std::string(f.last_key) : std::to_string(f.index);
    path += '/';
    AppendJsonPointerToken(seg, &path);
  }
  return path;
}

}  // namespace

// A scan over already-valid JSON that allocates only for the duplicates it
// reports (and for objects of more than kLinear keys): keys are views into
// the text, kept on one stack for all open objects, and paths are built only
// when a duplicate is found.
std::vector<DuplicateKey> FindDuplicateKeys(const SourceText& source) {
  constexpr size_t kLinear = 32;
  std::vector<DuplicateKey> out;
  if (source.duplicate_keys_ruled_out()) return out;
  std::vector<KeyFrame> frames;
  size_t depth = 0;  // frames[0, depth) are open; deeper ones are kept for reuse
  std::vector<std::pair<std::string_view, size_t>> keys;  // (raw key, offset of its latest occurrence)
  const std::string& t = source.text();
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      size_t start = i;
      for (++i; i < t.size() && t[i] != '"'; ++i)
        if (t[i] == '\\' && i + 1 < t.size()) ++i;
      if (depth == 0 || !frames[depth - 1].object || !frames[depth - 1].expect_key) continue;
      KeyFrame& f = frames[depth - 1];
      std::string_view key = std::string_view(t).substr(start + 1, std::min(i, t.size()) - start - 1);
      size_t* seen = nullptr;
      if (f.many) {
        auto it = f.many->find(key);
        if (it != f.many->end()) seen = &it->second;
      } else {
        for (size_t k = f.keys_begin; k < keys.size(); ++k)
          if (keys[k].first == key) seen = &keys[k].second;
      }
      if (seen) {
        out.push_back({*seen, std::string(key), PathOf(frames, depth - 1)});
        *seen = start;
      } else if (f.many) {
        f.many->emplace(key, start);
      } else {
        keys.emplace_back(key, start);
        if (keys.size() - f.keys_begin > kLinear) {
          f.many = std::make_unique<std::unordered_map<std::string_view, size_t>>();
          for (size_t k = f.keys_begin; k < keys.size(); ++k) f.many->emplace(keys[k].first, keys[k].second);
          keys.resize(f.keys_begin);
        }
      }
      f.last_key = key;
      f.expect_key = false;
    } else if (c == '{' || c == '[') {
      if (depth == frames.size()) frames.emplace_back();
      KeyFrame& f = frames[depth++];
      f.object = c == '{';
      f.expect_key = f.object;
      f.index = 0;
      f.last_key = {};
      f.keys_begin = keys.size();
      f.many.reset();
    } else if (c == '}' || c == ']') {
      if (depth > 0) keys.resize(frames[--depth].keys_begin);
    } else if (c == ',') {
      if (depth > 0) {
        frames[depth - 1].expect_key = frames[depth - 1].object;
        frames[depth - 1].index++;
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
