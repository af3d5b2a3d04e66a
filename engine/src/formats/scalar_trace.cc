// Tracing decoded JSON strings and YAML scalars back to their raw bytes
// (JSON: RFC 8259 section 7; YAML 1.2: sections 6.5 line folding, 7.3 flow
// scalars, 8.1 block scalars). The decoder only has to agree with the real
// parsers on ordinary inputs: its result is checked against the string they
// produced, and anything it gets wrong falls back to an approximate location.

#include "formats/scalar_trace.h"
#include "text/utf8.h"

#include <string>

namespace trustcheck {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool IsBreak(char c) { return c == '\n' || c == '\r'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Builds the decoded string together with the raw offset of every byte.
class Tracer {
 public:
  Tracer(std::string_view text, size_t start, size_t wanted) : t_(text), i_(start), wanted_(wanted) {}

  std::optional<std::vector<uint32_t>> Run() {
    if (i_ >= t_.size()) return std::nullopt;
    bool ok;
    switch (t_[i_]) {
      case '"': ok = DoubleQuoted(); break;
      case '\'': ok = SingleQuoted(); break;
      case '|':
      case '>': ok = Block(t_[i_] == '>'); break;
      default: ok = Plain(); break;
    }
    if (!ok) return std::nullopt;
    return Finish();
  }

 private:
  void Emit(std::string_view bytes, size_t raw) {
    for (char b : bytes) {
      out_ += b;
      offsets_.push_back(static_cast<uint32_t>(raw));
    }
  }
  // Raw white space that folding may still trim from the end of a line.
  void EmitBlank(size_t raw) {
    if (trim_from_ == kNone) trim_from_ = out_.size();
    Emit(std::string_view(&t_[raw], 1), raw);
  }
  void EmitOther(std::string_view bytes, size_t raw) {
    trim_from_ = kNone;
    Emit(bytes, raw);
  }

  size_t SkipBreak(size_t i) const { return t_[i] == '\r' && i + 1 < t_.size() && t_[i + 1] == '\n' ? i + 2 : i + 1; }

  // Line folding in flow scalars at the break at i_: trailing white space
  // goes, one break becomes a space, n+1 breaks become n newlines.
  void Fold() {
    if (trim_from_ != kNone) {
      out_.resize(trim_from_);
      offsets_.resize(trim_from_);
      trim_from_ = kNone;
    }
    size_t first_break = i_;
    i_ = SkipBreak(i_);
    size_t empty_lines = 0;
    while (i_ < t_.size()) {
      while (i_ < t_.size() && IsBlank(t_[i_])) ++i_;
      if (i_ < t_.size() && IsBreak(t_[i_])) {
        ++empty_lines;
        i_ = SkipBreak(i_);
        continue;
      }
      break;
    }
    if (empty_lines == 0) {
      Emit(" ", first_break);
    } else {
      for (size_t k = 0; k < empty_lines; ++k) Emit("\n", first_break);
    }
  }

  bool DoubleQuoted() {
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_];
      if (c == '"') {
        end_ = i_;
        return true;
      }
      if (IsBreak(c)) {
        Fold();
        continue;
      }
      if (IsBlank(c)) {
        EmitBlank(i_++);
        continue;
      }
      if (c != '\\') {
        EmitOther(std::string_view(&t_[i_], 1), i_);
        ++i_;
        continue;
      }
      if (!Escape()) return false;
    }
    return false;
  }

  // One backslash escape at i_ (JSON's set and YAML's).
  bool Escape() {
    size_t at = i_;
    if (i_ + 1 >= t_.size()) return false;
    char e = t_[i_ + 1];
    static const std::pair<char, const char*> kSimple[] = {
        {'a', "\a"}, {'b', "\b"}, {'t', "\t"}, {'\t', "\t"},
        {'n', "\n"}, {'v', "\v"}, {'f', "\f"}, {'r', "\r"}, {'e', "\x1b"}, {' ', " "}, {'"', "\""},
        {'/', "/"}, {'\\', "\\"}, {'N', "\xC2\x85"}, {'_', "\xC2\xA0"}, {'L', "\xE2\x80\xA8"},
        {'P', "\xE2\x80\xA9"}};
    if (e == '0') {
      EmitOther(std::string_view("\0", 1), at);
      i_ += 2;
      return true;
    }
    for (const auto& [letter, bytes] : kSimple) {
      if (letter == e) {
        EmitOther(bytes, at);
        i_ += 2;
        return true;
      }
    }
    if (IsBreak(e)) {  // escaped line break: joins the lines, keeps the white space before it
      trim_from_ = kNone;
      i_ = SkipBreak(i_ + 1);
      while (i_ < t_.size() && IsBlank(t_[i_])) ++i_;
      return true;
    }
    size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    if (digits == 0) return false;
    uint32_t cp = 0;
    if (!Hex(i_ + 2, digits, &cp)) return false;
    i_ += 2 + digits;
    // A UTF-16 surrogate pair written as two \u escapes (JSON).
    if (cp >= 0xD800 && cp <= 0xDBFF && i_ + 6 <= t_.size() && t_[i_] == '\\' && t_[i_ + 1] == 'u') {
      uint32_t low = 0;
      if (Hex(i_ + 2, 4, &low) && low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i_ += 6;
      }
    }
    std::string bytes;
    AppendUtf8(cp, &bytes);
    EmitOther(bytes, at);
    return true;
  }

