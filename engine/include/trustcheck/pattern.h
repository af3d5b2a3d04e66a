// trustcheck/pattern.h: wildcard patterns, the hot core of every decision.
//
// OVERVIEW
//
// A Pattern is compiled once from the text a policy holds and then matched
// against many claim values. Matching is whole-string, byte-wise, takes time
// linear in |pattern| * |subject| in the worst case (one backtrack point, as
// in the Cox and Krauss algorithms; `*a*a*a*...b` never explodes) and never
// allocates.
//
// FLAVOURS (the platforms' wildcard languages are flavours of one engine)
//
//   kAws      AWS StringLike: `*` any run of bytes (including none, crossing
//             `:` and `/`), `?` exactly one character (one UTF-8 code point).
//             With `aws_escapes` (policy Version 2012-10-17) the predefined
//             variables `${*}` `${?}` `${$}` stand for a literal `*` `?` `$`;
//             otherwise they are plain text.
//   kEntra    Entra ID `matches`: `*` and `?` as for kAws, no escapes.
//   kVault    Vault glob (ryanuber/go-glob): only `*` is special; `?` and
//             everything else are literal.
//   kLiteral  No wildcard at all: exact comparison (StringEquals, `eq`).
//
// CHARACTERS
//
// `?` consumes one character: a UTF-8 lead byte together with the
// continuation bytes it announces, as far as they are present. Any other byte
// (a stray continuation byte, 0xF8-0xFF) is a character of its own, so every
// subject, valid UTF-8 or not, splits into characters in exactly one way, and
// `?` never starts inside one. `*` and literal text compare bytes; for valid
// UTF-8 this is the same as comparing code points.
//
// `fold_case` compares ASCII letters case-insensitively (AWS `...IgnoreCase`);
// other bytes compare exactly. AWS does not document its folding of
// non-ASCII letters; exact comparison there is the conservative reading for
// Allow statements (docs/semantics-aws.md).
//
// EXAMPLE
//
//   Pattern p = Pattern::Compile("repo:acme/*:ref:refs/heads/main", {});
//   p.Match("repo:acme/app:ref:refs/heads/main");   // true
//
// THREAD SAFETY
//
// A compiled Pattern is immutable: Match may be called from many threads.

#ifndef TRUSTCHECK_PATTERN_H_
#define TRUSTCHECK_PATTERN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trustcheck {

enum class WildcardFlavor : uint8_t { kLiteral, kAws, kEntra, kVault };

struct PatternOptions {
  WildcardFlavor flavor = WildcardFlavor::kAws;  // Default: AWS StringLike.
  bool fold_case = false;                        // Default: case-sensitive.
  bool aws_escapes = true;  // kAws only: honour ${*} ${?} ${$}. Default: on.
};

class Pattern {
 public:
  Pattern() = default;  // matches only the empty string
  static Pattern Compile(std::string_view text, const PatternOptions& options);

  // Whole-string match. No allocation.
  bool Match(std::string_view subject) const;

  // The text as written in the policy.
  const std::string& text() const { return text_; }
  const PatternOptions& options() const { return options_; }
  // True when the compiled pattern has any `*` or `?` wildcard.
  bool has_wildcards() const { return has_wildcards_; }
  // The literal bytes before the first wildcard (after unescaping, as
  // written: not case-folded even with fold_case). For an exact pattern this
  // is the whole value. Used by the index.
  std::string_view literal_prefix() const { return unfolded_literals().substr(0, prefix_length_); }
  // The literal bytes after the last wildcard; empty for exact patterns.
  std::string_view literal_suffix() const {
    std::string_view all = unfolded_literals();
    return all.substr(all.size() - suffix_length_);
  }
  // Minimum subject length (in bytes) that can match.
  size_t min_length() const { return min_length_; }

  // Structural view for analysis: the pattern as a sequence of pieces. A run
  // of `*` is one kStar, each `?` one kAnyChar, and adjacent literal text
  // (escapes resolved, not case-folded) one kLiteral. Allocates.
  struct Piece {
    enum Kind : uint8_t { kLiteral, kStar, kAnyChar } kind;
    std::string literal;  // kLiteral only (already unescaped)
  };
  std::vector<Piece> Pieces() const;

 private:
  // Implementation detail: a compact program of literal runs and wildcards.
  struct Op {
    enum Kind : uint8_t { kLit, kStar, kAny } kind;
    uint32_t offset = 0;  // into lits_ for kLit
    uint32_t length = 0;  // bytes for kLit; count of `?` for kAny
  };
  // The literal runs, concatenated: the text itself when it holds no
  // wildcard, escape or case folding (most policy values), so that an exact
  // pattern owns one string, not two.
  const char* literals() const { return literals_are_text_ ? text_.data() : lits_.data(); }
  // The literal runs as written (not case-folded), for prefix and suffix.
  std::string_view unfolded_literals() const {
    if (options_.fold_case) return std::string_view(lits_).substr(lits_.size() / 2);
    return literals_are_text_ ? std::string_view(text_) : std::string_view(lits_);
  }
  std::string text_;
  // The concatenated literal runs; empty when literals_are_text_. With
  // fold_case, the folded runs then the same runs as written (ASCII folding
  // keeps every byte's place, so each half is one half of the string).
  std::string lits_;
  std::vector<Op> ops_;   // empty for patterns without wildcards (Match compares the literals)
  uint32_t min_length_ = 0;
  uint32_t prefix_length_ = 0;  // bytes of the first literal run, when the pattern starts with one
  uint32_t suffix_length_ = 0;  // bytes of the last literal run, when it follows a wildcard
  PatternOptions options_;
  bool has_wildcards_ = false;
  bool literals_are_text_ = false;
  friend class PatternInternal;
};

}  // namespace trustcheck

#endif  // TRUSTCHECK_PATTERN_H_
