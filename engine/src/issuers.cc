// The issuer profile table (one place for every issuer fact; each with its
// source and the date it was read, docs/platform-facts.md) and the claim-value reader
// that turns a policy value into "what it admits".

#include "trustcheck/issuers.h"
#include "text/ascii.h"
#include "trustcheck/wording.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace trustcheck {

namespace {

// ---------------------------------------------------------------------------
// Shared grammar pieces.

// GitHub subject templates: the default `repo:OWNER/REPO:CONTEXT`, the
// immutable `repo:OWNER@ID/REPO@ID:CONTEXT` (`@` cannot appear in names),
// and the custom templates built from include_claim_keys, where any claim may
// lead and `:` inside values is encoded as `%3A`.
const std::vector<SubjectField>& GitHubFields() {
  static const std::vector<SubjectField> kFields = {
      {"owner", "organisation", "/@:", FieldLevel::kTenant},
      {"owner_id", "organisation id", "/:", FieldLevel::kTenantId},
      {"repo", "repository", "@:", FieldLevel::kResource},
      {"repo_id", "repository id", ":", FieldLevel::kResourceId},
      // The reusable workflow's repository: not the caller's, so no resource of it.
      {"workflow_repo", "workflow repository", "/", FieldLevel::kDetail},
      {"workflow_path", "workflow", "@", FieldLevel::kDetail},
  };
  return kFields;
}

const std::vector<ContextNoun>& GitHubContext() {
  static const std::vector<ContextNoun> kContext = {
      {":ref:refs/heads/", "branch"},      {":ref:refs/tags/", "tag"},
      {":ref:refs/pull/", "pull request ref"}, {":environment:", "environment"},
      {":pull_request", "pull request"},
  };
  return kContext;
}

// Claim keys of GitHub custom subject templates that identify nothing.
std::vector<const char*> GitHubLeadingKeys() {
  return {"workflow", "environment", "ref", "context", "head_ref", "base_ref", "actor", "actor_id",
          "event_name", "ref_type", "repository_visibility", "runner_environment", "job_workflow_sha",
          "workflow_ref", "workflow_sha", "sha", "enterprise", "enterprise_id", "run_attempt"};
}

std::vector<ClaimGrammar> GitHubClaims() {
  const char* kAnyContext = "any branch, tag, environment or pull request";
  return {
      {"sub",
       {"repo:{owner}@{owner_id}/{repo}@{repo_id}", "repo:{owner}/{repo}", "repository_owner_id:{owner_id}",
        "repository_id:{repo_id}", "repository_owner:{owner}", "job_workflow_ref:{owner}/{workflow_repo}/{workflow_path}"},
       GitHubLeadingKeys(),
       GitHubContext(),
       kAnyContext},
      {"repository", {"{owner}/{repo}"}, {}, {}, kAnyContext},
      {"repository_owner", {"{owner}"}, {}, {}, kAnyContext},
      {"repository_owner_id", {"{owner_id}"}, {}, {}, kAnyContext},
      {"repository_id", {"{repo_id}"}, {}, {}, kAnyContext},
      {"job_workflow_ref", {"{owner}/{workflow_repo}/{workflow_path}"}, {}, {{"@refs/heads/", "branch"}, {"@refs/tags/", "tag"}},
       "any ref"},
  };
}

std::vector<const char*> GitHubAttackerChosen() {
  return {"aud", "workflow", "environment", "ref", "head_ref", "base_ref", "context", "actor", "event_name",
          "ref_type", "workflow_ref"};
}

const char* kGitHubImmutable =
    "pin `repository_owner_id` and `repository_id`, or use the immutable subject `repo:OWNER@ID/REPO@ID:...`";

// GitLab: `project_path:GROUP[/SUBGROUP...]/PROJECT:ref_type:branch|tag:ref:NAME`,
// or `project_id:ID:...` when the project chose ids.
const std::vector<SubjectField>& GitLabFields() {
  static const std::vector<SubjectField> kFields = {
      {"group", "group", "/:", FieldLevel::kTenant},
      {"group_id", "group id", ":", FieldLevel::kTenantId},
      {"project", "project", ":", FieldLevel::kResource},
      {"project_id", "project id", ":", FieldLevel::kResourceId},
  };
  return kFields;
}

std::vector<ClaimGrammar> GitLabClaims() {
  std::vector<ContextNoun> context = {{":ref_type:branch:ref:", "branch"}, {":ref_type:tag:ref:", "tag"}};
  const char* kAnyContext = "any branch or tag";
  return {
      {"sub", {"project_path:{group}/{project}", "project_id:{project_id}"}, {}, context, kAnyContext},
      {"project_path", {"{group}/{project}"}, {}, {}, kAnyContext},
      {"project_id", {"{project_id}"}, {}, {}, kAnyContext},
      {"namespace_path", {"{group}"}, {}, {{"/", "subgroup"}}, "any subgroup"},
      {"namespace_id", {"{group_id}"}, {}, {}, kAnyContext},
  };
}

// HCP Terraform: `organization:ORG:project:PROJECT:workspace:WS:run_phase:plan|apply`.
const std::vector<SubjectField>& TerraformFields() {
  static const std::vector<SubjectField> kFields = {
      {"org", "organisation", ":", FieldLevel::kTenant},
      {"org_id", "organisation id", ":", FieldLevel::kTenantId},
      {"project", "project", ":", FieldLevel::kResource},
      {"workspace", "workspace", ":", FieldLevel::kResource},
      {"workspace_id", "workspace id", ":", FieldLevel::kResourceId},
      {"project_id", "project id", ":", FieldLevel::kResourceId},
      // Stacks: a Stack holds deployments (like environments).
      {"stack", "Stack", ":", FieldLevel::kResource},
      {"deployment", "deployment", ":", FieldLevel::kDetail},
  };
  return kFields;
}

std::vector<ClaimGrammar> TerraformClaims() {
  const char* kForm = "organization:{org}:project:{project}:workspace:{workspace}";
  // Stacks (developer.hashicorp.com/terraform/language/stacks/deploy/
  // authenticate, checked 2026-12-07):
  // `organization:O:project:P:stack:S:deployment:D:operation:plan|apply`.
  const char* kStackForm = "organization:{org}:project:{project}:stack:{stack}:deployment:{deployment}";
  std::vector<ContextNoun> context = {{":run_phase:", "run phase"}, {":operation:", "operation"}};
  return {
      {"sub", {kForm, kStackForm}, {}, context, "any run phase"},
      {"terraform_full_workspace", {kForm}, {}, {}, "any run phase"},
      {"terraform_organization_name", {"{org}"}, {}, {}, "any run"},
      {"terraform_organization_id", {"{org_id}"}, {}, {}, "any run"},
      {"terraform_workspace_id", {"{workspace_id}"}, {}, {}, "any run"},
      {"terraform_project_id", {"{project_id}"}, {}, {}, "any run"},
  };
}

// Kubernetes service-account tokens (EKS IRSA and any cluster issuer).
const std::vector<SubjectField>& KubernetesFields() {
  static const std::vector<SubjectField> kFields = {
      {"namespace", "namespace", ":", FieldLevel::kResource},
      {"serviceaccount", "service account", ":", FieldLevel::kResource},
  };
  return kFields;
}

std::vector<ClaimGrammar> KubernetesClaims() {
  return {{"sub", {"system:serviceaccount:{namespace}:{serviceaccount}"}, {}, {}, "any service account"}};
}

// ---------------------------------------------------------------------------
// The table. Order matters only where issuer patterns overlap: the more
// specific pattern comes first.

std::vector<IssuerProfile> BuildProfiles() {
  std::vector<IssuerProfile> p;
  p.push_back({"github-actions",
               "GitHub Actions",
               {"https://token.actions.githubusercontent.com"},
               Tenancy::kShared,
               "organisation",
               "any GitHub organisation",
               "any repository of any GitHub organisation",
               false,
               GitHubFields(),
               GitHubClaims(),
               GitHubAttackerChosen(),
               kGitHubImmutable});
  // GHEC enterprise-unique issuer, GHE.com data residency, GHES: one issuer
  // per enterprise or instance; the owner still separates organisations.
  p.push_back({"github-enterprise",
               "GitHub Enterprise",
               {"https://token.actions.githubusercontent.com/*", "https://token.actions.*.ghe.com",
                "https://*/_services/token"},
               Tenancy::kPerTenant,
               "organisation",
               "any organisation of this enterprise",
               "any repository of any organisation of this enterprise",
               false,
               GitHubFields(),
               GitHubClaims(),
               GitHubAttackerChosen(),
               kGitHubImmutable});
  p.push_back({"gitlab-com",
               "GitLab.com",
               {"https://gitlab.com"},
               Tenancy::kShared,
               "group",
               "any GitLab.com group",
               "any project of any GitLab.com group",
               false,
               GitLabFields(),
               GitLabClaims(),
               {"aud", "ref", "ref_type", "ref_path", "environment", "pipeline_source", "user_login", "user_email"},
               "pin `project_id` (or make the subject start with `project_id:`)"});
  p.push_back({"hcp-terraform",
               "HCP Terraform",
               {"https://app.terraform.io", "https://app.eu.terraform.io"},
               Tenancy::kShared,
               "organisation",
               "any HCP Terraform organisation",
               "any workspace of any HCP Terraform organisation",
               false,
               TerraformFields(),
               TerraformClaims(),
               {"aud", "terraform_run_phase", "terraform_workspace_name", "terraform_project_name"},
               "pin `terraform_organization_id` and `terraform_workspace_id`"});
  p.push_back({"buildkite",
               "Buildkite",
               {"https://agent.buildkite.com"},
               Tenancy::kShared,
               "organisation",
               "any Buildkite organisation",
               "any pipeline of any Buildkite organisation",
               false,
               {{"org", "organisation", ":", FieldLevel::kTenant},
                {"org_id", "organisation id", ":", FieldLevel::kTenantId},
                {"pipeline", "pipeline", ":", FieldLevel::kResource},
                {"pipeline_id", "pipeline id", ":", FieldLevel::kResourceId}},
               {{"sub",
                 {"organization:{org}:pipeline:{pipeline}"},
                 {},
                 {{":ref:refs/heads/", "branch"}, {":ref:refs/tags/", "tag"}, {":ref:", "ref"}},
                 "any ref, commit or step"},
                {"organization_slug", {"{org}"}, {}, {}, "any pipeline"},
                {"organization_id", {"{org_id}"}, {}, {}, "any pipeline"},
                {"pipeline_id", {"{pipeline_id}"}, {}, {}, "any build"}},
               {"aud", "build_branch", "build_tag", "step_key"},
               "pin `organization_id` and `pipeline_id`"});
  p.push_back({"airplane",
               "Airplane",
               {"https://api.airplane.dev"},
               Tenancy::kShared,
               "team",
               "any Airplane team",
               "any task of any Airplane team",
               false,
               {{"team", "team", ":", FieldLevel::kTenant},
                {"env", "environment", ":", FieldLevel::kResource},
                {"task", "task", ":", FieldLevel::kResource}},
               {{"sub", {"team:{team}:env:{env}:task:{task}"}, {}, {}, "any run"}},
               {"aud"},
               ""});
  p.push_back({"google-accounts",
               "Google accounts",
               {"https://accounts.google.com", "accounts.google.com"},
               Tenancy::kShared,
               "OAuth client",
               "any Google OAuth client",
               "any Google account of any OAuth client",
               true,
               {},
               {},
               {},
               ""});
  p.push_back({"cognito-identity",
               "Amazon Cognito identity pools",
               {"https://cognito-identity.amazonaws.com"},
               Tenancy::kShared,
               "identity pool",
               "any Cognito identity pool",
               "any identity of any Cognito identity pool",
               true,
               {},
               {},
               {},
               ""});
  p.push_back({"amazon-login", "Login with Amazon", {"https://www.amazon.com"}, Tenancy::kShared, "application",
               "any Login with Amazon application", "any Amazon account of any application", true, {}, {}, {}, ""});
  p.push_back({"facebook", "Facebook", {"https://graph.facebook.com"}, Tenancy::kShared, "application",
               "any Facebook application", "any Facebook account of any application", true, {}, {}, {}, ""});
  // Per-tenant issuers: the issuer URL already names the tenant.
  p.push_back({"eks",
               "Amazon EKS",
               {"https://oidc.eks.*.amazonaws.com/id/*"},
               Tenancy::kPerTenant,
               "cluster",
               "this cluster",
               "any service account of any namespace of this cluster",
               false,
               KubernetesFields(),
               KubernetesClaims(),
               {},
               ""});
  p.push_back({"circleci",
               "CircleCI",
               {"https://oidc.circleci.com/org/*"},
               Tenancy::kPerTenant,
               "organisation",
               "this CircleCI organisation",
               "any project of this CircleCI organisation",
               false,
               {{"org_id", "organisation", "/", FieldLevel::kTenantId},
                {"project_id", "project", "/", FieldLevel::kResourceId}},
               {{"sub", {"org/{org_id}/project/{project_id}"}, {}, {{"/user/", "user"}}, "any user"},
                {"oidc.circleci.com/project-id", {"{project_id}"}, {}, {}, "any user"}},
               {"aud"},
               ""});
  p.push_back({"spacelift",
               "Spacelift",
               {"https://*.app.spacelift.io"},
               Tenancy::kPerTenant,
               "account",
               "this Spacelift account",
               "any stack or module of any space of this Spacelift account",
               false,
               {{"space", "space", ":", FieldLevel::kResource},
                {"stack", "stack", ":", FieldLevel::kResource},
                {"module", "module", ":", FieldLevel::kResource}},
               {{"sub",
                 {"space:{space}:stack:{stack}", "space:{space}:module:{module}"},
                 {},
                 {{":run_type:", "run type"}, {":scope:", "scope"}},
                 "any run type or scope"}},
               {"aud"},
               ""});
  p.push_back({"bitbucket",
               "Bitbucket Pipelines",
               {"https://api.bitbucket.org/2.0/workspaces/*/pipelines-config/identity/oidc"},
               Tenancy::kPerTenant,
               "workspace",
               "this Bitbucket workspace",
               "any repository of this Bitbucket workspace",
               false,
               {{"repository", "repository", ":", FieldLevel::kResourceId}},
               {{"sub", {"{repository}"}, {}, {{":", "step"}}, "any step"},
                {"repositoryUuid", {"{repository}"}, {}, {}, "any step"}},
               {"aud"},
               ""});
  p.push_back({"azure-devops",
               "Azure DevOps",
               {"https://vstoken.dev.azure.com/*"},
               Tenancy::kPerTenant,
               "organisation",
               "this Azure DevOps organisation",
               "any service connection of any project of this Azure DevOps organisation",
               false,
               {{"org", "organisation", "/", FieldLevel::kTenant},
                {"project", "project", "/", FieldLevel::kResource},
                {"connection", "service connection", "/", FieldLevel::kResource}},
               {{"sub", {"sc://{org}/{project}/{connection}"}, {}, {}, "any service connection"}},
               {},
               ""});
  p.push_back({"semaphore",
               "Semaphore",
               {"https://*.semaphoreci.com"},
               Tenancy::kPerTenant,
               "organisation",
               "this Semaphore organisation",
               "any project of this Semaphore organisation",
               false,
               {{"org", "organisation", ":", FieldLevel::kTenant},
                {"project", "project", ":", FieldLevel::kResourceId}},
               {{"sub",
                 {"org:{org}:project:{project}"},
                 {},
                 {{":repo:", "repository or ref"}},
                 "any repository or ref"}},
               {"aud"},
               ""});
  p.push_back({"entra-id",
               "Microsoft Entra ID",
               {"https://login.microsoftonline.com/*", "https://sts.windows.net/*"},
               Tenancy::kPerTenant,
               "tenant",
               "this Entra tenant",
               "any workload of this Entra tenant",
               false,
               {},
               {},
               {},
               ""});
  return p;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------
// Reading a value with a grammar.

// The value as a byte string with a mask of which bytes are wildcards.
struct Stream {
  std::string text;        // literal bytes, `*` / `?` where wild[i]
  std::vector<bool> wild;  // true: a wildcard piece
  size_t size() const { return text.size(); }
};

Stream ToStream(const Pattern& pattern) {
  Stream s;
  if (!pattern.has_wildcards()) {
    s.text = pattern.text();
    if (pattern.options().flavor == WildcardFlavor::kAws && pattern.options().aws_escapes) {
      s.text.clear();
      for (const Pattern::Piece& p : pattern.Pieces()) s.text += p.literal;
    }
    s.wild.assign(s.text.size(), false);
    return s;
  }
  for (const Pattern::Piece& p : pattern.Pieces()) {
    if (p.kind == Pattern::Piece::kLiteral) {
      s.text += p.literal;
      s.wild.insert(s.wild.end(), p.literal.size(), false);
    } else {
      s.text += p.kind == Pattern::Piece::kStar ? '*' : '?';
      s.wild.push_back(true);
    }
  }
  return s;
}

// One template item: literal text or a field.
struct Item {
  bool is_field;
  std::string text;                   // literal text
  const SubjectField* field = nullptr;
};

std::vector<Item> ParseForm(const IssuerProfile& profile, const char* form) {
  std::vector<Item> items;
  std::string_view f(form);
  while (!f.empty()) {
    size_t open = f.find('{');
    if (open != 0) {
      size_t len = open == std::string_view::npos ? f.size() : open;
      items.push_back({false, std::string(f.substr(0, len)), nullptr});
      f.remove_prefix(len);
      continue;
    }
    size_t close = f.find('}');
    std::string_view name = f.substr(1, close - 1);
    const SubjectField* field = nullptr;
    for (const SubjectField& sf : profile.fields)
      if (name == sf.name) field = &sf;
    items.push_back({true, {}, field});
    f.remove_prefix(close + 1);
  }
  return items;
}

// A field as read from the value.
struct FieldState {
  const SubjectField* def = nullptr;
  bool closed = false;      // complete literal value
  bool open = false;        // holds a wildcard (or was never reached after one)
  std::string text;         // as written, wildcards included
  size_t begin = 0, end = 0;  // span in the stream
};

// How one form reads the value.
struct FormRead {
  bool fits = false;
  std::vector<FieldState> fields;  // in form order (reached ones only)
  size_t first_wild = std::string::npos;
  // The context (text after the form) when the form was read to its end.
  bool context_reached = false;
  size_t context_begin = 0;
  // True when a wildcard was met in a literal of the form; the field that
  // follows it (if any) is then open with an empty value.
  bool lost = false;  // the reading could not resynchronise after a wildcard
};

bool IsTerminator(const SubjectField& f, char c) { return std::string_view(f.terminators).find(c) != std::string_view::npos; }

// Reads `items` from stream position `pos`. After a wildcard inside a field
// it resynchronises on the field's terminator when the text after the
// wildcard starts with one (`repo:*/infra:...`), so later fields still read.
FormRead ReadForm(const std::vector<Item>& items, const Stream& s, size_t pos) {
  FormRead r;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (!item.is_field) {
      for (char c : item.text) {
        if (pos >= s.size()) return r;  // value ends inside the form: does not fit
        if (s.wild[pos]) {
          // A wildcard where the template has fixed text: every later field
          // is open (unknown).
          r.first_wild = std::min(r.first_wild, pos);
          r.fits = true;
          r.lost = true;
          for (size_t j = i + 1; j < items.size(); ++j)
            if (items[j].is_field) r.fields.push_back({items[j].field, false, true, "*", pos, s.size()});
          return r;
        }
        if (s.text[pos] != c) return r;
        ++pos;
      }
      continue;
    }
    if (!item.field) return r;
    FieldState f;
    f.def = item.field;
    f.begin = pos;
    bool wild = false;
    while (pos < s.size()) {
      if (s.wild[pos]) {
        wild = true;
        r.first_wild = std::min(r.first_wild, pos);
        // Resynchronise: skip wildcards and literal bytes up to a terminator.
        ++pos;
        while (pos < s.size() && (s.wild[pos] || !IsTerminator(*f.def, s.text[pos]))) ++pos;
        break;
      }
      if (IsTerminator(*f.def, s.text[pos])) break;
      ++pos;
    }
    f.end = pos;
    f.text = s.text.substr(f.begin, f.end - f.begin);
    if (wild) {
      f.open = true;
    } else {
      if (f.text.empty()) return r;  // an empty name never identifies anything
      f.closed = true;
    }
    r.fields.push_back(std::move(f));
    if (wild && pos >= s.size()) {
      // The wildcard swallowed the rest: later fields are open too.
      r.fits = true;
      r.lost = true;
      for (size_t j = i + 1; j < items.size(); ++j)
        if (items[j].is_field) r.fields.push_back({items[j].field, false, true, "*", pos, pos});
      return r;
    }
  }
  r.fits = true;
  r.context_reached = true;
  r.context_begin = pos;
  for (size_t k = pos; k < s.size(); ++k)
    if (s.wild[k]) {
      r.first_wild = std::min(r.first_wild, k);
      break;
    }
  return r;
}

bool IsTenantIdentifying(FieldLevel level) {
  return level == FieldLevel::kTenant || level == FieldLevel::kTenantId || level == FieldLevel::kResourceId;
}

bool IsIdLevel(FieldLevel level) { return level == FieldLevel::kTenantId || level == FieldLevel::kResourceId; }

// True when fields[i] is the id written next to a complete name
// (`owner@ID`, `repo@ID`).
bool IsIdOfCompleteName(const std::vector<FieldState>& fields, size_t i) {
  return IsIdLevel(fields[i].def->level) && i > 0 && fields[i - 1].closed && !IsIdLevel(fields[i - 1].def->level);
}

// "whose name starts with `acme`", "whose name matches `*-infra`", "".
std::string Qualifier(const std::string& text) {
  if (text == "*" || text.empty()) return "";
  size_t first = text.find_first_of("*?");
  if (first == text.size() - 1 && text.back() == '*') return fmt::format(" whose name starts with `{}`", text.substr(0, first));
  return fmt::format(" whose name matches `{}`", text);
}


// Words for an open context: `prefix` is the literal context text before
// the first wildcard.
std::string ContextWords(const ClaimGrammar& g, std::string_view prefix) {
  // The most specific variant the prefix already commits to.
  const ContextNoun* best = nullptr;
  for (const ContextNoun& c : g.context) {
    std::string_view p(c.prefix);
    if (prefix.substr(0, p.size()) == p && (!best || p.size() > std::string_view(best->prefix).size())) best = &c;
  }
  if (best) {
    std::string_view rest = prefix.substr(std::string_view(best->prefix).size());
    if (rest.empty()) return fmt::format("any {}", best->noun);
    return fmt::format("any {} whose name starts with `{}`", best->noun, rest);
  }
  if (prefix.empty() || prefix == ":") return g.any_context;
  std::vector<std::string> nouns;
  for (const ContextNoun& c : g.context) {
    std::string_view p(c.prefix);
    if (p.substr(0, prefix.size()) == prefix && std::find(nouns.begin(), nouns.end(), c.noun) == nouns.end())
      nouns.emplace_back(c.noun);
  }
  if (nouns.empty()) return g.any_context;
  return "any " + JoinWords(nouns, "or");
}

// "`acme/app`" when the named fields are joined by single separators, else
// "workspace `ws` of project `p` of organisation `acme`".
std::string PinnedWords(const IssuerProfile& profile, const std::vector<FieldState>& fields, const Stream& s) {
  std::vector<const FieldState*> named;
  for (const FieldState& f : fields)
    if (f.def->level != FieldLevel::kDetail) named.push_back(&f);
  if (named.empty()) return profile.any_tenant;
  bool compact = true;
  for (size_t i = 1; i < named.size(); ++i)
    if (named[i]->begin - named[i - 1]->end != 1) compact = false;
  if (compact && named.size() > 1)
    return fmt::format("`{}`", s.text.substr(named.front()->begin, named.back()->end - named.front()->begin));
  std::string out;
  for (size_t i = named.size(); i-- > 0;) {
    if (!out.empty()) out += " of ";
    out += fmt::format("{} `{}`", named[i]->def->noun, named[i]->text);
  }
  return out;
}

// Words for the fields before `open_index` (all closed): "organisation
// `acme`", "project `p` of organisation `acme`", or the profile's any-tenant.
std::string OwnerWords(const IssuerProfile& profile, const std::vector<FieldState>& fields, size_t open_index) {
  std::string out;
  bool has_tenant = false;
  for (size_t i = open_index; i-- > 0;) {
    const FieldState& f = fields[i];
    if (f.def->level == FieldLevel::kDetail) continue;
    // An id next to its name adds nothing for people.
    if (IsIdOfCompleteName(fields, i)) continue;
    if (!out.empty()) out += " of ";
    out += fmt::format("{} `{}`", f.def->noun, f.text);
    if (f.def->level == FieldLevel::kTenant || f.def->level == FieldLevel::kTenantId) has_tenant = true;
  }
  if (out.empty()) return profile.any_tenant;
  if (!has_tenant && profile.tenancy == Tenancy::kShared) out += " of " + std::string(profile.any_tenant);
  return out;
}

// The first wildcard in the context, or npos.
size_t ContextWildcard(const FormRead& r, const Stream& s) {
  if (!r.context_reached) return std::string::npos;
  for (size_t k = r.context_begin; k < s.size(); ++k)
    if (s.wild[k]) return k;
  return std::string::npos;
}

// The words for a form read with a wildcard; `classify` is the field whose
// wildcard decides the scope (fields.size(): none, the context or an id).
std::string AdmitsWords(const IssuerProfile& profile, const ClaimGrammar& g, const FormRead& r, const Stream& s,
                        size_t classify, bool tenant_pinned) {
  const std::vector<FieldState>& fields = r.fields;
  // The last naming field of the form says what is being chosen.
  const FieldState* last = nullptr;
  for (FieldLevel level : {FieldLevel::kResource, FieldLevel::kResourceId}) {
    for (const FieldState& f : fields)
      if (f.def->level == level) last = &f;
    if (last) break;
  }
  if (classify < fields.size()) {
    const FieldState& open = fields[classify];
    FieldLevel level = open.def->level;
    if (!tenant_pinned || level == FieldLevel::kTenant || level == FieldLevel::kTenantId) {
      std::string q = level == FieldLevel::kTenant ? Qualifier(open.text) : "";
      if (last && last->closed) return fmt::format("{} `{}` of {}{}", last->def->noun, last->text, profile.any_tenant, q);
      return std::string(profile.everything) + q;
    }
    if (level == FieldLevel::kDetail) {
      std::vector<FieldState> before(fields.begin(), fields.begin() + classify);
      return fmt::format("any {} of {}", open.def->noun, PinnedWords(profile, before, s));
    }
    std::string owner = OwnerWords(profile, fields, classify);
    if (last && last != &open && last->closed)
      return fmt::format("{} `{}` of any {} of {}", last->def->noun, last->text, open.def->noun, owner);
    if (last && last != &open) return fmt::format("any {} of {}", last->def->noun, owner);
    return fmt::format("any {} of {}{}", open.def->noun, owner, Qualifier(open.text));
  }
  size_t wild = ContextWildcard(r, s);
  if (wild == std::string::npos) return PinnedWords(profile, fields, s) + " whatever its ids";
  std::string_view context = std::string_view(s.text).substr(r.context_begin, wild - r.context_begin);
  return fmt::format("{} of {}", ContextWords(g, context), PinnedWords(profile, fields, s));
}

// Fills `out` from one form read.
void Classify(const IssuerProfile& profile, const ClaimGrammar& g, const FormRead& r, const Stream& s,
              ClaimReading* out) {
  out->recognised = true;
  // The field whose wildcard decides the scope: ids next to a complete name
  // do not count (`repo:acme@*/app@*` still names `acme`).
  size_t classify = r.fields.size();
  for (size_t i = 0; i < r.fields.size(); ++i) {
    if (!r.fields[i].open) continue;
    if (IsIdOfCompleteName(r.fields, i) && !r.lost) continue;
    classify = i;
    break;
  }
  bool id_open = false;
  for (size_t i = 0; i < r.fields.size(); ++i) {
    const FieldState& f = r.fields[i];
    if (f.open && IsIdLevel(f.def->level)) id_open = true;
    if (i >= classify || !f.closed) continue;
    if (f.def->level == FieldLevel::kResource || f.def->level == FieldLevel::kResourceId) out->resource_pinned = true;
    if (!IsTenantIdentifying(f.def->level)) continue;
    out->tenant_pinned = true;
    if (IsIdLevel(f.def->level)) out->pinned_by_id = true;
    if (f.def->level == FieldLevel::kTenant && out->tenant.empty()) out->tenant = f.text;
  }
  if (profile.tenancy == Tenancy::kPerTenant) out->tenant_pinned = true;
  out->has_wildcard = r.first_wild != std::string::npos;
  if (!out->has_wildcard) return;
  out->open_before_tenant = !out->tenant_pinned;
  if (classify < r.fields.size()) {
    out->open_level = r.fields[classify].def->level;
  } else if (ContextWildcard(r, s) == std::string::npos && id_open) {
    out->open_level = FieldLevel::kTenantId;  // only ids are wild: the names still pin
  } else {
    out->open_level = FieldLevel::kDetail;
  }
  out->admits = AdmitsWords(profile, g, r, s, classify, out->tenant_pinned);
}

// Skips one `key:value` pair of an attacker-chosen key at `pos`. Returns the
// position after its `:`; nullopt when no such pair is there; sets *wild when
// a wildcard came first.
std::optional<size_t> SkipLeadingPair(const ClaimGrammar& g, const Stream& s, size_t pos, bool* wild) {
  for (const char* key : g.leading_keys) {
    std::string k = std::string(key) + ":";
    size_t i = 0;
    while (i < k.size() && pos + i < s.size() && !s.wild[pos + i] && s.text[pos + i] == k[i]) ++i;
    if (i < k.size()) {
      if (pos + i < s.size() && s.wild[pos + i]) {
        *wild = true;
        return pos + i;
      }
      continue;
    }
    size_t j = pos + i;
    while (j < s.size() && !s.wild[j] && s.text[j] != ':') ++j;
    if (j < s.size() && s.wild[j]) {
      *wild = true;
      return j;
    }
    return j < s.size() ? j + 1 : j;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<IssuerProfile>& IssuerProfiles() {
  static const std::vector<IssuerProfile> kProfiles = BuildProfiles();
  return kProfiles;
}

std::string NormaliseIssuer(std::string_view issuer) {
  std::string_view t = Trim(issuer);
  std::string out;
  size_t scheme = t.find("://");
  if (scheme == std::string_view::npos) {
    out = "https://";
  } else {
    out = AsciiLower(t.substr(0, scheme + 3));
    t.remove_prefix(scheme + 3);
  }
  size_t slash = t.find('/');
  out += AsciiLower(t.substr(0, slash));
  if (slash != std::string_view::npos) out += t.substr(slash);
  while (out.size() > 8 && out.back() == '/') out.pop_back();
  return out;
}

const IssuerProfile* FindIssuerProfile(std::string_view issuer) {
  std::string norm = NormaliseIssuer(issuer);
  for (const IssuerProfile& p : IssuerProfiles())
    for (const char* pattern : p.issuers) {
      Pattern glob = Pattern::Compile(NormaliseIssuer(pattern), {WildcardFlavor::kVault, false, false});
      if (glob.Match(norm)) return &p;
    }
  return nullptr;
}

const IssuerProfile* GuessIssuerProfile(const std::vector<std::string>& claims) {
  const IssuerProfile* best = nullptr;
  int best_score = 0;
  for (const IssuerProfile& p : IssuerProfiles()) {
    int score = 0;
    for (const std::string& c : claims)
      if (c != "sub" && FindClaimGrammar(p, c)) ++score;
    if (score > best_score) best = &p, best_score = score;
  }
  return best;
}

const ClaimGrammar* FindClaimGrammar(const IssuerProfile& profile, std::string_view claim) {
  for (const ClaimGrammar& g : profile.claims)
    if (claim == g.claim) return &g;
  return nullptr;
}

bool IsMultiValuedClaim(std::string_view claim) {
  static const char* kMulti[] = {"aud", "amr", "groups", "roles", "scp", "oidc.circleci.com/context-ids",
                                 "user_identities", "https://aws.amazon.com/tags"};
  for (const char* m : kMulti)
    if (claim == m) return true;
  return false;
}

bool ClaimParts::Text::has_wildcard() const { return std::find(wild.begin(), wild.end(), true) != wild.end(); }

std::vector<ClaimParts> SplitClaimPattern(const IssuerProfile& profile, std::string_view claim, const Pattern& value) {
  std::vector<ClaimParts> out;
  const ClaimGrammar* g = FindClaimGrammar(profile, claim);
  if (!g) return out;
  Stream s = ToStream(value);
  auto slice = [&](size_t begin, size_t end) {
    ClaimParts::Text t;
    t.text = s.text.substr(begin, end - begin);
    t.wild.assign(s.wild.begin() + static_cast<std::ptrdiff_t>(begin), s.wild.begin() + static_cast<std::ptrdiff_t>(end));
    return t;
  };
  size_t pos = 0;
  std::vector<std::pair<std::string, std::string>> leading;
  while (true) {
    for (const char* form : g->forms) {
      FormRead r = ReadForm(ParseForm(profile, form), s, pos);
      if (!r.fits) continue;
      ClaimParts parts;
      parts.form = form;
      parts.leading = leading;
      for (const FieldState& f : r.fields) {
        ClaimParts::Field field;
        field.def = f.def;
        field.closed = f.closed;
        if (f.begin <= f.end && f.end <= s.size()) field.value = slice(f.begin, f.end);
        if (!f.closed && field.value.text.empty()) field.value = {"*", {true}};
        parts.fields.push_back(std::move(field));
      }
      parts.context_reached = r.context_reached;
      if (r.context_reached) parts.context = slice(r.context_begin, s.size());
      out.push_back(std::move(parts));
    }
    if (!out.empty()) return out;
    bool wild = false;
    size_t start = pos;
    auto next = SkipLeadingPair(*g, s, pos, &wild);
    if (wild || !next) return out;
    std::string pair = s.text.substr(start, *next - start);
    if (!pair.empty() && pair.back() == ':') pair.pop_back();
    size_t colon = pair.find(':');
    leading.emplace_back(pair.substr(0, colon), colon == std::string::npos ? "" : pair.substr(colon + 1));
    pos = *next;
    if (pos >= s.size()) {
      // Only attacker-chosen pairs: a subject any tenant can produce.
      ClaimParts parts;
      parts.leading = leading;
      out.push_back(std::move(parts));
      return out;
    }
  }
}

ClaimReading ReadClaimPattern(const IssuerProfile& profile, std::string_view claim, const Pattern& value) {
  ClaimReading out;
  const ClaimGrammar* g = FindClaimGrammar(profile, claim);
  if (!g) return out;
  Stream s = ToStream(value);
  size_t pos = 0;
  while (true) {
    for (const char* form : g->forms) {
      FormRead r = ReadForm(ParseForm(profile, form), s, pos);
      if (!r.fits) continue;
      // A value that ends exactly where a form ends, or goes on with more
      // text, fits; the context after the form must start with a terminator
      // of the last field (checked by ReadForm's field loop).
      Classify(profile, *g, r, s, &out);
      return out;
    }
    bool wild = false;
    auto next = SkipLeadingPair(*g, s, pos, &wild);
    if (wild) {
      // A wildcard in an attacker-chosen pair, before any pin.
      out.recognised = true;
      out.has_wildcard = true;
      out.open_before_tenant = profile.tenancy == Tenancy::kShared;
      out.tenant_pinned = !out.open_before_tenant;
      out.open_level = FieldLevel::kTenant;
      out.admits = profile.everything;
      return out;
    }
    if (!next) break;
    pos = *next;
    if (pos >= s.size()) {
      // Only attacker-chosen pairs: recognised, and pins nothing.
      out.recognised = true;
      out.tenant_pinned = profile.tenancy == Tenancy::kPerTenant;
      out.admits = profile.everything;
      return out;
    }
  }
  // Nothing fits. A wildcard at the very start still admits everything.
  if (pos < s.size() && s.wild[pos]) {
    out.recognised = true;
    out.has_wildcard = true;
    out.open_before_tenant = profile.tenancy == Tenancy::kShared;
    out.tenant_pinned = !out.open_before_tenant;
    out.open_level = FieldLevel::kTenant;
    out.admits = profile.everything;
  }
  return out;
}

}  // namespace trustcheck
