// JoinCiJobs: for each job and each trust it may reach, the tokens the job
// can mint, built as claims and decided by Evaluate().
//
// Token facts (read 2026-12-07):
// - GitHub (docs.github.com, actions/reference/security/oidc): `sub` is
//   `repo:OWNER/REPO:environment:NAME` for a job with an environment, else
//   `repo:OWNER/REPO:pull_request` for pull-request events, else
//   `repo:OWNER/REPO:ref:REF`; the immutable form writes `OWNER@OWNER_ID/
//   REPO@REPO_ID`; a customisation (`include_claim_keys`) joins `key:value`
//   parts, `repo` and `context` standing for the default's pieces, `:` in
//   values written `%3A`. `pull_request_target` is not documented
//   separately: both the `pull_request` context and the base branch's ref
//   are tried (conservative: either may reach the trust).
// - GitLab (docs.gitlab.com, ci/secrets/id_token_authentication): `sub` is
//   `project_path:GROUP/PROJECT:ref_type:branch|tag:ref:NAME` by default,
//   or the components the project chose; merge request pipelines carry the
//   source branch as `ref`.

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <set>

#include "trustcheck/ci.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/wording.h"

namespace trustcheck {

namespace {

using Kind = CiTrigger::RefKind;

constexpr size_t kMaxCandidates = 24;
constexpr size_t kMaxFrames = 512;

// ---------------------------------------------------------------------------
// What the trust names: the values its tests compare with, wildcards filled
// in, and the claims it reads.

std::string Instantiate(const std::string& pattern) {
  std::string out;
  for (char c : pattern) out += (c == '*' || c == '?') ? 'x' : c;
  return out;
}

struct TrustVocabulary {
  std::vector<std::string> strings;                          // every compared value, instantiated
  std::map<std::string, std::vector<std::string>> by_claim;  // claim -> values compared with it
};

std::string ClaimOf(const ValueRef& ref) {
  if (ref.names.empty()) return "";
  if (ref.source == ValueRef::Source::kPointer) {
    std::string p = ref.names[0].substr(1);
    return p.substr(0, p.find('/'));
  }
  return ref.source == ValueRef::Source::kClaim ? ref.names[0] : "";
}

void Collect(const Node& node, TrustVocabulary* v) {
  if (node.kind == Node::Kind::kTest && node.test) {
    const Test& t = *node.test;
    std::string claim = ClaimOf(t.ref);
    for (const Operand& o : t.operands) {
      std::string text = o.text;
      if (t.kind == MatchKind::kTyped) {
        if (text.size() < 2 || text.front() != '"') continue;
        text = text.substr(1, text.size() - 2);
      } else if (t.kind != MatchKind::kString) {
        continue;
      }
      text = Instantiate(text);
      v->strings.push_back(text);
      if (!claim.empty()) v->by_claim[claim].push_back(text);
    }
  }
  for (const Node& c : node.children) Collect(c, v);
  if (node.assumed()) Collect(*node.assumed(), v);
}

TrustVocabulary VocabularyOf(const Trust& trust) {
  TrustVocabulary v;
  for (const Statement& s : trust.statements) Collect(s.when, &v);
  return v;
}

// The part of each string after `marker`, up to `stop` (or the end).
void After(const std::vector<std::string>& strings, const std::string& marker, const std::string& stops,
           std::vector<std::string>* out) {
  for (const std::string& s : strings) {
    for (size_t at = s.find(marker); at != std::string::npos; at = s.find(marker, at + 1)) {
      std::string rest = s.substr(at + marker.size());
      rest = rest.substr(0, rest.find_first_of(stops));
      if (!rest.empty()) out->push_back(rest);
    }
  }
}

void AddUnique(std::vector<std::string>* list, const std::string& value) {
  if (value.empty() || list->size() >= kMaxCandidates) return;
  if (std::find(list->begin(), list->end(), value) == list->end()) list->push_back(value);
}

// A name a GitHub filter pattern matches: its text with each wildcard run
// as one `x` (`?`, `+` repeat what they follow once).
std::string GlobExample(const std::string& glob) {
  std::string out;
  for (char c : glob) {
    if (c == '*') {
      if (out.empty() || out.back() != 'x') out += 'x';
    } else if (c != '?' && c != '+' && c != '[' && c != ']' && c != '\\') {
      out += c;
    }
  }
  return out;
}

// A name a GitLab regex may match: its literal prefix after `^`, and a
// letter when more follows. The filter decides whether it does.
std::string RegexExample(const std::string& regex) {
  std::string out;
  size_t i = !regex.empty() && regex[0] == '^' ? 1 : 0;
  for (; i < regex.size(); ++i) {
    char c = regex[i];
    bool escaped = c == '\\' && i + 1 < regex.size() && std::ispunct(static_cast<unsigned char>(regex[i + 1]));
    if (escaped) c = regex[++i];
    else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '/') break;
    out += c;
  }
  return out.empty() ? "x" : out + (i < regex.size() ? "x" : "");
}

std::string Example(const RefPattern& p) {
  switch (p.kind) {
    case RefPattern::Kind::kExact: return p.text;
    case RefPattern::Kind::kGitHubGlob: return GlobExample(p.text);
    case RefPattern::Kind::kRegex: return RegexExample(p.text);
  }
  return p.text;
}

// Candidate branch (or tag) names for a trigger: the trust's own first, so
// a witness names what the trust expects.
std::vector<std::string> RefCandidates(const CiTrigger& trigger, bool tags, const TrustVocabulary& vocab,
                                       const CiRepository& repo, CiProvider provider) {
  std::vector<std::string> raw;
  if (tags) {
    After(vocab.strings, "refs/tags/", ":", &raw);
    After(vocab.strings, ":ref_type:tag:ref:", ":", &raw);
  } else {
    After(vocab.strings, "refs/heads/", ":", &raw);
    After(vocab.strings, ":ref_type:branch:ref:", ":", &raw);
    raw.push_back(repo.default_branch);
  }
  for (const char* claim : {"ref", "base_ref", "head_ref", "ref_path"}) {
    auto it = vocab.by_claim.find(claim);
    if (it == vocab.by_claim.end()) continue;
    for (const std::string& s : it->second) {
      std::string prefix = tags ? "refs/tags/" : "refs/heads/";
      if (s.rfind(prefix, 0) == 0) raw.push_back(s.substr(prefix.size()));
      else if (s.find('/') == std::string::npos || provider == CiProvider::kGitLab) raw.push_back(s);
    }
  }
  for (const RefPattern& p : trigger.refs.include) raw.push_back(Example(p));
  raw.push_back(tags ? "v1.0.0" : "feature/x");
  std::vector<std::string> out;
  for (const std::string& name : raw) {
    if (trigger.refs.Matches(name)) AddUnique(&out, name);
  }
  return out;
}

// ---------------------------------------------------------------------------
// One concrete run of a job, and its claims.

struct Frame {
  const CiTrigger* trigger = nullptr;
  bool tag = false;
  std::string ref_name;        // branch or tag (PR events: the base branch)
  std::string head_branch;     // pull and merge requests: the source branch
  std::string environment;     // "" when the job has none
  std::string job_workflow_ref;  // set for another repository's reusable workflow
  std::string audience;
  std::string owner_id, repo_id;
  bool pull_request_context = true;  // pull_request_target: which reading
  std::map<std::string, std::string> assumed_claims;  // unknown claims filled in
  std::vector<std::string> assumptions;               // what had to be assumed, in words
};

std::string ColonEncoded(const std::string& value) {
  std::string out;
  for (char c : value) out += c == ':' ? std::string("%3A") : std::string(1, c);
  return out;
}

// Claims every token carries whose values the configuration does not fix,
// with a stand-in value each (who runs the job, the commit, the run ids).
// A trust that compares one of them is tried again with its own value, and
// an acceptance then depends on that value (decision `unknown`).
const std::map<std::string, std::string>& Placeholders(CiProvider provider) {
  static const std::map<std::string, std::string> kGitHub = {
      {"actor", "octocat"}, {"actor_id", "1"}, {"repository_visibility", "private"},
      {"sha", "0000000000000000000000000000000000000000"}, {"run_id", "1"}, {"run_number", "1"}, {"run_attempt", "1"},
      {"workflow_sha", "0000000000000000000000000000000000000000"},
      {"job_workflow_sha", "0000000000000000000000000000000000000000"}};
  static const std::map<std::string, std::string> kGitLab = {
      {"user_id", "1"}, {"user_login", "user"}, {"user_email", "user@example.com"},
      {"user_access_level", "developer"}, {"pipeline_id", "1"}, {"job_id", "1"},
      {"sha", "0000000000000000000000000000000000000000"}, {"runner_id", "1"},
      {"runner_environment", "gitlab-hosted"}, {"project_visibility", "private"},
      {"ci_config_sha", "0000000000000000000000000000000000000000"}};
  return provider == CiProvider::kGitHub ? kGitHub : kGitLab;
}

std::string GitHubRef(const Frame& f) {
  if (f.trigger->ref_kind == Kind::kPullRequest && f.trigger->event == "pull_request") return "refs/pull/1/merge";
  return (f.tag ? "refs/tags/" : "refs/heads/") + f.ref_name;
}

// `sub`: the default `repo:OWNER/REPO:CONTEXT` (immutable: with the ids),
// or the customisation's `key:value` parts.
std::string GitHubSubject(const Frame& f, const CiRepository& repo, const Json::Value& claims) {
  std::string owner = repo.path.substr(0, repo.path.find('/'));
  std::string name = repo.path.substr(repo.path.find('/') + 1);
  bool pr = f.trigger->ref_kind == Kind::kPullRequest;
  std::string context = !f.environment.empty()        ? "environment:" + f.environment
                        : pr && f.pull_request_context ? "pull_request"
                                                       : "ref:" + GitHubRef(f);
  std::string repo_part = repo.github_immutable_subject && !f.owner_id.empty() && !f.repo_id.empty()
                              ? fmt::format("repo:{}@{}/{}@{}", owner, f.owner_id, name, f.repo_id)
                              : "repo:" + repo.path;
  if (repo.github_claim_keys.empty()) return repo_part + ":" + context;
  std::vector<std::string> parts;
  for (const std::string& key : repo.github_claim_keys) {
    if (key == "repo") parts.push_back(repo_part);
    else if (key == "context") parts.push_back(context);
    else parts.push_back(key + ":" + ColonEncoded(claims.isMember(key) ? claims[key].asString() : ""));
  }
  std::string sub;
  for (const std::string& p : parts) sub += (sub.empty() ? "" : ":") + p;
  return sub;
}

Json::Value GitHubClaims(const CiJob& job, const Frame& f, const CiRepository& repo, int64_t now) {
  Json::Value c(Json::objectValue);
  std::string owner = repo.path.substr(0, repo.path.find('/'));
  std::string ref = GitHubRef(f);
  bool pr = f.trigger->ref_kind == Kind::kPullRequest;
  c["iss"] = repo.github_issuer;
  c["aud"] = f.audience;
  c["repository"] = repo.path;
  c["repository_owner"] = owner;
  if (!f.owner_id.empty()) c["repository_owner_id"] = f.owner_id;
  if (!f.repo_id.empty()) c["repository_id"] = f.repo_id;
  c["ref"] = ref;
  c["ref_type"] = f.tag ? "tag" : "branch";
  c["event_name"] = f.trigger->event;
  c["workflow"] = job.workflow_name;
  c["workflow_ref"] = fmt::format("{}/{}@{}", repo.path, job.workflow, ref);
  c["job_workflow_ref"] =
      f.job_workflow_ref.empty() ? fmt::format("{}/{}@{}", repo.path, job.job_workflow, ref) : f.job_workflow_ref;
  c["runner_environment"] = job.self_hosted ? "self-hosted" : "github-hosted";
  if (pr) {
    c["base_ref"] = f.ref_name;
    c["head_ref"] = f.head_branch;
  }
  if (!f.environment.empty()) c["environment"] = f.environment;
  for (const auto& [k, v] : Placeholders(CiProvider::kGitHub)) c[k] = v;
  if (f.owner_id.empty()) c["repository_owner_id"] = "0";
  if (f.repo_id.empty()) c["repository_id"] = "0";
  for (const auto& [k, v] : f.assumed_claims) c[k] = v;
  c["sub"] = GitHubSubject(f, repo, c);
  c["iat"] = Json::Int64(now);
  c["nbf"] = Json::Int64(now);
  c["exp"] = Json::Int64(now + 300);
  return c;
}

bool Protected(const CiRepository& repo, const std::string& name) {
  for (const std::string& p : repo.protected_refs) {
    RefPattern pattern{p.find('*') == std::string::npos ? RefPattern::Kind::kExact : RefPattern::Kind::kGitHubGlob, p,
                       false};
    RefFilter f;
    f.include.push_back(pattern);
    if (f.Matches(name)) return true;
  }
  return false;
}

Json::Value GitLabClaims(const CiJob& job, const Frame& f, const CiRepository& repo, int64_t now) {
  Json::Value c(Json::objectValue);
  std::string ref = f.trigger->ref_kind == Kind::kMergeRequest ? f.head_branch : f.ref_name;
  std::string host = repo.gitlab_issuer.substr(repo.gitlab_issuer.find("://") == std::string::npos
                                                   ? 0
                                                   : repo.gitlab_issuer.find("://") + 3);
  c["iss"] = repo.gitlab_issuer;
  c["aud"] = f.audience;
  c["project_path"] = repo.path;
  c["namespace_path"] = repo.path.substr(0, repo.path.rfind('/'));
  c["project_id"] = f.repo_id.empty() ? "0" : f.repo_id;
  c["namespace_id"] = f.owner_id.empty() ? "0" : f.owner_id;
  c["ref"] = ref;
  c["ref_type"] = f.tag ? "tag" : "branch";
  c["ref_path"] = (f.tag ? "refs/tags/" : "refs/heads/") + ref;
  c["pipeline_source"] = f.trigger->event;
  c["ref_protected"] = repo.protected_refs_given && Protected(repo, ref) ? "true" : "false";
  c["ci_config_ref_uri"] = fmt::format("{}/{}//.gitlab-ci.yml@{}", host, repo.path, c["ref_path"].asString());
  if (!f.environment.empty()) {
    c["environment"] = f.environment;
    c["environment_protected"] = "false";
  }
  for (const auto& [k, v] : Placeholders(CiProvider::kGitLab)) c[k] = v;
  for (const auto& [k, v] : f.assumed_claims) c[k] = v;
  std::vector<std::string> components = repo.gitlab_sub_components;
  if (components.empty()) components = {"project_path", "ref_type", "ref"};
  std::string sub;
  for (const std::string& k : components) {
    if (!sub.empty()) sub += ':';
    sub += k + ":" + (c.isMember(k) ? c[k].asString() : "");
  }
  c["sub"] = sub;
  c["iat"] = Json::Int64(now);
  c["nbf"] = Json::Int64(now);
  c["exp"] = Json::Int64(now + 300);
  return c;
}

// Claims a token carries whose value the configuration does not fix.
std::vector<std::string> OpenClaims(const CiJob& job, const CiRepository& repo) {
  if (job.provider == CiProvider::kGitHub) {
    std::vector<std::string> open = {"actor", "actor_id", "repository_visibility", "sha", "run_id", "run_number",
                                     "run_attempt", "workflow_sha", "job_workflow_sha", "enterprise", "enterprise_id",
                                     "check_run_id"};
    if (repo.owner_id.empty()) open.push_back("repository_owner_id");
    if (repo.repo_id.empty()) open.push_back("repository_id");
    return open;
  }
  std::vector<std::string> open = {"user_id", "user_login", "user_email", "user_access_level", "pipeline_id",
                                   "job_id", "sha", "environment_protected", "deployment_tier", "environment_action",
                                   "runner_id", "runner_environment", "project_visibility", "ci_config_sha"};
  if (!repo.protected_refs_given) open.push_back("ref_protected");
  if (repo.owner_id.empty()) open.push_back("namespace_id");
  if (repo.repo_id.empty()) open.push_back("project_id");
  return open;
}

// ---------------------------------------------------------------------------
// Frames of one trigger.

struct Unknowns {
  std::vector<std::string> environments;  // empty: the job's environment is known
  std::vector<std::string> audiences;     // empty: the request's audience is known
  bool audiences_assumed = true;          // false: the candidates are the request's choice
  std::vector<std::string> owner_ids, repo_ids;
};

// Multiplies the frames by the values of one dimension (at most
// kMaxFrames in all). `phrase` is how an assumed value reads ("the
// environment is `{}`"); empty for values the job itself chooses.
template <typename Setter>
void Expand(std::vector<Frame>* frames, const std::vector<std::string>& values, const char* phrase, Setter set) {
  std::vector<Frame> out;
  for (const Frame& f : *frames) {
    for (const std::string& v : values) {
      if (out.size() >= kMaxFrames) break;
      Frame g = f;
      set(&g, v);
      if (*phrase) g.assumptions.push_back(fmt::format(fmt::runtime(phrase), v));
      out.push_back(std::move(g));
    }
  }
  *frames = std::move(out);
}

// The branches and tags a trigger runs on, as frames. Pull and merge
// requests also choose their source branch: any branch but the default
// one (whose code is already merged).
std::vector<Frame> RefFrames(const CiJob& job, const CiTrigger& trigger, const TrustVocabulary& vocab,
                             const CiRepository& repo) {
  std::vector<Frame> out;
  auto add = [&](bool tag, const std::string& name) {
    Frame f;
    f.trigger = &trigger;
    f.tag = tag;
    f.ref_name = name;
    out.push_back(std::move(f));
  };
  if (trigger.ref_kind == Kind::kMergeRequest) {
    add(false, repo.default_branch);
  } else {
    if (trigger.ref_kind != Kind::kTag)
      for (const std::string& b : RefCandidates(trigger, false, vocab, repo, job.provider)) add(false, b);
    if (trigger.ref_kind == Kind::kTag || trigger.ref_kind == Kind::kBranchOrTag)
      for (const std::string& t : RefCandidates(trigger, true, vocab, repo, job.provider)) add(true, t);
  }
  if (trigger.ref_kind == Kind::kPullRequest || trigger.ref_kind == Kind::kMergeRequest) {
    CiTrigger source = trigger.ref_kind == Kind::kMergeRequest ? trigger : CiTrigger{};
    source.refs.exclude.push_back({RefPattern::Kind::kExact, repo.default_branch, false});
    Expand(&out, RefCandidates(source, false, vocab, repo, job.provider), "",
           [](Frame* f, const std::string& v) { f->head_branch = v; });
  }
  return out;
}

// Every run of the trigger worth trying: its refs, then each unknown value
// with the candidates the trust suggests.
std::vector<Frame> FramesOf(const CiJob& job, const CiTrigger& trigger, const CiTokenRequest& request,
                            const TrustVocabulary& vocab, const CiRepository& repo, const Unknowns& unknowns) {
  std::vector<Frame> frames = RefFrames(job, trigger, vocab, repo);
  auto fixed = [](const std::vector<std::string>& candidates, const std::string& known) {
    return candidates.empty() ? std::vector<std::string>{known} : candidates;
  };
  auto phrase = [](const std::vector<std::string>& candidates, const char* words) { return candidates.empty() ? "" : words; };
  if (!job.environment_choices.empty()) {
    // A matrix: the job runs in each environment (choices, not unknowns).
    Expand(&frames, job.environment_choices, "", [](Frame* f, const std::string& v) { f->environment = v; });
  } else {
    Expand(&frames, fixed(unknowns.environments, job.environment.value_or("")),
           phrase(unknowns.environments, "the environment is `{}`"),
           [](Frame* f, const std::string& v) { f->environment = v; });
  }
  Expand(&frames, fixed(unknowns.audiences, request.audience),
         unknowns.audiences_assumed ? phrase(unknowns.audiences, "the audience is `{}`") : "",
         [](Frame* f, const std::string& v) { f->audience = v; });
  if (!job.job_workflow_refs.empty()) {
    Expand(&frames, job.job_workflow_refs, "", [](Frame* f, const std::string& v) { f->job_workflow_ref = v; });
  }
  Expand(&frames, fixed(unknowns.owner_ids, repo.owner_id), phrase(unknowns.owner_ids, "the owner id is `{}`"),
         [](Frame* f, const std::string& v) { f->owner_id = v; });
  Expand(&frames, fixed(unknowns.repo_ids, repo.repo_id), phrase(unknowns.repo_ids, "the repository id is `{}`"),
         [](Frame* f, const std::string& v) { f->repo_id = v; });
  if (trigger.event == "pull_request_target") {
    // Both readings of its subject (see the top of this file).
    Expand(&frames, {"pull_request", "ref"}, "",
           [](Frame* f, const std::string& v) { f->pull_request_context = v == "pull_request"; });
  }
  return frames;
}

// ---------------------------------------------------------------------------
// Wording.

std::string RefFilterWords(const RefFilter& f, const char* noun, const char* plural) {
  if (f.any()) return fmt::format("any {}", noun);
  std::vector<std::string> parts;
  for (const RefPattern& p : f.include) {
    if (p.negated) continue;
    bool literal = p.kind == RefPattern::Kind::kExact ||
                   (p.kind == RefPattern::Kind::kGitHubGlob && p.text.find_first_of("*?+[\\") == std::string::npos);
    parts.push_back(literal ? fmt::format("{} `{}`", noun, p.text) : fmt::format("{} matching `{}`", plural, p.text));
  }
  if (parts.empty()) parts.push_back(fmt::format("any {}", noun));
  return JoinWords(parts, "or");
}

std::string TriggerWords(const CiTrigger& t) {
  const std::string& e = t.event;
  switch (t.ref_kind) {
    case Kind::kPullRequest:
      return e == "pull_request_target" ? "runs on `pull_request_target`" : "runs on pull requests";
    case Kind::kMergeRequest:
      return "runs in merge request pipelines";
    case Kind::kTag:
      return fmt::format("runs on `{}` of {}", e, RefFilterWords(t.refs, "tag", "tags"));
    case Kind::kBranchOrTag:
      return fmt::format("runs on `{}` from any branch or tag", e);
    case Kind::kBranch:
      break;
  }
  return fmt::format("runs on `{}` to {}", e, RefFilterWords(t.refs, "branch", "branches"));
}

// ---------------------------------------------------------------------------
// Matching targets to trusts.

std::string RoleNameOfArn(const std::string& arn) {
  size_t role = arn.find(":role/");
  if (role == std::string::npos) return arn;
  std::string path = arn.substr(role + 6);
  return path.substr(path.rfind('/') + 1);
}

bool TargetNamesTrust(const CiTarget& target, const Trust& trust) {
  if (trust.platform != target.platform || !target.known()) return false;
  switch (target.platform) {
    case Platform::kAws:
      // A role ARN names one account's role; a bare name (which the action
      // completes with the caller's account) names it in any account.
      if (!trust.arn.empty() && target.value.rfind("arn:", 0) == 0) return trust.arn == target.value;
      return !trust.name.empty() && trust.name == RoleNameOfArn(target.value);
    case Platform::kAzure:
      return !trust.facts.access_unit.empty() && trust.facts.access_unit == target.value;
    case Platform::kGcp: {
      size_t slash = target.value.rfind("/providers/");
      std::string id = slash == std::string::npos ? target.value : target.value.substr(slash + 11);
      return trust.name == id;
    }
    case Platform::kVault:
      if (trust.name != target.value) return false;
      return !trust.facts.vault || trust.facts.vault->mount.empty() || target.mount.empty() ||
             trust.facts.vault->mount == target.mount;
  }
  return false;
}

// ---------------------------------------------------------------------------
// One job against one trust.

struct Attempt {
  bool accepted = false;
  bool assumed = false;
  Json::Value claims;
  std::string assumption;
  Decision decision;
};

class TargetJudge {
 public:
  TargetJudge(const CiJob& job, const Trust& trust, const CiRepository& repo, const CiJoinOptions& options)
      : job_(job), trust_(trust), repo_(repo), options_(options), vocab_(VocabularyOf(trust)) {}

