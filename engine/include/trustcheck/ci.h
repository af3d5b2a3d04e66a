// trustcheck/ci.h: the tokens a repository's CI configuration will mint,
// joined with the trusts its jobs target.
//
// OVERVIEW
//
// A user rarely holds a token; they hold a repository. ReadCiJobs() reads
// its CI configurations (GitHub Actions workflows, `.gitlab-ci.yml` with its
// local includes) into CiJob values: each job that can request an OIDC
// token, the ways it can run (CiTrigger: an event and the refs it runs
// on), the environment it deploys to, and the token requests of its steps
// (audience, and the role, client id, provider or Vault role they name).
// Nothing is evaluated yet and nothing is assumed: a branch named by a glob
// stays a glob, an environment named by an expression stays unknown.
//
// JoinCiJobs() then asks, for each job and each trust the job may reach,
// whether some token of some trigger is accepted, exactly as `eval` would
// decide it: every candidate token is built as a claims object and given to
// Evaluate(). A value the configuration leaves open is tried with the values
// the trust itself names (`refs/heads/main` in a subject pattern), so a
// reported acceptance always comes with a token `eval` accepts.
//
//   accept   some trigger's token is accepted whatever the unknown settings
//            are (a branch the workflow runs on is a choice of whoever
//            pushes it, not an unknown)
//   unknown  a token is accepted only for some value of a setting the
//            configuration does not fix (an environment named by an
//            expression, `actor`, the repository's ids, `ref_protected`,
//            a role named by a secret), or the trust's answer is unknown
//   reject   no token of any trigger is accepted
//
// Platform facts used here (audiences, subject formats, which events give
// which refs) are listed with their sources in docs/workflows.md.
//
// THREAD SAFETY
//
// Plain values and pure functions.

#ifndef TRUSTCHECK_CI_H_
#define TRUSTCHECK_CI_H_

#include <json/json.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/load.h"
#include "trustcheck/status.h"

