// `.gitlab-ci.yml` -> CiJob: jobs with `id_tokens`, the pipelines they run in
// (from `rules`, `only`/`except` and `workflow:rules`), and the trusts their
// scripts name.
//
// Facts (docs.gitlab.com, read 2026-12-07): "OpenID Connect (OIDC)
// Authentication Using ID Tokens" (the `id_tokens` keyword, `aud` a string
// or a list; claims), "CI/CD YAML syntax reference" (`include:local`,
// `extends`, `default:id_tokens`, `rules:if`, `only`/`except` keywords
// `branches`, `tags`, `merge_requests`, `schedules`, `web`, `api`,
// `triggers`, `/regex/`), "Merge request pipelines" (a job without rules
// runs in branch and tag pipelines; merge request pipelines run the jobs
// whose rules ask for them, or every job when `workflow:rules` creates them;
// they run the source branch's code, from forks too).

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "ci/ci_yaml.h"
#include "ci/expressions.h"
#include "ci/readers.h"

namespace trustcheck::ci {

namespace {

using Kind = CiTrigger::RefKind;

constexpr const char* kMergeRequestRisk =
    "runs the code of a merge request before anyone reviews it (a fork's too, when run in this project)";
constexpr const char* kWebRisk = "can be started on any branch by anyone allowed to run pipelines";

const std::set<std::string>& Reserved() {
  static const std::set<std::string> kKeys = {"default", "include", "stages", "variables", "workflow", "image",
                                              "services", "cache", "before_script", "after_script", "types",
                                              "spec"};
  return kKeys;
}

// Deep merge: `over`'s members win, maps merge.
void MergeInto(Json::Value* base, const Json::Value& over) {
  if (!base->isObject() || !over.isObject()) {
    *base = over;
    return;
  }
  for (const std::string& k : over.getMemberNames()) {
    if ((*base)[k].isObject() && over[k].isObject()) MergeInto(&(*base)[k], over[k]);
    else (*base)[k] = over[k];
  }
}

struct Pipeline {
  std::vector<std::unique_ptr<CiDocument>> docs;  // the main file and its includes, owners of the trees
  Json::Value merged{Json::objectValue};            // includes first, then the main file over them
  std::map<std::string, const CiDocument*> key_doc; // which file a top-level key came from
  std::vector<std::string> notes;
  std::string base;  // the folder of the main file: include paths are relative to it
};

Status ReadIncludes(const Json::Value& root, const CiRepository& repo, const LoadLimits& limits,
                    const ReadRepoFile& read, Pipeline* p, int depth);

Status AddFile(std::unique_ptr<CiDocument> doc, const CiRepository& repo, const LoadLimits& limits,
               const ReadRepoFile& read, Pipeline* p, int depth) {
  const Json::Value& root = doc->root();
  if (const Json::Value* include = Member(root, "include")) {
    TRUSTCHECK_RETURN_IF_ERROR(ReadIncludes(*include, repo, limits, read, p, depth + 1));
  }
  for (const std::string& k : root.getMemberNames()) {
    if (k == "include") continue;
    if (p->merged[k].isObject() && root[k].isObject()) MergeInto(&p->merged[k], root[k]);
    else p->merged[k] = root[k];
    p->key_doc[k] = doc.get();
  }
  p->docs.push_back(std::move(doc));
  return Status();
}

Status ReadIncludes(const Json::Value& include, const CiRepository& repo, const LoadLimits& limits,
                    const ReadRepoFile& read, Pipeline* p, int depth) {
  std::vector<const Json::Value*> entries;
  if (include.isArray()) {
    for (const Json::Value& e : include) entries.push_back(&e);
  } else {
    entries.push_back(&include);
  }
  for (const Json::Value* e : entries) {
    std::string local;
    if (e->isString()) {
      local = e->asString();
      if (local.rfind("http://", 0) == 0 || local.rfind("https://", 0) == 0) local.clear();
    } else if (const Json::Value* l = Member(*e, "local")) {
      local = ScalarText(*l);
    }
    if (local.empty() || local.find('*') != std::string::npos || local.find('$') != std::string::npos) {
      p->notes.push_back("an `include` that is not a local file was not read");
      continue;
    }
    if (depth > 8 || p->docs.size() > 100) {
      p->notes.push_back(fmt::format("include `{}` is nested too deep and was not read", local));
      continue;
    }
    std::string relative = local[0] == '/' ? local.substr(1) : local;
    auto text = read(relative);
    if (!text.ok()) {
      p->notes.push_back(fmt::format("include `{}` could not be read", local));
      continue;
    }
    std::string shown = p->base.empty() ? relative : p->base + "/" + relative;
    TRUSTCHECK_ASSIGN_OR_RETURN(auto doc, ParseCiYaml(shown, std::move(*text), limits));
    TRUSTCHECK_RETURN_IF_ERROR(AddFile(std::move(doc), repo, limits, read, p, depth));
  }
  return Status();
}

// `extends` resolved (depth-limited), later entries and the job itself winning.
Json::Value Resolve(const Json::Value& all, const Json::Value& job, int depth) {
  const Json::Value* extends = Member(job, "extends");
  if (!extends || depth > 10) return job;
  Json::Value out(Json::objectValue);
  for (const std::string& parent : StringList(*extends)) {
    if (const Json::Value* base = Member(all, parent.c_str()); base && base->isObject()) {
      MergeInto(&out, Resolve(all, *base, depth + 1));
    }
  }
  MergeInto(&out, job);
  return out;
}

Scope Variables(const Json::Value& all, const Json::Value& job, const CiRepository& repo) {
  Scope scope = {{"CI_PROJECT_PATH", repo.path}, {"CI_DEFAULT_BRANCH", repo.default_branch},
                 {"CI_SERVER_URL", repo.gitlab_issuer}};
  for (const auto& [k, v] : repo.values) scope[k] = v;
  for (const Json::Value* vars : {Member(all, "variables"), Member(job, "variables")}) {
    if (!vars || !vars->isObject()) continue;
    for (const std::string& k : vars->getMemberNames()) {
      const Json::Value& v = (*vars)[k];
      scope[k] = v.isObject() && Member(v, "value") ? ScalarText(*Member(v, "value")) : ScalarText(v);
    }
  }
  return scope;
}

// ---------------------------------------------------------------------------
// Pipelines a job runs in.

struct RuleReading {
  std::vector<CiTrigger> triggers;
  bool read = true;
};

RefPattern Regex(const std::string& slashed) {
  std::string body = slashed.size() >= 2 ? slashed.substr(1, slashed.rfind('/') - 1) : slashed;
  bool ignore_case = slashed.size() >= 2 && slashed.back() == 'i';
  return {RefPattern::Kind::kRegex, ignore_case ? "(?i)" + body : body, false};
}

// One alternative of a `rules:if` (atoms joined by `&&`).
RuleReading ReadConjunction(const std::string& text, const SourceLoc& loc, const Scope& scope) {
  static const RE2 kCompare(R"re(^\s*\$\{?(\w+)\}?\s*(==|!=|=~|!~)\s*(?:"([^"]*)"|'([^']*)'|(/.*/i?)|\$\{?(\w+)\}?)\s*$)re");
  static const RE2 kExists(R"(^\s*\$\{?(\w+)\}?\s*$)");
  std::optional<std::string> source;
  std::set<std::string> not_sources;
  std::optional<Kind> kind;
  RefFilter refs;
  RuleReading out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t amp = text.find("&&", at);
    std::string atom = text.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    std::string var, op, dq, sq, re, ref_var;
    if (RE2::FullMatch(atom, kCompare, &var, &op, &dq, &sq, &re, &ref_var)) {
      std::string value = !dq.empty() ? dq : !sq.empty() ? sq : re;
      if (!ref_var.empty()) {
        auto it = scope.find(ref_var);
        if (it == scope.end()) {
          out.read = false;
          value.clear();
        } else {
          value = it->second;
        }
      }
      RefPattern pattern = op == "=~" || op == "!~" ? Regex(value) : RefPattern{RefPattern::Kind::kExact, value, false};
      bool negative = op == "!=" || op == "!~";
      if (var == "CI_PIPELINE_SOURCE") {
        if (negative) not_sources.insert(value);
        else source = value;
      } else if (var == "CI_COMMIT_BRANCH" || var == "CI_COMMIT_TAG" || var == "CI_COMMIT_REF_NAME" ||
                 var == "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") {
        if (var == "CI_COMMIT_BRANCH") kind = Kind::kBranch;
        if (var == "CI_COMMIT_TAG") kind = Kind::kTag;
        if (var == "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") kind = Kind::kMergeRequest;
        (negative ? refs.exclude : refs.include).push_back(pattern);
      } else {
        out.read = false;
      }
    } else if (RE2::FullMatch(atom, kExists, &var)) {
      if (var == "CI_COMMIT_BRANCH") kind = Kind::kBranch;
      else if (var == "CI_COMMIT_TAG") kind = Kind::kTag;
      else if (var == "CI_MERGE_REQUEST_ID" || var == "CI_MERGE_REQUEST_IID") kind = Kind::kMergeRequest;
      else out.read = false;
    } else {
      out.read = false;
    }
    if (amp == std::string::npos) break;
    at = amp + 2;
  }
  auto add = [&](std::string event, Kind k) {
    if (not_sources.count(event)) return;
    CiTrigger t;
    t.event = std::move(event);
    t.ref_kind = k;
    t.refs = refs;
    t.loc = loc;
    if (k == Kind::kMergeRequest) t.risk = kMergeRequestRisk;
    else if (t.event == "web") t.risk = kWebRisk;
    out.triggers.push_back(std::move(t));
  };
  if (source == "merge_request_event" || kind == Kind::kMergeRequest) {
    add("merge_request_event", Kind::kMergeRequest);
  } else if (source) {
    if (kind) add(*source, *kind);
    else if (*source == "push") {
      add("push", Kind::kBranch);
      add("push", Kind::kTag);
    } else {
      add(*source, Kind::kBranchOrTag);
    }
  } else if (kind) {
    add("push", *kind);
  } else {
    add("push", Kind::kBranch);
    add("push", Kind::kTag);
  }
  return out;
}

std::vector<CiTrigger> DefaultPipelines(const SourceLoc& loc, bool merge_requests) {
  std::vector<CiTrigger> out;
  for (Kind k : {Kind::kBranch, Kind::kTag}) {
    CiTrigger t;
    t.event = "push";
    t.ref_kind = k;
    t.loc = loc;
    out.push_back(t);
  }
  if (merge_requests) {
    CiTrigger t;
    t.event = "merge_request_event";
    t.ref_kind = Kind::kMergeRequest;
    t.risk = kMergeRequestRisk;
    t.loc = loc;
    out.push_back(t);
  }
  return out;
}

std::vector<CiTrigger> ReadRules(const Json::Value& rules, const SourceLoc& loc, const Scope& scope,
                                 std::vector<std::string>* notes) {
  std::vector<CiTrigger> out;
  bool no_merge_requests = false, no_tags = false;
  for (const Json::Value& rule : rules) {
    if (!rule.isObject()) continue;
    std::string when = Member(rule, "when") ? ScalarText(*Member(rule, "when")) : "on_success";
    const Json::Value* cond = Member(rule, "if");
    std::string text = cond ? ScalarText(*cond) : "";
    std::vector<CiTrigger> matched;
    bool read = true;
    if (text.empty()) {
      matched = DefaultPipelines(loc, true);
    } else {
      size_t at = 0;
      while (at <= text.size()) {
        size_t bar = text.find("||", at);
        RuleReading r = ReadConjunction(text.substr(at, bar == std::string::npos ? std::string::npos : bar - at),
                                        loc, scope);
        read &= r.read;
        matched.insert(matched.end(), r.triggers.begin(), r.triggers.end());
        if (bar == std::string::npos) break;
        at = bar + 2;
      }
    }
    if (when == "never") {
      // The common exclusions: every merge-request pipeline, every tag.
      for (const CiTrigger& t : matched) {
        if (t.ref_kind == Kind::kMergeRequest && t.refs.any()) no_merge_requests = true;
        if (t.ref_kind == Kind::kTag && t.refs.any() && t.event == "push") no_tags = true;
      }
      if (!read) notes->push_back(fmt::format("a `when: never` rule (`{}`) was not read", text));
      continue;
    }
    if (!read) notes->push_back(fmt::format("the rule `if: {}` was not fully read: it is taken as broadly as it can match", text));
    for (CiTrigger& t : matched) {
      if (no_merge_requests && t.ref_kind == Kind::kMergeRequest) continue;
      if (no_tags && t.ref_kind == Kind::kTag) continue;
      out.push_back(std::move(t));
    }
  }
  return out;
}

// `only` / `except` (a list, or a map with `refs`).
std::vector<CiTrigger> ReadOnlyExcept(const Json::Value* only, const Json::Value* except, const SourceLoc& loc) {
  auto refs_of = [](const Json::Value* v) -> std::vector<std::string> {
    if (!v) return {};
    if (v->isObject()) return Member(*v, "refs") ? StringList(*Member(*v, "refs")) : std::vector<std::string>{};
    return StringList(*v);
  };
  std::vector<std::string> only_refs = refs_of(only), except_refs = refs_of(except);
  if (only_refs.empty()) only_refs = {"branches", "tags"};
  std::vector<CiTrigger> out;
  RefFilter names;  // branch or tag names the job is limited to
  bool branches = false, tags = false, mrs = false;
  std::vector<std::string> sources;
  for (const std::string& r : only_refs) {
    if (r == "branches" || r == "pushes") branches = true;
    else if (r == "tags") tags = true;
    else if (r == "merge_requests") mrs = true;
    else if (r == "schedules") sources.push_back("schedule");
    else if (r == "web") sources.push_back("web");
    else if (r == "api") sources.push_back("api");
    else if (r == "triggers") sources.push_back("trigger");
    else if (r == "pipelines") sources.push_back("pipeline");
    else if (r == "external" || r == "external_pull_requests" || r == "chat") sources.push_back(r);
    else names.include.push_back(r.front() == '/' ? Regex(r) : RefPattern{RefPattern::Kind::kExact, r, false});
  }
  bool except_tags = false, except_branches = false, except_mrs = false;
  for (const std::string& r : except_refs) {
    if (r == "tags") except_tags = true;
    else if (r == "branches") except_branches = true;
    else if (r == "merge_requests") except_mrs = true;
    else if (r.front() == '/' || (r != "schedules" && r != "web" && r != "api" && r != "triggers"))
      names.exclude.push_back(r.front() == '/' ? Regex(r) : RefPattern{RefPattern::Kind::kExact, r, false});
  }
  auto add = [&](std::string event, Kind k, RefFilter f, std::string risk = "") {
    CiTrigger t;
    t.event = std::move(event);
    t.ref_kind = k;
    t.refs = std::move(f);
    t.loc = loc;
    t.risk = std::move(risk);
    out.push_back(std::move(t));
  };
  RefFilter any;
  any.exclude = names.exclude;
  if (!names.include.empty()) {
    if (!except_branches) add("push", Kind::kBranch, names);
    if (!except_tags) add("push", Kind::kTag, names);
  }
  if (branches && !except_branches) add("push", Kind::kBranch, any);
  if (tags && !except_tags) add("push", Kind::kTag, any);
  if (mrs && !except_mrs) add("merge_request_event", Kind::kMergeRequest, any, kMergeRequestRisk);
  for (const std::string& s : sources) add(s, Kind::kBranchOrTag, any, s == "web" ? kWebRisk : "");
  return out;
}

// ---------------------------------------------------------------------------
// Trusts named in scripts and variables.

struct Found {
  CiTarget target;
  std::string line;  // the text it was found in (to match `$TOKEN` names)
};

std::vector<std::string> ScriptLines(const Json::Value& all, const Json::Value& job) {
  std::vector<std::string> lines;
  const Json::Value* def = Member(all, "default");
  for (const char* key : {"before_script", "script", "after_script"}) {
    const Json::Value* v = Member(job, key);
    if (!v && def) v = Member(*def, key);
    if (!v && std::string(key) != "script") v = Member(all, key);
    if (!v) continue;
    if (v->isArray()) {
      for (const Json::Value& l : *v) {
        if (l.isArray()) {
          for (const Json::Value& inner : l) lines.push_back(ScalarText(inner));
        } else {
          lines.push_back(ScalarText(l));
        }
      }
    } else {
      lines.push_back(ScalarText(*v));
    }
  }
  return lines;
}

CiTarget MakeTarget(Platform platform, const char* noun, const std::string& written, const Scope& scope) {
  CiTarget t;
  t.platform = platform;
  t.noun = noun;
  t.written = written;
  if (auto v = ResolveGitLab(written, scope)) t.value = *v;
  return t;
}

std::vector<Found> FindTargets(const Json::Value& all, const Json::Value& job, const Scope& scope) {
  static const RE2 kArn(R"((arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+))");
  static const RE2 kRoleArnFlag(R"(--role-arn[= ]+["']?([^\s"']+))");
  static const RE2 kVaultLogin(R"(vault\s+write\s+(?:\S+\s+)*auth/(\S+)/login\b.*\brole=["']?([^\s"']+))");
  static const RE2 kVaultLoginMethod(R"(vault\s+login\b.*-method=jwt\b.*\brole=["']?([^\s"']+))");
  static const RE2 kVaultPath(R"(-path=["']?([^\s"']+))");
  static const RE2 kGcp(R"((projects/[^/\s"']+/locations/global/workloadIdentityPools/[^/\s"']+/providers/[^/\s"']+))");
  static const RE2 kAzure(R"(az\s+login\b.*--federated-token\b)");
  static const RE2 kAzureUser(R"((?:-u|--username)[= ]+["']?([^\s"']+))");
  std::vector<Found> out;
  std::vector<std::string> lines = ScriptLines(all, job);
  // The AWS SDKs assume AWS_ROLE_ARN with the token in
  // AWS_WEB_IDENTITY_TOKEN_FILE; the Azure SDKs read AZURE_CLIENT_ID with
  // AZURE_FEDERATED_TOKEN_FILE.
  if (scope.count("AWS_ROLE_ARN") && scope.count("AWS_WEB_IDENTITY_TOKEN_FILE"))
    out.push_back({MakeTarget(Platform::kAws, "role", scope.at("AWS_ROLE_ARN"), scope), scope.at("AWS_WEB_IDENTITY_TOKEN_FILE")});
  if (scope.count("AZURE_CLIENT_ID") && scope.count("AZURE_FEDERATED_TOKEN_FILE"))
    out.push_back({MakeTarget(Platform::kAzure, "client id", scope.at("AZURE_CLIENT_ID"), scope), scope.at("AZURE_FEDERATED_TOKEN_FILE")});
  for (const std::string& raw : lines) {
    std::string resolved = ResolveGitLab(raw, scope).value_or(raw);
    std::string value, mount;
    if (RE2::PartialMatch(raw, kRoleArnFlag, &value)) {
      out.push_back({MakeTarget(Platform::kAws, "role", value, scope), raw});
    } else if (RE2::PartialMatch(resolved, kArn, &value)) {
      out.push_back({MakeTarget(Platform::kAws, "role", value, scope), raw});
    }
    if (RE2::PartialMatch(raw, kVaultLogin, &mount, &value)) {
      Found f{MakeTarget(Platform::kVault, "Vault role", value, scope), raw};
      f.target.mount = ResolveGitLab(mount, scope).value_or("");
      out.push_back(std::move(f));
    } else if (RE2::PartialMatch(raw, kVaultLoginMethod, &value)) {
      Found f{MakeTarget(Platform::kVault, "Vault role", value, scope), raw};
      f.target.mount = RE2::PartialMatch(raw, kVaultPath, &mount) ? ResolveGitLab(mount, scope).value_or("") : "jwt";
      out.push_back(std::move(f));
    }
    if (RE2::PartialMatch(resolved, kGcp, &value)) {
      out.push_back({MakeTarget(Platform::kGcp, "workload identity provider", value, scope), raw});
    }
    if (RE2::PartialMatch(raw, kAzure) && RE2::PartialMatch(raw, kAzureUser, &value)) {
      out.push_back({MakeTarget(Platform::kAzure, "client id", value, scope), raw});
    }
  }
  // The `secrets:` keyword reads Vault with the job's ID token
  // (VAULT_AUTH_ROLE, VAULT_AUTH_PATH; the default role of `jwt` otherwise).
  if (const Json::Value* secrets = Member(job, "secrets"); secrets && secrets->isObject()) {
    for (const std::string& name : secrets->getMemberNames()) {
      const Json::Value& s = (*secrets)[name];
      if (!Member(s, "vault")) continue;
      auto role = scope.find("VAULT_AUTH_ROLE");
      Found f{MakeTarget(Platform::kVault, "Vault role", role == scope.end() ? "" : role->second, scope), ""};
      if (role == scope.end()) f.target.written = "(the mount's default role)";
      auto path = scope.find("VAULT_AUTH_PATH");
      f.target.mount = path == scope.end() ? "jwt" : path->second;
      const Json::Value* token = Member(s, "token");
      f.line = token ? ScalarText(*token) : "";
      out.push_back(std::move(f));
    }
  }
  return out;
}

