// Internal: the interface every input format implements, and the explicit
// table of formats (registry.cc). A new format is one file in this folder
// that lowers into the trust AST, plus one line in the table.

#ifndef TRUSTCHECK_SRC_FORMATS_FORMAT_H_
#define TRUSTCHECK_SRC_FORMATS_FORMAT_H_

#include <json/json.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source_text.h"
#include "trustcheck/load.h"

namespace trustcheck {

class TerraformFolders;  // formats/terraform_folder.h

// What the files of one LoadPaths call share, so that a folder of N files
// costs N reads, not N². LoadText alone has none (each file reads what it
// needs).
struct LoadSession {
  explicit LoadSession(const LoadLimits& limits);
  ~LoadSession();
  std::unique_ptr<TerraformFolders> terraform;
  // Equal tests of the load's files share one object (LoadOptions::test_pool
  // when the caller gives one).
  TestPool tests;
};

// One input file, with its JSON or YAML parse done at most once and shared
// by every format's Detect.
class InputFile {
 public:
  InputFile(const SourceText& source, const LoadOptions& options) : source_(source), options_(options) {}
  const SourceText& source() const { return source_; }
  const LoadOptions& options() const { return options_; }
  bool explicit_path = true;
  LoadSession* session = nullptr;  // shared caches of the load, or nullptr
  // The parsed JSON when the text looks like JSON (nullptr otherwise).
  const Json::Value* json() const;
  // The JSON parse error when the text looks like JSON but is not valid.
  const Status& json_error() const;
  // The parsed YAML documents when the text is YAML (JSON is YAML too; this
  // is only tried for non-JSON text). nullptr when it is not YAML.
  const std::vector<YAML::Node>* yaml() const;
  const Status& yaml_error() const;
  // File name extension, lower-case, with the dot ("" when none).
  std::string extension() const;
  // File name without folder and extension, as std::filesystem::path::stem.
  std::string stem() const;

 private:
  const SourceText& source_;
  const LoadOptions& options_;
  mutable bool json_done_ = false;
  mutable std::optional<Json::Value> json_;
  mutable Status json_error_;
  mutable bool yaml_done_ = false;
  mutable std::optional<std::vector<YAML::Node>> yaml_;
  mutable Status yaml_error_;
};

class Format {
 public:
  virtual ~Format() = default;
  // Stable name, used by `--type` and in outputs ("aws-policy", ...).
  virtual const char* name() const = 0;
  // 0: not this format. Higher is more certain; the best format wins.
  virtual int Detect(const InputFile& in) const = 0;
  // Parses and lowers. Errors are located.
  virtual Status Load(const InputFile& in, LoadedFile* out) const = 0;
};

// The explicit table of formats (no static-initialisation registration).
const std::vector<const Format*>& AllFormats();

// Defined by each format file; listed once in registry.cc.
const Format* AwsPolicyFormat();
const Format* CloudFormationFormat();
const Format* AwsIamDumpFormat();
const Format* TerraformPlanFormat();
const Format* TerraformFormat();
const Format* VaultRoleFormat();
const Format* VaultJwtConfigFormat();
const Format* EntraCredentialFormat();
const Format* GcpProviderFormat();
const Format* ArmTemplateFormat();
const Format* BicepFormat();
const Format* BicepParamsFormat();

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_FORMAT_H_
