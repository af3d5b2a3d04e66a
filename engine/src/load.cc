// From paths to trusts: read, detect the format, lower, link.

#include "trustcheck/load.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "formats/aws_oidc_provider.h"
#include "formats/format.h"
#include "formats/template_json.h"
#include "formats/terraform_folder.h"
#include "formats/vault_role.h"
#include "trustcheck/parallel.h"
#include "trustcheck/read.h"
#include "text/ascii.h"

namespace trustcheck {

namespace fs = std::filesystem;

const char* FactKindName(LoadedFile::Fact::Kind kind) {
  switch (kind) {
    case LoadedFile::Fact::Kind::kAwsOidcProvider: return "aws-oidc-provider";
    case LoadedFile::Fact::Kind::kVaultJwtConfig: return "vault-jwt-config";
    case LoadedFile::Fact::Kind::kModuleCall: return "module-call";
  }
  return "?";
}

namespace {

const std::string* Find(const std::vector<std::pair<std::string, std::string>>& pairs, std::string_view name) {
  for (const auto& [k, v] : pairs)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace

const std::string* LoadedFile::Fact::Value(std::string_view name) const { return Find(values, name); }
const std::string* LoadedFile::Fact::UnknownReason(std::string_view name) const { return Find(unknown, name); }

const Json::Value* InputFile::json() const {
  if (!json_done_) {
    json_done_ = true;
    if (LooksLikeJson(source_.text())) {
      JsonLimits limits;
      limits.max_depth = options_.limits.max_depth;
      limits.max_string_bytes = options_.limits.max_string_bytes;
      auto v = ParseJson(source_, limits);
      if (v.ok()) json_ = std::move(*v);
      else json_error_ = v.status();
    }
  }
  return json_ ? &*json_ : nullptr;
}

const Status& InputFile::json_error() const {
  json();
  return json_error_;
}

namespace {

// yaml-cpp recurses per nesting level (and gives up at 500 with "bad
// file"); refuse deeper flow collections up front with a location. Returns
// the offset of the first `[` or `{` too deep, or npos. Quoted text is skipped
// roughly; yaml-cpp's own guard catches what this misses.
size_t YamlTooDeep(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_single = false, in_double = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_single) { in_single = c != '\''; continue; }
    if (in_double) { in_double = c != '"'; continue; }
    if (c == '\'') in_single = true;
    else if (c == '"') in_double = true;
    else if ((c == '[' || c == '{') && ++depth > max_depth) return i;
    else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return std::string::npos;
}

// An upper bound on the nodes yaml-cpp would build: every node starts after
// a line break or one of these indicators. yaml-cpp 0.7 holds about half a
// kilobyte per node (more inside flow collections) and takes microseconds
// each, so the bound is checked before parsing. Quotes are not tracked on
// purpose: an apostrophe in a plain scalar would hide the rest of the file.
size_t YamlNodeBound(const std::string& text) {
  size_t bound = 1;
  for (char c : text)
    bound += c == '\n' || c == ',' || c == ':' || c == '-' || c == '?' || c == '[' || c == '{';
  return bound;
}

// Walks the YAML events without building nodes, to catch the input that
// makes YAML::LoadAll loop: in yaml-cpp 0.7 a `,` where a document's root
// node would start (`,`, `"a", "b"`, `[a],`) is a flow-entry token outside
// any flow collection; SingleDocParser::HandleNode reports a null node
// without consuming it, so LoadAll appends empty documents forever (about
// 8 GB in seconds). Two documents starting at the same offset mean the
// parser made no progress: that is refused at the offending character.
struct YamlNoProgress {
  YAML::Mark mark;
};

class YamlProgressCheck : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (mark.pos == last_document_start_) throw YamlNoProgress{mark};
    last_document_start_ = mark.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  int last_document_start_ = -1;
};

SourceLoc MarkLoc(const SourceText& source, const YAML::Mark& mark) {
  return source.LocAtLine(static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1));
}

// What to say about the character where the parser made no progress.
std::string NoProgressMessage(const std::string& text, int pos) {
  if (pos >= 0 && static_cast<size_t>(pos) < text.size()) {
    char c = text[static_cast<size_t>(pos)];
    if (c == ',') return "invalid YAML: `,` outside a flow sequence or map";
    if (c >= 0x21 && c < 0x7f) return fmt::format("invalid YAML: unexpected `{}`", c);
  }
  return "invalid YAML: the parser cannot continue here";
}

Status CheckYamlProgress(const SourceText& source) {
  std::istringstream stream(source.text());
  YAML::Parser parser(stream);
  YamlProgressCheck check;
  try {
    while (parser.HandleNextDocument(check)) {
    }
  } catch (const YamlNoProgress& stuck) {
    return Status::Error(MarkLoc(source, stuck.mark), NoProgressMessage(source.text(), stuck.mark.pos));
  } catch (const YAML::DeepRecursion& e) {
    // Block nesting (indentation, `- - -`) past yaml-cpp's own guard.
    return Status::Error(ErrorCode::kTooLarge, MarkLoc(source, e.mark), "invalid YAML: nesting is deeper than yaml-cpp can read");
  } catch (const YAML::Exception& e) {
    return Status::Error(MarkLoc(source, e.mark), "invalid YAML: " + e.msg);
  }
  return Status();
}

}  // namespace

