// Node constructors, names and the compact S-expression Dump().

#include "trustcheck/ast.h"

#include <fmt/format.h>
#include <json/json.h>

#include <functional>
#include <mutex>
#include <unordered_map>

namespace trustcheck {

const char* PlatformName(Platform platform) {
  switch (platform) {
    case Platform::kAws: return "aws";
    case Platform::kAzure: return "azure";
    case Platform::kVault: return "vault";
    case Platform::kGcp: return "gcp";
  }
  return "?";
}

const char* TrustKindName(TrustKind kind) {
  switch (kind) {
    case TrustKind::kRole: return "role";
    case TrustKind::kFederatedCredential: return "federated-credential";
    case TrustKind::kJwtRole: return "jwt-role";
    case TrustKind::kProvider: return "provider";
    case TrustKind::kApplication: return "application";
  }
  return "role";
}

const char* TriName(Tri value) {
  switch (value) {
    case Tri::kFalse: return "false";
    case Tri::kTrue: return "true";
    case Tri::kUnknown: return "unknown";
  }
  return "?";
}

const char* JsonShapeName(JsonShape shape) {
  switch (shape) {
    case JsonShape::kNull: return "null";
    case JsonShape::kBool: return "a boolean";
    case JsonShape::kNumber: return "a number";
    case JsonShape::kString: return "a string";
    case JsonShape::kEmptyString: return "an empty string";
    case JsonShape::kList: return "a list";
    case JsonShape::kEmptyList: return "an empty list";
    case JsonShape::kStringList: return "a list of strings";
    case JsonShape::kObject: return "an object";
  }
  return "?";
}

Node Node::And(std::vector<Node> children, SourceLoc loc) {
  Node n;
  n.kind = Kind::kAnd;
  n.children = std::move(children);
  n.children.shrink_to_fit();  // lowerings reserve generously; a loaded trust keeps only what it holds
  n.loc = std::move(loc);
  return n;
}

Node Node::Or(std::vector<Node> children, SourceLoc loc) {
  Node n;
  n.kind = Kind::kOr;
  n.children = std::move(children);
  n.children.shrink_to_fit();  // lowerings reserve generously; a loaded trust keeps only what it holds
  n.loc = std::move(loc);
  return n;
}

Node Node::Not(Node child, SourceLoc loc) {
  Node n;
  n.kind = Kind::kNot;
  n.children.push_back(std::move(child));
  n.loc = std::move(loc);
  return n;
}

namespace {

// The pool Node::MakeTest interns into on this thread (TestPool::Scope).
thread_local TestPool* t_test_pool = nullptr;

// An absolute place in the node's file becomes relative to the node.
OperandPlace PlaceOf(const OperandPlace& operand, const SourceLoc& node) {
  if (!operand.known || operand.relative || operand.file != node.file || !node.known()) return operand;
  return OperandPlace::Relative(operand.line - static_cast<int32_t>(node.line), operand.column);
}

void HashInto(size_t* seed, size_t value) { *seed ^= value + 0x9e3779b97f4a7c15ULL + (*seed << 6) + (*seed >> 2); }
void HashInto(size_t* seed, std::string_view text) { HashInto(seed, std::hash<std::string_view>()(text)); }

}  // namespace

Node Node::MakeTest(Test test, SourceLoc loc) {
  for (Operand& op : test.operands) op.place = PlaceOf(op.place, loc);
  Node n;
  n.kind = Kind::kTest;
  n.test = t_test_pool ? t_test_pool->Intern(std::move(test)) : std::make_shared<const Test>(std::move(test));
  n.loc = std::move(loc);
  return n;
}

SourceLoc OperandLoc(const SourceLoc& test_loc, const Operand& operand) {
  const OperandPlace& p = operand.place;
  if (!p.known) return test_loc;
  if (!p.relative) return SourceLoc{p.file, static_cast<uint32_t>(p.line), p.column};
  return SourceLoc{test_loc.file, static_cast<uint32_t>(static_cast<int32_t>(test_loc.line) + p.line), p.column};
}

// A member added to Operand or Test must join operator== (Test's is
// defaulted, Operand's below) and, when it helps tell tests apart, HashOf.
static_assert(sizeof(Operand) == 248 && sizeof(Test) == 96, "a new member: update Operand::operator== and HashOf");

bool Operand::operator==(const Operand& o) const {
  const PatternOptions& a = pattern.options();
  const PatternOptions& b = o.pattern.options();
  bool same_typed = typed == o.typed || (typed && o.typed && *typed == *o.typed);
  return text == o.text && pattern.text() == o.pattern.text() && a.flavor == b.flavor && a.fold_case == b.fold_case &&
         a.aws_escapes == b.aws_escapes && same_typed && number == o.number && epoch_seconds == o.epoch_seconds &&
         epoch_milliseconds == o.epoch_milliseconds && flag == o.flag && shape == o.shape && ip_bytes == o.ip_bytes &&
         ip_length == o.ip_length && ip_prefix == o.ip_prefix && segments == o.segments && valid == o.valid && place == o.place;
}

size_t HashOf(const Test& test) {
  size_t h = static_cast<size_t>(test.kind) * 31 + static_cast<size_t>(test.role);
  for (const InternedString& name : test.ref.names) HashInto(&h, std::string_view(name));
  HashInto(&h, std::string_view(test.ref.display));
  HashInto(&h, std::string_view(test.op_display));
  HashInto(&h, static_cast<size_t>(test.negated) * 2 + static_cast<size_t>(test.quantifier) * 4);
  for (const Operand& op : test.operands) {
    HashInto(&h, op.text);
    HashInto(&h, (static_cast<size_t>(op.place.line) << 20) ^ op.place.column);
  }
  return h;
}

struct TestPool::Shard {
  std::mutex mu;
  std::unordered_multimap<size_t, std::shared_ptr<const Test>> tests;
};

TestPool::TestPool() : shards_(new Shard[kShards]) {}
TestPool::~TestPool() = default;

std::shared_ptr<const Test> TestPool::Intern(Test test) {
  const size_t hash = HashOf(test);
  Shard& shard = shards_[hash % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto [begin, end] = shard.tests.equal_range(hash);
  for (auto it = begin; it != end; ++it)
    if (*it->second == test) return it->second;
  auto pooled = std::make_shared<const Test>(std::move(test));
  shard.tests.emplace(hash, pooled);
  return pooled;
}

size_t TestPool::size() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].tests.size();
  }
  return n;
}

