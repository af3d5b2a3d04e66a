// Load flags: `--limit NAME=VALUE` (the load limits of docs/hardening.md,
// per run) and Terraform's `--var` / `--var-file`.

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cli/command.h"

namespace trustcheck::cli {

namespace {

// One adjustable limit: its flag name, the field it sets, and a ceiling.
// The ceilings keep the guarantees of docs/hardening.md that do not depend
// on the limit: nesting deeper than 1,000 levels could exhaust the stack
// of the recursive parsers, and a file or string of more than 4 GiB does
// not fit the 32-bit offsets of the JSON reader.
struct LimitSpec {
  const char* name;
  size_t LoadLimits::*size_field;  // nullptr for max_depth (an int)
  uint64_t ceiling;
};

constexpr uint64_t kGiB = uint64_t{1} << 30;

const LimitSpec kLimits[] = {
    {"file-bytes", &LoadLimits::max_file_bytes, 4 * kGiB - 1},
    {"depth", nullptr, 1000},
    {"string-bytes", &LoadLimits::max_string_bytes, 4 * kGiB - 1},
    {"statements", &LoadLimits::max_statements, 100000},
    {"values", &LoadLimits::max_values, 10000000},
    {"files", &LoadLimits::max_files, 100000000},
    {"yaml-nodes", &LoadLimits::max_yaml_nodes, 100000000},
};

std::string KnownNames() {
  std::string names;
  for (const LimitSpec& spec : kLimits) names += fmt::format("{}`{}`", names.empty() ? "" : ", ", spec.name);
  return names;
}

// A whole number, optionally followed by `k`, `m` or `g` (binary: 1024,
// 1024², 1024³), as sizes are usually written.
std::optional<uint64_t> ParseAmount(std::string_view text) {
  uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': multiplier = uint64_t{1} << 10; break;
      case 'm': case 'M': multiplier = uint64_t{1} << 20; break;
      case 'g': case 'G': multiplier = uint64_t{1} << 30; break;
      default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value > UINT64_MAX / multiplier) return std::nullopt;
  return value * multiplier;
}

}  // namespace

bool ApplyLimitFlags(const Args& args, LoadLimits* limits) {
  auto it = args.values.find("limit");
  if (it == args.values.end()) return true;
  for (const std::string& setting : it->second) {
    size_t eq = setting.find('=');
    if (eq == std::string::npos) {
      UsageError(fmt::format("`--limit` takes NAME=VALUE, not `{}` (names: {})", setting, KnownNames()));
      return false;
    }
    const std::string name = setting.substr(0, eq);
    const LimitSpec* spec = nullptr;
    for (const LimitSpec& s : kLimits)
      if (name == s.name) spec = &s;
    if (!spec) {
      UsageError(fmt::format("`--limit`: unknown limit `{}` (names: {})", name, KnownNames()));
      return false;
    }
    auto amount = ParseAmount(std::string_view(setting).substr(eq + 1));
    if (!amount || *amount == 0 || *amount > spec->ceiling) {
      UsageError(fmt::format("`--limit {}`: `{}` is not a whole number from 1 to {}", name, setting.substr(eq + 1),
                             spec->ceiling));
      return false;
    }
    if (spec->size_field) limits->*(spec->size_field) = static_cast<size_t>(*amount);
    else limits->max_depth = static_cast<int>(*amount);
  }
  return true;
}

bool ApplyTerraformVariableFlags(const Args& args, LoadOptions* options) {
  if (auto files = args.values.find("var-file"); files != args.values.end())
    options->terraform_var_files = files->second;
  auto vars = args.values.find("var");
  if (vars == args.values.end()) return true;
  for (const std::string& setting : vars->second) {
    size_t eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) {
      UsageError(fmt::format("`--var` takes NAME=VALUE, as Terraform's `-var` does, not `{}`", setting));
      return false;
    }
    options->terraform_variables.emplace_back(setting.substr(0, eq), setting.substr(eq + 1));
  }
  return true;
}

}  // namespace trustcheck::cli
