#include "formats/template_json.h"

#include <algorithm>

namespace trustcheck {

bool IsTemplateExtension(std::string_view extension) {
  static const std::string_view kTemplates[] = {".tpl", ".tmpl", ".j2", ".jinja", ".jinja2"};
  return std::find(std::begin(kTemplates), std::end(kTemplates), extension) != std::end(kTemplates);
}

namespace {

// Builds the rewritten text and its shifts: every output byte is tied to the
// file offset it stands for (an inserted byte to the next byte of the file).
class Writer {
 public:
  void Put(char c, size_t file_offset) {
    int64_t delta = static_cast<int64_t>(file_offset) - static_cast<int64_t>(out_.size());
    if (delta != delta_) {
      shifts_.push_back({static_cast<uint32_t>(out_.size()), static_cast<int32_t>(delta)});
      delta_ = delta;
    }
    out_ += c;
  }
  std::string& text() { return out_; }
  std::vector<SourceText::Shift>& shifts() { return shifts_; }

 private:
  std::string out_;
  std::vector<SourceText::Shift> shifts_;
  int64_t delta_ = 0;
};

// The end (one past) of the interpolation that starts at `i` (`${` or `{{`),
// or npos when it is not closed on its line. `${...}` may nest braces and
// hold quoted strings; `{{...}}` ends at the first `}}`.
size_t InterpolationEnd(std::string_view text, size_t i) {
  if (text[i] == '{') {
    size_t close = text.find("}}", i + 2);
    size_t eol = text.find('\n', i);
    return close == std::string_view::npos || close > eol ? std::string_view::npos : close + 2;
  }
  int depth = 0;
  bool quoted = false;
  for (size_t k = i + 1; k < text.size(); ++k) {
    char c = text[k];
    if (c == '\n') return std::string_view::npos;
    if (quoted) {
      if (c == '\\') ++k;
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) return k + 1;
  }
  return std::string_view::npos;
}

bool StartsDirective(std::string_view text, size_t i) {
  return (text.compare(i, 2, "%{") == 0 && (i == 0 || text[i - 1] != '%')) || text.compare(i, 2, "{%") == 0;
}

}  // namespace

std::optional<JsonTemplate> RewriteJsonTemplate(std::string_view text, bool template_escapes) {
  Writer w;
  bool changed = false;
  bool in_string = false;
  JsonTemplate out;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    // In a template file a directive counts anywhere (strings are text to
    // the template engine); elsewhere only where JSON could not have it.
    if (StartsDirective(text, i) && (template_escapes || !in_string)) {
      size_t end = text.find(text[i] == '%' ? '}' : '%', i + 2);
      size_t eol = text.find('\n', i);
      end = std::min(end == std::string_view::npos ? text.size() : end + (text[i] == '%' ? 1 : 2),
                     eol == std::string_view::npos ? text.size() : eol);
      out.directive = std::string(text.substr(i, end - i));
      out.directive_offset = i;
      return out;
    }
    if (in_string) {
      if (c == '\\' && i + 1 < text.size()) {
        w.Put(c, i);
        w.Put(text[i + 1], i + 1);
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
      // An interpolation inside a string may quote its own arguments
      // (`${format("%s", x)}`): copied with its quotes escaped.
      if (template_escapes && text.compare(i, 2, "${") == 0 && (i == 0 || text[i - 1] != '$')) {
        size_t end = InterpolationEnd(text, i);
        if (end != std::string_view::npos) {
          for (size_t k = i; k < end; ++k) {
            if (text[k] == '"' || text[k] == '\\') changed = true, w.Put('\\', k);
            w.Put(text[k], k);
          }
          i = end;
          continue;
        }
      }
      // Terraform renders `$${` as `${` and `%%{` as `%{`.
      if (template_escapes && (text.compare(i, 3, "$${") == 0 || text.compare(i, 3, "%%{") == 0)) {
        changed = true;
        ++i;
        continue;
      }
      w.Put(c, i);
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      w.Put(c, i++);
      continue;
    }
    bool dollar = text.compare(i, 2, "${") == 0;
    bool braces = text.compare(i, 2, "{{") == 0;
    size_t end = dollar || braces ? InterpolationEnd(text, i) : std::string_view::npos;
    if (end == std::string_view::npos) {
      w.Put(c, i++);
      continue;
    }
    // An interpolation where a value goes: a JSON string holding it.
    changed = true;
    w.Put('"', i);
    for (size_t k = i; k < end; ++k) {
      if (text[k] == '"' || text[k] == '\\') w.Put('\\', k);
      w.Put(text[k], k);
    }
    w.Put('"', end);
    i = end;
  }
  if (!changed) return std::nullopt;
  out.text = std::move(w.text());
  out.shifts = std::move(w.shifts());
  return out;
}

}  // namespace trustcheck
