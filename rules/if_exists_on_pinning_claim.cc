// TC009: `...IfExists` turns a pin into "pin, unless the claim is missing".

#include "rules/if_exists_on_pinning_claim.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& IfExistsOnPinningClaim::info() const {
  static const lint::RuleInfo kInfo{
      "TC009",
      "if-exists-on-pinning-claim",
      lint::Severity::kHigh,
      "An `...IfExists` operator guards the claim that pins the workload, so a token without it passes",
      "`StringLikeIfExists` is true when the key is missing. On the claim that names the repository, project or "
      "service account this means \"pin it, unless the token does not say\": the condition no longer requires "
      "the pin. Tokens of today's issuers always carry `sub`, but the trust then depends on every issuer the "
      "provider will ever accept, and custom claims (`environment`, `repository`) are missing from many tokens.\n\n"
      "Drop `IfExists`. The finding is `high` on claims that identify the workload and `medium` on others.",
      {{"AWS: the subject pin is optional", "json",
        R"({"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}})"}},
      {{"AWS: the subject is required", "json",
        R"({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"}};
  return kInfo;
}

namespace {

std::string WithoutIfExists(const std::string& op) {
  static const std::string kSuffix = "ifexists";
  if (op.size() <= kSuffix.size()) return op;
  std::string tail = op.substr(op.size() - kSuffix.size());
  std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
  return tail == kSuffix ? op.substr(0, op.size() - kSuffix.size()) : op;
}

}  // namespace

void IfExistsOnPinningClaim::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const Statement& st : trust.statements) {
    std::vector<lint::AcceptedIssuer> issuers = lint::StatementIssuers(trust, st);
    std::vector<lint::TestSite> tests;
    lint::CollectTests(st.when, &tests);
    for (const lint::TestSite& site : tests) {
      const Test& t = *site.test;
      if (site.under_not || !lint::IsPositiveValueMatch(t) || t.missing_result != Tri::kTrue ||
          t.quantifier == Quantifier::kAllValues || lint::IsIssuerTest(t))
        continue;
      bool pins = std::any_of(issuers.begin(), issuers.end(),
                              [&](const lint::AcceptedIssuer& i) { return lint::IsIdentifyingClaim(t, i); });
      std::string claim = lint::ClaimName(t);
      std::string plain = WithoutIfExists(t.op_display);
      std::string fix = plain != t.op_display ? fmt::format("; use `{}`", plain) : "";
      sink.Report(site.loc,
                  fmt::format("`{}` on `{}` passes when the token has no `{}` claim, so it does not require {}{}",
                              t.op_display.empty() ? std::string("this condition") : t.op_display.str(),
                              lint::ClaimDisplay(t), claim, pins ? "the pin" : "the value", fix),
                  pins ? std::nullopt : std::optional(lint::Severity::kMedium));
    }
  }
}

}  // namespace trustcheck::rules
