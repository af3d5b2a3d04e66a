// TestPool and OperandLoc (trustcheck/ast.h): equal tests loaded from
// different places are one object, unequal ones never are, and every
// operand still reports where its own file writes it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/ast.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

// A GitHub Actions role; `sub` is the repository's main branch.
std::string Role(const std::string& repo, const std::string& indent = "  ") {
  return "{\n" + indent + "\"Version\": \"2012-10-17\",\n" + indent + "\"Statement\": [{\n" + indent +
         "  \"Effect\": \"Allow\",\n" + indent +
         "  \"Principal\": {\"Federated\": \"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\"},\n" +
         indent + "  \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n" + indent +
         "  \"Condition\": {\"StringEquals\": {\n" + indent + "    \"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\",\n" +
         indent + "    \"token.actions.githubusercontent.com:sub\": \"repo:" + repo + ":ref:refs/heads/main\"}}\n" + indent +
         "}]\n}\n";
}

// The test nodes of a trust's statements, in order.
void Collect(const Node& node, std::vector<const Node*>* out) {
  if (node.kind == Node::Kind::kTest) out->push_back(&node);
  for (const Node& c : node.children) Collect(c, out);
}
std::vector<const Node*> TestNodes(const LoadedFile& file) {
  std::vector<const Node*> out;
  for (const Statement& s : file.trusts.at(0).statements) Collect(s.when, &out);
  return out;
}

LoadedFile Load(const std::string& path, const std::string& text, TestPool* pool) {
  LoadOptions options;
  options.test_pool = pool;
  auto loaded = LoadText(path, text, options);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  return loaded.ok() ? std::move(loaded).value() : LoadedFile{};
}

TEST(TestPool, SharesEqualTestsBetweenFiles) {
  TestPool pool;
  LoadedFile a = Load("a.json", Role("acme/app"), &pool);
  LoadedFile b = Load("b.json", Role("acme/web"), &pool);
  std::vector<const Node*> ta = TestNodes(a), tb = TestNodes(b);
  ASSERT_EQ(ta.size(), 4u);  // issuer, action, aud, sub
  ASSERT_EQ(tb.size(), 4u);
  struct Case {
    size_t index;
    bool shared;
  };
  for (const Case& c : std::vector<Case>{{0, true}, {1, true}, {2, true}, {3, false}}) {
    SCOPED_TRACE(Dump(*ta[c.index]->test));
    EXPECT_EQ(ta[c.index]->test.get() == tb[c.index]->test.get(), c.shared);
  }
  EXPECT_EQ(pool.size(), 5u);
}

TEST(TestPool, OperandsKeepTheirOwnFilesLocations) {
  TestPool pool;
  // The same role at another indentation and line: a different place for
  // every operand, so nothing is shared and each location is its own.
  LoadedFile a = Load("a.json", Role("acme/app"), &pool);
  LoadedFile b = Load("b.json", "\n\n" + Role("acme/app", "    "), &pool);
  std::vector<const Node*> ta = TestNodes(a), tb = TestNodes(b);
  ASSERT_EQ(ta.size(), 4u);
  ASSERT_EQ(tb.size(), 4u);
  struct Case {
    const LoadedFile* file;
    const Node* node;
    std::string where;
  };
  const std::vector<Case> cases = {
      {&a, ta[0], "a.json:5:32"},  {&a, ta[3], "a.json:9:50"},
      {&b, tb[0], "b.json:7:34"},  {&b, tb[3], "b.json:11:52"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.where);
    EXPECT_EQ(OperandLoc(c.node->loc, c.node->test->operands.at(0)).ToString(), c.where);
  }
  EXPECT_NE(ta[3]->test.get(), tb[3]->test.get());
}

TEST(TestPool, SameRoleTwiceIsOneSetOfTests) {
  TestPool pool;
  LoadedFile a = Load("a.json", Role("acme/app"), &pool);
  LoadedFile b = Load("b.json", Role("acme/app"), &pool);
  std::vector<const Node*> ta = TestNodes(a), tb = TestNodes(b);
  ASSERT_EQ(ta.size(), tb.size());
  for (size_t i = 0; i < ta.size(); ++i) {
    EXPECT_EQ(ta[i]->test.get(), tb[i]->test.get());
    // One object, two files: each node resolves the place in its own file.
    EXPECT_EQ(OperandLoc(ta[i]->loc, ta[i]->test->operands.at(0)).path(), "a.json");
    EXPECT_EQ(OperandLoc(tb[i]->loc, tb[i]->test->operands.at(0)).path(), "b.json");
  }
}

TEST(TestPool, EveryDifferenceKeepsTestsApart) {
  const trustcheck::Test base = testing::SubjectLikeTest("repo:acme/*");
  struct Case {
    const char* name;
    void (*change)(trustcheck::Test*);
  };
  const std::vector<Case> cases = {
      {"claim display", [](trustcheck::Test* t) { t->ref.display = "sub"; }},
      {"issuer prefix", [](trustcheck::Test* t) { t->ref.issuer_prefix = "token.actions.githubusercontent.com"; }},
      {"negation", [](trustcheck::Test* t) { t->negated = true; }},
      {"quantifier", [](trustcheck::Test* t) { t->quantifier = Quantifier::kAnyValue; }},
      {"missing result", [](trustcheck::Test* t) { t->missing_result = Tri::kTrue; }},
      {"operator wording", [](trustcheck::Test* t) { t->op_display = "StringLikeIfExists"; }},
      {"role", [](trustcheck::Test* t) { t->role = TestRole::kSubject; }},
      {"case folding", [](trustcheck::Test* t) { t->operands[0].pattern = Pattern::Compile("repo:acme/*", {WildcardFlavor::kAws, true}); }},
      {"wildcard flavour",
       [](trustcheck::Test* t) { t->operands[0].pattern = Pattern::Compile("repo:acme/*", {WildcardFlavor::kLiteral}); }},
      {"operand place", [](trustcheck::Test* t) { t->operands[0].place = OperandPlace::Relative(1, 7); }},
      {"validity", [](trustcheck::Test* t) { t->operands[0].valid = false; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestPool pool;
    trustcheck::Test changed = base;
    c.change(&changed);
    auto first = pool.Intern(base);
    auto second = pool.Intern(changed);
    EXPECT_NE(first.get(), second.get());
    EXPECT_EQ(pool.Intern(base).get(), first.get());
    EXPECT_EQ(pool.size(), 2u);
  }
}

TEST(TestPool, ADumpsRolesShareTheirCommonTests) {
  std::string dump = "{\"RoleDetailList\": [";
  for (int i = 0; i < 3; ++i) {
    if (i) dump += ",";
    std::string policy = Role("acme/app" + std::to_string(i));
    dump += "{\"RoleName\": \"r" + std::to_string(i) + "\", \"Arn\": \"arn:aws:iam::123456789012:role/r" +
            std::to_string(i) + "\", \"AssumeRolePolicyDocument\": " + policy + "}";
  }
  dump += "]}";
  LoadOptions options;
  options.forced_format = "aws-iam-dump";
  auto loaded = LoadText("dump.json", dump, options);  // no pool given: the file has its own
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->trusts.size(), 3u);
  std::vector<std::vector<const Node*>> roles;
  for (const Trust& t : loaded->trusts) {
    roles.emplace_back();
    for (const Statement& s : t.statements) Collect(s.when, &roles.back());
  }
  // The issuer, action and audience are one object; each role's subject is its own.
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(roles[1][i]->test.get(), roles[2][i]->test.get());
  EXPECT_NE(roles[1][3]->test.get(), roles[2][3]->test.get());
}

}  // namespace
}  // namespace trustcheck
