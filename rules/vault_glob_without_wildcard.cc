// TC017: a glob type with nothing to glob.

#include "rules/vault_glob_without_wildcard.h"

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& VaultGlobWithoutWildcard::info() const {
  static const lint::RuleInfo kInfo{
      "TC017",
      "vault-glob-without-wildcard",
      lint::Severity::kLow,
      "A Vault role sets `bound_claims_type: glob` but no bound claim value has a `*`",
      "With `bound_claims_type: glob` every bound claim is a glob, so a value meant to be exact becomes a pattern "
      "the day someone adds a `*` to it, and non-string claims (`true`, `42`) never match a glob at all. When no "
      "value has a `*`, the glob type buys nothing: use the default `string` type, which compares exactly and "
      "keeps booleans and numbers typed.",
      {{"Vault: glob type, exact values", "json",
        R"({"bound_claims_type": "glob", "bound_claims": {"project_id": "22", "ref": "main"}, "bound_audiences": ["vault"]})"}},
      {{"Vault: the default string type", "json",
        R"({"bound_claims": {"project_id": "22", "ref": "main"}, "bound_audiences": ["vault"]})"},
       {"Vault: glob type with a pattern", "json",
        R"({"bound_claims_type": "glob", "bound_claims": {"project_id": "22", "ref": "release-*"}, "bound_audiences": ["vault"]})"}},
      {"https://developer.hashicorp.com/vault/api-docs/auth/jwt"}};
  return kInfo;
}

void VaultGlobWithoutWildcard::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  if (!trust.facts.vault || trust.facts.vault->bound_claims_type != VaultRoleFacts::ClaimsType::kGlob) return;
  std::vector<lint::TestSite> sites = lint::CollectTests(trust);
  const lint::TestSite* first = nullptr;
  for (const lint::TestSite& site : sites) {
    const Test& t = *site.test;
    if (t.kind != MatchKind::kString || t.operands.empty()) continue;
    if (t.operands.front().pattern.options().flavor != WildcardFlavor::kVault) continue;
    for (const Operand& o : t.operands)
      if (o.text.find('*') != std::string::npos) return;
    if (!first) first = &site;
  }
  if (!first) return;
  sink.Report(first->loc, "`bound_claims_type` is `glob` but no bound claim value has a `*`, so every value is "
                          "compared exactly anyway; drop `bound_claims_type` (the default `string` type also keeps "
                          "numbers and booleans typed)");
}

}  // namespace trustcheck::rules