const std::vector<YAML::Node>* InputFile::yaml() const {
  if (!yaml_done_) {
    yaml_done_ = true;
    const std::string& text = source_.text();
    if (size_t deep = YamlTooDeep(text, options_.limits.max_depth); deep != std::string::npos) {
      yaml_error_ = Status::Error(ErrorCode::kTooLarge, source_.LocAt(deep), fmt::format("invalid YAML: nesting is deeper than the limit of {} levels",
                                                                   options_.limits.max_depth));
      return nullptr;
    }
    if (YamlNodeBound(text) > options_.limits.max_yaml_nodes) {
      yaml_error_ = Status::Error(
          source_.FileLoc(),
          fmt::format("YAML file may hold more than the limit of {} nodes (counting line breaks and `,:-?[{{`)",
                      options_.limits.max_yaml_nodes));
      return nullptr;
    }
    yaml_error_ = CheckYamlProgress(source_);
    if (!yaml_error_.ok()) return nullptr;
    try {
      yaml_ = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
      yaml_error_ = Status::Error(MarkLoc(source_, e.mark), "invalid YAML: " + e.msg);
    } catch (const std::exception& e) {
      yaml_error_ = Status::Error(source_.FileLoc(), std::string("invalid YAML: ") + e.what());
    }
  }
  return yaml_ ? &*yaml_ : nullptr;
}

const Status& InputFile::yaml_error() const {
  yaml();
  return yaml_error_;
}

namespace {

// Where a path's extension starts, by std::filesystem::path's rules (the
// last `.` of the file name, unless the name is `.`, `..` or starts with its
// only dot), without building a path: detection asks every file. Returns
// {start of the file name, start of the extension or the path's end}.
std::pair<size_t, size_t> FileNameSplit(std::string_view path) {
  size_t name = path.rfind('/');
  name = name == std::string_view::npos ? 0 : name + 1;
  std::string_view file = path.substr(name);
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || file == "..") return {name, path.size()};
  return {name, name + dot};
}

std::string LowerExtension(std::string_view path) {
  return AsciiLower(path.substr(FileNameSplit(path).second));
}

}  // namespace

std::string InputFile::extension() const { return LowerExtension(*source_.path()); }

std::string InputFile::stem() const {
  const std::string& path = *source_.path();
  auto [name, ext] = FileNameSplit(path);
  return path.substr(name, ext - name);
}

std::vector<std::string> FormatNames() {
  std::vector<std::string> names;
  for (const Format* f : AllFormats()) names.emplace_back(f->name());
  return names;
}

