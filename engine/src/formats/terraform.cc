// Format "terraform": Terraform HCL2 source (`.tf` files).
//
// A `.tf` file is read as part of its folder's module, as Terraform reads it:
// the other `.tf` files of the folder (and `terraform.tfvars`,
// `*.auto.tfvars`) supply variables, locals and the resources a file refers
// to. Each file lowers the resources it declares itself: the trust
// resources of terraform_resources.h (AWS roles and OIDC providers, Entra
// credentials, Vault roles and auth backends, GCP providers and their
// pools), a table shared with the plan loader (terraform_plan.cc).
//
// `data "aws_iam_policy_document"` blocks are documents that roles use via
// `.json`. Expressions are evaluated by engine/src/hcl (see
// docs/terraform.md); each platform's own lowering (aws_policy.h,
// entra_credential.h, vault_role.h, gcp_provider.h) does the rest, on a
// JSON-shaped tree whose every value is located at its line in the `.tf`
// file.
//
// Unknowns: a value the module cannot tell (a variable without default, an
// attribute computed at apply) is an explicit unknown in the tree. Where a
// lowering reads such a value without asking the locator, the tree holds a
// placeholder string instead, and every node the lowering built from it is
// replaced by an Unknown node afterwards (ReplaceHoles); values a lowering
// cannot take at all are left out and the statement is guarded by an Unknown
// node. Either way no token is ever accepted because of an unknown.

#include <fmt/format.h>
#include <json/json.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "formats/aws_oidc_provider.h"
#include "formats/aws_policy.h"
#include "formats/entra_credential.h"
#include "formats/format.h"
#include "formats/gcp_provider.h"
#include "formats/terraform_folder.h"
#include "formats/terraform_resources.h"
#include "formats/tree_locator.h"
#include "formats/value_tree.h"
#include "formats/unresolved_notes.h"
#include "formats/vault_role.h"
#include "hcl/hcl.h"
#include "text/ascii.h"

namespace trustcheck {

namespace {

namespace fs = std::filesystem;
using hcl::Value;

constexpr const char* kFormatName = "terraform";

// ---------------------------------------------------------------------------
// A policy written as JSON text (heredoc, quoted string, variable default)

// The text of a template result, with unknown pieces replaced by
// placeholders, and the file position of each byte.
struct LocatedText {
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> at;  // (line, column) per byte, plus one for the end
  FileId file;
  std::vector<Hole> holes;
};

LocatedText LocateText(const Value& v) {
  LocatedText out;
  out.file = v.loc().file;
  std::vector<Value::Piece> pieces = v.pieces();
  if (pieces.empty()) pieces.push_back({true, v.is_string() ? v.as_string() : std::string(), v.loc()});
  // A heredoc's text starts on the line after its marker; `<<-` strips the
  // same indentation from each line as from the first.
  uint32_t indent = 0;
  if (pieces.front().known && pieces.front().loc.line > v.loc().line) indent = pieces.front().loc.column - 1;
  for (const Value::Piece& p : pieces) {
    uint32_t line = p.loc.line ? p.loc.line : v.loc().line;
    uint32_t column = p.loc.line ? p.loc.column : v.loc().column;
    if (!p.known) {
      std::string hole = HoleText(out.holes.size());
      out.holes.push_back({p.text, p.loc.known() ? p.loc : v.loc(), p.written, p.tag});
      out.text += hole;
      out.at.insert(out.at.end(), hole.size(), {line, column});
      continue;
    }
    for (char c : p.text) {
      out.text += c;
      out.at.emplace_back(line, column);
      if (c == '\n') {
        ++line;
        column = indent + 1;
      } else {
        ++column;
      }
    }
  }
  out.at.emplace_back(out.at.empty() ? std::make_pair(v.loc().line, v.loc().column) : out.at.back());
  return out;
}

class TextPolicy {
 public:
  // Parses `v` as a JSON policy. nullopt (with `unknown` set) when the text
  // is not JSON because of an unknown part; an error when it is not JSON.
  static Result<std::optional<TextPolicy>> Parse(const Value& v, const std::string& what, const LoadLimits& limits,
                                                 std::string* unknown) {
    TextPolicy p;
    p.located_ = LocateText(v);
    p.inner_ = std::make_unique<SourceText>(p.located_.file ? *p.located_.file : std::string(), p.located_.text);
    p.line_starts_.push_back(0);
    for (size_t i = 0; i < p.located_.text.size(); ++i) {
      if (p.located_.text[i] == '\n') p.line_starts_.push_back(static_cast<uint32_t>(i + 1));
    }
    JsonLimits json_limits;
    json_limits.max_depth = limits.max_depth;
    json_limits.max_string_bytes = limits.max_string_bytes;
    Result<Json::Value> parsed = ParseJson(*p.inner_, json_limits);
    if (!parsed.ok()) {
      if (!p.located_.holes.empty()) {
        *unknown = p.located_.holes.front().reason;
        return std::optional<TextPolicy>();
      }
      std::string message = parsed.status().message();
      if (message.rfind("invalid JSON: ", 0) == 0) message = message.substr(14);
      return Status::Error(p.MapInner(parsed.status().loc()), fmt::format("invalid JSON in {}: {}", what, message));
    }
    p.root_ = std::make_unique<Json::Value>(std::move(*parsed));
    p.locator_ = std::make_unique<AddressLocator>(p.Map(0));
    p.Register(*p.root_);
    for (const DuplicateKey& d : FindDuplicateKeys(*p.inner_)) {
      p.notes_.push_back({LoweringNote::Kind::kDuplicateKey, p.Map(d.offset),
                          fmt::format("key `{}` appears again later in the same object; IAM keeps only the last one",
                                      d.key),
                          d.key, d.path});
    }
    return std::optional<TextPolicy>(std::move(p));
  }

  const Json::Value* root() const { return root_.get(); }
  const TreeLocator* locator() const { return locator_.get(); }
  std::vector<LoweringNote> TakeNotes() { return std::move(notes_); }
  const std::vector<Hole>& holes() const { return located_.holes; }

 private:
  SourceLoc Map(size_t offset) const {
    offset = std::min(offset, located_.at.size() - 1);
    return SourceLoc{located_.file, located_.at[offset].first, located_.at[offset].second};
  }
  SourceLoc MapInner(const SourceLoc& inner) const {
    if (!inner.known() || inner.line > line_starts_.size()) return Map(0);
    return Map(line_starts_[inner.line - 1] + (inner.column ? inner.column - 1 : 0));
  }

  // Locates every value and key, and marks strings with unknown parts.
  void Register(const Json::Value& v) {
    locator_->Set(&v, Map(static_cast<size_t>(v.getOffsetStart())));
    if (v.isString()) {
      MarkUnknown(v);
    } else if (v.isArray()) {
      for (const Json::Value& item : v) Register(item);
    } else if (v.isObject()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        Register(*it);
        locator_->SetKey(&*it, MapInner(KeyLocOf(*inner_, *it)));
      }
    }
  }

  void MarkUnknown(const Json::Value& v) {
    const std::string text = v.asString();
    size_t start = 0, end = 0;
    std::optional<size_t> first = FindHole(text, &start, &end);
    if (!first) return;
    std::vector<TextPiece> pieces;
    size_t pos = 0;
    while (std::optional<size_t> n = FindHole(std::string_view(text).substr(pos), &start, &end)) {
      if (start > 0) pieces.push_back({text.substr(pos, start), true, {}, TextPiece::Same::kNothing});
      TextPiece hole;
      hole.known = false;
      hole.text = "${...}";
      hole.reason = "a part of the text is unknown";
      if (*n < located_.holes.size()) {
        const Hole& h = located_.holes[*n];
        hole.reason = h.reason;
        if (!h.written.empty()) hole.text = h.written;
        hole.same = SameOf(h.tag);
      }
      pieces.push_back(std::move(hole));
      pos += end;
    }
    if (pos < text.size()) pieces.push_back({text.substr(pos), true, {}, TextPiece::Same::kNothing});
    locator_->SetUnknown(&v, *first < located_.holes.size() ? located_.holes[*first].reason
                                                            : "a part of the text is unknown");
    locator_->SetPieces(&v, std::move(pieces));
  }

