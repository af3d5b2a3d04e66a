// docs/rules/ is generated from the rules' RuleInfo; this test fails when the
// checked-in pages are stale. Regenerate with tools/gen_rule_docs.sh.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "test_support.h"

#include "lint/docs.h"
#include "lint/registry.h"
#include "rules/builtin_rules.h"
#include "trustcheck/exposure.h"

namespace trustcheck::lint {
namespace {

namespace fs = std::filesystem;

const fs::path kDocs = fs::path(TRUSTCHECK_SOURCE_DIR) / "docs" / "rules";
constexpr const char* kRegenerate = "docs/rules is stale: run tools/gen_rule_docs.sh";

std::string ReadAll(const fs::path& path) { return trustcheck::testing::ReadFileText(path.string()); }

TEST(rules_docs_test, every_rule_page_is_current) {
  Registry registry;
  rules::RegisterBuiltinRules(registry);
  for (const auto& r : registry.rules()) {
    fs::path page = kDocs / RuleDocFileName(r->info());
    ASSERT_TRUE(fs::exists(page)) << page << " is missing; " << kRegenerate;
    EXPECT_EQ(ReadAll(page), RenderRuleMarkdown(r->info())) << page << ": " << kRegenerate;
  }
}

TEST(rules_docs_test, platform_facts_page_is_current) {
  fs::path page = fs::path(TRUSTCHECK_SOURCE_DIR) / "docs" / "platform-facts.md";
  ASSERT_TRUE(fs::exists(page)) << page << " is missing; " << kRegenerate;
  EXPECT_EQ(ReadAll(page), PlatformFactsMarkdown()) << page << ": " << kRegenerate;
}

TEST(rules_docs_test, index_is_current) {
  Registry registry;
  rules::RegisterBuiltinRules(registry);
  EXPECT_EQ(ReadAll(kDocs / "README.md"), RenderRuleIndexMarkdown(registry)) << kRegenerate;
}

TEST(rules_docs_test, no_page_without_a_rule) {
  Registry registry;
  rules::RegisterBuiltinRules(registry);
  std::set<std::string> expected = {"README.md"};
  for (const auto& r : registry.rules()) expected.insert(RuleDocFileName(r->info()));
  for (const auto& entry : fs::directory_iterator(kDocs))
    EXPECT_EQ(expected.count(entry.path().filename().string()), 1u)
        << entry.path() << " documents no rule; " << kRegenerate;
}

}  // namespace
}  // namespace trustcheck::lint
