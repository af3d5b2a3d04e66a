#include "ci/expressions.h"

#include <cctype>

namespace trustcheck::ci {

namespace {

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

bool HasGitHubExpression(const std::string& text) { return text.find("${{") != std::string::npos; }

std::optional<std::string> ResolveGitHub(const std::string& text, const Scope& scope) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = text.find("${{", at);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 3);
    if (close == std::string::npos) return std::nullopt;
    out += text.substr(at, open - at);
    auto it = scope.find(Trim(text.substr(open + 3, close - open - 3)));
    if (it == scope.end()) return std::nullopt;
    out += it->second;
    at = close + 2;
  }
  out += text.substr(at);
  return out;
}

namespace {

// One pass of `$NAME` / `${NAME}` substitution; `$$` is a literal `$`.
std::optional<std::string> SubstituteOnce(const std::string& text, const Scope& scope) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool braced = i + 1 < text.size() && text[i + 1] == '{';
    size_t start = i + 1 + (braced ? 1 : 0);
    size_t end = start;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    bool closed = !braced || (end < text.size() && text[end] == '}');
    if (end == start || !closed) return std::nullopt;
    auto it = scope.find(text.substr(start, end - start));
    if (it == scope.end()) return std::nullopt;
    out += it->second;
    i = braced ? end : end - 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> ResolveGitLab(const std::string& text, const Scope& scope) {
  // Variables may name variables: substitute until nothing changes, a few times at most.
  std::string current = text;
  for (int depth = 0; depth < 8; ++depth) {
    if (current.find('$') == std::string::npos) return current;
    std::optional<std::string> next = SubstituteOnce(current, scope);
    if (!next || *next == current) return next;
    current = std::move(*next);
  }
  return std::nullopt;
}

}  // namespace trustcheck::ci
