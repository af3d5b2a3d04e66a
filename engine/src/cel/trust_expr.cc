// CEL expression nodes of the trust AST: binding the GCP variables and
// evaluating kExpr nodes (see cel/trust_expr.h).

#include "cel/trust_expr.h"

#include <fmt/format.h>
#include <json/json.h>

#include "cel/internal.h"

namespace trustcheck::cel {
namespace {

constexpr std::string_view kSubjectKey = "google.subject";

// The bytes a mapped value takes toward Google's 8 KiB total: strings by
// their length, lists by their elements, anything else by its literal text.
size_t MappedBytes(const Value& v) {
  switch (v.type()) {
    case Type::kString: return v.string_value().size();
    case Type::kList: {
      size_t total = 0;
      for (const Value& e : v.list_value()) total += MappedBytes(e);
      return total;
    }
    default: return v.DebugString().size();
  }
}

// google.subject must be a string of at most 127 bytes (REST reference,
// WorkloadIdentityPoolProvider.attributeMapping).
std::optional<std::string> SubjectProblem(const Value& subject) {
  if (subject.type() != Type::kString) {
    return fmt::format("attribute mapping `google.subject` gives a {}, not a string", TypeName(subject.type()));
  }
  size_t bytes = subject.string_value().size();
  if (bytes > kMaxSubjectBytes) {
    return fmt::format("`google.subject` is {} bytes long, more than the limit of {}", bytes, kMaxSubjectBytes);
  }
  return std::nullopt;
}

}  // namespace

Activation BindGcpVariables(const Json::Value& claims, const AttributeMapping* mapping, Value* failure) {
  *failure = Value::Null();
  auto fail = [&](const SourceLoc& loc, std::string message) {
    if (!failure->is_error()) *failure = Value::Error(loc, std::move(message));
  };
  Value assertion = Value::FromJson(claims);
  Activation vars;
  vars.Bind("assertion", assertion);
  MapValue google;
  MapValue attribute;
  if (mapping != nullptr) {
    Activation mapping_vars;
    mapping_vars.Bind("assertion", assertion);
    bool has_subject = false;
    size_t total = 0;
    for (const AttributeMapping::Entry& entry : mapping->entries) {
      Value v = Eval(*entry.expr, mapping_vars);
      if (v.is_error()) {
        fail(v.error_loc(), fmt::format("attribute mapping `{}` fails: {}", entry.key, v.error_message()));
        continue;
      }
      if (entry.key == kSubjectKey) {
        has_subject = true;
        if (auto problem = SubjectProblem(v)) fail(entry.loc, *problem);
      }
      total += MappedBytes(v);
      size_t dot = entry.key.find('.');
      std::string prefix = entry.key.substr(0, dot);
      std::string name = dot == std::string::npos ? "" : entry.key.substr(dot + 1);
      if (prefix == "google") {
        google.Insert(Value::String(name), std::move(v));
      } else if (prefix == "attribute") {
        attribute.Insert(Value::String(name), std::move(v));
      }
    }
    SourceLoc first = mapping->entries.empty() ? SourceLoc{} : mapping->entries.front().loc;
    if (!has_subject) fail(first, "attribute mapping has no `google.subject`");
    if (total > kMaxMappedBytes) {
      fail(first, fmt::format("mapped attributes take {} bytes, more than the limit of {}", total, kMaxMappedBytes));
    }
  }
  vars.Bind("google", Value::Map(std::move(google)));
  vars.Bind("attribute", Value::Map(std::move(attribute)));
  return vars;
}

Tri EvaluateCelNode(const Node& node, const Claims& claims, std::vector<Reason>* reasons) {
  auto reason = [&](const SourceLoc& loc, std::string message) {
    if (reasons) reasons->push_back({loc, std::move(message)});
  };
  const auto* cel = dynamic_cast<const CelExpr*>(node.expr().get());
  if (cel == nullptr) {
    reason(node.loc, "expression node without an expression");
    return Tri::kUnknown;
  }
  const auto* mapping = static_cast<const AttributeMapping*>(node.expr_context().get());
  Value failure;
  Activation vars = BindGcpVariables(claims.root(), mapping, &failure);
  if (cel->check == CelExpr::Check::kMapping) {
    if (!failure.is_error()) return Tri::kTrue;
    reason(failure.error_loc(), failure.error_message());
    return Tri::kFalse;
  }
  if (!cel->expr) {
    reason(node.loc, "expression node without an expression");
    return Tri::kUnknown;
  }
  const Expr& expr = *cel->expr;
  Value v = Eval(expr, vars);
  std::string text = internal::Sanitize(expr.text());
  if (v.type() == Type::kBool) {
    if (!v.bool_value()) reason(node.loc, fmt::format("condition `{}` is false", text));
    return v.bool_value() ? Tri::kTrue : Tri::kFalse;
  }
  if (v.is_error()) {
    reason(v.error_loc(), fmt::format("condition `{}` fails: {}", text, v.error_message()));
  } else {
    reason(node.loc, fmt::format("condition `{}` gives a {}, not a bool", text, TypeName(v.type())));
  }
  return Tri::kUnknown;
}

}  // namespace trustcheck::cel

namespace trustcheck {

Tri CelExpr::Evaluate(const Node& node, const Claims& claims, std::vector<Reason>* reasons) const {
  return cel::EvaluateCelNode(node, claims, reasons);
}

}  // namespace trustcheck
