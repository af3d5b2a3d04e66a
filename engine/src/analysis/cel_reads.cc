// What CEL expression nodes read (see cel_reads.h).

#include "analysis/cel_reads.h"

#include <algorithm>
#include <variant>

#include "cel/trust_expr.h"

namespace trustcheck::analysis {

namespace {

// The object keys of a constant path up to its first list index (a claim
// read through an index reads the whole list).
std::vector<std::string> ClaimKeys(const cel::Path& path) {
  std::vector<std::string> keys;
  for (const cel::Path::Step& step : path.steps) {
    const std::string* key = std::get_if<std::string>(&step);
    if (!key) break;
    keys.push_back(*key);
  }
  return keys;
}

struct Walker {
  ExprReads* out;
  bool uses_mapped = false;  // reads `attribute` or `google`

  void Add(std::vector<std::string> keys) {
    if (keys.empty()) {
      out->constant_paths = false;  // the whole `assertion`
      return;
    }
    if (std::find(out->claims.begin(), out->claims.end(), keys) == out->claims.end()) out->claims.push_back(keys);
  }

  void Walk(const cel::Expr& e) {
    if (e.kind() == cel::ExprKind::kHas && e.num_children() == 1) {
      if (auto p = cel::AsPath(e.child(0)); p && p->root == "assertion") {
        std::vector<std::string> keys = ClaimKeys(*p);
        if (keys.size() == p->steps.size()) keys.push_back(e.name());
        Add(keys);
        return;
      }
    }
    if (e.kind() == cel::ExprKind::kSelect || e.kind() == cel::ExprKind::kIndex ||
        e.kind() == cel::ExprKind::kIdent) {
      if (auto p = cel::AsPath(e)) {
        if (p->root == "assertion") Add(ClaimKeys(*p));
        if (p->root == "attribute" || p->root == "google") uses_mapped = true;
        if (p->root == "assertion" || p->root == "attribute" || p->root == "google") return;
      }
    }
    if (e.kind() == cel::ExprKind::kIdent && e.name() == "assertion") out->constant_paths = false;
    if (e.kind() == cel::ExprKind::kIdent && (e.name() == "attribute" || e.name() == "google")) uses_mapped = true;
    if (e.kind() == cel::ExprKind::kLiteral && e.literal().type() == cel::Type::kString)
      out->literals.push_back(e.literal().string_value());
    if (e.kind() == cel::ExprKind::kCall && e.function() == cel::Function::kMatches && e.num_children() == 2 &&
        e.child(1).kind() == cel::ExprKind::kLiteral && e.child(1).literal().type() == cel::Type::kString)
      out->regexes.push_back(e.child(1).literal().string_value());
    for (size_t i = 0; i < e.num_children(); ++i) Walk(e.child(i));
  }
};

std::string MappingFingerprint(const cel::AttributeMapping* mapping) {
  if (!mapping) return "(none)";
  std::string out;
  for (const auto& entry : mapping->entries) out += entry.key + "=" + (entry.expr ? entry.expr->Dump() : "?") + ";";
  return out;
}

}  // namespace

ExprReads InspectExpr(const Node& node) {
  ExprReads out;
  const auto* cel = dynamic_cast<const CelExpr*>(node.expr().get());
  const auto* mapping = static_cast<const cel::AttributeMapping*>(node.expr_context().get());
  if (!cel) {
    out.constant_paths = false;
    out.fingerprint = "cel:empty";
    return out;
  }
  Walker walker{&out};
  auto walk_mapping = [&] {
    if (!mapping) return;
    for (const auto& entry : mapping->entries)
      if (entry.expr) walker.Walk(*entry.expr);
  };
  if (cel->check == CelExpr::Check::kMapping) {
    out.is_mapping = true;
    out.fingerprint = "cel-mapping:" + MappingFingerprint(mapping);
    walk_mapping();
    out.exact_mapping = mapping != nullptr && out.constant_paths;
    for (const auto& entry : mapping ? mapping->entries : std::vector<cel::AttributeMapping::Entry>{}) {
      auto p = entry.expr ? cel::AsPath(*entry.expr) : std::nullopt;
      bool plain = p && p->root == "assertion" && !p->steps.empty() && ClaimKeys(*p).size() == p->steps.size();
      if (!plain) out.exact_mapping = false;
      else if (entry.key == "google.subject") out.subject = ClaimKeys(*p);
    }
    if (out.subject.empty()) out.exact_mapping = false;
    return out;
  }
  if (!cel->expr) {
    out.constant_paths = false;
    out.fingerprint = "cel:empty";
    return out;
  }
  walker.Walk(*cel->expr);
  // `attribute` and `google` exist only when the mapping evaluates: the
  // mapping's claims are read too.
  if (walker.uses_mapped) walk_mapping();
  out.fingerprint = "cel-condition:" + cel->expr->Dump() + (walker.uses_mapped ? "|" + MappingFingerprint(mapping) : "");
  return out;
}

}  // namespace trustcheck::analysis
