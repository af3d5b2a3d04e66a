// Internal: readable example values for a claim, so that witnesses look like
// real tokens (`repo:acme/x:ref:refs/heads/main`) rather than the shortest
// string an automaton finds (`repo:acme/`).
//
// The candidates only decide WHICH value stands for a class of equivalent
// values; completeness never depends on them (the automaton fills any class
// they miss), and every witness is confirmed by the evaluator.

#ifndef TRUSTCHECK_SRC_ANALYSIS_READABLE_H_
#define TRUSTCHECK_SRC_ANALYSIS_READABLE_H_

#include <string>
#include <vector>

#include "trustcheck/pattern.h"

namespace trustcheck::analysis {

// Candidate strings for one claim, most readable first:
//   1. the exact values the policies name, then their near misses: one
//      field (a run between `:` `/` `@`) replaced by `x`, rightmost first;
//      a letter in the other case; one character more or less;
//   2. each wildcard value with its wildcards filled so that the result
//      continues like one of the exact values or like a typical subject
//      (`repo:acme/*` -> `repo:acme/x:ref:refs/heads/main`), then their
//      near misses;
//   3. wildcards filled with `x` or with nothing, and their near misses.
// `patterns` are the policy values as compiled (any flavour); the result
// has no duplicates.
std::vector<std::string> ReadableCandidates(const std::vector<Pattern>& patterns);

// Strings that match a regular expression (RE2 syntax, as in CEL
// `matches()`), one per alternative, for a common subset: literals and
// escapes, `.`, classes, groups, alternation, `? * + {n,m}`, anchors. Empty
// when the expression uses anything else. Only candidates: whatever uses
// them is confirmed by the evaluator.
std::vector<std::string> RegexExamples(std::string_view regex, size_t max_examples = 8);

// Example subjects of well-known issuers, used as continuations in step 2.
const std::vector<std::string>& ExampleSubjects();

}  // namespace trustcheck::analysis

#endif  // TRUSTCHECK_SRC_ANALYSIS_READABLE_H_
