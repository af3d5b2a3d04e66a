// RefFilter: which branch or tag names a trigger runs on, in the pattern
// languages of GitHub's filters (docs.github.com, "Workflow syntax for
// GitHub Actions", filter pattern cheat sheet, read 2026-12-07) and GitLab's
// `only`/`rules` (exact names and `/regex/`).

#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "trustcheck/ci.h"

namespace trustcheck {

namespace {

// GitHub filter pattern -> RE2, anchored at both ends: `**` any characters,
// `*` any but `/`, `?` zero or one of the preceding character, `+` one or
// more of it, `[...]` a class; `\` escapes the next character.
std::string GitHubGlobToRegex(const std::string& glob) {
  std::string out;
  std::string last;  // the regex of the preceding character, for `?` and `+`
  auto flush = [&] {
    out += last;
    last.clear();
  };
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*') {
      flush();
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        out += ".*";
        ++i;
      } else {
        out += "[^/]*";
      }
    } else if ((c == '?' || c == '+') && !last.empty()) {
      out += "(?:" + last + ")" + c;
      last.clear();
    } else if (c == '[') {
      size_t end = glob.find(']', i + 1);
      if (end == std::string::npos) {
        flush();
        last = "\\[";
        continue;
      }
      flush();
      last = "[" + glob.substr(i + 1, end - i - 1) + "]";
      i = end;
    } else if (c == '\\' && i + 1 < glob.size()) {
      flush();
      last = RE2::QuoteMeta(std::string(1, glob[++i]));
    } else {
      flush();
      last = RE2::QuoteMeta(std::string(1, c));
    }
  }
  flush();
  return out;
}

// Compiled patterns, shared: filters are few and reused for every candidate.
const RE2* Compiled(const RefPattern& p) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::unique_ptr<RE2>> cache;
  std::string key = std::string(1, static_cast<char>(p.kind)) + p.text;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[key];
  if (!slot) {
    std::string regex = p.kind == RefPattern::Kind::kGitHubGlob ? "^(?:" + GitHubGlobToRegex(p.text) + ")$" : p.text;
    RE2::Options options;
    options.set_log_errors(false);
    slot = std::make_unique<RE2>(regex, options);
  }
  return slot.get();
}

bool PatternMatches(const RefPattern& p, const std::string& name) {
  if (p.kind == RefPattern::Kind::kExact) return p.text == name;
  const RE2* re = Compiled(p);
  // A pattern RE2 cannot compile matches nothing (GitLab would refuse the file).
  return re->ok() && RE2::PartialMatch(name, *re);
}

}  // namespace

bool RefFilter::Matches(const std::string& name) const {
  bool in = include.empty();
  // In order: the last matching pattern decides (GitHub `!` entries).
  for (const RefPattern& p : include) {
    if (PatternMatches(p, name)) in = !p.negated;
  }
  if (!in) return false;
  for (const RefPattern& p : exclude) {
    if (PatternMatches(p, name)) return false;
  }
  return true;
}

}  // namespace trustcheck
