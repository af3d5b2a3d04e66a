// hcl/hcl.h: a parser and evaluator for the HCL2 native syntax (Terraform).
//
// OVERVIEW
//
// Trust policies live in Terraform modules, and no Debian package parses HCL,
// so trustcheck carries the subset of HCL2 that real modules use (see
// docs/terraform.md for the exact subset and its limits). Three named steps:
//
//   ParseFile     text -> File: a Body of attributes (`name = expr`) and
//                 blocks (`type "label" { ... }`) whose values are Expr trees.
//                 Every node keeps its file, line and column.
//   Module        the Files of one folder, with their `variable` blocks and
//                 `locals` indexed by name (a module spans several files).
//   Evaluator     Expr -> Value. A Value may be (or contain) an explicit
//                 UNKNOWN carrying the reason it is unknown ("`var.repo` has
//                 no default"). Unknowns propagate through every operation;
//                 nothing is ever guessed.
//
// EXAMPLE
//
//   Result<File> file = ParseFile(text, "main.tf");
//   if (!file.ok()) return file.status();       // main.tf:12:7: error: ...
//   Module module;
//   Status added = module.Add(std::move(*file));  // fails on duplicate names
//   Evaluator eval(module, options);
//   const Block* role = ...;                      // resource "aws_iam_role" "x"
//   Result<Value> policy = eval.Eval(*role->body.Find("assume_role_policy")->expr);
//
// LIMITS
//
// Input is hostile until proven otherwise: files above kMaxFileBytes,
// nesting deeper than kMaxNesting, and evaluations that would take more
// than a step budget or build values above a size budget are refused with a
// located error (parsing) or become unknowns (evaluation). Nothing recurses
// without a bound and nothing loops without a budget.
//
// THREAD SAFETY
//
// Files, Exprs and Values are immutable once built and may be shared across
// threads. An Evaluator caches the locals it has evaluated: use one per
// thread.

#ifndef TRUSTCHECK_HCL_HCL_H_
#define TRUSTCHECK_HCL_HCL_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/status.h"

namespace Json {
class Value;
}  // namespace Json

