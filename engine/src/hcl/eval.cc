// The HCL evaluator: Expr -> Value with explicit unknowns, over one module.

#include <fmt/format.h>
#include <json/json.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "hcl/hcl.h"

namespace trustcheck::hcl {

// Evaluations nested deeper than this (expression depth plus chains of
// locals) become unknown rather than risk the stack.
constexpr int kMaxEvalDepth = 200;
// Terraform's own bound on `range()`.
constexpr double kMaxRange = 1024;
// Template pieces kept apart before further known text is merged.
constexpr size_t kMaxPieces = 1024;

#define HCL_CONCAT_INNER(a, b) a##b
#define HCL_CONCAT(a, b) HCL_CONCAT_INNER(a, b)
#define HCL_ASSIGN_OR_RETURN(lhs, rexpr)                          \
  auto HCL_CONCAT(result_, __LINE__) = (rexpr);                   \
  if (!HCL_CONCAT(result_, __LINE__).ok()) {                      \
    return HCL_CONCAT(result_, __LINE__).status();                \
  }                                                               \
  lhs = std::move(HCL_CONCAT(result_, __LINE__)).value()

namespace {

std::string TypeName(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return "a bool";
    case Value::Kind::kNumber: return "a number";
    case Value::Kind::kString: return "a string";
    case Value::Kind::kTuple: return "a tuple";
    case Value::Kind::kObject: return "an object";
    case Value::Kind::kUnknown: return "an unknown value";
  }
  return "a value";
}

// The text of a scalar as Terraform converts it to a string.
std::optional<std::string> ScalarText(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return FormatNumber(v.as_number());
  if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
  return std::nullopt;
}

std::optional<double> ParseNumber(std::string_view s) {
  double d = 0;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

bool IsInteger(double d) { return std::isfinite(d) && std::trunc(d) == d; }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}


}  // namespace

namespace {

Value DecodeJsonAt(const Json::Value& j, const SourceLoc& loc, int depth) {
  if (depth > kMaxNesting) return Value::Unknown("JSON nests too deeply", loc);
  switch (j.type()) {
    case Json::nullValue: return Value::Null(loc);
    case Json::booleanValue: return Value::Bool(j.asBool(), loc);
    case Json::intValue:
    case Json::uintValue:
    case Json::realValue: return Value::Number(j.asDouble(), loc);
    case Json::stringValue: return Value::String(j.asString(), loc);
    case Json::arrayValue: {
      Value::Items items;
      for (const Json::Value& item : j) items.push_back(DecodeJsonAt(item, loc, depth + 1));
      return Value::Tuple(std::move(items), loc);
    }
    case Json::objectValue: {
      Value::Fields fields;
      for (auto it = j.begin(); it != j.end(); ++it) fields[it.name()] = DecodeJsonAt(*it, loc, depth + 1);
      return Value::Object(std::move(fields), loc);
    }
  }
  return Value::Null(loc);
}

}  // namespace

Value DecodeJson(const Json::Value& json, const SourceLoc& loc) { return DecodeJsonAt(json, loc, 0); }

// ---------------------------------------------------------------------------
// Module, Bindings, ResourceRef
// ---------------------------------------------------------------------------

Status Module::Add(File file) {
  // Check first, index after: a failed Add leaves the module unchanged.
  std::map<std::string, const SourceLoc*, std::less<>> new_variables, new_locals;
  for (const Block& b : file.body.blocks) {
    if (b.type == "variable" && b.labels.size() == 1) {
      const std::string& name = b.labels[0];
      const SourceLoc* earlier = nullptr;
      if (auto it = variables_.find(name); it != variables_.end()) earlier = &it->second->loc;
      if (auto it = new_variables.find(name); it != new_variables.end()) earlier = it->second;
      if (earlier) {
        return Status::Error(b.loc, fmt::format("variable `{}` is already declared at {}", name, earlier->ToString()));
      }
      new_variables[name] = &b.loc;
    } else if (b.type == "locals") {
      for (const Attribute& a : b.body.attributes) {
        const SourceLoc* earlier = nullptr;
        if (auto it = locals_.find(a.name); it != locals_.end()) earlier = &it->second->loc;
        if (auto it = new_locals.find(a.name); it != new_locals.end()) earlier = it->second;
        if (earlier) {
          return Status::Error(a.loc, fmt::format("local `{}` is already defined at {}", a.name, earlier->ToString()));
        }
        new_locals[a.name] = &a.loc;
      }
    }
  }
  files_.push_back(std::move(file));
  for (const Block& b : files_.back().body.blocks) {
    if (b.type == "variable" && b.labels.size() == 1) variables_[b.labels[0]] = &b;
    if (b.type == "locals") {
      for (const Attribute& a : b.body.attributes) locals_[a.name] = &a;
    }
  }
  return Status();
}

const Block* Module::FindVariable(std::string_view name) const {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : it->second;
}

const Attribute* Module::FindLocal(std::string_view name) const {
  auto it = locals_.find(name);
  return it == locals_.end() ? nullptr : it->second;
}

const Value* Bindings::Find(std::string_view name) const {
  for (const Bindings* b = this; b; b = b->parent_) {
    auto it = b->names_.find(name);
    if (it != b->names_.end()) return &it->second;
  }
  return nullptr;
}

std::string ResourceRef::ToString() const {
  std::string out = data ? "data." : "";
  out += type + "." + name;
  if (!attribute.empty()) out += "." + attribute;
  return out;
}

// ---------------------------------------------------------------------------
// The evaluation machine
// ---------------------------------------------------------------------------

class EvalContext {
 public:
  explicit EvalContext(Evaluator& ev) : ev_(ev) {}

  Result<Value> Eval(const Expr& e, const Bindings* b) {
    if (ev_.steps_left_ == 0) return Value::Unknown("evaluation stopped at its step limit", e.loc);
    --ev_.steps_left_;
    if (ev_.depth_ >= kMaxEvalDepth) return Value::Unknown("expression nests too deeply to evaluate", e.loc);
    ++ev_.depth_;
    Result<Value> result = Dispatch(e, b);
    --ev_.depth_;
    return result;
  }

  Result<Value> Variable(std::string_view name, const SourceLoc& use) {
    if (auto it = ev_.options_.variables.find(name); it != ev_.options_.variables.end()) return it->second;
    const Block* block = ev_.module_.FindVariable(name);
    if (!block) return Value::Unknown(fmt::format("`var.{}` is not declared", name), use);
    const Attribute* def = block->body.Find("default");
    if (!def) return Value::Unknown(fmt::format("`var.{}` has no default", name), use);
    return Eval(*def->expr, nullptr);
  }

  Result<Value> Local(std::string_view name, const SourceLoc& use) {
    if (auto it = ev_.local_cache_.find(name); it != ev_.local_cache_.end()) return it->second;
    const Attribute* attr = ev_.module_.FindLocal(name);
    if (!attr) return Value::Unknown(fmt::format("`local.{}` is not defined", name), use);
    auto& stack = ev_.locals_in_progress_;
    if (auto it = std::find(stack.begin(), stack.end(), name); it != stack.end()) {
      std::string chain;
      for (auto p = it; p != stack.end(); ++p) chain += "local." + *p + " -> ";
      chain += "local." + std::string(name);
      return Value::Unknown(fmt::format("`local.{}` depends on itself ({})", name, chain), use);
    }
    stack.emplace_back(name);
    Result<Value> result = Eval(*attr->expr, nullptr);
    stack.pop_back();
    ev_.local_cache_.emplace(std::string(name), result);
    return result;
  }

 private:
  Result<Value> Dispatch(const Expr& e, const Bindings* b) {
    switch (e.kind) {
      case Expr::Kind::kLiteral: return e.literal;
      case Expr::Kind::kTemplate: return EvalTemplate(e, b);
      case Expr::Kind::kTuple: return EvalTuple(e, b);
      case Expr::Kind::kObject: return EvalObject(e, b);
      case Expr::Kind::kScopeTraversal: return EvalScopeTraversal(e, b);
      case Expr::Kind::kRelativeTraversal: {
        HCL_ASSIGN_OR_RETURN(Value source, Eval(*e.source, b));
        return ApplySteps(std::move(source), e.steps, 0, TraversalText(*e.source), b);
      }
      case Expr::Kind::kSplat: return EvalSplat(e, b);
      case Expr::Kind::kCall: return EvalCall(e, b);
      case Expr::Kind::kUnary: return EvalUnary(e, b);
      case Expr::Kind::kBinary: return EvalBinary(e, b);
      case Expr::Kind::kConditional: return EvalConditional(e, b);
      case Expr::Kind::kFor: return EvalFor(e, b);
    }
    return Status::Error(e.loc, "unsupported expression");
  }