  LocatedText located_;
  std::unique_ptr<SourceText> inner_;
  std::vector<uint32_t> line_starts_;
  std::unique_ptr<Json::Value> root_;
  std::unique_ptr<AddressLocator> locator_;
  std::vector<LoweringNote> notes_;
};

// ---------------------------------------------------------------------------
// The module and its lowering

// One instance of a resource block (`count` / `for_each` expanded).
struct Instance {
  std::string address;
  hcl::Bindings bindings;
  std::vector<Hole> guards;  // unknowns about the instance itself
};

std::string Quoted(const std::string& key) { return "\"" + key + "\""; }

// Where a module's resources are lowered from: the root module (the file's
// own folder), or a module called from it (`module "ci" { source = ... }`).
struct CallScope {
  std::string address_prefix;  // "" for the root; "module.ci." / "module.ci[\"a\"]." for a call
  std::string manifest_key;    // modules.json key of the call ("ci", "ci.child"); "" for the root
  std::string root_dir;        // the root module's folder (its .terraform/modules)
  std::string context;         // for messages: "`module.ci` (called at main.tf:12)"
  std::vector<std::string> dirs;  // module folders from the root down (cycles)
  std::vector<Hole> guards;       // unknowns about the call instance (its count or for_each)
};

// Module calls nest at most this deep (Terraform has no limit; real
// configurations stay below five).
constexpr size_t kMaxModuleDepth = 16;

// Arguments of a `module` block that are not the module's variables.
bool IsCallMetaArgument(std::string_view name) {
  return name == "source" || name == "version" || name == "count" || name == "for_each" || name == "providers" ||
         name == "depends_on";
}

class TerraformLoader {
 public:
  // The root module of the file being loaded.
  TerraformLoader(const InputFile& in, LoadedFile* out) : in_(in), out_(out) {}
  // A called module: every resource of `folder`, with the call's arguments
  // as its variables.
  TerraformLoader(const InputFile& in, LoadedFile* out, std::shared_ptr<const TerraformFolder> folder,
                  std::map<std::string, Value, std::less<>> arguments, CallScope scope)
      : in_(in), out_(out), scope_(std::move(scope)), folder_(std::move(folder)) {
    module_ = &folder_->module;
    resources_ = &folder_->resources;
    module_dir_ = folder_->dir;
    tfvars_ = std::move(arguments);
    Evaluate();
  }

  Status Load() {
    Status s = ReadModule();
    if (!s.ok()) return s;
    scope_.root_dir = module_dir_;
    scope_.dirs = {module_dir_};
    s = ApplyCommandLineVariables();
    if (!s.ok()) return s;
    Evaluate();
    std::vector<const hcl::Block*> calls;
    for (const hcl::Block& block : own_->body.blocks) {
      if (block.type == "module" && block.labels.size() == 1) calls.push_back(&block);
      if (block.type != "resource" || block.labels.size() != 2) continue;
      s = Resource(block);
      if (!s.ok()) return s;
      if (!deferred_.ok()) return deferred_;
    }
    return Calls(calls);
  }

  // A called module: its resources, then the modules it calls.
  Status LoadCalled() {
    std::vector<const hcl::Block*> calls;
    for (const hcl::File& f : module_->files()) {
      for (const hcl::Block& block : f.body.blocks) {
        if (block.type == "module" && block.labels.size() == 1) calls.push_back(&block);
        if (block.type != "resource" || block.labels.size() != 2) continue;
        Status s = Resource(block);
        if (!s.ok()) return s;
        if (!deferred_.ok()) return deferred_;
      }
    }
    return Calls(calls);
  }

 private:
  // ---- reading the folder ----

  Status ReadModule() {
    const std::string& path = *in_.source().path();
    const fs::path file(path);
    module_dir_ = NormalFolder(file.parent_path().string());
    folder_ = Folders()->Get(module_dir_);
    if (!folder_->error.ok()) return folder_->error;
    tfvars_ = folder_->tfvars;
    const std::string name = file.filename().string();
    const std::string_view text = in_.source().text();
    auto it = folder_->files.find(name);
    if (it != folder_->files.end() && it->second.size == text.size() &&
        it->second.hash == std::hash<std::string_view>()(text)) {
      own_ = it->second.parsed;
      module_ = &folder_->module;
      resources_ = &folder_->resources;
      return Status();
    }
    // This text is not the folder's copy (a file that does not parse or
    // clashes with a sibling, or text given by the caller): this file first,
    // then the siblings that go with it, parsed again.
    Result<hcl::File> own = hcl::ParseFile(text, path);
    if (!own.ok()) return own.status();
    private_module_ = std::make_unique<hcl::Module>();
    TRUSTCHECK_RETURN_IF_ERROR(private_module_->Add(std::move(*own)));
    own_ = &private_module_->files().back();
    for (const auto& [sibling, entry] : folder_->files) {
      if (sibling == name) continue;
      Result<std::string> sibling_text = ReadFileBounded(*entry.parsed->path, hcl::kMaxFileBytes);
      if (!sibling_text.ok()) continue;
      Result<hcl::File> f = hcl::ParseFile(*sibling_text, *entry.parsed->path);
      if (f.ok()) (void)private_module_->Add(std::move(*f));
    }
    IndexResources(*private_module_, &private_resources_);  // this file's definitions first
    module_ = private_module_.get();
    resources_ = &private_resources_;
    return Status();
  }

  // ---- evaluation helpers ----

  void Evaluate() {
    hcl::EvalOptions options;
    options.variables = tfvars_;
    // Terraform's paths are relative to the root module's folder.
    const std::string root = scope_.root_dir.empty() ? module_dir_ : scope_.root_dir;
    options.working_folder = root;
    options.module_path = NormalFolder(fs::path(module_dir_).lexically_relative(root).string());
    const size_t limit = std::min(in_.options().limits.max_file_bytes, hcl::kMaxFileBytes);
    options.read_file = [limit](const std::string& path) { return ReadFileBounded(path, limit); };
    options.resolve_resource = [this](const hcl::ResourceRef& ref) { return Resolve(ref); };
    options.resolve_module_output = [this](const std::string& name, const std::string& output,
                                           const SourceLoc& loc) { return ModuleOutput(name, output, loc); };
    eval_ = std::make_unique<hcl::Evaluator>(*module_, std::move(options));
  }

  // `--var-file FILE` then `--var NAME=VALUE`, as Terraform applies them to
  // the root module after its .tfvars files.
  Status ApplyCommandLineVariables() {
    for (const std::string& path : in_.options().terraform_var_files) {
      Result<std::shared_ptr<const Variables>> file = Folders()->VariableFile(path);
      if (!file.ok()) return file.status();
      for (const auto& [name, value] : **file) tfvars_[name] = value;
    }
    for (const auto& [name, value] : in_.options().terraform_variables) tfvars_[name] = VariableValue(value);
    return Status();
  }

  // A `--var` value as Terraform reads it: HCL when it is a list or an
  // object, the text itself otherwise.
  static Value VariableValue(const std::string& text) {
    SourceLoc loc;
    if (!text.empty() && (text.front() == '[' || text.front() == '{')) {
      Result<hcl::ExprPtr> expr = hcl::ParseExpression(text, "--var");
      if (expr.ok()) {
        hcl::Module empty;
        hcl::Evaluator constants(empty);
        Result<Value> v = constants.Eval(**expr);
        if (v.ok() && v->wholly_known()) return *v;
      }
    }
    return Value::String(text, loc);
  }

  // ---- module calls ----

  // The folder a call's `source` names: a local path (`./x`, `../x`) from
  // this module's folder, or what `terraform init` installed (modules.json
  // of the root folder). nullopt with `why` when it is not on disk.
  std::optional<std::string> CallFolder(const hcl::Block& call, const std::string& source, std::string* why) {
    if (source.rfind("./", 0) == 0 || source.rfind("../", 0) == 0)
      return NormalFolder((fs::path(module_dir_) / source).string());
    const std::string key = scope_.manifest_key.empty() ? call.labels[0] : scope_.manifest_key + "." + call.labels[0];
    std::shared_ptr<const ModuleManifest> manifest = Folders()->Manifest(scope_.root_dir);
    if (auto it = manifest->find(key); it != manifest->end())
      return NormalFolder((fs::path(scope_.root_dir) / it->second).string());
    *why = fmt::format("module `{}` (source `{}`) is not installed: run `terraform init` in `{}` so that its "
                       "code is in `.terraform/modules`",
                       call.labels[0], source, scope_.root_dir);
    return std::nullopt;
  }

  TerraformFolders* Folders() {
    if (in_.session) return in_.session->terraform.get();
    if (!own_folders_) own_folders_ = std::make_shared<TerraformFolders>(in_.options().limits);
    return own_folders_.get();
  }