TestPool* TestPool::Current() { return t_test_pool; }

TestPool::Scope::Scope(TestPool* pool) : previous_(t_test_pool) { t_test_pool = pool; }
TestPool::Scope::~Scope() { t_test_pool = previous_; }

Node Node::Const(bool value, std::string reason, SourceLoc loc) {
  Node n;
  n.kind = Kind::kConst;
  n.value = value;
  if (!reason.empty()) n.detail_ = std::make_shared<const Detail>(Detail{std::move(reason), nullptr, nullptr, nullptr});
  n.loc = std::move(loc);
  return n;
}

Node Node::Unknown(std::string reason, SourceLoc loc) {
  Node n;
  n.kind = Kind::kUnknown;
  n.detail_ = std::make_shared<const Detail>(Detail{std::move(reason), nullptr, nullptr, nullptr});
  n.loc = std::move(loc);
  return n;
}

Node Node::Unknown(std::string reason, SourceLoc loc, Node assumed) {
  Node n;
  n.kind = Kind::kUnknown;
  n.detail_ = std::make_shared<const Detail>(
      Detail{std::move(reason), nullptr, nullptr, std::make_shared<const Node>(std::move(assumed))});
  n.loc = std::move(loc);
  return n;
}

Node Node::Expr(std::shared_ptr<const NodeExpr> expr, std::shared_ptr<const void> context, SourceLoc loc) {
  Node n;
  n.kind = Kind::kExpr;
  n.detail_ = std::make_shared<const Detail>(Detail{"", std::move(expr), std::move(context), nullptr});
  n.loc = std::move(loc);
  return n;
}

