// The config file: YAML via yaml-cpp, every error located.

#include "lint/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "lint/glob.h"
#include "trustcheck/read.h"

namespace trustcheck::lint {

namespace {

class ConfigParser {
 public:
  ConfigParser(const std::string& path, const Registry& registry)
      : path_(FileId::Of(path)), registry_(registry) {}

  Result<Config> Parse(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      return Status::Error(At(e.mark), "invalid YAML: " + e.msg);
    }
    Config config;
    if (!root || root.IsNull()) return config;
    if (!root.IsMap()) return Status::Error(At(root.Mark()), "the config must be a mapping with `rules` and `ignore`");
    for (const auto& entry : root) {
      std::string key = entry.first.Scalar();
      if (key == "rules") {
        Status s = Rules(entry.second, &config);
        if (!s.ok()) return s;
      } else if (key == "owners") {
        Status s = OwnersOf(entry.second, &config);
        if (!s.ok()) return s;
      } else if (key == "ignore") {
        Status s = Ignore(entry.second, &config);
        if (!s.ok()) return s;
      } else {
        return Status::Error(At(entry.first.Mark()),
                             fmt::format("unknown config key `{}`; expected `rules`, `ignore` or `owners`", key));
      }
    }
    return config;
  }

 private:
  SourceLoc At(const YAML::Mark& mark) const {
    if (mark.line < 0) return SourceLoc{path_, 0, 0};
    return SourceLoc{path_, static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1)};
  }

  // `off` / `on` / a severity name.
  Status Word(const YAML::Node& node, RuleSetting* setting) const {
    std::string v = node.Scalar();
    if (v == "off" || v == "false" || v == "disabled") {
      setting->enabled = false;
    } else if (v == "on" || v == "true" || v == "enabled") {
      setting->enabled = true;
    } else if (auto s = ParseSeverity(v)) {
      setting->enabled = true;
      setting->severity = *s;
    } else {
      return Status::Error(At(node.Mark()),
                           fmt::format("`{}` is not `off`, `on` or a severity (info, low, medium, high, critical)", v));
    }
    return Status();
  }

  Status Rules(const YAML::Node& rules, Config* config) const {
    if (rules.IsNull()) return Status();
    if (!rules.IsMap()) return Status::Error(At(rules.Mark()), "`rules` must map rule ids or names to settings");
    for (const auto& entry : rules) {
      std::string name = entry.first.Scalar();
      const Rule* rule = registry_.Find(name);
      if (!rule) return Status::Error(At(entry.first.Mark()), fmt::format("unknown rule `{}`", name));
      RuleSetting& setting = config->rules[rule->info().id];
      const YAML::Node& value = entry.second;
      if (value.IsScalar()) {
        Status s = Word(value, &setting);
        if (!s.ok()) return s;
        continue;
      }
      if (!value.IsMap())
        return Status::Error(At(value.Mark()), fmt::format("rule `{}` must be `off`, `on`, a severity or a mapping", name));
      for (const auto& field : value) {
        std::string key = field.first.Scalar();
        if (key == "enabled") {
          std::string v = field.second.Scalar();
          if (v != "true" && v != "false")
            return Status::Error(At(field.second.Mark()), fmt::format("`enabled` must be `true` or `false`, not `{}`", v));
          setting.enabled = v == "true";
        } else if (key == "severity") {
          auto s = ParseSeverity(field.second.Scalar());
          if (!s)
            return Status::Error(At(field.second.Mark()),
                                 fmt::format("unknown severity `{}`; expected info, low, medium, high or critical",
                                             field.second.Scalar()));
          setting.severity = *s;
        } else {
          return Status::Error(At(field.first.Mark()),
                               fmt::format("unknown rule setting `{}`; expected `enabled` or `severity`", key));
        }
      }
    }
    return Status();
  }

  // `owners: {github: [acme, "1234"], gitlab: [acme-group], ...}`.
  Status OwnersOf(const YAML::Node& owners, Config* config) const {
    if (owners.IsNull()) return Status();
    if (!owners.IsMap())
      return Status::Error(At(owners.Mark()), "`owners` must map platforms (github, gitlab, terraform, buildkite, "
                                              "azure) to lists of organisations, groups or tenants");
    static const char* kPlatforms[] = {"github", "gitlab", "terraform", "buildkite", "azure"};
    for (const auto& entry : owners) {
      std::string platform = entry.first.Scalar();
      if (std::none_of(std::begin(kPlatforms), std::end(kPlatforms), [&](const char* p) { return platform == p; }))
        return Status::Error(At(entry.first.Mark()),
                             fmt::format("unknown owners platform `{}`; expected github, gitlab, terraform, buildkite "
                                         "or azure",
                                         platform));
      std::vector<std::string>& list = config->owners.by_platform[platform];
      const YAML::Node& value = entry.second;
      if (value.IsScalar()) {
        list.push_back(value.Scalar());
        continue;
      }
      if (!value.IsSequence())
        return Status::Error(At(value.Mark()), fmt::format("`owners.{}` must be a list of names or ids", platform));
      for (const auto& item : value) {
        if (!item.IsScalar() || item.Scalar().empty())
          return Status::Error(At(item.Mark()), fmt::format("each `owners.{}` entry must be a name or an id", platform));
        list.push_back(item.Scalar());
      }
    }
    return Status();
  }

  Status Ignore(const YAML::Node& ignore, Config* config) const {
    if (ignore.IsNull()) return Status();
    if (ignore.IsScalar()) {
      config->ignore.push_back(ignore.Scalar());
      return Status();
    }
    if (!ignore.IsSequence()) return Status::Error(At(ignore.Mark()), "`ignore` must be a list of path globs");
    for (const auto& glob : ignore) {
      if (!glob.IsScalar()) return Status::Error(At(glob.Mark()), "each `ignore` entry must be a path glob");
      config->ignore.push_back(glob.Scalar());
    }
    return Status();
  }

  FileId path_;
  const Registry& registry_;
};

}  // namespace

bool Config::Enabled(const RuleInfo& rule) const {
  auto it = rules.find(rule.id);
  return it == rules.end() || !it->second.enabled || *it->second.enabled;
}

Severity Config::SeverityOf(const RuleInfo& rule, Severity reported) const {
  auto it = rules.find(rule.id);
  return it != rules.end() && it->second.severity ? *it->second.severity : reported;
}

bool Config::Ignored(const std::string& path) const {
  for (const std::string& glob : ignore)
    if (PathIgnored(glob, path)) return true;
  return false;
}

Result<Config> ParseConfig(const std::string& path, const std::string& text, const Registry& registry) {
  return ConfigParser(path, registry).Parse(text);
}

Result<Config> LoadConfig(const std::string& path, const Registry& registry) {
  // A configuration is a few lines; 1 MiB is far past any real one.
  TRUSTCHECK_ASSIGN_OR_RETURN(std::string text, ReadBounded(path, {1 << 20, "config file", true}));
  return ParseConfig(path, text, registry);
}

}  // namespace trustcheck::lint
