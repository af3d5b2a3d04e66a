// Tests for trustcheck::Pattern: the wildcard languages of every flavour, the
// structural accessors, the linear worst case, and two differential tests
// against obviously-correct references (a dynamic-programming matcher written
// from the definition, and a transcription of ryanuber/go-glob v1.0.0).

#include "trustcheck/pattern.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <vector>

// Counts heap allocations so a test can prove that Match never allocates.
namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

// noinline: lets the compiler see that new and delete are a malloc/free pair.
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace trustcheck {
namespace {

constexpr PatternOptions kAws{WildcardFlavor::kAws, false, true};
constexpr PatternOptions kAwsFold{WildcardFlavor::kAws, true, true};
constexpr PatternOptions kAwsNoEscapes{WildcardFlavor::kAws, false, false};
constexpr PatternOptions kEntra{WildcardFlavor::kEntra, false, true};
constexpr PatternOptions kVault{WildcardFlavor::kVault, false, true};
constexpr PatternOptions kLiteral{WildcardFlavor::kLiteral, false, true};
constexpr PatternOptions kLiteralFold{WildcardFlavor::kLiteral, true, true};

std::string Describe(const PatternOptions& options) {
  std::string name;
  switch (options.flavor) {
    case WildcardFlavor::kLiteral: name = "literal"; break;
    case WildcardFlavor::kAws: name = "aws"; break;
    case WildcardFlavor::kEntra: name = "entra"; break;
    case WildcardFlavor::kVault: name = "vault"; break;
  }
  if (options.fold_case) name += "+fold";
  if (options.flavor == WildcardFlavor::kAws && !options.aws_escapes) name += "-escapes";
  return name;
}

// Renders pieces compactly: literals quoted, then `*` and `?`.
std::string Render(const std::vector<Pattern::Piece>& pieces) {
  std::string out;
  for (const Pattern::Piece& piece : pieces) {
    if (!out.empty()) out += ' ';
    switch (piece.kind) {
      case Pattern::Piece::kLiteral: out += '"' + piece.literal + '"'; break;
      case Pattern::Piece::kStar: out += '*'; break;
      case Pattern::Piece::kAnyChar: out += '?'; break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Match: one row per behaviour

struct MatchCase {
  PatternOptions options;
  std::string pattern;
  std::string subject;
  bool want;
};

const MatchCase kMatchCases[] = {
    // kLiteral: byte equality, wildcard characters are plain text.
    {kLiteral, "repo:o/r:*", "repo:o/r:*", true},
    {kLiteral, "repo:o/r:*", "repo:o/r:main", false},
    {kLiteral, "a?", "ab", false},
    {kLiteral, "a?", "a?", true},
    {kLiteral, "${*}", "${*}", true},
    {kLiteral, "${*}", "*", false},
    {kLiteral, "", "", true},
    {kLiteral, "", "a", false},
    {kLiteral, "abc", "abcd", false},
    {kLiteral, "abc", "ab", false},
    {kLiteral, "Main", "main", false},
    // Case folding is ASCII only; the eight-byte blocks and the tail agree.
    {kLiteralFold, "Repo:Octo-Org", "rEPO:oCTO-oRG", true},
    {kLiteralFold, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", true},
    {kLiteralFold, "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", true},
    {kLiteralFold, "@@@@@@@@[[[", "````````{{{", false},  // 0x40/0x5B vs 0x60/0x7B
    {kLiteralFold, "````````{{{", "@@@@@@@@[[[", false},
    {kLiteralFold, "\xc3\xa9", "\xc3\x89", false},  // é vs É: not folded
    {kLiteralFold, "main", "mainx", false},

    // kAws: `*` is any run of bytes, including none, across `:` and `/`.
    {kAws, "*", "", true},
    {kAws, "*", "repo:octo-org/octo-repo:ref:refs/heads/main", true},
    {kAws, "**", "", true},
    {kAws, "", "", true},
    {kAws, "", "x", false},
    {kAws, "repo:o/r:*", "repo:o/r:", true},
    {kAws, "repo:o/r:*", "repo:o/r", false},
    {kAws, "a*b", "ab", true},
    {kAws, "a*b", "a:/b", true},
    {kAws, "a*b", "a:/bc", false},
    {kAws, "a*a", "a", false},
    {kAws, "a*a", "aa", true},
    {kAws, "ab*ba", "aba", false},
    {kAws, "*a*a", "a", false},
    {kAws, "*ab?d*", "abxabcd", true},  // the first `ab` is a false start
    {kAws, "*ab?d*", "abxabc", false},
    {kAws, "*aa?b*", "aaaab", true},  // the next candidate overlaps the false start
    {kAws, "*aba?c*", "ababaxc", true},
    {kAws, "*a*b*c*", "cba", false},
    {kAws, "*a*b*c*", "xaybzc", true},
    {kAws, "a*b*c", "abcbc", true},
    {kAws, "a*b*c", "abcb", false},
    {kAws, "Main", "main", false},  // case-sensitive
    // `?` is exactly one code point.
    {kAws, "?", "", false},
    {kAws, "?", "a", true},
    {kAws, "?", "ab", false},
    {kAws, "?", "\xc3\xa9", true},              // é, two bytes
    {kAws, "??", "\xc3\xa9", false},
    {kAws, "?", "\xe2\x82\xac", true},          // €, three bytes
    {kAws, "?", "\xf0\x9f\x98\x80", true},      // U+1F600, four bytes
    {kAws, "a?c", "a\xc3\xa9" "c", true},
    {kAws, "a??c", "a\xc3\xa9" "c", false},
    {kAws, "*?", "\xc3\xa9", true},
    {kAws, "*??", "\xe2\x82\xac", false},       // `*` may not end inside a character
    {kAws, "*??*", "\xe2\x82\xac", false},
    {kAws, "?*?", "\xe2\x82\xac\xe2\x82\xac", true},
    {kAws, "?*", "", false},
    {kAws, "v?.?", "v1.2", true},
    {kAws, "v?.?", "v10.2", false},
    // Invalid UTF-8: a stray byte is a character of its own.
    {kAws, "?", "\xa9", true},
    {kAws, "??", "\xc3", false},
    {kAws, "??", "a\xa9", true},
    {kAws, "?", "\xff", true},
    // 0xF8-0xFF announce nothing: each byte after them is stray (found by
    // matcher_fuzz, whose reference had read 0xFF as a 3-byte lead).
    {kEntra, "?", "\xff\x88\x9f", false},
    {kEntra, "???", "\xff\x88\x9f", true},
    // A truncated sequence is one character, as far as it is present.
    {kAws, "?", "\xe0\x80", true},
    {kAws, "??", "\xe0\x80", false},
    {kAws, "?a", "\xe0\x80" "a", true},
    {kAws, "*??", "\xd2\x9f", false},  // matcher_fuzz: `?` never starts inside a character
    // AWS escapes ${*} ${?} ${$} are the literal characters.
    {kAws, "${*}", "*", true},
    {kAws, "${*}", "x", false},
    {kAws, "${*}", "${*}", false},
    {kAws, "a${?}b", "a?b", true},
    {kAws, "a${?}b", "axb", false},
    {kAws, "${$}", "$", true},
    {kAws, "${$}{aws:username}", "${aws:username}", true},
    {kAws, "repo:o/r:ref:refs/tags/v${*}", "repo:o/r:ref:refs/tags/v*", true},
    {kAws, "repo:o/r:ref:refs/tags/v${*}", "repo:o/r:ref:refs/tags/v1", false},
    // Anything else that looks like a variable is plain text.
    {kAws, "${x}", "${x}", true},
    {kAws, "${x}", "x", false},
    {kAws, "$", "$", true},
    {kAws, "${", "${", true},
    {kAws, "${**}", "${ab}", true},  // `**` is a wildcard inside plain `${...}` text
    {kAws, "${*", "${xyz", true},
    {kAws, "$${*}}", "$*}", true},
    // Without escapes (policy Version 2008-10-17) `${*}` is `${`, `*`, `}`.
    {kAwsNoEscapes, "${*}", "*", false},
    {kAwsNoEscapes, "${*}", "${anything}", true},
    {kAwsNoEscapes, "${?}", "${x}", true},
    {kAwsNoEscapes, "${?}", "?", false},
    {kAwsNoEscapes, "${$}", "${$}", true},
    // Case folding with wildcards.
    {kAwsFold, "REPO:*:REF:REFS/HEADS/MAIN", "repo:octo-org/x:ref:refs/heads/main", true},
    {kAwsFold, "*MAIN", "xmain", true},
    {kAwsFold, "*Ma?n*", "xxMAXNyy", true},
    {kAwsFold, "*Ma?n*", "xxMAXOyy", false},
    {kAwsFold, "${*}A", "*a", true},

    // kEntra: `*` and `?`, no escapes.
    {kEntra, "repo:octo-org/*", "repo:octo-org/octo-repo:ref:refs/heads/main", true},
    {kEntra, "repo:octo-org/?", "repo:octo-org/x", true},
    {kEntra, "${*}", "*", false},
    {kEntra, "${*}", "${zz}", true},
    {kEntra, "Repo:*", "repo:x", false},

    // kVault: only `*`; `?` and `${?}` are plain text.
    {kVault, "", "", true},
    {kVault, "", "x", false},
    {kVault, "*", "", true},
    {kVault, "*", "anything", true},
    {kVault, "?", "a", false},
    {kVault, "?", "?", true},
    {kVault, "a?b*", "a?bzzz", true},
    {kVault, "a?b*", "axbzzz", false},
    {kVault, "${*}", "${x}", true},
    {kVault, "${*}", "*", false},
    {kVault, "a*a", "a", false},
    {kVault, "octo-org/*", "octo-org/", true},

    // Realistic claims.
    {kAws, "repo:octo-org/octo-repo:*", "repo:octo-org/octo-repo:ref:refs/heads/main", true},
    {kAws, "repo:octo-org/octo-repo:*", "repo:octo-org/octo-repo-fork:ref:refs/heads/main",
     false},
    {kAws, "repo:octo-org/*:ref:refs/heads/main", "repo:octo-org/octo-repo:ref:refs/heads/main",
     true},
    {kAws, "repo:octo-org/*:ref:refs/heads/main", "repo:octo-org/octo-repo:ref:refs/heads/dev",
     false},
    {kAws, "repo:octo-org/*:ref:refs/heads/main",
     "repo:evil-org/x:repo:octo-org/y:ref:refs/heads/main", false},
    {kAws, "repo:*:environment:prod", "repo:octo-org/octo-repo:environment:prod", true},
    {kAws, "repo:*:environment:prod", "repo:octo-org/octo-repo:environment:production", false},
    {kAws, "project_path:group/*:ref_type:branch:ref:main",
     "project_path:group/project:ref_type:branch:ref:main", true},
    {kAws, "project_path:group/*:ref_type:branch:ref:main",
     "project_path:group/project:ref_type:tag:ref:main", false},
    {kAws, "organization:acme:project:*:workspace:*:run_phase:apply",
     "organization:acme:project:Default Project:workspace:ws:run_phase:apply", true},
    {kAws, "organization:acme:project:*:workspace:*:run_phase:apply",
     "organization:acme:project:Default Project:workspace:ws:run_phase:plan", false},
    {kAws, "organization:acme:project:Default Project:workspace:w?:run_phase:*",
     "organization:acme:project:Default Project:workspace:ws:run_phase:apply", true},
};

TEST(PatternTest, MatchTable) {
  for (const MatchCase& c : kMatchCases) {
    const Pattern pattern = Pattern::Compile(c.pattern, c.options);
    EXPECT_EQ(pattern.Match(c.subject), c.want)
        << Describe(c.options) << " `" << c.pattern << "` vs `" << c.subject << "`";
  }
}

TEST(PatternTest, DefaultPatternMatchesOnlyTheEmptyString) {
  const Pattern pattern;
  EXPECT_TRUE(pattern.Match(""));
  EXPECT_FALSE(pattern.Match("a"));
  EXPECT_FALSE(pattern.has_wildcards());
  EXPECT_EQ(pattern.min_length(), 0u);
  EXPECT_TRUE(pattern.Pieces().empty());
}

TEST(PatternTest, KeepsTextAndOptions) {
  const Pattern pattern = Pattern::Compile("a${*}*", kAwsFold);
  EXPECT_EQ(pattern.text(), "a${*}*");
  EXPECT_EQ(pattern.options().flavor, WildcardFlavor::kAws);
  EXPECT_TRUE(pattern.options().fold_case);
}

// ---------------------------------------------------------------------------
// Structure: what the index and the analysis see

struct StructureCase {
  PatternOptions options;
  std::string pattern;
  std::string prefix;
  std::string suffix;
  size_t min_length;
  bool has_wildcards;
  std::string pieces;
};

const StructureCase kStructureCases[] = {
    {kAws, "", "", "", 0, false, ""},
    {kAws, "exact", "exact", "", 5, false, R"("exact")"},
    {kAws, "repo:o/r:*", "repo:o/r:", "", 9, true, R"("repo:o/r:" *)"},
    {kAws, "*:ref:main", "", ":ref:main", 9, true, R"(* ":ref:main")"},
    {kAws, "a**b", "a", "b", 2, true, R"("a" * "b")"},
    {kAws, "a??", "a", "", 3, true, R"("a" ? ?)"},
    {kAws, "?", "", "", 1, true, "?"},
    {kAws, "a${*}b*c${?}", "a*b", "c?", 5, true, R"("a*b" * "c?")"},
    {kAws, "${*}", "*", "", 1, false, R"("*")"},
    {kAws, "${x}*", "${x}", "", 4, true, R"("${x}" *)"},
    {kAwsNoEscapes, "a${*}b", "a${", "}b", 5, true, R"("a${" * "}b")"},
    {kEntra, "x${?}", "x${", "}", 5, true, R"("x${" ? "}")"},
    {kVault, "a?*", "a?", "", 2, true, R"("a?" *)"},
    {kVault, "a*?", "a", "?", 2, true, R"("a" * "?")"},
    {kLiteral, "a*?", "a*?", "", 3, false, R"("a*?")"},
    {kLiteralFold, "AbC", "AbC", "", 3, false, R"("AbC")"},  // as written, not folded
    {kAwsFold, "AbC*dE", "AbC", "dE", 5, true, R"("AbC" * "dE")"},
    // Values without wildcards or escapes take the plain-literal path.
    {kAwsFold, "AbC", "AbC", "", 3, false, R"("AbC")"},
    {kEntra, "repo:o/r", "repo:o/r", "", 8, false, R"("repo:o/r")"},
    {kVault, "a?b", "a?b", "", 3, false, R"("a?b")"},
    {kAwsNoEscapes, "a$b", "a$b", "", 3, false, R"("a$b")"},
};

TEST(PatternTest, Structure) {
  for (const StructureCase& c : kStructureCases) {
    SCOPED_TRACE(Describe(c.options) + " `" + c.pattern + "`");
    const Pattern pattern = Pattern::Compile(c.pattern, c.options);
    EXPECT_EQ(pattern.literal_prefix(), c.prefix);
    EXPECT_EQ(pattern.literal_suffix(), c.suffix);
    EXPECT_EQ(pattern.min_length(), c.min_length);
    EXPECT_EQ(pattern.has_wildcards(), c.has_wildcards);
    EXPECT_EQ(Render(pattern.Pieces()), c.pieces);
  }
}

// An exact pattern keeps its literals in its text: copies and moves (short
// texts live inside the string object) must still match.
TEST(PatternTest, CopiesAndMovesKeepMatching) {
  for (const std::string text : {"main", "repo:octo-org/octo-repo:ref:refs/heads/main"}) {
    SCOPED_TRACE(text);
    Pattern original = Pattern::Compile(text, kLiteral);
    Pattern copy = original;
    Pattern moved = std::move(original);
    std::vector<Pattern> grown;
    for (int i = 0; i < 20; ++i) grown.push_back(copy);  // reallocations move the elements
    EXPECT_TRUE(copy.Match(text));
    EXPECT_TRUE(moved.Match(text));
    EXPECT_TRUE(grown.front().Match(text));
    EXPECT_FALSE(grown.back().Match(text + "x"));
  }
}

// ---------------------------------------------------------------------------
// Cost: no allocation, no exponential blow-up

TEST(PatternTest, MatchDoesNotAllocate) {
  const Pattern patterns[] = {
      Pattern::Compile("repo:octo-org/octo-repo:ref:refs/heads/main:workspace:ws:x:apply", kAws),
      Pattern::Compile("repo:octo-org/*:ref:refs/heads/*", kAws),
      Pattern::Compile("*:workspace:w?:*:apply", kAwsFold),
      Pattern::Compile("*a*b?c*", kEntra),
  };
  const std::string subject = "repo:octo-org/octo-repo:ref:refs/heads/main:workspace:ws:x:apply";
  const size_t before = g_allocations.load();
  int matches = 0;
  for (const Pattern& pattern : patterns) matches += pattern.Match(subject);
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(matches, 3);
}

// `*a*a*...*a*b` against a long run of `a`: exponential for a backtracking
// matcher. Rejected by the anchored suffix here, and by the linear segment
// search when a trailing `*` removes the suffix.
TEST(PatternTest, PathologicalPatternsAreFast) {
  std::string anchored;
  std::string open;
  for (int i = 0; i < 1000; ++i) anchored += "*a";
  anchored += "*b";
  open = anchored + "*";
  const std::string subject(10000, 'a');
  const auto start = std::chrono::steady_clock::now();
  for (const PatternOptions& options : {kAws, kEntra, kVault, kAwsFold}) {
    EXPECT_FALSE(Pattern::Compile(anchored, options).Match(subject)) << Describe(options);
    EXPECT_FALSE(Pattern::Compile(open, options).Match(subject)) << Describe(options);
    EXPECT_TRUE(Pattern::Compile(open, options).Match(subject + "b")) << Describe(options);
  }
  // The quadratic worst case of a one-backtrack-point matcher: a long segment
  // that almost matches everywhere. 10k * 100 byte comparisons, well under 1 s.
  const std::string near_miss = "*" + std::string(100, 'a') + "b*";
  EXPECT_FALSE(Pattern::Compile(near_miss, kAws).Match(subject));
  EXPECT_FALSE(Pattern::Compile("*" + std::string(100, '?') + "b*", kAws).Match(subject));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0);
}

// The segment search tests sixteen positions at a time by the needle's first
// and last bytes. Filling the subject with the first byte makes every position
// a candidate; the needle must be found at every offset, including in the
// last, overlapping block, and never where it would not fit.
TEST(PatternTest, SegmentSearchFindsEveryPosition) {
  for (const std::string needle :
       {"x", "xy", "xyz", "xy-long-needle-y", "xy-needle-longer-than-16-y"}) {
    for (size_t length = needle.size(); length <= 70; ++length) {
      for (size_t at = 0; at + needle.size() <= length; ++at) {
        std::string subject(length, 'x');
        subject.replace(at, needle.size(), needle);
        SCOPED_TRACE("`" + needle + "` in `" + subject + "`");
        // `x*` takes the first byte, so the search starts at offset 1.
        const size_t first = subject.find(needle, 1);
        EXPECT_EQ(Pattern::Compile("x*" + needle + "*", kAws).Match(subject),
                  first != std::string::npos);
        // With `?` after it, the segment must end before the last byte.
        EXPECT_EQ(Pattern::Compile("x*" + needle + "*?", kAws).Match(subject),
                  first != std::string::npos && first + needle.size() < length);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Differential test against a dynamic-programming matcher

// One byte of literal text, a `*`, or a `?`.
struct RefToken {
  enum Kind { kByte, kStar, kAny } kind;
  char byte;
};

// The pattern languages, straight from pattern.h.
std::vector<RefToken> RefParse(std::string_view text, const PatternOptions& options) {
  std::vector<RefToken> tokens;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (options.flavor == WildcardFlavor::kLiteral) {
      tokens.push_back({RefToken::kByte, c});
    } else if (c == '*') {
      tokens.push_back({RefToken::kStar, 0});
    } else if (c == '?' && options.flavor != WildcardFlavor::kVault) {
      tokens.push_back({RefToken::kAny, 0});
    } else if (options.flavor == WildcardFlavor::kAws && options.aws_escapes &&
               (text.substr(i, 4) == "${*}" || text.substr(i, 4) == "${?}" ||
                text.substr(i, 4) == "${$}")) {
      tokens.push_back({RefToken::kByte, text[i + 2]});
      i += 3;
    } else {
      tokens.push_back({RefToken::kByte, c});
    }
  }
  return tokens;
}

char RefFold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// char_end[i] is the end of the character that starts at byte i, or 0 when no
// character starts there. Characters are found left to right: a lead byte
// takes as many of the continuation bytes it announces as are present.
std::vector<size_t> RefCharacters(std::string_view s) {
  std::vector<size_t> char_end(s.size() + 1, 0);
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t announced = 1;
    if ((c & 0xE0) == 0xC0) announced = 2;
    if ((c & 0xF0) == 0xE0) announced = 3;
    if ((c & 0xF8) == 0xF0) announced = 4;
    size_t j = i + 1;
    while (j < s.size() && j < i + announced &&
           (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) {
      ++j;
    }
    char_end[i] = j;
    i = j;
  }
  return char_end;
}

// matches[t][j]: tokens t.. match subject bytes j..
bool RefMatch(std::string_view text, const PatternOptions& options, std::string_view s) {
  const std::vector<RefToken> tokens = RefParse(text, options);
  const std::vector<size_t> char_end = RefCharacters(s);
  const size_t n = s.size();
  std::vector<std::vector<bool>> matches(tokens.size() + 1, std::vector<bool>(n + 1, false));
  matches[tokens.size()][n] = true;
  for (size_t t = tokens.size(); t-- > 0;) {
    for (size_t j = n + 1; j-- > 0;) {
      const RefToken& token = tokens[t];
      bool m = false;
      switch (token.kind) {
        case RefToken::kByte:
          m = j < n &&
              (options.fold_case ? RefFold(s[j]) == RefFold(token.byte) : s[j] == token.byte) &&
              matches[t + 1][j + 1];
          break;
        case RefToken::kAny:
          m = j < n && char_end[j] != 0 && matches[t + 1][char_end[j]];
          break;
        case RefToken::kStar:
          m = matches[t + 1][j] || (j < n && matches[t][j + 1]);
          break;
      }
      matches[t][j] = m;
    }
  }
  return matches[0][0];
}

// Pattern and subject building blocks: wildcards, escapes, near-escapes,
// case variants, multi-byte characters and invalid UTF-8.
const std::vector<std::string> kPatternUnits = {
    "a", "b", "A", "*", "*", "?", "?", "$", "{", "}", "${*}", "${?}", "${$}", "${",
    "\xc3\xa9", "\xe2\x82\xac", "\xa9", "\xc3"};
const std::vector<std::string> kSubjectUnits = {
    "a", "b", "A", "B", "*", "?", "$", "{", "}", "\xc3\xa9", "\xe2\x82\xac",
    "\xf0\x9f\x98\x80", "\xa9", "\xc3", "\xff", "\xe2\x82"};

const std::string& Pick(std::mt19937& rng, const std::vector<std::string>& units) {
  return units[rng() % units.size()];
}

struct Alphabet {
  std::vector<std::string> pattern_units;
  std::vector<std::string> subject_units;
  size_t max_pattern_units;
  size_t max_subject_units;  // also the most units one `*` stands for
};

// A random pattern and a subject that is, in equal shares: random; an
// instance of the pattern (wildcards replaced by random text, escapes by the
// character or left as written); or such an instance with one byte inserted,
// deleted or replaced, which often splits a multi-byte character.
std::pair<std::string, std::string> RandomCase(std::mt19937& rng, const Alphabet& alphabet) {
  std::string pattern;
  std::string instance;
  for (size_t i = rng() % (alphabet.max_pattern_units + 1); i > 0; --i) {
    const std::string& unit = Pick(rng, alphabet.pattern_units);
    pattern += unit;
    if (unit == "*") {
      for (size_t k = rng() % (alphabet.max_subject_units / 2 + 1); k > 0; --k) {
        instance += Pick(rng, alphabet.subject_units);
      }
    } else if (unit == "?") {
      instance += Pick(rng, alphabet.subject_units);
    } else if (unit.size() == 4 && unit[0] == '$' && unit[1] == '{') {
      instance += rng() % 2 ? unit.substr(2, 1) : unit;
    } else {
      instance += unit;
    }
  }
  switch (rng() % 3) {
    case 0: {
      std::string subject;
      for (size_t k = rng() % (alphabet.max_subject_units + 1); k > 0; --k) {
        subject += Pick(rng, alphabet.subject_units);
      }
      return {pattern, subject};
    }
    case 1:
      return {pattern, instance};
    default: {
      const std::string& unit = Pick(rng, alphabet.subject_units);
      const size_t at = rng() % (instance.size() + 1);
      const int edit = static_cast<int>(rng() % 3);
      if (edit == 0 || at == instance.size()) {
        instance.insert(at, 1, unit[rng() % unit.size()]);
      } else if (edit == 1) {
        instance.erase(at, 1);
      } else {
        instance[at] = unit[rng() % unit.size()];
      }
      return {pattern, instance};
    }
  }
}

// Runs `cases` random cases through Pattern and the reference; expects both
// outcomes to be well represented, so the comparison means something.
void ExpectAgreement(const PatternOptions& options, const Alphabet& alphabet, uint32_t seed,
                     int cases) {
  std::mt19937 rng(seed);
  int matched = 0;
  for (int i = 0; i < cases; ++i) {
    const auto [text, subject] = RandomCase(rng, alphabet);
    const bool want = RefMatch(text, options, subject);
    ASSERT_EQ(Pattern::Compile(text, options).Match(subject), want)
        << Describe(options) << " `" << text << "` vs `" << subject << "`";
    matched += want;
  }
  EXPECT_GT(matched, cases / 10) << Describe(options);
  EXPECT_LT(matched, cases * 9 / 10) << Describe(options);
}

const PatternOptions kAllOptions[] = {
    kAws,
    kAwsFold,
    kAwsNoEscapes,
    {WildcardFlavor::kAws, true, false},
    kEntra,
    {WildcardFlavor::kEntra, true, true},
    kVault,
    {WildcardFlavor::kVault, true, true},
    kLiteral,
    kLiteralFold,
};

TEST(PatternTest, AgreesWithReferenceMatcher) {
  const Alphabet alphabet{kPatternUnits, kSubjectUnits, 7, 10};
  for (const PatternOptions& options : kAllOptions) ExpectAgreement(options, alphabet, 1, 10000);
}

// Longer subjects with few distinct letters exercise the segment search: many
// false starts, overlapping candidates, segments that start with `?`, tails
// matched backwards across multi-byte characters.
TEST(PatternTest, AgreesWithReferenceMatcherOnLongSubjects) {
  const Alphabet alphabet{{"a", "b", "aa", "ab", "*", "?", "?", "\xc3\xa9", "\xa9"},
                          {"a", "b", "\xc3\xa9", "\xe2\x82\xac", "\xa9"},
                          12,
                          40};
  for (const PatternOptions& options : kAllOptions) {
    if (options.flavor == WildcardFlavor::kLiteral) continue;  // instances never match
    ExpectAgreement(options, alphabet, 2, 3000);
  }
}

// ---------------------------------------------------------------------------
// Vault: the same answers as ryanuber/go-glob v1.0.0

// glob.go, transcribed line by line (strings.Split, strings.Index and
// strings.HasSuffix have the obvious std::string_view equivalents).
bool GoGlob(std::string_view pattern, std::string_view subj) {
  if (pattern.empty()) return subj == pattern;
  if (pattern == "*") return true;
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t star = pattern.find('*', start);
    parts.push_back(pattern.substr(start, star == std::string_view::npos ? star : star - start));
    if (star == std::string_view::npos) break;
    start = star + 1;
  }
  if (parts.size() == 1) return subj == pattern;
  const bool leading_glob = pattern.front() == '*';
  const bool trailing_glob = pattern.back() == '*';
  const size_t end = parts.size() - 1;
  for (size_t i = 0; i < end; ++i) {
    const size_t idx = subj.find(parts[i]);
    if (i == 0) {
      if (!leading_glob && idx != 0) return false;
    } else if (idx == std::string_view::npos) {
      return false;
    }
    subj = subj.substr(idx + parts[i].size());
  }
  return trailing_glob || subj.ends_with(parts[end]);
}

TEST(PatternTest, VaultAgreesWithGoGlob) {
  const std::vector<std::string> units = {"a", "b", "ab", "*", "*", "?", "${*}", ":", "/"};
  std::mt19937 rng(16241);
  int matched = 0;
  constexpr int kCases = 20000;
  for (int i = 0; i < kCases; ++i) {
    std::string text;
    for (size_t k = rng() % 7; k > 0; --k) text += Pick(rng, units);
    std::string subject;
    if (rng() % 2) {  // an instance: each `*` replaced by up to two bytes
      for (char c : text) {
        subject += c == '*' ? Pick(rng, units).substr(0, rng() % 3) : std::string(1, c);
      }
    } else {
      for (size_t k = rng() % 8; k > 0; --k) subject += Pick(rng, units);
    }
    const bool want = GoGlob(text, subject);
    ASSERT_EQ(Pattern::Compile(text, kVault).Match(subject), want)
        << "`" << text << "` vs `" << subject << "`";
    matched += want;
  }
  EXPECT_GT(matched, kCases / 10);
  EXPECT_LT(matched, kCases * 9 / 10);
}

}  // namespace
}  // namespace trustcheck
