// TC010: wildcards that an exact operator takes literally.

#include "rules/wildcard_in_exact_match.h"

#include <fmt/format.h>
#include <json/json.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& WildcardInExactMatch::info() const {
  static const lint::RuleInfo kInfo{
      "TC010",
      "wildcard-in-exact-match",
      lint::Severity::kMedium,
      "A value has `*` or `?` but is compared exactly, so the wildcard matches only itself",
      "`StringEquals` (AWS), a classic Entra `subject`, Vault's `bound_subject` and Vault `bound_claims` of the "
      "default `string` type compare byte for byte: `repo:acme/*` matches only the literal text `repo:acme/*`, "
      "which no token carries. The trust then silently accepts nothing (broken but closed). In a negated operator "
      "(`StringNotEquals`) the exclusion excludes nothing, which widens the trust; that case is `high`.\n\n"
      "Use the wildcard operator of the platform: `StringLike` on AWS, a flexible credential with `matches` on "
      "Entra, `bound_claims` with `bound_claims_type: glob` on Vault.",
      {{"AWS: StringEquals with a wildcard", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}})"},
       {"Entra: a wildcard in a classic subject", "json",
        R"({"issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:*", "audiences": ["api://AzureADTokenExchange"]})"},
       {"Vault: a glob in bound_subject", "json", R"({"bound_subject": "repo:acme/app:*", "bound_audiences": ["vault"]})"}},
      {{"AWS: StringLike", "json", R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}})"},
       {"Vault: a glob bound claim", "json",
        R"({"bound_claims_type": "glob", "bound_claims": {"sub": "repo:acme/app:*"}, "bound_audiences": ["vault"]})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
       "https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation",
       "https://developer.hashicorp.com/vault/api-docs/auth/jwt"}};
  return kInfo;
}

namespace {

// The operand's text with AWS's literal escapes (`${*}`, `${?}`) removed.
std::string WithoutEscapes(std::string text) {
  for (const char* e : {"${*}", "${?}"})
    for (size_t at = text.find(e); at != std::string::npos; at = text.find(e)) text.erase(at, 4);
  return text;
}

bool ExactlyCompared(const Test& t, const Operand& o) {
  if (t.kind == MatchKind::kTyped) return o.typed && o.typed->isString();
  return t.kind == MatchKind::kString && o.pattern.options().flavor == WildcardFlavor::kLiteral;
}

// What to write instead: the wildcard form of the same check on its platform.
std::string Advice(const Trust& trust, const Test& t) {
  switch (trust.platform) {
    case Platform::kVault:
      if (t.role == TestRole::kSubject)
        return "Vault never globs `bound_subject`: bind `sub` in `bound_claims` with `bound_claims_type: glob`";
      if (t.role == TestRole::kBoundClaim) return "set `bound_claims_type: glob`";
      return "";
    case Platform::kAzure:
      if (!trust.facts.entra || (t.role != TestRole::kSubject && t.role != TestRole::kClaim)) return "";
      if (trust.facts.entra->matching == EntraCredentialFacts::Matching::kExpression) return "use `matches`";
      return "use a flexible credential (`claimsMatchingExpression` with `matches`)";
    case Platform::kAws: {
      if (t.role != TestRole::kCondition) return "";
      if (t.operands.empty() || t.operands.front().pattern.options().fold_case)
        return "`StringLike` is case-sensitive; list the spellings";
      // The operator as written, with its `Equals` spelled `Like` (keeps
      // `ForAnyValue:` and `IfExists`).
      std::string like = t.op_display;
      size_t at = like.find("Equals");
      if (at == std::string::npos) return "";
      return fmt::format("use `{}`", like.replace(at, 6, "Like"));
    }
    default:
      return "";
  }
}

// How the check is named where it is written: "`StringEquals` on `x:sub`",
// "`bound_subject`", "bound claim `ref` (`bound_claims_type` is `string`)",
// "`subject`".
std::string CheckWords(const Trust& trust, const Test& t) {
  if (trust.platform == Platform::kVault && t.role == TestRole::kSubject) return "`bound_subject`";
  if (trust.platform == Platform::kVault && t.role == TestRole::kBoundClaim)
    return fmt::format("{} (`bound_claims_type` is `string`)", t.what);
  if (t.op_display.empty()) return fmt::format("`{}`", t.what.empty() ? lint::ClaimDisplay(t) : t.what.str());
  return fmt::format("`{}` on `{}`", t.op_display, lint::ClaimDisplay(t));
}

}  // namespace

void WildcardInExactMatch::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const lint::TestSite& site : lint::CollectTests(trust)) {
    const Test& t = *site.test;
    if (t.ref.source == ValueRef::Source::kAction || lint::IsIssuerTest(t)) continue;
    for (const Operand& o : t.operands) {
      if (!ExactlyCompared(t, o)) continue;
      std::string value = t.kind == MatchKind::kTyped ? o.typed->asString() : o.text;
      std::string bare = WithoutEscapes(value);
      char wildcard = bare.find('*') != std::string::npos ? '*' : bare.find('?') != std::string::npos ? '?' : 0;
      if (!wildcard) continue;
      bool negated = t.negated != site.under_not;
      std::string check = CheckWords(trust, t);
      std::string effect = negated ? "it excludes only that literal text" : "no real token matches it";
      std::string advice = Advice(trust, t);
      SourceLoc loc = OperandLoc(site.loc, o);
      sink.Report(loc,
                  fmt::format("{} compares `{}` exactly, so its `{}` matches only a literal `{}` and {}{}", check, value,
                              wildcard, wildcard, effect, advice.empty() ? "" : "; " + advice),
                  negated ? std::optional(lint::Severity::kHigh) : std::nullopt);
    }
  }
}

}  // namespace trustcheck::rules
