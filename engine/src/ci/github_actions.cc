// GitHub Actions workflows -> CiJob: which jobs may request an OIDC token,
// on which events and refs they run, and which trusts their steps name.
//
// Facts (docs.github.com, read 2026-12-07):
// - "Controlling permissions for GITHUB_TOKEN": a job's `permissions`
//   replace the workflow's; with neither, the default token has no
//   `id-token` access (permissive and restricted defaults alike);
//   `write-all` grants it. A called (reusable) workflow's jobs get at most
//   the calling job's permissions.
// - "Events that trigger workflows": `schedule` runs on the default
//   branch; `workflow_dispatch` on the branch or tag chosen by whoever
//   starts it; `release` on the release's tag; pull-request events on
//   `refs/pull/N/merge`; events on issues, comments and workflow runs on
//   the default branch. A fork's `pull_request` runs get no token.
// - "Workflow syntax": push `branches`/`tags` filters (defining only one
//   kind means the other never triggers), `!` patterns, pull-request
//   `branches` filter the base branch.
// - Action inputs, from the actions' own sources: aws-actions/configure-
//   aws-credentials `audience` defaults to `sts.amazonaws.com` (action.yml,
//   2026-08-18) and a bare role name is read as `arn:aws:iam::ACCOUNT:role/
//   NAME`; azure/login `audience` defaults to `api://AzureADTokenExchange`
//   (2026-08-05); google-github-actions/auth asks for
//   `https://iam.googleapis.com/` + `workload_identity_provider` (src/main.ts,
//   2025-09-03); hashicorp/vault-action with `method: jwt` asks for
//   `jwtGithubAudience`, else GitHub's default audience, and logs in at
//   `auth/<path or method>/login` (src/auth.js, 2025-06-13).

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "ci/ci_yaml.h"
#include "ci/expressions.h"
#include "ci/readers.h"
#include "text/ascii.h"