namespace {

Status FirstMalformed(const LoadedFile& file) {
  for (const Trust& t : file.trusts)
    for (const LoweringNote& n : t.notes)
      if (n.kind == LoweringNote::Kind::kMalformed) return Status::Error(n.loc, n.message);
  return Status();
}

// The statement and value limits on what a format lowered, so every format
// shares them (the AWS lowering also checks them before it starts).
// `total` counts the values of every test seen so far in the trust.
Status CheckNodeSizes(const Node& node, const LoadLimits& limits, size_t* total) {
  if (node.test) {
    *total += node.test->operands.size();
    if (node.test->operands.size() > limits.max_values)
      return Status::Error(ErrorCode::kTooLarge, node.loc, fmt::format("{} `{}` holds {} values, more than the limit of {}",
                                                 node.test->what.empty() ? "condition" : node.test->what,
                                                 node.test->op_display, node.test->operands.size(), limits.max_values));
  }
  for (const Node& child : node.children)
    TRUSTCHECK_RETURN_IF_ERROR(CheckNodeSizes(child, limits, total));
  return Status();
}

Status CheckTrustSizes(const LoadedFile& file, const LoadLimits& limits) {
  for (const Trust& t : file.trusts) {
    if (t.statements.size() > limits.max_statements)
      return Status::Error(ErrorCode::kTooLarge, t.loc, fmt::format("trust holds {} statements, more than the limit of {}",
                                              t.statements.size(), limits.max_statements));
    size_t total = 0;
    for (const Statement& st : t.statements)
      TRUSTCHECK_RETURN_IF_ERROR(CheckNodeSizes(st.when, limits, &total));
    if (total > limits.max_values)
      return Status::Error(ErrorCode::kTooLarge, t.loc, fmt::format("trust holds {} values in its conditions, more than the limit of {}",
                                              total, limits.max_values));
  }
  return Status();
}

// Why a file that is not any known format was refused, as precisely as we can.
Status NotATrust(const InputFile& in) {
  if (!in.json_error().ok()) return in.json_error();
  if (in.json()) return Status::Error(ErrorCode::kUnsupported, in.source().FileLoc(), "JSON does not match any known trust format");
  // Text that is not even YAML: say where it stops being YAML.
  if (!in.yaml_error().ok()) return in.yaml_error();
  return Status::Error(ErrorCode::kUnsupported, in.source().FileLoc(), "not a trust in any known format");
}


// The JSON-template reading of a template file (by extension: `.tpl`,
// `.json.tpl`, `.j2`, ...). A `.json` file with interpolations stays invalid
// JSON: it names itself JSON, and an error is the loud answer.
std::optional<JsonTemplate> JsonTemplateOf(const SourceText& source, const std::string& path) {
  std::string_view text = source.text();
  if (!IsTemplateExtension(LowerExtension(path)) || !LooksLikeJson(text)) return std::nullopt;
  bool marked = text.find("${") != std::string_view::npos || text.find("{{") != std::string_view::npos ||
                text.find("%{") != std::string_view::npos || text.find("{%") != std::string_view::npos;
  if (!marked) return std::nullopt;
  return RewriteJsonTemplate(text, true);
}

}  // namespace

LoadSession::LoadSession(const LoadLimits& limits) : terraform(std::make_unique<TerraformFolders>(limits)) {}
LoadSession::~LoadSession() = default;

namespace {

Result<LoadedFile> LoadTextIn(const std::string& path, std::string text, const LoadOptions& options,
                              bool explicit_path, LoadSession* session);

}  // namespace

Result<LoadedFile> LoadText(const std::string& path, std::string text, const LoadOptions& options,
                            bool explicit_path) {
  return LoadTextIn(path, std::move(text), options, explicit_path, nullptr);
}

namespace {

// Runs one format's loader. The loaders read jsoncpp and yaml-cpp trees
// whose accessors throw on a type they did not expect; such a throw is a bug
// in the loader, but it must end as a located error on this file (exit 2),
// never as a crash of a sweep over thousands.
// Debug, sanitizer and fuzzing builds: a lowering that breaks the AST's
// shape stops the program where it happened (trustcheck/ast.h).
void CheckInvariants(const LoadedFile& file) {
#ifdef TRUSTCHECK_CHECK_INVARIANTS
  for (const Trust& t : file.trusts) {
    std::string violation = FindInvariantViolation(t);
    if (violation.empty()) continue;
    std::fprintf(stderr, "trustcheck: internal error: %s: trust `%s` (%s) breaks the AST's shape: %s\n",
                 file.path.c_str(), t.name.c_str(), file.format.c_str(), violation.c_str());
    std::abort();
  }
#else
  (void)file;
#endif
}

Status LoadCatching(const Format& format, const InputFile& in, LoadedFile* out) {
  try {
    return format.Load(in, out);
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kInternal, in.source().FileLoc(),
                         fmt::format("internal error while reading this file as `{}`: {}", format.name(), e.what()));
  }
}

