#include "formats/terraform_folder.h"

#include <fmt/format.h>
#include <json/json.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <vector>

namespace trustcheck {

namespace fs = std::filesystem;

std::string NormalFolder(std::string_view dir) {
  std::string out = fs::path(dir).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out.empty() ? "." : out;
}

void IndexResources(const hcl::Module& module, ResourceIndex* index) {
  for (const hcl::File& f : module.files())
    for (const hcl::Block& b : f.body.blocks)
      if ((b.type == "resource" || b.type == "data") && b.labels.size() == 2)
        index->emplace((b.type == "data" ? "data." : "") + b.labels[0] + "." + b.labels[1], &b);
}

namespace {

bool IsTfvars(const std::string& name) {
  return name == "terraform.tfvars" || (name.size() > 12 && name.compare(name.size() - 12, 12, ".auto.tfvars") == 0);
}

// Variable values Terraform loads by itself. Values that are not constant
// are left out (Terraform would refuse them).
Status ReadTfvars(const std::string& text, const std::string& path, Variables* out) {
  Result<hcl::File> f = hcl::ParseFile(text, path);
  if (!f.ok()) return f.status();
  hcl::Module empty;
  hcl::Evaluator constants(empty);
  for (const hcl::Attribute& a : f->body.attributes) {
    Result<hcl::Value> v = constants.Eval(*a.expr);
    if (v.ok() && v->wholly_known()) (*out)[a.name] = *v;
  }
  return Status();
}

std::shared_ptr<const TerraformFolder> ReadFolder(const std::string& dir, const LoadLimits& limits) {
  auto folder = std::make_shared<TerraformFolder>();
  folder->dir = dir;
  std::error_code ec;
  std::vector<std::string> tf, tfvars;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (it->path().extension() == ".tf") tf.push_back(name);
    if (IsTfvars(name)) tfvars.push_back(name);
  }
  // A folder that cannot be listed (text loaded under a made-up path, a
  // folder without read permission) is a module of the file alone.
  if (ec) return folder;
  SourceLoc where{FileId::Of(dir), 0, 0};
  if (tf.size() > limits.max_files) {
    folder->error = Status::Error(ErrorCode::kTooLarge, where, fmt::format("module folder holds {} `.tf` files, more than the limit of {} "
                                                     "(--limit files=N)",
                                                     tf.size(), limits.max_files));
    return folder;
  }
  std::sort(tf.begin(), tf.end());
  const size_t file_limit = std::min(limits.max_file_bytes, hcl::kMaxFileBytes);
  for (const std::string& name : tf) {
    std::string path = dir == "." ? name : (fs::path(dir) / name).string();
    Result<std::string> text = ReadFileBounded(path, file_limit);
    if (!text.ok()) continue;  // the file's own load reports it
    Result<hcl::File> parsed = hcl::ParseFile(*text, path);
    if (!parsed.ok()) continue;
    if (!folder->module.Add(std::move(*parsed)).ok()) continue;
    folder->files[name] = {&folder->module.files().back(), text->size(), std::hash<std::string_view>()(*text)};
  }
  // terraform.tfvars first, then *.auto.tfvars in name order: later wins.
  std::sort(tfvars.begin(), tfvars.end());
  std::stable_partition(tfvars.begin(), tfvars.end(), [](const std::string& n) { return n == "terraform.tfvars"; });
  for (const std::string& name : tfvars) {
    std::string path = dir == "." ? name : (fs::path(dir) / name).string();
    Result<std::string> text = ReadFileBounded(path, file_limit);
    if (text.ok()) (void)ReadTfvars(*text, path, &folder->tfvars);
  }
  IndexResources(folder->module, &folder->resources);
  return folder;
}

}  // namespace

std::shared_ptr<TerraformFolders::Slot> TerraformFolders::SlotFor(std::map<std::string, std::shared_ptr<Slot>>* slots,
                                                                 const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& s = (*slots)[key];
  if (!s) s = std::make_shared<Slot>();
  return s;
}

std::shared_ptr<const TerraformFolder> TerraformFolders::Get(const std::string& dir) {
  const std::string key = NormalFolder(dir);
  std::shared_ptr<Slot> slot = SlotFor(&slots_, key);
  std::call_once(slot->once, [&] { slot->folder = ReadFolder(key, limits_); });
  return slot->folder;
}

namespace {

// modules.json: {"Modules": [{"Key": "ci_role", "Source": "...", "Dir": ".terraform/modules/ci_role/..."}]}.
std::shared_ptr<const ModuleManifest> ReadManifest(const std::string& root, const LoadLimits& limits) {
  auto manifest = std::make_shared<ModuleManifest>();
  std::string path = (fs::path(root) / ".terraform" / "modules" / "modules.json").string();
  Result<std::string> text = ReadFileBounded(path, limits.max_file_bytes);
  if (!text.ok()) return manifest;
  Json::CharReaderBuilder builder;
  builder["stackLimit"] = 64;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value json;
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(text->data(), text->data() + text->size(), &json, &errors);
  } catch (const Json::Exception&) {
    parsed = false;
  }
  if (!parsed || !json.isObject() || !json["Modules"].isArray()) return manifest;
  for (const Json::Value& m : json["Modules"]) {
    if (!m.isObject() || !m["Key"].isString() || !m["Dir"].isString()) continue;
    manifest->emplace(m["Key"].asString(), m["Dir"].asString());
  }
  return manifest;
}

}  // namespace

Result<std::shared_ptr<const Variables>> TerraformFolders::VariableFile(const std::string& path) {
  std::shared_ptr<Slot> slot = SlotFor(&variable_files_, path);
  std::call_once(slot->once, [&] {
    auto variables = std::make_shared<Variables>();
    Result<std::string> text = ReadFileBounded(path, std::min(limits_.max_file_bytes, hcl::kMaxFileBytes));
    slot->error = text.ok() ? ReadTfvars(*text, path, variables.get()) : text.status();
    slot->variables = std::move(variables);
  });
  if (!slot->error.ok()) return slot->error;
  return slot->variables;
}

std::shared_ptr<const ModuleManifest> TerraformFolders::Manifest(const std::string& root) {
  const std::string key = NormalFolder(root);
  std::shared_ptr<Slot> slot = SlotFor(&manifests_, key);
  std::call_once(slot->once, [&] { slot->manifest = ReadManifest(key, limits_); });
  return slot->manifest;
}

}  // namespace trustcheck
