// Readable candidate values for witnesses (see readable.h).

#include "analysis/readable.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>

namespace trustcheck::analysis {

namespace {

bool IsSeparator(char c) { return c == ':' || c == '/' || c == '@'; }

std::string Separators(std::string_view s) {
  std::string out;
  for (char c : s)
    if (IsSeparator(c)) out += c;
  return out;
}

// The runs between separators, e.g. "repo:acme/app" -> repo, acme, app.
std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || IsSeparator(s[i])) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// How `example` continues after `so_far` (the literal text before a
// trailing `*`), aligned on separators: after `repo:acme/app:` comes
// `ref:refs/heads/main`; after `repo:acme/` a new repository, `x`, then the
// rest. nullopt when the example has another shape. `score` counts the
// fields both agree on, so the closest example wins.
std::optional<std::string> ExampleTail(std::string_view so_far, std::string_view example, int* score) {
  if (so_far.empty()) {
    *score = 0;
    return std::string(example);
  }
  std::string seps = Separators(so_far);
  if (seps.empty()) return std::nullopt;
  std::vector<std::string_view> mine = Fields(so_far), theirs = Fields(example);
  if (mine.front() != theirs.front()) return std::nullopt;
  size_t pos = 0, matched = 0;
  for (; pos < example.size() && matched < seps.size(); ++pos) {
    if (!IsSeparator(example[pos])) continue;
    if (example[pos] != seps[matched]) return std::nullopt;
    ++matched;
  }
  if (matched < seps.size()) return std::nullopt;
  *score = 0;
  for (size_t i = 0; i + 1 < mine.size() && i < theirs.size(); ++i)
    if (mine[i] == theirs[i]) ++*score;
  std::string_view rest = example.substr(pos);
  size_t next = rest.find_first_of(":/@");
  std::string_view after_field = next == std::string_view::npos ? std::string_view() : rest.substr(next);
  if (!IsSeparator(so_far.back())) return "-x" + std::string(after_field);
  if (so_far.back() == ':') return rest.empty() ? std::string("x") : std::string(rest);
  return "x" + std::string(after_field);
}

// Text for a non-trailing `*`: a field of its own, or a suffix of the
// current one.
std::string InnerFill(const std::string& so_far) {
  if (so_far.empty() || !std::isalnum(static_cast<unsigned char>(so_far.back()))) return "x";
  return "-x";
}

enum class FillMode { kExample, kX, kEmpty };

std::optional<std::string> Fill(const std::vector<Pattern::Piece>& pieces, FillMode mode, std::string_view example,
                                int* score) {
  std::string out;
  *score = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Pattern::Piece& p = pieces[i];
    switch (p.kind) {
      case Pattern::Piece::kLiteral: out += p.literal; break;
      case Pattern::Piece::kAnyChar: out += 'x'; break;
      case Pattern::Piece::kStar:
        if (mode == FillMode::kEmpty) break;
        if (mode == FillMode::kX) {
          out += "x";
        } else if (i + 1 == pieces.size()) {
          auto tail = ExampleTail(out, example, score);
          if (!tail) return std::nullopt;
          out += *tail;
        } else {
          out += InnerFill(out);
        }
        break;
    }
  }
  return out;
}

std::string LiteralText(const Pattern& p) {
  std::string out;
  for (const Pattern::Piece& piece : p.Pieces()) out += piece.literal;
  return out;
}

// Values one small step away from `s`.
std::vector<std::string> NearMisses(const std::string& s) {
  std::vector<std::string> out;
  // One field replaced by `x`, rightmost first.
  std::vector<std::pair<size_t, size_t>> spans;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || IsSeparator(s[i])) {
      if (i > start) spans.emplace_back(start, i - start);
      start = i + 1;
    }
  }
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    std::string field = s.substr(it->first, it->second);
    out.push_back(s.substr(0, it->first) + (field == "x" ? "y" : "x") + s.substr(it->first + it->second));
  }
  out.push_back(s + "x");
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalpha(c)) {
      std::string flipped = s;
      flipped[i] = static_cast<char>(std::islower(c) ? std::toupper(c) : std::tolower(c));
      out.push_back(flipped);
      break;
    }
  }
  if (!s.empty()) {
    // Drop the last code point, not just a byte.
    size_t cut = s.size() - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.push_back(s.substr(0, cut));
  }
  return out;
}

