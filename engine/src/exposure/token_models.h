// Internal: what a real token of each issuer family looks like, as data, so
// that the exposure analysis can build tokens a stranger, a foreign
// repository or a pull-request run would present.
//
// A TokenModel belongs to one IssuerProfile (by id). It lists the token's
// SHAPES (GitHub's default and immutable subjects, HCP Terraform's workspace
// runs and Stack deployments) and, per shape, the claims as TEMPLATES over
// named variables:
//   - the profile's subject fields (`{owner}`, `{repo}`, `{org}`, ...);
//   - the run's variables (`{suffix}`: what the subject carries after the
//     workload, `{ref}`, `{event}`, ...), from the shape's RUN KINDS;
//   - `{iss}` and `{aud}`.
// A claim whose template names a variable that is not set is left out of
// the token (GitHub's `environment` exists only for environment runs). A
// claim name starting with `/` is a JSON pointer (Kubernetes'
// `/kubernetes.io/namespace`).
//
// The facts come from each platform's documentation of its token (sources
// beside each model in token_models.cc and in docs/platform-facts.md).

#ifndef TRUSTCHECK_SRC_EXPOSURE_TOKEN_MODELS_H_
#define TRUSTCHECK_SRC_EXPOSURE_TOKEN_MODELS_H_

#include <string>
#include <utility>
#include <vector>

namespace trustcheck::exposure {

using ClaimTemplate = std::pair<const char*, const char*>;  // claim, template

// One kind of run: a push to a branch, a tag, a deployment to an
// environment, a pull request, a plan or an apply.
struct RunKind {
  const char* noun;        // "branch", "pull request", "run phase"
  const char* probe_name;  // a name no trust would pin: "trustcheck-probe"
  // Variables the run sets; `{name}` is the run's name (the branch).
  std::vector<ClaimTemplate> vars;
  // The run executes code that nobody with write access has reviewed yet
  // (pull-request and merge-request runs).
  bool unreviewed = false;
  // The run's name is fixed by the platform (`plan`, `apply`), so a fresh
  // name is no new run: only the names in `fixed_names` exist.
  std::vector<const char*> fixed_names = {};
  // A fresh name is a new run only when the trust names runs of this kind
  // at all (a deployment environment: a trust pinned to `main` admits every
  // environment deployed from `main`, which is no widening).
  bool fresh_only_if_named = false;
};

struct TokenShape {
  const char* name;  // "default subject"
  std::vector<ClaimTemplate> claims;
  std::vector<RunKind> runs;
};

// A field of a model that the profile's grammars do not name (Google's OAuth
// client and account, read from whole claim values).
struct ModelField {
  const char* name;
  const char* noun;
  bool tenant;  // true: the tenant; false: a resource
};

struct TokenModel {
  const char* profile_id;
  std::vector<TokenShape> shapes;
  // Claims whose whole value is one field (`aud` is the Google OAuth
  // client), for profiles whose grammars have no forms for them.
  std::vector<std::pair<const char*, const char*>> whole_value_fields;  // claim, field
  std::vector<ModelField> extra_fields;
  // A fresh value per field that no trust pins ("987654321" for ids).
  std::vector<std::pair<const char*, const char*>> fresh;
  // Fields that identify nothing on their own here (HCP Terraform workspace
  // names are unique in an organisation, whatever their project).
  std::vector<const char*> detail_fields = {};
  // Where the model comes from (the platform's page on its tokens) and the
  // day it was last compared with it ("" when not yet re-read).
  const char* source = "";
  const char* checked = "";
};

// Every model, in profile order (the generic one last).
std::vector<const TokenModel*> AllTokenModels();

// The model for a profile id, or nullptr (the generic model is used).
const TokenModel* FindTokenModel(const char* profile_id);

// The model for issuers without a profile: a subject and an audience.
const TokenModel& GenericTokenModel();

}  // namespace trustcheck::exposure

#endif  // TRUSTCHECK_SRC_EXPOSURE_TOKEN_MODELS_H_