  // The called module of one instance of `call`, ready to evaluate; nullptr
  // with a note when its code is not on disk.
  Result<std::unique_ptr<TerraformLoader>> Callee(const hcl::Block& call, const Instance& inst) {
    Result<std::optional<Value>> source = Attr(call.body, "source", nullptr);
    if (!source.ok()) return source.status();
    if (!*source || !(*source)->is_string())
      return Status::Error(call.loc, fmt::format("module `{}` needs a literal `source`", call.labels[0]));
    std::string why;
    std::optional<std::string> dir = CallFolder(call, (*source)->as_string(), &why);
    if (!dir) {
      out_->notes.push_back({LoweringNote::Kind::kUnresolved, call.loc, why, {}, {}});
      return std::unique_ptr<TerraformLoader>();
    }
    if (std::find(scope_.dirs.begin(), scope_.dirs.end(), *dir) != scope_.dirs.end() ||
        scope_.dirs.size() > kMaxModuleDepth)
      return Status::Error(call.loc, fmt::format("module `{}` calls `{}`, which is already being read: module calls "
                                                 "must not form a cycle (at most {} levels)",
                                                 call.labels[0], *dir, kMaxModuleDepth));
    std::shared_ptr<const TerraformFolder> folder = Folders()->Get(*dir);
    if (!folder->error.ok()) return folder->error;
    std::map<std::string, Value, std::less<>> arguments;
    for (const hcl::Attribute& a : call.body.attributes) {
      if (IsCallMetaArgument(a.name)) continue;
      Result<Value> v = eval_->Eval(*a.expr, &inst.bindings);
      if (!v.ok()) return v.status();
      arguments[a.name] = std::move(*v);
    }
    CallScope scope;
    scope.address_prefix = inst.address + ".";
    scope.manifest_key = scope_.manifest_key.empty() ? call.labels[0] : scope_.manifest_key + "." + call.labels[0];
    scope.root_dir = scope_.root_dir;
    scope.context = fmt::format("`{}` (called at {}:{})", inst.address, fs::path(call.loc.path()).filename().string(),
                                call.loc.line);
    scope.dirs = scope_.dirs;
    scope.dirs.push_back(*dir);
    scope.guards = scope_.guards;
    scope.guards.insert(scope.guards.end(), inst.guards.begin(), inst.guards.end());
    auto callee = std::make_unique<TerraformLoader>(in_, out_, std::move(folder), std::move(arguments), std::move(scope));
    callee->own_folders_ = own_folders_;
    return callee;
  }

  // Lowers the modules that `calls` call, instance by instance, and records
  // their folders for the link step (a folder that is called is no root
  // module of its own).
  Status Calls(const std::vector<const hcl::Block*>& calls) {
    for (const hcl::Block* call : calls) {
      Result<std::vector<Instance>> instances = Instances(*call, "module." + call->labels[0]);
      if (!instances.ok()) return instances.status();
      for (const Instance& inst : *instances) {
        Result<std::unique_ptr<TerraformLoader>> callee = Callee(*call, inst);
        if (!callee.ok()) return callee.status();
        if (!*callee) break;
        out_->facts.push_back({kModuleCallFact, (*callee)->module_dir_, {{"call", inst.address}}, call->loc, {}});
        Status s = (*callee)->LoadCalled();
        if (!s.ok()) return s;
      }
    }
    return Status();
  }

  // `module.NAME.OUTPUT`: the output's value, evaluated in the called module
  // with the call's arguments. Unknown (nullopt) for a call with `count` or
  // `for_each` (its instances differ) and for a module not on disk.
  std::optional<Value> ModuleOutput(const std::string& name, const std::string& output, const SourceLoc& loc) {
    const hcl::Block* call = nullptr;
    for (const hcl::File& f : module_->files())
      for (const hcl::Block& b : f.body.blocks)
        if (b.type == "module" && b.labels.size() == 1 && b.labels[0] == name && !call) call = &b;
    if (!call || call->body.Find("count") || call->body.Find("for_each")) return std::nullopt;
    const std::string key = name + "." + output;
    if (!resolving_.insert("module." + key).second)
      return Value::Unknown(fmt::format("`module.{}` depends on itself", key), loc);
    std::optional<Value> out;
    auto it = outputs_from_.find(name);
    if (it == outputs_from_.end()) {
      Result<std::unique_ptr<TerraformLoader>> callee =
          Callee(*call, Instance{scope_.address_prefix + "module." + name, hcl::Bindings(), {}});
      it = outputs_from_.emplace(name, callee.ok() ? std::move(*callee) : nullptr).first;
    }
    if (TerraformLoader* callee = it->second.get()) {
      for (const hcl::File& f : callee->module_->files())
        for (const hcl::Block& b : f.body.blocks)
          if (b.type == "output" && b.labels.size() == 1 && b.labels[0] == output && !out) {
            std::optional<Value> v = callee->AttrOrDefer(b.body, "value", nullptr);
            if (v) out = v->WithLoc(loc);
          }
    }
    resolving_.erase("module." + key);
    return out;
  }

  // The value of attribute `name` of `body`, or nullopt when it is not set
  // (or set to null, which Terraform reads as not set).
  Result<std::optional<Value>> Attr(const hcl::Body& body, std::string_view name, const hcl::Bindings* b) {
    const hcl::Attribute* a = body.Find(name);
    if (!a) return std::optional<Value>();
    Result<Value> v = eval_->Eval(*a->expr, b);
    if (!v.ok()) return v.status();
    if (v->is_null()) return std::optional<Value>();
    return std::optional<Value>(std::move(*v));
  }

  // For the resolver, which cannot return errors: the first error is kept
  // and fails the load once the resolver returns.
  std::optional<Value> AttrOrDefer(const hcl::Body& body, std::string_view name, const hcl::Bindings* b) {
    Result<std::optional<Value>> v = Attr(body, name, b);
    if (!v.ok()) {
      if (deferred_.ok()) deferred_ = v.status();
      return Value::Unknown(v.status().message(), v.status().loc());
    }
    return *v;
  }

  // ---- references to resources ----

  static std::string Address(const hcl::Block& b) {
    return (b.type == "data" ? "data." : "") + b.labels[0] + "." + b.labels[1];
  }

  const hcl::Block* Find(const hcl::ResourceRef& ref) const {
    auto it = resources_->find((ref.data ? "data." : "") + ref.type + "." + ref.name);
    return it == resources_->end() ? nullptr : it->second;
  }

  static Value Tagged(std::string reason, const SourceLoc& loc, std::string written, uint8_t tag) {
    Value::Piece hole{false, reason, loc, std::move(written), tag};
    return Value::Unknown(std::move(reason), loc).WithPieces({hole});
  }

  // `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST` of a provider in this
  // configuration: partition and account are unknown but the role's own.
  static Value ProviderArn(const std::string& address, const std::string& url, const SourceLoc& loc) {
    std::string host = url.rfind("https://", 0) == 0 ? url.substr(8) : url;
    std::vector<Value::Piece> pieces = {
        {true, "arn:", loc, {}, kTagNone},
        {false, fmt::format("the partition of `{}` is known only after apply", address), loc, "${partition}",
         kTagOwnPartition},
        {true, ":iam::", loc, {}, kTagNone},
        {false, fmt::format("the account of `{}` is known only after apply", address), loc, "${account}",
         kTagOwnAccount},
        {true, ":oidc-provider/" + host, loc, {}, kTagNone},
    };
    return Value::Unknown(fmt::format("the ARN of `{}` is known only after apply", address), loc)
        .WithPieces(std::move(pieces));
  }

  std::optional<Value> Resolve(const hcl::ResourceRef& ref) {
    const std::string attr_key = ref.ToString();
    if (ref.data && ref.type == "aws_caller_identity" && ref.attribute == "account_id") {
      return Tagged(fmt::format("`{}` is the account Terraform runs in, known only at apply", attr_key), ref.loc,
                    "${" + attr_key + "}", kTagOwnAccount);
    }
    if (ref.data && ref.type == "aws_partition" && ref.attribute == "partition") {
      return Tagged(fmt::format("`{}` is the partition Terraform runs in, known only at apply", attr_key), ref.loc,
                    "${" + attr_key + "}", kTagOwnPartition);
    }
    const hcl::Block* block = Find(ref);
    if (!block) return std::nullopt;
    if (!resolving_.insert(attr_key).second) {
      return Value::Unknown(fmt::format("`{}` depends on itself", attr_key), ref.loc);
    }
    std::optional<Value> out = ResolveIn(*block, ref);
    resolving_.erase(attr_key);
    return out;
  }

