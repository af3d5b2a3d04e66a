// Every built-in rule, alone, on its fixtures: corpus/lint/<rule-name>/.
//
// A rule's folder holds files that must warn (`bad*`), files that must not
// (`good*`), optional support files loaded with them (a Vault auth config),
// and `expected.txt`: every finding on the bad files, one per line, as
//
//   bad.json:12:54: TC002 critical: any repository of any GitHub organisation can assume this role (...)
//
// The test fails when a rule has no folder, no bad or no good file, when a
// bad file yields no finding, when a good file yields any, or when the
// findings differ from expected.txt in any way (id, line, column, severity,
// message). A folder may hold `lint-config.yaml`, the config the rule runs
// with (the `owners` TC027 compares with).

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "test_support.h"

#include "lint/config.h"
#include "lint/linter.h"
#include "lint/registry.h"
#include "rules/builtin_rules.h"
#include "trustcheck/load.h"

namespace trustcheck::lint {
namespace {

namespace fs = std::filesystem;

const Registry& Builtins() {
  static const Registry* registry = [] {
    auto* r = new Registry;
    rules::RegisterBuiltinRules(*r);
    return r;
  }();
  return *registry;
}

std::vector<std::string> RuleIds() {
  std::vector<std::string> ids;
  for (const auto& r : Builtins().rules()) ids.push_back(r->info().id);
  return ids;
}

std::string ReadAll(const fs::path& path) { return trustcheck::testing::ReadFileText(path.string()); }

class LintRuleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LintRuleTest, matches_its_fixtures) {
  const Rule* rule = Builtins().Find(GetParam());
  ASSERT_NE(rule, nullptr);
  const RuleInfo& info = rule->info();
  fs::path dir = fs::path(TRUSTCHECK_SOURCE_DIR) / "corpus" / "lint" / info.name;
  ASSERT_TRUE(fs::is_directory(dir)) << "missing fixtures folder " << dir;

  std::vector<std::string> paths;
  std::set<std::string> bad, good;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name == "expected.txt" || name == "lint-config.yaml") continue;
    paths.push_back(entry.path().string());
    if (name.rfind("bad", 0) == 0) bad.insert(name);
    if (name.rfind("good", 0) == 0) good.insert(name);
  }
  std::sort(paths.begin(), paths.end());
  ASSERT_FALSE(bad.empty()) << info.id << " has no fixture that must warn";
  ASSERT_FALSE(good.empty()) << info.id << " has no fixture that must not warn";

  LoadOptions options;
  options.malformed_is_error = false;
  auto loaded = LoadPaths(paths, options);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (const Status& e : loaded->errors) ADD_FAILURE() << "fixture does not load: " << e.ToString();
  ASSERT_EQ(loaded->files.size(), paths.size()) << "every fixture must be a trust";

  SourceCache sources;
  LintOptions lint_options;
  lint_options.only_rule = info.id;
  // A rule that needs settings (TC027's owners) reads them from the folder.
  Config config;
  if (fs::exists(dir / "lint-config.yaml")) {
    auto parsed = ParseConfig((dir / "lint-config.yaml").string(), ReadAll(dir / "lint-config.yaml"), Builtins());
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    config = *parsed;
    lint_options.config = &config;
  }
  lint_options.sources = &sources;
  std::vector<Finding> findings = RunLint(Builtins(), loaded->files, lint_options);

  std::string actual;
  std::set<std::string> warned;
  for (const Finding& f : findings) {
    std::string file = fs::path(f.loc.path()).filename().string();
    EXPECT_EQ(f.rule, info.id);
    EXPECT_EQ(f.name, info.name);
    EXPECT_EQ(good.count(file), 0u) << "a good fixture warns: " << file << ":" << f.loc.line << ": " << f.message;
    warned.insert(file);
    actual += fmt::format("{}:{}:{}: {} {}: {}\n", file, f.loc.line, f.loc.column, f.rule, SeverityName(f.severity),
                          f.message);
  }
  for (const std::string& b : bad) EXPECT_EQ(warned.count(b), 1u) << "a bad fixture does not warn: " << b;
  EXPECT_EQ(actual, ReadAll(dir / "expected.txt")) << "findings of " << info.id << " differ from " << dir / "expected.txt";
}

INSTANTIATE_TEST_SUITE_P(Builtin, LintRuleTest, ::testing::ValuesIn(RuleIds()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(lint_rules_test, rule_infos_are_well_formed) {
  std::set<std::string> ids, names;
  static const std::regex kId(R"(TC\d{3})");
  static const std::regex kName(R"([a-z0-9]+(-[a-z0-9]+)*)");
  ASSERT_FALSE(Builtins().rules().empty());
  for (const auto& r : Builtins().rules()) {
    const RuleInfo& i = r->info();
    SCOPED_TRACE(i.id);
    EXPECT_TRUE(std::regex_match(i.id, kId));
    EXPECT_TRUE(std::regex_match(i.name, kName));
    EXPECT_TRUE(ids.insert(i.id).second) << "duplicate id";
    EXPECT_TRUE(names.insert(i.name).second) << "duplicate name";
    std::string summary = i.summary;
    ASSERT_FALSE(summary.empty());
    EXPECT_NE(summary.back(), '.') << "summaries have no trailing period";
    EXPECT_FALSE(std::string(i.why).empty());
    EXPECT_FALSE(i.bad.empty());
    EXPECT_FALSE(i.good.empty());
    EXPECT_FALSE(i.references.empty());
    for (const char* ref : i.references) EXPECT_EQ(std::string(ref).rfind("https://", 0), 0u) << ref;
  }
}

TEST(lint_rules_test, finds_rules_by_id_or_name) {
  ASSERT_NE(Builtins().Find("TC001"), nullptr);
  EXPECT_EQ(Builtins().Find("tc001"), Builtins().Find("shared-issuer-without-tenant-pin"));
  EXPECT_EQ(Builtins().Find("TC999"), nullptr);
}

}  // namespace
}  // namespace trustcheck::lint