// The format `--type` names, else the one whose Detect scores the file
// highest; null when none recognises it.
Result<const Format*> ChooseFormat(const InputFile& in, const LoadOptions& options) {
  const Format* chosen = nullptr;
  if (!options.forced_format.empty()) {
    for (const Format* f : AllFormats())
      if (options.forced_format == f->name()) chosen = f;
    if (!chosen) return Status::Error(ErrorCode::kUnsupported, {}, fmt::format("unknown format `{}`", options.forced_format));
    return chosen;
  }
  int best = 0;
  for (const Format* f : AllFormats()) {
    int score = f->Detect(in);
    if (score > best) best = score, chosen = f;
  }
  return chosen;
}

Result<LoadedFile> LoadTextIn(const std::string& path, std::string text, const LoadOptions& options,
                              bool explicit_path, LoadSession* session) {
  SourceText source(path, std::move(text));
  // Equal tests share one object: the caller's pool, the load's, or one for
  // this file (the roles of a dump share their principal and action tests).
  std::optional<TestPool> own_pool;
  TestPool* pool = options.test_pool ? options.test_pool : session ? &session->tests : &own_pool.emplace();
  TestPool::Scope pooled(pool);
  LoadedFile out;
  out.path = path;
  if (source.text().size() > options.limits.max_file_bytes)
    return Status::Error(ErrorCode::kTooLarge, source.FileLoc(), fmt::format("file is larger than the limit of {} bytes",
                                                       options.limits.max_file_bytes));
  TRUSTCHECK_RETURN_IF_ERROR(ValidateUtf8(source));
  // A JSON template (`.json.tpl`, or interpolations where values go) is read
  // as JSON with its interpolations as unknowns (formats/template_json.h).
  std::optional<SourceText> rewritten;
  if (auto t = JsonTemplateOf(source, path); t.has_value()) {
    if (!t->directive.empty())
      return Status::Error(source.LocAt(t->directive_offset),
                           fmt::format("template directive `{}` shapes the document when it is rendered; "
                                       "trustcheck reads a template through the Terraform `templatefile` call "
                                       "that renders it, or a rendered copy",
                                       t->directive));
    rewritten.emplace(path, std::move(t->text), std::move(t->shifts));
  }
  InputFile in(rewritten ? *rewritten : source, options);
  in.explicit_path = explicit_path;
  in.session = session;
  TRUSTCHECK_ASSIGN_OR_RETURN(const Format* chosen, ChooseFormat(in, options));
  if (!chosen) {
    if (!explicit_path && in.json_error().ok()) return out;  // not a trust: skipped by the caller
    return NotATrust(in);
  }
  out.format = chosen->name();
  TRUSTCHECK_RETURN_IF_ERROR(LoadCatching(*chosen, in, &out));
  CheckInvariants(out);
  TRUSTCHECK_RETURN_IF_ERROR(CheckTrustSizes(out, options.limits));
  if (options.malformed_is_error) {
    TRUSTCHECK_RETURN_IF_ERROR(FirstMalformed(out));
  }
  return out;
}

// How a folder search treats a file, by its extension.
enum class FolderRead {
  kRead,     // a trust format's extension: read, and a parse error is an error
  kProbe,    // could hold a trust (templates, text): read, kept when a format recognises it
  kNotRead,  // anything else
};

FolderRead FolderReadOf(const fs::path& p) {
  static const char* kTrust[] = {".json", ".yaml", ".yml", ".tf", ".template", ".jwt", ".bicep", ".bicepparam"};
  static const char* kProbe[] = {".tpl", ".tmpl", ".j2", ".jinja", ".jinja2", ".txt", ""};
  const std::string ext = LowerExtension(p.native());
  if (std::find(std::begin(kTrust), std::end(kTrust), ext) != std::end(kTrust)) return FolderRead::kRead;
  if (std::find(std::begin(kProbe), std::end(kProbe), ext) != std::end(kProbe)) return FolderRead::kProbe;
  return FolderRead::kNotRead;
}

bool SkippedFolder(const fs::path& p) {
  const std::string name = p.filename().string();
  return name == ".git" || name == ".terraform" || name == "node_modules";
}

