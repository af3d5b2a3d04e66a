// TC015: Entra allows at most 20 federated identity credentials per
// application or user-assigned managed identity.

#include "rules/too_many_federated_credentials.h"

#include <fmt/format.h>

#include <map>

namespace trustcheck::rules {

namespace {

constexpr size_t kLimit = 20;

// The application or identity a credential belongs to: the ARM id without
// its last two segments (`.../federatedIdentityCredentials/<name>`), else
// the file (an `az ... federated-credential list` prints one owner's list).
std::string Owner(const LoadedFile& file, const Trust& trust) {
  static const std::string kSegment = "/federatedIdentityCredentials/";
  size_t at = trust.arn.find(kSegment);
  if (at != std::string::npos) return trust.arn.substr(0, at);
  return "file:" + file.path;
}

}  // namespace

const lint::RuleInfo& TooManyFederatedCredentials::info() const {
  static const lint::RuleInfo kInfo{
      "TC015",
      "too-many-federated-credentials",
      lint::Severity::kMedium,
      "An Entra application or managed identity has more than 20 federated identity credentials",
      "Entra ID accepts at most 20 federated identity credentials per application or user-assigned managed "
      "identity. A list longer than that cannot be deployed as written: the credentials past the 20th are refused, "
      "and whatever relies on them fails. Teams that hit the limit tend to replace exact subjects with one broad "
      "flexible credential; plan the split (one identity per environment or repository) instead.\n\n"
      "Credentials are grouped by the owner in their ARM id, or by file for `az ... federated-credential list` "
      "output.",
      {{"Entra: a list of 21 credentials for one application", "json",
        R"([{"name": "branch-1", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:ref:refs/heads/b1", "audiences": ["api://AzureADTokenExchange"]},
 ...
 {"name": "branch-21", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:ref:refs/heads/b21", "audiences": ["api://AzureADTokenExchange"]}])"}},
      {{"Entra: 20 credentials or fewer per application", "json",
        R"([{"name": "main", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]}])"}},
      {"https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations"}};
  return kInfo;
}

void TooManyFederatedCredentials::Check(const lint::LintInput& input, lint::FindingSink& sink) const {
  std::map<std::string, std::vector<const Trust*>> owners;
  for (const LoadedFile& file : *input.files)
    for (const Trust& trust : file.trusts)
      if (trust.kind == TrustKind::kFederatedCredential) owners[Owner(file, trust)].push_back(&trust);
  for (const auto& [owner, credentials] : owners) {
    if (credentials.size() <= kLimit) continue;
    const Trust& first_refused = *credentials[kLimit];
    sink.Report(first_refused.loc,
                fmt::format("this is credential {} of {} for the same application or identity; Entra allows at most "
                            "{}, so `{}` and the ones after it cannot be created",
                            kLimit + 1, credentials.size(), kLimit, first_refused.name));
  }
}

}  // namespace trustcheck::rules