  bool Hex(size_t from, size_t digits, uint32_t* out) const {
    if (from + digits > t_.size()) return false;
    uint32_t v = 0;
    for (size_t k = 0; k < digits; ++k) {
      int d = HexDigit(t_[from + k]);
      if (d < 0) return false;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    *out = v;
    return true;
  }

  bool SingleQuoted() {
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_];
      if (c == '\'') {
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '\'') {
          EmitOther("'", i_);
          i_ += 2;
          continue;
        }
        end_ = i_;
        return true;
      }
      if (IsBreak(c)) {
        Fold();
      } else if (IsBlank(c)) {
        EmitBlank(i_++);
      } else {
        EmitOther(std::string_view(&t_[i_], 1), i_);
        ++i_;
      }
    }
    return false;
  }

  // A plain scalar has no terminator of its own: decode (folding lines) until
  // the wanted length is reached with no trailing white space pending.
  bool Plain() {
    while (i_ < t_.size() && (out_.size() < wanted_ || trim_from_ != kNone)) {
      char c = t_[i_];
      if (IsBreak(c)) {
        Fold();
      } else if (IsBlank(c)) {
        EmitBlank(i_++);
      } else {
        EmitOther(std::string_view(&t_[i_], 1), i_);
        ++i_;
      }
    }
    end_ = i_;
    return true;
  }

  // A literal (`|`) or folded (`>`) block scalar with an automatically
  // detected indentation.
  bool Block(bool folded) {
    ++i_;
    while (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
    if (i_ < t_.size() && t_[i_] >= '1' && t_[i_] <= '9') return false;  // explicit indentation
    while (i_ < t_.size() && !IsBreak(t_[i_])) ++i_;                    // the rest of the header line
    if (i_ >= t_.size()) {
      end_ = i_;
      return true;
    }
    i_ = SkipBreak(i_);
    // The indentation is that of the first line with content.
    size_t indent = kNone;
    for (size_t j = i_; j < t_.size();) {
      size_t spaces = 0;
      while (j + spaces < t_.size() && t_[j + spaces] == ' ') ++spaces;
      size_t k = j + spaces;
      if (k < t_.size() && !IsBreak(t_[k])) {
        indent = spaces;
        break;
      }
      if (k >= t_.size()) break;
      j = SkipBreak(k);
    }
    if (indent == kNone || indent == 0) {
      end_ = i_;
      return true;
    }
    size_t pending_break = kNone;  // folded: the break after the last content line
    size_t empty_lines = 0;
    bool last_more_indented = false;
    while (i_ < t_.size()) {
      size_t spaces = 0;
      while (i_ + spaces < t_.size() && t_[i_ + spaces] == ' ' && spaces < indent) ++spaces;
      size_t content = i_ + spaces;
      bool blank = content >= t_.size() || IsBreak(t_[content]) ||
                   (spaces < indent && [&] {
                     size_t k = content;
                     while (k < t_.size() && IsBlank(t_[k])) ++k;
                     return k >= t_.size() || IsBreak(t_[k]);
                   }());
      if (!blank && spaces < indent) break;  // a less indented line ends the scalar
      size_t eol = content;
      while (eol < t_.size() && !IsBreak(t_[eol])) ++eol;
      if (blank) {
        if (folded && pending_break != kNone) {
          ++empty_lines;
        } else {
          Emit("\n", eol < t_.size() ? eol : content);
        }
      } else {
        bool more_indented = IsBlank(t_[content]);
        if (folded && pending_break != kNone) {
          if (empty_lines == 0 && !more_indented && !last_more_indented) {
            Emit(" ", pending_break);
          } else {
            size_t breaks = empty_lines + ((more_indented || last_more_indented) ? 1 : 0);
            for (size_t k = 0; k < breaks; ++k) Emit("\n", pending_break);
          }
        }
        for (size_t k = content; k < eol; ++k) Emit(t_.substr(k, 1), k);
        last_more_indented = more_indented;
        empty_lines = 0;
        if (folded) {
          pending_break = eol;
        } else if (eol < t_.size()) {
          Emit("\n", eol);
        }
      }
      if (eol >= t_.size()) {
        i_ = eol;
        break;
      }
      i_ = SkipBreak(eol);
    }
    if (folded && pending_break != kNone && pending_break < t_.size()) {
      Emit("\n", pending_break);
      for (size_t k = 0; k < empty_lines; ++k) Emit("\n", pending_break);
    }
    end_ = i_;
    return true;
  }

  // The offsets of the wanted bytes, and where the string ends.
  std::optional<std::vector<uint32_t>> Finish() {
    if (out_.size() < wanted_) return std::nullopt;
    size_t end = out_.size() > wanted_ ? offsets_[wanted_] : end_;
    offsets_.resize(wanted_);
    offsets_.push_back(static_cast<uint32_t>(end));
    out_.resize(wanted_);
    return offsets_;
  }

 public:
  const std::string& out() const { return out_; }

 private:
  std::string_view t_;
  size_t i_;
  size_t wanted_;
  size_t end_ = 0;
  size_t trim_from_ = kNone;
  std::string out_;
  std::vector<uint32_t> offsets_;
};

}  // namespace

std::optional<std::vector<uint32_t>> TraceScalar(std::string_view text, size_t start, std::string_view decoded) {
  if (text.size() > UINT32_MAX) return std::nullopt;
  Tracer tracer(text, start, decoded.size());
  std::optional<std::vector<uint32_t>> offsets = tracer.Run();
  if (!offsets || tracer.out() != decoded) return std::nullopt;
  return offsets;
}

std::optional<size_t> OffsetOfLineColumn(std::string_view text, uint32_t line, uint32_t column) {
  if (line == 0 || column == 0) return std::nullopt;
  size_t offset = 0;
  for (uint32_t l = 1; l < line; ++l) {
    size_t nl = text.find('\n', offset);
    if (nl == std::string_view::npos) return std::nullopt;
    offset = nl + 1;
  }
  offset += column - 1;
  if (offset > text.size()) return std::nullopt;
  return offset;
}

}  // namespace trustcheck
