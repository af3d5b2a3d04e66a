// Internal: CI configuration files as located JSON trees, and the small
// readers the GitHub and GitLab parsers share.

#ifndef TRUSTCHECK_SRC_CI_CI_YAML_H_
#define TRUSTCHECK_SRC_CI_CI_YAML_H_

#include <json/json.h>

#include <memory>
#include <string>
#include <vector>

#include "formats/yaml_tree.h"
#include "source_text.h"
#include "trustcheck/ci.h"
#include "trustcheck/load.h"
#include "trustcheck/status.h"

namespace trustcheck::ci {

// One parsed YAML file. Heap-held: the locator points into `source`.
struct CiDocument {
  CiDocument(std::string path, std::string text) : source(std::move(path), std::move(text)) {}
  SourceText source;
  YamlTree tree;
  const Json::Value& root() const { return *tree.root; }
  SourceLoc Loc(const Json::Value& value) const { return tree.locator->ValueLoc(value); }
  SourceLoc KeyLoc(const Json::Value& value) const { return tree.locator->KeyLoc(value); }
};

// Parses one YAML document within the load limits (depth, node count, the
// checks every YAML input gets). GitLab's `!reference [...]` tags become
// {"!reference": [...]}. An empty file is an empty object.
Result<std::unique_ptr<CiDocument>> ParseCiYaml(const std::string& path, std::string text, const LoadLimits& limits);

// The value as a string when it is a scalar (numbers and booleans by their
// text), "" otherwise.
std::string ScalarText(const Json::Value& value);

// The strings of a scalar or a list of scalars.
std::vector<std::string> StringList(const Json::Value& value);

// The member `key` of an object, or null.
const Json::Value* Member(const Json::Value& object, const char* key);

}  // namespace trustcheck::ci

#endif  // TRUSTCHECK_SRC_CI_CI_YAML_H_