  Value TooLarge(const SourceLoc& loc) { return Value::Unknown("value is larger than the evaluation limit", loc); }
  Value Checked(Value v) {
    if (v.size() > ev_.options_.max_value_nodes) return TooLarge(v.loc());
    if (v.is_string() && v.as_string().size() > ev_.options_.max_string_bytes) return TooLarge(v.loc());
    return v;
  }

  // ---- templates ----

  // Converts an interpolated value to its text, or explains why it cannot be.
  Result<std::string> TemplateText(const Value& v, const SourceLoc& loc) {
    if (std::optional<std::string> text = ScalarText(v)) return std::move(*text);
    if (v.is_null()) return Status::Error(loc, "a null value cannot be used in a string template");
    return Status::Error(loc, fmt::format("{} cannot be used in a string template", TypeName(v)));
  }

  // Known text from the same place (a `%{for}` body repeating) or beyond the
  // piece cap joins the piece before it, so pieces stay few.
  static void AddPiece(std::vector<Value::Piece>& out, Value::Piece piece) {
    if (piece.known && !out.empty() && out.back().known &&
        (out.size() >= kMaxPieces || (out.back().loc.file == piece.loc.file && out.back().loc.line == piece.loc.line &&
                                      out.back().loc.column == piece.loc.column))) {
      out.back().text += piece.text;
      return;
    }
    out.push_back(std::move(piece));
  }

  Status EvalParts(const std::vector<TemplatePart>& parts, const Bindings* b, std::vector<Value::Piece>& out,
                   size_t& bytes) {
    for (const TemplatePart& part : parts) {
      switch (part.kind) {
        case TemplatePart::Kind::kLiteral:
          bytes += part.literal.size();
          AddPiece(out, {true, part.literal, part.loc});
          break;
        case TemplatePart::Kind::kInterp: {
          HCL_ASSIGN_OR_RETURN(Value v, Eval(*part.expr, b));
          if (v.is_unknown() && v.pieces().empty()) {
            Value::Piece hole{false, v.unknown_reason(), part.expr->loc};
            if (part.expr->kind == Expr::Kind::kScopeTraversal) hole.written = "${" + TraversalText(*part.expr) + "}";
            AddPiece(out, std::move(hole));
            break;
          }
          if (!v.pieces().empty() && (v.is_string() || v.is_unknown())) {
            // Keep the pieces (and their locations) of an interpolated template.
            for (const Value::Piece& p : v.pieces()) {
              bytes += p.known ? p.text.size() : 0;
              AddPiece(out, p);
            }
            break;
          }
          HCL_ASSIGN_OR_RETURN(std::string text, TemplateText(v, part.expr->loc));
          bytes += text.size();
          AddPiece(out, {true, std::move(text), part.expr->loc});
          break;
        }
        case TemplatePart::Kind::kIf: {
          HCL_ASSIGN_OR_RETURN(Value cond, Eval(*part.expr, b));
          if (cond.is_unknown()) {
            AddPiece(out, {false, cond.unknown_reason(), part.expr->loc});
            break;
          }
          HCL_ASSIGN_OR_RETURN(bool chosen, ToBool(cond, part.expr->loc, "an `if` directive"));
          Status status = EvalParts(chosen ? part.body : part.else_body, b, out, bytes);
          if (!status.ok()) return status;
          break;
        }
        case TemplatePart::Kind::kFor: {
          HCL_ASSIGN_OR_RETURN(Value coll, Eval(*part.expr, b));
          if (coll.is_unknown()) {
            AddPiece(out, {false, coll.unknown_reason(), part.expr->loc});
            break;
          }
          HCL_ASSIGN_OR_RETURN(auto elements, Elements(coll, part.expr->loc));
          for (auto& [key, value] : elements) {
            if (ev_.steps_left_ == 0) {
              AddPiece(out, {false, "evaluation stopped at its step limit", part.loc});
              break;
            }
            --ev_.steps_left_;
            Bindings inner(b);
            if (!part.key_var.empty()) inner.Set(part.key_var, key);
            inner.Set(part.value_var, value);
            Status status = EvalParts(part.body, &inner, out, bytes);
            if (!status.ok()) return status;
            if (bytes > ev_.options_.max_string_bytes) break;
          }
          break;
        }
      }
      if (bytes > ev_.options_.max_string_bytes) break;
    }
    return Status();
  }

  Result<Value> EvalTemplate(const Expr& e, const Bindings* b) {
    // "${expr}" alone yields the value itself, not its text (HCL's rule).
    if (!e.heredoc && e.parts.size() == 1 && e.parts[0].kind == TemplatePart::Kind::kInterp) {
      return Eval(*e.parts[0].expr, b);
    }
    std::vector<Value::Piece> pieces;
    size_t bytes = 0;
    TRUSTCHECK_RETURN_IF_ERROR(EvalParts(e.parts, b, pieces, bytes));
    if (bytes > ev_.options_.max_string_bytes) return TooLarge(e.loc);
    std::string text;
    const Value::Piece* first_unknown = nullptr;
    for (const Value::Piece& p : pieces) {
      if (!p.known && !first_unknown) first_unknown = &p;
      if (p.known) text += p.text;
    }
    if (first_unknown) return Value::Unknown(first_unknown->text, e.loc).WithPieces(std::move(pieces));
    return Value::String(std::move(text), e.loc).WithPieces(std::move(pieces));
  }

  // ---- collections ----

  Result<Value> EvalTuple(const Expr& e, const Bindings* b) {
    Value::Items items;
    items.reserve(e.items.size());
    for (const ExprPtr& item : e.items) {
      HCL_ASSIGN_OR_RETURN(Value v, Eval(*item, b));
      items.push_back(std::move(v));
    }
    return Checked(Value::Tuple(std::move(items), e.loc));
  }

  Result<Value> EvalObject(const Expr& e, const Bindings* b) {
    Value::Fields fields;
    for (const ObjectItem& item : e.fields) {
      HCL_ASSIGN_OR_RETURN(Value key, Eval(*item.key, b));
      if (key.is_unknown()) return Value::Unknown(key.unknown_reason(), e.loc);
      std::optional<std::string> name = ScalarText(key);
      if (!name) {
        return Status::Error(item.key->loc, fmt::format("an object key must be a string, not {}", TypeName(key)));
      }
      HCL_ASSIGN_OR_RETURN(Value value, Eval(*item.value, b));
      if (!fields.emplace(*name, std::move(value)).second) {
        return Status::Error(item.key->loc, fmt::format("key `{}` is already defined in this object", *name));
      }
    }
    return Checked(Value::Object(std::move(fields), e.loc));
  }

  // The (key, value) pairs a `for` iterates over.
  Result<std::vector<std::pair<Value, Value>>> Elements(const Value& coll, const SourceLoc& loc) {
    std::vector<std::pair<Value, Value>> out;
    if (coll.is_tuple()) {
      for (size_t i = 0; i < coll.items().size(); ++i) {
        out.emplace_back(Value::Number(static_cast<double>(i), loc), coll.items()[i]);
      }
    } else if (coll.is_object()) {
      for (const auto& [key, value] : coll.fields()) out.emplace_back(Value::String(key, loc), value);
    } else {
      return Status::Error(loc, fmt::format("`for` needs a tuple or an object to iterate over, not {}", TypeName(coll)));
    }
    return out;
  }

  Result<Value> EvalFor(const Expr& e, const Bindings* b) {
    const ForClause& f = *e.for_clause;
    HCL_ASSIGN_OR_RETURN(Value coll, Eval(*f.collection, b));
    if (coll.is_unknown()) return Value::Unknown(coll.unknown_reason(), e.loc);
    HCL_ASSIGN_OR_RETURN(auto elements, Elements(coll, f.collection->loc));
    Value::Items items;
    std::map<std::string, Value, std::less<>> fields;
    std::map<std::string, Value::Items, std::less<>> groups;
    for (auto& [key, value] : elements) {
      if (ev_.steps_left_ == 0) return Value::Unknown("evaluation stopped at its step limit", e.loc);
      --ev_.steps_left_;
      Bindings inner(b);
      if (!f.key_var.empty()) inner.Set(f.key_var, key);
      inner.Set(f.value_var, value);
      if (f.condition) {
        HCL_ASSIGN_OR_RETURN(Value cond, Eval(*f.condition, &inner));
        if (cond.is_unknown()) return Value::Unknown(cond.unknown_reason(), e.loc);
        HCL_ASSIGN_OR_RETURN(bool keep, ToBool(cond, f.condition->loc, "a `for` condition"));
        if (!keep) continue;
      }
      if (!f.object) {
        HCL_ASSIGN_OR_RETURN(Value v, Eval(*f.value, &inner));
        items.push_back(std::move(v));
        if (items.size() > ev_.options_.max_value_nodes) return TooLarge(e.loc);
        continue;
      }
      HCL_ASSIGN_OR_RETURN(Value k, Eval(*f.key, &inner));
      if (k.is_unknown()) return Value::Unknown(k.unknown_reason(), e.loc);
      std::optional<std::string> name = ScalarText(k);
      if (!name) {
        return Status::Error(f.key->loc, fmt::format("a `for` object key must be a string, not {}", TypeName(k)));
      }
      HCL_ASSIGN_OR_RETURN(Value v, Eval(*f.value, &inner));
      if (f.group) {
        groups[*name].push_back(std::move(v));
      } else if (!fields.emplace(*name, std::move(v)).second) {
        return Status::Error(f.key->loc,
                             fmt::format("key `{}` occurs twice in a `for` object (add `...` after the value to "
                                         "group values by key)",
                                         *name));
      }
    }
    if (!f.object) return Checked(Value::Tuple(std::move(items), e.loc));
    for (auto& [name, group] : groups) fields[name] = Value::Tuple(std::move(group), e.loc);
    return Checked(Value::Object(std::move(fields), e.loc));
  }

