// Wildcard matching: compile a policy value into literal runs and wildcards,
// then match claim values against it without allocating.
//
// The matcher is the "one backtrack point" algorithm of Russ Cox and Kirk
// Krauss, reorganised around the literal runs so that most of the work is
// comparing and searching bytes (inline compares for short runs, memcmp for
// long ones; memchr or a sixteen-at-a-time first/last-byte filter to find a
// literal after a `*`):
//
//   1. Reject subjects shorter than min_length().
//   2. Compare the literal prefix and the literal suffix in place. The suffix
//      is anchored at the end of the subject, so a pattern like `*a*a*b` on a
//      string of `a`s is rejected here, before any search.
//   3. The remaining body is  head * seg_1 * seg_2 * ... * seg_k * tail  where
//      head, tail and the segments are sequences of literals and `?`. The head
//      is matched forwards from the start, the tail backwards from the end
//      (both are anchored, so there is nothing to search), and each segment is
//      placed at its leftmost position after the previous one. Shapes like
//      `lit*`, `*lit` and `lit*lit` are done after step 2.
//
// Why leftmost placement is enough (and the reason the worst case is
// O(|pattern| * |subject|) instead of exponential): a segment consumes a fixed
// sequence of literal bytes and whole characters, so the later it starts the
// later it ends. Whatever a match that places segment i further right can do
// with the rest of the subject, the leftmost placement can do too, because the
// `*` after it simply absorbs the difference. Each segment is therefore
// searched once, never revisited.
//
// Characters. `?` matches one UTF-8 encoded code point. The subject is split
// into characters from left to right: a lead byte (0xxxxxxx, 110xxxxx,
// 1110xxxx, 11110xxx) together with the continuation bytes (10xxxxxx) it
// announces, when they are present; any other byte (a stray continuation
// byte, 0xF8-0xFF) is a character on its own. `?` must start at the start of
// a character and consumes all of it. `*` and literals work on bytes; for
// valid UTF-8 patterns and subjects this is the same as working on code points.

#include "trustcheck/pattern.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trustcheck {
namespace {

// ---------------------------------------------------------------------------
// ASCII case folding

constexpr std::array<uint8_t, 256> MakeLowerTable() {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = static_cast<uint8_t>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  return table;
}
constexpr std::array<uint8_t, 256> kLower = MakeLowerTable();

inline uint8_t Lower(char c) { return kLower[static_cast<uint8_t>(c)]; }

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Lowercases the ASCII letters of eight bytes at once (bytes >= 0x80 are left
// alone): a byte is an upper-case letter iff its low seven bits are in
// [0x41, 0x5A] and its high bit is clear.
inline uint64_t LowerAscii8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  const uint64_t low7 = x & (0x7F * kOnes);
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;
  const uint64_t above_z = low7 + (0x80 - 'Z' - 1) * kOnes;
  const uint64_t upper = at_least_a & ~above_z & ~x & (0x80 * kOnes);
  return x | (upper >> 2);  // 0x80 >> 2 == 0x20, the case bit
}

// True when subject[0, n) equals `folded`, which is already lowercase.
inline bool EqualFolded(const char* subject, const char* folded, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (LowerAscii8(Load64(subject + i)) != Load64(folded + i)) return false;
  }
  for (; i < n; ++i) {
    if (Lower(subject[i]) != static_cast<uint8_t>(folded[i])) return false;
  }
  return true;
}

inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

#if defined(__SSE2__)
inline bool Equal16(const char* a, const char* b) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
  const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
  return _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) == 0xFFFF;
}
#endif

