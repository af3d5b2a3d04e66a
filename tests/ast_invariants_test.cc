// FindInvariantViolation (trustcheck/ast.h): the shape every lowering must
// give a trust, checked on crafted trees and on every trust of the corpus.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/ast.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

Trust WithWhen(Node when) {
  Trust t;
  Statement s;
  s.when = std::move(when);
  t.statements.push_back(std::move(s));
  return t;
}

trustcheck::Test TypedWithoutValue() {
  trustcheck::Test t;
  t.kind = MatchKind::kTyped;
  t.operands.emplace_back();
  return t;
}

trustcheck::Test BadNetwork() {
  trustcheck::Test t;
  t.kind = MatchKind::kIpAddress;
  Operand o;
  o.ip_length = 4;
  o.ip_prefix = 33;
  t.operands.push_back(o);
  return t;
}

TEST(AstInvariants, EachBrokenShapeIsNamed) {
  Node test_without_test;
  test_without_test.kind = Node::Kind::kTest;
  Node not_with_two;
  not_with_two.kind = Node::Kind::kNot;
  not_with_two.children = {Node::Const(true, ""), Node::Const(false, "")};
  Node expr_without_expr;
  expr_without_expr.kind = Node::Kind::kExpr;
  Node const_with_child = Node::Const(true, "");
  const_with_child.children.push_back(Node::Const(true, ""));
  Node nested_bad = Node::And({Node::Const(true, ""), Node::Or({not_with_two})});
  struct Case {
    const char* name;
    Node when;
    std::string violation;
  };
  const std::vector<Case> cases = {
      {"well formed", Node::And({Node::Not(Node::Const(false, "")), Node::MakeTest(trustcheck::Test(), {})}), ""},
      {"a test node without its test", test_without_test, "statement 1: kTest node without a test"},
      {"not with two children", not_with_two, "statement 1: kNot node with 2 children"},
      {"expression node without expression", expr_without_expr, "statement 1: kExpr node without an expression"},
      {"constant with a child", const_with_child, "statement 1: constant or unknown node with children"},
      {"deep inside", nested_bad, "statement 1: kNot node with 2 children"},
      {"typed operand without value", Node::MakeTest(TypedWithoutValue(), {}),
       "statement 1: typed test with an operand that has no value"},
      {"IPv4 prefix past 32", Node::MakeTest(BadNetwork(), {}), "statement 1: IP test with a malformed network"},
      {"in an assumed reading", Node::Unknown("x", {}, not_with_two),
       "statement 1: assumed reading: kNot node with 2 children"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(FindInvariantViolation(WithWhen(c.when)), c.violation);
  }
}

TEST(AstInvariants, EveryCorpusTrustIsWellFormed) {
  LoadOptions options;
  options.malformed_is_error = false;
  LoadResult r = testing::LoadPathsOrFail({std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus"}, options);
  size_t trusts = 0;
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts) {
      ++trusts;
      EXPECT_EQ(FindInvariantViolation(t), "") << f.path << ": " << t.name;
    }
  EXPECT_GT(trusts, 100u);
}

// The public files of TRUSTCHECK_REALWORLD_DIR, when the machine has them.
TEST(AstInvariants, EveryRealWorldTrustIsWellFormed) {
  const char* dir = std::getenv("TRUSTCHECK_REALWORLD_DIR");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "TRUSTCHECK_REALWORLD_DIR is not set";
  LoadOptions options;
  options.malformed_is_error = false;
  Result<LoadResult> r = LoadPaths({dir}, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const LoadedFile& f : r->files)
    for (const Trust& t : f.trusts) EXPECT_EQ(FindInvariantViolation(t), "") << f.path << ": " << t.name;
}

}  // namespace
}  // namespace trustcheck