// A small recursive-descent reader of regular expressions that produces
// example strings instead of a matcher.
class RegexExampler {
 public:
  RegexExampler(std::string_view re, size_t max) : re_(re), max_(max) {}
  std::optional<std::vector<std::string>> Run() {
    auto out = Alternation();
    if (!out || pos_ != re_.size()) return std::nullopt;
    return out;
  }

 private:
  using Set = std::vector<std::string>;

  Set Cap(Set s) {
    if (s.size() > max_) s.resize(max_);
    return s;
  }
  static Set Concat(const Set& a, const Set& b) {
    Set out;
    for (const std::string& x : a)
      for (const std::string& y : b) out.push_back(x + y);
    return out;
  }
  std::optional<Set> Alternation() {
    auto first = Sequence();
    if (!first) return std::nullopt;
    Set out = *first;
    while (pos_ < re_.size() && re_[pos_] == '|') {
      ++pos_;
      auto next = Sequence();
      if (!next) return std::nullopt;
      out.insert(out.end(), next->begin(), next->end());
    }
    return Cap(out);
  }
  std::optional<Set> Sequence() {
    Set out{""};
    while (pos_ < re_.size() && re_[pos_] != '|' && re_[pos_] != ')') {
      auto atom = Atom();
      if (!atom) return std::nullopt;
      auto repeated = Repeat(*atom);
      if (!repeated) return std::nullopt;
      out = Cap(Concat(out, *repeated));
    }
    return out;
  }
  std::optional<Set> Repeat(const Set& atom) {
    if (pos_ >= re_.size()) return atom;
    char c = re_[pos_];
    Set out;
    if (c == '*' || c == '?') {
      ++pos_;
      out = atom;  // one copy reads best; the empty one is a near miss
    } else if (c == '+') {
      ++pos_;
      out = atom;
    } else if (c == '{') {
      size_t close = re_.find('}', pos_);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view body = re_.substr(pos_ + 1, close - pos_ - 1);
      size_t n = 0;
      size_t i = 0;
      for (; i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])); ++i) n = n * 10 + (body[i] - '0');
      if (i == 0 || n > 64) return std::nullopt;
      pos_ = close + 1;
      out = {""};
      for (size_t k = 0; k < n; ++k) out = Cap(Concat(out, atom));
    } else {
      return atom;
    }
    if (pos_ < re_.size() && re_[pos_] == '?') ++pos_;  // lazy
    return out;
  }
  std::optional<Set> Atom() {
    char c = re_[pos_];
    switch (c) {
      case '^':
      case '$': ++pos_; return Set{""};
      case '.': ++pos_; return Set{"x"};
      case '(': {
        ++pos_;
        if (re_.substr(pos_, 2) == "?:") pos_ += 2;
        else if (pos_ < re_.size() && re_[pos_] == '?') return std::nullopt;
        auto inner = Alternation();
        if (!inner || pos_ >= re_.size() || re_[pos_] != ')') return std::nullopt;
        ++pos_;
        return inner;
      }
      case '[': return Class();
      case '\\': {
        if (pos_ + 1 >= re_.size()) return std::nullopt;
        char e = re_[pos_ + 1];
        pos_ += 2;
        if (e == 'd') return Set{"0"};
        if (e == 'w') return Set{"x"};
        if (e == 's') return Set{" "};
        if (std::isalnum(static_cast<unsigned char>(e))) return std::nullopt;  // \b, \pL, ...
        return Set{std::string(1, e)};
      }
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case '|': return std::nullopt;
      default: ++pos_; return Set{std::string(1, c)};
    }
  }
  std::optional<Set> Class() {
    ++pos_;  // '['
    bool negated = pos_ < re_.size() && re_[pos_] == '^';
    if (negated) ++pos_;
    std::string members;
    bool first = true;
    while (pos_ < re_.size() && (re_[pos_] != ']' || first)) {
      first = false;
      char c = re_[pos_++];
      if (c == '\\' && pos_ < re_.size()) c = re_[pos_++];
      if (pos_ + 1 < re_.size() && re_[pos_] == '-' && re_[pos_ + 1] != ']') {
        char hi = re_[pos_ + 1];
        pos_ += 2;
        for (int k = static_cast<unsigned char>(c); k <= static_cast<unsigned char>(hi); ++k)
          members += static_cast<char>(k);
        continue;
      }
      members += c;
    }
    if (pos_ >= re_.size()) return std::nullopt;
    ++pos_;  // ']'
    if (negated) {
      for (char c : std::string("xyzq0_")) {
        if (members.find(c) == std::string::npos) return Set{std::string(1, c)};
      }
      return std::nullopt;
    }
    if (members.empty()) return std::nullopt;
    // A letter or digit reads best.
    for (char c : members)
      if (std::isalnum(static_cast<unsigned char>(c))) return Set{std::string(1, c)};
    return Set{std::string(1, members[0])};
  }

  std::string_view re_;
  size_t max_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<std::string> RegexExamples(std::string_view regex, size_t max_examples) {
  auto out = RegexExampler(regex, max_examples).Run();
  return out ? *out : std::vector<std::string>{};
}

