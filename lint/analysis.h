// lint/analysis.h: what rules need to know about a lowered trust, computed
// from the AST alone.
//
// OVERVIEW
//
// - StatementIssuers(): the issuers a statement accepts (from its positive
//   tests on `iss`), each with its issuer profile (trustcheck/issuers.h).
//   A trust that does not say (a Vault role without its auth config) gets
//   one entry with an empty issuer and a profile guessed from the claims it
//   checks.
// - Who gets in is not decided here: rules read the exposure analysis
//   (trustcheck/exposure.h) through ExposureRule (lint/rule.h).
// - CollectTests(): every leaf test with its place in the tree, for rules
//   that look at operators and values.
// - ReadOperand(): ReadClaimPattern() for one operand of a test.
//
// THREAD SAFETY
//
// Pure functions of their arguments.

#ifndef TRUSTCHECK_LINT_ANALYSIS_H_
#define TRUSTCHECK_LINT_ANALYSIS_H_

#include <string>
#include <vector>

#include "lint/rule.h"
#include "trustcheck/ast.h"
#include "trustcheck/exposure.h"
#include "trustcheck/issuers.h"

namespace trustcheck::lint {

// The issuers a statement accepts (trustcheck/exposure.h).
using AcceptedIssuer = trustcheck::AcceptedIssuer;

using trustcheck::StatementIssuers;

// A leaf test and where it sits.
struct TestSite {
  const Test* test = nullptr;
  SourceLoc loc;           // the node's location (AWS: the condition key)
  bool under_not = false;  // inside a Not node
  bool under_or = false;   // inside an Or node (an alternative, not required)
};

void CollectTests(const Node& node, std::vector<TestSite>* out, bool under_not = false, bool under_or = false);
std::vector<TestSite> CollectTests(const Trust& trust);

// The claim a test reads ("" for actions): the first candidate name.
std::string ClaimName(const Test& test);
// How the policy spelled it, for messages (`token.actions.githubusercontent.com:sub`).
std::string ClaimDisplay(const Test& test);
// True when any candidate name equals `name`.
bool ReadsClaim(const Test& test, std::string_view name);
// A test on the token's issuer (the AWS Federated principal, Entra issuer, Vault bound_issuer).
bool IsIssuerTest(const Test& test);
// A positive string or typed-equality match (the tests that can pin).
bool IsPositiveValueMatch(const Test& test);

// Whether tokens of `issuer` can carry this value at all: false when the
// platform never exposes it, or when an AWS key's provider prefix is another
// issuer's.
bool VisibleFor(const ValueRef& ref, const AcceptedIssuer& issuer);

// ReadClaimPattern() for one operand; string and typed operands alike.
ClaimReading ReadOperand(const IssuerProfile& profile, const std::string& claim, const Test& test,
                         const Operand& operand);

// True when `test` reads a claim that identifies the tenant or a resource for
// this issuer (a claim with a grammar in the profile; the audience for
// profiles pinned by audience; any non-registered claim when the issuer is
// unknown).
bool IsIdentifyingClaim(const Test& test, const AcceptedIssuer& issuer);

// One value of a positive, visible test on an identifying claim, as the
// issuer's grammar reads it.
struct OperandReading {
  TestSite site;
  const Operand* operand = nullptr;
  ClaimReading reading;
};

// Every such value in `statement` (none when the issuer has no profile).
// Values under a Not are left out: they never pin.
std::vector<OperandReading> IdentifyingOperands(const Statement& statement, const AcceptedIssuer& issuer);

// "any repository ... can assume this role (`...:sub` matches `repo:*`)"
// suffix: " if its issuer is GitHub Actions" for a guessed profile, else "".
std::string GuessNote(const AcceptedIssuer& issuer);

// "assume this role", "sign in with this federated credential", "log in with
// this Vault role", "exchange tokens through this provider".
std::string AccessPhrase(const Trust& trust);

// "AWS IAM", "Entra ID", "Vault", "Google Cloud".
const char* PlatformDisplay(Platform platform);

// What backs a finding drawn from an admission: its witness token and the
// unknowns it assumes.
Evidence EvidenceOf(const Admission& admission);

// " (`token.actions.githubusercontent.com:sub` matches `repo:acme/*`)" for
// the policy value that lets the admission in; "" when none does.
std::string CulpritNote(const Admission& admission);

// "; this holds whatever the unknown value is (parameter `Org` has no
// default)" when the admission assumes unknowns; "" otherwise.
std::string AssumptionNote(const Admission& admission);

// Where a finding on an admission goes: the policy value, else the issuer
// or the statement.
SourceLoc AdmissionLoc(const Trust& trust, const Statement& statement, const IssuerExposure& exposure,
                       const Admission& admission);

// Where a finding about the whole statement goes: the issuer when it is
// named in the trust's own file, else the statement, else the trust.
SourceLoc StatementLoc(const Trust& trust, const Statement& statement, const AcceptedIssuer& issuer);

}  // namespace trustcheck::lint

#endif  // TRUSTCHECK_LINT_ANALYSIS_H_
