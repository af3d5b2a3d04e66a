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

// What one alternative of a `rules:if` (atoms joined by `&&`) says about
// the pipelines it matches.
struct Conjunction {
  std::optional<std::string> source;  // $CI_PIPELINE_SOURCE == "..."
  std::set<std::string> not_sources;  // $CI_PIPELINE_SOURCE != "..."
  std::optional<Kind> kind;           // which variable names the ref
  RefFilter refs;
  bool read = true;                   // false: an atom was not understood
};

CiTrigger MakeTrigger(std::string event, Kind kind, RefFilter refs, const SourceLoc& loc) {
  CiTrigger t;
  t.event = std::move(event);
  t.ref_kind = kind;
  t.refs = std::move(refs);
  t.loc = loc;
  if (kind == Kind::kMergeRequest) t.risk = kMergeRequestRisk;
  else if (t.event == "web") t.risk = kWebRisk;
  return t;
}

// The ref variables, and the kind of pipeline each exists in.
std::optional<std::optional<Kind>> RefVariable(const std::string& var) {
  if (var == "CI_COMMIT_BRANCH") return std::optional<Kind>(Kind::kBranch);
  if (var == "CI_COMMIT_TAG") return std::optional<Kind>(Kind::kTag);
  if (var == "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") return std::optional<Kind>(Kind::kMergeRequest);
  if (var == "CI_COMMIT_REF_NAME") return std::optional<Kind>();
  return std::nullopt;
}

void ReadComparison(const std::string& var, const std::string& op, const std::string& value, Conjunction* c) {
  RefPattern pattern = op == "=~" || op == "!~" ? Regex(value) : RefPattern{RefPattern::Kind::kExact, value, false};
  bool negative = op == "!=" || op == "!~";
  if (var == "CI_PIPELINE_SOURCE") {
    if (negative) c->not_sources.insert(value);
    else c->source = value;
    return;
  }
  auto ref = RefVariable(var);
  if (!ref) {
    c->read = false;
    return;
  }
  if (*ref) c->kind = **ref;
  (negative ? c->refs.exclude : c->refs.include).push_back(pattern);
}

void ReadExists(const std::string& var, Conjunction* c) {
  if (var == "CI_COMMIT_BRANCH") c->kind = Kind::kBranch;
  else if (var == "CI_COMMIT_TAG") c->kind = Kind::kTag;
  else if (var == "CI_MERGE_REQUEST_ID" || var == "CI_MERGE_REQUEST_IID") c->kind = Kind::kMergeRequest;
  else c->read = false;
}

