// `trustcheck rules [--format text|json|markdown] [ID]`

#include <fmt/format.h>
#include <json/json.h>

#include <cstdio>

#include "cli/command.h"
#include "lint/docs.h"
#include "lint/registry.h"
#include "rules/builtin_rules.h"

namespace trustcheck::cli {

namespace {

CommandSpec Spec() {
  return {"rules", {"[ID]"},
          "Lists the lint rules, or explains one (by id or name). `--format markdown` prints the pages of docs/rules/\n"
          "(the index without ID).",
          {{"format", "text|json|markdown", "output format (default: text)"}}};
}

std::string WriteJson(const Json::Value& v) {
  Json::StreamWriterBuilder b;
  b["indentation"] = "  ";
  b["emitUTF8"] = true;
  return Json::writeString(b, v) + "\n";
}

}  // namespace

int RulesCommand(int argc, char** argv) {
  Args args;
  const CommandSpec spec = Spec();
  if (!ParseArgs(argc, argv, spec, &args)) return kExitError;
  if (args.Has("help")) {
    std::fputs(Help(spec).c_str(), stdout);
    return kExitOk;
  }
  std::string format = args.Get("format", "text");
  if (!CheckChoice("format", format, {"text", "json", "markdown"})) return kExitError;
  if (args.positional.size() > 1) return UsageError(std::string("give at most one rule id\n") + Usage(spec));
  lint::Registry registry;
  rules::RegisterBuiltinRules(registry);

  std::string out;
  if (args.positional.empty()) {
    if (format == "markdown") {
      out = lint::RenderRuleIndexMarkdown(registry);
    } else if (format == "json") {
      Json::Value list(Json::arrayValue);
      for (const auto& r : registry.rules()) list.append(lint::RuleJson(r->info()));
      Json::Value root(Json::objectValue);
      root["rules"] = list;
      out = WriteJson(root);
    } else {
      out = lint::RenderRuleListText(registry);
    }
  } else {
    const lint::Rule* rule = registry.Find(args.positional.front());
    if (!rule) return UsageError(fmt::format("unknown rule `{}`; `trustcheck rules` lists them", args.positional.front()));
    if (format == "markdown") out = lint::RenderRuleMarkdown(rule->info());
    else if (format == "json") out = WriteJson(lint::RuleJson(rule->info()));
    else out = lint::RenderRuleText(rule->info());
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace trustcheck::cli