  std::optional<Value> ResolveIn(const hcl::Block& block, const hcl::ResourceRef& ref) {
    const std::string address = Address(block);
    if (ref.data && ref.type == "aws_iam_policy_document") {
      if (ref.attribute != "json" && ref.attribute != "minified_json") return std::nullopt;
      Value doc = Document(block);
      if (!doc.wholly_known()) return Value::Unknown(doc.FirstUnknownReason(), ref.loc).WithEncodedFrom(doc);
      return Value::String(EncodeJson(doc), ref.loc).WithEncodedFrom(doc);
    }
    if (ref.type == "aws_iam_openid_connect_provider" && ref.attribute == "arn") {
      if (block.body.Find("arn")) return AttrOrDefer(block.body, "arn", nullptr);
      std::optional<Value> url = AttrOrDefer(block.body, "url", nullptr);
      if (!url || !url->is_string()) return std::nullopt;
      return ProviderArn(address, url->as_string(), ref.loc);
    }
    // `url` is stored as IAM returns it (GetOpenIDConnectProvider: the host
    // and path without `https://`; the AWS provider reads it back from the
    // API and suppresses the difference with the configuration), so
    // `"${aws_iam_openid_connect_provider.x.url}:sub"` is the condition key
    // `token.actions.githubusercontent.com:sub`.
    if (ref.type == "aws_iam_openid_connect_provider" && ref.attribute == "url") {
      std::optional<Value> url = AttrOrDefer(block.body, "url", nullptr);
      if (!url || !url->is_string()) return url;
      std::string text = url->as_string();
      if (text.rfind("https://", 0) == 0) text = text.substr(8);
      return Value::String(text, url->loc());
    }
    if (ref.type == "vault_jwt_auth_backend" && ref.attribute == "path") {
      std::optional<Value> path = AttrOrDefer(block.body, "path", nullptr);
      return path ? *path : Value::String("jwt", block.loc);
    }
    // Any other argument set in the configuration is known at plan time as
    // written (a role's `name`, a pool's `workload_identity_pool_id`). In a
    // block with `count` or `for_each`, `count.index` and `each.*` are
    // unknown: instances may differ.
    if (ref.attribute.empty() || !block.body.Find(ref.attribute)) return std::nullopt;
    return AttrOrDefer(block.body, ref.attribute, nullptr);
  }

  // ---- data "aws_iam_policy_document" ----

  // A block list, `dynamic` blocks of the same type expanded in place.
  struct BlockUse {
    const hcl::Body* body = nullptr;
    const hcl::Bindings* bindings = nullptr;
    SourceLoc loc;
    std::optional<Value> unknown;  // a `dynamic` block whose for_each is unknown
  };

  std::vector<BlockUse> Blocks(const hcl::Body& body, std::string_view type, const hcl::Bindings* b) {
    std::vector<BlockUse> out;
    for (const hcl::Block& block : body.blocks) {
      if (block.type == type) {
        out.push_back({&block.body, b, block.loc, std::nullopt});
        continue;
      }
      if (block.type != "dynamic" || block.labels.size() != 1 || block.labels[0] != type) continue;
      std::vector<const hcl::Block*> content = block.body.BlocksOfType("content");
      if (content.empty()) continue;
      std::string iterator = block.labels[0];
      if (const hcl::Attribute* it = block.body.Find("iterator");
          it && it->expr->kind == hcl::Expr::Kind::kScopeTraversal && it->expr->steps.empty()) {
        iterator = it->expr->name;
      }
      std::optional<Value> each = AttrOrDefer(block.body, "for_each", b);
      if (!each) continue;
      if (each->is_unknown()) {
        out.push_back({nullptr, b, block.loc, Value::Unknown(each->unknown_reason(), block.loc)});
        continue;
      }
      std::vector<std::pair<Value, Value>> elements;
      if (each->is_tuple()) {
        for (const Value& v : each->items()) elements.emplace_back(v, v);  // sets: key is the value
      } else if (each->is_object()) {
        for (const auto& [k, v] : each->fields()) elements.emplace_back(Value::String(k, block.loc), v);
      } else {
        if (deferred_.ok()) {
          deferred_ = Status::Error(block.body.Find("for_each")->expr->loc,
                                    "`for_each` of a dynamic block must be a collection");
        }
        continue;
      }
      for (auto& [key, value] : elements) {
        hcl::Bindings& scope = scopes_.emplace_back(b);
        Value::Fields it;
        it["key"] = key;
        it["value"] = value;
        scope.Set(iterator, Value::Object(std::move(it), block.loc));
        out.push_back({&content[0]->body, &scope, content[0]->loc, std::nullopt});
      }
    }
    return out;
  }

  static void Append(Value::Items& to, const Value& list) {
    if (list.is_tuple()) {
      to.insert(to.end(), list.items().begin(), list.items().end());
    } else {
      to.push_back(list);
    }
  }

  // principals / not_principals blocks -> {"TYPE": [ids...]} or "*".
  std::optional<Value> Principals(const hcl::Body& body, std::string_view type, const hcl::Bindings* b) {
    std::vector<BlockUse> uses = Blocks(body, type, b);
    if (uses.empty()) return std::nullopt;
    std::map<std::string, Value::Items> by_type;
    std::map<std::string, Value> unknown_type;
    std::map<std::string, SourceLoc> type_loc;
    for (const BlockUse& use : uses) {
      if (use.unknown) return *use.unknown;
      std::optional<Value> t = AttrOrDefer(*use.body, "type", use.bindings);
      std::optional<Value> ids = AttrOrDefer(*use.body, "identifiers", use.bindings);
      if (!t || t->is_unknown()) {
        return t ? Value::Unknown(t->unknown_reason(), use.loc)
                 : Value::Unknown("a `principals` block has no `type`", use.loc);
      }
      std::string name = t->is_string() ? t->as_string() : DebugString(*t);
      if (!type_loc.count(name)) type_loc[name] = ids ? ids->loc() : use.loc;
      if (!ids) continue;
      if (ids->is_unknown()) {
        unknown_type.emplace(name, *ids);
        continue;
      }
      Append(by_type[name], *ids);
    }
    // A lone `*` principal is written `"Principal": "*"`.
    if (by_type.size() == 1 && unknown_type.empty() && by_type.begin()->first == "*") {
      const Value::Items& ids = by_type.begin()->second;
      if (ids.size() == 1 && ids[0].is_string() && ids[0].as_string() == "*") return Value::String("*", ids[0].loc());
    }
    Value::Fields fields;
    for (auto& [name, ids] : by_type) fields[name] = Value::Tuple(std::move(ids), type_loc[name]);
    for (auto& [name, v] : unknown_type) fields[name] = v;
    return Value::Object(std::move(fields), uses.front().loc);
  }

  // condition blocks -> {"TEST": {"VARIABLE": [values...]}}.
  std::optional<Value> Conditions(const hcl::Body& body, const hcl::Bindings* b) {
    std::vector<BlockUse> uses = Blocks(body, "condition", b);
    if (uses.empty()) return std::nullopt;
    std::map<std::string, std::map<std::string, Value::Items>> tests;
    std::map<std::string, std::map<std::string, std::optional<Value>>> unknown_values;
    std::map<std::string, SourceLoc> test_loc;
    std::map<std::pair<std::string, std::string>, SourceLoc> values_loc;
    for (const BlockUse& use : uses) {
      if (use.unknown) return *use.unknown;
      std::optional<Value> test = AttrOrDefer(*use.body, "test", use.bindings);
      std::optional<Value> variable = AttrOrDefer(*use.body, "variable", use.bindings);
      std::optional<Value> values = AttrOrDefer(*use.body, "values", use.bindings);
      for (const std::optional<Value>* part : {&test, &variable}) {
        if (!*part) return Value::Unknown("a `condition` block needs `test` and `variable`", use.loc);
        if ((*part)->is_unknown()) return Value::Unknown((*part)->unknown_reason(), use.loc);
      }
      std::string t = test->is_string() ? test->as_string() : DebugString(*test);
      std::string var = variable->is_string() ? variable->as_string() : DebugString(*variable);
      test_loc.emplace(t, use.loc);
      values_loc.emplace(std::make_pair(t, var), values ? values->loc() : use.loc);
      Value::Items& list = tests[t][var];
      if (!values) continue;
      if (values->is_unknown()) {
        unknown_values[t][var] = *values;
        continue;
      }
      Append(list, *values);
    }
    Value::Fields out;
    for (auto& [t, vars] : tests) {
      Value::Fields by_variable;
      for (auto& [var, list] : vars) {
        auto u = unknown_values[t].find(var);
        by_variable[var] = u != unknown_values[t].end() && u->second
                               ? *u->second
                               : Value::Tuple(std::move(list), values_loc[{t, var}]);
      }
      out[t] = Value::Object(std::move(by_variable), test_loc[t]);
    }
    return Value::Object(std::move(out), uses.front().loc);
  }