// memcmp(a, b, n) == 0 without a library call for the short runs that
// dominate claim values: overlapping loads cover any length up to 16 bytes,
// 16-byte blocks (the last one overlapping) up to 64.
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) {
#if defined(__SSE2__)
      if (n <= 64) {
        for (size_t i = 0; i + 16 < n; i += 16) {
          if (!Equal16(a + i, b + i)) return false;
        }
        return Equal16(a + n - 16, b + n - 16);
      }
#endif
      return std::memcmp(a, b, n) == 0;
    }
    return ((Load64(a) ^ Load64(b)) | (Load64(a + n - 8) ^ Load64(b + n - 8))) == 0;
  }
  if (n >= 4) return ((Load32(a) ^ Load32(b)) | (Load32(a + n - 4) ^ Load32(b + n - 4))) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline bool Equal(const char* subject, const char* literal, size_t n, bool fold) {
  return fold ? EqualFolded(subject, literal, n) : BytesEqual(subject, literal, n);
}

// Candidate starts of a needle of length m >= 2 in hay[0, len) are the
// positions where both its first and its last byte occur; sixteen positions
// are tested at once (the "generic SIMD" substring search of Wojciech Mula).
// Returns the leftmost start, or nullptr. Reads nothing outside hay[0, len).
// Out of line, so that the callers' fast paths stay small.
[[gnu::noinline]] const char* FindTwoBytes(const char* hay, size_t len, const char* needle,
                                           size_t m) {
  const size_t starts = len - m + 1;  // len >= m
  size_t i = 0;
#if defined(__SSE2__)
  if (starts < 16 && len >= 16) {
    const __m128i first = _mm_set1_epi8(needle[0]);
    const __m128i last = _mm_set1_epi8(needle[m - 1]);
    // Fewer than sixteen starts but at least sixteen bytes (the usual case
    // for a claim value): test the first bytes at hay[0, 16) and the last
    // bytes at hay[len - 16, len), then shift the second mask so that both
    // have bit i for the start i.
    const __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay));
    const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + len - 16));
    const unsigned head_mask =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(head, first)));
    const unsigned tail_mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(tail, last)));
    unsigned mask = head_mask & (tail_mask >> (16 - starts));
    while (mask != 0) {
      const size_t at = static_cast<size_t>(__builtin_ctz(mask));
      if (BytesEqual(hay + at + 1, needle + 1, m - 2)) return hay + at;
      mask &= mask - 1;
    }
    return nullptr;
  }
  if (starts >= 16) {
    const __m128i first = _mm_set1_epi8(needle[0]);
    const __m128i last = _mm_set1_epi8(needle[m - 1]);
    for (;;) {
      // The last block overlaps the one before it rather than reading past
      // the end; positions tested twice fail twice.
      const size_t block = i + 16 <= starts ? i : starts - 16;
      const __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + block));
      const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + block + m - 1));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_and_si128(_mm_cmpeq_epi8(head, first), _mm_cmpeq_epi8(tail, last))));
      while (mask != 0) {
        const size_t at = block + static_cast<size_t>(__builtin_ctz(mask));
        if (BytesEqual(hay + at + 1, needle + 1, m - 2)) return hay + at;
        mask &= mask - 1;
      }
      if (block + 16 >= starts) return nullptr;
      i = block + 16;
    }
  }
#endif
  for (; i < starts; ++i) {
    if (hay[i] == needle[0] && hay[i + m - 1] == needle[m - 1] &&
        BytesEqual(hay + i + 1, needle + 1, m - 2)) {
      return hay + i;
    }
  }
  return nullptr;
}

