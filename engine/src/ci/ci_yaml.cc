#include "ci/ci_yaml.h"

#include <fmt/format.h>

#include <cstring>

#include "formats/format.h"

namespace trustcheck::ci {

Result<std::unique_ptr<CiDocument>> ParseCiYaml(const std::string& path, std::string text, const LoadLimits& limits) {
  auto doc = std::make_unique<CiDocument>(path, std::move(text));
  LoadOptions options;
  options.limits = limits;
  InputFile in(doc->source, options);
  const std::vector<YAML::Node>* documents = in.yaml();
  if (!documents) return in.yaml_error();
  const YAML::Node* first = nullptr;
  for (const YAML::Node& d : *documents) {
    if (!d.IsDefined() || d.IsNull()) continue;
    if (first) {
      return Status::Error(doc->source.LocAtLine(d.Mark().line + 1, d.Mark().column + 1),
                           "a CI configuration is a single YAML document");
    }
    first = &d;
  }
  if (!first) {
    doc->tree.root = std::make_unique<Json::Value>(Json::objectValue);
    doc->tree.locator = std::make_unique<AddressLocator>(doc->source.FileLoc());
    return doc;
  }
  YamlTreeOptions tree_options;
  tree_options.tag_keys = {{"!reference", "!reference"}};
  tree_options.max_depth = limits.max_depth;
  TRUSTCHECK_ASSIGN_OR_RETURN(doc->tree, YamlToJson(*first, doc->source, tree_options));
  if (!doc->root().isObject()) {
    return Status::Error(doc->Loc(doc->root()), "a CI configuration must be a YAML map");
  }
  return doc;
}

std::string ScalarText(const Json::Value& value) {
  if (value.isString()) return value.asString();
  if (value.isBool()) return value.asBool() ? "true" : "false";
  if (value.isIntegral()) return value.isUInt64() ? std::to_string(value.asUInt64()) : std::to_string(value.asInt64());
  if (value.isDouble()) return fmt::format("{}", value.asDouble());
  return "";
}

std::vector<std::string> StringList(const Json::Value& value) {
  std::vector<std::string> out;
  if (value.isArray()) {
    for (const Json::Value& v : value) {
      std::string s = ScalarText(v);
      if (!s.empty()) out.push_back(std::move(s));
    }
  } else if (std::string s = ScalarText(value); !s.empty()) {
    out.push_back(std::move(s));
  }
  return out;
}

const Json::Value* Member(const Json::Value& object, const char* key) {
  if (!object.isObject()) return nullptr;
  return object.find(key, key + std::strlen(key));
}

}  // namespace trustcheck::ci
