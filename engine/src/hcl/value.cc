// The HCL value model: immutable shared values with explicit unknowns.

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "hcl/hcl.h"

namespace trustcheck::hcl {
namespace {

uint32_t SaturatingAdd(uint32_t a, uint32_t b) {
  return a > std::numeric_limits<uint32_t>::max() - b ? std::numeric_limits<uint32_t>::max() : a + b;
}

// Unknowns at or below `v` (itself included).
uint32_t UnknownCount(const Value& v) { return v.is_unknown() ? 1 : (v.wholly_known() ? 0 : 1); }

const std::vector<Value::Piece>& NoPieces() {
  static const std::vector<Value::Piece> kNone;
  return kNone;
}

void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      // Terraform's encoder (Go encoding/json) escapes these for HTML safety.
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
          out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Appends the JSON of `v`; stops (returning false) once `out` exceeds max.
bool Encode(const Value& v, std::string& out, size_t max) {
  if (out.size() > max) return false;
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; break;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Value::Kind::kNumber: out += FormatNumber(v.as_number()); break;
    case Value::Kind::kString: AppendJsonString(v.as_string(), out); break;
    case Value::Kind::kTuple: {
      out += '[';
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out += ',';
        first = false;
        if (!Encode(item, out, max)) return false;
      }
      out += ']';
      break;
    }
    case Value::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.fields()) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(key, out);
        out += ':';
        if (!Encode(item, out, max)) return false;
      }
      out += '}';
      break;
    }
    case Value::Kind::kUnknown: out += "null"; break;  // callers encode wholly known values only
  }
  return out.size() <= max;
}

void Debug(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kString: AppendJsonString(v.as_string(), out); break;
    case Value::Kind::kTuple: {
      out += '[';
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out += ", ";
        first = false;
        Debug(item, out);
      }
      out += ']';
      break;
    }
    case Value::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.fields()) {
        if (!first) out += ", ";
        first = false;
        AppendJsonString(key, out);
        out += " = ";
        Debug(item, out);
      }
      out += '}';
      break;
    }
    case Value::Kind::kUnknown: out += "(unknown: " + v.unknown_reason() + ")"; break;
    default: Encode(v, out, std::string::npos);
  }
}

}  // namespace

Value Value::Null(SourceLoc loc) {
  Value v;
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Bool(bool value, SourceLoc loc) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = value;
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Number(double value, SourceLoc loc) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.number_ = value;
  v.loc_ = std::move(loc);
  return v;
}

Value Value::String(std::string value, SourceLoc loc) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::make_shared<const std::string>(std::move(value));
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Tuple(Items items, SourceLoc loc) {
  Value v;
  v.kind_ = Kind::kTuple;
  for (const Value& item : items) {
    v.size_ = SaturatingAdd(v.size_, item.size_);
    v.unknowns_inside_ = SaturatingAdd(v.unknowns_inside_, UnknownCount(item));
  }
  v.items_ = std::make_shared<const Items>(std::move(items));
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Object(Fields fields, SourceLoc loc) {
  Value v;
  v.kind_ = Kind::kObject;
  for (const auto& [key, item] : fields) {
    v.size_ = SaturatingAdd(v.size_, item.size_);
    v.unknowns_inside_ = SaturatingAdd(v.unknowns_inside_, UnknownCount(item));
  }
  v.fields_ = std::make_shared<const Fields>(std::move(fields));
  v.loc_ = std::move(loc);
  return v;
}

Value Value::Unknown(std::string reason, SourceLoc loc) {
  Value v;
  v.kind_ = Kind::kUnknown;
  v.text_ = std::make_shared<const std::string>(std::move(reason));
  v.loc_ = std::move(loc);
  return v;
}

std::string Value::FirstUnknownReason() const {
  if (is_unknown()) return unknown_reason();
  if (wholly_known()) return {};
  if (is_tuple()) {
    for (const Value& item : items()) {
      if (!item.wholly_known()) return item.FirstUnknownReason();
    }
  } else if (is_object()) {
    for (const auto& [key, item] : fields()) {
      if (!item.wholly_known()) return item.FirstUnknownReason();
    }
  }
  return {};
}

const Value* Value::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  auto it = fields_->find(key);
  return it == fields_->end() ? nullptr : &it->second;
}

Value Value::WithLoc(SourceLoc loc) const {
  Value v = *this;
  v.loc_ = std::move(loc);
  return v;
}

const std::vector<Value::Piece>& Value::pieces() const { return pieces_ ? *pieces_ : NoPieces(); }

Value Value::WithPieces(std::vector<Piece> pieces) const {
  Value v = *this;
  v.pieces_ = std::make_shared<const std::vector<Piece>>(std::move(pieces));
  return v;
}

Value Value::WithEncodedFrom(Value source) const {
  Value v = *this;
  v.encoded_from_ = std::make_shared<const Value>(std::move(source));
  return v;
}

bool Value::Equals(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kNull: return true;
    case Kind::kBool: return bool_ == other.bool_;
    case Kind::kNumber: return number_ == other.number_;
    case Kind::kString: return *text_ == *other.text_;
    case Kind::kTuple: {
      if (items_->size() != other.items_->size()) return false;
      for (size_t i = 0; i < items_->size(); ++i) {
        if (!(*items_)[i].Equals((*other.items_)[i])) return false;
      }
      return true;
    }
    case Kind::kObject: {
      if (fields_->size() != other.fields_->size()) return false;
      auto a = fields_->begin();
      auto b = other.fields_->begin();
      for (; a != fields_->end(); ++a, ++b) {
        if (a->first != b->first || !a->second.Equals(b->second)) return false;
      }
      return true;
    }
    case Kind::kUnknown: return false;
  }
  return false;
}

std::string FormatNumber(double value) {
  if (value == 0) return "0";  // also -0
  if (std::trunc(value) == value && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : fmt::format("{}", value);
}

std::string EncodeJson(const Value& value) {
  std::string out;
  Encode(value, out, std::string::npos);
  return out;
}

std::optional<std::string> EncodeJson(const Value& value, size_t max_bytes) {
  std::string out;
  if (!Encode(value, out, max_bytes)) return std::nullopt;
  return out;
}

std::string DebugString(const Value& value) {
  std::string out;
  Debug(value, out);
  return out;
}

}  // namespace trustcheck::hcl
