#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "cli/command.h"

namespace trustcheck::cli {

int InputError(const Status& status) {
  std::fputs(fmt::format("trustcheck: {}\n", status.ToString()).c_str(), stderr);
  return kExitError;
}

int UsageError(const std::string& message) {
  std::fputs(fmt::format("trustcheck: error: {}\n", message).c_str(), stderr);
  return kExitError;
}

bool CheckChoice(const std::string& name, const std::string& value, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return true;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  UsageError(fmt::format("`--{}` must be one of {}, not `{}`", name, list, value));
  return false;
}

namespace {

const OptionSpec* FindOption(const CommandSpec& spec, const std::string& name) {
  static const OptionSpec kHelp{"help", "", "show this help"};
  if (name == "help") return &kHelp;
  for (const OptionSpec& o : spec.options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string Synopsis(const OptionSpec& o) {
  std::string word = "--" + o.name + (o.value.empty() ? "" : " " + o.value);
  if (!o.required) word = "[" + word + "]";
  return o.repeatable ? word + "..." : word;
}

// Words wrapped at 110 columns under the first line's indent.
std::string Wrap(const std::string& head, const std::vector<std::string>& words) {
  constexpr size_t kWidth = 110;
  std::string out = head, line = head;
  const std::string indent(head.size(), ' ');
  for (const std::string& w : words) {
    if (line.size() + 1 + w.size() > kWidth && line.size() > head.size()) {
      out += "\n" + indent;
      line = indent;
    }
    out += " " + w;
    line += " " + w;
  }
  return out;
}

}  // namespace

std::vector<OptionSpec> LoadOptionSpecs() {
  return {
      {"type", "FORMAT", "read every file as this format (docs/formats.md); default: detect"},
      {"limit", "NAME=VALUE", "move one input limit of docs/hardening.md for this run", false, true},
      {"var", "NAME=VALUE", "a Terraform root-module variable, as `terraform -var`", false, true},
      {"var-file", "FILE", "Terraform variables from a file, as `terraform -var-file`", false, true},
  };
}

std::string Usage(const CommandSpec& spec) {
  std::vector<std::string> words;
  for (const OptionSpec& o : spec.options)
    if (o.required && o.in_synopsis) words.push_back(Synopsis(o));
  for (const OptionSpec& o : spec.options)
    if (!o.required && o.in_synopsis) words.push_back(Synopsis(o));
  std::string out;
  for (size_t i = 0; i < std::max<size_t>(spec.operands.size(), 1); ++i) {
    std::vector<std::string> form = words;
    if (i < spec.operands.size() && !spec.operands[i].empty()) form.push_back(spec.operands[i]);
    std::string head = (i == 0 ? "usage: " : "       ") + std::string("trustcheck ") + spec.name;
    out += (i ? "\n" : "") + Wrap(head, form);
    words = {"[same options]"};
  }
  return out;
}

std::string Help(const CommandSpec& spec) {
  std::string out = Usage(spec) + "\n";
  if (!spec.about.empty()) out += "\n" + spec.about + "\n";
  out += "\noptions:\n";
  std::vector<std::string> left;
  size_t width = 0;
  std::vector<OptionSpec> all = spec.options;
  all.push_back({"help", "", "show this help"});
  for (const OptionSpec& o : all) {
    left.push_back("--" + o.name + (o.value.empty() ? "" : " " + o.value));
    width = std::max(width, left.back().size());
  }
  for (size_t i = 0; i < all.size(); ++i)
    out += fmt::format("  {:<{}}  {}{}\n", left[i], width, all[i].help, all[i].repeatable ? " (repeatable)" : "");
  return out;
}

bool ParseArgs(int argc, char** argv, const CommandSpec& spec, Args* out) {
  bool only_positional = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (only_positional || a.size() < 2 || a[0] != '-' || a == "-") {
      out->positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const OptionSpec* option = FindOption(spec, name);
    if (!option || (option->value.empty() && has_value)) {
      UsageError(fmt::format("unknown option `{}`", a));
      return false;
    }
    if (option->value.empty()) {
      out->flags[name] = "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        UsageError(fmt::format("`--{}` needs a value", name));
        return false;
      }
      value = argv[++i];
    }
    out->values[name].push_back(value);
    out->flags[name] = value;
  }
  return true;
}

}  // namespace trustcheck::cli
