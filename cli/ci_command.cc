// `trustcheck ci [--repo OWNER/REPO] [--at TIME] [--format text|json|sarif] [--fail-on refused|risky|never] REPO_DIR [TRUST_PATH...]`
//
// The tokens a repository's CI jobs can mint, joined with the trusts they
// target (trustcheck/ci.h); this file parses, loads, and renders.

#include <fmt/format.h>
#include <json/json.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "cli/command.h"
#include "cli/progress.h"
#include "lint/style.h"
#include "trustcheck/ci.h"
#include "trustcheck/claims.h"
#include "trustcheck/git.h"
#include "trustcheck/load.h"
#include "trustcheck/read.h"

namespace trustcheck::cli {

namespace {

CommandSpec Spec() {
  CommandSpec spec{
      "ci",
      {"REPO_DIR [TRUST_PATH...]"},
      "Reads the repository's CI configurations (GitHub Actions workflows, .gitlab-ci.yml), derives the tokens each\n"
      "job can mint on each trigger, and decides them against the trusts the jobs target (TRUST_PATHs, default: the\n"
      "trusts found inside REPO_DIR). Reports, per job and trust, accepted (with a token eval accepts), refused (and\n"
      "why), and the risky triggers that reach it. Exit codes: 1 when --fail-on is met (refused: a job names a trust\n"
      "that refuses every token it can mint; risky: that, or a risky trigger reaches a trust), 0 otherwise, 2 on a\n"
      "usage or input error. docs/workflows.md explains what is read and assumed.",
      {{"repo", "OWNER/REPO", "the repository (GitLab: GROUP/PROJECT); default: from the git remote `origin`"},
       {"repo-id", "ID", "GitHub repository_id / GitLab project_id"},
       {"owner-id", "ID", "GitHub repository_owner_id / GitLab namespace_id"},
       {"default-branch", "NAME", "the default branch (default: from git, else `main`)"},
       {"subject-config", "FILE", "the subject customisation: GitHub's OIDC customisation JSON, or GitLab's sub components"},
       {"immutable-subject", "", "GitHub mints immutable subjects (`repo:OWNER@ID/REPO@ID:...`)"},
       {"protected", "REF", "a protected GitLab branch or tag (`*` globs); repeatable", false, true},
       {"set", "NAME=VALUE", "the value of `vars.NAME`, `secrets.NAME` or a GitLab variable; repeatable", false, true},
       {"github-issuer", "URL", "GitHub's token issuer (GitHub Enterprise; default: https://token.actions.githubusercontent.com)"},
       {"gitlab-issuer", "URL", "the GitLab instance (default: the git remote's host when not github.com, else https://gitlab.com)"},
       {"at", "TIME", "when the tokens are minted (RFC 3339 or Unix seconds; default: now)"},
       {"format", "text|json|sarif", "output format (default: text)"},
       {"fail-on", "refused|risky|never", "exit 1 on a refused named trust, or also on a risky trigger (default: refused)"},
       {"no-color", "", "no colour, even on a terminal (also: NO_COLOR)"}}};
  for (OptionSpec& o : LoadOptionSpecs()) spec.options.push_back(std::move(o));
  return spec;
}

std::string Shown(const std::string& path) {
  return path.rfind("./", 0) == 0 ? path.substr(2) : path;
}

// --subject-config: GitHub's `{"use_default": false, "include_claim_keys": [...],
// "use_immutable_subject": true}` or GitLab's `{"ci_id_token_sub_claim_components": [...]}`.
Status ReadSubjectConfig(const std::string& path, CiRepository* repo) {
  ReadOptions read;
  read.max_bytes = 1 << 20;
  read.what = "subject configuration";
  read.allow_streams = true;
  TRUSTCHECK_ASSIGN_OR_RETURN(std::string text, ReadBounded(path, read));
  Json::Value root;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  if (!reader->parse(text.data(), text.data() + text.size(), &root, &errors) || !root.isObject()) {
    return Status::Error(SourceLoc::File(path), "the subject configuration must be a JSON object");
  }
  auto strings = [&](const char* key, std::vector<std::string>* out) -> Status {
    const Json::Value& v = root[key];
    if (v.isNull()) return Status();
    if (!v.isArray()) return Status::Error(SourceLoc::File(path), fmt::format("`{}` must be a list of strings", key));
    for (const Json::Value& e : v) {
      if (!e.isString()) return Status::Error(SourceLoc::File(path), fmt::format("`{}` must be a list of strings", key));
      out->push_back(e.asString());
    }
    return Status();
  };
  bool use_default = root.get("use_default", true).isBool() ? root.get("use_default", true).asBool() : true;
  std::vector<std::string> keys;
  TRUSTCHECK_RETURN_IF_ERROR(strings("include_claim_keys", &keys));
  if (!use_default || !root.isMember("use_default")) repo->github_claim_keys = keys;
  if (root["use_immutable_subject"].isBool()) repo->github_immutable_subject = root["use_immutable_subject"].asBool();
  TRUSTCHECK_RETURN_IF_ERROR(strings("ci_id_token_sub_claim_components", &repo->gitlab_sub_components));
  return Status();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The repository facts from the flags, then from git.
bool RepositoryFromArgs(const Args& args, const std::string& dir, CiRepository* repo) {
  repo->path = args.Get("repo");
  // The remote says which repository REPO_DIR is only when REPO_DIR is the
  // top of a checkout (a folder inside another repository is not it).
  std::string remote;
  std::error_code ec;
  auto top = RunGit(dir, {"rev-parse", "--show-toplevel"}, 4096);
  bool is_top = top && std::filesystem::equivalent(Trimmed(*top), dir, ec);
  if (auto url = is_top ? RunGit(dir, {"config", "--get", "remote.origin.url"}, 4096) : std::nullopt)
    remote = Trimmed(*url);
  if (repo->path.empty()) repo->path = RepositoryPathFromRemote(remote);
  std::string host = RepositoryHostFromRemote(remote);
  if (!host.empty() && host != "github.com") repo->gitlab_issuer = "https://" + host;
  if (args.Has("github-issuer")) repo->github_issuer = args.Get("github-issuer");
  if (args.Has("gitlab-issuer")) repo->gitlab_issuer = args.Get("gitlab-issuer");
  if (repo->path.empty() || repo->path.find('/') == std::string::npos) {
    UsageError("cannot tell the repository: pass --repo OWNER/REPO (no git remote `origin` names one)");
    return false;
  }
  repo->repo_id = args.Get("repo-id");
  repo->owner_id = args.Get("owner-id");
  repo->default_branch = args.Get("default-branch");
  if (repo->default_branch.empty() && is_top) {
    if (auto head = RunGit(dir, {"symbolic-ref", "--short", "refs/remotes/origin/HEAD"}, 4096)) {
      std::string h = Trimmed(*head);
      repo->default_branch = h.substr(h.find('/') == std::string::npos ? 0 : h.find('/') + 1);
    }
  }
  if (repo->default_branch.empty()) repo->default_branch = "main";
  repo->github_immutable_subject = args.Has("immutable-subject");
  auto protected_refs = args.values.find("protected");
  if (protected_refs != args.values.end()) {
    repo->protected_refs = protected_refs->second;
    repo->protected_refs_given = true;
  }
  auto sets = args.values.find("set");
  if (sets != args.values.end()) {
    for (const std::string& s : sets->second) {
      size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        UsageError(fmt::format("--set `{}`: expected NAME=VALUE", s));
        return false;
      }
      repo->values[s.substr(0, eq)] = s.substr(eq + 1);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Rendering.

struct Row {
  const CiJob* job;
  const CiTargetVerdict* verdict;
};

std::string TrustLabel(const Trust& t) {
  return fmt::format("{} `{}`", TrustKindName(t.kind), t.name.empty() ? std::string("(unnamed)") : t.name);
}

std::string RenderVerdict(const CiTargetVerdict& v, bool color) {
  lint::Tone tone = v.decision == CiDecision::kAccept ? (v.risky.empty() ? lint::Tone::kGood : lint::Tone::kWarning)
                    : v.decision == CiDecision::kReject ? lint::Tone::kBad
                                                        : lint::Tone::kUnsure;
  std::string out = fmt::format("  {} {} ({}:{}){}\n", lint::Paint(color, tone, fmt::format("{:<7}", CiDecisionName(v.decision))),
                                TrustLabel(*v.trust), Shown(v.trust->loc.path()), v.trust->loc.line,
                                v.named ? "" : ", not named by the job");
  out += fmt::format("          {}\n", v.reason);
  Json::StreamWriterBuilder compact;
  compact["indentation"] = "";
  for (const auto& rt : v.risky_witnesses) {
    out += fmt::format("          risky: `{}` reaches it: it {}\n          token: {}\n", rt.event, rt.risk,
                       Json::writeString(compact, rt.witness));
  }
  return out;
}

std::string RenderText(const std::vector<CiJobReport>& reports, bool color) {
  std::string out;
  size_t counts[3] = {0, 0, 0}, risky = 0;  // by CiDecision
  for (const CiJobReport& r : reports) {
    const CiJob& j = *r.job;
    out += fmt::format("{}:{}: job `{}` ({})\n", Shown(j.loc.path()), j.loc.line, j.id, CiProviderName(j.provider));
    if (r.targets.empty() && r.unmatched.empty()) out += "  no loaded trust accepts its tokens\n";
    for (const CiTargetVerdict& v : r.targets) {
      out += RenderVerdict(v, color);
      ++counts[static_cast<int>(v.decision)];
      risky += !v.risky.empty();
    }
    for (const std::string& u : r.unmatched) out += fmt::format("  note: {}\n", u);
    for (const std::string& n : j.notes) out += fmt::format("  note: {}\n", n);
  }
  out += fmt::format("{} job(s): {} accepted, {} refused, {} unknown; {} reachable from a risky trigger\n",
                     reports.size(), counts[static_cast<int>(CiDecision::kAccept)],
                     counts[static_cast<int>(CiDecision::kReject)], counts[static_cast<int>(CiDecision::kUnknown)], risky);
  return out;
}

Json::Value ToJson(const std::vector<CiJobReport>& reports) {
  Json::Value root(Json::objectValue);
  Json::Value& jobs = root["jobs"] = Json::Value(Json::arrayValue);
  for (const CiJobReport& r : reports) {
    const CiJob& j = *r.job;
    Json::Value job(Json::objectValue);
    job["file"] = Shown(j.loc.path());
    job["line"] = j.loc.line;
    job["job"] = j.id;
    job["provider"] = CiProviderName(j.provider);
    if (j.environment) job["environment"] = *j.environment;
    Json::Value& targets = job["targets"] = Json::Value(Json::arrayValue);
    for (const CiTargetVerdict& v : r.targets) {
      Json::Value t(Json::objectValue);
      t["source"] = Shown(v.trust->loc.path());
      t["line"] = v.trust->loc.line;
      t["name"] = v.trust->name;
      t["kind"] = TrustKindName(v.trust->kind);
      t["platform"] = PlatformName(v.trust->platform);
      t["named"] = v.named;
      t["decision"] = CiDecisionName(v.decision);
      t["reason"] = v.reason;
      t["triggers"] = Json::Value(Json::arrayValue);
      for (const std::string& s : v.triggers) t["triggers"].append(s);
      t["risky"] = Json::Value(Json::arrayValue);
      for (const std::string& s : v.risky) t["risky"].append(s);
      Json::Value details(Json::arrayValue);
      for (const auto& rt : v.risky_witnesses) {
        Json::Value d(Json::objectValue);
        d["trigger"] = rt.event;
        d["why"] = rt.risk;
        d["witness"] = rt.witness;
        details.append(d);
      }
      t["risky_witnesses"] = details;
      if (!v.witness.isNull()) t["witness"] = v.witness;
      targets.append(t);
    }
    Json::Value notes(Json::arrayValue);
    for (const std::string& u : r.unmatched) notes.append(u);
    for (const std::string& n : j.notes) notes.append(n);
    job["notes"] = notes;
    jobs.append(job);
  }
  return root;
}

Json::Value SarifLocation(const SourceLoc& loc) {
  Json::Value l(Json::objectValue);
  Json::Value& physical = l["physicalLocation"];
  physical["artifactLocation"]["uri"] = Shown(loc.path());
  if (loc.line) {
    physical["region"]["startLine"] = loc.line;
    if (loc.column) physical["region"]["startColumn"] = loc.column;
  }
  return l;
}

std::string RenderSarif(const std::vector<CiJobReport>& reports) {
  struct RuleInfo {
    const char* id;
    const char* name;
    const char* text;
    const char* level;
  };
  static const RuleInfo kRules[] = {
      {"CI001", "trust-refuses-job", "a job names a trust that refuses every token the job can mint", "error"},
      {"CI002", "risky-trigger-reaches-trust", "a trigger that runs unreviewed code, or runs from any branch, reaches a trust", "warning"},
      {"CI003", "undecided-job-trust", "whether a trust accepts a job's tokens depends on a value the configuration does not fix", "note"},
  };
  Json::Value run(Json::objectValue);
  Json::Value& driver = run["tool"]["driver"];
  driver["name"] = "trustcheck";
  driver["version"] = TRUSTCHECK_VERSION;
  driver["informationUri"] = "https://github.com/trustcheck/trustcheck";
  driver["rules"] = Json::Value(Json::arrayValue);
  for (const RuleInfo& r : kRules) {
    Json::Value rule(Json::objectValue);
    rule["id"] = r.id;
    rule["name"] = r.name;
    rule["shortDescription"]["text"] = r.text;
    rule["defaultConfiguration"]["level"] = r.level;
    driver["rules"].append(rule);
  }
  run["results"] = Json::Value(Json::arrayValue);
  auto add = [&](int rule, const SourceLoc& loc, const std::string& message, const SourceLoc& trust_loc) {
    Json::Value result(Json::objectValue);
    result["ruleId"] = kRules[rule].id;
    result["ruleIndex"] = rule;
    result["level"] = kRules[rule].level;
    result["message"]["text"] = message;
    result["locations"] = Json::Value(Json::arrayValue);
    result["locations"].append(SarifLocation(loc));
    result["relatedLocations"] = Json::Value(Json::arrayValue);
    Json::Value related = SarifLocation(trust_loc);
    related["id"] = 0;
    related["message"]["text"] = "the trust";
    result["relatedLocations"].append(related);
    run["results"].append(result);
  };
  for (const CiJobReport& r : reports) {
    for (const CiTargetVerdict& v : r.targets) {
      SourceLoc at = v.request_loc.known() ? v.request_loc : r.job->loc;
      if (v.decision == CiDecision::kReject && v.named) add(0, at, v.reason, v.trust->loc);
      for (const auto& rt : v.risky_witnesses)
        add(1, at, fmt::format("`{}` reaches {}: it {}", rt.event, TrustLabel(*v.trust), rt.risk), v.trust->loc);
      if (v.decision == CiDecision::kUnknown && v.named) add(2, at, v.reason, v.trust->loc);
    }
  }
  Json::Value log(Json::objectValue);
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = Json::Value(Json::arrayValue);
  log["runs"].append(run);
  Json::StreamWriterBuilder w;
  w["indentation"] = "  ";
  return Json::writeString(w, log) + "\n";
}

int ExitCode(const std::vector<CiJobReport>& reports, const std::string& fail_on) {
  if (fail_on == "never") return kExitOk;
  for (const CiJobReport& r : reports) {
    for (const CiTargetVerdict& v : r.targets) {
      if (v.named && v.decision == CiDecision::kReject) return kExitNegative;
      if (fail_on == "risky" && !v.risky.empty()) return kExitNegative;
    }
  }
  return kExitOk;
}

void Print(const std::vector<CiJobReport>& reports, const std::string& format, bool color) {
  if (format == "json") {
    Json::StreamWriterBuilder w;
    w["indentation"] = "  ";
    std::fputs((Json::writeString(w, ToJson(reports)) + "\n").c_str(), stdout);
  } else if (format == "sarif") {
    std::fputs(RenderSarif(reports).c_str(), stdout);
  } else {
    std::fputs(RenderText(reports, color).c_str(), stdout);
  }
}

// The repository, the subject settings and the time, from the flags; false
// after a usage or input error (printed).
bool ReadRepositoryAndTime(const Args& args, const std::string& dir, CiRepository* repo, CiJoinOptions* join,
                           int* exit_code) {
  *exit_code = kExitError;
  if (!RepositoryFromArgs(args, dir, repo)) return false;
  if (args.Has("subject-config")) {
    Status s = ReadSubjectConfig(args.Get("subject-config"), repo);
    if (!s.ok()) {
      InputError(s);
      return false;
    }
  }
  join->now = static_cast<int64_t>(std::time(nullptr));
  if (args.Has("at")) {
    auto at = ParseTime(args.Get("at"));
    if (!at.ok()) {
      UsageError(fmt::format("--at `{}`: {}", args.Get("at"), at.status().message()));
      return false;
    }
    join->now = *at;
  }
  return true;
}

}  // namespace

int CiCommand(int argc, char** argv) {
  Args args;
  const CommandSpec spec = Spec();
  if (!ParseArgs(argc, argv, spec, &args)) return kExitError;
  if (args.Has("help")) {
    std::fputs(Help(spec).c_str(), stdout);
    return kExitOk;
  }
  if (args.positional.empty()) return UsageError(std::string("no REPO_DIR given\n") + Usage(spec));
  std::string format = args.Get("format", "text");
  std::string fail_on = args.Get("fail-on", "refused");
  if (!CheckChoice("format", format, {"text", "json", "sarif"})) return kExitError;
  if (!CheckChoice("fail-on", fail_on, {"refused", "risky", "never"})) return kExitError;
  const std::string& dir = args.positional[0];
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return InputError(Status::Error(SourceLoc::File(dir), "REPO_DIR must be a folder (the repository's checkout)"));
  }
  CiRepository repo;
  CiJoinOptions join;
  int exit_code = kExitOk;
  if (!ReadRepositoryAndTime(args, dir, &repo, &join, &exit_code)) return exit_code;

  LoadOptions options;
  options.forced_format = args.Get("type");
  options.malformed_is_error = false;  // a malformed trust refuses every token (fail closed)
  if (!ApplyLimitFlags(args, &options.limits) || !ApplyTerraformVariableFlags(args, &options)) return kExitError;
  auto jobs = ReadCiJobs(dir, repo, options.limits);
  if (!jobs.ok()) return InputError(jobs.status());

  std::vector<std::string> paths(args.positional.begin() + 1, args.positional.end());
  if (paths.empty()) paths.push_back(dir);
  ProgressLine progress(isatty(STDERR_FILENO) != 0);
  options.progress = progress.Callback("loading");
  auto loaded = LoadPaths(paths, options);
  progress.Finish();
  if (!loaded.ok()) return InputError(loaded.status());
  for (const Status& e : loaded->errors) std::fputs(fmt::format("trustcheck: {}\n", e.ToString()).c_str(), stderr);
  std::vector<const Trust*> trusts;
  for (const LoadedFile& f : loaded->files)
    for (const Trust& t : f.trusts) trusts.push_back(&t);

  std::vector<CiJobReport> reports = JoinCiJobs(*jobs, trusts, repo, join);
  Print(reports, format, format == "text" && lint::WantColor(args.Has("no-color")));
  if (!loaded->errors.empty()) return kExitError;
  return ExitCode(reports, fail_on);
}

}  // namespace trustcheck::cli
