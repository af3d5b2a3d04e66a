#include "formats/embedded_json.h"

#include <fmt/format.h>

#include <algorithm>

#include "text/utf8.h"

namespace trustcheck {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decoded text, and for each decoded byte the offset in the outer file of
// the source character it came from (one extra entry: the end).
struct Mapped {
  std::string text;
  std::vector<size_t> offsets;
};

// The JSON string literal at [begin, end) (quotes included), unescaped.
Mapped UnescapeLiteral(const std::string& t, size_t begin, size_t end) {
  Mapped out;
  size_t i = begin + 1;
  size_t stop = end > begin ? end - 1 : begin;
  while (i < stop) {
    if (t[i] != '\\' || i + 1 >= stop) {
      out.text += t[i];
      out.offsets.push_back(i);
      ++i;
      continue;
    }
    size_t at = i;
    char e = t[i + 1];
    std::string bytes;
    i += 2;
    switch (e) {
      case 'b': bytes = "\b"; break;
      case 'f': bytes = "\f"; break;
      case 'n': bytes = "\n"; break;
      case 'r': bytes = "\r"; break;
      case 't': bytes = "\t"; break;
      case 'u': {
        auto hex4 = [&](size_t p, uint32_t* v) {
          if (p + 4 > stop) return false;
          *v = 0;
          for (size_t k = 0; k < 4; ++k) {
            int d = HexDigit(t[p + k]);
            if (d < 0) return false;
            *v = *v * 16 + static_cast<uint32_t>(d);
          }
          return true;
        };
        uint32_t cp = 0;
        if (!hex4(i, &cp)) break;
        i += 4;
        uint32_t low = 0;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= stop && t[i] == '\\' && t[i + 1] == 'u' && hex4(i + 2, &low) &&
            low >= 0xDC00 && low < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        AppendUtf8(cp, &bytes);
        break;
      }
      default: bytes = std::string(1, e); break;  // `\"` `\\` `\/`
    }
    for (char c : bytes) {
      out.text += c;
      out.offsets.push_back(at);
    }
  }
  out.offsets.push_back(stop);
  return out;
}

// Percent-decoding; nullopt-like failure reported through `bad` (the index
// of the first malformed `%`).
Mapped PercentDecode(const Mapped& in, size_t* bad) {
  Mapped out;
  const std::string& s = in.text;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '%') {
      int hi = i + 2 < s.size() ? HexDigit(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? HexDigit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *bad = i;
        return out;
      }
      out.text += static_cast<char>(hi * 16 + lo);
      out.offsets.push_back(in.offsets[i]);
      i += 3;
      continue;
    }
    out.text += s[i];
    out.offsets.push_back(in.offsets[i]);
    ++i;
  }
  out.offsets.push_back(in.offsets.back());
  return out;
}

class EmbeddedLocator : public TreeLocator {
 public:
  EmbeddedLocator(const SourceText& outer, std::string inner_text, std::vector<size_t> offsets)
      : outer_(outer), inner_(*outer.path(), std::move(inner_text)), offsets_(std::move(offsets)) {
    line_starts_.push_back(0);
    const std::string& t = inner_.text();
    for (size_t i = 0; i < t.size(); ++i)
      if (t[i] == '\n') line_starts_.push_back(i + 1);
  }
  const SourceText& inner() const { return inner_; }
  SourceLoc At(size_t inner_offset) const {
    return outer_.LocAt(offsets_[std::min(inner_offset, offsets_.size() - 1)]);
  }
  // A location in the inner text (as ParseJson reports it) mapped outside.
  SourceLoc Map(const SourceLoc& inner_loc) const {
    if (!inner_loc.known()) return At(0);
    size_t line = std::min<size_t>(inner_loc.line, line_starts_.size()) - 1;
    size_t offset = line_starts_[line] + (inner_loc.column > 0 ? inner_loc.column - 1 : 0);
    return At(offset);
  }
  SourceLoc ValueLoc(const Json::Value& v) const override { return At(static_cast<size_t>(v.getOffsetStart())); }
  SourceLoc KeyLoc(const Json::Value& v) const override { return Map(KeyLocOf(inner_, v)); }
  SourceLoc FileLoc() const override { return At(0); }

 private:
  const SourceText& outer_;
  SourceText inner_;
  std::vector<size_t> offsets_;
  std::vector<size_t> line_starts_;
};

}  // namespace

Result<EmbeddedJson> ParseEmbeddedJson(const SourceText& outer, const Json::Value& value, const std::string& what,
                                       const JsonLimits& limits) {
  SourceLoc at = LocOf(outer, value);
  if (!value.isString()) return Status::Error(at, fmt::format("`{}` must be a JSON object or a string", what));
  const std::string& t = outer.text();
  size_t begin = static_cast<size_t>(value.getOffsetStart());
  size_t end = static_cast<size_t>(value.getOffsetLimit());
  if (begin >= end || end > t.size() || t[begin] != '"')
    return Status::Error(at, fmt::format("`{}` is not a string literal", what));
  Mapped text = UnescapeLiteral(t, begin, end);
  size_t first = text.text.find_first_not_of(" \t\r\n");
  bool url_encoded = first == std::string::npos || (text.text[first] != '{' && text.text[first] != '[');
  if (url_encoded) {
    size_t bad = std::string::npos;
    Mapped decoded = PercentDecode(text, &bad);
    if (bad != std::string::npos)
      return Status::Error(outer.LocAt(text.offsets[bad]), fmt::format("invalid percent-encoding in `{}`", what));
    text = std::move(decoded);
  }
  auto locator = std::make_unique<EmbeddedLocator>(outer, std::move(text.text), std::move(text.offsets));
  const SourceText& inner = locator->inner();
  Status utf8 = ValidateUtf8(inner);
  if (!utf8.ok()) return Status::Error(locator->Map(utf8.loc()), fmt::format("{} in `{}`", utf8.message(), what));
  if (!LooksLikeJson(inner.text()))
    return Status::Error(locator->At(0), fmt::format("`{}` does not hold a JSON document", what));
  auto parsed = ParseJson(inner, limits);
  if (!parsed.ok()) {
    std::string message = parsed.status().message();
    const std::string prefix = "invalid JSON: ";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    return Status::Error(locator->Map(parsed.status().loc()), fmt::format("invalid JSON in `{}`: {}", what, message));
  }
  EmbeddedJson out;
  out.root = std::make_unique<Json::Value>(std::move(*parsed));
  out.url_encoded = url_encoded;
  for (const DuplicateKey& d : FindDuplicateKeys(inner)) {
    out.duplicates.push_back(
        {LoweringNote::Kind::kDuplicateKey, locator->At(d.offset),
         fmt::format("key `{}` appears again later in the same object; IAM keeps only the last one", d.key), d.key,
         d.path});
  }
  out.locator = std::move(locator);
  return out;
}

}  // namespace trustcheck
