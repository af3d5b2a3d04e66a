// trustcheck/issuers.h: what a token from each OIDC issuer looks like, and
// what a trust must pin so that strangers stay out.
//
// OVERVIEW
//
// A trust on a SHARED issuer (one issuer URL for every customer of the
// platform: GitHub Actions, GitLab.com, HCP Terraform, Buildkite, Google
// accounts, Cognito) must pin the TENANT (the GitHub organisation, the GitLab
// group, the Terraform organisation) or it lets in strangers. A trust on a
// PER-TENANT issuer (an EKS cluster, a CircleCI organisation, a Spacelift
// account) is tenant-pinned by the issuer itself and can only be too wide
// inside the tenant.
//
// The facts live in ONE data table (engine/src/issuers.cc), one
// IssuerProfile per issuer family: the issuer URL patterns, the tenancy, and
// for each claim that identifies a tenant or a resource its GRAMMAR: the
// forms its value takes, written as templates of named fields:
//
//   sub  "repo:{owner}/{repo}"                 GitHub, default subject
//        "repo:{owner}@{owner_id}/{repo}@{repo_id}"   immutable subject
//        "repository_owner_id:{owner_id}"      custom template
//   sub  "project_path:{group}/{project}"      GitLab
//   sub  "organization:{org}:project:{project}:workspace:{workspace}"   HCP Terraform
//
// Each field knows its level (tenant, tenant id, resource, resource id,
// detail), the bytes that end it (`/`, `@`, `:`), and the noun people use
// for it ("organisation", "repository"). Whatever follows the form (`:ref:
// refs/heads/main`) is the CONTEXT, described by prefix ("branch", "tag").
//
// ReadClaimPattern() reads one policy value (exact or wildcard, as a
// Pattern) with this grammar and says what it admits, in words:
//
//   `repo:*`                        any repository of any GitHub organisation
//   `repo:acme*`                    any repository of any GitHub organisation whose name starts with `acme`
//   `repo:acme/*`                   any repository of organisation `acme`
//   `repo:acme/app:ref:refs/heads/*` any branch of `acme/app`
//   `organization:acme:project:*:workspace:*:run_phase:*`  any workspace of organisation `acme`
//
// and whether the tenant is pinned (a tenant or id field is complete before
// the first wildcard), and whether only by a mutable name.
//
// THREAD SAFETY
//
// The table is immutable static data; every function here is pure and may be
// called from any thread.

#ifndef TRUSTCHECK_ISSUERS_H_
#define TRUSTCHECK_ISSUERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trustcheck/pattern.h"

