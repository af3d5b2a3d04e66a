// The HCL2 lexer: characters -> tokens, with a mode stack for templates.

#include "hcl/lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "hcl/hcl.h"
#include "text/utf8.h"

namespace trustcheck::hcl {

std::string Describe(Tok kind, std::string_view text) {
  switch (kind) {
    case Tok::kEof: return "the end of the file";
    case Tok::kNewline: return "a newline";
    case Tok::kIdent: return fmt::format("`{}`", text);
    case Tok::kNumber: return fmt::format("`{}`", text);
    case Tok::kLBrace: return "`{`";
    case Tok::kRBrace: return "`}`";
    case Tok::kLBracket: return "`[`";
    case Tok::kRBracket: return "`]`";
    case Tok::kLParen: return "`(`";
    case Tok::kRParen: return "`)`";
    case Tok::kComma: return "`,`";
    case Tok::kDot: return "`.`";
    case Tok::kEllipsis: return "`...`";
    case Tok::kAssign: return "`=`";
    case Tok::kColon: return "`:`";
    case Tok::kDoubleColon: return "`::`";
    case Tok::kQuestion: return "`?`";
    case Tok::kFatArrow: return "`=>`";
    case Tok::kPlus: return "`+`";
    case Tok::kMinus: return "`-`";
    case Tok::kStar: return "`*`";
    case Tok::kSlash: return "`/`";
    case Tok::kPercent: return "`%`";
    case Tok::kEq: return "`==`";
    case Tok::kNe: return "`!=`";
    case Tok::kLt: return "`<`";
    case Tok::kLe: return "`<=`";
    case Tok::kGt: return "`>`";
    case Tok::kGe: return "`>=`";
    case Tok::kAnd: return "`&&`";
    case Tok::kOr: return "`||`";
    case Tok::kBang: return "`!`";
    case Tok::kOQuote: return "a string";
    case Tok::kCQuote: return "the end of the string";
    case Tok::kOHeredoc: return "a heredoc";
    case Tok::kCHeredoc: return "the end of the heredoc";
    case Tok::kTemplateLiteral: return "string text";
    case Tok::kTemplateInterp: return "`${`";
    case Tok::kTemplateControl: return "`%{`";
    case Tok::kTemplateSeqEnd: return "`}`";
  }
  return "a token";
}

namespace {

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(unsigned char c) {
  // Bytes of multi-byte UTF-8 sequences count as letters: HCL identifiers
  // may use any Unicode letter, and nothing else in the syntax is non-ASCII.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentContinue(unsigned char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

struct Operator {
  std::string_view text;
  Tok kind;
};
// Longest first, so "==" wins over "=".
constexpr Operator kOperators[] = {
    {"...", Tok::kEllipsis}, {"==", Tok::kEq}, {"!=", Tok::kNe}, {"<=", Tok::kLe},
    {">=", Tok::kGe},        {"&&", Tok::kAnd}, {"||", Tok::kOr}, {"=>", Tok::kFatArrow},
    {"::", Tok::kDoubleColon}, {"=", Tok::kAssign}, {"<", Tok::kLt}, {">", Tok::kGt},
    {"!", Tok::kBang},       {"+", Tok::kPlus}, {"-", Tok::kMinus}, {"*", Tok::kStar},
    {"/", Tok::kSlash},      {"%", Tok::kPercent}, {"(", Tok::kLParen}, {")", Tok::kRParen},
    {"[", Tok::kLBracket},   {"]", Tok::kRBracket}, {",", Tok::kComma}, {".", Tok::kDot},
    {":", Tok::kColon},      {"?", Tok::kQuestion},
};

class Lexer {
 public:
  Lexer(std::string_view src, FileId path)
      : src_(src), path_(std::move(path)) {}

  // `whole_template`: the text is one template (a `templatefile` file), lexed
  // as a heredoc that the end of the text closes.
  Result<std::vector<Token>> Run(bool whole_template = false) {
    if (src_.size() > kMaxFileBytes) {
      return Status::Error(SourceLoc{path_, 0, 0},
                           fmt::format("file is larger than the {} MiB limit", kMaxFileBytes >> 20));
    }
    if (src_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    stack_.push_back(NewFrame(Mode::kCode, 1, 1));
    if (whole_template) {
      Emit(Tok::kOHeredoc, 1, 1, "");
      Frame frame = NewFrame(Mode::kHeredoc, 1, 1);
      frame.whole_text = true;
      stack_.push_back(std::move(frame));
    }
    while (!done_) {
      Status status;
      switch (stack_.back().mode) {
        case Mode::kCode: status = LexCode(); break;
        case Mode::kQuoted: status = LexQuoted(); break;
        case Mode::kHeredoc: status = LexHeredoc(); break;
      }
      if (!status.ok()) return status;
    }
    return std::move(out_);
  }

 private:
  enum class Mode : uint8_t { kCode, kQuoted, kHeredoc };
  struct Frame {
    Mode mode = Mode::kCode;
    int braces = 0;            // kCode: `{` opened in this frame, not yet closed
    uint32_t line = 0, column = 0;  // where the frame was opened
    std::string marker;        // kHeredoc
    bool flush = false;        // kHeredoc `<<-`
    size_t indent = 0;         // kHeredoc `<<-`: blanks stripped from each line
    bool at_line_start = true; // kHeredoc
    bool whole_text = false;   // kHeredoc closed by the end of the text
  };
  static Frame NewFrame(Mode mode, uint32_t line, uint32_t column) {
    Frame frame;
    frame.mode = mode;
    frame.line = line;
    frame.column = column;
    return frame;
  }

  SourceLoc Loc(uint32_t line, uint32_t column) const { return SourceLoc{path_, line, column}; }
  SourceLoc Here() const { return Loc(line_, col_); }
  bool AtEnd() const { return pos_ >= src_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  bool LookingAt(std::string_view s) const { return src_.substr(pos_, s.size()) == s; }

  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && pos_ < src_.size(); ++i, ++pos_) {
      if (src_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
    }
  }

  void Emit(Tok kind, uint32_t line, uint32_t column, std::string text = {}, bool strip = false) {
    Token t;
    t.kind = kind;
    t.line = line;
    t.column = column;
    t.text = std::move(text);
    t.strip = strip;
    out_.push_back(std::move(t));
  }

  Status Push(Frame frame) {
    if (stack_.size() > static_cast<size_t>(kMaxNesting)) {
      return Status::Error(Loc(frame.line, frame.column),
                           fmt::format("nesting is deeper than the limit of {} levels", kMaxNesting));
    }
    stack_.push_back(std::move(frame));
    return Status();
  }

  // ---- code ----

  Status LexCode() {
    while (!AtEnd() && (IsBlank(Peek()) || (Peek() == '\r' && Peek(1) == '\n'))) Advance();
    if (AtEnd()) return EndOfInput();
    const uint32_t line = line_, column = col_;
    const unsigned char c = static_cast<unsigned char>(Peek());
    if (c == '\n') {
      Advance();
      Emit(Tok::kNewline, line, column);
      return Status();
    }
    if (c == '#' || LookingAt("//")) {
      while (!AtEnd() && Peek() != '\n') Advance();
      return Status();
    }
    if (LookingAt("/*")) {
      size_t end = src_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) return Status::Error(Here(), "comment `/*` is not closed");
      Advance(end + 2 - pos_);
      return Status();
    }
    if (IsDigit(c)) return LexNumber();
    if (IsIdentStart(c)) {
      size_t start = pos_;
      while (!AtEnd() && IsIdentContinue(static_cast<unsigned char>(Peek()))) Advance();
      Emit(Tok::kIdent, line, column, std::string(src_.substr(start, pos_ - start)));
      return Status();
    }
    if (c == '"') {
      Advance();
      Emit(Tok::kOQuote, line, column);
      return Push(NewFrame(Mode::kQuoted, line, column));
    }
    if (LookingAt("<<")) return LexHeredocStart();
    Frame& frame = stack_.back();
    if (c == '{') {
      Advance();
      ++frame.braces;
      Emit(Tok::kLBrace, line, column);
      return Status();
    }
    const bool closes_template = frame.braces == 0 && stack_.size() > 1;
    if (c == '}' || (c == '~' && Peek(1) == '}' && closes_template)) {
      const bool strip = c == '~';
      Advance(strip ? 2 : 1);
      if (closes_template) {
        Emit(Tok::kTemplateSeqEnd, line, column, {}, strip);
        stack_.pop_back();
      } else {
        if (frame.braces > 0) --frame.braces;
        Emit(Tok::kRBrace, line, column);
      }
      return Status();
    }
    for (const Operator& op : kOperators) {
      if (LookingAt(op.text)) {
        Advance(op.text.size());
        Emit(op.kind, line, column);
        return Status();
      }
    }
    if (c < 0x20 || c == 0x7f) {
      return Status::Error(Here(), fmt::format("unexpected control character 0x{:02x}", c));
    }
    return Status::Error(Here(), fmt::format("unexpected character `{}`", static_cast<char>(c)));
  }

  Status EndOfInput() {
    if (stack_.size() > 1) {
      const Frame& open = stack_.back();
      return Status::Error(Loc(open.line, open.column), "template interpolation is not closed by `}`");
    }
    Emit(Tok::kEof, line_, col_);
    done_ = true;
    return Status();
  }

  Status LexNumber() {
    const uint32_t line = line_, column = col_;
    size_t start = pos_;
    while (IsDigit(Peek())) Advance();
    // After `.` only digits: `list.0.name` is a legacy index, not `0.` + name.
    const bool after_dot = !out_.empty() && out_.back().kind == Tok::kDot;
    if (!after_dot) {
      if (Peek() == '.' && IsDigit(Peek(1))) {
        Advance();
        while (IsDigit(Peek())) Advance();
      }
      if ((Peek() == 'e' || Peek() == 'E') &&
          (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
        Advance(2);
        while (IsDigit(Peek())) Advance();
      }
    }
    Emit(Tok::kNumber, line, column, std::string(src_.substr(start, pos_ - start)));
    return Status();
  }

  Status LexHeredocStart() {
    const uint32_t line = line_, column = col_;
    Advance(2);
    const bool flush = Peek() == '-';
    if (flush) Advance();
    size_t start = pos_;
    if (!IsIdentStart(static_cast<unsigned char>(Peek()))) {
      return Status::Error(Loc(line, column), "expected a heredoc marker such as `EOF` after `<<`");
    }
    while (!AtEnd() && IsIdentContinue(static_cast<unsigned char>(Peek()))) Advance();
    std::string marker(src_.substr(start, pos_ - start));
    if (Peek() == '\r') Advance();
    if (Peek() != '\n') {
      return Status::Error(Loc(line, column),
                           fmt::format("the heredoc marker `<<{}{}` must end its line", flush ? "-" : "",
                                       marker));
    }
    Advance();
    Token t;
    t.kind = Tok::kOHeredoc;
    t.line = line;
    t.column = column;
    t.text = marker;
    t.flush = flush;
    out_.push_back(std::move(t));
    Frame frame = NewFrame(Mode::kHeredoc, line, column);
    frame.flush = flush;
    frame.indent = flush ? CommonIndent(marker) : 0;
    frame.marker = std::move(marker);
    return Push(std::move(frame));
  }

  // The end of a closing-marker line starting at `at`, if the line is one:
  // optional blanks, the marker, then the end of the line.
  std::optional<size_t> ClosingMarkerAt(size_t at, std::string_view marker) const {
    while (at < src_.size() && IsBlank(src_[at])) ++at;
    if (src_.substr(at, marker.size()) != marker) return std::nullopt;
    at += marker.size();
    if (at < src_.size() && src_[at] == '\r') ++at;
    if (at < src_.size() && src_[at] != '\n') return std::nullopt;
    return at;
  }

  // For `<<-`: the fewest leading blanks (spaces or tabs, one column each) of
  // the heredoc's lines up to its closing marker; blank lines do not count.
  size_t CommonIndent(std::string_view marker) const {
    size_t common = std::string_view::npos;
    size_t at = pos_;
    while (at < src_.size() && !ClosingMarkerAt(at, marker)) {
      size_t end = src_.find('\n', at);
      if (end == std::string_view::npos) end = src_.size();
      size_t blanks = 0;
      while (at + blanks < end && IsBlank(src_[at + blanks])) ++blanks;
      const bool only_blanks = at + blanks == end || (at + blanks + 1 == end && src_[end - 1] == '\r');
      if (!only_blanks) common = std::min(common, blanks);
      at = end + 1;
    }
    return common == std::string_view::npos ? 0 : common;
  }

  // ---- templates ----

  // Literal text being collected, with the position of its first byte.
  struct Literal {
    std::string text;
    uint32_t line = 0, column = 0;
  };
  void AddLiteral(Literal& lit, std::string_view text) {
    if (lit.text.empty()) {
      lit.line = line_;
      lit.column = col_;
    }
    lit.text += text;
  }
  void FlushLiteral(Literal& lit) {
    if (!lit.text.empty()) Emit(Tok::kTemplateLiteral, lit.line, lit.column, std::move(lit.text));
    lit.text.clear();
  }

  // At `${` or `%{`: emits the opener and enters code mode. Returns false when
  // the text is not an opener.
  std::optional<Status> TemplateOpener(Literal& lit) {
    if (LookingAt("$${") || LookingAt("%%{")) {  // escapes for a literal `${` / `%{`
      std::string text{Peek(), '{'};
      AddLiteral(lit, text);
      Advance(3);
      return Status();
    }
    if (!LookingAt("${") && !LookingAt("%{")) return std::nullopt;
    FlushLiteral(lit);
    const uint32_t line = line_, column = col_;
    const Tok kind = Peek() == '$' ? Tok::kTemplateInterp : Tok::kTemplateControl;
    Advance(2);
    const bool strip = Peek() == '~';
    if (strip) Advance();
    Emit(kind, line, column, {}, strip);
    return Push(NewFrame(Mode::kCode, line, column));
  }

  Status LexQuoted() {
    Literal lit;
    while (true) {
      if (AtEnd() || Peek() == '\n' || (Peek() == '\r' && Peek(1) == '\n')) {
        const Frame& open = stack_.back();
        return Status::Error(Loc(open.line, open.column),
                             "quoted string is not closed on its line (use a heredoc for text spanning lines)");
      }
      if (Peek() == '"') {
        FlushLiteral(lit);
        Emit(Tok::kCQuote, line_, col_);
        Advance();
        stack_.pop_back();
        return Status();
      }
      if (Peek() == '\\') {
        TRUSTCHECK_RETURN_IF_ERROR(Escape(lit));
        continue;
      }
      if (std::optional<Status> opened = TemplateOpener(lit)) {
        if (!opened->ok() || stack_.back().mode == Mode::kCode) {
          return *opened;
        }
        continue;
      }
      AddLiteral(lit, src_.substr(pos_, 1));
      Advance();
    }
  }

  Status Escape(Literal& lit) {
    const uint32_t line = line_, column = col_;
    const char e = Peek(1);
    std::string decoded;
    size_t length = 2;
    switch (e) {
      case 'n': decoded = "\n"; break;
      case 'r': decoded = "\r"; break;
      case 't': decoded = "\t"; break;
      case '"': decoded = "\""; break;
      case '\\': decoded = "\\"; break;
      case 'u':
      case 'U': {
        const size_t digits = e == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (size_t i = 0; i < digits; ++i) {
          const char h = Peek(2 + i);
          uint32_t v;
          if (h >= '0' && h <= '9') v = h - '0';
          else if (h >= 'a' && h <= 'f') v = h - 'a' + 10;
          else if (h >= 'A' && h <= 'F') v = h - 'A' + 10;
          else return Status::Error(Loc(line, column), fmt::format("`\\{}` needs {} hex digits", e, digits));
          cp = cp * 16 + v;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return Status::Error(Loc(line, column),
                               fmt::format("`{}` is not a Unicode scalar value", src_.substr(pos_, 2 + digits)));
        }
        AppendUtf8(cp, &decoded);
        length = 2 + digits;
        break;
      }
      default: {
        std::string shown = e == '\0' || e == '\n' ? std::string("\\") : fmt::format("\\{}", e);
        return Status::Error(Loc(line, column), fmt::format("invalid escape sequence `{}`", shown));
      }
    }
    AddLiteral(lit, decoded);
    Advance(length);
    return Status();
  }

  Status LexHeredoc() {
    Literal lit;
    while (true) {
      Frame& frame = stack_.back();
      if (frame.whole_text && AtEnd()) {
        FlushLiteral(lit);
        Emit(Tok::kCHeredoc, line_, col_, "");
        stack_.pop_back();
        return Status();
      }
      if (frame.at_line_start && !frame.whole_text) {
        if (std::optional<size_t> end = ClosingMarkerAt(pos_, frame.marker)) {
          FlushLiteral(lit);
          while (IsBlank(Peek())) Advance();
          Emit(Tok::kCHeredoc, line_, col_, frame.marker);
          Advance(*end - pos_);
          stack_.pop_back();
          return Status();
        }
        for (size_t i = 0; i < frame.indent && IsBlank(Peek()); ++i) Advance();
        frame.at_line_start = false;
      }
      if (AtEnd()) {
        return Status::Error(Loc(frame.line, frame.column),
                             fmt::format("heredoc `<<{}{}` is not closed by a line `{}`",
                                         frame.flush ? "-" : "", frame.marker, frame.marker));
      }
      if (Peek() == '\n' || (Peek() == '\r' && Peek(1) == '\n')) {
        AddLiteral(lit, "\n");
        Advance(Peek() == '\r' ? 2 : 1);
        frame.at_line_start = true;
        continue;
      }
      if (std::optional<Status> opened = TemplateOpener(lit)) {
        if (!opened->ok() || stack_.back().mode == Mode::kCode) return *opened;
        continue;
      }
      AddLiteral(lit, src_.substr(pos_, 1));
      Advance();
    }
  }

  std::string_view src_;
  FileId path_;
  size_t pos_ = 0;
  uint32_t line_ = 1, col_ = 1;
  bool done_ = false;
  std::vector<Token> out_;
  std::vector<Frame> stack_;
};

}  // namespace

Result<std::vector<Token>> Lex(std::string_view text, FileId path) {
  return Lexer(text, path).Run();
}

Result<std::vector<Token>> LexTemplate(std::string_view text, FileId path) {
  return Lexer(text, path).Run(true);
}

}  // namespace trustcheck::hcl