  Value Statement(const BlockUse& use) {
    const hcl::Body& body = *use.body;
    const hcl::Bindings* b = use.bindings;
    Value::Fields st;
    static const std::pair<const char*, const char*> kLists[] = {
        {"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"},
        {"not_resources", "NotResource"}};
    if (std::optional<Value> sid = AttrOrDefer(body, "sid", b)) st["Sid"] = *sid;
    std::optional<Value> effect = AttrOrDefer(body, "effect", b);
    st["Effect"] = effect ? *effect : Value::String("Allow", use.loc);
    for (const auto& [attr, key] : kLists) {
      if (std::optional<Value> v = AttrOrDefer(body, attr, b)) st[key] = *v;
    }
    if (std::optional<Value> p = Principals(body, "principals", b)) st["Principal"] = *p;
    if (std::optional<Value> p = Principals(body, "not_principals", b)) st["NotPrincipal"] = *p;
    if (std::optional<Value> c = Conditions(body, b)) st["Condition"] = *c;
    return Value::Object(std::move(st), use.loc);
  }

  // The statements of a document given as `.json` text or structure.
  std::optional<Value::Items> StatementsOf(const Value& doc_text, Value* unknown) {
    Value doc = doc_text;
    if (doc_text.encoded_from()) {
      doc = *doc_text.encoded_from();
    } else if (doc_text.is_string()) {
      Json::CharReaderBuilder builder;
      builder["stackLimit"] = hcl::kMaxNesting;
      std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
      Json::Value json;
      std::string errors;
      const std::string& t = doc_text.as_string();
      bool parsed = false;
      try {
        parsed = reader->parse(t.data(), t.data() + t.size(), &json, &errors);
      } catch (const Json::Exception&) {
        // jsoncpp throws, instead of failing, past its stack limit.
        parsed = false;
      }
      if (!parsed) {
        *unknown = Value::Unknown("a source policy document is not valid JSON", doc_text.loc());
        return std::nullopt;
      }
      doc = hcl::DecodeJson(json, doc_text.loc());
    }
    if (doc.is_unknown()) {
      *unknown = doc;
      return std::nullopt;
    }
    const Value* statements = doc.Find("Statement");
    if (!statements) return Value::Items{};
    if (statements->is_unknown()) {
      *unknown = *statements;
      return std::nullopt;
    }
    return statements->is_tuple() ? statements->items() : Value::Items{*statements};
  }

  static std::string SidOf(const Value& statement) {
    const Value* sid = statement.Find("Sid");
    return sid && sid->is_string() ? sid->as_string() : std::string();
  }

  // Statements with a Sid replace earlier ones with the same Sid.
  static void Merge(Value::Items& into, const Value& statement) {
    std::string sid = SidOf(statement);
    if (!sid.empty()) {
      for (Value& existing : into) {
        if (SidOf(existing) == sid) {
          existing = statement;
          return;
        }
      }
    }
    into.push_back(statement);
  }

  Value Document(const hcl::Block& block) {
    const std::string address = Address(block);
    if (auto it = documents_.find(address); it != documents_.end()) return it->second;
    Value doc = BuildDocument(block, address);
    documents_.emplace(address, doc);
    return doc;
  }

  Value BuildDocument(const hcl::Block& block, const std::string& address) {
    const hcl::Body& body = block.body;
    Value::Fields doc;
    std::optional<Value> version = AttrOrDefer(body, "version", nullptr);
    doc["Version"] = version ? *version : Value::String("2012-10-17", block.loc);
    if (std::optional<Value> id = AttrOrDefer(body, "policy_id", nullptr)) doc["Id"] = *id;
    Value::Items statements;
    Value unknown;
    auto add_documents = [&](const char* attr) -> bool {
      std::optional<Value> list = AttrOrDefer(body, attr, nullptr);
      if (!list) return true;
      if (list->is_unknown()) {
        unknown = *list;
        return false;
      }
      Value::Items docs;
      Append(docs, *list);
      for (const Value& d : docs) {
        std::optional<Value::Items> from = StatementsOf(d, &unknown);
        if (!from) return false;
        for (const Value& st : *from) Merge(statements, st);
      }
      return true;
    };
    bool known = add_documents("source_policy_documents") && add_documents("source_json");
    if (known) {
      for (const BlockUse& use : Blocks(body, "statement", nullptr)) {
        if (use.unknown) {
          statements.push_back(*use.unknown);
        } else {
          Merge(statements, Statement(use));
        }
      }
      known = add_documents("override_policy_documents") && add_documents("override_json");
    }
    doc["Statement"] = known ? Value::Tuple(std::move(statements), block.loc)
                             : Value::Unknown(unknown.is_unknown() ? unknown.unknown_reason()
                                                                   : fmt::format("`{}` is unknown", address),
                                              block.loc);
    return Value::Object(std::move(doc), block.loc);
  }

  // ---- resources ----

  Result<std::vector<Instance>> Instances(const hcl::Block& block, const std::string& name) {
    const std::string address = scope_.address_prefix + name;
    std::vector<Instance> out;
    if (const hcl::Attribute* count = block.body.Find("count")) {
      Result<Value> n = eval_->Eval(*count->expr);
      if (!n.ok()) return n.status();
      if (n->is_unknown()) {
        Instance one{address, hcl::Bindings(), {}};
        one.guards.push_back({fmt::format("whether `{}` exists is unknown: {}", address, n->unknown_reason()),
                              count->expr->loc});
        out.push_back(std::move(one));
        return out;
      }
      if (!n->is_number() || n->as_number() < 0 || std::trunc(n->as_number()) != n->as_number()) {
        return Status::Error(count->expr->loc, "`count` must be a whole number");
      }
      const int instances = static_cast<int>(std::min(n->as_number(), 64.0));
      for (int i = 0; i < instances; ++i) {
        Instance inst{fmt::format("{}[{}]", address, i), hcl::Bindings(), {}};
        Value::Fields c;
        c["index"] = Value::Number(i, count->expr->loc);
        inst.bindings.Set("count", Value::Object(std::move(c), count->expr->loc));
        out.push_back(std::move(inst));
      }
      return out;
    }
    if (const hcl::Attribute* for_each = block.body.Find("for_each")) {
      Result<Value> each = eval_->Eval(*for_each->expr);
      if (!each.ok()) return each.status();
      if (each->is_unknown() || !each->wholly_known()) {
        Instance one{address, hcl::Bindings(), {}};
        one.guards.push_back({fmt::format("the instances of `{}` are unknown: {}", address,
                                          each->FirstUnknownReason()),
                              for_each->expr->loc});
        out.push_back(std::move(one));
        return out;
      }
      std::vector<std::pair<std::string, Value>> elements;
      if (each->is_object()) {
        for (const auto& [k, v] : each->fields()) elements.emplace_back(k, v);
      } else if (each->is_tuple()) {
        for (const Value& v : each->items()) {
          if (!v.is_string()) return Status::Error(for_each->expr->loc, "`for_each` needs a map or a set of strings");
          elements.emplace_back(v.as_string(), v);
        }
      } else {
        return Status::Error(for_each->expr->loc, "`for_each` needs a map or a set of strings");
      }
      if (elements.size() > 64) elements.resize(64);
      for (auto& [key, value] : elements) {
        Instance inst{fmt::format("{}[{}]", address, Quoted(key)), hcl::Bindings(), {}};
        Value::Fields e;
        e["key"] = Value::String(key, for_each->expr->loc);
        e["value"] = value;
        inst.bindings.Set("each", Value::Object(std::move(e), for_each->expr->loc));
        out.push_back(std::move(inst));
      }
      return out;
    }
    out.push_back(Instance{address, hcl::Bindings(), {}});
    return out;
  }