  // ---- traversals ----

  static std::string StepText(const Step& step, const Value& key) {
    if (step.kind == Step::Kind::kAttr) return "." + step.name;
    return "[" + DebugString(key) + "]";
  }

  // Applies steps[from..] to `v`; `text` is the traversal so far, for messages.
  Result<Value> ApplySteps(Value v, const std::vector<Step>& steps, size_t from, std::string text,
                           const Bindings* b) {
    for (size_t i = from; i < steps.size(); ++i) {
      const Step& step = steps[i];
      if (v.is_unknown()) return v;
      Value key;
      if (step.kind == Step::Kind::kIndex) {
        HCL_ASSIGN_OR_RETURN(key, Eval(*step.index, b));
        if (key.is_unknown()) return Value::Unknown(key.unknown_reason(), step.loc);
      }
      HCL_ASSIGN_OR_RETURN(v, Index(v, step, key, text));
      text += StepText(step, key);
    }
    return v;
  }

  Result<Value> Index(const Value& v, const Step& step, const Value& key, const std::string& text) {
    if (step.kind == Step::Kind::kAttr) {
      if (v.is_object()) {
        if (const Value* field = v.Find(step.name)) return *field;
        return Status::Error(step.loc, fmt::format("`{}` has no attribute `{}`", text, step.name));
      }
      return Status::Error(step.loc, fmt::format("`{}` is {}, so it has no attribute `{}`", text, TypeName(v), step.name));
    }
    if (v.is_tuple()) {
      std::optional<double> n = key.is_number() ? std::optional<double>(key.as_number())
                                                : key.is_string() ? ParseNumber(key.as_string()) : std::nullopt;
      if (!n || !IsInteger(*n)) {
        return Status::Error(step.loc, fmt::format("`{}` is a tuple and needs a whole number index, not {}", text,
                                                   DebugString(key)));
      }
      if (*n < 0 || *n >= static_cast<double>(v.items().size())) {
        return Status::Error(step.loc, fmt::format("index {} is out of range for `{}`, which has {} elements",
                                                   FormatNumber(*n), text, v.items().size()));
      }
      return v.items()[static_cast<size_t>(*n)];
    }
    if (v.is_object()) {
      std::optional<std::string> name = ScalarText(key);
      if (!name) return Status::Error(step.loc, fmt::format("`{}` cannot be indexed by {}", text, TypeName(key)));
      if (const Value* field = v.Find(*name)) return *field;
      return Status::Error(step.loc, fmt::format("`{}` has no element `{}`", text, *name));
    }
    return Status::Error(step.loc, fmt::format("`{}` is {} and cannot be indexed", text, TypeName(v)));
  }

  Result<Value> EvalSplat(const Expr& e, const Bindings* b) {
    HCL_ASSIGN_OR_RETURN(Value source, Eval(*e.source, b));
    if (source.is_unknown()) return source;
    const std::string text = TraversalText(*e.source) + "[*]";
    if (source.is_null()) return Value::Tuple({}, e.loc);
    if (!source.is_tuple()) {
      // A single value splats as a one-element tuple.
      HCL_ASSIGN_OR_RETURN(Value v, ApplySteps(source, e.steps, 0, text, b));
      return Value::Tuple({std::move(v)}, e.loc);
    }
    Value::Items items;
    for (const Value& item : source.items()) {
      HCL_ASSIGN_OR_RETURN(Value v, ApplySteps(item, e.steps, 0, text, b));
      items.push_back(std::move(v));
    }
    return Checked(Value::Tuple(std::move(items), e.loc));
  }

  // The name of the attribute step at `i`, or "" when it is not one.
  static const std::string& AttrAt(const std::vector<Step>& steps, size_t i) {
    static const std::string kNone;
    return i < steps.size() && steps[i].kind == Step::Kind::kAttr ? steps[i].name : kNone;
  }

  Result<Value> EvalScopeTraversal(const Expr& e, const Bindings* b) {
    const std::string& root = e.name;
    if (b) {
      if (const Value* bound = b->Find(root)) return ApplySteps(*bound, e.steps, 0, root, b);
    }
    const std::string& first = AttrAt(e.steps, 0);
    const std::string head = first.empty() ? root : root + "." + first;
    if (root == "var" || root == "local") {
      if (first.empty()) {
        return Status::Error(e.loc, fmt::format("`{}` must be followed by a name, as in `{}.name`", root, root));
      }
      HCL_ASSIGN_OR_RETURN(Value v, root == "var" ? Variable(first, e.loc) : Local(first, e.loc));
      return ApplySteps(std::move(v), e.steps, 1, head, b);
    }
    if (root == "path") {
      if (first == "module" || first == "root" || first == "cwd") {
        const std::string path = first == "module" ? ev_.options_.module_path : std::string(".");
        return ApplySteps(Value::String(path, e.loc), e.steps, 1, head, b);
      }
      return Status::Error(e.loc, fmt::format("`{}` is not a path Terraform knows (`path.module`, `path.root`, "
                                              "`path.cwd`)",
                                              head));
    }
    if (root == "count" || root == "each") {
      return Value::Unknown(fmt::format("`{}` depends on the resource instance", head), e.loc);
    }
    if (root == "self") return Value::Unknown(fmt::format("`{}` is computed at apply time", head), e.loc);
    if (root == "terraform") {
      return Value::Unknown(fmt::format("`{}` is chosen when Terraform runs", head), e.loc);
    }
    if (root == "module") {
      const std::string& output = AttrAt(e.steps, 1);
      if (!first.empty() && !output.empty() && ev_.options_.resolve_module_output) {
        if (std::optional<Value> v = ev_.options_.resolve_module_output(first, output, e.loc))
          return ApplySteps(std::move(*v), e.steps, 2, head + "." + output, b);
      }
      return Value::Unknown(
          fmt::format("`{}{}` is an output of another module", head, output.empty() ? "" : "." + output), e.loc);
    }
    if (first.empty()) {
      return Status::Error(e.loc, fmt::format("`{}` is not a reference Terraform knows; references look like "
                                              "`var.name`, `local.name` or `TYPE.NAME.attribute`",
                                              root));
    }
    return EvalResource(e, b);
  }

  Result<Value> EvalResource(const Expr& e, const Bindings* b) {
    ResourceRef ref;
    ref.loc = e.loc;
    size_t i = 0;
    ref.data = e.name == "data";
    if (ref.data) {
      ref.type = AttrAt(e.steps, 0);
      ref.name = AttrAt(e.steps, 1);
      if (ref.name.empty()) {
        return Status::Error(e.loc, fmt::format("`data.{}` must be followed by a data source name, as in "
                                                "`data.{}.name`",
                                                ref.type, ref.type));
      }
      i = 2;
    } else {
      ref.type = e.name;
      ref.name = AttrAt(e.steps, 0);
      i = 1;
    }
    while (i < e.steps.size() && e.steps[i].kind == Step::Kind::kIndex) ++i;  // instance keys
    ref.attribute = AttrAt(e.steps, i);
    if (!ref.attribute.empty()) ++i;
    std::optional<Value> resolved;
    if (ev_.options_.resolve_resource) resolved = ev_.options_.resolve_resource(ref);
    if (!resolved) return Value::Unknown(fmt::format("`{}` is computed at apply time", ref.ToString()), e.loc);
    return ApplySteps(std::move(*resolved), e.steps, i, ref.ToString(), b);
  }

  // ---- operators ----

  Result<bool> ToBool(const Value& v, const SourceLoc& loc, std::string_view where) {
    if (v.is_bool()) return v.as_bool();
    if (v.is_string() && (v.as_string() == "true" || v.as_string() == "false")) return v.as_string() == "true";
    return Status::Error(loc, fmt::format("{} needs a bool, not {}", where, TypeName(v)));
  }

