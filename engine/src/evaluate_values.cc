#include "evaluate_values.h"

#include <fmt/format.h>

#include "text/ascii.h"
#include "value_text.h"

namespace trustcheck::eval {

namespace {

// A JSON pointer whose last reference token names an object member ASCII
// case-insensitively (an exact match first).
const Json::Value* FindPointerFoldingLast(const Claims& claims, std::string_view pointer) {
  size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return nullptr;
  const Json::Value* parent = claims.FindPointer(pointer.substr(0, slash));
  if (!parent || !parent->isObject()) return nullptr;
  std::string token;
  std::string_view raw = pointer.substr(slash + 1);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      token += raw[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      token += raw[i];
    }
  }
  if (const Json::Value* exact = parent->find(token.data(), token.data() + token.size())) return exact;
  for (const std::string& member : parent->getMemberNames())
    if (EqualsIgnoringAsciiCase(member, token)) return &(*parent)[member];
  return nullptr;
}


// The single value an AWS policy variable stands for, or nullopt when the
// key is absent, holds several values (a set key, or a list of two or more),
// or is empty: IAM calls an empty string a null value, and the reference
// simulator treats an empty value (and an empty default) as no value.
std::optional<std::string> VariableValue(const Operand::Segment& s, const Context& ctx) {
  std::optional<std::string> value;
  if (const Json::Value* v = Lookup(s.ref, ctx.claims)) {
    if (s.ref.source == ValueRef::Source::kMemberNames) {
      // A set of tag keys is never a single value.
    } else if (v->isArray()) {
      if (v->size() == 1 && !s.ref.multi_valued) value = IamText((*v)[0]);
    } else if (!v->isObject()) {
      value = IamText(*v);
    }
  }
  if (value && value->empty()) value.reset();
  if (!value && s.has_default && !s.default_value.empty()) value = s.default_value;
  return value;
}


}  // namespace

const Json::Value* Lookup(const ValueRef& ref, const Claims& claims) {
  if (!ref.visible) return nullptr;
  if (!ref.issuer_prefix.empty() && claims.aws_key_prefix() != ref.issuer_prefix) return nullptr;
  for (const std::string& name : ref.names) {
    const Json::Value* v = nullptr;
    switch (ref.source) {
      case ValueRef::Source::kPointer:
      case ValueRef::Source::kMemberNames:
        v = ref.fold_last_token ? FindPointerFoldingLast(claims, name) : claims.FindPointer(name);
        break;
      default: v = claims.Find(name); break;
    }
    if (v && !v->isNull()) return v;
  }
  return nullptr;
}

std::optional<Values> Extract(const Test& test, const Context& ctx) {
  Values out;
  if (test.ref.source == ValueRef::Source::kAction) {
    out.texts.emplace_back(ctx.action);
    return out;
  }
  const Json::Value* v = Lookup(test.ref, ctx.claims);
  if (!v) return std::nullopt;
  if (test.ref.source == ValueRef::Source::kMemberNames) {
    if (!v->isObject()) return std::nullopt;
    out.from_list = true;
    out.texts = v->getMemberNames();
    return out;
  }
  if (test.typing == ValueTyping::kJson) {
    if (v->isObject()) return std::nullopt;
    if (v->isArray()) {
      out.from_list = true;
      for (const Json::Value& e : *v) out.jsons.push_back(&e);
    } else {
      out.jsons.push_back(v);
    }
    return out;
  }
  if (v->isObject()) return std::nullopt;
  if (v->isArray()) {
    out.from_list = true;
    for (const Json::Value& e : *v)
      if (auto t = IamText(e)) out.texts.push_back(std::move(*t));
    return out;
  }
  if (auto t = IamText(*v)) out.texts.push_back(std::move(*t));
  else return std::nullopt;
  return out;
}


std::optional<std::string> Substitute(const Operand& op, const Context& ctx, bool escape) {
  std::string out;
  for (const Operand::Segment& s : op.segments) {
    if (!s.is_variable) {
      out += s.text;
      continue;
    }
    std::optional<std::string> value = VariableValue(s, ctx);
    if (!value) return std::nullopt;
    if (!escape) {
      out += *value;
      continue;
    }
    for (char c : *value) {
      if (c == '*' || c == '?' || c == '$') out += fmt::format("${{{}}}", c);
      else out += c;
    }
  }
  return out;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoringAsciiCase(text, "true")) return true;
  if (EqualsIgnoringAsciiCase(text, "false")) return false;
  return std::nullopt;
}

}  // namespace trustcheck::eval
