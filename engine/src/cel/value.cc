// CEL values, equality, maps, the activation and the text helpers shared by
// the parser and the evaluator.

#include <json/json.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "cel/cel.h"
#include "cel/internal.h"

namespace trustcheck::cel {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull: return "null_type";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kUint: return "uint";
    case Type::kDouble: return "double";
    case Type::kString: return "string";
    case Type::kBytes: return "bytes";
    case Type::kList: return "list";
    case Type::kMap: return "map";
    case Type::kError: return "error";
  }
  return "unknown";
}

Value Value::Bool(bool b) {
  Value v;
  v.rep_.emplace<1>(b);
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.rep_.emplace<2>(i);
  return v;
}
Value Value::Uint(uint64_t u) {
  Value v;
  v.rep_.emplace<3>(u);
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.rep_.emplace<4>(d);
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.rep_.emplace<5>(std::make_shared<const std::string>(std::move(s)));
  return v;
}
Value Value::Bytes(std::string b) {
  Value v;
  v.rep_.emplace<6>(std::make_shared<const std::string>(std::move(b)));
  return v;
}
Value Value::List(std::vector<Value> elements) {
  Value v;
  v.rep_.emplace<7>(std::make_shared<const std::vector<Value>>(std::move(elements)));
  return v;
}
Value Value::Map(MapValue map) {
  Value v;
  v.rep_.emplace<8>(std::make_shared<const MapValue>(std::move(map)));
  return v;
}
Value Value::Error(SourceLoc loc, std::string message) {
  Value v;
  v.rep_.emplace<9>(std::make_shared<const ErrorDetail>(ErrorDetail{std::move(loc), std::move(message)}));
  return v;
}

namespace {

constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

Value NumberFromJson(const Json::Value& json) {
  if (json.isInt64()) {
    if (json.type() != Json::realValue) return Value::Int(json.asInt64());
    double d = json.asDouble();
    if (std::trunc(d) == d && d >= -kTwoTo63 && d < kTwoTo63) return Value::Int(static_cast<int64_t>(d));
    return Value::Double(d);
  }
  if (json.type() == Json::uintValue) return Value::Uint(json.asUInt64());
  return Value::Double(json.asDouble());
}

}  // namespace

Value Value::FromJson(const Json::Value& json) {
  switch (json.type()) {
    case Json::nullValue:
      return Null();
    case Json::booleanValue:
      return Bool(json.asBool());
    case Json::intValue:
    case Json::uintValue:
    case Json::realValue:
      return NumberFromJson(json);
    case Json::stringValue:
      return String(json.asString());
    case Json::arrayValue: {
      std::vector<Value> elements;
      elements.reserve(json.size());
      for (const Json::Value& element : json) elements.push_back(FromJson(element));
      return List(std::move(elements));
    }
    case Json::objectValue: {
      MapValue map;
      for (auto it = json.begin(); it != json.end(); ++it) map.Insert(String(it.name()), FromJson(*it));
      return Map(std::move(map));
    }
  }
  return Null();
}

std::string Value::DebugString() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBool: return bool_value() ? "true" : "false";
    case Type::kInt: return std::to_string(int_value());
    case Type::kUint: return std::to_string(uint_value()) + "u";
    case Type::kDouble: return internal::DoubleLiteral(double_value());
    case Type::kString: return internal::QuoteString(string_value());
    case Type::kBytes: return "b" + internal::QuoteString(bytes_value());
    case Type::kList: {
      std::string out = "[";
      for (size_t i = 0; i < list_value().size(); ++i) {
        if (i) out += ", ";
        out += list_value()[i].DebugString();
      }
      return out + "]";
    }
    case Type::kMap: {
      std::string out = "{";
      bool first = true;
      map_value().ForEach([&](const Value& k, const Value& v) {
        if (!first) out += ", ";
        first = false;
        out += k.DebugString() + ": " + v.DebugString();
        return true;
      });
      return out + "}";
    }
    case Type::kError: return "error(" + error_message() + ")";
  }
  return "";
}

// ---------------------------------------------------------------------------
// Equality and numeric comparison