const std::string& Node::reason() const {
  static const std::string kNone;
  return detail_ ? detail_->reason : kNone;
}

const std::shared_ptr<const NodeExpr>& Node::expr() const {
  static const std::shared_ptr<const NodeExpr> kNone;
  return detail_ ? detail_->expr : kNone;
}

const std::shared_ptr<const void>& Node::expr_context() const {
  static const std::shared_ptr<const void> kNone;
  return detail_ ? detail_->expr_context : kNone;
}

const std::shared_ptr<const Node>& Node::assumed() const {
  static const std::shared_ptr<const Node> kNone;
  return detail_ ? detail_->assumed : kNone;
}

const std::string* Trust::Label(std::string_view key) const {
  for (const auto& [k, v] : facts.labels)
    if (k == key) return &v;
  return nullptr;
}

namespace {

std::string TestViolation(const Test& t) {
  for (const Operand& o : t.operands) {
    if (t.kind == MatchKind::kTyped && !o.typed) return "typed test with an operand that has no value";
    if (t.kind == MatchKind::kIpAddress && o.valid) {
      const size_t bits = o.ip_length * 8;
      if ((o.ip_length != 4 && o.ip_length != 16) || o.ip_prefix < 0 ||
          static_cast<size_t>(o.ip_prefix) > bits)
        return "IP test with a malformed network";
    }
  }
  return "";
}

std::string NodeViolation(const Node& n, int depth) {
  if (depth > 10000) return "node tree deeper than 10000";
  switch (n.kind) {
    case Node::Kind::kTest:
      if (!n.test) return "kTest node without a test";
      if (!n.children.empty()) return "kTest node with children";
      if (std::string v = TestViolation(*n.test); !v.empty()) return v;
      break;
    case Node::Kind::kNot:
      if (n.children.size() != 1) return fmt::format("kNot node with {} children", n.children.size());
      break;
    case Node::Kind::kExpr:
      if (!n.expr()) return "kExpr node without an expression";
      if (!n.children.empty()) return "kExpr node with children";
      break;
    case Node::Kind::kConst:
    case Node::Kind::kUnknown:
      if (!n.children.empty()) return "constant or unknown node with children";
      break;
    case Node::Kind::kAnd:
    case Node::Kind::kOr:
      if (n.test || n.expr()) return "And/Or node with a test or an expression";
      break;
  }
  for (const Node& c : n.children)
    if (std::string v = NodeViolation(c, depth + 1); !v.empty()) return v;
  if (n.assumed())
    if (std::string v = NodeViolation(*n.assumed(), depth + 1); !v.empty()) return "assumed reading: " + v;
  return "";
}

}  // namespace

std::string FindInvariantViolation(const Trust& trust) {
  for (size_t i = 0; i < trust.statements.size(); ++i)
    if (std::string v = NodeViolation(trust.statements[i].when, 0); !v.empty())
      return fmt::format("statement {}: {}", i + 1, v);
  return "";
}

