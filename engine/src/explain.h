// Internal: the words for what the evaluator decided. The evaluator
// (evaluate.cc) decides and records WHY a test failed as data (TestFailure);
// this module turns that record into the one-line reason people read, in the
// platform's own terms (AWS: "condition `StringLike` on `...:sub` expects
// ...; token `sub` is ..."). Deciding without explaining (Decide, the index,
// the analysis) never reaches this code and builds no string.

#ifndef TRUSTCHECK_SRC_EXPLAIN_H_
#define TRUSTCHECK_SRC_EXPLAIN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "evaluate_values.h"
#include "trustcheck/ast.h"

namespace trustcheck::explain {

// Why one test did not hold, as the evaluator saw it.
struct TestFailure {
  enum class Kind : uint8_t {
    kAbsent,           // the key is absent, and absence fails the test
    kAbsentUndecided,  // the key is absent, and absence is an error (CEL): unknown
    kMustBePresent,    // a presence test (AWS Null `false`) and the key is absent
    kMustBeAbsent,     // a presence test (AWS Null `true`) and the key is set
    kShapeAbsent,      // a JSON-shape test on an absent key
    kShapeMismatch,    // a JSON-shape test on a value of another shape (`seen`)
    kNotSingle,        // a plain operator on a set or a list of several values
    kNoValueMatches,   // a some-value test where no value of several (or none) qualifies
    kValueFails,       // the value `failing` of `values` fails the test
  };
  Kind kind;
  const eval::Values* values = nullptr;  // kNotSingle, kNoValueMatches, kValueFails
  size_t failing = 0;                    // kValueFails
  const Json::Value* seen = nullptr;     // kShapeMismatch
};

// The reason a person reads for `failure` of `test` under `ctx`.
std::string DescribeTestFailure(const Test& test, const TestFailure& failure, const eval::Context& ctx);

// Why an AWS condition that holds holds ("condition `StringEquals` on `k`
// holds: token `ref` is `refs/heads/main`"), said for Deny statements;
// nullopt for tests that are not AWS conditions.
std::optional<std::string> DescribeHoldingCondition(const Test& test, const eval::Context& ctx);

}  // namespace trustcheck::explain

#endif  // TRUSTCHECK_SRC_EXPLAIN_H_
