// hcl/lexer.h: the tokens of HCL2 native syntax (internal to hcl/).
//
// The lexer turns a whole file into a token vector up front. String
// templates are lexed into parts (quoted or heredoc literal text, `${` and
// `%{` openers, the `}` that closes them) with a mode stack, the way the
// reference scanner does, so the parser never looks at raw characters.
// Heredoc indentation (`<<-`) is stripped here, where lines are visible.

#ifndef TRUSTCHECK_HCL_LEXER_H_
#define TRUSTCHECK_HCL_LEXER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/status.h"

namespace trustcheck::hcl {

enum class Tok : uint8_t {
  kEof,
  kNewline,
  kIdent,
  kNumber,
  kLBrace, kRBrace, kLBracket, kRBracket, kLParen, kRParen,
  kComma, kDot, kEllipsis, kAssign, kColon, kDoubleColon, kQuestion, kFatArrow,
  kPlus, kMinus, kStar, kSlash, kPercent,
  kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr, kBang,
  kOQuote,           // `"` opening a quoted template
  kCQuote,           // `"` closing it
  kOHeredoc,         // `<<EOF` / `<<-EOF`; text is the marker, flush for `<<-`
  kCHeredoc,         // the closing marker line
  kTemplateLiteral,  // literal text of a template, escapes decoded
  kTemplateInterp,   // `${` (strip: `${~`)
  kTemplateControl,  // `%{` (strip: `%{~`)
  kTemplateSeqEnd,   // the `}` closing an interpolation or directive (strip: `~}`)
};

// How a token reads in messages: "`=`", "a newline", "the end of the file".
std::string Describe(Tok kind, std::string_view text);

struct Token {
  Tok kind = Tok::kEof;
  bool strip = false;  // `~` marker on template delimiters
  bool flush = false;  // kOHeredoc: `<<-`
  uint32_t line = 0;
  uint32_t column = 0;
  std::string text;  // identifier, number, literal text, heredoc marker
};

// Lexes a whole file. The last token is always kEof.
Result<std::vector<Token>> Lex(std::string_view text, FileId path);
// Lexes a whole file as one template (`templatefile`): a kOHeredoc token,
// the template's tokens, a kCHeredoc token at the end of the text, kEof.
Result<std::vector<Token>> LexTemplate(std::string_view text, FileId path);

}  // namespace trustcheck::hcl

#endif  // TRUSTCHECK_HCL_LEXER_H_
