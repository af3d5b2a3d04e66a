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

bool ParseArgs(int argc, char** argv, int first, const std::vector<std::string>& value_flags,
               const std::vector<std::string>& bool_flags, Args* out) {
  bool only_positional = false;
  for (int i = first; i < argc; ++i) {
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
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (std::find(value_flags.begin(), value_flags.end(), name) != value_flags.end()) {
      if (!has_value) {
        if (i + 1 >= argc) {
          UsageError(fmt::format("`--{}` needs a value", name));
          return false;
        }
        value = argv[++i];
      }
      out->values[name].push_back(value);
      out->flags[name] = value;
    } else if (std::find(bool_flags.begin(), bool_flags.end(), name) != bool_flags.end() && !has_value) {
      out->flags[name] = "true";
    } else {
      UsageError(fmt::format("unknown option `{}`", a));
      return false;
    }
  }
  return true;
}

}  // namespace trustcheck::cli