namespace trustcheck::hcl {

// Files larger than this are refused before lexing.
inline constexpr size_t kMaxFileBytes = 8u << 20;
// Brackets, blocks, templates and unary operators nested deeper than this are
// a parse error; real modules stay below 20.
inline constexpr int kMaxNesting = 100;

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

// The result of evaluating an expression. HCL's lists, sets and tuples are all
// kTuple; maps and objects are both kObject (fields sorted by name, as
// Terraform orders them). kUnknown is a value that cannot be known before
// `terraform apply` or without inputs we do not have; it carries a reason.
//
// A Value is cheap to copy (its contents are shared and immutable). Its loc
// is where the value was written: a literal's own position, the position of
// the reference that made a value unknown. Locations never take part in
// equality.
class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kTuple, kObject, kUnknown };
  using Items = std::vector<Value>;
  using Fields = std::map<std::string, Value, std::less<>>;

  // One piece of a string produced by a template: known text or, when
  // `known` is false, an unknown part whose `text` is the reason. Lets a
  // caller see "arn:aws:iam::<unknown>:oidc-provider/..." instead of nothing.
  struct Piece {
    bool known = true;
    std::string text;
    SourceLoc loc;
    // Unknown pieces: how the source wrote them (`${var.account}`), when it
    // was a reference; empty otherwise.
    std::string written = {};
    // Unknown pieces: a marker the caller's resolver put on the value (the
    // Terraform lowering marks "the role's own account"); templates carry it
    // through untouched. 0: none.
    uint8_t tag = 0;
  };

  Value() = default;  // null
  static Value Null(SourceLoc loc = {});
  static Value Bool(bool value, SourceLoc loc = {});
  static Value Number(double value, SourceLoc loc = {});
  static Value String(std::string value, SourceLoc loc = {});
  static Value Tuple(Items items, SourceLoc loc = {});
  static Value Object(Fields fields, SourceLoc loc = {});
  static Value Unknown(std::string reason, SourceLoc loc = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_tuple() const { return kind_ == Kind::kTuple; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_unknown() const { return kind_ == Kind::kUnknown; }
  // True when neither this value nor anything inside it is unknown.
  bool wholly_known() const { return unknowns_inside_ == 0 && kind_ != Kind::kUnknown; }

  // Accessors; each requires the matching kind.
  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  const std::string& as_string() const { return *text_; }
  const Items& items() const { return *items_; }
  const Fields& fields() const { return *fields_; }
  // kUnknown: why the value is unknown ("`var.repo` has no default").
  const std::string& unknown_reason() const { return *text_; }
  // The reason of this value, or of the first unknown inside it (in field
  // order); empty when wholly known.
  std::string FirstUnknownReason() const;

  // kObject: the field named `key`, or nullptr.
  const Value* Find(std::string_view key) const;

  const SourceLoc& loc() const { return loc_; }
  Value WithLoc(SourceLoc loc) const;

  // Template results (kString or kUnknown): the known and unknown pieces in
  // order; empty for values that did not come from a template. Known text
  // repeated by a `%{for}` (and text beyond 1024 pieces) is merged into the
  // piece before it.
  const std::vector<Piece>& pieces() const;
  Value WithPieces(std::vector<Piece> pieces) const;

  // For the result of `jsonencode(x)` (a kString, or kUnknown when x is not
  // wholly known): x itself, so callers can walk the structure (with its
  // source locations) instead of re-parsing the text. nullptr otherwise.
  const Value* encoded_from() const { return encoded_from_.get(); }
  Value WithEncodedFrom(Value source) const;

  // Number of nodes in this value (saturating), bounding every walk over it.
  uint32_t size() const { return size_; }

  // Structural equality of known values, ignoring locations. Callers must
  // handle unknowns first (an unknown equals nothing, not even itself).
  bool Equals(const Value& other) const;

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  double number_ = 0;
  uint32_t size_ = 1;
  uint32_t unknowns_inside_ = 0;
  std::shared_ptr<const std::string> text_;  // kString text, kUnknown reason
  std::shared_ptr<const Items> items_;
  std::shared_ptr<const Fields> fields_;
  std::shared_ptr<const std::vector<Piece>> pieces_;
  std::shared_ptr<const Value> encoded_from_;
  SourceLoc loc_;
};

// Terraform's rendering of a number in strings and JSON: integers without a
// fraction ("1800"), others in the shortest form that reads back the same.
std::string FormatNumber(double value);

// The JSON text Terraform's jsonencode would produce for a wholly known value
// (compact, object keys sorted, `<` `>` `&` escaped as \u003c...).
std::string EncodeJson(const Value& value);
// The same, or nullopt as soon as the text would exceed max_bytes.
std::optional<std::string> EncodeJson(const Value& value, size_t max_bytes);

// The value Terraform's jsondecode gives for parsed JSON (numbers as
// numbers, arrays as tuples, objects as objects), every part at `loc`.
// Nesting past kMaxNesting becomes an unknown saying so.
Value DecodeJson(const Json::Value& json, const SourceLoc& loc);

// A one-line rendering for tests and messages: strings JSON-quoted, tuples
// `[a, b]`, objects `{k = v}`, unknowns `(unknown: reason)`.
std::string DebugString(const Value& value);

// ---------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One step of a traversal after its root: `.name`, `[expr]`, legacy `.0`
// (stored as kIndex with a number literal).
struct Step {
  enum class Kind : uint8_t { kAttr, kIndex };
  Kind kind = Kind::kAttr;
  std::string name;  // kAttr
  ExprPtr index;     // kIndex
  SourceLoc loc;     // of the `.` or `[`
};

// One part of a string template. `%{if}` and `%{for}` directives hold their
// bodies as nested parts.
struct TemplatePart {
  enum class Kind : uint8_t { kLiteral, kInterp, kIf, kFor };
  Kind kind = Kind::kLiteral;
  SourceLoc loc;
  std::string literal;                   // kLiteral (escapes decoded)
  ExprPtr expr;                          // kInterp value, kIf condition, kFor collection
  std::vector<TemplatePart> body;        // kIf then-branch, kFor body
  std::vector<TemplatePart> else_body;   // kIf
  std::string key_var, value_var;        // kFor; key_var empty unless `for k, v in`
};

enum class UnaryOp : uint8_t { kNot, kNegate };
enum class BinaryOp : uint8_t {
  kMul, kDiv, kMod, kAdd, kSub, kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr
};
// The operator as written: "*", "&&", ...
const char* OperatorText(BinaryOp op);

// `[for k, v in coll : value if cond]` or
// `{for k, v in coll : key => value... if cond}`.
struct ForClause {
  std::string key_var, value_var;  // key_var empty unless two variables
  ExprPtr collection;
  ExprPtr key;                     // object form only
  ExprPtr value;
  ExprPtr condition;               // may be null
  bool object = false;
  bool group = false;              // `...` after the value (object form)
};

struct ObjectItem {
  ExprPtr key;  // a bare identifier key is parsed as a string literal
  ExprPtr value;
};

// An expression node. One struct for all kinds keeps the tree simple to walk;
// only the members named for a kind are set.
struct Expr {
  enum class Kind : uint8_t {
    kLiteral,            // literal: number, bool or null
    kTemplate,           // parts (a quoted string or heredoc), heredoc
    kTuple,              // items
    kObject,             // fields
    kScopeTraversal,     // name (root: `var`, `local`, `aws_iam_role`...), steps
    kRelativeTraversal,  // source, steps: `f(x).y`, `(expr)[0]`
    kSplat,              // source, steps applied to each element: `x[*].arn`
    kCall,               // name (with `provider::x::` prefix if any), items, expand_final
    kUnary,              // unary_op, source
    kBinary,             // binary_op, source (left), other (right)
    kConditional,        // source (condition), other (then), third (else)
    kFor,                // for_clause
  };
  Kind kind = Kind::kLiteral;
  SourceLoc loc;

  Value literal;
  std::vector<TemplatePart> parts;
  bool heredoc = false;  // kTemplate written as <<EOF / <<-EOF
  std::vector<ExprPtr> items;
  std::vector<ObjectItem> fields;
  std::string name;
  std::vector<Step> steps;
  bool expand_final = false;
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAdd;
  ExprPtr source, other, third;
  std::unique_ptr<ForClause> for_clause;
};

// A traversal's text as written, for messages: "var.x", "data.a.b.json",
// "local.m[\"k\"]". Index expressions that are not literals print as
// `[...]`, a source that is not a traversal (`f(x).y`) as `(...)`.
std::string TraversalText(const Expr& traversal);

// A canonical S-expression rendering of an expression (tests, debugging).
std::string Dump(const Expr& expr);

struct Block;

// `name = expr`
struct Attribute {
  std::string name;
  SourceLoc loc;  // of the name
  ExprPtr expr;
};

// The contents of a file or of a block, in source order.
struct Body {
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;

  const Attribute* Find(std::string_view name) const;
  // The blocks of one type, in source order.
  std::vector<const Block*> BlocksOfType(std::string_view type) const;
};

// `type "label" "label" { body }`
struct Block {
  std::string type;
  std::vector<std::string> labels;
  std::vector<SourceLoc> label_locs;
  SourceLoc loc;  // of the type keyword
  Body body;
};

struct File {
  FileId path;
  Body body;
};

// Parses one file in HCL2 native syntax. Errors are located one-line
// messages ("main.tf:12:7: error: expected `=` after the attribute name...").
Result<File> ParseFile(std::string_view text, std::string path);

// Parses a lone expression (e.g. from a `.tfvars` value or a test).
Result<ExprPtr> ParseExpression(std::string_view text, std::string path);

// Parses a whole file as one template, as `templatefile` reads it: the
// result is a kTemplate expression.
Result<ExprPtr> ParseTemplateFile(std::string_view text, std::string path);

// A canonical rendering of a body: its attributes one per line
// (`name = DUMP`), then its blocks as `type "a" "b" {` ... `}`, indented two
// spaces per level.
std::string Dump(const Body& body);

// ---------------------------------------------------------------------------
// Modules and evaluation
// ---------------------------------------------------------------------------

// The .tf files of one folder: Terraform reads them as one module, so a
// local in one file may be used in another.
class Module {
 public:
  // Adds a parsed file and indexes its `variable` blocks and `locals`.
  // Fails when a variable or local is declared twice in the module.
  Status Add(File file);

  const std::deque<File>& files() const { return files_; }
  const Block* FindVariable(std::string_view name) const;
  const Attribute* FindLocal(std::string_view name) const;

 private:
  std::deque<File> files_;  // deque: indexed pointers stay valid
  std::map<std::string, const Block*, std::less<>> variables_;
  std::map<std::string, const Attribute*, std::less<>> locals_;
};

// A reference to a resource or data source: `TYPE.NAME.ATTR` or
// `data.TYPE.NAME.ATTR`. Index steps between NAME and ATTR (instances of a
// counted resource) are skipped: all instances share one configuration.
struct ResourceRef {
  bool data = false;
  std::string type;
  std::string name;
  std::string attribute;  // empty when the reference stops at NAME
  SourceLoc loc;          // of the reference
  // "data.TYPE.NAME.ATTR" as written (without index steps).
  std::string ToString() const;
};

// Supplied by the caller: the value of `ref` (of its attribute when it names
// one, of the whole resource otherwise), or nullopt when the caller knows
// nothing better than "computed at apply time". Further steps of the
// traversal are applied to the returned value.
using ResourceResolver = std::function<std::optional<Value>(const ResourceRef&)>;

// Supplied by the caller: output `output` of the module called `name` in
// this module (`module.NAME.OUTPUT`), or nullopt when it is not known.
using ModuleOutputResolver =
    std::function<std::optional<Value>(const std::string& name, const std::string& output, const SourceLoc& loc)>;

struct EvalOptions {
  // Values for input variables (from a .tfvars file or the command line);
  // they override defaults.
  std::map<std::string, Value, std::less<>> variables;
  ResourceResolver resolve_resource;  // may be empty
  ModuleOutputResolver resolve_module_output;  // may be empty
  // Reads a file for `file()` and `templatefile()` (a bounded reader);
  // empty: those calls are unknown. A relative path is taken from
  // `working_folder`: where Terraform would run, as this process names it.
  std::function<Result<std::string>(const std::string& path)> read_file;
  std::string working_folder = ".";
  // `path.module`, as Terraform gives it: relative to the root module
  // ("." for the root, "modules/ci" for a module it calls). `path.root` and
  // `path.cwd` are ".".
  std::string module_path = ".";
  // Expression nodes evaluated (for-expression iterations included) before
  // further results become unknown.
  // Function calls are charged the size of their arguments.
  uint64_t step_budget = 1'000'000;
  // Largest string (bytes) and tuple/object (nodes) an evaluation may build.
  // Real trust policies are a few hundred nodes.
  size_t max_string_bytes = 4u << 20;
  uint32_t max_value_nodes = 1u << 16;
};

// Names bound around an expression: the variables of a `for` expression,
// `each` and `count` of an instance, a `dynamic` block's iterator. Chained to
// an enclosing scope; lookups go outwards. Bindings shadow module names.
class Bindings {
 public:
  explicit Bindings(const Bindings* parent = nullptr) : parent_(parent) {}
  void Set(std::string name, Value value) { names_[std::move(name)] = std::move(value); }
  const Value* Find(std::string_view name) const;

 private:
  const Bindings* parent_;
  std::map<std::string, Value, std::less<>> names_;
};

// Evaluates expressions of one module. Scope:
//   var.NAME        options.variables, else the variable's `default`, else
//                   unknown ("`var.NAME` has no default"); undeclared: unknown
//   local.NAME      the `locals` entry (evaluated once, cached); cycles and
//                   undefined locals are unknown with the reason
//   data.T.N.A, T.N.A   options.resolve_resource, else unknown
//   path.module/root/cwd  options.module_path
//   count.*, each.*, self.*, terraform.*, module.*   unknown
// Errors (Status) are reserved for expressions that are wrong whatever the
// inputs: `1 + "a"`, an index out of range of a known tuple, a known object
// without the attribute. Functions outside the supported set (see
// docs/terraform.md) give unknowns.
class Evaluator {
 public:
  explicit Evaluator(const Module& module, EvalOptions options = {});
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  Result<Value> Eval(const Expr& expr, const Bindings* bindings = nullptr);
  Result<Value> Local(std::string_view name, const SourceLoc& use);
  Result<Value> Variable(std::string_view name, const SourceLoc& use);

 private:
  friend class EvalContext;
  const Module& module_;
  EvalOptions options_;
  uint64_t steps_left_;
  int depth_ = 0;
  std::map<std::string, Result<Value>, std::less<>> local_cache_;
  std::map<std::string, std::shared_ptr<const Expr>, std::less<>> templates_;  // parsed `templatefile` files
  int template_depth_ = 0;
  std::vector<std::string> locals_in_progress_;
};

}  // namespace trustcheck::hcl

#endif  // TRUSTCHECK_HCL_HCL_H_
