// trustcheck/evaluate.h: would this token be accepted by this trust, and why.
//
// OVERVIEW
//
// Evaluate() walks a lowered Trust for one token, exactly as the platform
// would decide (the platform's rules are data on the AST nodes):
//
//   - each Statement's `when` tree is evaluated with Kleene logic;
//   - an explicit Deny that applies overrides every Allow; without an Allow
//     that applies the answer is an implicit deny;
//   - a Deny that cannot be decided (kUnknown) or an Allow that cannot be
//     decided never yields an accept (fail closed);
//   - the token's time claims are checked per the trust's TimeRules;
//   - trusts with RequiredActions are evaluated once per required action and
//     accept only if every pass accepts.
//
// The Decision carries a trace: for each statement whether it applied and,
// if not, the first condition that failed with the policy's values and the
// token's actual value, plus a located one-line reason for people.
//
// THREAD SAFETY
//
// Evaluate is a pure function of its arguments.

#ifndef TRUSTCHECK_EVALUATE_H_
#define TRUSTCHECK_EVALUATE_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/claims.h"

namespace trustcheck {

struct EvalOptions {
  int64_t now = 0;  // Unix seconds the time claims are checked against.
};

// Why a node came out the way it did: the first failing leaf.
struct Reason {
  SourceLoc loc;
  std::string message;  // one lowercase sentence, user input in backticks
};

struct StatementTrace {
  size_t index = 0;
  Effect effect = Effect::kAllow;
  std::string sid;
  std::string action;  // the pass it belongs to ("" when the trust has none)
  Tri applies = Tri::kFalse;
  std::vector<Reason> reasons;  // why it did not apply (or why it is unknown)
};

// Why a trust accepted or refused, as a code; OutcomeName() is its wording
// in the reports ("allowed", "explicit deny", ...).
enum class Outcome : uint8_t {
  kAllowed,       // every statement the platform needs applied
  kImplicitDeny,  // no statement allowed the token
  kExplicitDeny,  // a Deny statement applied
  kUnknown,       // refused because some value could not be decided (never an accept)
  kTokenTime,     // expired, not yet valid, or missing time claims the platform requires
  kSignature,     // the token's signature did not verify against the given JWKS (eval --jwks)
};
const char* OutcomeName(Outcome outcome);
std::ostream& operator<<(std::ostream& out, Outcome outcome);  // OutcomeName, for tests and logs

struct Decision {
  bool accepted = false;
  Outcome outcome = Outcome::kImplicitDeny;
  std::vector<Reason> reasons;  // the human summary, most decisive first
  std::vector<StatementTrace> statements;
};

Decision Evaluate(const Trust& trust, const Claims& claims, const EvalOptions& options);

// The decision alone, with no explanation built: kTrue when Evaluate()
// accepts, kUnknown when it refuses because some statement cannot be
// decided (an unknown value), kFalse otherwise. For callers that ask many
// tokens (the exposure analysis).
Tri Decide(const Trust& trust, const Claims& claims, const EvalOptions& options);

// How Evaluate()'s reasons name a test, in the platform's words: "condition
// `StringLike` on `token.actions.githubusercontent.com:sub`" (AWS
// conditions), "bound audience (`bound_audiences`)", "subject". For rules
// and reports that speak of a test the way `eval` does.
std::string DescribeTest(const Test& test);

// Evaluates a single node (used by the linter, the index and the analysis).
// `action` is the request action for ValueRef::Source::kAction tests.
Tri EvaluateNode(const Node& node, const Claims& claims, std::string_view action,
                 std::vector<Reason>* reasons);

}  // namespace trustcheck

#endif  // TRUSTCHECK_EVALUATE_H_
