// Internal: the token space of one comparison and the search over it.
//
// A Space is built for a pair of acceptors (trustcheck/analysis.h). It
//   1. collects the LEAVES of their condition trees (Tests and expression
//      nodes) and the CLAIM SLOTS they read (a claim name or JSON pointer,
//      `iss` when a key's visibility depends on the issuer, the session-tag
//      claim that decides the required actions);
//   2. gives each slot a finite list of representative values that covers
//      every behaviour the leaves can tell apart (values.cc);
//   3. searches the product of the slots' values depth first, evaluating the
//      acceptors with three-valued masks ({false, true, unknown} subsets) so
//      that a partial assignment is abandoned as soon as the first acceptor
//      cannot accept or the second cannot refuse.
// Leaf values are computed by the evaluator itself (EvaluateNode on a token
// holding just the leaf's claims) and memoised; only the combination of
// statements (Allow/Deny, passes per action, time rules) is mirrored here,
// and every witness is re-checked with Evaluate().
//
// In PROOF mode, leaves that the representatives cannot capture exactly
// become free atoms (extra slots with values false/true/unknown, shared by
// identical leaves), which over-approximates the token space: no separating
// assignment there means none exists at all.

#ifndef TRUSTCHECK_SRC_ANALYSIS_SPACE_H_
#define TRUSTCHECK_SRC_ANALYSIS_SPACE_H_

#include <json/json.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/glob_space.h"
#include "trustcheck/analysis.h"
#include "trustcheck/claims.h"

namespace trustcheck::analysis {

// Sets of three-valued results, as bit masks.
inline constexpr uint8_t kMaskF = 1, kMaskT = 2, kMaskU = 4, kMaskAll = 7;
uint8_t MaskOf(Tri t);

struct Slot {
  enum class Kind : uint8_t { kClaim, kTime, kAtom };
  Kind kind = Kind::kClaim;
  std::vector<std::string> path;  // kClaim: object keys from the root
  std::string display;            // claim name or JSON pointer, for messages
  // kClaim: representative values (nullopt: the claim is absent).
  // kTime: objects holding some of exp/nbf/iat. kAtom: unused (F, T, U).
  std::vector<std::optional<Json::Value>> values;
  // kClaim, not spelling groups: readable strings that share a value's
  // behaviour, kept to explain witnesses ("OLD accepts ..." close to the
  // witness's value); never searched.
  std::vector<std::string> examples;
  // What expression nodes (CEL) need represented on this claim: patterns,
  // candidate strings, typed JSON values.
  std::vector<Glob> expr_globs;
  std::vector<std::string> expr_candidates;
  bool expr_typed = false;
  size_t atom_values = 0;          // kAtom: 2 or 3 (unknown possible)
  bool complete = true;            // the values cover every behaviour
  std::vector<std::string> limits; // why not, for people
  bool presence_bits = false;      // presence decides something (fallbacks, actions)
  bool is_issuer = false;          // `iss`, whose text decides AWS key visibility
  std::vector<std::string> issuer_prefixes;
  // A SPELLING GROUP: several claim names read as one value, the first
  // non-null present wins (Vault reads registered claims under every
  // spelling Go's JSON decoder accepts). Its values are then FRAGMENTS:
  // objects of name -> value merged into the token, covering every
  // combination of what the list, the canonical name alone and a shape
  // test (first present, null included) can see.
  std::vector<std::string> spellings;
  int parent = -1;                 // nearest slot whose path is a proper prefix
  std::vector<int> children;
  std::vector<std::vector<bool>> time_ok;  // kTime: [value][trust index]
  size_t uses = 0;                 // how many leaves read it (search order)
  size_t size() const { return kind == Kind::kAtom ? atom_values : values.size(); }
  bool fragments() const { return !spellings.empty(); }
};

// Writes a claim slot's value into a token: at its path, or (spelling
// groups) by merging the fragment's members.
void PlaceValue(Json::Value* root, const Slot& slot, const std::optional<Json::Value>& value);

struct Leaf {
  const Node* node = nullptr;
  std::vector<int> deps;       // claim slots it reads (values, issuer, variables)
  std::vector<int> value_deps; // the slots it reads as its value (names, pointer)
  bool whole_token = false;    // reads claims no slot stands for (time claims, all of `assertion`)
  bool reads_action = false;
  bool modelable = true;       // exact in proof mode
  bool has_variables = false;  // AWS policy variables in an operand
  bool is_mapping = false;     // the GCP attribute-mapping check
  // Equal for leaves that decide alike (one proof atom): the interned
  // Meaning of a test, the content of a CEL expression.
  std::string fingerprint;
  std::string limit;           // why it is not modelable
  int atom = -1;               // proof mode: its atom slot
  std::unordered_map<std::string, Tri> memo;
};

// One acceptor compiled against the Space's leaves.
struct Compiled {
  struct FNode {
    Node::Kind kind = Node::Kind::kConst;
    uint8_t mask = 0;  // kConst, kUnknown
    int leaf = -1;     // kTest, kExpr
    std::vector<int> kids;
  };
  struct Pass {
    int action = 0;          // index into Space::actions_
    int presence_slot = -1;  // required only when this slot is present
  };
  Acceptor::Kind kind = Acceptor::Kind::kNothing;
  const Trust* trust = nullptr;
  int trust_index = -1;  // column of Slot::time_ok
  std::vector<FNode> nodes;
  std::vector<std::pair<Effect, int>> statements;  // effect, root node
  std::vector<Pass> passes;  // kWholeTrust: the required actions
  int root = -1;             // kStatementApplies
  int action = 0;            // kStatementApplies
};

class Space {
 public:
  Space(const Acceptor& accepting, const Acceptor& refusing, const AnalysisOptions& options);