  CiTargetVerdict Judge(const CiTokenRequest& request, bool named) {
    CiTargetVerdict v;
    v.trust = &trust_;
    v.named = named;
    v.request_loc = request.loc;
    Unknowns unknowns = UnknownsOf(request);
    Chosen accepted, assumed, refused;
    for (const CiTrigger& trigger : job_.triggers) {
      Attempt best = Try(trigger, request, unknowns);
      if (!best.accepted) {
        refused.Offer(best, trigger);
        continue;
      }
      (best.assumed ? assumed : accepted).Offer(best, trigger);
      if (std::find(v.triggers.begin(), v.triggers.end(), trigger.event) == v.triggers.end())
        v.triggers.push_back(trigger.event);
      AddRisky(trigger, request, unknowns, best, &v);
    }
    Conclude(accepted, assumed, refused, &v);
    return v;
  }

 private:
  // The run a verdict shows: the first one offered, unless a later one
  // comes from a trigger that is not risky (the job's normal run).
  struct Chosen {
    std::optional<Attempt> attempt;
    const CiTrigger* trigger = nullptr;
    void Offer(const Attempt& a, const CiTrigger& t) {
      if (attempt && !(t.risk.empty() && !trigger->risk.empty())) return;
      attempt = a;
      trigger = &t;
    }
  };

