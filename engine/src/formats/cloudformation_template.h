// Internal: a CloudFormation template with its intrinsic functions resolved
// as far as the template alone allows.
//
// What is known before deployment: literal values, parameter defaults,
// `Fn::Sub` / `Fn::Join` / `Fn::Select` / `Fn::Split` / `Fn::FindInMap` /
// `Fn::Base64` / `Fn::If` over those, conditions decidable from defaults, and
// the ARN of an `AWS::IAM::OIDCProvider` of the same template (its host is its
// `Url`; partition and account are the stack's own). What is not: parameters
// without a default (or read from SSM), pseudo parameters, other resources'
// physical ids and attributes, imports, `Fn::GetAZs`, `Fn::Cidr`, macros.
// Those become explicit unknowns with a one-line reason; a string that is
// only partly known keeps its known text (TextPiece), so the policy lowering
// can still read a provider host or reject a token that no value could match.
//
// Problems CloudFormation itself refuses (a `Ref` to nothing, a function with
// the wrong arguments) are collected as located problems; the format turns
// those inside a role into malformed notes.

#ifndef TRUSTCHECK_SRC_FORMATS_CLOUDFORMATION_TEMPLATE_H_
#define TRUSTCHECK_SRC_FORMATS_CLOUDFORMATION_TEMPLATE_H_

#include <json/json.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "formats/tree_locator.h"
#include "trustcheck/ast.h"

namespace trustcheck::cfn {

struct Member;

// A value after resolution.
struct Value {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kList, kMap, kUnknown, kNoValue };
  Kind kind = Kind::kNull;
  Json::Value scalar;               // kBool, kNumber
  std::vector<TextPiece> pieces;    // kString: literal runs and holes
  std::vector<Value> items;         // kList
  std::vector<Member> members;      // kMap, in source order
  std::string reason;               // kUnknown: why
  std::string written;              // kUnknown: how the source wrote it, for messages (`${Repo}`)
  SourceLoc loc;                    // where the value (or the expression that made it) is written
  SourceLoc key_loc;                // members of a map: their key

  static Value Unknown(std::string reason, SourceLoc loc, std::string written = "");
  static Value String(std::string text, SourceLoc loc);

  bool is_string() const { return kind == Kind::kString; }
  // A string with no hole.
  bool is_known_string() const;
  // No unknown and no hole anywhere inside.
  bool fully_known() const;
  // The string's text, holes as written (`${AWS::AccountId}`).
  std::string text() const;
  // The reason of the first unknown or hole inside, or "".
  std::string first_unknown() const;
  // For a scalar: the text CloudFormation would substitute (`true`, `42`).
  std::optional<std::string> scalar_text() const;
  const Value* member(const std::string& key) const;
};

// One entry of a map. A named struct rather than std::pair: a pair of an
// incomplete type cannot be a vector element under every standard library.
struct Member {
  std::string key;
  Value value;
};

struct Problem {
  SourceLoc loc;
  std::string message;
};

class Template {
 public:
  // `root` and `locator` must outlive the Template.
  Template(const Json::Value& root, const TreeLocator& locator) : root_(root), locator_(locator) {}

  // Reads the sections. Fails on a template whose shape CloudFormation
  // refuses outright (Resources not a map, a resource without a Type, ...).
  Status Index();

  struct Resource {
    std::string id;
    std::string type;
    const Json::Value* node = nullptr;        // the resource map
    const Json::Value* properties = nullptr;  // nullptr when absent
    std::string condition;                    // "" when unconditional
    SourceLoc key_loc;                        // the logical ID
  };
  const std::vector<Resource>& resources() const { return resources_; }

  // Resolves one value of the template (a resource property).
  Value Resolve(const Json::Value& value);

  // Whether a resource exists: its Condition decided from the defaults.
  Tri Exists(const Resource& resource, std::string* reason);

  // Problems found by Resolve since the last call.
  std::vector<Problem> TakeProblems() { return std::exchange(problems_, {}); }
  // Parameters whose default Resolve used since the last call: (name, default).
  std::vector<std::pair<std::string, std::string>> TakeDefaultsUsed() { return std::exchange(defaults_used_, {}); }

 private:
  struct Parameter {
    const Json::Value* node = nullptr;
    SourceLoc key_loc;
  };
  SourceLoc Loc(const Json::Value& v) const { return locator_.ValueLoc(v); }
  SourceLoc KeyLoc(const Json::Value& v) const { return locator_.KeyLoc(v); }
  Value Refuse(const SourceLoc& loc, std::string message);
  Value ResolveAt(const Json::Value& value, int depth);
  Value Intrinsic(const std::string& name, const Json::Value& arg, const SourceLoc& loc, int depth);
  Value Ref(const std::string& name, const SourceLoc& loc);
  Value GetAtt(const std::string& resource, const std::string& attribute, const SourceLoc& loc);
  Value Sub(const Json::Value& arg, const SourceLoc& loc, int depth);
  Value Join(const Json::Value& arg, const SourceLoc& loc, int depth);
  Value Select(const Json::Value& arg, const SourceLoc& loc, int depth);
  Value Split(const Json::Value& arg, const SourceLoc& loc, int depth);
  Value If(const Json::Value& arg, const SourceLoc& loc, int depth);
  Value FindInMap(const Json::Value& arg, const SourceLoc& loc, int depth);
  Value ParameterValue(const std::string& name, const Parameter& p, const SourceLoc& loc);
  Value ProviderArn(const Resource& provider, const SourceLoc& loc);
  // Conditions: Kleene truth from the defaults.
  Tri Condition(const std::string& name, const SourceLoc& loc, std::string* reason, int depth);
  Tri ConditionExpr(const Json::Value& expr, std::string* reason, int depth);
  const Resource* FindResource(const std::string& id) const;

  const Json::Value& root_;
  const TreeLocator& locator_;
  std::map<std::string, Parameter> parameters_;
  std::map<std::string, const Json::Value*> conditions_;
  std::set<std::string> conditions_in_progress_;
  const Json::Value* mappings_ = nullptr;
  std::vector<Resource> resources_;
  std::vector<Problem> problems_;
  std::vector<std::pair<std::string, std::string>> defaults_used_;
};

// Writes a resolved value as a Json tree, registering each value's location,
// each member's key location, and every unknown (with its reason) and partly
// known string (with its pieces) in `locator`. `unknowns` receives the
// location and reason of each unknown written.
void Emit(const Value& value, Json::Value* slot, AddressLocator* locator,
          std::vector<std::pair<SourceLoc, std::string>>* unknowns);

// True for an object that is an intrinsic function call (`Ref`, `Fn::...`).
bool IsIntrinsic(const Json::Value& value);

}  // namespace trustcheck::cfn

#endif  // TRUSTCHECK_SRC_FORMATS_CLOUDFORMATION_TEMPLATE_H_
