// trustcheck/analysis.h: which tokens a trust accepts, compared between trusts.
//
// OVERVIEW
//
// The analysis answers "does A accept a token that B refuses?" for two
// lowered trusts (or for one statement of a trust, for the linter), and
// either PROVES that no such token exists, or shows one (a WITNESS: a claim
// set that Evaluate() accepts under A and rejects under B), or says plainly
// that it could not decide. It reads only the AST, so it covers every
// platform that lowers into it.
//
//   AnalysisOptions options;
//   options.now = 1767225600;
//   Separation widened = Separate(Acceptor::WholeTrust(new_trust), Acceptor::WholeTrust(old_trust), options);
//   if (widened.answer == Answer::kYes) Print(widened.witnesses.front().claims);
//
// METHOD (docs/diff.md has the long form)
//
// Every condition Test reads some claims (a CLAIM SLOT: a name, a JSON
// pointer, the AWS issuer that decides which keys are visible). For each
// slot the analysis computes a finite set of REPRESENTATIVE values such that
// every possible JSON value of that claim behaves, under every Test of both
// trusts that reads it, exactly like one representative:
//   - strings: the tests' patterns (exact, case-folded, each wildcard
//     flavour, typed string values, Bool's `true`/`false`) compile to globs;
//     the product automaton of all globs on the claim yields every
//     realisable combination of "matches pattern i" with an example string,
//     so representatives cover all strings, not a sample;
//   - numbers and dates compared by Numeric*/Date*: the bounds and the
//     points between them; typed JSON numbers, booleans, null, objects;
//   - lists: the empty list and lists of representatives, as many elements
//     as the ForAnyValue/ForAllValues tests on the claim can tell apart;
//   - absent.
// The token space is the product of the slots' representatives (plus the
// token's time claims and the AWS session-tag claim, which decide which
// actions must be allowed). A search over that product, pruned by
// three-valued partial evaluation of the condition trees, finds a token
// accepted by A and refused by B, and the witness is confirmed by running
// Evaluate() itself on both trusts. When the search exhausts the product
// without a witness and every Test on the way was modelled exactly, that is
// a proof. Tests the representatives cannot capture exactly (CEL expression
// nodes, AWS policy variables, ArnLike, IpAddress, a numeric test on a
// claim that is also matched as a string, an automaton over budget) are
// searched concretely but then treated as FREE atoms (any of true, false,
// unknown, independently of the claims; identical tests in both trusts
// share one atom) for the proof: if even that over-approximation has no
// separating token, "no" is still proved; otherwise the answer is
// kUndecided and `limits` says why.
//
// WHAT IS COMPARED
//
// Acceptor::WholeTrust is the trust's full decision: Deny statements
// subtracted, Kleene logic (an undecidable Deny or Allow never accepts),
// the required actions (AWS: sts:TagSession when the token carries session
// tags), and the time rules (exp/nbf/iat, skew, Vault's leeways).
// Acceptor::StatementApplies is one statement's `when` being true for one
// action, for lint rules. Acceptor::Nothing accepts no token (a trust that
// was added or removed).
//
// THREAD SAFETY
//
// Separate() is a pure function of its arguments; call it from as many
// threads as you like.

#ifndef TRUSTCHECK_ANALYSIS_H_
#define TRUSTCHECK_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/evaluate.h"

namespace Json {
class Value;
}

namespace trustcheck {

struct AnalysisOptions {
  // Unix seconds: witnesses carry `iat` = now and `exp` = now + 3600 (or the
  // time claims that separate two trusts' time rules) and are evaluated then.
  int64_t now = 0;
  // Bound on the product automaton of one claim's patterns. Default: 20000.
  size_t max_automaton_states = 20000;
  // Bound on the representatives of one claim. Default: 400.
  size_t max_values_per_claim = 400;
  // Bound on the search over the token space (nodes visited). Default: 2e6.
  size_t max_search_nodes = 2000000;
  // How many witnesses to look for. Each one after the first keeps the
  // claims that made the earlier ones differ at values the refusing side
  // accepts, so it shows another reason. Default: 1.
  size_t max_witnesses = 1;
};

// One side of a comparison.
struct Acceptor {
  enum class Kind : uint8_t {
    kNothing,           // accepts no token
    kWholeTrust,        // Evaluate(trust, ...).accepted
    kStatementApplies,  // statement `statement`'s `when` is true for `action`
  };
  Kind kind = Kind::kNothing;
  const Trust* trust = nullptr;  // not owned; must outlive the call
  size_t statement = 0;
  std::string action;