  // A risky trigger that reaches the trust, with its witness. One risky
  // because it runs on any branch reaches it riskily only from a branch
  // other than the default one.
  void AddRisky(const CiTrigger& trigger, const CiTokenRequest& request, const Unknowns& unknowns, const Attempt& best,
                CiTargetVerdict* v) {
    if (trigger.risk.empty() || std::find(v->risky.begin(), v->risky.end(), trigger.event) != v->risky.end()) return;
    Attempt risky = best;
    if (trigger.ref_kind == Kind::kBranchOrTag) {
      CiTrigger elsewhere = trigger;
      elsewhere.refs.exclude.push_back({RefPattern::Kind::kExact, repo_.default_branch, false});
      risky = Try(elsewhere, request, unknowns);
      if (!risky.accepted) return;
    }
    v->risky.push_back(trigger.event);
    v->risky_witnesses.push_back({trigger.event, trigger.risk, risky.claims});
  }

  void Conclude(const Chosen& accepted, const Chosen& assumed, const Chosen& refused, CiTargetVerdict* v) const {
    if (accepted.attempt) {
      v->decision = CiDecision::kAccept;
      v->witness = accepted.attempt->claims;
      v->reason = fmt::format("job `{}` {}: `{}` is accepted", job_.id, Context(*accepted.trigger, accepted.attempt->claims),
                              accepted.attempt->claims["sub"].asString());
    } else if (assumed.attempt) {
      v->decision = CiDecision::kUnknown;
      v->witness = assumed.attempt->claims;
      v->reason = fmt::format("job `{}` {}: accepted only if {}", job_.id, Context(*assumed.trigger, assumed.attempt->claims),
                              assumed.attempt->assumption);
    } else {
      // Refused; or undecided when the trust's own answer is unknown (a
      // Terraform variable, a CEL error), which never accepts.
      bool undecided = refused.attempt && refused.attempt->decision.outcome == Outcome::kUnknown;
      v->decision = undecided ? CiDecision::kUnknown : CiDecision::kReject;
      v->reason = RejectReason(refused.attempt, refused.trigger);
    }
  }

