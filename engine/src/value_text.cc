#include "value_text.h"

#include <fmt/format.h>

#include <cmath>
#include <regex>

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

std::optional<double> ParseDecimal(std::string_view text) {
  static const std::regex kNumber(R"(\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*)");
  std::string s(text);
  if (s.empty() || s.size() > 64 || !std::regex_match(s, kNumber)) return std::nullopt;
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
