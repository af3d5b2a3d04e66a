#include "value_text.h"

#include <fmt/format.h>

#include <cmath>

#include "trustcheck/claims.h"

namespace trustcheck {

std::optional<std::string> IamText(const Json::Value& v) {
  if (v.isString()) return v.asString();
  if (v.isBool()) return std::string(v.asBool() ? "true" : "false");
  if (v.isInt64()) return std::to_string(v.asInt64());
  if (v.isUInt64()) return std::to_string(v.asUInt64());
  if (v.isDouble()) return fmt::format("{}", v.asDouble());
  return std::nullopt;
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*`, checked by hand (std::regex
// costs microseconds per call, and numeric conditions compare every value).
bool IsDecimalText(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i - start;
  };
  while (i < s.size() && IsSpace(s[i])) ++i;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (digits() > 0) {
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  } else {
    if (i >= s.size() || s[i] != '.') return false;
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t mark = i++;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) i = mark;  // not an exponent: the trailing check below refuses it
  }
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i == s.size();
}

}  // namespace

std::optional<double> ParseDecimal(std::string_view text) {
  std::string s(text);
  if (s.empty() || s.size() > 64 || !IsDecimalText(s)) return std::nullopt;
  double v = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseIsoOrEpoch(std::string_view text) {
  std::string s(text);
  if (s.empty() || s.size() > 64) return std::nullopt;
  auto t = ParseTime(s);
  if (t.ok()) return *t;
  // A date-time without a zone: UTC.
  if (s.size() >= 19 && (s[10] == 'T' || s[10] == 't') && s.find_first_of("Zz+", 19) == std::string::npos &&
      s.find('-', 19) == std::string::npos) {
    t = ParseTime(s + "Z");
    if (t.ok()) return *t;
  }
  return std::nullopt;
}

std::optional<int64_t> ParseIsoOrEpochMillis(std::string_view text) {
  auto seconds = ParseIsoOrEpoch(text);
  if (!seconds) return std::nullopt;
  int64_t millis = 0;
  // `YYYY-MM-DDTHH:MM:SS.fff...`: the first three digits of the fraction.
  if (text.size() > 20 && text[19] == '.') {
    int64_t scale = 100;
    for (size_t i = 20; i < text.size() && i < 23 && text[i] >= '0' && text[i] <= '9'; ++i, scale /= 10)
      millis += (text[i] - '0') * scale;
  }
  return *seconds * 1000 + millis;
}

bool TypedEquals(const Json::Value& a, const Json::Value& b) {
  if (a.isString() || b.isString()) return a.isString() && b.isString() && a.asString() == b.asString();
  if (a.isBool() || b.isBool()) return a.isBool() && b.isBool() && a.asBool() == b.asBool();
  if (a.isNumeric() && b.isNumeric()) {
    if (a.isIntegral() && b.isIntegral()) {
      if (a.isInt64() && b.isInt64()) return a.asInt64() == b.asInt64();
      if (a.isUInt64() && b.isUInt64()) return a.asUInt64() == b.asUInt64();
      return false;
    }
    return a.asDouble() == b.asDouble();
  }
  if (a.isNull() && b.isNull()) return true;
  return false;
}

std::string CompactJson(const Json::Value& value) {
  Json::StreamWriterBuilder b;
  b["indentation"] = "";
  b["emitUTF8"] = true;
  return Json::writeString(b, value);
}

}  // namespace trustcheck
