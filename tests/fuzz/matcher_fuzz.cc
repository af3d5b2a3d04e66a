// libFuzzer target: the wildcard matcher against an obviously correct
// reference (dynamic programming over bytes), for every flavour.
// Input: byte 0 selects the options; the rest is "pattern\0subject".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "trustcheck/pattern.h"

namespace {

using trustcheck::Pattern;
using trustcheck::PatternOptions;
using trustcheck::WildcardFlavor;

struct Token {
  enum Kind { kByte, kStar, kAny } kind;
  char byte;
};

char Fold(char c, bool fold) { return fold && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::vector<Token> Tokens(const std::string& p, const PatternOptions& o) {
  std::vector<Token> out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (o.flavor == WildcardFlavor::kAws && o.aws_escapes && p.compare(i, 2, "${") == 0 && i + 3 < p.size() &&
        p[i + 3] == '}' && (p[i + 2] == '*' || p[i + 2] == '?' || p[i + 2] == '$')) {
      out.push_back({Token::kByte, p[i + 2]});
      i += 3;
    } else if (p[i] == '*' && o.flavor != WildcardFlavor::kLiteral) {
      out.push_back({Token::kStar, 0});
    } else if (p[i] == '?' && (o.flavor == WildcardFlavor::kAws || o.flavor == WildcardFlavor::kEntra)) {
      out.push_back({Token::kAny, 0});
    } else {
      out.push_back({Token::kByte, p[i]});
    }
  }
  return out;
}

// Splits the subject into characters as the matcher's `?` sees them
// (pattern.h): a UTF-8 lead byte with the continuation bytes it announces,
// as far as they are present; any other byte (a stray continuation byte,
// 0xF8-0xFF) alone.
std::vector<std::string> Characters(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    size_t k = 1;
    while (k < len && i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80) ++k;
    out.push_back(s.substr(i, k));
    i += k;
  }
  return out;
}

bool Reference(const std::vector<Token>& p, const std::string& s, bool fold) {
  // dp over byte positions; `?` consumes one character starting at a boundary.
  std::vector<size_t> starts;  // character boundaries
  std::vector<size_t> next(s.size() + 1, 0);
  size_t pos = 0;
  for (const std::string& c : Characters(s)) {
    next[pos] = pos + c.size();
    pos += c.size();
  }
  std::vector<char> cur(s.size() + 1, 0), nxt(s.size() + 1, 0);
  cur[0] = 1;
  for (const Token& t : p) {
    std::fill(nxt.begin(), nxt.end(), 0);
    for (size_t i = 0; i <= s.size(); ++i) {
      if (!cur[i]) continue;
      if (t.kind == Token::kStar) {
        for (size_t j = i; j <= s.size(); ++j) nxt[j] = 1;
        break;
      }
      if (i == s.size()) continue;
      if (t.kind == Token::kAny) {
        if (next[i] != 0) nxt[next[i]] = 1;  // `?` starts only where a character does
      }
      else if (Fold(s[i], fold) == Fold(t.byte, fold)) nxt[i + 1] = 1;
    }
    cur.swap(nxt);
  }
  return cur[s.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  PatternOptions o;
  static const WildcardFlavor kFlavors[] = {WildcardFlavor::kLiteral, WildcardFlavor::kAws, WildcardFlavor::kEntra,
                                            WildcardFlavor::kVault};
  o.flavor = kFlavors[data[0] & 3];
  o.fold_case = data[0] & 4;
  o.aws_escapes = data[0] & 8;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t zero = rest.find('\0');
  if (zero == std::string::npos || rest.size() > 4096) return 0;
  std::string pattern = rest.substr(0, zero), subject = rest.substr(zero + 1);
  bool got = Pattern::Compile(pattern, o).Match(subject);
  bool want = Reference(Tokens(pattern, o), subject, o.fold_case);
  if (got != want) std::abort();
  return 0;
}