  Result<double> ToNumber(const Value& v, const SourceLoc& loc, std::string_view where) {
    if (v.is_number()) return v.as_number();
    if (v.is_string()) {
      if (std::optional<double> n = ParseNumber(v.as_string())) return *n;
      return Status::Error(loc, fmt::format("{} needs a number, not the string `{}`", where, v.as_string()));
    }
    return Status::Error(loc, fmt::format("{} needs a number, not {}", where, TypeName(v)));
  }

  Result<Value> EvalUnary(const Expr& e, const Bindings* b) {
    HCL_ASSIGN_OR_RETURN(Value v, Eval(*e.source, b));
    if (v.is_unknown()) return Value::Unknown(v.unknown_reason(), e.loc);
    if (e.unary_op == UnaryOp::kNot) {
      HCL_ASSIGN_OR_RETURN(bool x, ToBool(v, e.source->loc, "`!`"));
      return Value::Bool(!x, e.loc);
    }
    HCL_ASSIGN_OR_RETURN(double n, ToNumber(v, e.source->loc, "`-`"));
    return Value::Number(-n, e.loc);
  }

  Result<Value> EvalBinary(const Expr& e, const Bindings* b) {
    HCL_ASSIGN_OR_RETURN(Value lhs, Eval(*e.source, b));
    HCL_ASSIGN_OR_RETURN(Value rhs, Eval(*e.other, b));
    const std::string where = fmt::format("`{}`", OperatorText(e.binary_op));
    switch (e.binary_op) {
      case BinaryOp::kAnd:
      case BinaryOp::kOr: {
        // A known operand that decides the result wins over an unknown one.
        const bool decisive = e.binary_op == BinaryOp::kOr;
        std::optional<bool> l, r;
        if (!lhs.is_unknown()) {
          HCL_ASSIGN_OR_RETURN(l, ToBool(lhs, e.source->loc, where));
        }
        if (!rhs.is_unknown()) {
          HCL_ASSIGN_OR_RETURN(r, ToBool(rhs, e.other->loc, where));
        }
        if (l == decisive || r == decisive) return Value::Bool(decisive, e.loc);
        if (!l) return Value::Unknown(lhs.unknown_reason(), e.loc);
        if (!r) return Value::Unknown(rhs.unknown_reason(), e.loc);
        return Value::Bool(!decisive, e.loc);
      }
      case BinaryOp::kEq:
      case BinaryOp::kNe: {
        if (!lhs.wholly_known()) return Value::Unknown(lhs.FirstUnknownReason(), e.loc);
        if (!rhs.wholly_known()) return Value::Unknown(rhs.FirstUnknownReason(), e.loc);
        return Value::Bool(lhs.Equals(rhs) == (e.binary_op == BinaryOp::kEq), e.loc);
      }
      default: break;
    }
    if (lhs.is_unknown()) return Value::Unknown(lhs.unknown_reason(), e.loc);
    if (rhs.is_unknown()) return Value::Unknown(rhs.unknown_reason(), e.loc);
    HCL_ASSIGN_OR_RETURN(double x, ToNumber(lhs, e.source->loc, where));
    HCL_ASSIGN_OR_RETURN(double y, ToNumber(rhs, e.other->loc, where));
    double z = 0;
    switch (e.binary_op) {
      case BinaryOp::kLt: return Value::Bool(x < y, e.loc);
      case BinaryOp::kLe: return Value::Bool(x <= y, e.loc);
      case BinaryOp::kGt: return Value::Bool(x > y, e.loc);
      case BinaryOp::kGe: return Value::Bool(x >= y, e.loc);
      case BinaryOp::kAdd: z = x + y; break;
      case BinaryOp::kSub: z = x - y; break;
      case BinaryOp::kMul: z = x * y; break;
      case BinaryOp::kDiv:
      case BinaryOp::kMod:
        if (y == 0) return Status::Error(e.other->loc, "division by zero");
        z = e.binary_op == BinaryOp::kDiv ? x / y : std::fmod(x, y);
        break;
      default: break;
    }
    if (!std::isfinite(z)) return Status::Error(e.loc, fmt::format("the result of {} is out of range", where));
    return Value::Number(z, e.loc);
  }

  Result<Value> EvalConditional(const Expr& e, const Bindings* b) {
    HCL_ASSIGN_OR_RETURN(Value cond, Eval(*e.source, b));
    if (cond.is_unknown()) return Value::Unknown(cond.unknown_reason(), e.loc);
    HCL_ASSIGN_OR_RETURN(bool chosen, ToBool(cond, e.source->loc, "the condition of `? :`"));
    return Eval(chosen ? *e.other : *e.third, b);
  }

  // ---- function calls ----

  struct Call {
    const Expr& expr;
    std::vector<Value> args;
    // The location of argument i (the call's when `...` spread the arguments).
    SourceLoc ArgLoc(size_t i) const {
      return !expr.expand_final && i < expr.items.size() ? expr.items[i]->loc : expr.loc;
    }
    Status Error(size_t arg, std::string message) const { return Status::Error(ArgLoc(arg), std::move(message)); }
    const SourceLoc& loc() const { return expr.loc; }
    const std::string& name() const { return expr.name; }
  };
  using Function = Result<Value> (EvalContext::*)(const Call&);
  struct FunctionInfo {
    int min_args;
    int max_args;          // -1: any number
    bool accepts_unknown;  // false: an unknown argument makes the result unknown
    Function fn;
  };

  static const std::map<std::string_view, FunctionInfo>& Functions() {
    static const auto* table = new std::map<std::string_view, FunctionInfo>{
        {"abs", {1, 1, false, &EvalContext::FnAbs}},
        {"alltrue", {1, 1, false, &EvalContext::FnAllTrue}},
        {"anytrue", {1, 1, false, &EvalContext::FnAnyTrue}},
        {"ceil", {1, 1, false, &EvalContext::FnCeil}},
        {"chomp", {1, 1, false, &EvalContext::FnChomp}},
        {"coalesce", {1, -1, true, &EvalContext::FnCoalesce}},
        {"coalescelist", {1, -1, true, &EvalContext::FnCoalesceList}},
        {"compact", {1, 1, false, &EvalContext::FnCompact}},
        {"concat", {0, -1, false, &EvalContext::FnConcat}},
        {"contains", {2, 2, false, &EvalContext::FnContains}},
        {"distinct", {1, 1, false, &EvalContext::FnDistinct}},
        {"element", {2, 2, false, &EvalContext::FnElement}},
        {"endswith", {2, 2, false, &EvalContext::FnEndsWith}},
        {"flatten", {1, 1, false, &EvalContext::FnFlatten}},
        {"floor", {1, 1, false, &EvalContext::FnFloor}},
        {"format", {1, -1, false, &EvalContext::FnFormat}},
        {"formatlist", {1, -1, false, &EvalContext::FnFormatList}},
        {"join", {2, -1, false, &EvalContext::FnJoin}},
        {"jsondecode", {1, 1, false, &EvalContext::FnJsonDecode}},
        {"jsonencode", {1, 1, true, &EvalContext::FnJsonEncode}},
        {"keys", {1, 1, false, &EvalContext::FnKeys}},
        {"length", {1, 1, false, &EvalContext::FnLength}},
        {"lookup", {2, 3, false, &EvalContext::FnLookup}},
        {"lower", {1, 1, false, &EvalContext::FnLower}},
        {"max", {1, -1, false, &EvalContext::FnMax}},
        {"merge", {0, -1, false, &EvalContext::FnMerge}},
        {"min", {1, -1, false, &EvalContext::FnMin}},
        {"one", {1, 1, false, &EvalContext::FnOne}},
        {"range", {1, 3, false, &EvalContext::FnRange}},
        {"regex", {2, 2, false, &EvalContext::FnRegex}},
        {"regexall", {2, 2, false, &EvalContext::FnRegexAll}},
        {"replace", {3, 3, false, &EvalContext::FnReplace}},
        {"reverse", {1, 1, false, &EvalContext::FnReverse}},
        {"sort", {1, 1, false, &EvalContext::FnSort}},
        {"split", {2, 2, false, &EvalContext::FnSplit}},
        {"startswith", {2, 2, false, &EvalContext::FnStartsWith}},
        {"strcontains", {2, 2, false, &EvalContext::FnStrContains}},
        {"substr", {3, 3, false, &EvalContext::FnSubstr}},
        {"sum", {1, 1, false, &EvalContext::FnSum}},
        {"tobool", {1, 1, false, &EvalContext::FnToBool}},
        {"tolist", {1, 1, false, &EvalContext::FnToList}},
        {"tomap", {1, 1, false, &EvalContext::FnToMap}},
        {"tonumber", {1, 1, false, &EvalContext::FnToNumber}},
        {"toset", {1, 1, false, &EvalContext::FnToSet}},
        {"tostring", {1, 1, false, &EvalContext::FnToString}},
        {"trim", {2, 2, false, &EvalContext::FnTrim}},
        {"trimprefix", {2, 2, false, &EvalContext::FnTrimPrefix}},
        {"trimspace", {1, 1, false, &EvalContext::FnTrimSpace}},
        {"trimsuffix", {2, 2, false, &EvalContext::FnTrimSuffix}},
        {"upper", {1, 1, false, &EvalContext::FnUpper}},
        {"values", {1, 1, false, &EvalContext::FnValues}},
        {"zipmap", {2, 2, false, &EvalContext::FnZipmap}},
    };
    return *table;
  }