namespace trustcheck::ci {

namespace {

enum class IdToken : uint8_t { kUnset, kNone, kWrite };

// `permissions:` as far as id-token goes.
IdToken ReadPermissions(const Json::Value* value) {
  if (!value) return IdToken::kUnset;
  if (value->isString()) return value->asString() == "write-all" ? IdToken::kWrite : IdToken::kNone;
  if (!value->isObject()) return IdToken::kNone;
  const Json::Value* id = Member(*value, "id-token");
  return id && ScalarText(*id) == "write" ? IdToken::kWrite : IdToken::kNone;
}

RefPattern GlobPattern(const std::string& text) {
  RefPattern p;
  p.kind = RefPattern::Kind::kGitHubGlob;
  if (!text.empty() && text[0] == '!') {
    p.negated = true;
    p.text = text.substr(1);
  } else {
    p.text = text;
  }
  return p;
}

RefFilter FilterOf(const Json::Value* include, const Json::Value* exclude) {
  RefFilter f;
  if (include) {
    for (const std::string& s : StringList(*include)) f.include.push_back(GlobPattern(s));
  }
  if (exclude) {
    for (const std::string& s : StringList(*exclude)) {
      RefPattern p = GlobPattern(s);
      p.negated = false;
      f.exclude.push_back(p);
    }
  }
  return f;
}

RefFilter Exactly(const std::string& name) {
  RefFilter f;
  f.include.push_back({RefPattern::Kind::kExact, name, false});
  return f;
}

constexpr const char* kPullRequestRisk = "runs the code of a pull request before anyone reviews it";
constexpr const char* kPullRequestTargetRisk =
    "runs on every pull request, from forks too, with the base repository's permissions";
constexpr const char* kDispatchRisk = "can be started on any branch by anyone with write access";

CiTrigger Trigger(std::string event, CiTrigger::RefKind kind, RefFilter refs, SourceLoc loc, std::string risk = "") {
  CiTrigger t;
  t.event = std::move(event);
  t.ref_kind = kind;
  t.refs = std::move(refs);
  t.loc = std::move(loc);
  t.risk = std::move(risk);
  return t;
}

// The triggers of one event of `on:`.
void AddEventTriggers(const std::string& event, const Json::Value* config, SourceLoc loc, const CiRepository& repo,
                      std::vector<CiTrigger>* out) {
  using Kind = CiTrigger::RefKind;
  const Json::Value empty;
  const Json::Value& c = config ? *config : empty;
  if (event == "push") {
    const Json::Value* branches = Member(c, "branches");
    const Json::Value* branches_ignore = Member(c, "branches-ignore");
    const Json::Value* tags = Member(c, "tags");
    const Json::Value* tags_ignore = Member(c, "tags-ignore");
    bool branch_filter = branches || branches_ignore;
    bool tag_filter = tags || tags_ignore;
    if (branch_filter || !tag_filter) out->push_back(Trigger(event, Kind::kBranch, FilterOf(branches, branches_ignore), loc));
    if (tag_filter || !branch_filter) out->push_back(Trigger(event, Kind::kTag, FilterOf(tags, tags_ignore), loc));
  } else if (event == "pull_request") {
    out->push_back(Trigger(event, Kind::kPullRequest, FilterOf(Member(c, "branches"), Member(c, "branches-ignore")), loc,
                           kPullRequestRisk));
  } else if (event == "pull_request_target") {
    out->push_back(Trigger(event, Kind::kPullRequest, FilterOf(Member(c, "branches"), Member(c, "branches-ignore")), loc,
                           kPullRequestTargetRisk));
  } else if (event == "workflow_dispatch") {
    out->push_back(Trigger(event, Kind::kBranchOrTag, {}, loc, kDispatchRisk));
  } else if (event == "release" || event == "registry_package") {
    out->push_back(Trigger(event, Kind::kTag, {}, loc));
  } else if (event == "merge_group") {
    RefFilter queue;
    queue.include.push_back(GlobPattern("gh-readonly-queue/**"));
    out->push_back(Trigger(event, Kind::kBranch, queue, loc));
  } else if (event == "create" || event == "delete" || event == "deployment" || event == "deployment_status") {
    out->push_back(Trigger(event, Kind::kBranchOrTag, {}, loc));
  } else if (event != "workflow_call") {
    // schedule, issues, issue_comment, workflow_run, repository_dispatch, ...:
    // the default branch.
    out->push_back(Trigger(event, Kind::kBranch, Exactly(repo.default_branch), loc));
  }
}

std::vector<CiTrigger> ReadTriggers(const CiDocument& doc, const CiRepository& repo, bool* callable) {
  std::vector<CiTrigger> out;
  *callable = false;
  const Json::Value* on = Member(doc.root(), "on");
  if (!on) on = Member(doc.root(), "true");  // a YAML 1.1 reader's `on`
  if (!on) return out;
  if (on->isString()) {
    *callable = on->asString() == "workflow_call";
    AddEventTriggers(on->asString(), nullptr, doc.Loc(*on), repo, &out);
  } else if (on->isArray()) {
    for (const Json::Value& e : *on) {
      *callable |= ScalarText(e) == "workflow_call";
      AddEventTriggers(ScalarText(e), nullptr, doc.Loc(e), repo, &out);
    }
  } else if (on->isObject()) {
    std::vector<std::string> names = on->getMemberNames();
    std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
      return doc.tree.locator->MemberOrder((*on)[a]) < doc.tree.locator->MemberOrder((*on)[b]);
    });
    for (const std::string& name : names) {
      const Json::Value& config = (*on)[name];
      *callable |= name == "workflow_call";
      AddEventTriggers(name, &config, doc.KeyLoc(config), repo, &out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Job `if:` conditions: the conjunctions of the forms deploy jobs use.

struct IfLimits {
  std::optional<std::string> event;       // github.event_name == 'X'
  std::optional<std::string> ref;         // github.ref == 'refs/...'
  std::optional<std::string> ref_prefix;  // startsWith(github.ref, 'refs/...')
  bool never = false;                     // github.repository names another repository
  bool read = true;                       // false: some part was not understood
};

// One alternative of an `if:`: a conjunction (`&&`) of the forms above.
IfLimits ReadIfConjunction(const std::string& text, const CiRepository& repo) {
  IfLimits limits;
  if (text.find("!=") != std::string::npos || text.find("!(") != std::string::npos ||
      text.find("!startsWith") != std::string::npos || text.find('(') == 0) {
    limits.read = false;  // negations and nested groups: not narrowed
    return limits;
  }
  static const RE2 kEvent(R"(^\s*github\.event_name\s*==\s*'([^']*)'\s*$)");
  static const RE2 kRef(R"(^\s*github\.ref\s*==\s*'([^']*)'\s*$)");
  static const RE2 kPrefix(R"(^\s*startsWith\(\s*github\.ref\s*,\s*'([^']*)'\s*\)\s*$)");
  static const RE2 kHarmless(R"(^\s*(always\(\)|success\(\)|!cancelled\(\)|true)\s*$)");
  // Forks run the workflow too; this names the repository it runs for.
  static const RE2 kRepository(R"(^\s*github\.(repository|repository_owner)\s*==\s*'([^']*)'\s*$)");
  size_t at = 0;
  while (at <= text.size()) {
    size_t amp = text.find("&&", at);
    std::string part = text.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    std::string value;
    if (RE2::FullMatch(part, kEvent, &value)) {
      limits.event = value;
    } else if (RE2::FullMatch(part, kRef, &value)) {
      limits.ref = value;
    } else if (RE2::FullMatch(part, kPrefix, &value)) {
      limits.ref_prefix = value;
    } else if (std::string key; RE2::FullMatch(part, kRepository, &key, &value)) {
      std::string actual = key == "repository" ? repo.path : repo.path.substr(0, repo.path.find('/'));
      limits.never |= !EqualsIgnoringAsciiCase(actual, value);
    } else if (!RE2::FullMatch(part, kHarmless)) {
      limits.read = false;
    }
    if (amp == std::string::npos) break;
    at = amp + 2;
  }
  return limits;
}

// An `if:` as its alternatives (`||` outside parentheses and quotes), each
// with its enclosing parentheses removed.
std::vector<IfLimits> ReadIf(std::string text, const CiRepository& repo) {
  if (size_t open = text.find("${{"); open != std::string::npos) {
    size_t close = text.rfind("}}");
    text = text.substr(open + 3, close == std::string::npos || close < open ? std::string::npos : close - open - 3);
  }
  std::vector<std::string> alternatives(1);
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (!quoted && c == ')') --depth;
    if (!quoted && depth == 0 && text.compare(i, 2, "||") == 0) {
      alternatives.emplace_back();
      ++i;
      continue;
    }
    alternatives.back() += c;
  }
  std::vector<IfLimits> out;
  for (std::string a : alternatives) {
    size_t b = a.find_first_not_of(" \t\n"), e = a.find_last_not_of(" \t\n");
    a = b == std::string::npos ? "" : a.substr(b, e - b + 1);
    if (a.size() >= 2 && a.front() == '(' && a.back() == ')' && a.find('(', 1) == std::string::npos) a = a.substr(1, a.size() - 2);
    out.push_back(ReadIfConjunction(a, repo));
  }
  return out;
}

// The trigger restricted to runs whose `github.ref` is `ref` (`exact`) or
// starts with it; nullopt when none of its runs can.
std::optional<CiTrigger> PinRef(CiTrigger t, const std::string& ref, bool exact) {
  using Kind = CiTrigger::RefKind;
  if (t.ref_kind == Kind::kPullRequest) {
    // Pull-request runs are on `refs/pull/N/merge`.
    if (ref.rfind("refs/pull/", 0) == 0) return t;
    return std::nullopt;
  }
  bool heads = ref.rfind("refs/heads/", 0) == 0, tags = ref.rfind("refs/tags/", 0) == 0;
  if (!heads && !tags) return std::nullopt;
  if ((heads && t.ref_kind == Kind::kTag) || (tags && t.ref_kind == Kind::kBranch)) return std::nullopt;
  if (t.ref_kind == Kind::kBranchOrTag) t.ref_kind = heads ? Kind::kBranch : Kind::kTag;
  std::string name = ref.substr(heads ? 11 : 10);
  if (exact) {
    if (!t.refs.Matches(name)) return std::nullopt;
    t.refs.include = {{RefPattern::Kind::kExact, name, false}};
  } else if (t.refs.include.empty()) {
    // A prefix on a trigger with no filter of its own; with one, the
    // filter is kept (both would have to hold, which one list cannot say).
    t.refs.include = {GlobPattern(name + "**")};
  }
  return t;
}

// Narrows the triggers to those `if:` lets run.
std::vector<CiTrigger> ApplyIf(const std::vector<CiTrigger>& triggers, const IfLimits& limits) {
  std::vector<CiTrigger> out;
  if (limits.never) return out;
  for (const CiTrigger& t : triggers) {
    if (limits.event && t.event != *limits.event) continue;
    std::optional<CiTrigger> kept = t;
    if (limits.ref) kept = PinRef(t, *limits.ref, true);
    else if (limits.ref_prefix) kept = PinRef(t, *limits.ref_prefix, false);
    if (kept) out.push_back(std::move(*kept));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Steps.

struct StepContext {
  const CiDocument& doc;
  const CiRepository& repo;
  const Scope& scope;
  std::vector<std::string>* notes;
};

std::string Input(const Json::Value& with, const char* key) {
  const Json::Value* v = Member(with, key);
  return v ? ScalarText(*v) : "";
}

CiTarget Target(Platform platform, const char* noun, const std::string& written, const Scope& scope) {
  return MakeTarget(platform, noun, written, ResolveGitHub(written, scope));
}

// The audience a step asks for: its input resolved, or the default.
std::string Audience(const std::string& written, const std::string& fallback, const Scope& scope) {
  if (written.empty()) return fallback;
  auto v = ResolveGitHub(written, scope);
  return v ? *v : "";
}

std::string OwnerUrl(const CiRepository& repo) {
  size_t slash = repo.path.find('/');
  return "https://github.com/" + repo.path.substr(0, slash);
}

// `core.getIDToken('aud')`, `&audience=aud`: the literal audience of a
// plain request, or the owner URL when none is given.
std::string PlainAudience(const std::string& code, const CiRepository& repo, const Scope& scope) {
  static const RE2 kCall(R"(getIDToken\(\s*['"]([^'"]+)['"])");
  static const RE2 kQuery(R"([?&]audience=([^&"'\s]+))");
  std::string aud;
  if (RE2::PartialMatch(code, kCall, &aud) || RE2::PartialMatch(code, kQuery, &aud)) {
    auto v = ResolveGitHub(aud, scope);
    return v ? *v : "";
  }
  return OwnerUrl(repo);
}

// One reader per action that requests a token: fills the request's
// audience and target from the step's inputs; false when this use of the
// action requests no token (access keys, another method).
using StepReader = bool (*)(const Json::Value& with, const StepContext& ctx, CiTokenRequest* r);

bool ReadAwsCredentials(const Json::Value& with, const StepContext& ctx, CiTokenRequest* r) {
  std::string role = Input(with, "role-to-assume");
  if (role.empty() || !Input(with, "aws-access-key-id").empty() || !Input(with, "web-identity-token-file").empty())
    return false;
  r->audience = Audience(Input(with, "audience"), "sts.amazonaws.com", ctx.scope);
  r->target = Target(Platform::kAws, "role", role, ctx.scope);
  return true;
}

bool ReadAzureLogin(const Json::Value& with, const StepContext& ctx, CiTokenRequest* r) {
  std::string client = Input(with, "client-id");
  if (client.empty() || !Input(with, "creds").empty()) return false;
  r->audience = Audience(Input(with, "audience"), "api://AzureADTokenExchange", ctx.scope);
  r->target = Target(Platform::kAzure, "client id", client, ctx.scope);
  return true;
}

bool ReadGoogleAuth(const Json::Value& with, const StepContext& ctx, CiTokenRequest* r) {
  std::string provider = Input(with, "workload_identity_provider");
  if (provider.empty()) return false;
  r->target = Target(Platform::kGcp, "workload identity provider", provider, ctx.scope);
  std::string fallback = r->target->known() ? "https://iam.googleapis.com/" + r->target->value : "";
  r->audience = Audience(Input(with, "audience"), fallback, ctx.scope);
  return true;
}

bool ReadVaultAction(const Json::Value& with, const StepContext& ctx, CiTokenRequest* r) {
  if (Input(with, "method") != "jwt" || !Input(with, "jwtPrivateKey").empty()) return false;
  r->audience = Audience(Input(with, "jwtGithubAudience"), OwnerUrl(ctx.repo), ctx.scope);
  std::string role = Input(with, "role");
  r->target = Target(Platform::kVault, "Vault role", role, ctx.scope);
  std::string path = Input(with, "path");
  r->target->mount = path.empty() ? "jwt" : ResolveGitHub(path, ctx.scope).value_or("");
  if (role.empty()) {
    r->target->written = "(the mount's default role)";
    r->target->value.clear();
  }
  return true;
}

bool ReadGitHubScript(const Json::Value& with, const StepContext& ctx, CiTokenRequest* r) {
  std::string script = Input(with, "script");
  if (script.find("getIDToken") == std::string::npos) return false;
  r->audience = PlainAudience(script, ctx.repo, ctx.scope);
  return true;
}

const std::map<std::string, StepReader>& StepReaders() {
  static const std::map<std::string, StepReader> kReaders = {
      {"aws-actions/configure-aws-credentials", ReadAwsCredentials},
      {"azure/login", ReadAzureLogin},
      {"google-github-actions/auth", ReadGoogleAuth},
      {"hashicorp/vault-action", ReadVaultAction},
      {"actions/github-script", ReadGitHubScript},
  };
  return kReaders;
}

void ReadStep(const Json::Value& step, const StepContext& ctx, std::vector<CiTokenRequest>* out) {
  static const Json::Value kEmpty(Json::objectValue);
  const Json::Value* with = Member(step, "with");
  const Json::Value* uses = Member(step, "uses");
  const Json::Value* run = Member(step, "run");
  CiTokenRequest r;
  r.loc = ctx.doc.Loc(step);
  if (uses) {
    std::string action = AsciiLower(ScalarText(*uses));
    r.step = action.substr(0, action.find('@'));
    auto reader = StepReaders().find(r.step);
    if (reader == StepReaders().end() || !reader->second(with ? *with : kEmpty, ctx, &r)) return;
  } else if (run && ScalarText(*run).find("ACTIONS_ID_TOKEN_REQUEST_URL") != std::string::npos) {
    r.step = "run";
    r.audience = PlainAudience(ScalarText(*run), ctx.repo, ctx.scope);
  } else {
    return;
  }
  out->push_back(std::move(r));
}

// ---------------------------------------------------------------------------
// Jobs and workflows.

struct Workflow {
  std::string relative;  // `.github/workflows/deploy.yml`
  std::string name;      // its `name:`, or its path (the token's `workflow`)
  std::unique_ptr<CiDocument> doc;
  std::vector<CiTrigger> triggers;
  bool callable = false;
  bool called = false;  // some job of the repository calls it
};

std::string EnvironmentOf(const Json::Value& job, bool* known, const Scope& scope) {
  const Json::Value* env = Member(job, "environment");
  *known = true;
  if (!env) return "";
  std::string name = env->isObject() ? (Member(*env, "name") ? ScalarText(*Member(*env, "name")) : "") : ScalarText(*env);
  if (!HasGitHubExpression(name)) return name;
  if (auto v = ResolveGitHub(name, scope)) return *v;
  *known = false;
  return name;
}

// `${{ matrix.NAME }}` over a list of scalars (and `include:` entries that
// set NAME): every value, one run each. Empty when the text is anything else.
std::vector<std::string> MatrixValues(const Json::Value& job, const std::string& text) {
  static const RE2 kMatrix(R"(^\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}$)");
  std::string name;
  const Json::Value* strategy = Member(job, "strategy");
  const Json::Value* matrix = strategy ? Member(*strategy, "matrix") : nullptr;
  if (!matrix || !RE2::FullMatch(text, kMatrix, &name)) return {};
  std::vector<std::string> values;
  if (const Json::Value* list = Member(*matrix, name.c_str()); list && list->isArray()) values = StringList(*list);
  if (const Json::Value* include = Member(*matrix, "include"); include && include->isArray()) {
    for (const Json::Value& entry : *include) {
      if (const Json::Value* v = Member(entry, name.c_str())) values.push_back(ScalarText(*v));
    }
  }
  for (const std::string& v : values) {
    if (v.empty() || HasGitHubExpression(v)) return {};
  }
  return values;
}

bool SelfHosted(const Json::Value& job) {
  const Json::Value* runs_on = Member(job, "runs-on");
  if (!runs_on) return false;
  const Json::Value* labels = runs_on->isObject() ? Member(*runs_on, "labels") : runs_on;
  if (!labels) return runs_on->isObject() && Member(*runs_on, "group");
  for (const std::string& l : StringList(*labels))
    if (l == "self-hosted") return true;
  return false;
}

Scope BaseScope(const CiRepository& repo, const Json::Value& root, const Json::Value& job) {
  Scope scope = {{"github.repository", repo.path},
                 {"github.repository_owner", repo.path.substr(0, repo.path.find('/'))}};
  for (const auto& [k, v] : repo.values) scope[k] = v;
  for (const Json::Value* env : {Member(root, "env"), Member(job, "env")}) {
    if (!env || !env->isObject()) continue;
    for (const std::string& k : env->getMemberNames()) {
      std::string v = ScalarText((*env)[k]);
      if (!HasGitHubExpression(v)) scope["env." + k] = v;
      else if (auto r = ResolveGitHub(v, scope)) scope["env." + k] = *r;
    }
  }
  return scope;
}

struct JobInputs {
  const Workflow& workflow;
  std::vector<CiTrigger> triggers;  // before the job's own `if:`
  IdToken inherited = IdToken::kUnset;  // the workflow's permissions, or the caller's cap
  bool capped = false;                  // a called workflow: the caller's permissions cap the job's
  IdToken cap = IdToken::kWrite;
  std::string id_prefix;                // `caller/` for a called workflow's jobs
  Scope inputs;                         // `inputs.X` from the caller's `with:`
  // A called workflow's jobs: the workflow the run started from (the
  // token's `workflow_ref` and `workflow` name it, `job_workflow_ref` the
  // called file).
  const Workflow* caller = nullptr;
};

void ReadJobs(const JobInputs& in, const std::map<std::string, Workflow*>& workflows, const CiRepository& repo,
              std::vector<CiJob>* out, int depth);

// The triggers that run the job, after its `if:`.
std::vector<CiTrigger> JobTriggers(const Json::Value& job, const std::vector<CiTrigger>& triggers,
                                   const CiRepository& repo, std::vector<std::string>* notes) {
  const Json::Value* cond = Member(job, "if");
  if (!cond) return triggers;
  std::vector<IfLimits> alternatives = ReadIf(ScalarText(*cond), repo);
  for (const IfLimits& a : alternatives) {
    if (a.read) continue;
    notes->push_back(fmt::format("the job's `if:` (`{}`) was not read: every trigger is kept", ScalarText(*cond)));
    return triggers;
  }
  // The runs any alternative lets through, each once.
  std::vector<CiTrigger> out;
  for (const IfLimits& a : alternatives) {
    for (CiTrigger& t : ApplyIf(triggers, a)) {
      bool seen = std::any_of(out.begin(), out.end(), [&](const CiTrigger& o) {
        return o.event == t.event && o.ref_kind == t.ref_kind && o.refs.include.size() == t.refs.include.size() &&
               std::equal(o.refs.include.begin(), o.refs.include.end(), t.refs.include.begin(),
                          [](const RefPattern& x, const RefPattern& y) { return x.text == y.text && x.kind == y.kind; });
      });
      if (!seen) out.push_back(std::move(t));
    }
  }
  return out;
}

// `with:` and `secrets:` of a call, as the called workflow's `inputs.X` and `secrets.X`.
Scope CallInputs(const Json::Value& job, const Scope& scope) {
  Scope inputs;
  for (const auto& [key, prefix] : {std::pair{"with", "inputs."}, std::pair{"secrets", "secrets."}}) {
    const Json::Value* map = Member(job, key);
    if (!map || !map->isObject()) continue;
    for (const std::string& k : map->getMemberNames()) {
      if (auto v = ResolveGitHub(ScalarText((*map)[k]), scope)) inputs[prefix + k] = *v;
    }
  }
  return inputs;
}

// A job that calls a reusable workflow of this repository: the called
// workflow's jobs run with this job's triggers and, at most, its permissions.
// A job that calls a reusable workflow of another repository
// (`org/repo/.github/workflows/x.yml@ref`): its steps are not here, so the
// job is one plain request, with the called workflow's `job_workflow_ref`.
CiJob RemoteCall(const std::string& id, const Json::Value& job, const JobInputs& in, std::vector<CiTrigger> triggers,
                 const std::string& target) {
  static const RE2 kCommit("^[0-9a-f]{40}$");
  const Workflow& started = in.caller ? *in.caller : in.workflow;
  CiJob j;
  j.provider = CiProvider::kGitHub;
  j.id = in.id_prefix + id;
  j.workflow = started.relative;
  j.workflow_name = started.name;
  j.loc = in.workflow.doc->KeyLoc(job);
  j.triggers = std::move(triggers);
  size_t at = target.find('@');
  j.job_workflow = target.substr(0, at);
  std::string ref = at == std::string::npos ? "" : target.substr(at + 1);
  if (RE2::FullMatch(ref, kCommit)) {
    j.job_workflow_refs = {target};
  } else {
    j.job_workflow_refs = {j.job_workflow + "@refs/heads/" + ref, j.job_workflow + "@refs/tags/" + ref};
  }
  CiTokenRequest r;
  r.step = "uses: " + target;
  r.loc = j.loc;
  r.audience_chosen_for_trust = true;
  j.requests.push_back(std::move(r));
  j.notes.push_back(fmt::format(
      "calls `{}`, a workflow of another repository: its steps are not read; its token is taken to ask for the "
      "audience each trust expects, with no environment",
      target));
  return j;
}

void ReadCall(const std::string& id, const Json::Value& job, const JobInputs& in, std::vector<CiTrigger> triggers,
              IdToken effective, const Scope& scope, const std::map<std::string, Workflow*>& workflows,
              const CiRepository& repo, std::vector<CiJob>* out, int depth) {
  std::string target = ScalarText(*Member(job, "uses"));
  if (target.rfind("./", 0) != 0) {
    if (effective == IdToken::kWrite && target.find('/') != std::string::npos) {
      out->push_back(RemoteCall(id, job, in, std::move(triggers), target));
    }
    return;
  }
  std::string relative = target.substr(2, target.find('@') == std::string::npos ? std::string::npos : target.find('@') - 2);
  auto it = workflows.find(relative);
  if (it == workflows.end() || depth > 4) return;
  it->second->called = true;
  const Workflow* caller = in.caller ? in.caller : &in.workflow;
  JobInputs called{*it->second, std::move(triggers), IdToken::kUnset, true, effective, in.id_prefix + id + "/",
                   CallInputs(job, scope), caller};
  ReadJobs(called, workflows, repo, out, depth + 1);
}

CiJob MakeJob(const std::string& id, const Json::Value& job, const JobInputs& in, std::vector<CiTrigger> triggers,
              const Scope& scope, const CiRepository& repo) {
  const CiDocument& doc = *in.workflow.doc;
  CiJob j;
  j.provider = CiProvider::kGitHub;
  j.id = in.id_prefix + id;
  const Workflow& started = in.caller ? *in.caller : in.workflow;
  j.workflow = started.relative;
  j.workflow_name = started.name;
  j.job_workflow = in.workflow.relative;
  j.loc = doc.KeyLoc(job);
  j.triggers = std::move(triggers);
  bool known = true;
  std::string env = EnvironmentOf(job, &known, scope);
  if (!env.empty()) {
    j.environment = env;
    j.environment_known = known;
    if (!known) j.environment_choices = MatrixValues(job, env);
    if (!j.environment_choices.empty()) j.environment_known = true;
  }
  j.self_hosted = SelfHosted(job);
  StepContext ctx{doc, repo, scope, &j.notes};
  if (const Json::Value* steps = Member(job, "steps"); steps && steps->isArray()) {
    for (const Json::Value& step : *steps) ReadStep(step, ctx, &j.requests);
  }
  if (j.requests.empty()) {
    // The job may request a token; no step says for whom.
    CiTokenRequest r;
    r.audience = OwnerUrl(repo);
    r.step = "id-token: write";
    r.loc = j.loc;
    j.requests.push_back(std::move(r));
  }
  return j;
}

void ReadJob(const std::string& id, const Json::Value& job, const JobInputs& in,
             const std::map<std::string, Workflow*>& workflows, const CiRepository& repo, std::vector<CiJob>* out,
             int depth) {
  IdToken own = ReadPermissions(Member(job, "permissions"));
  IdToken effective = own != IdToken::kUnset ? own : in.inherited;
  if (in.capped && in.cap != IdToken::kWrite) effective = IdToken::kNone;
  std::vector<std::string> notes;
  std::vector<CiTrigger> triggers = JobTriggers(job, in.triggers, repo, &notes);
  Scope scope = BaseScope(repo, in.workflow.doc->root(), job);
  for (const auto& [k, v] : in.inputs) scope[k] = v;
  if (Member(job, "uses")) {
    ReadCall(id, job, in, std::move(triggers), effective, scope, workflows, repo, out, depth);
    return;
  }
  // A job that never runs here (an `if:` for another repository, an
  // event the workflow does not have) mints nothing.
  if (effective != IdToken::kWrite || triggers.empty()) return;
  CiJob j = MakeJob(id, job, in, std::move(triggers), scope, repo);
  j.notes.insert(j.notes.begin(), notes.begin(), notes.end());
  out->push_back(std::move(j));
}

void ReadJobs(const JobInputs& in, const std::map<std::string, Workflow*>& workflows, const CiRepository& repo,
              std::vector<CiJob>* out, int depth) {
  const Json::Value* jobs = Member(in.workflow.doc->root(), "jobs");
  if (!jobs || !jobs->isObject()) return;
  JobInputs with_workflow = in;
  IdToken workflow_level = ReadPermissions(Member(in.workflow.doc->root(), "permissions"));
  with_workflow.inherited = workflow_level != IdToken::kUnset ? workflow_level : (in.capped ? in.cap : IdToken::kNone);
  // Members in source order, so the report follows the file.
  std::vector<std::string> names = jobs->getMemberNames();
  const CiDocument& doc = *in.workflow.doc;
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    return doc.tree.locator->MemberOrder((*jobs)[a]) < doc.tree.locator->MemberOrder((*jobs)[b]);
  });
  for (const std::string& id : names) {
    const Json::Value& job = (*jobs)[id];
    if (job.isObject()) ReadJob(id, job, with_workflow, workflows, repo, out, depth);
  }
}

}  // namespace

Result<std::vector<CiJob>> ReadGitHubWorkflows(const std::vector<std::pair<std::string, std::string>>& files,
                                               const std::string& root, const CiRepository& repo,
                                               const LoadLimits& limits) {
  std::vector<Workflow> workflows;
  for (const auto& [path, text] : files) {
    Workflow w;
    w.relative = std::filesystem::path(path).lexically_relative(root).generic_string();
    if (root.empty()) w.relative = path;
    TRUSTCHECK_ASSIGN_OR_RETURN(w.doc, ParseCiYaml(path, text, limits));
    if (const Json::Value* name = Member(w.doc->root(), "name")) w.name = ScalarText(*name);
    if (w.name.empty()) w.name = w.relative;
    w.triggers = ReadTriggers(*w.doc, repo, &w.callable);
    workflows.push_back(std::move(w));
  }
  std::map<std::string, Workflow*> by_path;
  for (Workflow& w : workflows) by_path[w.relative] = &w;
  std::vector<CiJob> jobs;
  // Workflows started by events first; they mark the reusable workflows they call.
  for (Workflow& w : workflows) {
    if (w.triggers.empty()) continue;
    ReadJobs(JobInputs{w, w.triggers}, by_path, repo, &jobs, 0);
  }
  // Reusable workflows nothing here calls: their callers are elsewhere, on
  // any event and ref.
  for (Workflow& w : workflows) {
    if (!w.callable || w.called) continue;
    CiTrigger any;
    any.event = "workflow_call";
    any.ref_kind = CiTrigger::RefKind::kBranchOrTag;
    any.loc = w.doc->Loc(w.doc->root());
    size_t before = jobs.size();
    ReadJobs(JobInputs{w, {any}, IdToken::kUnset, true, IdToken::kWrite}, by_path, repo, &jobs, 0);
    for (size_t i = before; i < jobs.size(); ++i)
      jobs[i].notes.push_back("no workflow of this repository calls this reusable workflow: its callers' events and refs are unknown");
  }
  return jobs;
}

}  // namespace trustcheck::ci