namespace trustcheck {

// Whether one issuer URL serves many customers.
enum class Tenancy : uint8_t {
  kShared,     // one issuer for every customer: the trust must pin the tenant
  kPerTenant,  // the issuer itself belongs to one tenant (cluster, org, account)
};

// Where a field of a claim value sits relative to the tenant boundary.
enum class FieldLevel : uint8_t {
  kTenant,      // names the tenant (GitHub owner, GitLab top-level group)
  kTenantId,    // immutable id of the tenant (repository_owner_id)
  kResource,    // names something inside a tenant (repository, workspace)
  kResourceId,  // immutable id of something inside exactly one tenant (repository_id)
  kDetail,      // narrows further (user, step); never identifies a tenant
};

// One named field of a claim value.
struct SubjectField {
  const char* name;         // as used in the templates: "owner"
  const char* noun;         // for people: "organisation"
  const char* terminators;  // bytes that end the field's value: "/@:"
  FieldLevel level;
};

// What a context prefix (the text after a form) stands for.
struct ContextNoun {
  const char* prefix;  // ":ref:refs/heads/"
  const char* noun;    // "branch"
};

// The grammar of one claim's value.
struct ClaimGrammar {
  const char* claim;  // token claim name: "sub", "repository", "project_id"
  // Templates of literal text and {field} names; the first that fits wins.
  std::vector<const char*> forms;
  // `key:value` pairs that may come before a form in a custom subject
  // template and pin nothing (GitHub `workflow:NAME:repo:...`). Empty: the
  // form must start the value.
  std::vector<const char*> leading_keys;
  // The context after a form, most specific prefix first.
  std::vector<ContextNoun> context;
  // Words for "any context": "any branch, tag, environment or pull request".
  const char* any_context;
};

// Everything trustcheck knows about one issuer family.
struct IssuerProfile {
  const char* id;        // stable: "github-actions"
  const char* platform;  // for people: "GitHub Actions"
  // Issuer URLs (the `iss` claim), `*` matching any run of bytes. Matched
  // after Normalising: ASCII-lower-case scheme and host, no trailing `/`.
  std::vector<const char*> issuers;
  Tenancy tenancy;
  const char* tenant_noun;  // "organisation", "group", "cluster"
  // Shared: "any GitHub organisation". Per-tenant: "this cluster".
  const char* any_tenant;
  // The widest set of workloads, for a trust that pins nothing:
  // "any repository of any GitHub organisation".
  const char* everything;
  // True when the audience is the tenant pin (Google client id, Cognito
  // identity pool id); false when anyone may request any audience (GitHub).
  bool audience_pins;
  std::vector<SubjectField> fields;
  std::vector<ClaimGrammar> claims;  // the claims that can identify a tenant or resource
  // Claims a stranger picks freely (never a pin on their own).
  std::vector<const char*> attacker_chosen;
  // What to pin instead of mutable names ("" when the platform has no ids).
  const char* immutable_advice;
};

// The whole table, in lookup order.
const std::vector<IssuerProfile>& IssuerProfiles();

// The profile whose issuer patterns match `issuer`, or nullptr. The issuer
// may be written with or without `https://` (AWS condition-key prefixes),
// and with surrounding whitespace or a trailing `/` (the lookup forgives
// them; the exact text is the linter's business).
const IssuerProfile* FindIssuerProfile(std::string_view issuer);

// The profile whose claim grammars recognise these claim names best, for
// trusts whose issuer is not known (a Vault role without its auth config).
// Only profiles with a claim among `claims` qualify; nullptr when none does.
const IssuerProfile* GuessIssuerProfile(const std::vector<std::string>& claims);

// `https://Token.Actions.GitHubUserContent.com/` -> `https://token.actions.githubusercontent.com`;
// `token.actions.githubusercontent.com` -> `https://token.actions.githubusercontent.com`.
std::string NormaliseIssuer(std::string_view issuer);

// The grammar of `claim` for this profile, or nullptr.
const ClaimGrammar* FindClaimGrammar(const IssuerProfile& profile, std::string_view claim);

// True when `claim` may hold several values (`amr`, `aud`, `groups`, ...).
bool IsMultiValuedClaim(std::string_view claim);

// What one policy value of a claim admits.
struct ClaimReading {
  // The value fits one of the claim's forms (or skips attacker-chosen pairs
  // to reach one). False: the grammar does not know this value.
  bool recognised = false;
  // The value has `*` or `?` wildcards.
  bool has_wildcard = false;
  // A tenant-identifying field (tenant, tenant id or resource id) is complete
  // before the first wildcard, so only one tenant can match.
  bool tenant_pinned = false;
  // ... and one of those complete fields is an immutable id.
  bool pinned_by_id = false;
  // A resource field (repository, project, workspace) is complete before the
  // first wildcard.
  bool resource_pinned = false;
  // The first wildcard comes before the tenant is complete.
  bool open_before_tenant = false;
  // The level of the first field the wildcard opens (kDetail for the
  // context). Meaningful when has_wildcard.
  FieldLevel open_level = FieldLevel::kDetail;
  // The tenant as written, when pinned by a name ("acme").
  std::string tenant;
  // What the value lets in, in words, without a trailing period:
  // "any branch of `acme/app`". Empty for exact values.
  std::string admits;
};

// Reads one policy value of `claim` (a Pattern of any flavour: its Pieces()
// decide what is a wildcard). Values with no wildcard are exact.
ClaimReading ReadClaimPattern(const IssuerProfile& profile, std::string_view claim, const Pattern& value);

// A policy value split along one form of its claim's grammar, for building
// tokens that it matches (trustcheck/exposure.h). Wildcard bytes are kept as
// `*` / `?` with `wild` set.
struct ClaimParts {
  struct Text {
    std::string text;
    std::vector<bool> wild;  // per byte of `text`
    bool has_wildcard() const;
  };
  struct Field {
    const SubjectField* def = nullptr;
    Text value;
    bool closed = false;  // a complete literal value
  };
  const char* form = nullptr;
  std::vector<Field> fields;  // the fields the value reaches, in form order
  bool context_reached = false;
  Text context;               // what follows the form (`:ref:refs/heads/*`)
  // Attacker-chosen `key:value` pairs written before the form (a GitHub
  // custom subject template), literal only.
  std::vector<std::pair<std::string, std::string>> leading;
};

// Every form of the claim's grammar that the value fits (none when the claim
// has no grammar or nothing fits).
std::vector<ClaimParts> SplitClaimPattern(const IssuerProfile& profile, std::string_view claim, const Pattern& value);

}  // namespace trustcheck

#endif  // TRUSTCHECK_ISSUERS_H_