  Unknowns UnknownsOf(const CiTokenRequest& request) const {
    Unknowns u;
    if (job_.environment && !job_.environment_known) {
      After(vocab_.strings, ":environment:", ":", &u.environments);
      auto it = vocab_.by_claim.find("environment");
      if (it != vocab_.by_claim.end()) u.environments.insert(u.environments.end(), it->second.begin(), it->second.end());
      u.environments.push_back("ENVIRONMENT");
    }
    if (request.audience.empty()) {
      auto it = vocab_.by_claim.find("aud");
      if (it != vocab_.by_claim.end()) u.audiences = it->second;
      u.audiences.push_back("AUDIENCE");
      u.audiences_assumed = !request.audience_chosen_for_trust;
    }
    if (job_.provider == CiProvider::kGitHub && repo_.github_immutable_subject) {
      static const RE2 kOwnerId(R"(^repo:[^@/:]+@(\d+)/)");
      static const RE2 kRepoId(R"(^repo:[^/:]+/[^@:]+@(\d+):)");
      for (const std::string& s : vocab_.strings) {
        std::string id;
        if (repo_.owner_id.empty() && RE2::PartialMatch(s, kOwnerId, &id)) AddUnique(&u.owner_ids, id);
        if (repo_.repo_id.empty() && RE2::PartialMatch(s, kRepoId, &id)) AddUnique(&u.repo_ids, id);
      }
      if (repo_.owner_id.empty()) AddUnique(&u.owner_ids, "1");
      if (repo_.repo_id.empty()) AddUnique(&u.repo_ids, "1");
    }
    return u;
  }