// Leftmost start of `needle` (length m >= 1) in hay[0, len), or nullptr. Only
// starts that leave room for the whole needle count.
inline const char* Find(const char* hay, size_t len, const char* needle, size_t m, bool fold) {
  if (len < m) return nullptr;
  if (!fold) {
    // Segments often match right where the previous one ended (`*a*a*`,
    // `*-*`): test that position before setting up a search.
    if (hay[0] == needle[0] && BytesEqual(hay + 1, needle + 1, m - 1)) return hay;
    if (len == m) return nullptr;
    if (m == 1) return static_cast<const char*>(std::memchr(hay + 1, needle[0], len - 1));
    return FindTwoBytes(hay + 1, len - 1, needle, m);
  }
  const uint8_t first = static_cast<uint8_t>(needle[0]);
  const char* const last = hay + (len - m);  // last possible start
  for (const char* p = hay; p <= last; ++p) {
    if (Lower(*p) == first && EqualFolded(p + 1, needle + 1, m - 1)) return p;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// UTF-8 characters (see the file comment for the exact definition)

inline bool IsContinuation(uint8_t c) { return (c & 0xC0) == 0x80; }

// Bytes announced by a lead byte; 1 for ASCII and for bytes that cannot lead.
inline size_t AnnouncedLength(uint8_t c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  if (c < 0xF8) return 4;
  return 1;
}

// True when a character starts at p (or p is either end of the subject).
inline bool IsBoundary(const uint8_t* s, size_t n, size_t p) {
  if (p == 0 || p >= n || !IsContinuation(s[p])) return true;
  // s[p] continues the nearest non-continuation byte before it, if that byte
  // announced enough bytes to reach p; otherwise it is stray.
  for (size_t q = p; q-- > 0 && p - q <= 3;) {
    if (!IsContinuation(s[q])) return p - q >= AnnouncedLength(s[q]);
  }
  return true;
}

// The end of the character that starts at p < n.
inline size_t NextBoundary(const uint8_t* s, size_t n, size_t p) {
  const size_t end = p + AnnouncedLength(s[p]);
  size_t q = p + 1;
  while (q < end && q < n && IsContinuation(s[q])) ++q;
  return q;
}

// The start of the character that ends at the boundary p > 0.
inline size_t PrevBoundary(const uint8_t* s, size_t p) {
  for (size_t q = p; q-- > 0 && p - q <= 4;) {
    if (!IsContinuation(s[q])) return p - q <= AnnouncedLength(s[q]) ? q : p - 1;
  }
  return p - 1;
}

}  // namespace

// ---------------------------------------------------------------------------
// Matching

// Has access to Pattern's compiled program; all functions are stateless.
class PatternInternal {
 public:
  using Op = Pattern::Op;

  static void CompileLiteral(std::string_view text, Pattern* pattern);

  // The compiled matcher: see the file comment for the steps.
  static bool Match(const Pattern& pattern, std::string_view subject) {
    const size_t n = subject.size();
    if (n < pattern.min_length_) return false;
    const bool fold = pattern.options_.fold_case;
    const char* lits = pattern.literals();
    const char* s = subject.data();
    if (!pattern.has_wildcards_) {
      return n == pattern.min_length_ && (n == 0 || Equal(s, lits, n, fold));
    }
    const Op* first = pattern.ops_.data();
    const Op* last = first + pattern.ops_.size();  // one past the end
    size_t lo = 0;
    size_t hi = n;
    if (first->kind == Op::kLit) {
      if (!Equal(s, lits + first->offset, first->length, fold)) return false;
      lo = first->length;
      ++first;
    }
    if (last[-1].kind == Op::kLit) {
      hi -= last[-1].length;  // min_length_ guarantees hi >= lo
      if (!Equal(s + hi, lits + last[-1].offset, last[-1].length, fold)) return false;
      --last;
    }
    if (last - first == 1 && first->kind == Op::kStar) return true;  // `lit*lit`
    return MatchBody(pattern, first, last, reinterpret_cast<const uint8_t*>(s), n, lo, hi);
  }

 private:
  // Matches ops [first, last) against s[lo, hi), where the whole subject is
  // s[0, n) (the character boundaries depend on the bytes around the window).
  static bool MatchBody(const Pattern& pattern, const Op* first, const Op* last, const uint8_t* s,
                        size_t n, size_t lo, size_t hi) {
    // Head: anchored at lo.
    size_t pos = lo;
    while (first != last && first->kind != Op::kStar) {
      if (!Forward(pattern, *first, s, n, hi, &pos)) return false;
      ++first;
    }
    if (first == last) return pos == hi;
    // Tail: anchored at hi, matched backwards; it may not reach below pos.
    size_t tail = hi;
    while (last[-1].kind != Op::kStar) {
      if (!Backward(pattern, last[-1], s, n, pos, &tail)) return false;
      --last;
    }
    if (first == last - 1) return true;  // one star between head and tail
    return PlaceSegments(pattern, first, last - 1, s, n, pos, tail);
  }

  // Places each segment between the stars `first` and `last` at its leftmost
  // position in s[pos, limit). Out of line: most patterns have no segment,
  // and the anchored path stays small without it.
  [[gnu::noinline]] static bool PlaceSegments(const Pattern& pattern, const Op* first,
                                              const Op* last, const uint8_t* s, size_t n,
                                              size_t pos, size_t limit) {
    const char* base = reinterpret_cast<const char*>(s);
    const bool fold = pattern.options_.fold_case;
    for (const Op* star = first; star != last;) {
      const Op* segment_end = pattern.ops_.data() + star->offset;
      const Op* literal = star + 1;
      if (segment_end == literal + 1 && literal->kind == Op::kLit) {
        // The common segment, one literal run: its leftmost occurrence.
        const char* hit = Find(base + pos, limit - pos, pattern.literals() + literal->offset,
                               literal->length, fold);
        if (hit == nullptr) return false;
        pos = static_cast<size_t>(hit - base) + literal->length;
      } else if (!PlaceSegment(pattern, star, segment_end, s, n, limit, &pos)) {
        return false;
      }
      star = segment_end;
    }
    return true;
  }

  // Matches one literal or `?` run forwards from *pos without passing limit.
  static bool Forward(const Pattern& pattern, const Op& op, const uint8_t* s, size_t n,
                      size_t limit, size_t* pos) {
    size_t p = *pos;
    if (op.kind == Op::kLit) {
      if (limit - p < op.length) return false;
      if (!Equal(reinterpret_cast<const char*>(s) + p, pattern.literals() + op.offset, op.length,
                 pattern.options_.fold_case)) {
        return false;
      }
      *pos = p + op.length;
      return true;
    }
    for (uint32_t i = 0; i < op.length; ++i) {  // kAny: op.length characters
      if (p >= limit) return false;
      if (s[p] < 0x80) {
        ++p;
        continue;
      }
      if (!IsBoundary(s, n, p)) return false;
      p = NextBoundary(s, n, p);
      if (p > limit) return false;
    }
    *pos = p;
    return true;
  }

  // Matches one literal or `?` run backwards so that it ends at *end, without
  // starting before floor.
  static bool Backward(const Pattern& pattern, const Op& op, const uint8_t* s, size_t n,
                       size_t floor, size_t* end) {
    size_t p = *end;
    if (op.kind == Op::kLit) {
      if (p - floor < op.length) return false;
      p -= op.length;
      if (!Equal(reinterpret_cast<const char*>(s) + p, pattern.literals() + op.offset, op.length,
                 pattern.options_.fold_case)) {
        return false;
      }
      *end = p;
      return true;
    }
    if (!IsBoundary(s, n, p)) return false;  // a character must end here
    for (uint32_t i = 0; i < op.length; ++i) {
      if (p <= floor) return false;
      p = s[p - 1] < 0x80 ? p - 1 : PrevBoundary(s, p);
      if (p < floor) return false;
    }
    *end = p;
    return true;
  }

  // Places the segment between `star` and `segment_end` (both stars) at its
  // leftmost position in s[*pos, limit) and moves *pos past it. star->length
  // holds the segment's minimum length in bytes (see Compile).
  [[gnu::noinline]] static bool PlaceSegment(const Pattern& pattern, const Op* star,
                                             const Op* segment_end, const uint8_t* s, size_t n,
                                             size_t limit, size_t* pos) {
    const size_t min_length = star->length;
    const Op* first = star + 1;
    const bool fold = pattern.options_.fold_case;
    size_t start = *pos;
    if (first->kind == Op::kLit) {
      // Search for the leading literal; verify the rest of the segment there.
      const char* base = reinterpret_cast<const char*>(s);
      const char* literal = pattern.literals() + first->offset;
      while (limit - start >= min_length) {
        const size_t window = limit - start - (min_length - first->length);
        const char* hit = Find(base + start, window, literal, first->length, fold);
        if (hit == nullptr) return false;
        size_t p = static_cast<size_t>(hit - base) + first->length;
        if (VerifyRest(pattern, first + 1, segment_end, s, n, limit, &p)) {
          *pos = p;
          return true;
        }
        start = static_cast<size_t>(hit - base) + 1;
      }
      return false;
    }
    // The segment starts with `?`, which checks that a character starts there.
    for (; limit - start >= min_length; ++start) {
      size_t p = start;
      if (VerifyRest(pattern, first, segment_end, s, n, limit, &p)) {
        *pos = p;
        return true;
      }
    }
    return false;
  }

  static bool VerifyRest(const Pattern& pattern, const Op* op, const Op* end, const uint8_t* s,
                         size_t n, size_t limit, size_t* pos) {
    for (; op != end; ++op) {
      if (!Forward(pattern, *op, s, n, limit, pos)) return false;
    }
    return true;
  }
};

// ---------------------------------------------------------------------------
// Compiling

namespace {

// The bytes that may start something other than literal text in the
// flavour: its wildcards, and `$` where `${*}` `${?}` `${$}` are escapes. A
// text holding none of them is one literal run.
std::string_view SpecialBytes(const PatternOptions& options) {
  switch (options.flavor) {
    case WildcardFlavor::kLiteral: return "";
    case WildcardFlavor::kVault: return "*";
    case WildcardFlavor::kEntra: return "*?";
    case WildcardFlavor::kAws: return options.aws_escapes ? "*?$" : "*?";
  }
  return "*?$";
}

// Splits `text` into pieces according to the flavour: literal runs (escapes
// resolved, adjacent runs joined), one kStar per run of `*`, one kAnyChar per
// `?`.
std::vector<Pattern::Piece> Parse(std::string_view text, const PatternOptions& options) {
  using Piece = Pattern::Piece;
  std::vector<Piece> pieces;
  auto append_literal = [&pieces](std::string_view bytes) {
    if (pieces.empty() || pieces.back().kind != Piece::kLiteral) {
      pieces.push_back(Piece{Piece::kLiteral, std::string()});
    }
    pieces.back().literal.append(bytes);
  };
  if (options.flavor == WildcardFlavor::kLiteral) {
    if (!text.empty()) append_literal(text);
    return pieces;
  }
  const bool question_is_wildcard = options.flavor != WildcardFlavor::kVault;
  const bool escapes = options.flavor == WildcardFlavor::kAws && options.aws_escapes;
  const std::string_view specials = SpecialBytes(options);
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '*') {
      if (pieces.empty() || pieces.back().kind != Piece::kStar) {
        pieces.push_back(Piece{Piece::kStar, std::string()});
      }
      ++i;
    } else if (c == '?' && question_is_wildcard) {
      pieces.push_back(Piece{Piece::kAnyChar, std::string()});
      ++i;
    } else if (escapes && c == '$' && i + 3 < text.size() && text[i + 1] == '{' &&
               text[i + 3] == '}' &&
               (text[i + 2] == '*' || text[i + 2] == '?' || text[i + 2] == '$')) {
      append_literal(text.substr(i + 2, 1));  // ${*} ${?} ${$}
      i += 4;
    } else {
      // Copy the run up to the next byte that may be special.
      const size_t j = std::min(text.find_first_of(specials, i + 1), text.size());
      append_literal(text.substr(i, j - i));
      i = j;
    }
  }
  return pieces;
}

}  // namespace

