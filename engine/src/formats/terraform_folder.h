// Internal: Terraform module folders, each read and parsed once per load.
//
// A `.tf` file is part of its folder's module: its siblings supply the
// variables, locals and resources it refers to. Reading the siblings again
// for every file made a folder of N files cost N² reads and parses; a
// TerraformFolders cache, shared by the files of one load (LoadSession in
// format.h), reads each folder once through the bounded reader and hands
// every file the same parsed module. Module calls read their source folders
// through the same cache.
//
// THREAD SAFETY
//
// TerraformFolders::Get may be called from several threads; a folder is read
// by the first caller while the others wait. A TerraformFolder is immutable.

#ifndef TRUSTCHECK_SRC_FORMATS_TERRAFORM_FOLDER_H_
#define TRUSTCHECK_SRC_FORMATS_TERRAFORM_FOLDER_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "hcl/hcl.h"
#include "trustcheck/load.h"

namespace trustcheck {

// "TYPE.NAME" / "data.TYPE.NAME" -> the resource or data block.
using ResourceIndex = std::map<std::string, const hcl::Block*, std::less<>>;

// Indexes the resource and data blocks of `module`, files in order: the
// first definition of an address wins.
void IndexResources(const hcl::Module& module, ResourceIndex* index);

struct TerraformFolder {
  std::string dir;  // as given, lexically normal ("." for the current folder)
  hcl::Module module;
  // The parsed files of the module, by file name; with the size and hash of
  // the text each was parsed from (a file loaded from other text, as
  // LoadText may be, is parsed again).
  struct FileEntry {
    const hcl::File* parsed;
    size_t size;
    size_t hash;
  };
  std::map<std::string, FileEntry, std::less<>> files;
  // `terraform.tfvars`, then `*.auto.tfvars` in name order (later wins):
  // what Terraform loads by itself for a root module. Constants only.
  std::map<std::string, hcl::Value, std::less<>> tfvars;  // Variables
  // "TYPE.NAME" / "data.TYPE.NAME" -> the block (the first definition).
  ResourceIndex resources;
  // Not ok when the folder holds more files than the limits allow. A folder
  // that cannot be listed is empty. Files that do not parse, or clash with
  // the others, are left out of `module`: they fail when they are loaded
  // themselves.
  Status error;
};

// What `terraform init` wrote to ROOT/.terraform/modules/modules.json: the
// folder of each installed module call, by its key (`ci_role`, and
// `parent.child` for calls inside modules), as a path from the root folder.
using ModuleManifest = std::map<std::string, std::string, std::less<>>;
using Variables = std::map<std::string, hcl::Value, std::less<>>;

class TerraformFolders {
 public:
  explicit TerraformFolders(const LoadLimits& limits) : limits_(limits) {}
  // The folder `dir` (any spelling; normalised). Never null.
  std::shared_ptr<const TerraformFolder> Get(const std::string& dir);
  // The module manifest of root folder `root`; empty when there is none (no
  // `terraform init`) or it cannot be read.
  std::shared_ptr<const ModuleManifest> Manifest(const std::string& root);
  // The constant values of a `--var-file` (tfvars syntax); an unreadable or
  // invalid file is a located error.
  Result<std::shared_ptr<const Variables>> VariableFile(const std::string& path);

 private:
  struct Slot {
    std::once_flag once;
    std::shared_ptr<const TerraformFolder> folder;
    std::shared_ptr<const ModuleManifest> manifest;
    Status error;
    std::shared_ptr<const Variables> variables;
  };
  std::shared_ptr<Slot> SlotFor(std::map<std::string, std::shared_ptr<Slot>>* slots, const std::string& key);
  LoadLimits limits_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;
  std::map<std::string, std::shared_ptr<Slot>> manifests_;
  std::map<std::string, std::shared_ptr<Slot>> variable_files_;
};

// The fact a file records for each module it calls, so that the link step
// drops the module's own reading (load.cc): key the called folder
// (Terraform) or the called file (Bicep), as NormalFolder writes it.
inline constexpr LoadedFile::Fact::Kind kModuleCallFact = LoadedFile::Fact::Kind::kModuleCall;

// "infra/./modules/../main" -> "infra/main"; "" -> "." (folders and files).
std::string NormalFolder(std::string_view dir);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_TERRAFORM_FOLDER_H_
