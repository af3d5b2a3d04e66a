// TC004: a per-tenant issuer still needs a condition naming the workload.

#include "rules/no_subject_condition.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"
#include "trustcheck/wording.h"

namespace trustcheck::rules {

const lint::RuleInfo& NoSubjectCondition::info() const {
  static const lint::RuleInfo kInfo{
      "TC004",
      "no-subject-condition",
      lint::Severity::kHigh,
      "A trust on a per-tenant or unknown issuer checks nothing that identifies the workload",
      "An EKS cluster, a CircleCI organisation, a self-managed GitLab or a Vault mount's issuer signs tokens for "
      "every workload it runs. A trust that checks only the issuer and the audience lets all of them in: every pod "
      "of every namespace of the cluster, every project of the CircleCI organisation, every job of the GitLab "
      "instance. Pin the subject (`sub`) or another claim that names the workload (service account, project, "
      "repository).\n\n"
      "Shared issuers such as GitHub Actions are reported by TC001 instead; this rule covers the issuers whose URL "
      "already belongs to one tenant, and trusts whose issuer is not in the file (a Vault role without its auth "
      "config).",
      {{"AWS: EKS role that any pod of the cluster can assume", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com"}}
})"},
       {"Vault: a role with only an audience", "json", R"({"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["vault"]})"}},
      {{"AWS: one service account", "json",
        R"({"StringEquals": {
  "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com",
  "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:payments:api"}})"}},
      {"https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html",
       "https://developer.hashicorp.com/vault/api-docs/auth/jwt"}};
  return kInfo;
}

namespace {

}  // namespace

void NoSubjectCondition::CheckExposure(const lint::LintInput&, const LoadedFile&, const Trust& trust, size_t statement,
                                       const IssuerExposure& exposure, lint::FindingSink& sink) const {
  const lint::AcceptedIssuer& issuer = exposure.issuer;
  const IssuerProfile* p = issuer.profile;
  if (p && (p->audience_pins || (!issuer.guessed && p->tenancy == Tenancy::kShared))) return;
  if (exposure.reach != Reach::kAnyone || exposure.widest.empty()) return;
  const Statement& st = trust.statements[statement];
  const Admission& a = exposure.widest.front();
  std::vector<lint::TestSite> tests;
  lint::CollectTests(st.when, &tests);
  std::vector<std::string> checked;
  for (const lint::TestSite& site : tests) {
    const Test& t = *site.test;
    if (site.under_not || !lint::IsPositiveValueMatch(t) || lint::IsIssuerTest(t) || !lint::VisibleFor(t.ref, issuer))
      continue;
    std::string d = lint::ClaimDisplay(t);
    if (std::find(checked.begin(), checked.end(), d) == checked.end()) checked.push_back(d);
  }
  std::string who;
  if (p && !issuer.guessed) who = p->everything;
  else if (!issuer.issuer.empty()) who = fmt::format("any workload with a token from `{}`", issuer.issuer);
  else who = "any workload with a token from the issuer it trusts";
  std::string why = a.operand ? fmt::format("`{}` matches `{}`", lint::ClaimDisplay(*a.test), a.operand->text)
                    : checked.empty()
                        ? std::string("nothing identifies the workload")
                        : fmt::format("it checks only {}, which {} not identify a workload", JoinCode(checked, "and"),
                                      checked.size() == 1 ? "does" : "do");
  sink.Report(lint::AdmissionLoc(trust, st, exposure, a),
              fmt::format("{} can {}: {}{}", who, lint::AccessPhrase(trust), why, lint::AssumptionNote(a)), std::nullopt,
              lint::EvidenceOf(a));
}

}  // namespace trustcheck::rules