// Words that make a probed file that failed to parse worth an error rather
// than a skip: it was meant to be a trust.
bool MentionsTrust(std::string_view text) {
  static const std::string_view kMarkers[] = {"AssumeRoleWithWebIdentity", "\"Federated\"", "\"Statement\"",
                                              "federatedIdentityCredentials", "bound_claims",
                                              "bound_audiences", "attribute_condition",
                                              "attributeCondition", "claimsMatchingExpression"};
  return std::any_of(std::begin(kMarkers), std::end(kMarkers),
                     [&](std::string_view m) { return text.find(m) != std::string_view::npos; });
}

}  // namespace

Result<std::string> ReadFileBounded(const std::string& path, size_t limit) {
  return ReadBounded(path, ReadOptions{limit, "file", false});
}

namespace {

struct Job {
  std::string path;
  bool explicit_path;
  bool probe = false;  // FolderRead::kProbe
};

// One loaded job: a file, an error, or a skip with its reason.
struct JobResult {
  std::optional<Result<LoadedFile>> loaded;
  std::string skipped;  // the reason, when skipped
};

JobResult LoadJob(const Job& job, const LoadOptions& options, LoadSession* session);

// Small loads stay on this thread, where starting threads costs more than it
// saves: fewer than 64 files holding less than 4 MiB together (a few account
// dumps of thousands of roles each are worth the threads).
bool WorthThreads(const std::vector<Job>& jobs) {
  constexpr size_t kManyFiles = 64;
  constexpr uintmax_t kManyBytes = 4u << 20;
  if (jobs.size() >= kManyFiles) return true;
  if (jobs.size() < 2) return false;
  uintmax_t bytes = 0;
  for (const Job& job : jobs) {
    std::error_code ec;
    uintmax_t size = fs::file_size(job.path, ec);
    if (!ec) bytes += size;
  }
  return bytes >= kManyBytes;
}

// Every job, on `threads` threads, reporting progress as files finish.
void RunJobs(const std::vector<Job>& jobs, size_t threads, const LoadOptions& options, LoadSession* session,
             std::vector<JobResult>* results) {
  std::atomic<size_t> done{0};
  ParallelFor(jobs.size(), threads, [&](size_t i) {
    (*results)[i] = LoadJob(jobs[i], options, session);
    size_t now_done = done.fetch_add(1, std::memory_order_relaxed) + 1;
    if (options.progress) options.progress(now_done, jobs.size());
  });
}

JobResult LoadJob(const Job& job, const LoadOptions& options, LoadSession* session) {
  JobResult r;
  // A path named on the command line may be a stream (`<(...)`, a device);
  // one found in a folder must be a regular file.
  auto text = ReadBounded(job.path, ReadOptions{options.limits.max_file_bytes, "file", job.explicit_path && !job.probe});
  if (!text.ok()) {
    if (job.probe) r.skipped = "not read: " + text.status().message();
    else r.loaded.emplace(text.status());
    return r;
  }
  if (job.probe && text->find('\0') != std::string::npos) {
    r.skipped = "binary";
    return r;
  }
  // A template whose directives shape the document cannot be read alone: in
  // a folder it is judged where Terraform renders it (templatefile).
  if (job.probe && IsTemplateExtension(LowerExtension(job.path))) {
    if (auto t = RewriteJsonTemplate(*text, true); t && !t->directive.empty()) {
      r.skipped = fmt::format("a template with directives (`{}`): judged where a Terraform `templatefile` call "
                              "renders it",
                              t->directive);
      return r;
    }
  }
  bool marked = job.probe && MentionsTrust(*text);
  auto loaded = LoadTextIn(job.path, std::move(*text), options, job.explicit_path, session);
  if (job.probe && !loaded.ok() && !marked) {
    r.skipped = "no trust in it (" + loaded.status().message() + ")";
    return r;
  }
  if (loaded.ok() && loaded->format.empty()) {
    r.skipped = "no trust in it";
    return r;
  }
  r.loaded.emplace(std::move(loaded));
  return r;
}

// A Terraform folder (or Bicep file) that a loaded configuration calls as a
// module is no root module: its trusts were lowered through the call, with
// the call's arguments. Read on its own, every variable is unknown; those trusts (and
// notes, and facts) are dropped so the module is judged once, as used.
void DropCalledModules(std::vector<LoadedFile>* files) {
  std::set<std::string> called;
  for (const LoadedFile& f : *files)
    for (const LoadedFile::Fact& fact : f.facts)
      if (fact.kind == kModuleCallFact) called.insert(fact.key);
  if (called.empty()) return;
  for (LoadedFile& f : *files) {
    const bool is_called = f.format == "terraform"
                               ? called.count(NormalFolder(fs::path(f.path).parent_path().string())) > 0
                               : f.format == "bicep" && called.count(NormalFolder(f.path)) > 0;
    if (!is_called) continue;
    f.trusts.clear();
    f.notes.clear();
    f.facts.erase(std::remove_if(f.facts.begin(), f.facts.end(),
                                 [](const LoadedFile::Fact& fact) { return fact.kind != kModuleCallFact; }),
                  f.facts.end());
  }
}

// The link step (load.h): facts one file contributes apply to the trusts of
// the others. A Vault auth config gives the Vault roles their bound_issuer.
void LinkFacts(std::vector<LoadedFile>* files) {
  std::vector<const LoadedFile::Fact*> vault_configs;
  for (const LoadedFile& f : *files)
    for (const LoadedFile::Fact& fact : f.facts)
      if (fact.kind == vault::kConfigFactKind) vault_configs.push_back(&fact);
  for (LoadedFile& f : *files)
    for (Trust& t : f.trusts)
      if (t.platform == Platform::kVault) vault::LinkAuthConfig(vault_configs, &t);
  DropCalledModules(files);
}

}  // namespace