void ReadAtom(const std::string& atom, const Scope& scope, Conjunction* c) {
  static const RE2 kCompare(R"re(^\s*\$\{?(\w+)\}?\s*(==|!=|=~|!~)\s*(?:"([^"]*)"|'([^']*)'|(/.*/i?)|\$\{?(\w+)\}?)\s*$)re");
  static const RE2 kExists(R"(^\s*\$\{?(\w+)\}?\s*$)");
  std::string var, op, dq, sq, re, ref_var;
  if (RE2::FullMatch(atom, kCompare, &var, &op, &dq, &sq, &re, &ref_var)) {
    std::string value = !dq.empty() ? dq : !sq.empty() ? sq : re;
    if (!ref_var.empty()) {
      auto it = scope.find(ref_var);
      if (it == scope.end()) {
        c->read = false;
        return;
      }
      value = it->second;
    }
    ReadComparison(var, op, value, c);
  } else if (RE2::FullMatch(atom, kExists, &var)) {
    ReadExists(var, c);
  } else {
    c->read = false;
  }
}

// The pipelines a conjunction matches.
std::vector<CiTrigger> TriggersOf(const Conjunction& c, const SourceLoc& loc) {
  std::vector<CiTrigger> out;
  auto add = [&](const std::string& event, Kind kind) {
    if (!c.not_sources.count(event)) out.push_back(MakeTrigger(event, kind, c.refs, loc));
  };
  if (c.source == "merge_request_event" || c.kind == Kind::kMergeRequest) {
    add("merge_request_event", Kind::kMergeRequest);
  } else if (c.kind) {
    add(c.source.value_or("push"), *c.kind);
  } else if (!c.source || *c.source == "push") {
    add(c.source.value_or("push"), Kind::kBranch);
    add(c.source.value_or("push"), Kind::kTag);
  } else {
    add(*c.source, Kind::kBranchOrTag);
  }
  return out;
}

RuleReading ReadConjunction(const std::string& text, const SourceLoc& loc, const Scope& scope) {
  Conjunction c;
  size_t at = 0;
  while (true) {
    size_t amp = text.find("&&", at);
    ReadAtom(text.substr(at, amp == std::string::npos ? std::string::npos : amp - at), scope, &c);
    if (amp == std::string::npos) break;
    at = amp + 2;
  }
  return {TriggersOf(c, loc), c.read};
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

// Which merge request pipelines the file creates: `workflow:rules` that
// create them run every job without rules in them too; any job whose rules
// (or `only`) ask for them makes them exist for the jobs whose rules match
// every pipeline.
struct MergeRequestPipelines {
  bool for_jobs_without_rules = false;
  bool exist = false;
};

// The pipelines one rule's `if:` matches (every pipeline without one).
RuleReading MatchedByRule(const std::string& text, const SourceLoc& loc, const Scope& scope,
                          const MergeRequestPipelines& mr) {
  if (text.empty()) return {DefaultPipelines(loc, mr.exist), true};
  RuleReading out;
  size_t at = 0;
  while (true) {
    size_t bar = text.find("||", at);
    RuleReading r = ReadConjunction(text.substr(at, bar == std::string::npos ? std::string::npos : bar - at), loc, scope);
    out.read &= r.read;
    out.triggers.insert(out.triggers.end(), r.triggers.begin(), r.triggers.end());
    if (bar == std::string::npos) break;
    at = bar + 2;
  }
  return out;
}

// What a `when: never` rule excludes from the rules after it.
void NoteExclusions(const std::vector<CiTrigger>& matched, bool* no_merge_requests, bool* no_tags) {
  for (const CiTrigger& t : matched) {
    *no_merge_requests |= t.ref_kind == Kind::kMergeRequest && t.refs.any();
    *no_tags |= t.ref_kind == Kind::kTag && t.refs.any() && t.event == "push";
  }
}

// Rules apply in order, the first match deciding. A `when: never` rule
// that matches every merge request pipeline, or every tag pipeline,
// removes those from the rules after it (the common exclusions).
std::vector<CiTrigger> ReadRules(const Json::Value& rules, const SourceLoc& loc, const Scope& scope,
                                 const MergeRequestPipelines& mr, std::vector<std::string>* notes) {
  std::vector<CiTrigger> out;
  bool no_merge_requests = false, no_tags = false;
  for (const Json::Value& rule : rules) {
    if (!rule.isObject()) continue;
    std::string when = Member(rule, "when") ? ScalarText(*Member(rule, "when")) : "on_success";
    std::string text = Member(rule, "if") ? ScalarText(*Member(rule, "if")) : "";
    RuleReading matched = MatchedByRule(text, loc, scope, mr);
    if (when == "never") {
      NoteExclusions(matched.triggers, &no_merge_requests, &no_tags);
      if (!matched.read) notes->push_back(fmt::format("a `when: never` rule (`{}`) was not read", text));
      continue;
    }
    if (!matched.read)
      notes->push_back(fmt::format("the rule `if: {}` was not fully read: it is taken as broadly as it can match", text));
    for (CiTrigger& t : matched.triggers) {
      bool excluded = (no_merge_requests && t.ref_kind == Kind::kMergeRequest) || (no_tags && t.ref_kind == Kind::kTag);
      if (!excluded) out.push_back(std::move(t));
    }
  }
  return out;
}

// `only`/`except` entries: keywords for kinds of pipelines, or ref names.
struct OnlyRefs {
  bool branches = false, tags = false, merge_requests = false;
  std::vector<std::string> sources;  // pipeline sources (`schedule`, `web`, ...)
  std::vector<RefPattern> names;     // ref names and `/regex/`
};

OnlyRefs ReadRefList(const Json::Value* v) {
  static const std::map<std::string, std::string> kSources = {
      {"schedules", "schedule"}, {"web", "web"}, {"api", "api"}, {"triggers", "trigger"}, {"pipelines", "pipeline"},
      {"external", "external"}, {"external_pull_requests", "external_pull_requests"}, {"chat", "chat"}};
  OnlyRefs out;
  if (!v) return out;
  const Json::Value* list = v->isObject() ? Member(*v, "refs") : v;
  for (const std::string& r : list ? StringList(*list) : std::vector<std::string>{}) {
    if (r == "branches" || r == "pushes") out.branches = true;
    else if (r == "tags") out.tags = true;
    else if (r == "merge_requests") out.merge_requests = true;
    else if (auto it = kSources.find(r); it != kSources.end()) out.sources.push_back(it->second);
    else out.names.push_back(r.front() == '/' ? Regex(r) : RefPattern{RefPattern::Kind::kExact, r, false});
  }
  return out;
}

std::vector<CiTrigger> ReadOnlyExcept(const Json::Value* only_value, const Json::Value* except_value,
                                      const SourceLoc& loc) {
  OnlyRefs only = ReadRefList(only_value), except = ReadRefList(except_value);
  if (!only.branches && !only.tags && !only.merge_requests && only.sources.empty() && only.names.empty()) {
    only.branches = only.tags = true;  // the default: `only: [branches, tags]`
  }
  RefFilter names{only.names, except.names};
  RefFilter any{{}, except.names};
  std::vector<CiTrigger> out;
  if (!only.names.empty()) {
    if (!except.branches) out.push_back(MakeTrigger("push", Kind::kBranch, names, loc));
    if (!except.tags) out.push_back(MakeTrigger("push", Kind::kTag, names, loc));
  }
  if (only.branches && !except.branches) out.push_back(MakeTrigger("push", Kind::kBranch, any, loc));
  if (only.tags && !except.tags) out.push_back(MakeTrigger("push", Kind::kTag, any, loc));
  if (only.merge_requests && !except.merge_requests)
    out.push_back(MakeTrigger("merge_request_event", Kind::kMergeRequest, any, loc));
  for (const std::string& source : only.sources) out.push_back(MakeTrigger(source, Kind::kBranchOrTag, any, loc));
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

CiTarget Target(Platform platform, const char* noun, const std::string& written, const Scope& scope) {
  return MakeTarget(platform, noun, written, ResolveGitLab(written, scope));
}

// The trusts one script line names: an AWS role, a Vault login, a GCP
// provider, an Azure login.
void ScanLine(const std::string& raw, const Scope& scope, std::vector<Found>* out) {
  static const RE2 kArn(R"((arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+))");
  static const RE2 kRoleArnFlag(R"(--role-arn[= ]+["']?([^\s"']+))");
  static const RE2 kVaultLogin(R"(vault\s+write\s+(?:\S+\s+)*auth/(\S+)/login\b.*\brole=["']?([^\s"']+))");
  static const RE2 kVaultLoginMethod(R"(vault\s+login\b.*-method=jwt\b.*\brole=["']?([^\s"']+))");
  static const RE2 kVaultPath(R"(-path=["']?([^\s"']+))");
  static const RE2 kGcp(R"((projects/[^/\s"']+/locations/global/workloadIdentityPools/[^/\s"']+/providers/[^/\s"']+))");
  static const RE2 kAzure(R"(az\s+login\b.*--federated-token\b)");
  static const RE2 kAzureUser(R"((?:-u|--username)[= ]+["']?([^\s"']+))");
  std::string resolved = ResolveGitLab(raw, scope).value_or(raw);
  std::string value, mount;
  if (RE2::PartialMatch(raw, kRoleArnFlag, &value) || RE2::PartialMatch(resolved, kArn, &value)) {
    out->push_back({Target(Platform::kAws, "role", value, scope), raw});
  }
  if (RE2::PartialMatch(raw, kVaultLogin, &mount, &value)) {
    Found f{Target(Platform::kVault, "Vault role", value, scope), raw};
    f.target.mount = ResolveGitLab(mount, scope).value_or("");
    out->push_back(std::move(f));
  } else if (RE2::PartialMatch(raw, kVaultLoginMethod, &value)) {
    Found f{Target(Platform::kVault, "Vault role", value, scope), raw};
    f.target.mount = RE2::PartialMatch(raw, kVaultPath, &mount) ? ResolveGitLab(mount, scope).value_or("") : "jwt";
    out->push_back(std::move(f));
  }
  if (RE2::PartialMatch(resolved, kGcp, &value)) {
    out->push_back({Target(Platform::kGcp, "workload identity provider", value, scope), raw});
  }
  if (RE2::PartialMatch(raw, kAzure) && RE2::PartialMatch(raw, kAzureUser, &value)) {
    out->push_back({Target(Platform::kAzure, "client id", value, scope), raw});
  }
}

