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

std::optional<std::string> ResolveGitLab(const std::string& text, const Scope& scope) {
  std::string current = text;
  for (int depth = 0; depth < 8; ++depth) {
    if (current.find('$') == std::string::npos) return current;
    std::string out;
    for (size_t i = 0; i < current.size(); ++i) {
      if (current[i] != '$') {
        out += current[i];
        continue;
      }
      if (i + 1 < current.size() && current[i + 1] == '$') {  // `$$` is a literal `$`
        out += '$';
        ++i;
        continue;
      }
      size_t start = i + 1;
      bool braced = start < current.size() && current[start] == '{';
      if (braced) ++start;
      size_t end = start;
      while (end < current.size() && IsNameChar(current[end])) ++end;
      if (end == start || (braced && (end >= current.size() || current[end] != '}'))) return std::nullopt;
      auto it = scope.find(current.substr(start, end - start));
      if (it == scope.end()) return std::nullopt;
      out += it->second;
      i = braced ? end : end - 1;
    }
    if (out == current) return out;
    current = out;
  }
  return std::nullopt;
}

}  // namespace trustcheck::ci