  static Acceptor Nothing() { return {}; }
  static Acceptor WholeTrust(const Trust& trust) { return {Kind::kWholeTrust, &trust, 0, {}}; }
  static Acceptor StatementApplies(const Trust& trust, size_t statement, std::string action) {
    return {Kind::kStatementApplies, &trust, statement, std::move(action)};
  }
};

// The answer to "does A accept a token B refuses?".
enum class Answer : uint8_t {
  kNo,         // proved: every token A accepts, B accepts too
  kYes,        // shown: each of `witnesses` is accepted by A and refused by B
  kUndecided,  // neither proved nor shown; `limits` says why
};
const char* AnswerName(Answer answer);  // "no", "yes", "undecided"

// A token that separates two acceptors, confirmed by the evaluator.
struct Witness {
  // The token's claims (a JSON object): iss, aud, sub and every claim some
  // test reads, with concrete values; `iat`/`exp` when time rules apply.
  std::shared_ptr<const Json::Value> claims;
  // The claims whose values make the difference: changing any one of them
  // (to `alternative`) makes B accept as well. Empty when no single claim
  // does (B accepts nothing, or several claims must change together).
  // The token's time claims count as one, named kTimeClaims.
  struct Difference {
    std::string claim;        // claim name or JSON pointer (`/kubernetes.io/namespace`)
    std::string value;        // the witness's value, as JSON text when not a string
    std::string alternative;  // a value B accepts (JSON text when not a string; "(absent)")
  };
  std::vector<Difference> differences;
  // Why B refuses it and why A accepts it, from the evaluator's trace.
  std::vector<Reason> refused_because;
  std::vector<Reason> accepted_because;
};

struct Separation {
  Answer answer = Answer::kUndecided;
  std::vector<Witness> witnesses;  // non-empty exactly when answer == kYes
  // What could not be modelled exactly (each one lowercase sentence, user
  // input in backticks). Non-empty whenever answer == kUndecided; may be
  // non-empty for kNo (the proof held even with those parts left free).
  std::vector<std::string> limits;
};

// Witness::Difference::claim for the token's time claims (exp, nbf, iat).
inline constexpr const char* kTimeClaims = "exp/nbf/iat";

// Does `accepting` accept some token that `refusing` rejects?
Separation Separate(const Acceptor& accepting, const Acceptor& refusing, const AnalysisOptions& options);

// Both directions between two versions of one trust (either may be null:
// added or removed). widened: NEW accepts a token OLD refused; narrowed: the
// other way round.
struct TrustChange {
  Separation widened;
  Separation narrowed;
};
TrustChange CompareTrusts(const Trust* old_trust, const Trust* new_trust, const AnalysisOptions& options);

// The actions a trust's statements are evaluated for (AWS:
// `sts:AssumeRoleWithWebIdentity` and, with session tags,
// `sts:TagSession`); {""} when the trust has no required action.
std::vector<std::string> TrustActions(const Trust& trust);

// A copy of `trust` without statement `index` (for shadowing and
// never-applies questions: Separate(WholeTrust(without), WholeTrust(trust))).
Trust WithoutStatement(const Trust& trust, size_t index);

// Statement-level questions, for the linter. Each is asked for every action
// of TrustActions(trust); "applies" means the statement's `when` is true.

// Does statement `index` apply to some token? kNo is a proof that it never
// does.
Answer StatementCanApply(const Trust& trust, size_t index, const AnalysisOptions& options);

// Does statement `inner` apply to some token (and action) that statement
// `outer` does not? kNo is a proof that `outer` covers `inner`.
Answer StatementEscapes(const Trust& trust, size_t inner, size_t outer, const AnalysisOptions& options);

// For a statement that never applies: a smallest set of its conjuncts (the
// children of its top-level And, nested Ands flattened) that cannot hold
// together, in statement order. Empty when the statement can apply or the
// analysis cannot decide.
std::vector<const Node*> ContradictingParts(const Trust& trust, size_t index, const AnalysisOptions& options);

}  // namespace trustcheck

#endif  // TRUSTCHECK_ANALYSIS_H_
