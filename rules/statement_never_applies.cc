// TC020: required parts the lowering found always false, with its reason.

#include "rules/statement_never_applies.h"

#include <fmt/format.h>

#include <algorithm>

#include "lint/analysis.h"

namespace trustcheck::rules {

const lint::RuleInfo& StatementNeverApplies::info() const {
  static const lint::RuleInfo kInfo{
      "TC020",
      "statement-never-applies",
      lint::Severity::kMedium,
      "An Allow statement for web identities has a part that is always false, so it lets nobody in",
      "An IAM user or role as the principal of an `sts:AssumeRoleWithWebIdentity` statement, an OIDC provider of "
      "another account than the role's, a SAML provider, or a Vault bound claim with no values: the platform "
      "accepts the trust, but the statement can never apply. Deployments then fail with an access denied that "
      "gives no reason, and the fix made under pressure tends to be a wider trust.\n\n"
      "Malformed trusts the platform refuses outright are reported by TC018 instead; statements whose action is "
      "not the web-identity action by TC019.",
      {{"AWS: an IAM user cannot present a web identity token", "json",
        R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/deployer"}, "Action": "sts:AssumeRoleWithWebIdentity"})"}},
      {{"AWS: an OIDC provider of the role's account", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}
})"}},
      {"https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"}};
  return kInfo;
}

namespace {

void Conjuncts(const Node& n, std::vector<const Node*>* out) {
  if (n.kind == Node::Kind::kAnd) {
    for (const Node& c : n.children) Conjuncts(c, out);
  } else {
    out->push_back(&n);
  }
}

bool SameLoc(const SourceLoc& a, const SourceLoc& b) {
  return a.path() == b.path() && a.line == b.line && a.column == b.column;
}

}  // namespace

void StatementNeverApplies::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  auto web_identity = std::find_if(trust.required_actions.begin(), trust.required_actions.end(),
                                   [](const RequiredAction& a) { return a.when_claim_present.empty(); });
  for (const Statement& st : trust.statements) {
    if (st.effect != Effect::kAllow) continue;
    std::vector<const Node*> parts;
    Conjuncts(st.when, &parts);
    // A statement for another action (cross-account sts:AssumeRole) is not
    // about tokens at all: leave it alone.
    bool for_tokens = true;
    for (const Node* p : parts)
      if (p->kind == Node::Kind::kTest && p->test->ref.source == ValueRef::Source::kAction &&
          web_identity != trust.required_actions.end()) {
        const Test& t = *p->test;
        bool matches = std::any_of(t.operands.begin(), t.operands.end(),
                                   [&](const Operand& o) { return o.valid && o.pattern.Match(web_identity->action); });
        if (matches == t.negated) for_tokens = false;
      }
    if (!for_tokens) continue;
    for (const Node* p : parts) {
      if (p->kind != Node::Kind::kConst || p->value || p->reason().empty()) continue;
      bool malformed = std::any_of(trust.notes.begin(), trust.notes.end(), [&](const LoweringNote& n) {
        return n.kind == LoweringNote::Kind::kMalformed && SameLoc(n.loc, p->loc);
      });
      if (malformed) continue;  // TC018
      sink.Report(p->loc.known() ? p->loc : st.loc, fmt::format("this statement never lets anyone in: {}", p->reason()));
    }
  }
}

}  // namespace trustcheck::rules