namespace internal {
namespace {

int Sign(bool less, bool greater) { return less ? -1 : (greater ? 1 : 0); }

// Compares an int64 with a finite-or-infinite, non-NaN double exactly.
int CompareIntDouble(int64_t i, double d) {
  if (d >= kTwoTo63) return -1;
  if (d < -kTwoTo63) return 1;
  double t = std::trunc(d);
  int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return Sign(i < ti, i > ti);
  return Sign(d > t, d < t);
}

int CompareUintDouble(uint64_t u, double d) {
  if (d >= kTwoTo64) return -1;
  if (d < 0) return 1;
  double t = std::trunc(d);
  uint64_t tu = static_cast<uint64_t>(t);
  if (u != tu) return Sign(u < tu, u > tu);
  return Sign(d > t, d < t);
}

int CompareIntUint(int64_t i, uint64_t u) {
  if (i < 0) return -1;
  uint64_t iu = static_cast<uint64_t>(i);
  return Sign(iu < u, iu > u);
}

}  // namespace

std::optional<int> CompareNumbers(const Value& a, const Value& b) {
  Type ta = a.type(), tb = b.type();
  if (!IsNumber(ta) || !IsNumber(tb)) return std::nullopt;
  if ((ta == Type::kDouble && std::isnan(a.double_value())) ||
      (tb == Type::kDouble && std::isnan(b.double_value()))) {
    return std::nullopt;
  }
  switch (ta) {
    case Type::kInt:
      if (tb == Type::kInt) return Sign(a.int_value() < b.int_value(), a.int_value() > b.int_value());
      if (tb == Type::kUint) return CompareIntUint(a.int_value(), b.uint_value());
      return CompareIntDouble(a.int_value(), b.double_value());
    case Type::kUint:
      if (tb == Type::kUint) return Sign(a.uint_value() < b.uint_value(), a.uint_value() > b.uint_value());
      if (tb == Type::kInt) return -CompareIntUint(b.int_value(), a.uint_value());
      return CompareUintDouble(a.uint_value(), b.double_value());
    default:
      if (tb == Type::kDouble) {
        return Sign(a.double_value() < b.double_value(), a.double_value() > b.double_value());
      }
      if (tb == Type::kInt) return -CompareIntDouble(b.int_value(), a.double_value());
      return -CompareUintDouble(b.uint_value(), a.double_value());
  }
}

}  // namespace internal

bool Equal(const Value& a, const Value& b) {
  if (internal::IsNumber(a.type()) && internal::IsNumber(b.type())) {
    std::optional<int> c = internal::CompareNumbers(a, b);
    return c.has_value() && *c == 0;
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Type::kNull: return true;
    case Type::kBool: return a.bool_value() == b.bool_value();
    case Type::kString: return a.string_value() == b.string_value();
    case Type::kBytes: return a.bytes_value() == b.bytes_value();
    case Type::kList: {
      const auto& x = a.list_value();
      const auto& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!Equal(x[i], y[i])) return false;
      }
      return true;
    }
    case Type::kMap: {
      const MapValue& x = a.map_value();
      const MapValue& y = b.map_value();
      if (x.size() != y.size()) return false;
      bool equal = true;
      x.ForEach([&](const Value& key, const Value& value) {
        const Value* other = y.Find(key);
        equal = other != nullptr && Equal(value, *other);
        return equal;
      });
      return equal;
    }
    default:
      return false;  // numbers handled above; errors equal nothing
  }
}

// ---------------------------------------------------------------------------
// Maps

bool MapValue::Insert(Value key, Value value) {
  switch (key.type()) {
    case Type::kString:
      return strings_.emplace(key.string_value(), std::move(value)).second;
    case Type::kInt:
    case Type::kUint:
    case Type::kBool:
      if (Find(key) != nullptr) return false;
      others_.emplace_back(std::move(key), std::move(value));
      return true;
    default:
      return false;
  }
}

const Value* MapValue::Find(std::string_view key) const {
  auto it = strings_.find(key);
  return it == strings_.end() ? nullptr : &it->second;
}

const Value* MapValue::Find(const Value& key) const {
  if (key.type() == Type::kString) return Find(std::string_view(key.string_value()));
  bool numeric = internal::IsNumber(key.type());
  if (!numeric && key.type() != Type::kBool) return nullptr;
  for (const auto& [k, v] : others_) {
    if (numeric ? internal::IsNumber(k.type()) && Equal(k, key)
                : k.type() == Type::kBool && k.bool_value() == key.bool_value()) {
      return &v;
    }
  }
  return nullptr;
}

void MapValue::ForEach(const std::function<bool(const Value&, const Value&)>& f) const {
  for (const auto& [k, v] : strings_) {
    if (!f(Value::String(k), v)) return;
  }
  for (const auto& [k, v] : others_) {
    if (!f(k, v)) return;
  }
}

// ---------------------------------------------------------------------------
// Activation

void Activation::Bind(std::string name, Value value) {
  for (auto& [n, v] : vars_) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  vars_.emplace_back(std::move(name), std::move(value));
}

const Value* Activation::Find(std::string_view name) const {
  for (const auto& [n, v] : vars_) {
    if (n == name) return &v;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Text helpers

namespace internal {
namespace {

// The length of the well-formed UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

void AppendHexByte(std::string& out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t CodePointCount(std::string_view s) {
  size_t count = 0;
  for (char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string Sanitize(std::string_view text, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = Utf8SequenceLength(text, i);
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    if (c == '`') {
      out += "\\`";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7F) {
      AppendHexByte(out, c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = Utf8SequenceLength(s, i);
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          AppendHexByte(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

std::string DoubleLiteral(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string out(buf, end);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string DoubleToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  // Shortest round-trip digits and decimal exponent, then Go's %g layout:
  // exponent form when the exponent is below -4 or at least 6.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exponent = std::stoi(sci.substr(e + 1));
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
  }
  if (exponent < 0) return out + "0." + std::string(-exponent - 1, '0') + digits;
  if (digits.size() <= static_cast<size_t>(exponent) + 1) {
    return out + digits + std::string(exponent + 1 - digits.size(), '0');
  }
  return out + digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
}

}  // namespace internal
}  // namespace trustcheck::cel