  Json::Value Claims(const Frame& f) const {
    return job_.provider == CiProvider::kGitHub ? GitHubClaims(job_, f, repo_, options_.now)
                                                : GitLabClaims(job_, f, repo_, options_.now);
  }

  // The best attempt for one trigger: an accept, else an accept that needs
  // an assumption, else the first rejection (the most natural run).
  Attempt Try(const CiTrigger& trigger, const CiTokenRequest& request, const Unknowns& unknowns) {
    std::vector<Frame> frames = FramesOf(job_, trigger, request, vocab_, repo_, unknowns);
    Attempt first;
    std::optional<Attempt> assumed;
    for (const Frame& f : frames) {
      Attempt a = Decide(f);
      if (a.accepted && !a.assumed) return a;
      if (a.accepted && !assumed) assumed = a;
      if (first.claims.isNull()) first = a;
    }
    if (assumed) return *assumed;
    // Unknown claims the trust reads, filled in with the values it compares
    // them with: accepted then means "only for that value".
    std::vector<std::string> open;
    for (const std::string& claim : OpenClaims(job_, repo_))
      if (vocab_.by_claim.count(claim)) open.push_back(claim);
    if (!open.empty()) {
      for (Frame f : frames) {
        for (const std::string& claim : open) {
          f.assumed_claims[claim] = vocab_.by_claim.at(claim).front();
          f.assumptions.push_back(fmt::format("`{}` is `{}`", claim, f.assumed_claims[claim]));
        }
        Attempt a = Decide(f);
        if (a.accepted) {
          a.assumed = true;
          return a;
        }
      }
    }
    return first;
  }

