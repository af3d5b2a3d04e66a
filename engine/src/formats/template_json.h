// Internal: JSON templates read as JSON.
//
// Trust policies are often kept as templates that Terraform's `templatefile`
// or a Jinja/Ansible step renders: JSON with interpolations where a value
// goes (`"Federated": "arn:aws:iam::${account_id}:oidc-provider/${provider}"`,
// `"...:sub": ${jsonencode(subjects)}`, `"aud": {{ audience }}`).
// RewriteJsonTemplate turns such text into JSON without rendering it: an
// interpolation outside a string becomes a string that holds it, so the
// lowering reads it as a template placeholder (an unknown), and Terraform's
// escapes inside strings (`$${aws:username}`, `%%{`) become what Terraform
// renders. Line breaks are kept, and the returned shifts map the rewritten
// offsets back to the file's columns (SourceText).
//
// Control directives (`%{ for ... }`, `{% if %}`) change the document's
// shape; they are not rewritten: `directive` names the first one.

#ifndef TRUSTCHECK_SRC_FORMATS_TEMPLATE_JSON_H_
#define TRUSTCHECK_SRC_FORMATS_TEMPLATE_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source_text.h"

namespace trustcheck {

struct JsonTemplate {
  std::string text;  // JSON, when `directive` is empty
  std::vector<SourceText::Shift> shifts;
  std::string directive;      // the first control directive, as written ("" when none)
  size_t directive_offset = 0;  // its offset in the file
};

// File extensions of template files (`.tpl`, `.tmpl`, `.j2`, `.jinja`,
// `.jinja2`), lower case with the dot. Terraform's escapes are honoured only
// in these.
bool IsTemplateExtension(std::string_view extension);

// nullopt when the text has nothing to rewrite (plain JSON, or not JSON-like).
// `template_escapes`: also undo Terraform's `$${` and `%%{` escapes inside
// strings (template files only; in a plain JSON file `$${` is literal).
std::optional<JsonTemplate> RewriteJsonTemplate(std::string_view text, bool template_escapes);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_TEMPLATE_JSON_H_
