// TC014: issuers are compared byte for byte.

#include "rules/issuer_not_exact.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& IssuerNotExact::info() const {
  static const lint::RuleInfo kInfo{
      "TC014",
      "issuer-not-exact",
      lint::Severity::kMedium,
      "The issuer is written with a trailing `/`, surrounding whitespace or an upper-case host, so it never equals "
      "the token's `iss`",
      "Entra ID, Vault and AWS compare the issuer with the token's `iss` claim byte for byte (Google Cloud "
      "tolerates a trailing `/`, and is not reported for it): "
      "`https://token.actions.githubusercontent.com/` is not `https://token.actions.githubusercontent.com`. The "
      "credential or role then accepts no token at all. Deployments fail with an unhelpful \"no matching federated "
      "identity record\", and the usual fix under time pressure is a broader trust.\n\n"
      "A trailing `/` and a host's case are reported only for issuers trustcheck knows (whose tokens never carry "
      "them); some other identity providers do end their issuer with `/`.",
      {{"Entra: trailing slash", "json",
        R"({"issuer": "https://token.actions.githubusercontent.com/", "subject": "repo:acme/app:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]})"}},
      {{"Entra: the exact issuer", "json",
        R"({"issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]})"}},
      {"https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust",
       "https://docs.github.com/en/actions/reference/security/oidc"}};
  return kInfo;
}

namespace {

std::string Reason(const std::string& issuer, const IssuerProfile* profile) {
  if (!issuer.empty() && (std::isspace(static_cast<unsigned char>(issuer.front())) ||
                          std::isspace(static_cast<unsigned char>(issuer.back()))))
    return "has leading or trailing whitespace";
  if (!profile) return "";
  if (issuer.size() > 1 && issuer.back() == '/') return "ends with `/`";
  size_t scheme = issuer.find("://");
  size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t host_end = issuer.find('/', host_start);
  for (size_t i = 0; i < std::min(host_end, issuer.size()); ++i)
    if (std::isupper(static_cast<unsigned char>(issuer[i]))) return "has upper-case letters before its path";
  return "";
}

}  // namespace

void IssuerNotExact::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const lint::TestSite& site : lint::CollectTests(trust)) {
    const Test& t = *site.test;
    if (!lint::IsIssuerTest(t) || t.negated) continue;
    for (const Operand& o : t.operands) {
      if (o.pattern.options().flavor != WildcardFlavor::kLiteral || o.pattern.options().fold_case) continue;
      const IssuerProfile* profile = FindIssuerProfile(o.text);
      std::string reason = Reason(o.text, profile);
      if (reason.empty()) continue;
      std::string expected = NormaliseIssuer(o.text);
      // The platform may accept both spellings (GCP tolerates a trailing
      // `/`): the lowering then lists the exact form beside this one.
      bool tolerated = std::any_of(t.operands.begin(), t.operands.end(),
                                   [&](const Operand& other) { return other.text == expected; });
      if (tolerated) continue;
      std::string who = profile ? fmt::format("{} tokens carry `{}`", profile->platform, expected)
                                : fmt::format("tokens carry an `iss` such as `{}`", expected);
      sink.Report(OperandLoc(site.loc, o),
                  fmt::format("issuer `{}` {}, but {} compares issuers byte for byte and {}, so no token matches it",
                              o.text, reason, lint::PlatformDisplay(trust.platform), who));
    }
  }
}

}  // namespace trustcheck::rules