  Attempt Decide(const Frame& f) {
    Attempt a;
    a.claims = Claims(f);
    a.decision = Evaluate(trust_, trustcheck::Claims(a.claims), EvalOptions{options_.now});
    a.accepted = a.decision.accepted;
    a.assumed = !f.assumptions.empty();
    a.assumption = JoinWords(f.assumptions, "and");
    return a;
  }

  // How the run reads: its trigger, and the environment its token names.
  std::string Context(const CiTrigger& trigger, const Json::Value& claims) const {
    if (!job_.environment) return TriggerWords(trigger);
    return fmt::format("runs in environment `{}` ({})", claims.get("environment", *job_.environment).asString(),
                       TriggerWords(trigger).substr(5));
  }

  std::string RejectReason(const std::optional<Attempt>& a, const CiTrigger* trigger) const {
    if (!a || a->claims.isNull()) return fmt::format("job `{}` has no trigger that runs it", job_.id);
    std::string why = a->decision.reasons.empty() ? OutcomeName(a->decision.outcome) : a->decision.reasons[0].message;
    return fmt::format("job `{}` {}, so its subject is `{}`; {} `{}` refuses it: {}", job_.id,
                       trigger ? Context(*trigger, a->claims) : "runs", a->claims["sub"].asString(), TrustKindName(trust_.kind),
                       trust_.name, why);
  }

