// The token models (see token_models.h). One entry per issuer family, in the
// order of the profile table; each names the documentation it follows and
// the date it was checked.

#include "exposure/token_models.h"

#include <cstring>
#include <string>
#include <string_view>

namespace trustcheck::exposure {

namespace {

// GitHub Actions: "OpenID Connect reference", docs.github.com/en/actions/
// reference/security/oidc (example token, subject formats per event),
// checked 2026-12-07. The subject is `repo:OWNER/REPO:` followed by the
// run's context; with immutable subjects the names carry their ids
// (`repo:OWNER@ID/REPO@ID:...`). Pull-request runs have the subject
// `repo:OWNER/REPO:pull_request`.
std::vector<ClaimTemplate> GitHubClaims(const char* subject) {
  return {{"iss", "{iss}"},
          {"aud", "{aud}"},
          {"sub", subject},
          {"repository", "{owner}/{repo}"},
          {"repository_owner", "{owner}"},
          {"repository_owner_id", "{owner_id}"},
          {"repository_id", "{repo_id}"},
          {"repository_visibility", "private"},
          {"ref", "{ref}"},
          {"ref_type", "{ref_type}"},
          {"event_name", "{event}"},
          {"environment", "{environment}"},
          {"head_ref", "{head_ref}"},
          {"base_ref", "{base_ref}"},
          {"workflow", "deploy"},
          {"workflow_ref", "{owner}/{repo}/.github/workflows/deploy.yml@{ref}"},
          {"job_workflow_ref", "{owner}/{repo}/.github/workflows/deploy.yml@{ref}"},
          {"actor", "octocat"},
          {"actor_id", "583231"},
          {"runner_environment", "github-hosted"}};
}

std::vector<RunKind> GitHubRuns() {
  return {
      {"branch",
       "trustcheck-probe",
       {{"suffix", ":ref:refs/heads/{name}"}, {"ref", "refs/heads/{name}"}, {"ref_type", "branch"}, {"event", "push"}}},
      {"tag",
       "trustcheck-probe",
       {{"suffix", ":ref:refs/tags/{name}"}, {"ref", "refs/tags/{name}"}, {"ref_type", "tag"}, {"event", "push"}}},
      {"environment",
       "trustcheck-probe",
       {{"suffix", ":environment:{name}"},
        {"environment", "{name}"},
        {"ref", "refs/heads/main"},
        {"ref_type", "branch"},
        {"event", "push"}},
       false,
       {},
       true},
      {"pull request",
       "1",
       {{"suffix", ":pull_request"},
        {"ref", "refs/pull/{name}/merge"},
        {"ref_type", "branch"},
        {"event", "pull_request"},
        {"head_ref", "feature"},
        {"base_ref", "main"}},
       true},
  };
}

TokenModel GitHub(const char* id) {
  return {id,
          {{"default subject", GitHubClaims("repo:{owner}/{repo}{suffix}"), GitHubRuns()},
           {"immutable subject", GitHubClaims("repo:{owner}@{owner_id}/{repo}@{repo_id}{suffix}"), GitHubRuns()}},
          {},
          {},
          {}};
}

// GitLab.com: "OpenID Connect (OIDC) Authentication Using ID Tokens",
// docs.gitlab.com/ci/secrets/id_token_authentication (token payload),
// checked 2026-12-07. Merge-request pipelines carry the source branch in
// `sub` like a push, and `pipeline_source` `merge_request_event`.
TokenModel GitLab() {
  std::vector<ClaimTemplate> claims = {{"iss", "{iss}"},
                                       {"aud", "{aud}"},
                                       {"sub", "project_path:{group}/{project}:ref_type:{ref_type}:ref:{name}"},
                                       {"namespace_path", "{group}"},
                                       {"namespace_id", "{group_id}"},
                                       {"project_path", "{group}/{project}"},
                                       {"project_id", "{project_id}"},
                                       {"ref", "{name}"},
                                       {"ref_type", "{ref_type}"},
                                       {"ref_path", "{ref_path}"},
                                       {"pipeline_source", "{source}"},
                                       {"user_login", "octocat"},
                                       {"user_email", "octocat@example.com"},
                                       {"user_id", "583231"},
                                       {"runner_environment", "gitlab-hosted"}};
  std::vector<RunKind> runs = {
      {"branch", "trustcheck-probe", {{"ref_type", "branch"}, {"ref_path", "refs/heads/{name}"}, {"source", "push"}}},
      {"tag", "trustcheck-probe", {{"ref_type", "tag"}, {"ref_path", "refs/tags/{name}"}, {"source", "push"}}},
      {"merge request",
       "trustcheck-probe",
       {{"ref_type", "branch"}, {"ref_path", "refs/heads/{name}"}, {"source", "merge_request_event"}},
       true},
  };
  return {"gitlab-com", {{"default subject", claims, runs}}, {}, {}, {}};
}

// HCP Terraform: "Workload identity tokens", developer.hashicorp.com/
// terraform/cloud-docs/workspaces/dynamic-provider-credentials/
// workload-identity-tokens; Stacks: "Authenticate a Stack",
// developer.hashicorp.com/terraform/language/stacks/deploy/authenticate;
// checked 2026-12-07.
TokenModel HcpTerraform() {
  std::vector<ClaimTemplate> common = {{"iss", "{iss}"},
                                       {"aud", "{aud}"},
                                       {"terraform_organization_name", "{org}"},
                                       {"terraform_organization_id", "{org_id}"},
                                       {"terraform_project_name", "{project}"},
                                       {"terraform_project_id", "{project_id}"}};
  std::vector<ClaimTemplate> workspace = common;
  workspace.insert(workspace.end(),
                   {{"sub", "organization:{org}:project:{project}:workspace:{workspace}:run_phase:{name}"},
                    {"terraform_workspace_name", "{workspace}"},
                    {"terraform_workspace_id", "{workspace_id}"},
                    {"terraform_full_workspace", "organization:{org}:project:{project}:workspace:{workspace}"},
                    {"terraform_run_phase", "{name}"}});
  std::vector<ClaimTemplate> stack = common;
  stack.insert(stack.end(),
               {{"sub", "organization:{org}:project:{project}:stack:{stack}:deployment:{deployment}:operation:{name}"}});
  RunKind phase{"run phase", "apply", {}, false, {"plan", "apply"}};
  RunKind operation{"operation", "apply", {}, false, {"plan", "apply"}};
  return {"hcp-terraform",
          {{"workspace run", workspace, {phase}}, {"Stack deployment", stack, {operation}}},
          {},
          {},
          {{"org_id", "org-TrustcheckStranger"},
           {"workspace_id", "ws-TrustcheckOther"},
           {"project_id", "prj-TrustcheckOther"}},
          {"project", "project_id"}};
}

// Buildkite: "buildkite-agent oidc", buildkite.com/docs/agent/v3/cli/
// reference/oidc (claims and the default subject), checked 2026-12-07.
TokenModel Buildkite() {
  std::vector<ClaimTemplate> claims = {
      {"iss", "{iss}"},
      {"aud", "{aud}"},
      {"sub", "organization:{org}:pipeline:{pipeline}:ref:{ref}:commit:0123456789abcdef:step:deploy"},
      {"organization_slug", "{org}"},
      {"organization_id", "{org_id}"},
      {"pipeline_slug", "{pipeline}"},
      {"pipeline_id", "{pipeline_id}"},
      {"build_branch", "{branch}"},
      {"build_tag", "{tag}"},
      {"build_commit", "0123456789abcdef"},
      {"step_key", "deploy"}};
  std::vector<RunKind> runs = {
      {"branch", "trustcheck-probe", {{"ref", "refs/heads/{name}"}, {"branch", "{name}"}}},
      {"tag", "trustcheck-probe", {{"ref", "refs/tags/{name}"}, {"tag", "{name}"}}},
  };
  return {"buildkite",
          {{"default subject", claims, runs}},
          {},
          {},
          {{"org_id", "00000000-0000-4000-8000-00000000beef"}, {"pipeline_id", "00000000-0000-4000-8000-0000000000ff"}}};
}

// Kubernetes service-account tokens (EKS IRSA): "Service account token
// volume projection", kubernetes.io/docs/reference/access-authn-authz/
// service-accounts-admin, checked 2026-12-07.
TokenModel Kubernetes(const char* id) {
  return {id,
          {{"service account token",
            {{"iss", "{iss}"},
             {"aud", "{aud}"},
             {"sub", "system:serviceaccount:{namespace}:{serviceaccount}"},
             {"/kubernetes.io/namespace", "{namespace}"},
             {"/kubernetes.io/serviceaccount/name", "{serviceaccount}"}},
            {{"workload", "x", {}}}}},
          {},
          {},
          {}};
}

// CircleCI: "Using OpenID Connect tokens in jobs", circleci.com/docs/guides/
// permissions-authentication/openid-connect-tokens, checked 2026-12-07.
TokenModel CircleCi() {
  return {"circleci",
          {{"default subject",
            {{"iss", "{iss}"},
             {"aud", "{aud}"},
             {"sub", "org/{org_id}/project/{project_id}/user/{name}"},
             {"oidc.circleci.com/project-id", "{project_id}"},
             {"oidc.circleci.com/vcs-ref", "refs/heads/main"}},
            {{"user", "00000000-0000-4000-8000-000000000001", {}}}}},
          {},
          {},
          {{"org_id", "00000000-0000-4000-8000-00000000beef"}, {"project_id", "00000000-0000-4000-8000-0000000000ff"}}};
}

// Spacelift: "OIDC", docs.spacelift.io/integrations/cloud-providers/oidc
// (subject `space:S:stack:S:run_type:T:scope:S`), checked 2026-12-07.
// Proposed runs plan pull requests.
TokenModel Spacelift() {
  std::vector<RunKind> runs = {
      {"tracked run", "TRACKED", {{"run_type", "TRACKED"}}, false, {"TRACKED"}},
      {"proposed run", "PROPOSED", {{"run_type", "PROPOSED"}}, true, {"PROPOSED"}},
  };
  std::vector<ClaimTemplate> stack = {{"iss", "{iss}"},
                                      {"aud", "{aud}"},
                                      {"sub", "space:{space}:stack:{stack}:run_type:{run_type}:scope:write"},
                                      {"spaceId", "{space}"},
                                      {"callerType", "stack"},
                                      {"callerId", "{stack}"},
                                      {"runType", "{run_type}"},
                                      {"scope", "write"}};
  std::vector<ClaimTemplate> module = {{"iss", "{iss}"},
                                       {"aud", "{aud}"},
                                       {"sub", "space:{space}:module:{module}:run_type:{run_type}:scope:write"},
                                       {"spaceId", "{space}"},
                                       {"callerType", "module"},
                                       {"callerId", "{module}"},
                                       {"runType", "{run_type}"},
                                       {"scope", "write"}};
  return {"spacelift", {{"stack", stack, runs}, {"module", module, runs}}, {}, {}, {}};
}

// Bitbucket Pipelines: "Integrate Pipelines with resource servers using
// OIDC", support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-
// with-resource-servers-using-oidc (`sub` `{REPO_UUID}:{STEP_UUID}`),
// checked 2026-12-07.
TokenModel Bitbucket() {
  return {"bitbucket",
          {{"default subject",
            {{"iss", "{iss}"},
             {"aud", "{aud}"},
             {"sub", "{repository}:{name}"},
             {"repositoryUuid", "{repository}"},
             {"branchName", "main"}},
            {{"step", "{00000000-0000-4000-8000-000000000001}", {}}}}},
          {},
          {},
          {{"repository", "{00000000-0000-4000-8000-0000000000ff}"}}};
}

// Azure DevOps service connections: "Workload identity federation",
// learn.microsoft.com/azure/devops/pipelines/release/configure-workload-
// identity (`sc://ORG/PROJECT/CONNECTION`), checked 2026-12-07.
TokenModel AzureDevOps() {
  return {"azure-devops",
          {{"service connection",
            {{"iss", "{iss}"}, {"aud", "{aud}"}, {"sub", "sc://{org}/{project}/{connection}"}},
            {{"pipeline run", "x", {}}}}},
          {},
          {},
          {}};
}

// Semaphore: "OpenID Connect", docs.semaphoreci.com/using-semaphore/openid
// (`org:ORG:project:ID:repo:REPO:ref_type:TYPE:ref:REF`), checked 2026-12-07.
TokenModel Semaphore() {
  return {"semaphore",
          {{"default subject",
            {{"iss", "{iss}"},
             {"aud", "{aud}"},
             {"sub", "org:{org}:project:{project}:repo:app:ref_type:branch:ref:refs/heads/{name}"}},
            {{"branch", "trustcheck-probe", {}}}}},
          {},
          {},
          {}};
}

// Airplane: `team:TEAM:env:ENV:task:TASK` (the shape the profile reads).
TokenModel Airplane() {
  return {"airplane",
          {{"default subject", {{"iss", "{iss}"}, {"aud", "{aud}"}, {"sub", "team:{team}:env:{env}:task:{task}"}},
            {{"run", "x", {}}}}},
          {},
          {},
          {}};
}

// Identity providers whose audience is the tenant: the OAuth client (Google,
// Login with Amazon, Facebook) or the identity pool (Cognito). The subject
// is one account or identity, the same for every client. Google: "OpenID
// Connect", developers.google.com/identity/openid-connect/openid-connect
// (`aud`, `azp`, `sub`); Cognito: "Role trust and permissions",
// docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
// (`aud` is the pool id, `amr` holds `authenticated` or `unauthenticated`);
// checked 2026-12-07.
TokenModel AudiencePinned(const char* id, const char* client_noun, const char* account_noun, bool azp, bool amr) {
  std::vector<ClaimTemplate> claims = {{"iss", "{iss}"}, {"aud", "{client}"}, {"sub", "{account}"}};
  if (azp) claims.insert(claims.end(), {{"azp", "{client}"}, {"email", "{email}"}});
  if (amr) claims.push_back({"amr", "[\"authenticated\"]"});
  std::vector<std::pair<const char*, const char*>> whole = {{"aud", "client"}, {"sub", "account"}};
  std::vector<ModelField> fields = {{"client", client_noun, true}, {"account", account_noun, false}};
  if (azp) {
    whole.insert(whole.end(), {{"azp", "client"}, {"email", "email"}});
    fields.push_back({"email", account_noun, false});
  }
  return {id,
          {{"ID token", claims, {{"sign-in", "x", {}}}}},
          whole,
          fields,
          {{"client", "trustcheck-stranger-client"},
           {"account", "trustcheck-other-account"},
           {"email", "trustcheck-other@example.com"}}};
}

// The page each model follows, and the day it was compared with it.
void Cite(TokenModel* m, const char* source, const char* checked) {
  m->source = source;
  m->checked = checked;
}

std::vector<TokenModel> BuildModels() {
  std::vector<TokenModel> m;
  m.push_back(GitHub("github-actions"));
  m.push_back(GitHub("github-enterprise"));
  m.push_back(GitLab());
  m.push_back(HcpTerraform());
  m.push_back(Buildkite());
  m.push_back(Airplane());
  m.push_back(AudiencePinned("google-accounts", "OAuth client", "Google account", true, false));
  m.push_back(AudiencePinned("cognito-identity", "identity pool", "identity", false, true));
  m.push_back(AudiencePinned("amazon-login", "application", "Amazon account", false, false));
  m.push_back(AudiencePinned("facebook", "application", "Facebook account", false, false));
  m.push_back(Kubernetes("eks"));
  m.push_back(CircleCi());
  m.push_back(Spacelift());
  m.push_back(Bitbucket());
  m.push_back(AzureDevOps());
  m.push_back(Semaphore());
  const char* kGitHub = "https://docs.github.com/en/actions/reference/security/oidc";
  for (TokenModel& model : m) {
    std::string_view id = model.profile_id;
    if (id == "github-actions" || id == "github-enterprise") Cite(&model, kGitHub, "2026-12-07");
    if (id == "gitlab-com") Cite(&model, "https://docs.gitlab.com/ci/secrets/id_token_authentication/", "2026-12-07");
    if (id == "hcp-terraform")
      Cite(&model,
           "https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/"
           "workload-identity-tokens, https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate",
           "2026-12-07");
    if (id == "buildkite") Cite(&model, "https://buildkite.com/docs/agent/v3/cli/reference/oidc", "2026-12-07");
    if (id == "circleci") Cite(&model, "https://circleci.com/docs/openid-connect-tokens/", "2026-12-07");
    if (id == "eks")
      Cite(&model,
           "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/, "
           "https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html",
           "2026-12-07");
    if (id == "spacelift") Cite(&model, "https://docs.spacelift.io/integrations/cloud-providers/oidc", "2026-12-07");
    if (id == "bitbucket")
      Cite(&model,
           "https://support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-with-resource-servers-using-oidc/",
           "2026-12-07");
    if (id == "azure-devops")
      Cite(&model, "https://learn.microsoft.com/azure/devops/pipelines/release/configure-workload-identity", "2026-12-07");
    if (id == "semaphore") Cite(&model, "https://docs.semaphoreci.com/using-semaphore/openid", "2026-12-07");
    if (id == "google-accounts")
      Cite(&model, "https://developers.google.com/identity/openid-connect/openid-connect", "2026-12-07");
    if (id == "cognito-identity")
      Cite(&model, "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html",
           "2026-12-07");
  }
  return m;
}

const std::vector<TokenModel>& Models() {
  static const std::vector<TokenModel> kModels = BuildModels();
  return kModels;
}

}  // namespace

std::vector<const TokenModel*> AllTokenModels() {
  std::vector<const TokenModel*> out;
  for (const TokenModel& m : Models()) out.push_back(&m);
  out.push_back(&GenericTokenModel());
  return out;
}

const TokenModel* FindTokenModel(const char* profile_id) {
  if (!profile_id) return nullptr;
  for (const TokenModel& m : Models())
    if (std::strcmp(m.profile_id, profile_id) == 0) return &m;
  return nullptr;
}

// An issuer trustcheck has no profile for: its subject is one opaque value.
const TokenModel& GenericTokenModel() {
  static const TokenModel kGeneric = {"",
                                      {{"token", {{"iss", "{iss}"}, {"aud", "{aud}"}, {"sub", "{subject}"}}, {{"run", "x", {}}}}},
                                      {{"sub", "subject"}},
                                      {{"subject", "workload", false}},
                                      {{"subject", "trustcheck-other-workload"}}};
  return kGeneric;
}

}  // namespace trustcheck::exposure
