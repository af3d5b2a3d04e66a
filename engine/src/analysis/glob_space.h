// Internal: the string languages of policy values, as automata.
//
// Every wildcard flavour (AWS StringLike, Entra `matches`, Vault glob, exact
// and case-folded comparison) compiles to a Glob: a sequence of literal code
// points (each optionally ASCII-case-folded), `*` (any run of code points)
// and `?` (exactly one code point). Claim values in tokens are JSON strings,
// so they are valid UTF-8 and matching by bytes is the same as matching by
// code points (pattern.h, "Characters").
//
// EnumerateGlobClasses() answers the question the analysis is built on: for
// a set of globs, which combinations of "matches glob i" are possible for
// some string, and one string for each. It runs the subset construction of
// the product automaton breadth-first, so each class comes with a shortest
// string, and stops at a state budget (then `complete` is false and the
// caller must not treat the list as exhaustive).

#ifndef TRUSTCHECK_SRC_ANALYSIS_GLOB_SPACE_H_
#define TRUSTCHECK_SRC_ANALYSIS_GLOB_SPACE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/pattern.h"
#include "text/utf8.h"

namespace trustcheck::analysis {

struct Glob {
  struct Token {
    enum Kind : uint8_t { kChar, kStar, kAny } kind = kChar;
    char32_t ch = 0;    // kChar
    bool fold = false;  // kChar: ASCII letters match either case
  };
  std::vector<Token> tokens;

  // The glob a compiled Pattern stands for (its Pieces(), its fold_case).
  // nullopt when a literal is not valid UTF-8 (no JSON string can hold it).
  static std::optional<Glob> FromPattern(const Pattern& pattern);
  // An exact (or ASCII-case-folded) string; nullopt for invalid UTF-8.
  static std::optional<Glob> Literal(std::string_view utf8, bool fold);
  Glob& Append(const Glob& other);
  Glob& AppendStar();

  // Whole-string match of a UTF-8 string (invalid UTF-8 never matches).
  bool Matches(std::string_view utf8) const;
};


struct GlobClass {
  std::vector<bool> matches;  // one entry per glob
  std::string example;        // a shortest string with exactly these matches
};

struct GlobClasses {
  bool complete = false;
  std::vector<GlobClass> classes;
};

// All realisable match vectors of `globs`, each with a shortest example.
// `max_states` bounds the product automaton, and `max_states` * 16384 steps
// over the globs' NFA states bound the work (many wide patterns); past
// either, the result is incomplete.
GlobClasses EnumerateGlobClasses(const std::vector<Glob>& globs, size_t max_states);

// The match vector of one string.
std::vector<bool> ClassOf(const std::vector<Glob>& globs, std::string_view utf8);

}  // namespace trustcheck::analysis

#endif  // TRUSTCHECK_SRC_ANALYSIS_GLOB_SPACE_H_