  const CiJob& job_;
  const Trust& trust_;
  const CiRepository& repo_;
  const CiJoinOptions& options_;
  TrustVocabulary vocab_;
};

int Rank(CiDecision d) { return d == CiDecision::kAccept ? 2 : d == CiDecision::kUnknown ? 1 : 0; }

}  // namespace

const char* CiProviderName(CiProvider provider) { return provider == CiProvider::kGitHub ? "github" : "gitlab"; }

const char* CiDecisionName(CiDecision decision) {
  switch (decision) {
    case CiDecision::kAccept: return "accept";
    case CiDecision::kReject: return "reject";
    case CiDecision::kUnknown: return "unknown";
  }
  return "unknown";
}

namespace {

// One job's report: its requests, each judged against the trusts it may
// reach; a trust reached by several requests keeps its best verdict, a
// named one before one that is not.
class JobJoin {
 public:
  JobJoin(const CiJob& job, const std::vector<const Trust*>& trusts, const CiRepository& repo,
          const CiJoinOptions& options)
      : job_(job), trusts_(trusts), repo_(repo), options_(options) {
    report_.job = &job;
  }

  CiJobReport Run() {
    for (const CiTokenRequest& request : job_.requests) Request(request);
    return std::move(report_);
  }

 private:
  void Request(const CiTokenRequest& request) {
    if (request.target && request.target->known()) {
      bool any = false;
      for (const Trust* t : trusts_) {
        if (!TargetNamesTrust(*request.target, *t)) continue;
        any = true;
        Record(TargetJudge(job_, *t, repo_, options_).Judge(request, true), true);
      }
      if (any) return;
      // Entra credential files do not say which client id they belong to.
      if (request.target->platform != Platform::kAzure) {
        Note(fmt::format("{} `{}` is not among the loaded trusts", request.target->noun, request.target->value));
        return;
      }
    }
    // The request names no trust, or names it by a value not known here:
    // every trust of its platform (or every trust) may be the one. Without
    // a platform, only the trusts that accept (or may) are worth listing.
    for (const Trust* t : trusts_) {
      if (request.target && t->platform != request.target->platform) continue;
      Record(TargetJudge(job_, *t, repo_, options_).Judge(request, false), request.target.has_value());
    }
  }