  Status Resource(const hcl::Block& block) {
    using Handler = Status (TerraformLoader::*)(const hcl::Block&, const terraform::ResourceSchema&, const Instance&);
    const terraform::ResourceSchema* schema = terraform::FindTrustResource(block.labels[0]);
    if (!schema) return Status();
    Handler handler = nullptr;
    switch (schema->role) {
      case terraform::ResourceRole::kAwsRole: handler = &TerraformLoader::AwsRole; break;
      case terraform::ResourceRole::kAwsOidcProvider: handler = &TerraformLoader::AwsOidcProvider; break;
      case terraform::ResourceRole::kEntraCredential: handler = &TerraformLoader::EntraCredential; break;
      case terraform::ResourceRole::kAzapiResource: handler = &TerraformLoader::AzapiCredential; break;
      case terraform::ResourceRole::kVaultRole: handler = &TerraformLoader::VaultRole; break;
      case terraform::ResourceRole::kVaultBackend: handler = &TerraformLoader::VaultBackend; break;
      case terraform::ResourceRole::kGcpProvider: handler = &TerraformLoader::GcpProvider; break;
      case terraform::ResourceRole::kGcpPool: return Status();  // read by its providers (PoolState)
    }
    Result<std::vector<Instance>> instances = Instances(block, Address(block));
    if (!instances.ok()) return instances.status();
    for (const Instance& inst : *instances) {
      TRUSTCHECK_RETURN_IF_ERROR((this->*handler)(block, *schema, inst));
      if (!deferred_.ok()) return deferred_;
    }
    return Status();
  }

  // Common end of every trust: placeholders back to unknowns, guards, a
  // note per unknown (so lint reports what it could not verify), identity.
  void Finish(Trust trust, const hcl::Block& block, const Instance& inst, const Emitter& emitter,
              std::vector<Hole> guards) {
    ReplaceHoles(&trust, emitter.holes());
    for (const Hole& g : inst.guards) guards.push_back(g);
    for (const Hole& g : scope_.guards) guards.push_back(g);
    Guard(&trust, guards);
    AddUnresolvedNotes(&trust);
    trust.format = kFormatName;
    trust.loc = block.loc;
    trust.facts.labels.emplace_back("address", inst.address);
    trust.context = scope_.context;
    out_->trusts.push_back(std::move(trust));
  }

  // -- AWS

  Status AwsRole(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Body& body = block.body;
    const hcl::Bindings* b = &inst.bindings;
    Result<std::optional<Value>> name = Attr(body, schema.name_argument, b);
    if (!name.ok()) return name.status();
    const hcl::Attribute* policy_attr = body.Find("assume_role_policy");
    if (!policy_attr) {
      return Status::Error(block.loc, fmt::format("`{}` has no `assume_role_policy`", inst.address));
    }
    Result<Value> policy = eval_->Eval(*policy_attr->expr, b);
    if (!policy.ok()) return policy.status();

    aws::TrustPolicyInput input;
    input.format = kFormatName;
    input.name = *name && (*name)->is_string() ? (*name)->as_string() : inst.address;
    Emitter emitter(block.loc);
    Json::Value root;
    std::optional<TextPolicy> text;
    const std::string what = fmt::format("the `assume_role_policy` of `{}`", inst.address);
    if (const Value* structure = policy->encoded_from()) {
      // jsonencode({...}) or a policy document: lower the structure itself.
      emitter.Emit(*structure, &root);
      input.policy = &root;
      input.locator = emitter.locator();
    } else if (policy->is_string() || (policy->is_unknown() && !policy->pieces().empty())) {
      std::string unknown;
      Result<std::optional<TextPolicy>> parsed = TextPolicy::Parse(*policy, what, in_.options().limits, &unknown);
      if (!parsed.ok()) return parsed.status();
      if (*parsed) {
        text = std::move(**parsed);
        input.policy = text->root();
        input.locator = text->locator();
        input.notes = text->TakeNotes();
      } else {
        emitter.Emit(Value::Unknown(unknown, policy->loc()), &root);
        input.policy = &root;
        input.locator = emitter.locator();
      }
    } else if (policy->is_unknown()) {
      emitter.Emit(*policy, &root);
      input.policy = &root;
      input.locator = emitter.locator();
    } else {
      return Status::Error(policy_attr->expr->loc,
                           fmt::format("{} must be a JSON string, not {}", what,
                                       policy->is_object() ? "an object" : policy->is_tuple() ? "a list" : "a scalar"));
    }
    Result<Trust> trust = aws::LowerTrustPolicy(std::move(input));
    if (!trust.ok()) return trust.status();
    if (*name && (*name)->is_string()) trust->facts.labels.emplace_back("role-name", (*name)->as_string());
    Finish(std::move(*trust), block, inst, emitter, {});
    return Status();
  }

  Status AwsOidcProvider(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Bindings* b = &inst.bindings;
    Result<std::optional<Value>> url = Attr(block.body, "url", b);
    if (!url.ok()) return url.status();
    // A provider whose URL is unknown names no issuer.
    if (!*url || !(*url)->is_string()) return Status();
    aws::OidcProvider p;
    p.url = (*url)->as_string();
    p.name = inst.address;
    const hcl::Attribute* ids_attr = block.body.Find("client_id_list");
    p.loc = ids_attr ? ids_attr->loc : block.loc;
    Result<std::optional<Value>> ids = Attr(block.body, "client_id_list", b);
    if (!ids.ok()) return ids.status();
    if (*ids) {
      const Value& list = **ids;
      if (list.is_unknown()) {
        p.unknown_client_ids.push_back(list.unknown_reason());
      } else if (!list.is_tuple()) {
        return Status::Error(ids_attr->expr->loc, "`client_id_list` must be a list");
      } else {
        for (const Value& id : list.items()) {
          if (id.is_string()) {
            p.client_ids.push_back(id.as_string());
          } else if (id.is_unknown()) {
            p.unknown_client_ids.push_back(id.unknown_reason());
          } else {
            return Status::Error(id.loc(), "client IDs must be strings");
          }
        }
      }
    }
    for (const Hole& g : inst.guards) p.unknown_client_ids.push_back(g.reason);
    out_->facts.push_back(aws::ProviderFact(p));
    return Status();
  }

  // -- Entra

  // `unit`: the application or identity the credential belongs to (its
  // access unit for diff), "" when the configuration does not say.
  Status LowerEntra(const hcl::Block& block, const Instance& inst, const Value& credential,
                    const std::string& unit = "") {
    Result<Trust> trust = LowerEntraCredentialValue(credential, block.loc, kFormatName, inst.address);
    if (!trust.ok()) return trust.status();
    if (!unit.empty()) trust->facts.access_unit = unit;
    Finish(std::move(*trust), block, inst, Emitter(block.loc), {});  // its unknowns are already nodes
    return Status();
  }

  // The application or managed identity a credential belongs to (the
  // schema's `parent` arguments): its value, or for a reference known only
  // after apply what it refers to.
  std::string AccessUnit(const hcl::Block& block, const terraform::ResourceSchema& schema, const hcl::Bindings* b) {
    for (const char* attr : schema.parent) {
      Result<std::optional<Value>> v = Attr(block.body, attr, b);
      if (!v.ok() || !*v) continue;
      if ((*v)->is_string()) return (*v)->as_string();
      if ((*v)->is_unknown()) {
        // The reference as written (`${azuread_application.app.id}`).
        std::string written;
        for (const Value::Piece& p : (*v)->pieces()) written += p.known ? p.text : p.written;
        if (!written.empty()) return written;
        // "`azuread_application.app.id` is computed at apply time": the
        // reference it names.
        const std::string& reason = (*v)->unknown_reason();
        size_t close = reason.size() > 1 && reason[0] == '`' ? reason.find('`', 1) : std::string::npos;
        return close == std::string::npos ? reason : reason.substr(1, close - 1);
      }
    }
    return "";
  }

  // The platform's shape of one argument's value (terraform_resources.h).
  static Value Shaped(Value v, terraform::FieldShape shape) {
    switch (shape) {
      case terraform::FieldShape::kSame:
        return v;
      case terraform::FieldShape::kListOfOne: {
        SourceLoc loc = v.loc();
        return Value::Tuple({std::move(v)}, loc);
      }
      case terraform::FieldShape::kExpression: {
        SourceLoc loc = v.loc();
        Value::Fields expression;
        expression["value"] = std::move(v);
        expression["languageVersion"] = Value::Number(1, loc);
        return Value::Object(std::move(expression), loc);
      }
    }
    return v;
  }

