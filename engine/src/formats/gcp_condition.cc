#include "formats/gcp_condition.h"

#include <fmt/format.h>

#include <algorithm>

#include "cel/trust_expr.h"
#include "text/json_pointer.h"
#include "value_text.h"

namespace trustcheck::gcp {

namespace {

JsonShape ShapeOf(const cel::Value& literal) {
  switch (literal.type()) {
    case cel::Type::kString: return JsonShape::kString;
    case cel::Type::kBool: return JsonShape::kBool;
    case cel::Type::kNull: return JsonShape::kNull;
    default: return JsonShape::kNumber;
  }
}

}  // namespace

std::optional<Json::Value> JsonOf(const cel::Value& literal) {
  switch (literal.type()) {
    case cel::Type::kString: return Json::Value(literal.string_value());
    case cel::Type::kBool: return Json::Value(literal.bool_value());
    case cel::Type::kInt: return Json::Value(static_cast<Json::Int64>(literal.int_value()));
    case cel::Type::kUint: return Json::Value(static_cast<Json::UInt64>(literal.uint_value()));
    case cel::Type::kDouble: return Json::Value(literal.double_value());
    default: return std::nullopt;
  }
}

namespace {

bool IsScalarLiteral(const cel::Expr& e) {
  return e.kind() == cel::ExprKind::kLiteral && JsonOf(e.literal()).has_value();
}

}  // namespace

std::string EscapeForPattern(std::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (c == '*' || c == '?' || c == '$') {
      out += "${";
      out += c;
      out += "}";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

class ConditionLowering {
 public:
  ConditionLowering(std::shared_ptr<const cel::Expr> root, const MappingView& view)
      : mapping_(view.mapping), mapping_unknown_(view.unknown), unknown_keys_(view.unknown_keys),
        condition_root_(std::move(root)) {}

  std::vector<Node> Run() {
    std::vector<Node> parts;
    if (std::optional<std::string> key = UnmappedConjunct(*condition_root_)) {
      parts.push_back(Node::Const(
          false,
          fmt::format("the condition reads `{}`, which the attribute mapping does not define, so it fails for every "
                      "token",
                      *key),
          unmapped_loc_));
    }
    parts.push_back(Lower(*condition_root_));
    return parts;
  }

 private:
  // The attribute (`attribute.x`, `google.x`) a path reads when the mapping
  // is known and does not define it.
  std::optional<std::string> UnmappedAttribute(const cel::Expr& e) const {
    if (!mapping_ || mapping_unknown_) return std::nullopt;
    std::optional<cel::Path> path = cel::AsPath(e);
    if (!path || (path->root != "attribute" && path->root != "google") || path->steps.empty()) return std::nullopt;
    const std::string* step = std::get_if<std::string>(&path->steps[0]);
    if (step == nullptr) return std::nullopt;
    std::string key = path->root + "." + *step;
    if (unknown_keys_.count(key)) return std::nullopt;
    for (const cel::AttributeMapping::Entry& entry : mapping_->entries) {
      if (entry.key == key) return std::nullopt;
    }
    return key;
  }

  // Reading an attribute that is not mapped is an error ("You must have an
  // attribute mapping for all attribute condition fields"), and CEL
  // operators and functions are strict in their operands: a conjunct of the
  // condition that applies one directly to such a read is never true, so no
  // token passes. Only `&&`, `||`, `?:` and `has` can absorb the error;
  // reads under them are left to the evaluator.
  std::optional<std::string> UnmappedConjunct(const cel::Expr& e) {
    if (e.kind() == cel::ExprKind::kAnd) {
      for (size_t i = 0; i < e.num_children(); ++i) {
        if (auto key = UnmappedConjunct(e.child(i))) return key;
      }
      return std::nullopt;
    }
    std::vector<const cel::Expr*> strict;
    switch (e.kind()) {
      case cel::ExprKind::kIdent:
      case cel::ExprKind::kSelect:
        strict.push_back(&e);
        break;
      case cel::ExprKind::kBinary:
      case cel::ExprKind::kCall:
      case cel::ExprKind::kUnary:
      case cel::ExprKind::kIndex:
        strict.push_back(&e);
        for (size_t i = 0; i < e.num_children(); ++i) strict.push_back(&e.child(i));
        break;
      case cel::ExprKind::kConditional:
      case cel::ExprKind::kComprehension:
        strict.push_back(&e.child(0));
        break;
      default:
        break;
    }
    for (const cel::Expr* operand : strict) {
      if (auto key = UnmappedAttribute(*operand)) {
        unmapped_loc_ = operand->loc();
        return key;
      }
    }
    return std::nullopt;
  }

  // CEL && || ! are Kleene And / Or / Not once an error is read as kUnknown;
  // comparisons of a claim with literals become Tests; the rest stays CEL.
  Node Lower(const cel::Expr& e) {
    switch (e.kind()) {
      case cel::ExprKind::kAnd:
      case cel::ExprKind::kOr: {
        std::vector<Node> children;
        for (size_t i = 0; i < e.num_children(); ++i) children.push_back(Lower(e.child(i)));
        return e.kind() == cel::ExprKind::kAnd ? Node::And(std::move(children), e.loc())
                                               : Node::Or(std::move(children), e.loc());
      }
      case cel::ExprKind::kUnary:
        if (e.op() == cel::Op::kNot) return Node::Not(Lower(e.child(0)), e.loc());
        break;
      case cel::ExprKind::kLiteral:
        if (e.literal().type() == cel::Type::kBool) {
          bool value = e.literal().bool_value();
          return Node::Const(value, value ? "condition `true`" : "condition `false` is always false", e.loc());
        }
        break;
      case cel::ExprKind::kBinary:
        if (auto n = LowerComparison(e)) return std::move(*n);
        break;
      case cel::ExprKind::kCall:
        if (auto n = LowerStringFunction(e)) return std::move(*n);
        break;
      case cel::ExprKind::kHas:
        if (auto n = LowerHas(e)) return std::move(*n);
        break;
      default:
        break;
    }
    return CelNode(e);
  }

  // A subexpression evaluated as CEL; it aliases the parsed condition.
  Node CelNode(const cel::Expr& e) const {
    auto payload = std::make_shared<CelExpr>();
    payload->check = CelExpr::Check::kCondition;
    payload->expr = std::shared_ptr<const cel::Expr>(condition_root_, &e);
    return Node::Expr(std::move(payload), mapping_, e.loc());
  }

  // The claim a CEL path reads: `assertion.x`, `assertion['a.b'].c`, or an
  // `attribute.x` / `google.x` whose mapping is itself such a path (if that
  // mapping fails the token is rejected anyway, so reading the claim is exact).
  std::optional<ValueRef> ResolveClaim(const cel::Expr& e) const {
    std::optional<cel::Path> path = cel::AsPath(e);
    if (!path || path->steps.empty()) return std::nullopt;
    if (path->root == "attribute" || path->root == "google") {
      const std::string* step = std::get_if<std::string>(&path->steps[0]);
      if (path->steps.size() != 1 || step == nullptr || !mapping_) return std::nullopt;
      std::string key = path->root + "." + *step;
      for (const cel::AttributeMapping::Entry& entry : mapping_->entries) {
        if (entry.key == key) {
          std::optional<cel::Path> mapped = cel::AsPath(*entry.expr);
          if (mapped && mapped->root == "assertion") return ClaimRef(*mapped);
        }
      }
      return std::nullopt;
    }
    if (path->root != "assertion") return std::nullopt;
    return ClaimRef(*path);
  }

  // Only string keys: an index into a list (`[0]`) would read an object's
  // member "0" through a JSON pointer, which CEL does not.
  static std::optional<ValueRef> ClaimRef(const cel::Path& path) {
    if (path.steps.empty()) return std::nullopt;
    ValueRef ref;
    std::string pointer;
    std::vector<std::string> keys;
    for (const cel::Path::Step& step : path.steps) {
      const std::string* key = std::get_if<std::string>(&step);
      if (key == nullptr) return std::nullopt;
      keys.push_back(*key);
      pointer += "/" + JsonPointerToken(*key);
    }
    if (keys.size() == 1) {
      ref.source = ValueRef::Source::kClaim;
      ref.names = {keys[0]};
      ref.display = keys[0];
    } else {
      ref.source = ValueRef::Source::kPointer;
      ref.names = {pointer};
      ref.display = cel::Path{"", path.steps}.ToString();
      if (!ref.display.empty() && ref.display[0] == '.') ref.display = ref.display.substr(1);
    }
    return ref;
  }

  static Test BaseTest(const ValueRef& ref, const cel::Expr& e, std::string op_display) {
    Test t;
    t.ref = ref;
    t.typing = ValueTyping::kJson;
    t.quantifier = Quantifier::kSingle;
    t.missing_result = Tri::kUnknown;  // a missing key is a CEL error
    t.role = TestRole::kCondition;
    t.what = "condition";
    t.op_display = std::move(op_display);
    return t;
  }

  // The claim's JSON type is one of `shapes` (null counts as a value).
  static Node ShapeTest(const ValueRef& ref, const cel::Expr& e, std::set<JsonShape> shapes, const std::string& op) {
    Test t = BaseTest(ref, e, op);
    t.kind = MatchKind::kJsonShape;
    for (JsonShape s : shapes) {
      Operand o;
      o.shape = s;
      o.text = JsonShapeName(s);
      o.place = e.loc();
      t.operands.push_back(std::move(o));
    }
    return Node::MakeTest(std::move(t), e.loc());
  }

  static Operand TypedOperand(const cel::Expr& literal) {
    Operand o;
    Json::Value json = *JsonOf(literal.literal());
    o.text = CompactJson(json);
    o.typed = std::make_shared<const Json::Value>(std::move(json));
    o.place = literal.loc();
    return o;
  }

  // claim == literal, claim != literal, claim in [literals], literal in claim.
  std::optional<Node> LowerComparison(const cel::Expr& e) {
    cel::Op op = e.op();
    if (op != cel::Op::kEq && op != cel::Op::kNe && op != cel::Op::kIn) return std::nullopt;
    const cel::Expr& left = e.child(0);
    const cel::Expr& right = e.child(1);
    std::string op_display(cel::OpSymbol(op));
    if (op == cel::Op::kIn) {
      if (auto ref = ResolveClaim(left); ref && right.kind() == cel::ExprKind::kList) {
        return Membership(*ref, e, right);
      }
      if (auto ref = ResolveClaim(right); ref && IsScalarLiteral(left)) return ListContains(*ref, e, left);
      return std::nullopt;
    }
    // The claim on either side, the literal on the other.
    const cel::Expr* literal = &right;
    std::optional<ValueRef> ref = ResolveClaim(left);
    if (!ref) {
      literal = &left;
      ref = ResolveClaim(right);
    }
    if (!ref || literal->kind() != cel::ExprKind::kLiteral) return std::nullopt;
    Node equal;
    if (literal->literal().type() == cel::Type::kNull) {
      equal = ShapeTest(*ref, e, {JsonShape::kNull}, op_display);
    } else if (IsScalarLiteral(*literal)) {
      // CEL == is false across types: the claim must have the literal's
      // JSON type and then be equal to it.
      Test t = BaseTest(*ref, e, op_display);
      t.kind = MatchKind::kTyped;
      t.operands.push_back(TypedOperand(*literal));
      equal = Node::And({ShapeTest(*ref, e, {ShapeOf(literal->literal())}, op_display),
                         Node::MakeTest(std::move(t), e.loc())},
                        e.loc());
    } else {
      return std::nullopt;
    }
    if (op == cel::Op::kNe) return Node::Not(std::move(equal), e.loc());
    return equal;
  }

  // claim in ['a', 'b']: equal to one of the literals (of its type).
  std::optional<Node> Membership(const ValueRef& ref, const cel::Expr& e, const cel::Expr& list) {
    if (list.num_children() == 0) return std::nullopt;
    Test t = BaseTest(ref, e, "in");
    t.kind = MatchKind::kTyped;
    std::set<JsonShape> shapes;
    for (size_t i = 0; i < list.num_children(); ++i) {
      const cel::Expr& element = list.child(i);
      if (!IsScalarLiteral(element)) return std::nullopt;  // null, lists, computed values: stay CEL
      shapes.insert(ShapeOf(element.literal()));
      t.operands.push_back(TypedOperand(element));
    }
    return Node::And({ShapeTest(ref, e, shapes, "in"), Node::MakeTest(std::move(t), e.loc())}, e.loc());
  }

  // 'admins' in claim: for a list claim, some element equals the literal;
  // for anything else (a map's keys, a type error) CEL decides.
  Node ListContains(const ValueRef& ref, const cel::Expr& e, const cel::Expr& literal) {
    Test t = BaseTest(ref, e, "in");
    t.kind = MatchKind::kTyped;
    t.quantifier = Quantifier::kAnyValue;
    t.operands.push_back(TypedOperand(literal));
    Node is_list = ShapeTest(ref, e, {JsonShape::kList}, "in");
    Node not_list = Node::Not(ShapeTest(ref, e, {JsonShape::kList}, "in"), e.loc());
    return Node::Or({Node::And({std::move(is_list), Node::MakeTest(std::move(t), e.loc())}, e.loc()),
                     Node::And({std::move(not_list), CelNode(e)}, e.loc())},
                    e.loc());
  }

  // claim.startsWith('p') / endsWith / contains: a wildcard pattern on a
  // string claim; on any other type CEL has no overload, an error.
  std::optional<Node> LowerStringFunction(const cel::Expr& e) {
    cel::Function f = e.function();
    if (!e.is_method() || (f != cel::Function::kStartsWith && f != cel::Function::kEndsWith &&
                           f != cel::Function::kContains)) {
      return std::nullopt;
    }
    std::optional<ValueRef> ref = ResolveClaim(e.child(0));
    const cel::Expr& arg = e.child(1);
    if (!ref || arg.kind() != cel::ExprKind::kLiteral || arg.literal().type() != cel::Type::kString) {
      return std::nullopt;
    }
    std::string escaped = EscapeForPattern(arg.literal().string_value());
    std::string pattern = f == cel::Function::kStartsWith ? escaped + "*"
                          : f == cel::Function::kEndsWith ? "*" + escaped
                                                          : "*" + escaped + "*";
    Test t = BaseTest(*ref, e, e.name());
    t.kind = MatchKind::kString;
    Operand o;
    o.text = pattern;
    o.pattern = Pattern::Compile(pattern, {WildcardFlavor::kAws, false, true});
    o.place = arg.loc();
    t.operands.push_back(std::move(o));
    Node is_string = ShapeTest(*ref, e, {JsonShape::kString}, e.name());
    Node not_string = Node::Not(ShapeTest(*ref, e, {JsonShape::kString}, e.name()), e.loc());
    return Node::Or({Node::And({std::move(is_string), Node::MakeTest(std::move(t), e.loc())}, e.loc()),
                     Node::And({std::move(not_string), CelNode(e)}, e.loc())},
                    e.loc());
  }

  // has(assertion.x): the claim is present (null included);
  // has(attribute.x) / has(google.x): the mapping defines it.
  std::optional<Node> LowerHas(const cel::Expr& e) {
    const cel::Expr& operand = e.child(0);
    if (operand.kind() != cel::ExprKind::kIdent) return std::nullopt;
    if (operand.name() == "assertion") {
      ValueRef ref;
      ref.names = {e.name()};
      ref.display = e.name();
      Test t = BaseTest(ref, e, "has");
      t.kind = MatchKind::kJsonShape;
      t.missing_result = Tri::kFalse;
      for (JsonShape s : {JsonShape::kNull, JsonShape::kBool, JsonShape::kNumber, JsonShape::kString,
                          JsonShape::kList, JsonShape::kObject}) {
        Operand o;
        o.shape = s;
        o.text = JsonShapeName(s);
        o.place = e.loc();
        t.operands.push_back(std::move(o));
      }
      return Node::MakeTest(std::move(t), e.loc());
    }
    if ((operand.name() == "attribute" || operand.name() == "google") && mapping_) {
      std::string key = operand.name() + "." + e.name();
      if (mapping_unknown_) return Node::Unknown(fmt::format("whether `{}` is mapped is unknown", key), e.loc());
      bool mapped = unknown_keys_.count(key) > 0 || std::any_of(mapping_->entries.begin(), mapping_->entries.end(),
                                [&](const cel::AttributeMapping::Entry& entry) { return entry.key == key; });
      return Node::Const(mapped, fmt::format("the attribute mapping has no `{}`", key), e.loc());
    }
    return std::nullopt;
  }

  std::shared_ptr<const cel::AttributeMapping> mapping_;
  bool mapping_unknown_ = false;
  std::set<std::string> unknown_keys_;
  std::shared_ptr<const cel::Expr> condition_root_;
  SourceLoc unmapped_loc_;  // where UnmappedConjunct found its read
};

}  // namespace

std::vector<Node> LowerAttributeCondition(std::shared_ptr<const cel::Expr> condition, const MappingView& mapping) {
  return ConditionLowering(std::move(condition), mapping).Run();
}

}  // namespace trustcheck::gcp