namespace trustcheck {

enum class CiProvider : uint8_t { kGitHub, kGitLab };
const char* CiProviderName(CiProvider provider);  // "github", "gitlab"

// One entry of a ref filter, in its platform's pattern language.
struct RefPattern {
  enum class Kind : uint8_t {
    kExact,       // the name itself (GitLab `only: [main]`, `== "main"`)
    kGitHubGlob,  // GitHub filter pattern: `*` (not `/`), `**`, `?`, `+`, `[...]`
    kRegex,       // GitLab `/.../` (RE2 syntax, unanchored as GitLab applies it)
  };
  Kind kind = Kind::kExact;
  std::string text;
  bool negated = false;  // GitHub `!pattern`: excludes what it matches
};

// A set of branch or tag names: the names matched by `include` (every name
// when it is empty) and by none of `exclude`. GitHub lists that mix `!`
// patterns are evaluated in order, the last matching pattern deciding.
struct RefFilter {
  std::vector<RefPattern> include;
  std::vector<RefPattern> exclude;
  bool Matches(const std::string& name) const;
  bool any() const { return include.empty() && exclude.empty(); }
};

// One way a job runs, and the refs its token then names.
struct CiTrigger {
  // GitHub `event_name` (`push`, `pull_request`, `workflow_dispatch`, ...);
  // GitLab `pipeline_source` (`push`, `merge_request_event`, `schedule`, ...).
  std::string event;
  enum class RefKind : uint8_t {
    kBranch,       // a branch in `refs` (push, schedule on the default branch, ...)
    kTag,          // a tag in `refs`
    kBranchOrTag,  // any ref holding the workflow (`workflow_dispatch`)
    kPullRequest,  // GitHub pull-request events: `refs` filters the base branch
    kMergeRequest, // GitLab merge-request pipelines: `refs` filters the source branch
  };
  RefKind ref_kind = RefKind::kBranch;
  RefFilter refs;
  // Runs code nobody reviewed, or can be started from any branch: the
  // reason, one lowercase phrase; empty when not risky.
  std::string risk;
  SourceLoc loc;  // where the trigger is written
};

// The trust a token request names, as the step (or job) writes it.
struct CiTarget {
  Platform platform = Platform::kAws;
  // What the value names: "role", "client id", "workload identity
  // provider", "Vault role".
  std::string noun;
  std::string written;  // as written: `${{ secrets.DEPLOY_ROLE }}`, `arn:aws:iam::...`
  std::string value;    // resolved; empty when unknown
  std::string mount;    // Vault: the auth mount (`jwt` by default)
  bool known() const { return !value.empty(); }
};

// One token a job requests.
struct CiTokenRequest {
  std::string audience;          // the `aud` it asks for
  std::string step;              // "aws-actions/configure-aws-credentials", "id_tokens: VAULT_ID_TOKEN", ...
  std::optional<CiTarget> target;  // none: a plain request that names no trust
  SourceLoc loc;
  // The request is made by a reusable workflow of another repository, whose
  // steps are not read: it asks for the audience each trust expects (that
  // workflow is written for its trusts), so an empty `audience` is not an
  // unknown here.
  bool audience_chosen_for_trust = false;
};

struct CiJob {
  CiProvider provider = CiProvider::kGitHub;
  std::string id;        // the job's key (`deploy`); a called workflow's jobs: `caller/job`
  std::string workflow;  // the file path relative to the repository (`.github/workflows/deploy.yml`)
  SourceLoc loc;         // the job's key
  // GitHub: the workflow whose job this is, for `job_workflow_ref`
  // (differs from `workflow` for reusable workflows), and its `name:`.
  std::string job_workflow;
  std::string workflow_name;
  // A reusable workflow of another repository (`org/repo/.github/workflows/
  // x.yml@v1`): the `job_workflow_ref` values it may carry (`@refs/heads/v1`
  // and `@refs/tags/v1`; a commit id as it is). Empty otherwise.
  std::vector<std::string> job_workflow_refs;
  std::vector<CiTrigger> triggers;
  // The environment the job deploys to: none, a name, or a name the
  // configuration computes (`environment_known` false, `environment` holds
  // how it is written).
  std::optional<std::string> environment;
  bool environment_known = true;
  // A matrix over environments (`environment: ${{ matrix.env }}` with
  // `env: [staging, production]`): the job runs once in each; empty otherwise.
  std::vector<std::string> environment_choices;
  bool self_hosted = false;  // GitHub `runs-on` names a self-hosted runner
  std::vector<CiTokenRequest> requests;
  // What the reader could not follow (a remote include, an `if:` it cannot
  // read), one lowercase sentence each.
  std::vector<std::string> notes;
};

// What the join needs to know about the repository beyond its files.
struct CiRepository {
  // GitHub `OWNER/REPO`, GitLab `GROUP[/SUBGROUP...]/PROJECT`.
  std::string path;
  std::string owner_id;  // GitHub repository_owner_id, GitLab namespace_id ("" unknown)
  std::string repo_id;   // GitHub repository_id, GitLab project_id ("" unknown)
  std::string default_branch = "main";
  // GitHub subject customisation (the repository OIDC API's JSON):
  // `include_claim_keys` when `use_default` is false, and the immutable
  // subject `repo:OWNER@ID/REPO@ID:...`.
  std::vector<std::string> github_claim_keys;
  bool github_immutable_subject = false;
  // GitLab `ci_id_token_sub_claim_components` (empty: the default
  // project_path, ref_type, ref).
  std::vector<std::string> gitlab_sub_components;
  // GitLab protected refs (exact names or `*` globs); ref_protected is
  // unknown for every ref when this is empty.
  std::vector<std::string> protected_refs;
  bool protected_refs_given = false;
  std::string github_issuer = "https://token.actions.githubusercontent.com";
  std::string gitlab_issuer = "https://gitlab.com";
  // Values of `${{ vars.X }}` / `${{ secrets.X }}` (keys `vars.X`,
  // `secrets.X`) and of GitLab CI/CD variables set outside the file (`X`).
  std::map<std::string, std::string> values;
};

// Reads `.github/workflows/*.yml|yaml` and `.gitlab-ci.yml` (with its local
// includes) under `repo_dir`. Errors (unreadable or malformed YAML) are
// located; a repository with no CI configuration gives no jobs.
Result<std::vector<CiJob>> ReadCiJobs(const std::string& repo_dir, const CiRepository& repo,
                                      const LoadLimits& limits);

// One configuration file from its text (the fuzz targets and tests).
// `relative` is its path inside the repository. GitHub workflows that call
// reusable workflows of the same repository need ReadCiJobs to see both.
Result<std::vector<CiJob>> ReadGitHubWorkflowText(const std::string& path, const std::string& relative,
                                                  std::string text, const CiRepository& repo,
                                                  const LoadLimits& limits);
Result<std::vector<CiJob>> ReadGitLabCiText(const std::string& path, std::string text, const CiRepository& repo,
                                            const LoadLimits& limits);

enum class CiDecision : uint8_t { kAccept, kReject, kUnknown };
const char* CiDecisionName(CiDecision decision);  // "accept", "reject", "unknown"

// One trust a job may reach, and what it makes of the job's tokens.
struct CiTargetVerdict {
  const Trust* trust = nullptr;
  // True when a step names this trust (so a refusal is an outage); false
  // when the job names no trust, or names it by a value not given.
  bool named = false;
  CiDecision decision = CiDecision::kReject;
  // accept/unknown: who gets in and on what assumption; reject: why the
  // job's token is refused (the trigger, its subject, the failing check).
  std::string reason;
  std::vector<std::string> triggers;  // the trigger events whose tokens are accepted
  std::vector<std::string> risky;     // those among them that are risky
  // Per risky trigger: why it is risky and the token that proves it.
  struct RiskyTrigger {
    std::string event;
    std::string risk;
    Json::Value witness;
  };
  std::vector<RiskyTrigger> risky_witnesses;
  // A token Evaluate() accepts (accept/unknown); null otherwise.
  Json::Value witness;
  SourceLoc request_loc;  // the step that requested the token
};

struct CiJobReport {
  const CiJob* job = nullptr;
  std::vector<CiTargetVerdict> targets;
  // Named trusts that are not among the loaded ones (`role `deploy` is not
  // among the loaded trusts`).
  std::vector<std::string> unmatched;
};

struct CiJoinOptions {
  int64_t now = 0;  // the time tokens are minted and evaluated at
};

std::vector<CiJobReport> JoinCiJobs(const std::vector<CiJob>& jobs, const std::vector<const Trust*>& trusts,
                                    const CiRepository& repo, const CiJoinOptions& options);

// The `OWNER/REPO` of a git remote URL (https, ssh, scp-like), or "".
std::string RepositoryPathFromRemote(const std::string& url);
// The host of a git remote URL (`gitlab.example.com`), or "".
std::string RepositoryHostFromRemote(const std::string& url);

}  // namespace trustcheck

#endif  // TRUSTCHECK_CI_H_
