// TC023: an Allow statement whose conditions contradict each other.
//
// The analysis proves that no token satisfies the statement, then shrinks
// its conjuncts to a smallest set that still cannot hold together, which is
// what the message names. Parts that fail on their own for a reason other
// rules report (a principal that is not a web-identity provider: TC020, an
// action that excludes the web-identity action: TC019, a claim the platform
// never exposes: TC007, a malformed part: TC018) or that cannot be decided
// (unresolved values, expressions) are left alone.

#include "rules/contradictory_conditions.h"

#include <fmt/format.h>

#include "trustcheck/analysis.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/wording.h"

namespace trustcheck::rules {

const lint::RuleInfo& ContradictoryConditions::info() const {
  static const lint::RuleInfo kInfo{
      "TC023",
      "contradictory-conditions",
      lint::Severity::kMedium,
      "An Allow statement's conditions contradict each other, so no token can ever use it",
      "Conditions of one statement must all hold. Two of them that no single token can satisfy together (an "
      "exact `sub` and a `StringLike` pattern it does not match, a claim required and required absent, a "
      "number both below and above a bound) make the statement dead: the access it was written to grant never "
      "works, and the usual reaction, loosening the conditions under pressure until something passes, is how "
      "trusts end up wider than intended.\n\n"
      "The rule does not guess: trustcheck's analysis proves that no token satisfies the statement (every "
      "claim value is covered by the classes of the patterns on it), and the message names a smallest set of "
      "conditions that cannot hold together.",
      {{"AWS: the exact subject is not among the branches the pattern allows", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {
    "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:environment:prod"},
    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/*"}
  }
})"}},
      {{"AWS: conditions that one token can satisfy", "json",
        R"({
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {
    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/*"}
  }
})"}},
      {"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"}};
  return kInfo;
}

namespace {

std::string StatementLabel(const Statement& s, size_t index) {
  return s.sid.empty() ? fmt::format("#{}", index + 1) : fmt::format("`{}`", s.sid);
}

std::string Describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kTest: return DescribeTest(*node.test);
    case Node::Kind::kNot: return node.children.empty() ? "a negation" : "not " + Describe(node.children[0]);
    case Node::Kind::kOr:
      return node.children.empty() ? "an empty alternative" : Describe(node.children[0]) + " or its alternatives";
    case Node::Kind::kExpr: return fmt::format("the expression at line {}", node.loc.line);
    case Node::Kind::kConst:
    case Node::Kind::kUnknown: return node.reason();
    case Node::Kind::kAnd: return "its conditions";
  }
  return "a condition";
}

// Parts that fail for a reason another rule (or the lowering) explains, or
// that cannot be decided.
bool ExplainedElsewhere(const Node& part) {
  switch (part.kind) {
    case Node::Kind::kConst:
    case Node::Kind::kUnknown:
    case Node::Kind::kExpr: return true;
    case Node::Kind::kTest: return part.test->ref.source == ValueRef::Source::kAction || !part.test->ref.visible;
    default: return false;
  }
}

}  // namespace

void ContradictoryConditions::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  AnalysisOptions options;
  for (size_t i = 0; i < trust.statements.size(); ++i) {
    const Statement& st = trust.statements[i];
    if (st.effect != Effect::kAllow) continue;
    std::vector<const Node*> core = ContradictingParts(trust, i, options);
    if (core.empty()) continue;
    bool explained = false;
    for (const Node* part : core) explained = explained || ExplainedElsewhere(*part);
    if (explained) continue;
    if (core.size() == 1) {
      sink.Report(core[0]->loc, fmt::format("statement {} never applies: {} can never hold", StatementLabel(st, i),
                                            Describe(*core[0])));
      continue;
    }
    std::vector<std::string> described;
    for (const auto* part : core) described.push_back(Describe(*part));
    std::string parts = JoinWords(described, "and");
    sink.Report(core.back()->loc,
                fmt::format("statement {} never applies: no token satisfies {} together", StatementLabel(st, i), parts));
  }
}

}  // namespace trustcheck::rules
