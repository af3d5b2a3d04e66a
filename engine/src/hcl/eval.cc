// The HCL evaluator: Expr -> Value with explicit unknowns, over one module.
// The function library is in functions.cc.

#include "hcl/eval_context.h"

namespace trustcheck::hcl {

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

// ---------------------------------------------------------------------------
// EvalContext: the expression forms
// ---------------------------------------------------------------------------

Result<Value> EvalContext::Eval(const Expr& e, const Bindings* b) {
  if (ev_.steps_left_ == 0) return Value::Unknown("evaluation stopped at its step limit", e.loc);
  --ev_.steps_left_;
  if (ev_.depth_ >= kMaxEvalDepth) return Value::Unknown("expression nests too deeply to evaluate", e.loc);
  ++ev_.depth_;
  Result<Value> result = Dispatch(e, b);
  --ev_.depth_;
  return result;
}

Result<Value> EvalContext::Variable(std::string_view name, const SourceLoc& use) {
  if (auto it = ev_.options_.variables.find(name); it != ev_.options_.variables.end()) return it->second;
  const Block* block = ev_.module_.FindVariable(name);
  if (!block) return Value::Unknown(fmt::format("`var.{}` is not declared", name), use);
  const Attribute* def = block->body.Find("default");
  if (!def) return Value::Unknown(fmt::format("`var.{}` has no default", name), use);
  return Eval(*def->expr, nullptr);
}

Result<Value> EvalContext::Local(std::string_view name, const SourceLoc& use) {
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

Result<Value> EvalContext::Dispatch(const Expr& e, const Bindings* b) {
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

Value EvalContext::TooLarge(const SourceLoc& loc) { return Value::Unknown("value is larger than the evaluation limit", loc); }

Value EvalContext::Checked(Value v) {
  if (v.size() > ev_.options_.max_value_nodes) return TooLarge(v.loc());
  if (v.is_string() && v.as_string().size() > ev_.options_.max_string_bytes) return TooLarge(v.loc());
  return v;
}

// Converts an interpolated value to its text, or explains why it cannot be.
Result<std::string> EvalContext::TemplateText(const Value& v, const SourceLoc& loc) {
  if (std::optional<std::string> text = ScalarText(v)) return std::move(*text);
  if (v.is_null()) return Status::Error(loc, "a null value cannot be used in a string template");
  return Status::Error(loc, fmt::format("{} cannot be used in a string template", TypeName(v)));
}

// Known text from the same place (a `%{for}` body repeating) or beyond the
// piece cap joins the piece before it, so pieces stay few.
void EvalContext::AddPiece(std::vector<Value::Piece>& out, Value::Piece piece) {
  if (piece.known && !out.empty() && out.back().known &&
      (out.size() >= kMaxPieces || (out.back().loc.file == piece.loc.file && out.back().loc.line == piece.loc.line &&
                                    out.back().loc.column == piece.loc.column))) {
    out.back().text += piece.text;
    return;
  }
  out.push_back(std::move(piece));
}

Status EvalContext::EvalParts(const std::vector<TemplatePart>& parts, const Bindings* b, std::vector<Value::Piece>& out,
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

Result<Value> EvalContext::EvalTemplate(const Expr& e, const Bindings* b) {
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

Result<Value> EvalContext::EvalTuple(const Expr& e, const Bindings* b) {
  Value::Items items;
  items.reserve(e.items.size());
  for (const ExprPtr& item : e.items) {
    HCL_ASSIGN_OR_RETURN(Value v, Eval(*item, b));
    items.push_back(std::move(v));
  }
  return Checked(Value::Tuple(std::move(items), e.loc));
}

Result<Value> EvalContext::EvalObject(const Expr& e, const Bindings* b) {
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
Result<std::vector<std::pair<Value, Value>>> EvalContext::Elements(const Value& coll, const SourceLoc& loc) {
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

Result<Value> EvalContext::EvalFor(const Expr& e, const Bindings* b) {
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

std::string EvalContext::StepText(const Step& step, const Value& key) {
  if (step.kind == Step::Kind::kAttr) return "." + step.name;
  return "[" + DebugString(key) + "]";
}

// Applies steps[from..] to `v`; `text` is the traversal so far, for messages.
Result<Value> EvalContext::ApplySteps(Value v, const std::vector<Step>& steps, size_t from, std::string text,
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

Result<Value> EvalContext::Index(const Value& v, const Step& step, const Value& key, const std::string& text) {
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

Result<Value> EvalContext::EvalSplat(const Expr& e, const Bindings* b) {
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
const std::string& EvalContext::AttrAt(const std::vector<Step>& steps, size_t i) {
  static const std::string kNone;
  return i < steps.size() && steps[i].kind == Step::Kind::kAttr ? steps[i].name : kNone;
}

Result<Value> EvalContext::EvalScopeTraversal(const Expr& e, const Bindings* b) {
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

Result<Value> EvalContext::EvalResource(const Expr& e, const Bindings* b) {
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

Result<bool> EvalContext::ToBool(const Value& v, const SourceLoc& loc, std::string_view where) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_string() && (v.as_string() == "true" || v.as_string() == "false")) return v.as_string() == "true";
  return Status::Error(loc, fmt::format("{} needs a bool, not {}", where, TypeName(v)));
}

Result<double> EvalContext::ToNumber(const Value& v, const SourceLoc& loc, std::string_view where) {
  if (v.is_number()) return v.as_number();
  if (v.is_string()) {
    if (std::optional<double> n = ParseNumber(v.as_string())) return *n;
    return Status::Error(loc, fmt::format("{} needs a number, not the string `{}`", where, v.as_string()));
  }
  return Status::Error(loc, fmt::format("{} needs a number, not {}", where, TypeName(v)));
}

Result<Value> EvalContext::EvalUnary(const Expr& e, const Bindings* b) {
  HCL_ASSIGN_OR_RETURN(Value v, Eval(*e.source, b));
  if (v.is_unknown()) return Value::Unknown(v.unknown_reason(), e.loc);
  if (e.unary_op == UnaryOp::kNot) {
    HCL_ASSIGN_OR_RETURN(bool x, ToBool(v, e.source->loc, "`!`"));
    return Value::Bool(!x, e.loc);
  }
  HCL_ASSIGN_OR_RETURN(double n, ToNumber(v, e.source->loc, "`-`"));
  return Value::Number(-n, e.loc);
}

Result<Value> EvalContext::EvalBinary(const Expr& e, const Bindings* b) {
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

Result<Value> EvalContext::EvalConditional(const Expr& e, const Bindings* b) {
  HCL_ASSIGN_OR_RETURN(Value cond, Eval(*e.source, b));
  if (cond.is_unknown()) return Value::Unknown(cond.unknown_reason(), e.loc);
  HCL_ASSIGN_OR_RETURN(bool chosen, ToBool(cond, e.source->loc, "the condition of `? :`"));
  return Eval(chosen ? *e.other : *e.third, b);
}

Result<Value> EvalContext::EvalCall(const Expr& e, const Bindings* b) {
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
Result<Value> EvalContext::EvalFile(const Expr& e, const Bindings* b) {
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
Result<Value> EvalContext::EvalTry(const Expr& e, const Bindings* b) {
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

Result<Value> EvalContext::EvalCan(const Expr& e, const Bindings* b) {
  if (e.items.size() != 1) return Status::Error(e.loc, fmt::format("`can` takes 1 argument, not {}", e.items.size()));
  Result<Value> v = Eval(*e.items[0], b);
  if (!v.ok()) return Value::Bool(false, e.loc);
  if (!v->wholly_known()) return Value::Unknown(v->FirstUnknownReason(), e.loc);
  return Value::Bool(true, e.loc);
}

Result<std::string> EvalContext::StringArg(const Call& c, size_t i) {
  const Value& v = c.args[i];
  if (std::optional<std::string> text = ScalarText(v)) return std::move(*text);
  return c.Error(i, fmt::format("argument {} of `{}` must be a string, not {}", i + 1, c.name(), TypeName(v)));
}

Result<double> EvalContext::NumberArg(const Call& c, size_t i) {
  return ToNumber(c.args[i], c.ArgLoc(i), fmt::format("argument {} of `{}`", i + 1, c.name()));
}

Result<const Value::Items*> EvalContext::TupleArg(const Call& c, size_t i) {
  const Value& v = c.args[i];
  if (v.is_tuple()) return &v.items();
  return c.Error(i, fmt::format("argument {} of `{}` must be a list, not {}", i + 1, c.name(), TypeName(v)));
}

const Value* EvalContext::FirstUnknown(const Value::Items& items) {
  for (const Value& v : items) {
    if (!v.wholly_known()) return &v;
  }
  return nullptr;
}

Value EvalContext::UnknownFrom(const Value& v, const Call& c) { return Value::Unknown(v.FirstUnknownReason(), c.loc()); }

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