// The `secrets:` keyword reads Vault with the job's ID token
// (VAULT_AUTH_ROLE, VAULT_AUTH_PATH; the default role of `jwt` otherwise).
void SecretsTargets(const Json::Value& job, const Scope& scope, std::vector<Found>* out) {
  const Json::Value* secrets = Member(job, "secrets");
  if (!secrets || !secrets->isObject()) return;
  for (const std::string& name : secrets->getMemberNames()) {
    const Json::Value& s = (*secrets)[name];
    if (!Member(s, "vault")) continue;
    auto role = scope.find("VAULT_AUTH_ROLE");
    Found f{Target(Platform::kVault, "Vault role", role == scope.end() ? "" : role->second, scope), ""};
    if (role == scope.end()) f.target.written = "(the mount's default role)";
    auto path = scope.find("VAULT_AUTH_PATH");
    f.target.mount = path == scope.end() ? "jwt" : path->second;
    const Json::Value* token = Member(s, "token");
    f.line = token ? ScalarText(*token) : "";
    out->push_back(std::move(f));
  }
}

std::vector<Found> FindTargets(const Json::Value& all, const Json::Value& job, const Scope& scope) {
  std::vector<Found> out;
  // The AWS SDKs assume AWS_ROLE_ARN with the token in
  // AWS_WEB_IDENTITY_TOKEN_FILE; the Azure SDKs read AZURE_CLIENT_ID with
  // AZURE_FEDERATED_TOKEN_FILE.
  if (scope.count("AWS_ROLE_ARN") && scope.count("AWS_WEB_IDENTITY_TOKEN_FILE"))
    out.push_back({Target(Platform::kAws, "role", scope.at("AWS_ROLE_ARN"), scope), scope.at("AWS_WEB_IDENTITY_TOKEN_FILE")});
  if (scope.count("AZURE_CLIENT_ID") && scope.count("AZURE_FEDERATED_TOKEN_FILE"))
    out.push_back({Target(Platform::kAzure, "client id", scope.at("AZURE_CLIENT_ID"), scope), scope.at("AZURE_FEDERATED_TOKEN_FILE")});
  for (const std::string& line : ScriptLines(all, job)) ScanLine(line, scope, &out);
  SecretsTargets(job, scope, &out);
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

std::vector<CiTrigger> JobTriggers(const Json::Value& job, const SourceLoc& loc, const Scope& scope,
                                   const MergeRequestPipelines& mr, std::vector<std::string>* notes) {
  if (const Json::Value* rules = Member(job, "rules"); rules && rules->isArray()) {
    return ReadRules(*rules, loc, scope, mr, notes);
  }
  if (Member(job, "only") || Member(job, "except")) return ReadOnlyExcept(Member(job, "only"), Member(job, "except"), loc);
  return DefaultPipelines(loc, mr.for_jobs_without_rules);
}

void ReadEnvironment(const Json::Value& job, const Scope& scope, CiJob* j) {
  const Json::Value* env = Member(job, "environment");
  if (!env) return;
  const Json::Value* name_value = env->isObject() ? Member(*env, "name") : env;
  std::string name = name_value ? ScalarText(*name_value) : "";
  if (name.empty()) return;
  auto resolved = ResolveGitLab(name, scope);
  j->environment = resolved.value_or(name);
  j->environment_known = resolved.has_value();
}

// One request per (token, trust its script lines name with it); a token no
// line uses names no trust.
void ReadRequests(const Json::Value& tokens, const Json::Value& original, const CiDocument& doc,
                  const std::vector<Found>& found, const Scope& scope, CiJob* j) {
  const Json::Value* own_tokens = Member(original, "id_tokens");
  for (const std::string& name : tokens.getMemberNames()) {
    const Json::Value& t = tokens[name];
    const Json::Value* written = own_tokens ? Member(*own_tokens, name.c_str()) : nullptr;
    std::vector<std::string> auds = Member(t, "aud") ? StringList(*Member(t, "aud")) : std::vector<std::string>{};
    if (auds.size() > 1) j->notes.push_back(fmt::format("`{}` asks for several audiences; the first is checked", name));
    CiTokenRequest base;
    base.audience = auds.empty() ? "" : ResolveGitLab(auds[0], scope).value_or("");
    base.step = "id_tokens: " + name;
    base.loc = written ? doc.KeyLoc(*written) : j->loc;
    size_t before = j->requests.size();
    for (const Found& f : found) {
      if (!f.line.empty() && !MentionsToken(f.line, name) && tokens.size() != 1) continue;
      CiTokenRequest r = base;
      r.target = f.target;
      j->requests.push_back(std::move(r));
    }
    if (j->requests.size() == before) j->requests.push_back(std::move(base));
  }
}

// `job` is the job with `extends` merged in (a copy); `original` is its map
// in `doc`, where the locations are.
void ReadJob(const std::string& id, const Json::Value& job, const Json::Value& original, const Pipeline& p,
             const CiDocument& doc, const CiRepository& repo, const MergeRequestPipelines& mr, std::vector<CiJob>* out) {
  const Json::Value& all = p.merged;
  const Json::Value* tokens = Member(job, "id_tokens");
  if (const Json::Value* def = Member(all, "default"); !tokens && def) tokens = Member(*def, "id_tokens");
  if (!tokens || !tokens->isObject() || tokens->empty()) return;
  CiJob j;
  j.provider = CiProvider::kGitLab;
  j.id = id;
  j.workflow = doc.source.path() ? *doc.source.path() : ".gitlab-ci.yml";
  j.loc = doc.KeyLoc(original);
  j.notes = p.notes;
  Scope scope = Variables(all, job, repo);
  j.triggers = JobTriggers(job, j.loc, scope, mr, &j.notes);
  if (j.triggers.empty()) return;  // runs in no pipeline: mints nothing
  ReadEnvironment(job, scope, &j);
  ReadRequests(*tokens, original, doc, FindTargets(all, job, scope), scope, &j);
  out->push_back(std::move(j));
}

// Whether these rules ask for merge request pipelines.
bool RulesAskForMergeRequests(const Json::Value* rules) {
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
  MergeRequestPipelines mr;
  const Json::Value* workflow = Member(p.merged, "workflow");
  mr.for_jobs_without_rules = RulesAskForMergeRequests(workflow ? Member(*workflow, "rules") : nullptr);
  mr.exist = mr.for_jobs_without_rules;
  for (const std::string& k : p.merged.getMemberNames()) {
    const Json::Value& job = p.merged[k];
    mr.exist |= RulesAskForMergeRequests(Member(job, "rules")) || ReadRefList(Member(job, "only")).merge_requests;
  }
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