const std::vector<std::string>& ExampleSubjects() {
  // One typical subject per well-known issuer (docs/platform-facts.md); only
  // their shape matters.
  static const std::vector<std::string> kExamples = {
      "repo:owner/repo:ref:refs/heads/main",
      "repo:owner/repo:environment:production",
      "repo:owner/repo:pull_request",
      "project_path:group/project:ref_type:branch:ref:main",
      "organization:org:project:project:workspace:workspace:run_phase:apply",
      "system:serviceaccount:default:app",
      "space:space:stack:stack:run_type:TRACKED:scope:write",
      "team:team:env:prod:task:task",
      "org/org-id/project/project-id/user/user-id",
  };
  return kExamples;
}

std::vector<std::string> ReadableCandidates(const std::vector<Pattern>& patterns) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto push = [&](std::string s) {
    if (seen.insert(s).second) out.push_back(std::move(s));
  };
  std::vector<std::string> exact;
  std::vector<const Pattern*> wild;
  for (const Pattern& p : patterns) {
    if (p.has_wildcards()) wild.push_back(&p);
    else exact.push_back(LiteralText(p));
  }
  for (const std::string& e : exact) push(e);
  // The closest misses of the exact values come first: they tell the
  // story of a change best ("another branch of the same repository").
  for (const std::string& e : exact)
    for (std::string& m : NearMisses(e)) push(std::move(m));

  // Wildcards filled after the closest example: the policies' own values
  // first, then the typical subjects.
  std::vector<std::string> examples = exact;
  examples.insert(examples.end(), ExampleSubjects().begin(), ExampleSubjects().end());
  std::vector<std::string> filled;
  for (const Pattern* p : wild) {
    std::vector<Pattern::Piece> pieces = p->Pieces();
    std::vector<std::pair<int, std::string>> scored;
    for (size_t i = 0; i < examples.size(); ++i) {
      int score = 0;
      if (auto s = Fill(pieces, FillMode::kExample, examples[i], &score)) scored.emplace_back(score, *s);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < scored.size() && i < 3; ++i) filled.push_back(scored[i].second);
  }
  for (const std::string& f : filled) push(f);
  for (const std::string& f : filled)
    for (std::string& m : NearMisses(f)) push(std::move(m));

  std::vector<std::string> plain;
  for (const Pattern* p : wild) {
    int score = 0;
    std::vector<Pattern::Piece> pieces = p->Pieces();
    if (auto s = Fill(pieces, FillMode::kX, "", &score)) plain.push_back(*s);
    if (auto s = Fill(pieces, FillMode::kEmpty, "", &score)) plain.push_back(*s);
  }
  for (const std::string& s : plain) push(s);
  for (const std::string& s : plain)
    for (std::string& m : NearMisses(s)) push(std::move(m));
  push("x");
  push("");
  return out;
}

}  // namespace trustcheck::analysis