namespace {

const char* MatchKindName(const Test& test) {
  switch (test.kind) {
    case MatchKind::kString: {
      if (test.operands.empty()) return "eq";
      const PatternOptions& o = test.operands.front().pattern.options();
      if (o.flavor == WildcardFlavor::kLiteral) return o.fold_case ? "eq-fold" : "eq";
      switch (o.flavor) {
        case WildcardFlavor::kAws: return o.fold_case ? "like-fold" : "like";
        case WildcardFlavor::kEntra: return "matches";
        case WildcardFlavor::kVault: return "glob";
        default: return "eq";
      }
    }
    case MatchKind::kTyped: return "typed-eq";
    case MatchKind::kNumericEq: return "num-eq";
    case MatchKind::kNumericLt: return "num-lt";
    case MatchKind::kNumericLe: return "num-le";
    case MatchKind::kNumericGt: return "num-gt";
    case MatchKind::kNumericGe: return "num-ge";
    case MatchKind::kDateEq: return "date-eq";
    case MatchKind::kDateLt: return "date-lt";
    case MatchKind::kDateLe: return "date-le";
    case MatchKind::kDateGt: return "date-gt";
    case MatchKind::kDateGe: return "date-ge";
    case MatchKind::kBool: return "bool";
    case MatchKind::kPresence: return "null";
    case MatchKind::kArn: return "arn";
    case MatchKind::kIpAddress: return "ip";
    case MatchKind::kJsonShape: return "shape";
  }
  return "?";
}

std::string RefName(const ValueRef& ref) {
  switch (ref.source) {
    case ValueRef::Source::kAction: return "$action";
    case ValueRef::Source::kPointer: return ref.names.empty() ? "/" : ref.names.front();
    case ValueRef::Source::kMemberNames: return "keys(" + (ref.names.empty() ? "/" : ref.names.front()) + ")";
    case ValueRef::Source::kClaim: break;
  }
  if (ref.names.empty()) return "?";
  std::string out = ref.names.front();
  for (size_t i = 1; i < ref.names.size(); ++i) out += "|" + ref.names[i];
  return out;
}

std::string OperandText(const Test& test, const Operand& op) {
  if (test.kind == MatchKind::kJsonShape) return fmt::format("<{}>", JsonShapeName(op.shape));
  if (test.number_equality == NumberEquality::kIntegerText && op.typed && op.typed->isNumeric()) return op.text;
  if (op.typed) {
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    return Json::writeString(b, *op.typed);
  }
  return fmt::format("\"{}\"", op.text);
}

}  // namespace

std::string Dump(const Test& test) {
  std::string out = fmt::format("(test {} {}", RefName(test.ref), MatchKindName(test));
  if (test.negated) out += " not";
  out += " [";
  for (size_t i = 0; i < test.operands.size(); ++i) {
    if (i) out += " ";
    out += OperandText(test, test.operands[i]);
  }
  out += "]";
  if (test.quantifier == Quantifier::kAnyValue) out += " any";
  if (test.quantifier == Quantifier::kAllValues) out += " all";
  if (test.number_equality == NumberEquality::kIntegerText) out += " int-text";
  if (test.missing_result != Tri::kFalse) out += fmt::format(" missing={}", TriName(test.missing_result));
  if (!test.ref.visible) out += " invisible";
  if (!test.ref.issuer_prefix.empty()) out += fmt::format(" @{}", test.ref.issuer_prefix);
  out += ")";
  return out;
}

std::string Dump(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      std::string out = node.kind == Node::Kind::kAnd ? "(and" : "(or";
      for (const Node& c : node.children) out += " " + Dump(c);
      return out + ")";
    }
    case Node::Kind::kNot:
      return "(not " + (node.children.empty() ? std::string("?") : Dump(node.children[0])) + ")";
    case Node::Kind::kTest: return Dump(*node.test);
    case Node::Kind::kConst: return node.value ? "true" : "false";
    case Node::Kind::kUnknown: return "(unknown)";
    case Node::Kind::kExpr: return "(cel)";
  }
  return "?";
}

std::string Dump(const Trust& trust) {
  std::string out = fmt::format("(trust {} \"{}\"", PlatformName(trust.platform), trust.name);
  for (const Statement& s : trust.statements) {
    out += fmt::format(" ({} {})", s.effect == Effect::kAllow ? "allow" : "deny", Dump(s.when));
  }
  return out + ")";
}

}  // namespace trustcheck
