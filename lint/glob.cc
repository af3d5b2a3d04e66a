// Path globs: recursive matcher over `*`, `**` and `?`. Globs and paths are
// short (config lines, file paths), so plain recursion with memo-free
// backtracking is enough; `**` runs are collapsed first.

#include "lint/glob.h"

#include <string>

namespace trustcheck::lint {

namespace {

bool Match(std::string_view g, std::string_view p) {
  while (!g.empty()) {
    if (g.substr(0, 2) == "**") {
      while (g.substr(0, 2) == "**") g.remove_prefix(g.size() > 2 && g[2] == '*' ? 1 : 2);
      // `**/` also matches no folder at all.
      if (!g.empty() && g[0] == '/' && Match(g.substr(1), p)) return true;
      for (size_t i = 0; i <= p.size(); ++i)
        if (Match(g, p.substr(i))) return true;
      return false;
    }
    if (g[0] == '*') {
      g.remove_prefix(1);
      for (size_t i = 0; i <= p.size(); ++i) {
        if (Match(g, p.substr(i))) return true;
        if (i < p.size() && p[i] == '/') break;
      }
      return false;
    }
    if (p.empty()) return false;
    if (g[0] == '?' ? p[0] == '/' : g[0] != p[0]) return false;
    g.remove_prefix(1);
    p.remove_prefix(1);
  }
  return p.empty();
}

std::string_view StripDotSlash(std::string_view s) {
  while (s.substr(0, 2) == "./") s.remove_prefix(2);
  return s;
}

}  // namespace

bool GlobMatch(std::string_view glob, std::string_view path) { return Match(glob, path); }

bool PathIgnored(std::string_view glob, std::string_view path) {
  glob = StripDotSlash(glob);
  path = StripDotSlash(path);
  while (!glob.empty() && glob.back() == '/') glob.remove_suffix(1);
  if (glob.empty()) return false;
  if (glob.find('/') == std::string_view::npos) {
    // A name: the file itself or any folder on its path.
    size_t start = 0;
    while (start <= path.size()) {
      size_t end = path.find('/', start);
      std::string_view part = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (Match(glob, part)) return true;
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    return false;
  }
  std::string below = std::string(glob) + "/**";
  return Match(glob, path) || Match(below, path);
}

}  // namespace trustcheck::lint
