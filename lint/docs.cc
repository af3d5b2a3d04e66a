// The rule catalogue as Markdown, text and JSON.

#include "lint/docs.h"

#include <fmt/format.h>

namespace trustcheck::lint {

namespace {

std::string Examples(const std::vector<Example>& examples) {
  std::string out;
  for (const Example& e : examples)
    out += fmt::format("{}:\n\n```{}\n{}\n```\n\n", e.title, e.language, e.code);
  return out;
}

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out += line.empty() ? "\n" : prefix + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string RuleDocFileName(const RuleInfo& rule) { return fmt::format("{}-{}.md", rule.id, rule.name); }

std::string RenderRuleMarkdown(const RuleInfo& rule) {
  std::string out = fmt::format(
      "<!-- Generated from the rule's RuleInfo by tools/gen_rule_docs.sh; do not edit. -->\n\n"
      "# {} {}\n\n"
      "{}.\n\n"
      "Default severity: **{}**\n\n"
      "## Why it matters\n\n{}\n\n",
      rule.id, rule.name, rule.summary, SeverityName(rule.severity), rule.why);
  out += "## Example that is reported\n\n" + Examples(rule.bad);
  out += "## Example that is not reported\n\n" + Examples(rule.good);
  if (!rule.references.empty()) {
    out += "## References\n\n";
    for (const char* r : rule.references) out += fmt::format("- <{}>\n", r);
    out += "\n";
  }
  out += fmt::format(
      "## Configuration\n\n"
      "Turn the rule off or change its severity in the config file (see [docs/lint.md](../lint.md)):\n\n"
      "```yaml\nrules:\n  {}: off          # or: {}: high\n```\n\n"
      "Silence one finding in YAML or HCL with a comment on the line or the line above: "
      "`# trustcheck:ignore {}`.\n",
      rule.id, rule.id, rule.id);
  return out;
}

std::string RenderRuleIndexMarkdown(const Registry& registry) {
  std::string out =
      "<!-- Generated from the rules' RuleInfo by tools/gen_rule_docs.sh; do not edit. -->\n\n"
      "# trustcheck lint rules\n\n"
      "Every rule has a stable id, a name, a default severity and a page. `trustcheck rules ID` prints the same "
      "text; [docs/lint.md](../lint.md) explains configuration, suppression and exit codes.\n\n"
      "| id | name | severity | what it reports |\n|---|---|---|---|\n";
  for (const auto& r : registry.rules()) {
    const RuleInfo& i = r->info();
    out += fmt::format("| [{}]({}) | `{}` | {} | {} |\n", i.id, RuleDocFileName(i), i.name, SeverityName(i.severity),
                       i.summary);
  }
  return out;
}

std::string RenderRuleText(const RuleInfo& rule) {
  std::string out = fmt::format("{} {} (default severity: {})\n\n{}.\n\nWhy it matters:\n{}\n", rule.id, rule.name,
                                SeverityName(rule.severity), rule.summary, Indent(rule.why, "  "));
  out += "Reported:\n";
  for (const Example& e : rule.bad) out += fmt::format("  {}:\n{}\n", e.title, Indent(e.code, "    "));
  out += "Not reported:\n";
  for (const Example& e : rule.good) out += fmt::format("  {}:\n{}\n", e.title, Indent(e.code, "    "));
  if (!rule.references.empty()) {
    out += "References:\n";
    for (const char* r : rule.references) out += fmt::format("  {}\n", r);
  }
  return out;
}

std::string RenderRuleListText(const Registry& registry) {
  size_t width = 0;
  for (const auto& r : registry.rules()) width = std::max(width, std::string_view(r->info().name).size());
  std::string out;
  for (const auto& r : registry.rules()) {
    const RuleInfo& i = r->info();
    out += fmt::format("{}  {:<8}  {:<{}}  {}\n", i.id, SeverityName(i.severity), i.name, width, i.summary);
  }
  return out;
}

Json::Value RuleJson(const RuleInfo& rule) {
  Json::Value v(Json::objectValue);
  v["id"] = rule.id;
  v["name"] = rule.name;
  v["severity"] = SeverityName(rule.severity);
  v["summary"] = rule.summary;
  v["why"] = rule.why;
  for (const char* key : {"bad", "good"}) {
    Json::Value list(Json::arrayValue);
    for (const Example& e : std::string(key) == "bad" ? rule.bad : rule.good) {
      Json::Value ex(Json::objectValue);
      ex["title"] = e.title;
      ex["language"] = e.language;
      ex["code"] = e.code;
      list.append(ex);
    }
    v[key] = list;
  }
  Json::Value refs(Json::arrayValue);
  for (const char* r : rule.references) refs.append(r);
  v["references"] = refs;
  return v;
}

}  // namespace trustcheck::lint
