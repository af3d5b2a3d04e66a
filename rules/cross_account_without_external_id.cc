// TC012: the confused deputy. A third party's account assumes the role on
// behalf of many customers; without `sts:ExternalId` any of its customers
// can make it assume yours.

#include "rules/cross_account_without_external_id.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& CrossAccountWithoutExternalId::info() const {
  static const lint::RuleInfo kInfo{
      "TC012",
      "cross-account-without-external-id",
      lint::Severity::kMedium,
      "Another AWS account may assume the role with `sts:AssumeRole` and no `sts:ExternalId` condition",
      "A trust that lets another account assume the role is usually written for a third-party service (a CI "
      "vendor, a monitoring or cost tool) that assumes roles in many customers' accounts. Without an "
      "`sts:ExternalId` condition, any customer of that service can ask it to assume your role by giving your role "
      "ARN: the confused deputy problem. The external id the vendor gives you ties the role to your tenancy.\n\n"
      "Principals of the role's own account (when the role's ARN is known) are not reported; a trust file "
      "without the role's ARN reports every account principal, since the account it belongs to is unknown.",
      {{"AWS: a vendor account without an external id", "json",
        R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"})"}},
      {{"AWS: the external id the vendor issued", "json",
        R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"sts:ExternalId": "7c1f3c2e-example"}}})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html"}};
  return kInfo;
}

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The account of `arn:aws:iam::123456789012:...` or a bare account id.
std::string AccountOf(const std::string& principal) {
  static const RE2 kArn(R"(arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):.*)");
  static const RE2 kId(R"(\d{12})");
  std::string account;
  if (RE2::FullMatch(principal, kArn, &account)) return account;
  if (RE2::FullMatch(principal, kId)) return principal;
  return "";
}

}  // namespace

void CrossAccountWithoutExternalId::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  std::string own_account = AccountOf(trust.arn);
  for (const Statement& st : trust.statements) {
    if (st.effect != Effect::kAllow) continue;
    std::vector<lint::TestSite> tests;
    lint::CollectTests(st.when, &tests);
    bool assume_role = false, external_id = false;
    for (const lint::TestSite& site : tests) {
      const Test& t = *site.test;
      if (t.ref.source == ValueRef::Source::kAction && !site.under_not) {
        bool matches = std::any_of(t.operands.begin(), t.operands.end(),
                                   [](const Operand& o) { return o.valid && o.pattern.Match("sts:AssumeRole"); });
        assume_role = assume_role || matches != t.negated;
      }
      if (!site.under_not && !t.negated && Lower(lint::ClaimDisplay(t)) == "sts:externalid") external_id = true;
    }
    if (!assume_role || external_id) continue;
    for (const Statement::Principal& p : st.principals) {
      if (p.type != Statement::Principal::Type::kAws) continue;
      std::string account = AccountOf(p.value);
      if (account.empty() || account == own_account) continue;
      sink.Report(p.loc, fmt::format("account `{}` can assume this role with `sts:AssumeRole` and no `sts:ExternalId` "
                                     "condition; if it is a vendor's account, any of the vendor's customers can have it "
                                     "assume this role",
                                     account));
    }
  }
}

}  // namespace trustcheck::rules