Result<LoadResult> LoadPaths(const std::vector<std::string>& paths, const LoadOptions& options) {
  std::vector<Job> jobs;
  std::vector<SkippedFile> not_searched;
  for (const std::string& p : paths) {
    std::error_code ec;
    auto loc = SourceLoc::File(p);
    if (fs::is_directory(p, ec)) {
      std::vector<Job> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && SkippedFolder(it->path())) {
          not_searched.push_back({it->path().string(), "folder not searched"});
          it.disable_recursion_pending();
          continue;
        }
        if (!it->is_regular_file(ec)) continue;
        switch (FolderReadOf(it->path())) {
          case FolderRead::kRead: found.push_back({it->path().string(), false}); break;
          case FolderRead::kProbe: found.push_back({it->path().string(), false, true}); break;
          case FolderRead::kNotRead:
            not_searched.push_back(
                {it->path().string(), fmt::format("`{}` files are not read", LowerExtension(it->path().native()))});
            break;
        }
      }
      if (ec) return Status::Error(ErrorCode::kUnreadable, loc, fmt::format("cannot read folder: {}", ec.message()));
      std::sort(found.begin(), found.end(), [](const Job& a, const Job& b) { return a.path < b.path; });
      for (auto& f : found) jobs.push_back(std::move(f));
    } else if (fs::exists(p, ec)) {
      jobs.push_back({p, true});
    } else {
      return Status::Error(ErrorCode::kUnreadable, loc, "no such file or folder");
    }
    if (jobs.size() > options.limits.max_files)
      return Status::Error(ErrorCode::kTooLarge, loc, fmt::format("more than {} files to load", options.limits.max_files));
  }
  std::vector<JobResult> results(jobs.size());
  const size_t threads = WorthThreads(jobs) ? ThreadCount(options.threads) : 1;
  LoadSession session(options.limits);
  RunJobs(jobs, threads, options, &session, &results);
  LoadResult out;
  out.skipped_files = std::move(not_searched);
  for (size_t i = 0; i < results.size(); ++i) {
    JobResult& r = results[i];
    if (!r.loaded) {
      out.skipped_files.push_back({jobs[i].path, std::move(r.skipped)});
    } else if (!r.loaded->ok()) {
      out.errors.push_back(r.loaded->status());
    } else {
      out.files.push_back(std::move(r.loaded->value()));
    }
  }
  std::sort(out.skipped_files.begin(), out.skipped_files.end(),
            [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
  out.skipped = out.skipped_files.size();
  // The link step for AWS OIDC provider definitions (their client-ID lists).
  aws::LinkOidcProviders(&out.files);
  LinkFacts(&out.files);
  return out;
}

}  // namespace trustcheck
