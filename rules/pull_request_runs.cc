// TC025: a trust that pull-request runs reach, proved by such a run's token.

#include "rules/pull_request_runs.h"

#include <fmt/format.h>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& PullRequestRuns::info() const {
  static const lint::RuleInfo kInfo{
      "TC025",
      "pull-request-runs",
      lint::Severity::kMedium,
      "Runs for pull requests or merge requests can use the trust, and they run code nobody has reviewed yet",
      "A workflow run for a pull request executes the code of the pull request: whoever can open one from a branch "
      "of the repository (on GitHub, anyone with write access; with `pull_request_target`, the workflow of the base "
      "branch runs with the base repository's token) gets the role before any review. The GitHub subject of such "
      "runs is `repo:OWNER/REPO:pull_request`; GitLab's merge-request pipelines carry the source branch and "
      "`pipeline_source` `merge_request_event`; Spacelift's proposed runs `run_type:PROPOSED`.\n\n"
      "The rule builds such a run's token the way the platform does and reports the trust when it accepts it, "
      "when the pull request is named explicitly (`repo:acme/app:pull_request`) or through a wildcard that admits "
      "no other run (`repo:acme/app:pull*`); a wildcard over every run of the repository (`repo:acme/app:*`) is reported by TC003, "
      "which names pull requests among what it admits. A trust that already lets in every repository of the "
      "organisation or more is reported for that wider exposure instead. Give pull-request runs a role of their own with read-only permissions, "
      "or pin the subject to the branches and environments that deploy.",
      {{"AWS: pull-request runs of one repository", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:pull_request"}})"},
       {"Entra: a credential for pull requests", "json",
        R"({"issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:pull_request",
 "audiences": ["api://AzureADTokenExchange"]})"}},
      {{"AWS: only the production environment", "json",
        R"({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:environment:production"}})"}},
      {"https://docs.github.com/en/actions/reference/security/oidc",
       "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
       "https://docs.gitlab.com/ci/secrets/id_token_authentication/"}};
  return kInfo;
}

void PullRequestRuns::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                    const IssuerExposure& exposure, lint::FindingSink& sink) const {
  if (!exposure.unreviewed || exposure.reach >= Reach::kAnyResource) return;
  const Admission& a = *exposure.unreviewed;
  // Named on purpose (`repo:acme/app:pull_request`), or the only runs a
  // pattern adds; a wildcard over every run of the repository
  // (`repo:acme/app:*`) is TC003's, which names pull requests among them.
  if (exposure.reach != Reach::kPinned) {
    // Every run of the repository gets in: the pull requests must come in
    // through a value of their own, not the one that admits every branch.
    if (!a.operand) return;
    for (const Admission& w : exposure.widest)
      if (w.operand == a.operand) return;
  }
  sink.Report(lint::AdmissionLoc(trust, trust.statements[statement], exposure, a),
              fmt::format("{} can {}{}, and they run code nobody has reviewed yet{}{}", a.who, lint::AccessPhrase(trust),
                          lint::GuessNote(exposure.issuer), lint::CulpritNote(a), lint::AssumptionNote(a)),
              std::nullopt, lint::EvidenceOf(a));
}

}  // namespace trustcheck::rules