  Result<Value> EvalCall(const Expr& e, const Bindings* b) {
    if (e.name == "try") return EvalTry(e, b);
    if (e.name == "file" || e.name == "templatefile") return EvalFile(e, b);
    if (e.name == "can") return EvalCan(e, b);
    if (e.name.find("::") != std::string::npos) {
      return Value::Unknown(fmt::format("provider function `{}` is not evaluated", e.name), e.loc);
    }
    auto it = Functions().find(e.name);
    if (it == Functions().end()) {
      return Value::Unknown(fmt::format("function `{}` is not evaluated", e.name), e.loc);
    }
    const FunctionInfo& info = it->second;
    Call call{e, {}};
    for (size_t i = 0; i < e.items.size(); ++i) {
      HCL_ASSIGN_OR_RETURN(Value v, Eval(*e.items[i], b));
      if (e.expand_final && i + 1 == e.items.size()) {
        if (v.is_unknown()) return Value::Unknown(v.unknown_reason(), e.loc);
        if (!v.is_tuple()) {
          return Status::Error(e.items[i]->loc, fmt::format("`...` needs a tuple to expand, not {}", TypeName(v)));
        }
        for (const Value& item : v.items()) call.args.push_back(item);
      } else {
        call.args.push_back(std::move(v));
      }
    }
    const int n = static_cast<int>(call.args.size());
    if (n < info.min_args || (info.max_args >= 0 && n > info.max_args)) {
      std::string expected = info.max_args < 0 ? fmt::format("at least {}", info.min_args)
                             : info.min_args == info.max_args
                                 ? fmt::format("{}", info.min_args)
                                 : fmt::format("{} to {}", info.min_args, info.max_args);
      return Status::Error(e.loc, fmt::format("`{}` takes {} argument{}, not {}", e.name, expected,
                                              expected == "1" ? "" : "s", n));
    }
    // Functions do work in proportion to their arguments: charge for it.
    uint64_t work = 1;
    for (const Value& arg : call.args) work += arg.size() + (arg.is_string() ? arg.as_string().size() / 64 : 0);
    if (work > ev_.steps_left_) {
      ev_.steps_left_ = 0;
      return Value::Unknown("evaluation stopped at its step limit", e.loc);
    }
    ev_.steps_left_ -= work;
    if (!info.accepts_unknown) {
      for (const Value& arg : call.args) {
        if (arg.is_unknown()) return Value::Unknown(arg.unknown_reason(), e.loc);
      }
    }
    HCL_ASSIGN_OR_RETURN(Value result, (this->*info.fn)(call));
    return Checked(std::move(result));
  }

  // file(path): the file's text. templatefile(path, vars): the file rendered
  // as a template in which only `vars` are names (Terraform's rules; a
  // template cannot call templatefile again).
  Result<Value> EvalFile(const Expr& e, const Bindings* b) {
    const bool render = e.name == "templatefile";
    const size_t arity = render ? 2 : 1;
    if (e.items.size() != arity)
      return Status::Error(e.loc, fmt::format("`{}` takes {} argument{}, not {}", e.name, arity,
                                              arity == 1 ? "" : "s", e.items.size()));
    HCL_ASSIGN_OR_RETURN(Value path, Eval(*e.items[0], b));
    if (path.is_unknown()) return Value::Unknown(path.unknown_reason(), e.loc);
    if (!path.is_string())
      return Status::Error(e.items[0]->loc, fmt::format("the path of `{}` must be a string", e.name));
    if (!ev_.options_.read_file)
      return Value::Unknown(fmt::format("`{}(\"{}\")` is not read here", e.name, path.as_string()), e.loc);
    std::string file = path.as_string();
    if (!file.empty() && file[0] != '/') file = ev_.options_.working_folder + "/" + file;
    if (!render) {
      Result<std::string> text = ev_.options_.read_file(file);
      if (!text.ok()) return Value::Unknown(fmt::format("`file(\"{}\")`: {}", path.as_string(),
                                                        text.status().message()), e.loc);
      return Value::String(std::move(*text), e.loc);
    }
    if (ev_.template_depth_ > 0)
      return Status::Error(e.loc, "`templatefile` cannot be called from a template it renders");
    HCL_ASSIGN_OR_RETURN(Value vars, Eval(*e.items[1], b));
    auto cached = ev_.templates_.find(file);
    if (cached == ev_.templates_.end()) {
      Result<std::string> text = ev_.options_.read_file(file);
      if (!text.ok()) return Value::Unknown(fmt::format("`templatefile(\"{}\")`: {}", path.as_string(),
                                                        text.status().message()), e.loc);
      Result<ExprPtr> parsed = ParseTemplateFile(*text, file);
      if (!parsed.ok()) return parsed.status();
      cached = ev_.templates_.emplace(file, std::shared_ptr<const Expr>(std::move(*parsed))).first;
    }
    // Only the variables are in scope: every other name is unknown there.
    Bindings scope(nullptr);
    if (vars.is_object()) {
      for (const auto& [name, value] : vars.fields()) scope.Set(name, value);
    } else if (!vars.is_unknown()) {
      return Status::Error(e.items[1]->loc, "the variables of `templatefile` must be an object");
    } else {
      return Value::Unknown(vars.unknown_reason(), e.loc);
    }
    ++ev_.template_depth_;
    Result<Value> out = Eval(*cached->second, &scope);
    --ev_.template_depth_;
    return out;
  }

  // try(a, b, ...): the first argument that evaluates without an error. An
  // unknown argument makes the result unknown: it might have failed.
  Result<Value> EvalTry(const Expr& e, const Bindings* b) {
    if (e.items.empty()) return Status::Error(e.loc, "`try` needs at least one argument");
    Status last;
    for (const ExprPtr& arg : e.items) {
      Result<Value> v = Eval(*arg, b);
      if (!v.ok()) {
        last = v.status();
        continue;
      }
      if (v->is_unknown()) return Value::Unknown(v->unknown_reason(), e.loc);
      return v;
    }
    return Status::Error(e.loc, fmt::format("no argument of `try` could be evaluated; the last failed with: {}",
                                            last.message()));
  }

  Result<Value> EvalCan(const Expr& e, const Bindings* b) {
    if (e.items.size() != 1) return Status::Error(e.loc, fmt::format("`can` takes 1 argument, not {}", e.items.size()));
    Result<Value> v = Eval(*e.items[0], b);
    if (!v.ok()) return Value::Bool(false, e.loc);
    if (!v->wholly_known()) return Value::Unknown(v->FirstUnknownReason(), e.loc);
    return Value::Bool(true, e.loc);
  }

  // -- argument helpers --

  Result<std::string> StringArg(const Call& c, size_t i) {
    const Value& v = c.args[i];
    if (std::optional<std::string> text = ScalarText(v)) return std::move(*text);
    return c.Error(i, fmt::format("argument {} of `{}` must be a string, not {}", i + 1, c.name(), TypeName(v)));
  }
  Result<double> NumberArg(const Call& c, size_t i) {
    return ToNumber(c.args[i], c.ArgLoc(i), fmt::format("argument {} of `{}`", i + 1, c.name()));
  }
  Result<const Value::Items*> TupleArg(const Call& c, size_t i) {
    const Value& v = c.args[i];
    if (v.is_tuple()) return &v.items();
    return c.Error(i, fmt::format("argument {} of `{}` must be a list, not {}", i + 1, c.name(), TypeName(v)));
  }
  static const Value* FirstUnknown(const Value::Items& items) {
    for (const Value& v : items) {
      if (!v.wholly_known()) return &v;
    }
    return nullptr;
  }
  Value UnknownFrom(const Value& v, const Call& c) { return Value::Unknown(v.FirstUnknownReason(), c.loc()); }

  // -- functions --

  Result<Value> FnJsonEncode(const Call& c) {
    const Value& v = c.args[0];
    if (!v.wholly_known()) return Value::Unknown(v.FirstUnknownReason(), c.loc()).WithEncodedFrom(v);
    std::optional<std::string> json = EncodeJson(v, ev_.options_.max_string_bytes);
    if (!json) return TooLarge(c.loc()).WithEncodedFrom(v);
    return Value::String(std::move(*json), c.loc()).WithEncodedFrom(v);
  }