  enum class Status { kFound, kNone, kBudget };
  // Depth-first search for an assignment where the first acceptor accepts
  // and the second refuses. Concrete mode: every full assignment the masks
  // admit is passed to `confirm` (which runs the real evaluator); the search
  // stops at the first confirmed one. Proof mode: stops at the first
  // abstract one.
  Status Search(bool proof_mode, const std::function<bool(const std::vector<int>&)>& confirm,
                std::vector<int>* found);

  // Limits later searches to one value of `slot` (further witnesses must
  // differ elsewhere).
  void Restrict(int slot, int value) { restricted_[slot] = value; }
  int time_slot() const { return time_slot_; }
  // The claims of an assignment (atoms ignored).
  Json::Value Token(const std::vector<int>& assignment) const;
  // The same with one claim slot's value replaced.
  Json::Value TokenWith(const std::vector<int>& assignment, int slot, const Json::Value& value) const;
  // True when every slot and leaf is modelled exactly (concrete search is a proof).
  bool Exact() const;
  bool Consistent(const std::vector<int>& assignment) const;
  const std::vector<Slot>& slots() const { return slots_; }
  const std::vector<std::string>& limits() const { return limits_; }
  size_t claim_slot_count() const { return claim_slots_; }

 private:
  int SlotFor(const std::vector<std::string>& path, const std::string& display);
  void PlanSpellings(const Acceptor& a);
  void PlanNode(const Node& node);
  bool IsSpellingGroup(const std::vector<InternedString>& names) const;
  int GroupSlot(const std::vector<InternedString>& names, const std::string& display);
  void CollectLeaves(const Node& node);
  int Compile(Compiled* c, const Node& node);
  void CompileAcceptor(const Acceptor& a, Compiled* c);
  void BuildTimeSlot();
  void BuildValues();
  void AddAtoms();

  uint8_t LeafMask(int leaf, int action);
  Tri LeafExact(int leaf, int action, const std::vector<int>& values);
  uint8_t NodeMask(const Compiled& c, int node, int action);
  struct Possible {
    bool accept = false;
    bool refuse = false;
  };
  Possible Outcome(const Compiled& c);
  bool Dfs(size_t depth);
  bool AssignmentConsistentAt(int slot) const;

  AnalysisOptions options_;
  std::vector<Slot> slots_;
  size_t claim_slots_ = 0;
  int time_slot_ = -1;
  std::map<std::vector<std::string>, int> slot_index_;
  // Every claim-name list each name is read through ({name} when alone).
  std::map<std::string, std::set<std::vector<InternedString>>> reads_;
  std::set<std::string> pinned_names_;  // presence slots: never grouped
  std::vector<Leaf> leaves_;
  std::unordered_map<const Node*, int> leaf_of_;
  // One object per distinct meaning of a test (Meaning()), for the leaves' fingerprints.
  std::unique_ptr<TestPool> meanings_ = std::make_unique<TestPool>();
  std::vector<std::string> actions_;
  std::vector<const Trust*> trusts_;
  Compiled a_, b_;
  std::vector<std::string> limits_;
  bool internal_mismatch_ = false;
  std::map<int, int> restricted_;

  // Search state.
  bool proof_mode_ = false;
  std::vector<int> order_;
  std::vector<int> values_;
  size_t nodes_visited_ = 0;
  bool budget_hit_ = false;
  const std::function<bool(const std::vector<int>&)>* confirm_ = nullptr;
  std::vector<int>* found_ = nullptr;

  friend class ValueBuilder;
};

// The test as far as its outcome goes: the same test without its wording
// (claim and operator spelling, the check's name and role) and without the
// operands' places. Two tests with equal meanings decide every token alike.
Test Meaning(const Test& test);

// Builds the claims object for some slots' values (used by leaves and tokens).
void SetAt(Json::Value* root, const std::vector<std::string>& path, const Json::Value& value);

// `/a~1b/c` -> {"a/b", "c"}; nullopt for a malformed pointer.
std::optional<std::vector<std::string>> SplitPointer(const std::string& pointer);

}  // namespace trustcheck::analysis

#endif  // TRUSTCHECK_SRC_ANALYSIS_SPACE_H_