  void Record(CiTargetVerdict v, bool keep_rejects) {
    if (!keep_rejects && v.decision == CiDecision::kReject) return;
    auto it = index_.find(v.trust);
    if (it == index_.end()) {
      index_[v.trust] = report_.targets.size();
      report_.targets.push_back(std::move(v));
      return;
    }
    CiTargetVerdict& old = report_.targets[it->second];
    if (Rank(v.decision) > Rank(old.decision) || (v.named && !old.named)) old = std::move(v);
  }

  void Note(const std::string& note) {
    if (std::find(report_.unmatched.begin(), report_.unmatched.end(), note) == report_.unmatched.end())
      report_.unmatched.push_back(note);
  }

  const CiJob& job_;
  const std::vector<const Trust*>& trusts_;
  const CiRepository& repo_;
  const CiJoinOptions& options_;
  CiJobReport report_;
  std::map<const Trust*, size_t> index_;  // trust -> its verdict in report_.targets
};

}  // namespace

std::vector<CiJobReport> JoinCiJobs(const std::vector<CiJob>& jobs, const std::vector<const Trust*>& trusts,
                                    const CiRepository& repo, const CiJoinOptions& options) {
  std::vector<CiJobReport> reports;
  for (const CiJob& job : jobs) reports.push_back(JobJoin(job, trusts, repo, options).Run());
  return reports;
}

namespace {

// scheme://user@host:port/path.git, or scp-like user@host:path.git.
const RE2& RemotePattern() {
  static const RE2 kRemote(R"(^(?:[a-z+]+://)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?/?$)");
  return kRemote;
}

}  // namespace

std::string RepositoryPathFromRemote(const std::string& url) {
  std::string host, path;
  if (!RE2::FullMatch(url, RemotePattern(), &host, &path)) return "";
  if (path.find('/') == std::string::npos) return "";
  return path;
}

std::string RepositoryHostFromRemote(const std::string& url) {
  std::string host, path;
  if (!RE2::FullMatch(url, RemotePattern(), &host, &path) || path.find('/') == std::string::npos) return "";
  return host;
}

}  // namespace trustcheck