  // Copies the schema's arguments of `body` onto `fields`.
  Status CopyFields(const hcl::Body& body, const std::vector<terraform::FieldMapping>& mappings,
                    const hcl::Bindings* b, Value::Fields* fields) {
    for (const terraform::FieldMapping& m : mappings) {
      Result<std::optional<Value>> v = Attr(body, m.argument, b);
      if (!v.ok()) return v.status();
      if (*v) (*fields)[m.field] = Shaped(**v, m.shape);
    }
    return Status();
  }

  Status EntraCredential(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Bindings* b = &inst.bindings;
    Value::Fields fields;
    TRUSTCHECK_RETURN_IF_ERROR(CopyFields(block.body, schema.fields, b, &fields));
    // A name that is not known is no name (the address stands in).
    if (auto it = fields.find("name"); it != fields.end() && !it->second.is_string()) fields.erase(it);
    return LowerEntra(block, inst, Value::Object(std::move(fields), block.loc), AccessUnit(block, schema, b));
  }

  // azapi_resource of type Microsoft.ManagedIdentity/.../federatedIdentityCredentials@VERSION:
  // `body` is the ARM resource ({properties = {issuer, subject, audiences}}).
  Status AzapiCredential(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Bindings* b = &inst.bindings;
    Result<std::optional<Value>> type = Attr(block.body, "type", b);
    if (!type.ok()) return type.status();
    if (!*type || !(*type)->is_string()) return Status();
    if (!StartsWithIgnoringAsciiCase((*type)->as_string(), terraform::kAzapiCredentialType)) return Status();
    Result<std::optional<Value>> body = Attr(block.body, "body", b);
    if (!body.ok()) return body.status();
    if (!*body) return Status::Error(block.loc, fmt::format("`{}` has no `body`", inst.address));
    Value structure = (*body)->encoded_from() ? *(*body)->encoded_from() : **body;
    Value::Fields fields;
    if (structure.is_object()) {
      fields = structure.fields();
    } else {
      fields["properties"] = structure;
    }
    Result<std::optional<Value>> name = Attr(block.body, schema.name_argument, b);
    if (!name.ok()) return name.status();
    if (*name && (*name)->is_string()) fields["name"] = **name;
    return LowerEntra(block, inst, Value::Object(std::move(fields), block.loc), AccessUnit(block, schema, b));
  }

  // -- Vault

  Status VaultRole(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Bindings* b = &inst.bindings;
    Emitter emitter(block.loc);
    std::vector<Hole> guards;
    Value::Fields role;
    bool parse_claims = true;
    Result<std::optional<Value>> no_parsing = Attr(block.body, "disable_bound_claims_parsing", b);
    if (!no_parsing.ok()) return no_parsing.status();
    if (*no_parsing) {
      if ((*no_parsing)->is_unknown()) {
        guards.push_back({(*no_parsing)->unknown_reason(), (*no_parsing)->loc()});
      } else if ((*no_parsing)->is_bool()) {
        parse_claims = !(*no_parsing)->as_bool();
      }
    }
    // Terraform's meta-arguments, on every resource.
    static const std::set<std::string> kMetaArguments = {"count", "for_each", "provider", "depends_on", "lifecycle"};
    for (const hcl::Attribute& a : block.body.attributes) {
      if (kMetaArguments.count(a.name) || terraform::Lists(schema.provider_only, a.name)) continue;
      Result<Value> v = eval_->Eval(*a.expr, b);
      if (!v.ok()) return v.status();
      if (v->is_null()) continue;
      if (!v->wholly_known() && terraform::Lists(schema.undecidable_when_unknown, a.name)) {
        guards.push_back({v->FirstUnknownReason(), a.expr->loc});
        if (a.name == "role_type") role[a.name] = Value::String("jwt", a.expr->loc);
        continue;
      }
      if (a.name == "bound_claims" && v->is_object()) {
        role[a.name] = TerraformBoundClaims(*v, parse_claims);
        continue;
      }
      if ((a.name == "bound_claims" || a.name == "claim_mappings") && v->is_unknown()) {
        // The whole map is unknown: one unknown entry stands for it.
        Value::Fields one;
        one[emitter.NewHole(v->unknown_reason(), v->loc())] = *v;
        role[a.name] = Value::Object(std::move(one), v->loc());
        continue;
      }
      role[a.name] = *v;
    }
    std::string mount;
    Result<std::optional<Value>> backend = Attr(block.body, "backend", b);
    if (!backend.ok()) return backend.status();
    if (!*backend) {
      mount = "jwt";  // the provider's default
    } else if ((*backend)->is_string()) {
      mount = (*backend)->as_string();
      while (!mount.empty() && mount.front() == '/') mount.erase(0, 1);
      while (!mount.empty() && mount.back() == '/') mount.pop_back();
    }
    Result<std::optional<Value>> role_name = Attr(block.body, schema.name_argument, b);
    if (!role_name.ok()) return role_name.status();
    Json::Value root;
    emitter.Emit(Value::Object(std::move(role), block.loc), &root);
    vault::RoleInput input;
    input.role = &root;
    input.locator = emitter.locator();
    input.format = kFormatName;
    input.name = *role_name && (*role_name)->is_string() ? (*role_name)->as_string() : inst.address;
    input.mount = mount;
    Result<Trust> trust = vault::LowerRole(std::move(input));
    if (!trust.ok()) return trust.status();
    Finish(std::move(*trust), block, inst, emitter, std::move(guards));
    return Status();
  }