// One literal run: no program, no parsing, one string unless folded.
void PatternInternal::CompileLiteral(std::string_view text, Pattern* pattern) {
  pattern->min_length_ = static_cast<uint32_t>(text.size());
  pattern->prefix_length_ = static_cast<uint32_t>(text.size());
  if (!pattern->options_.fold_case) {
    pattern->literals_are_text_ = true;
    return;
  }
  pattern->lits_.resize(text.size());
  for (size_t i = 0; i < text.size(); ++i) pattern->lits_[i] = static_cast<char>(Lower(text[i]));
  pattern->lits_.append(text);
}

Pattern Pattern::Compile(std::string_view text, const PatternOptions& options) {
  Pattern pattern;
  pattern.text_.assign(text);
  pattern.options_ = options;
  if (text.find_first_of(SpecialBytes(options)) == std::string_view::npos) {
    PatternInternal::CompileLiteral(text, &pattern);
    return pattern;
  }
  const std::vector<Piece> pieces = Parse(text, options);
  std::string unfolded;  // fold_case: the literal runs as written
  pattern.lits_.reserve(text.size());
  for (const Piece& piece : pieces) {
    switch (piece.kind) {
      case Piece::kLiteral: {
        Op op{Op::kLit, static_cast<uint32_t>(pattern.lits_.size()),
              static_cast<uint32_t>(piece.literal.size())};
        for (char c : piece.literal) {
          pattern.lits_.push_back(options.fold_case ? static_cast<char>(Lower(c)) : c);
        }
        if (options.fold_case) unfolded += piece.literal;
        pattern.ops_.push_back(op);
        pattern.min_length_ += static_cast<uint32_t>(piece.literal.size());
        break;
      }
      case Piece::kStar:
        pattern.ops_.push_back(Op{Op::kStar, 0, 0});
        pattern.has_wildcards_ = true;
        break;
      case Piece::kAnyChar:
        if (!pattern.ops_.empty() && pattern.ops_.back().kind == Op::kAny) {
          ++pattern.ops_.back().length;
        } else {
          pattern.ops_.push_back(Op{Op::kAny, 0, 1});
        }
        pattern.min_length_ += 1;  // a character is at least one byte
        pattern.has_wildcards_ = true;
        break;
    }
  }
  // Each star records where the segment after it ends (the index of the next
  // star, or the end) and the segment's minimum length, so that the segment
  // search needs no scanning and knows when to stop.
  uint32_t following = 0;
  uint32_t next_star = static_cast<uint32_t>(pattern.ops_.size());
  for (size_t i = pattern.ops_.size(); i-- > 0;) {
    Op& op = pattern.ops_[i];
    if (op.kind == Op::kStar) {
      op.offset = next_star;
      op.length = following;
      next_star = static_cast<uint32_t>(i);
      following = 0;
    } else {
      following += op.length;
    }
  }
  if (!pieces.empty() && pieces.front().kind == Piece::kLiteral) {
    pattern.prefix_length_ = static_cast<uint32_t>(pieces.front().literal.size());
  }
  if (pattern.has_wildcards_ && pieces.back().kind == Piece::kLiteral) {
    pattern.suffix_length_ = static_cast<uint32_t>(pieces.back().literal.size());
  }
  if (!pattern.has_wildcards_) pattern.ops_.clear();  // only escapes: Match compares the literals
  if (options.fold_case) pattern.lits_ += unfolded;
  // A loaded policy keeps its patterns: no spare capacity.
  pattern.lits_.shrink_to_fit();
  pattern.ops_.shrink_to_fit();
  return pattern;
}

bool Pattern::Match(std::string_view subject) const {
  return PatternInternal::Match(*this, subject);
}

std::vector<Pattern::Piece> Pattern::Pieces() const { return Parse(text_, options_); }

}  // namespace trustcheck