bool MentionsToken(const std::string& line, const std::string& token) {
  for (const std::string& form : {"$" + token, "${" + token + "}"}) {
    size_t at = line.find(form);
    if (at == std::string::npos) continue;
    size_t end = at + form.size();
    if (end >= line.size() || !(std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) return true;
  }
  return false;
}

// `job` is the job with `extends` merged in (a copy); `original` is its map
// in `doc`, where the locations are.
void ReadJob(const std::string& id, const Json::Value& job, const Json::Value& original, const Pipeline& p,
             const CiDocument& doc, const CiRepository& repo, bool merge_request_pipelines, std::vector<CiJob>* out) {
  const Json::Value& all = p.merged;
  const Json::Value* tokens = Member(job, "id_tokens");
  if (!tokens) {
    if (const Json::Value* def = Member(all, "default")) tokens = Member(*def, "id_tokens");
  }
  if (!tokens || !tokens->isObject() || tokens->empty()) return;
  CiJob j;
  j.provider = CiProvider::kGitLab;
  j.id = id;
  j.workflow = doc.source.path() ? *doc.source.path() : ".gitlab-ci.yml";
  j.loc = doc.KeyLoc(original);
  j.notes = p.notes;
  Scope scope = Variables(all, job, repo);
  if (const Json::Value* rules = Member(job, "rules"); rules && rules->isArray()) {
    j.triggers = ReadRules(*rules, j.loc, scope, &j.notes);
  } else if (Member(job, "only") || Member(job, "except")) {
    j.triggers = ReadOnlyExcept(Member(job, "only"), Member(job, "except"), j.loc);
  } else {
    j.triggers = DefaultPipelines(j.loc, merge_request_pipelines);
  }
  if (const Json::Value* env = Member(job, "environment")) {
    std::string name = env->isObject() ? (Member(*env, "name") ? ScalarText(*Member(*env, "name")) : "") : ScalarText(*env);
    if (!name.empty()) {
      auto resolved = ResolveGitLab(name, scope);
      j.environment = resolved ? *resolved : name;
      j.environment_known = resolved.has_value();
    }
  }
  std::vector<Found> found = FindTargets(all, job, scope);
  for (const std::string& name : tokens->getMemberNames()) {
    const Json::Value& t = (*tokens)[name];
    const Json::Value* own_tokens = Member(original, "id_tokens");
    const Json::Value* written = own_tokens ? Member(*own_tokens, name.c_str()) : nullptr;
    SourceLoc token_loc = written ? doc.KeyLoc(*written) : j.loc;
    std::vector<std::string> auds = Member(t, "aud") ? StringList(*Member(t, "aud")) : std::vector<std::string>{};
    if (auds.size() > 1) j.notes.push_back(fmt::format("`{}` asks for several audiences; the first is checked", name));
    std::string aud = auds.empty() ? "" : ResolveGitLab(auds[0], scope).value_or("");
    bool any = false;
    for (const Found& f : found) {
      bool mine = f.line.empty() || MentionsToken(f.line, name) || tokens->size() == 1;
      if (!mine) continue;
      CiTokenRequest r;
      r.audience = aud;
      r.step = "id_tokens: " + name;
      r.target = f.target;
      r.loc = token_loc;
      j.requests.push_back(std::move(r));
      any = true;
    }
    if (!any) {
      CiTokenRequest r;
      r.audience = aud;
      r.step = "id_tokens: " + name;
      r.loc = token_loc;
      j.requests.push_back(std::move(r));
    }
  }
  out->push_back(std::move(j));
}

// Whether `workflow:rules` creates merge request pipelines (then every job
// without rules runs in them).
bool WorkflowMergeRequests(const Json::Value& all) {
  const Json::Value* workflow = Member(all, "workflow");
  const Json::Value* rules = workflow ? Member(*workflow, "rules") : nullptr;
  if (!rules || !rules->isArray()) return false;
  for (const Json::Value& rule : *rules) {
    const Json::Value* cond = Member(rule, "if");
    std::string when = Member(rule, "when") ? ScalarText(*Member(rule, "when")) : "always";
    if (when == "never") continue;
    std::string text = cond ? ScalarText(*cond) : "";
    if (text.find("merge_request_event") != std::string::npos || text.find("CI_MERGE_REQUEST") != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

Result<std::vector<CiJob>> ReadGitLabPipeline(const std::string& path, std::string text, const CiRepository& repo,
                                              const LoadLimits& limits, const ReadRepoFile& read) {
  Pipeline p;
  p.base = std::filesystem::path(path).parent_path().string();
  TRUSTCHECK_ASSIGN_OR_RETURN(auto doc, ParseCiYaml(path, std::move(text), limits));
  TRUSTCHECK_RETURN_IF_ERROR(AddFile(std::move(doc), repo, limits, read, &p, 0));
  bool mr = WorkflowMergeRequests(p.merged);
  std::vector<std::pair<uint64_t, std::string>> order;
  for (const std::string& k : p.merged.getMemberNames()) {
    if (Reserved().count(k) || k.empty() || k[0] == '.' || !p.merged[k].isObject()) continue;
    const CiDocument* d = p.key_doc.count(k) ? p.key_doc.at(k) : p.docs.back().get();
    const Json::Value* original = Member(d->root(), k.c_str());
    uint64_t at = original ? d->tree.locator->MemberOrder(*original) : 0;
    order.push_back({(static_cast<uint64_t>(d == p.docs.back().get()) << 63) | (at & ~(uint64_t{1} << 63)), k});
  }
  std::sort(order.begin(), order.end());
  std::vector<CiJob> jobs;
  for (const auto& [_, k] : order) {
    const CiDocument& d = p.key_doc.count(k) ? *p.key_doc.at(k) : *p.docs.back();
    Json::Value job = Resolve(p.merged, p.merged[k], 0);
    const Json::Value* original = Member(d.root(), k.c_str());
    ReadJob(k, job, original ? *original : p.merged[k], p, d, repo, mr, &jobs);
  }
  return jobs;
}

}  // namespace trustcheck::ci