  // The Vault provider writes each bound claim value as a string; unless
  // `disable_bound_claims_parsing` is set it splits `a, b` into the
  // alternatives `a` and `b` (docs/terraform.md).
  static Value TerraformBoundClaims(const Value& claims, bool parse) {
    Value::Fields out;
    for (const auto& [key, v] : claims.fields()) {
      std::optional<std::string> text;
      if (v.is_string()) text = v.as_string();
      else if (v.is_number()) text = hcl::FormatNumber(v.as_number());
      else if (v.is_bool()) text = v.as_bool() ? "true" : "false";
      if (!text) {
        out[key] = v;  // unknown (the lowering asks the locator) or not a string
        continue;
      }
      auto trim = [](std::string s) {
        size_t b = s.find_first_not_of(" \t\n\r");
        size_t e = s.find_last_not_of(" \t\n\r");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
      };
      if (!parse || text->find(',') == std::string::npos) {
        out[key] = Value::String(trim(*text), v.loc());
        continue;
      }
      Value::Items alternatives;
      size_t pos = 0;
      while (true) {
        size_t comma = text->find(',', pos);
        alternatives.push_back(Value::String(trim(text->substr(pos, comma - pos)), v.loc()));
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      out[key] = Value::Tuple(std::move(alternatives), v.loc());
    }
    return Value::Object(std::move(out), claims.loc());
  }

  Status VaultBackend(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Bindings* b = &inst.bindings;
    Result<std::optional<Value>> type = Attr(block.body, "type", b);
    if (!type.ok()) return type.status();
    if (*type && (*type)->is_string() && (*type)->as_string() != "jwt" && (*type)->as_string() != "oidc") {
      return Status();
    }
    Result<std::optional<Value>> path = Attr(block.body, "path", b);
    if (!path.ok()) return path.status();
    std::string mount = "jwt";
    if (*path && (*path)->is_string()) mount = (*path)->as_string();
    if (*path && !(*path)->is_string()) return Status();  // an unknown mount links to nothing
    Emitter emitter(block.loc);
    Value::Fields config;
    for (const terraform::FieldMapping& m : schema.fields) {
      Result<std::optional<Value>> v = Attr(block.body, m.argument, b);
      if (!v.ok()) return v.status();
      if (!*v) continue;
      // An unknown issuer must not read as "no issuer check": the fact
      // records it as unknown (LoadedFile::Fact::unknown).
      std::string why = (*v)->FirstUnknownReason();
      config[m.field] = (*v)->is_string() ? **v
                                          : Value::Unknown(why.empty() ? fmt::format("`{}` is not a string", m.argument)
                                                                       : why,
                                                           (*v)->loc());
    }
    Json::Value root;
    emitter.Emit(Value::Object(std::move(config), block.loc), &root);
    LoadedFile::Fact fact = vault::ConfigFact(root, *emitter.locator(), mount);
    if (!fact.loc.known()) fact.loc = block.loc;
    out_->facts.push_back(std::move(fact));
    return Status();
  }

  // -- GCP

  // google_iam_workload_identity_pool_provider: the REST resource under its
  // Terraform argument names, lowered by gcp_provider.h. Its `name` (so its
  // default audience) holds the project number, known only after apply.
  Status GcpProvider(const hcl::Block& block, const terraform::ResourceSchema& schema, const Instance& inst) {
    const hcl::Bindings* b = &inst.bindings;
    Value::Fields provider;
    TRUSTCHECK_RETURN_IF_ERROR(CopyFields(block.body, schema.fields, b, &provider));
    if (auto it = provider.find("attributeCondition"); it != provider.end()) it->second = AtText(it->second);
    if (auto it = provider.find("attributeMapping"); it != provider.end() && it->second.is_object()) {
      Value::Fields mapping;
      for (const auto& [key, v] : it->second.fields()) mapping[key] = AtText(v);
      it->second = Value::Object(std::move(mapping), it->second.loc());
    }
    std::vector<BlockUse> oidc = Blocks(block.body, schema.block, b);
    if (!oidc.empty()) {
      if (oidc.front().unknown) {
        provider[schema.block_field] = *oidc.front().unknown;
      } else {
        Value::Fields fields;
        if (Status s = CopyFields(*oidc.front().body, schema.block_fields, oidc.front().bindings, &fields); !s.ok())
          return s;
        provider[schema.block_field] = Value::Object(std::move(fields), oidc.front().loc);
      }
    } else {
      for (const char* other : schema.other_blocks) {
        if (const std::vector<const hcl::Block*> found = block.body.BlocksOfType(other); !found.empty()) {
          provider[other] = Value::Object({}, found.front()->loc);
        }
      }
    }
    Result<std::optional<Value>> project = Attr(block.body, "project", b);
    Result<std::optional<Value>> pool = Attr(block.body, "workload_identity_pool_id", b);
    Result<std::optional<Value>> id = Attr(block.body, schema.name_argument, b);
    for (const auto* r : {&project, &pool, &id}) {
      if (!r->ok()) return r->status();
    }
    // Unknowns about the name are located at `project` (whose number is
    // missing) when it is written.
    const hcl::Attribute* project_attr = block.body.Find("project");
    provider["name"] =
        GcpResourceName(inst.address, *project, *pool, *id, project_attr ? project_attr->expr->loc : block.loc);

    Emitter emitter(block.loc);
    Json::Value root;
    emitter.Emit(Value::Object(std::move(provider), block.loc), &root);
    gcp::ProviderInput input;
    input.provider = &root;
    input.locator = emitter.locator();
    input.format = kFormatName;
    input.fallback_name = *id && (*id)->is_string() ? (*id)->as_string() : inst.address;
    Result<Trust> trust = gcp::LowerProvider(std::move(input));
    if (!trust.ok()) return trust.status();
    trust->facts.labels.emplace_back("location", "global");
    if (*project && (*project)->is_string()) trust->facts.labels.emplace_back("project", (*project)->as_string());
    if (*pool && (*pool)->is_string()) trust->facts.labels.emplace_back("pool", (*pool)->as_string());
    std::vector<Hole> guards;
    TRUSTCHECK_RETURN_IF_ERROR(PoolState(block, b, &*trust, &guards));
    Finish(std::move(*trust), block, inst, emitter, std::move(guards));
    return Status();
  }

  // CEL error positions count from the value's location: start it at the
  // text, not at the quote or the heredoc marker.
  static Value AtText(const Value& v) {
    if (v.is_string() && !v.pieces().empty() && v.pieces().front().known && v.pieces().front().loc.known()) {
      return v.WithLoc(v.pieces().front().loc);
    }
    return v;
  }

  // projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/ID
  // (Terraform's pools are global). `project` is the project ID unless it is
  // all digits; the number is unknown otherwise.
  static Value GcpResourceName(const std::string& address, const std::optional<Value>& project,
                               const std::optional<Value>& pool, const std::optional<Value>& id,
                               const SourceLoc& loc) {
    std::vector<Value::Piece> pieces;
    auto text = [&](std::string t) {
      if (!pieces.empty() && pieces.back().known) {
        pieces.back().text += t;
      } else {
        pieces.push_back({true, std::move(t), loc});
      }
    };
    auto part = [&](const std::optional<Value>& v, const char* attr) {
      if (v && v->is_string()) return text(v->as_string());
      if (v && v->is_unknown() && !v->pieces().empty()) {
        for (const Value::Piece& p : v->pieces()) {
          if (p.known) {
            text(p.text);
          } else {
            pieces.push_back(p);
          }
        }
        return;
      }
      std::string reason = v ? v->FirstUnknownReason() : fmt::format("`{}` has no `{}`", address, attr);
      if (reason.empty()) reason = fmt::format("the `{}` of `{}` is not a string", attr, address);
      pieces.push_back({false, std::move(reason), v ? v->loc() : loc, fmt::format("${{{}}}", attr)});
    };
    text("projects/");
    const std::string* digits = project && project->is_string() ? &project->as_string() : nullptr;
    if (digits && !digits->empty() &&
        std::all_of(digits->begin(), digits->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      text(*digits);
    } else {
      pieces.push_back({false, fmt::format("the project number of `{}` is known only after apply", address), loc,
                        "${project_number}"});
    }
    text("/locations/global/workloadIdentityPools/");
    part(pool, "workload_identity_pool_id");
    text("/providers/");
    part(id, "workload_identity_pool_provider_id");
    for (const Value::Piece& p : pieces) {
      if (!p.known) return Value::Unknown(p.text, loc).WithPieces(std::move(pieces));
    }
    return Value::String(pieces.front().text, loc);
  }

  // A disabled pool exchanges no token ("You cannot use a disabled pool to
  // exchange tokens"): when the provider names a pool of this module by
  // reference, the pool's `disabled` is part of the trust.
  Status PoolState(const hcl::Block& block, const hcl::Bindings* b, Trust* trust, std::vector<Hole>* guards) {
    const hcl::Attribute* ref = block.body.Find("workload_identity_pool_id");
    if (!ref || ref->expr->kind != hcl::Expr::Kind::kScopeTraversal ||
        ref->expr->name != "google_iam_workload_identity_pool" || ref->expr->steps.size() != 2 ||
        ref->expr->steps[0].kind != hcl::Step::Kind::kAttr) {
      return Status();
    }
    auto it = resources_->find("google_iam_workload_identity_pool." + ref->expr->steps[0].name);
    if (it == resources_->end()) return Status();
    const hcl::Block& pool = *it->second;
    Result<std::optional<Value>> disabled = Attr(pool.body, "disabled", nullptr);
    if (!disabled.ok()) return disabled.status();
    if (!*disabled) return Status();
    const Value& v = **disabled;
    if (v.is_unknown()) {
      guards->push_back({fmt::format("whether pool `{}` is disabled is unknown: {}", Address(pool), v.unknown_reason()),
                         v.loc()});
    } else if (v.is_bool() && v.as_bool()) {
      for (trustcheck::Statement& s : trust->statements) {
        s.when = Node::And({std::move(s.when), Node::Const(false, fmt::format("pool `{}` is disabled", Address(pool)),
                                                            v.loc())},
                           s.loc);
      }
    }
    return Status();
  }

  const InputFile& in_;
  LoadedFile* out_;
  CallScope scope_;
  std::shared_ptr<const TerraformFolder> folder_;
  std::shared_ptr<TerraformFolders> own_folders_;  // when the load has no session
  std::map<std::string, std::unique_ptr<TerraformLoader>> outputs_from_;  // called modules, for their outputs
  std::unique_ptr<hcl::Module> private_module_;  // when this text is not the folder's copy
  ResourceIndex private_resources_;
  const hcl::Module* module_ = nullptr;
  const hcl::File* own_ = nullptr;
  std::string module_dir_;
  std::map<std::string, Value, std::less<>> tfvars_;
  std::unique_ptr<hcl::Evaluator> eval_;
  const ResourceIndex* resources_ = nullptr;
  std::map<std::string, Value> documents_;
  std::set<std::string> resolving_;
  std::deque<hcl::Bindings> scopes_;  // iterators of dynamic blocks (stable addresses)
  Status deferred_;
};

class Terraform : public Format {
 public:
  const char* name() const override { return kFormatName; }
  int Detect(const InputFile& in) const override { return in.extension() == ".tf" ? 90 : 0; }
  Status Load(const InputFile& in, LoadedFile* out) const override { return TerraformLoader(in, out).Load(); }
};

}  // namespace

const Format* TerraformFormat() {
  static const Terraform kFormat;
  return &kFormat;
}

}  // namespace trustcheck