  Result<Value> FnJsonDecode(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string text, StringArg(c, 0));
    Json::CharReaderBuilder builder;
    builder["stackLimit"] = 100;
    builder["failIfExtra"] = true;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value json;
    std::string errors;
    bool parsed = false;
    try {
      parsed = reader->parse(text.data(), text.data() + text.size(), &json, &errors);
    } catch (const Json::Exception&) {
      // jsoncpp throws, instead of failing, past its stack limit.
      return c.Error(0, "the argument of `jsondecode` is nested deeper than the limit of 100 levels");
    }
    if (!parsed) {
      std::string first = errors.substr(0, errors.find('\n'));
      return c.Error(0, fmt::format("the argument of `jsondecode` is not valid JSON ({})", first));
    }
    return DecodeJson(json, c.loc());
  }

  Result<Value> FnFormat(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string spec, StringArg(c, 0));
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < spec.size(); ++i) {
      if (spec[i] != '%') {
        out += spec[i];
        continue;
      }
      size_t j = i + 1;
      // Flags and widths (`%-5s`) are not evaluated; precision is, for `%f`.
      const size_t flags_start = j;
      while (j < spec.size() && (std::string_view("-+# 0").find(spec[j]) != std::string_view::npos ||
                                 std::isdigit(static_cast<unsigned char>(spec[j])))) {
        ++j;
      }
      const bool has_flags = j > flags_start;
      std::optional<int> precision;
      if (j < spec.size() && spec[j] == '.') {
        int p = 0;
        ++j;
        while (j < spec.size() && std::isdigit(static_cast<unsigned char>(spec[j]))) p = p * 10 + (spec[j++] - '0');
        precision = std::min(p, 30);
      }
      if (j >= spec.size()) return c.Error(0, "the format string of `format` ends inside a verb");
      const char verb = spec[j];
      if (verb == '%' && !precision && !has_flags) {
        out += '%';
        i = j;
        continue;
      }
      const std::string written = spec.substr(i, j + 1 - i);
      if (std::string_view("sdvqtf").find(verb) == std::string_view::npos || has_flags ||
          (precision && verb != 'f')) {
        return Value::Unknown(fmt::format("`format` verb `{}` is not evaluated", written), c.loc());
      }
      if (next >= c.args.size()) return c.Error(0, fmt::format("`format` has no argument left for `{}`", written));
      const Value& arg = c.args[next];
      if (!arg.wholly_known()) return UnknownFrom(arg, c);
      if (verb == 'd' || verb == 'f') {
        HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, next));
        if (verb == 'd' && !IsInteger(n)) return c.Error(next, "`%d` needs a whole number");
        out += verb == 'd' ? FormatNumber(n) : fmt::format("{:.{}f}", n, precision.value_or(6));
      } else if (verb == 't') {
        HCL_ASSIGN_OR_RETURN(bool t, ToBool(arg, c.ArgLoc(next), "`%t`"));
        out += t ? "true" : "false";
      } else if (verb == 'q') {
        HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, next));
        out += EncodeJson(Value::String(s));
      } else {
        std::optional<std::string> text = ScalarText(arg);
        if (!text) {
          if (verb == 'v') return Value::Unknown(fmt::format("`format` of {} with `%v` is not evaluated", TypeName(arg)), c.loc());
          return c.Error(next, fmt::format("`%s` needs a string, not {}", TypeName(arg)));
        }
        out += *text;
      }
      if (out.size() > ev_.options_.max_string_bytes) return TooLarge(c.loc());
      ++next;
      i = j;
    }
    if (next < c.args.size()) return c.Error(next, "`format` has more arguments than its verbs use");
    return Value::String(std::move(out), c.loc());
  }

  Result<Value> FnJoin(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string sep, StringArg(c, 0));
    std::string out;
    bool first = true;
    for (size_t i = 1; i < c.args.size(); ++i) {
      HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, i));
      for (const Value& item : *items) {
        if (item.is_unknown()) return UnknownFrom(item, c);
        std::optional<std::string> text = ScalarText(item);
        if (!text) return c.Error(i, fmt::format("`join` needs strings, not {}", TypeName(item)));
        if (!first) out += sep;
        first = false;
        out += *text;
        if (out.size() > ev_.options_.max_string_bytes) return TooLarge(c.loc());
      }
    }
    return Value::String(std::move(out), c.loc());
  }

  Result<Value> FnConcat(const Call& c) {
    Value::Items out;
    for (size_t i = 0; i < c.args.size(); ++i) {
      HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, i));
      out.insert(out.end(), items->begin(), items->end());
      if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
    }
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> MapString(const Call& c, char (*f)(char)) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    for (char& ch : s) ch = f(ch);
    return Value::String(std::move(s), c.loc());
  }
  static char AsciiLower(char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; }
  static char AsciiUpper(char ch) { return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch; }
  Result<Value> FnLower(const Call& c) { return MapString(c, AsciiLower); }
  Result<Value> FnUpper(const Call& c) { return MapString(c, AsciiUpper); }

  // formatlist(spec, args...): format() per element; list arguments are
  // iterated together (they must have the same length), others repeat.
  Result<Value> FnFormatList(const Call& c) {
    size_t n = 0;
    bool any_list = false;
    for (size_t i = 1; i < c.args.size(); ++i) {
      if (!c.args[i].is_tuple()) continue;
      if (any_list && c.args[i].items().size() != n)
        return c.Error(i, "the lists given to `formatlist` must have the same length");
      n = c.args[i].items().size();
      any_list = true;
    }
    if (!any_list) n = 1;
    Value::Items out;
    for (size_t k = 0; k < n; ++k) {
      Call one{c.expr, {c.args[0]}};
      for (size_t i = 1; i < c.args.size(); ++i)
        one.args.push_back(c.args[i].is_tuple() ? c.args[i].items()[k] : c.args[i]);
      HCL_ASSIGN_OR_RETURN(Value v, FnFormat(one));
      out.push_back(std::move(v));
    }
    return Checked(Value::Tuple(std::move(out), c.loc()));
  }

  // regex(pattern, string) and regexall(pattern, string), in RE2 syntax as
  // Terraform's (Go) regexp: the match, or with groups the captures (a list;
  // an object when every group is named).
  Result<Value> Capture(const Call& c, const RE2& re, const std::vector<re2::StringPiece>& groups) {
    const int n = re.NumberOfCapturingGroups();
    if (n == 0) return Value::String(std::string(groups[0]), c.loc());
    const std::map<std::string, int>& named = re.NamedCapturingGroups();
    if (static_cast<int>(named.size()) == n) {
      Value::Fields fields;
      for (const auto& [name, index] : named)
        fields[name] = groups[index].data() ? Value::String(std::string(groups[index]), c.loc()) : Value::Null(c.loc());
      return Value::Object(std::move(fields), c.loc());
    }
    Value::Items items;
    for (int i = 1; i <= n; ++i)
      items.push_back(groups[i].data() ? Value::String(std::string(groups[i]), c.loc()) : Value::Null(c.loc()));
    return Value::Tuple(std::move(items), c.loc());
  }

  Result<Value> Matches(const Call& c, bool all) {
    HCL_ASSIGN_OR_RETURN(std::string pattern, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 1));
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (!re.ok()) return c.Error(0, fmt::format("`{}` is not a valid regular expression", pattern));
    std::vector<re2::StringPiece> groups(1 + re.NumberOfCapturingGroups());
    Value::Items out;
    size_t pos = 0;
    while (pos <= s.size() &&
           re.Match(s, pos, s.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
      HCL_ASSIGN_OR_RETURN(Value v, Capture(c, re, groups));
      if (!all) return v;
      out.push_back(std::move(v));
      if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
      size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
      pos = groups[0].empty() ? end + 1 : end;
    }
    if (!all) return c.Error(1, fmt::format("`{}` does not match the regular expression", s));
    return Value::Tuple(std::move(out), c.loc());
  }
  Result<Value> FnRegex(const Call& c) { return Matches(c, false); }
  Result<Value> FnRegexAll(const Call& c) { return Matches(c, true); }

  Result<Value> FnReplace(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string from, StringArg(c, 1));
    HCL_ASSIGN_OR_RETURN(std::string to, StringArg(c, 2));
    if (from.size() >= 2 && from.front() == '/' && from.back() == '/') {
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(from.substr(1, from.size() - 2), options);
      if (!re.ok()) return c.Error(1, fmt::format("`{}` is not a valid regular expression", from));
      // Terraform (Go) writes group references as $1 or ${1}; RE2 as \1.
      std::string rewrite;
      for (size_t i = 0; i < to.size(); ++i) {
        if (to[i] == '\\') {
          rewrite += "\\\\";
        } else if (to[i] == '$' && i + 1 < to.size() && std::isdigit(static_cast<unsigned char>(to[i + 1]))) {
          rewrite += '\\';
        } else if (to[i] == '$' && i + 2 < to.size() && to[i + 1] == '{' &&
                   std::isdigit(static_cast<unsigned char>(to[i + 2])) && to.find('}', i) == i + 3) {
          rewrite += '\\';
          rewrite += to[i + 2];
          i += 3;
        } else {
          rewrite += to[i];
        }
      }
      std::string error;
      if (!re.CheckRewriteString(rewrite, &error)) {
        return c.Error(2, fmt::format("`{}` refers to a group the expression does not have", to));
      }
      // Bound the result before building it: each match grows by at most the
      // rewrite, each group reference by at most the matched text.
      std::string without_matches = s;
      const size_t matches = static_cast<size_t>(RE2::GlobalReplace(&without_matches, re, ""));
      const size_t matched_bytes = s.size() - without_matches.size();
      const size_t references = static_cast<size_t>(std::count(rewrite.begin(), rewrite.end(), '\\'));
      const double bound = static_cast<double>(without_matches.size()) +
                           static_cast<double>(matches) * static_cast<double>(rewrite.size()) +
                           static_cast<double>(references) * static_cast<double>(matched_bytes);
      if (bound > static_cast<double>(ev_.options_.max_string_bytes)) return TooLarge(c.loc());
      RE2::GlobalReplace(&s, re, rewrite);
      return Value::String(std::move(s), c.loc());
    }
    if (from.empty()) return Value::String(std::move(s), c.loc());
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
      out.append(s, pos, hit - pos);
      out += to;
      if (out.size() > ev_.options_.max_string_bytes) return TooLarge(c.loc());
    }
    out.append(s, pos, std::string::npos);
    return Value::String(std::move(out), c.loc());
  }

  Result<Value> FnToList(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    return Value::Tuple(*items, c.loc());
  }

  // Sets: duplicates removed; strings and numbers in Terraform's set order
  // (sorted), other elements in first-seen order.
  Result<Value> FnToSet(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    if (const Value* u = FirstUnknown(*items)) return UnknownFrom(*u, c);
    Value::Items out = Distinct(*items);
    const bool all_strings = std::all_of(out.begin(), out.end(), [](const Value& v) { return v.is_string(); });
    const bool all_numbers = std::all_of(out.begin(), out.end(), [](const Value& v) { return v.is_number(); });
    if (all_strings) {
      std::sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.as_string() < b.as_string(); });
    } else if (all_numbers) {
      std::sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.as_number() < b.as_number(); });
    }
    return Value::Tuple(std::move(out), c.loc());
  }

  Value::Items Distinct(const Value::Items& items) {
    Value::Items out;
    for (const Value& v : items) {
      if (ev_.steps_left_ == 0) break;
      ev_.steps_left_ -= std::min<uint64_t>(ev_.steps_left_, out.size() + 1);
      if (std::none_of(out.begin(), out.end(), [&](const Value& seen) { return seen.Equals(v); })) out.push_back(v);
    }
    return out;
  }

  Result<Value> FnDistinct(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    if (const Value* u = FirstUnknown(*items)) return UnknownFrom(*u, c);
    return Value::Tuple(Distinct(*items), c.loc());
  }

  Result<Value> FnToMap(const Call& c) {
    if (!c.args[0].is_object()) return c.Error(0, fmt::format("`tomap` needs an object, not {}", TypeName(c.args[0])));
    return c.args[0].WithLoc(c.loc());
  }

  Result<Value> FnToString(const Call& c) {
    if (c.args[0].is_null()) return Value::Null(c.loc());
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    return Value::String(std::move(s), c.loc());
  }

  Result<Value> FnToNumber(const Call& c) {
    if (c.args[0].is_null()) return Value::Null(c.loc());
    HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, 0));
    return Value::Number(n, c.loc());
  }

  Result<Value> FnToBool(const Call& c) {
    if (c.args[0].is_null()) return Value::Null(c.loc());
    HCL_ASSIGN_OR_RETURN(bool v, ToBool(c.args[0], c.ArgLoc(0), "`tobool`"));
    return Value::Bool(v, c.loc());
  }

  Result<Value> FnMerge(const Call& c) {
    Value::Fields out;
    for (size_t i = 0; i < c.args.size(); ++i) {
      const Value& v = c.args[i];
      if (v.is_null()) continue;
      if (!v.is_object()) return c.Error(i, fmt::format("`merge` needs objects, not {}", TypeName(v)));
      for (const auto& [key, field] : v.fields()) out[key] = field;
    }
    return Value::Object(std::move(out), c.loc());
  }

  Result<Value> FnLookup(const Call& c) {
    const Value& map = c.args[0];
    if (!map.is_object()) return c.Error(0, fmt::format("`lookup` needs an object, not {}", TypeName(map)));
    HCL_ASSIGN_OR_RETURN(std::string key, StringArg(c, 1));
    if (const Value* found = map.Find(key)) return *found;
    if (c.args.size() == 3) return c.args[2];
    return c.Error(1, fmt::format("`lookup` found no key `{}` and has no default", key));
  }

  Result<Value> FnLength(const Call& c) {
    const Value& v = c.args[0];
    if (v.is_tuple()) return Value::Number(static_cast<double>(v.items().size()), c.loc());
    if (v.is_object()) return Value::Number(static_cast<double>(v.fields().size()), c.loc());
    if (v.is_string()) return Value::Number(static_cast<double>(CodePoints(v.as_string())), c.loc());
    return c.Error(0, fmt::format("`length` needs a string or a collection, not {}", TypeName(v)));
  }

  Result<Value> FnElement(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, 1));
    if (items->empty()) return c.Error(0, "`element` cannot take an element of an empty list");
    if (!IsInteger(n) || n < 0) return c.Error(1, "`element` needs a whole, non-negative index");
    return (*items)[static_cast<size_t>(std::fmod(n, static_cast<double>(items->size())))];
  }

  Result<Value> FnKeys(const Call& c) {
    if (!c.args[0].is_object()) return c.Error(0, fmt::format("`keys` needs an object, not {}", TypeName(c.args[0])));
    Value::Items out;
    for (const auto& [key, v] : c.args[0].fields()) out.push_back(Value::String(key, c.loc()));
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnValues(const Call& c) {
    if (!c.args[0].is_object()) return c.Error(0, fmt::format("`values` needs an object, not {}", TypeName(c.args[0])));
    Value::Items out;
    for (const auto& [key, v] : c.args[0].fields()) out.push_back(v);
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnContains(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    const Value& wanted = c.args[1];
    if (!wanted.wholly_known()) return UnknownFrom(wanted, c);
    const Value* unknown = nullptr;
    for (const Value& item : *items) {
      if (!item.wholly_known()) {
        if (!unknown) unknown = &item;
      } else if (item.Equals(wanted)) {
        return Value::Bool(true, c.loc());
      }
    }
    if (unknown) return UnknownFrom(*unknown, c);
    return Value::Bool(false, c.loc());
  }

  // Flattens nested tuples; an unknown element might be a list, so the shape
  // of the result is unknown.
  Status FlattenInto(const Value::Items& items, Value::Items& out, std::optional<Value>& unknown, int depth,
                     const Call& c) {
    if (depth > kMaxEvalDepth) return Status::Error(c.loc(), "`flatten` met lists nested too deeply");
    for (const Value& item : items) {
      if (item.is_unknown()) {
        if (!unknown) unknown = item;
      } else if (item.is_tuple()) {
        Status s = FlattenInto(item.items(), out, unknown, depth + 1, c);
        if (!s.ok()) return s;
      } else {
        out.push_back(item);
      }
    }
    return Status();
  }

  Result<Value> FnFlatten(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    Value::Items out;
    std::optional<Value> unknown;
    Status s = FlattenInto(*items, out, unknown, 0, c);
    if (!s.ok()) return s;
    if (unknown) return UnknownFrom(*unknown, c);
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnCompact(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    Value::Items out;
    for (const Value& item : *items) {
      if (item.is_unknown()) return UnknownFrom(item, c);
      if (item.is_null() || (item.is_string() && item.as_string().empty())) continue;
      out.push_back(item);
    }
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnCoalesce(const Call& c) {
    for (const Value& v : c.args) {
      if (v.is_unknown()) return UnknownFrom(v, c);
      if (v.is_null() || (v.is_string() && v.as_string().empty())) continue;
      return v;
    }
    return Status::Error(c.loc(), "`coalesce` found no argument that is neither null nor empty");
  }

  Result<Value> FnCoalesceList(const Call& c) {
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (c.args[i].is_unknown()) return UnknownFrom(c.args[i], c);
      HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, i));
      if (!items->empty()) return c.args[i];
    }
    return Value::Tuple({}, c.loc());
  }

  Result<Value> FnSplit(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string sep, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 1));
    Value::Items out;
    if (sep.empty()) {
      for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
        out.push_back(Value::String(s.substr(i, n), c.loc()));
        if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
        i += n;
      }
      return Value::Tuple(std::move(out), c.loc());
    }
    size_t pos = 0;
    for (size_t hit; (hit = s.find(sep, pos)) != std::string::npos; pos = hit + sep.size()) {
      out.push_back(Value::String(s.substr(pos, hit - pos), c.loc()));
      if (out.size() > ev_.options_.max_value_nodes) return TooLarge(c.loc());
    }
    out.push_back(Value::String(s.substr(pos), c.loc()));
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnTrimSpace(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    const char* ws = " \t\n\r\v\f";
    size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return Value::String("", c.loc());
    size_t e = s.find_last_not_of(ws);
    return Value::String(s.substr(b, e - b + 1), c.loc());
  }

  Result<Value> FnChomp(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return Value::String(std::move(s), c.loc());
  }

  Result<Value> FnTrim(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string chars, StringArg(c, 1));
    size_t b = s.find_first_not_of(chars);
    if (b == std::string::npos) return Value::String("", c.loc());
    size_t e = s.find_last_not_of(chars);
    return Value::String(s.substr(b, e - b + 1), c.loc());
  }

  Result<Value> FnTrimPrefix(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string prefix, StringArg(c, 1));
    if (s.compare(0, prefix.size(), prefix) == 0) s.erase(0, prefix.size());
    return Value::String(std::move(s), c.loc());
  }

  Result<Value> FnTrimSuffix(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string suffix, StringArg(c, 1));
    if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
      s.resize(s.size() - suffix.size());
    }
    return Value::String(std::move(s), c.loc());
  }

  Result<Value> FnStartsWith(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string prefix, StringArg(c, 1));
    return Value::Bool(s.compare(0, prefix.size(), prefix) == 0, c.loc());
  }

  Result<Value> FnEndsWith(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string suffix, StringArg(c, 1));
    return Value::Bool(s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0,
                       c.loc());
  }

  Result<Value> FnStrContains(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(std::string part, StringArg(c, 1));
    return Value::Bool(s.find(part) != std::string::npos, c.loc());
  }

  // substr counts Unicode characters; a negative offset counts from the end,
  // a length of -1 means "to the end".
  Result<Value> FnSubstr(const Call& c) {
    HCL_ASSIGN_OR_RETURN(std::string s, StringArg(c, 0));
    HCL_ASSIGN_OR_RETURN(double offset, NumberArg(c, 1));
    HCL_ASSIGN_OR_RETURN(double length, NumberArg(c, 2));
    if (!IsInteger(offset) || !IsInteger(length)) return c.Error(1, "`substr` needs whole numbers");
    std::vector<size_t> starts;  // byte offset of each character
    for (size_t i = 0; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
    }
    const double count = static_cast<double>(starts.size());
    if (offset < 0) offset += count;
    if (offset < 0 || offset > count) return c.Error(1, "the offset of `substr` is outside the string");
    double end = length < 0 ? count : std::min(count, offset + length);
    auto byte_at = [&](double ch) { return ch >= count ? s.size() : starts[static_cast<size_t>(ch)]; };
    const size_t from = byte_at(offset);
    return Value::String(s.substr(from, byte_at(end) - from), c.loc());
  }

  Result<Value> NumberFn(const Call& c, double (*f)(double)) {
    HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, 0));
    return Value::Number(f(n), c.loc());
  }
  Result<Value> FnAbs(const Call& c) { return NumberFn(c, [](double x) { return std::fabs(x); }); }
  Result<Value> FnCeil(const Call& c) { return NumberFn(c, [](double x) { return std::ceil(x); }); }
  Result<Value> FnFloor(const Call& c) { return NumberFn(c, [](double x) { return std::floor(x); }); }

  Result<Value> Extreme(const Call& c, bool want_max) {
    double best = 0;
    for (size_t i = 0; i < c.args.size(); ++i) {
      HCL_ASSIGN_OR_RETURN(double n, NumberArg(c, i));
      if (i == 0 || (want_max ? n > best : n < best)) best = n;
    }
    return Value::Number(best, c.loc());
  }
  Result<Value> FnMax(const Call& c) { return Extreme(c, true); }
  Result<Value> FnMin(const Call& c) { return Extreme(c, false); }

  Result<Value> FnSum(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    if (items->empty()) return c.Error(0, "`sum` cannot add up an empty list");
    double total = 0;
    for (const Value& item : *items) {
      if (item.is_unknown()) return UnknownFrom(item, c);
      HCL_ASSIGN_OR_RETURN(double n, ToNumber(item, c.ArgLoc(0), "`sum`"));
      total += n;
    }
    if (!std::isfinite(total)) return c.Error(0, "the result of `sum` is out of range");
    return Value::Number(total, c.loc());
  }

  Result<Value> FnRange(const Call& c) {
    double start = 0, limit = 0, step = 1;
    if (c.args.size() == 1) {
      HCL_ASSIGN_OR_RETURN(limit, NumberArg(c, 0));
    } else {
      HCL_ASSIGN_OR_RETURN(start, NumberArg(c, 0));
      HCL_ASSIGN_OR_RETURN(limit, NumberArg(c, 1));
      if (c.args.size() == 3) {
        HCL_ASSIGN_OR_RETURN(step, NumberArg(c, 2));
      }
    }
    if (step == 0) return c.Error(c.args.size() - 1, "the step of `range` must not be zero");
    if ((limit - start) / step > kMaxRange) return c.Error(0, "`range` would produce more than 1024 numbers");
    Value::Items out;
    for (double x = start; step > 0 ? x < limit : x > limit; x += step) out.push_back(Value::Number(x, c.loc()));
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnOne(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    if (items->empty()) return Value::Null(c.loc());
    if (items->size() == 1) return (*items)[0];
    return c.Error(0, fmt::format("`one` needs a list of at most one element, not {}", items->size()));
  }

  Result<Value> AllAny(const Call& c, bool all) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    const Value* unknown = nullptr;
    for (const Value& item : *items) {
      if (item.is_unknown()) {
        if (!unknown) unknown = &item;
        continue;
      }
      HCL_ASSIGN_OR_RETURN(bool b, ToBool(item, c.ArgLoc(0), all ? "`alltrue`" : "`anytrue`"));
      if (b != all) return Value::Bool(!all, c.loc());
    }
    if (unknown) return UnknownFrom(*unknown, c);
    return Value::Bool(all, c.loc());
  }
  Result<Value> FnAllTrue(const Call& c) { return AllAny(c, true); }
  Result<Value> FnAnyTrue(const Call& c) { return AllAny(c, false); }

  Result<Value> FnSort(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    std::vector<std::string> texts;
    for (const Value& item : *items) {
      if (item.is_unknown()) return UnknownFrom(item, c);
      std::optional<std::string> text = ScalarText(item);
      if (!text) return c.Error(0, fmt::format("`sort` needs strings, not {}", TypeName(item)));
      texts.push_back(std::move(*text));
    }
    std::sort(texts.begin(), texts.end());
    Value::Items out;
    for (std::string& t : texts) out.push_back(Value::String(std::move(t), c.loc()));
    return Value::Tuple(std::move(out), c.loc());
  }

  Result<Value> FnReverse(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* items, TupleArg(c, 0));
    return Value::Tuple(Value::Items(items->rbegin(), items->rend()), c.loc());
  }

  Result<Value> FnZipmap(const Call& c) {
    HCL_ASSIGN_OR_RETURN(const Value::Items* keys, TupleArg(c, 0));
    HCL_ASSIGN_OR_RETURN(const Value::Items* values, TupleArg(c, 1));
    if (keys->size() != values->size()) return c.Error(1, "`zipmap` needs as many values as keys");
    Value::Fields out;
    for (size_t i = 0; i < keys->size(); ++i) {
      if ((*keys)[i].is_unknown()) return UnknownFrom((*keys)[i], c);
      std::optional<std::string> key = ScalarText((*keys)[i]);
      if (!key) return c.Error(0, fmt::format("`zipmap` needs string keys, not {}", TypeName((*keys)[i])));
      out[*key] = (*values)[i];
    }
    return Value::Object(std::move(out), c.loc());
  }

  Evaluator& ev_;
};

// ---------------------------------------------------------------------------
// Evaluator
// ---------------------------------------------------------------------------

Evaluator::Evaluator(const Module& module, EvalOptions options)
    : module_(module), options_(std::move(options)), steps_left_(options_.step_budget) {}

Result<Value> Evaluator::Eval(const Expr& expr, const Bindings* bindings) {
  return EvalContext(*this).Eval(expr, bindings);
}

Result<Value> Evaluator::Local(std::string_view name, const SourceLoc& use) {
  return EvalContext(*this).Local(name, use);
}

Result<Value> Evaluator::Variable(std::string_view name, const SourceLoc& use) {
  return EvalContext(*this).Variable(name, use);
}

}  // namespace trustcheck::hcl
