// The product automaton of a set of globs, explored breadth-first.
//
// Each glob with n tokens is an NFA with states 0..n ("the first i tokens are
// matched"); `*` at position i loops on every symbol and has an epsilon move
// to i + 1. The alphabet is compressed: every code point some glob names
// (with its ASCII case mate when a folding glob names it) is a symbol of its
// own, and one extra symbol stands for all the code points no glob names,
// which every glob treats alike (only `*` and `?` accept them).

#include "analysis/glob_space.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <set>
#include <unordered_map>

namespace trustcheck::analysis {

namespace {

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char32_t AsciiLower(char32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
char32_t AsciiUpper(char32_t c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

bool CharMatches(const Glob::Token& t, char32_t c) {
  if (t.ch == c) return true;
  return t.fold && IsAsciiLetter(c) && AsciiLower(t.ch) == AsciiLower(c);
}

}  // namespace

std::optional<Glob> Glob::Literal(std::string_view utf8, bool fold) {
  auto points = DecodeUtf8(utf8);
  if (!points) return std::nullopt;
  Glob g;
  for (char32_t c : *points) g.tokens.push_back({Token::kChar, c, fold && IsAsciiLetter(c)});
  return g;
}

std::optional<Glob> Glob::FromPattern(const Pattern& pattern) {
  Glob g;
  const bool fold = pattern.options().fold_case;
  for (const Pattern::Piece& piece : pattern.Pieces()) {
    switch (piece.kind) {
      case Pattern::Piece::kLiteral: {
        auto lit = Literal(piece.literal, fold);
        if (!lit) return std::nullopt;
        g.Append(*lit);
        break;
      }
      case Pattern::Piece::kStar: g.AppendStar(); break;
      case Pattern::Piece::kAnyChar: g.tokens.push_back({Token::kAny, 0, false}); break;
    }
  }
  return g;
}

Glob& Glob::Append(const Glob& other) {
  for (const Token& t : other.tokens) {
    if (t.kind == Token::kStar) AppendStar();
    else tokens.push_back(t);
  }
  return *this;
}

Glob& Glob::AppendStar() {
  if (tokens.empty() || tokens.back().kind != Token::kStar) tokens.push_back({Token::kStar, 0, false});
  return *this;
}

bool Glob::Matches(std::string_view utf8) const {
  // Set simulation of the NFA, linear in |glob| * |subject|, one code point
  // at a time: state i is "before token i", state n accepts. The analysis
  // classifies many candidate values, so the state sets are bit words in
  // one buffer per thread (no allocation once it has grown), and only the
  // states in a set are visited (usually one or two).
  const size_t n = tokens.size();
  const size_t words = n / 64 + 1;
  thread_local std::vector<uint64_t> buffer;
  buffer.assign(3 * words, 0);
  uint64_t* stars = buffer.data();
  uint64_t* cur = stars + words;
  uint64_t* next = cur + words;
  auto bit = [](size_t i) { return uint64_t{1} << (i % 64); };
  for (size_t i = 0; i < n; ++i)
    if (tokens[i].kind == Token::kStar) stars[i / 64] |= bit(i);
  // A star's state also enters the state after it (repeatedly, for runs).
  auto close = [&](uint64_t* set) {
    for (size_t w = 0; w < words; ++w)
      for (uint64_t m = set[w] & stars[w]; m != 0; m &= m - 1) {
        const size_t after = w * 64 + static_cast<size_t>(__builtin_ctzll(m)) + 1;
        if (set[after / 64] & bit(after)) continue;
        set[after / 64] |= bit(after);
        if (after / 64 == w && (stars[w] & bit(after))) m |= bit(after);  // a run of stars
      }
  };
  cur[0] = 1;
  close(cur);
  char32_t c = 0;
  for (size_t at = 0; at < utf8.size();) {
    if (!NextCodePoint(utf8, &at, &c)) return false;
    // A star stays; a character or `?` that matches moves on.
    bool live = false;
    for (size_t w = 0; w < words; ++w) next[w] = cur[w] & stars[w];
    for (size_t w = 0; w < words; ++w)
      for (uint64_t m = cur[w] & ~stars[w]; m != 0; m &= m - 1) {
        const size_t i = w * 64 + static_cast<size_t>(__builtin_ctzll(m));
        if (i < n && (tokens[i].kind == Token::kAny || CharMatches(tokens[i], c))) next[(i + 1) / 64] |= bit(i + 1);
      }
    close(next);
    std::swap(cur, next);
    for (size_t w = 0; w < words; ++w) live = live || cur[w] != 0;
    if (!live) return false;
  }
  return (cur[n / 64] & bit(n)) != 0;
}

std::vector<bool> ClassOf(const std::vector<Glob>& globs, std::string_view utf8) {
  std::vector<bool> out;
  out.reserve(globs.size());
  for (const Glob& g : globs) out.push_back(g.Matches(utf8));
  return out;
}

// Work allowed per automaton state of the budget (NFA steps): generous for
// the few patterns of a real trust, decisive for thousands.
constexpr size_t kWorkPerState = 16384;

namespace {

GlobClasses ComputeGlobClasses(const std::vector<Glob>& globs, size_t max_states) {
  GlobClasses result;
  // The alphabet: named code points, their case mates under folding, and
  // one representative of everything else (a readable letter if free).
  std::set<char32_t> named;
  for (const Glob& g : globs)
    for (const Glob::Token& t : g.tokens) {
      if (t.kind != Glob::Token::kChar) continue;
      named.insert(t.ch);
      if (t.fold) {
        named.insert(AsciiLower(t.ch));
        named.insert(AsciiUpper(t.ch));
      }
    }
  char32_t other = 0;
  for (char32_t c : std::u32string(U"xyzqkjwv0123456789abcdefghilmnoprstu")) {
    if (!named.count(c)) {
      other = c;
      break;
    }
  }
  for (char32_t c = 0x100; other == 0; ++c)
    if (!named.count(c)) other = c;
  std::vector<char32_t> alphabet{other};
  alphabet.insert(alphabet.end(), named.begin(), named.end());

  // NFA states of all globs side by side.
  std::vector<size_t> offset;
  size_t total = 0;
  for (const Glob& g : globs) {
    offset.push_back(total);
    total += g.tokens.size() + 1;
  }
  const size_t words = (total + 63) / 64;
  std::vector<uint32_t> glob_of(total);  // NFA state -> its glob
  for (size_t g = 0; g < globs.size(); ++g)
    std::fill(glob_of.begin() + static_cast<std::ptrdiff_t>(offset[g]),
              glob_of.begin() + static_cast<std::ptrdiff_t>(offset[g] + globs[g].tokens.size() + 1),
              static_cast<uint32_t>(g));
  using State = std::vector<uint64_t>;
  auto set_bit = [](State& s, size_t i) { s[i / 64] |= uint64_t{1} << (i % 64); };
  auto has_bit = [](const State& s, size_t i) { return (s[i / 64] >> (i % 64)) & 1; };
  // Adds NFA state `i` of glob `g` and its epsilon closure.
  auto add = [&](State& s, size_t g, size_t i) {
    const auto& toks = globs[g].tokens;
    while (true) {
      set_bit(s, offset[g] + i);
      if (i < toks.size() && toks[i].kind == Glob::Token::kStar) ++i;
      else break;
    }
  };
  auto key = [](const State& s) { return std::string(reinterpret_cast<const char*>(s.data()), s.size() * 8); };

  State start(words, 0);
  for (size_t g = 0; g < globs.size(); ++g) add(start, g, 0);

  struct Visit {
    State state;
    size_t parent;
    char32_t symbol;
  };
  std::vector<Visit> visits;
  std::unordered_map<std::string, size_t> seen;
  std::set<std::vector<bool>> found;
  std::deque<size_t> queue;
  auto reconstruct = [&](size_t id) {
    std::u32string s;
    while (visits[id].parent != SIZE_MAX) {
      s.push_back(visits[id].symbol);
      id = visits[id].parent;
    }
    std::reverse(s.begin(), s.end());
    return EncodeUtf8(s);
  };
  auto record = [&](size_t id) {
    std::vector<bool> m(globs.size());
    for (size_t g = 0; g < globs.size(); ++g) m[g] = has_bit(visits[id].state, offset[g] + globs[g].tokens.size());
    if (found.insert(m).second) result.classes.push_back({m, reconstruct(id)});
  };
  visits.push_back({start, SIZE_MAX, 0});
  seen.emplace(key(start), 0);
  record(0);
  queue.push_back(0);
  const size_t all_classes = globs.size() < 63 ? (size_t{1} << globs.size()) : SIZE_MAX;
  // Each transition costs one step per NFA state of all globs side by side:
  // a thousand wildcard patterns make every automaton state expensive, so
  // the work is bounded too, not only the number of states.
  const size_t max_work = max_states * kWorkPerState;
  size_t work = 0;
  State next(words, 0);
  std::string k;
  while (!queue.empty()) {
    if (found.size() == all_classes) break;  // nothing left to discover
    size_t id = queue.front();
    queue.pop_front();
    for (char32_t c : alphabet) {
      work += total;
      if (work > max_work) return result;  // incomplete
      // One scratch state and key for every transition: only a state not
      // seen before is copied into `visits` and `seen`.
      std::fill(next.begin(), next.end(), 0);
      // Only the NFA states in the set are visited, in ascending order.
      const State& current = visits[id].state;
      for (size_t w = 0; w < words; ++w) {
        for (uint64_t bits = current[w]; bits != 0; bits &= bits - 1) {
          const size_t j = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
          const size_t g = glob_of[j];
          const size_t i = j - offset[g];
          const auto& toks = globs[g].tokens;
          if (i >= toks.size()) continue;  // the glob's accepting state
          const Glob::Token& t = toks[i];
          if (t.kind == Glob::Token::kStar) add(next, g, i);
          else if (t.kind == Glob::Token::kAny || CharMatches(t, c)) add(next, g, i + 1);
        }
      }
      k.assign(reinterpret_cast<const char*>(next.data()), next.size() * 8);
      if (seen.count(k)) continue;
      if (visits.size() >= max_states) return result;  // incomplete
      seen.emplace(k, visits.size());
      visits.push_back({next, id, c});
      record(visits.size() - 1);
      queue.push_back(visits.size() - 1);
    }
  }
  result.complete = true;
  return result;
}

// The cache key: every token of every glob, and the budget.
std::string CacheKey(const std::vector<Glob>& globs, size_t max_states) {
  std::string key = std::to_string(max_states);
  for (const Glob& g : globs) {
    key += '\n';
    for (const Glob::Token& t : g.tokens) {
      key += static_cast<char>(t.kind | (t.fold ? 0x80 : 0));
      if (t.kind == Glob::Token::kChar) key.append(reinterpret_cast<const char*>(&t.ch), sizeof t.ch);
    }
  }
  return key;
}

}  // namespace

// The same sets of globs come back in trust after trust (the GitHub issuer,
// `sts.amazonaws.com`, the web identity action), and the subset construction
// is by far the largest part of a lint run: each thread keeps the answers it
// computed for up to kCacheEntries small sets (then starts over). The answer
// depends only on the globs and the budget, so a hit is exact. Large sets
// and answers are not kept, so the cache stays within a few megabytes
// whatever the input.
GlobClasses EnumerateGlobClasses(const std::vector<Glob>& globs, size_t max_states) {
  constexpr size_t kCacheEntries = 1024;
  constexpr size_t kMaxKeyBytes = 2048;
  constexpr size_t kMaxClasses = 64;
  thread_local std::unordered_map<std::string, GlobClasses> cache;
  std::string key = CacheKey(globs, max_states);
  if (key.size() > kMaxKeyBytes) return ComputeGlobClasses(globs, max_states);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  GlobClasses result = ComputeGlobClasses(globs, max_states);
  if (result.classes.size() > kMaxClasses) return result;
  if (cache.size() >= kCacheEntries) cache.clear();
  cache.emplace(std::move(key), result);
  return result;
}

}  // namespace trustcheck::analysis
