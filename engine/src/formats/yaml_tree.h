// Internal: a YAML document as a Json::Value tree whose every value keeps its
// source location, so lowerings written for JSON (LowerTrustPolicy, ...) read
// YAML inputs unchanged and still point at the YAML line.
//
// Scalars resolve by the YAML 1.2 core schema (what CloudFormation and
// Kubernetes tools accept in practice): plain `null`/`~`/empty are null,
// `true`/`false` (any of the three capitalisations) are booleans, decimal
// integers without a leading zero that fit in 64 bits are numbers, decimal
// floats are numbers; everything else, and every quoted or block scalar, is a
// string. `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` force a type.
//
// Local tags (`!Ref X`) are errors unless the caller maps them: each mapped
// tag wraps its value in a one-member object (`!Ref X` -> {"Ref": "X"}),
// which is exactly the long form CloudFormation defines for its short tags.
//
// Map keys must be scalars. A key that appears twice keeps the last value
// (as the JSON inputs do) and is reported in YamlTree::duplicates. Aliases are
// expanded; a node budget stops alias bombs.

#ifndef TRUSTCHECK_SRC_FORMATS_YAML_TREE_H_
#define TRUSTCHECK_SRC_FORMATS_YAML_TREE_H_

#include <json/json.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/tree_locator.h"
#include "source_text.h"
#include "trustcheck/ast.h"

namespace trustcheck {

struct YamlTreeOptions {
  // Local tag (with its `!`) -> key of the object that wraps the tagged value.
  std::map<std::string, std::string> tag_keys;
  int max_depth = 256;
  // Values built in total (aliases count each time they are expanded).
  size_t max_nodes = 1000000;
};

struct YamlTree {
  // Heap-held so the addresses registered in `locator` stay valid when the
  // YamlTree moves.
  std::unique_ptr<Json::Value> root;
  std::unique_ptr<AddressLocator> locator;
  // Keys that appeared more than once in one map, as duplicate-key notes
  // located at the earlier (dropped) key; `path` is the JSON pointer of the map.
  std::vector<LoweringNote> duplicates;
};

// Converts one YAML document (from InputFile::yaml()). Errors are located.
Result<YamlTree> YamlToJson(const YAML::Node& document, const SourceText& source, const YamlTreeOptions& options);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_YAML_TREE_H_
