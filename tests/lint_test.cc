// The lint framework: globs, inline suppressions, the config file, RunLint's
// config handling, the three reporters and the command's exit codes.

#include <gtest/gtest.h>
#include <json/json.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <sys/wait.h>

#include "lint/config.h"
#include "lint/glob.h"
#include "lint/linter.h"
#include "lint/registry.h"
#include "lint/report.h"
#include "lint/style.h"
#include "lint/suppression.h"
#include "rules/builtin_rules.h"
#include "test_support.h"
#include "trustcheck/load.h"

namespace trustcheck::lint {
namespace {

const std::string kSource = TRUSTCHECK_SOURCE_DIR;
const std::string kBadWildcards = "corpus/lint/wildcard-before-tenant-boundary/bad.json";
const std::string kGoodWildcards = "corpus/lint/wildcard-before-tenant-boundary/good.json";

const Registry& Builtins() {
  static const Registry* registry = [] {
    auto* r = new Registry;
    rules::RegisterBuiltinRules(*r);
    return r;
  }();
  return *registry;
}

std::vector<LoadedFile> Load(const std::vector<std::string>& paths) {
  LoadOptions options;
  options.malformed_is_error = false;
  std::vector<std::string> full;
  for (const std::string& p : paths) full.push_back(kSource + "/" + p);
  auto loaded = LoadPaths(full, options);
  EXPECT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->errors.empty());
  return std::move(loaded->files);
}

// ---------------------------------------------------------------------------

TEST(lint_test, globs_match_paths) {
  struct Case {
    const char* glob;
    const char* path;
    bool ignored;
  } cases[] = {
      {"examples/**", "examples/a/b.json", true},
      {"examples/**", "other/examples.json", false},
      {"examples", "examples/a/b.json", true},
      {"examples/", "examples/b.json", true},
      {"*.sample.json", "deep/dir/role.sample.json", true},
      {"*.sample.json", "deep/dir/role.json", false},
      {"legacy", "src/legacy/role.json", true},
      {"src/*.json", "src/a.json", true},
      {"src/*.json", "src/sub/a.json", false},
      {"**/test-?.json", "a/b/test-1.json", true},
      {"**/test-?.json", "test-1.json", true},
      {"./roles/*.json", "roles/a.json", true},
      {"roles/*.json", "./roles/a.json", true},
  };
  for (const Case& c : cases) EXPECT_EQ(PathIgnored(c.glob, c.path), c.ignored) << c.glob << " " << c.path;
}

TEST(lint_test, inline_suppressions) {
  const RuleInfo& tc002 = Builtins().Find("TC002")->info();
  const RuleInfo& tc003 = Builtins().Find("TC003")->info();
  SourceLines yaml(
      "a: 1  # trustcheck:ignore TC002\n"                  // 1: same line
      "# trustcheck:ignore wildcard-inside-tenant, TC001\n"  // 2: comment alone
      "b: 2\n"                                             // 3: covered by line 2
      "c: 3 # trustcheck:ignore\n"                         // 4: every rule
      "d: 4\n"                                             // 5: not covered by a trailing comment above
      "e: \"trustcheck:ignore TC002\"\n"                   // 6: not a comment
      "f: 5 // trustcheck:ignore TC002 -- reason TC003\n"  // 7: HCL comment, reason ignored
  );
  EXPECT_TRUE(IsSuppressed(yaml, 1, tc002));
  EXPECT_FALSE(IsSuppressed(yaml, 1, tc003));
  EXPECT_TRUE(IsSuppressed(yaml, 3, tc003));
  EXPECT_FALSE(IsSuppressed(yaml, 3, tc002));
  EXPECT_TRUE(IsSuppressed(yaml, 4, tc002));
  EXPECT_TRUE(IsSuppressed(yaml, 4, tc003));
  EXPECT_FALSE(IsSuppressed(yaml, 5, tc002));
  EXPECT_FALSE(IsSuppressed(yaml, 6, tc002));
  EXPECT_TRUE(IsSuppressed(yaml, 7, tc002));
  EXPECT_FALSE(IsSuppressed(yaml, 7, tc003));
  SourceLines json("{\n  \"a\": 1  # trustcheck:ignore\n}\n");
  EXPECT_FALSE(IsSuppressed(json, 2, tc002)) << "JSON has no comments";
}

TEST(lint_test, parses_config) {
  auto config = ParseConfig("cfg.yaml",
                            "rules:\n"
                            "  TC013: off\n"
                            "  wildcard-inside-tenant: high\n"
                            "  TC002:\n"
                            "    enabled: true\n"
                            "    severity: medium\n"
                            "ignore:\n"
                            "  - \"examples/**\"\n",
                            Builtins());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const RuleInfo& tc013 = Builtins().Find("TC013")->info();
  const RuleInfo& tc003 = Builtins().Find("TC003")->info();
  const RuleInfo& tc002 = Builtins().Find("TC002")->info();
  EXPECT_FALSE(config->Enabled(tc013));
  EXPECT_TRUE(config->Enabled(tc003));
  EXPECT_EQ(config->SeverityOf(tc003, Severity::kLow), Severity::kHigh);
  EXPECT_EQ(config->SeverityOf(tc002, Severity::kCritical), Severity::kMedium);
  EXPECT_TRUE(config->Ignored("examples/x.json"));
  EXPECT_FALSE(config->Ignored("roles/x.json"));
}

TEST(lint_test, config_errors_are_located) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"rules:\n  TC999: off\n", "cfg.yaml:2:3: error: unknown rule `TC999`"},
      {"rules:\n  TC001: loud\n", "cfg.yaml:2:10: error: `loud` is not `off`, `on` or a severity (info, low, medium, high, critical)"},
      {"rules:\n  TC001:\n    severity: urgent\n",
       "cfg.yaml:3:15: error: unknown severity `urgent`; expected info, low, medium, high or critical"},
      {"rules:\n  TC001:\n    level: high\n", "cfg.yaml:3:5: error: unknown rule setting `level`; expected `enabled` or `severity`"},
      {"ignored:\n  - x\n", "cfg.yaml:1:1: error: unknown config key `ignored`; expected `rules`, `ignore` or `owners`"},
      {"ignore:\n  - [a]\n", "cfg.yaml:2:5: error: each `ignore` entry must be a path glob"},
      {"- a\n", "cfg.yaml:1:1: error: the config must be a mapping with `rules` and `ignore`"},
  };
  for (const Case& c : cases) {
    auto config = ParseConfig("cfg.yaml", c.text, Builtins());
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().ToString(), c.error);
  }
}

TEST(lint_test, run_lint_applies_the_config) {
  std::vector<LoadedFile> files = Load({kBadWildcards});
  LintOptions all;
  std::vector<Finding> findings = RunLint(Builtins(), files, all);
  size_t tc002 = std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.rule == "TC002"; });
  EXPECT_EQ(tc002, 5u);

  auto config = ParseConfig("cfg.yaml", "rules:\n  TC002: low\n  TC013: off\n", Builtins());
  ASSERT_TRUE(config.ok());
  LintOptions configured;
  configured.config = &*config;
  for (const Finding& f : RunLint(Builtins(), files, configured)) {
    EXPECT_NE(f.rule, "TC013");
    if (f.rule == "TC002") {
      EXPECT_EQ(f.severity, Severity::kLow);
    }
  }

  auto ignore = ParseConfig("cfg.yaml", "ignore: [\"**/wildcard-before-tenant-boundary/*\"]\n", Builtins());
  ASSERT_TRUE(ignore.ok());
  LintOptions ignoring;
  ignoring.config = &*ignore;
  EXPECT_TRUE(RunLint(Builtins(), files, ignoring).empty());
}

TEST(lint_test, findings_are_sorted_by_place) {
  std::vector<Finding> findings = RunLint(Builtins(), Load({kBadWildcards, kGoodWildcards}), {});
  for (size_t i = 1; i < findings.size(); ++i) {
    const SourceLoc& a = findings[i - 1].loc;
    const SourceLoc& b = findings[i].loc;
    EXPECT_LE(std::make_tuple(a.path(), a.line, a.column), std::make_tuple(b.path(), b.line, b.column));
  }
}

// The rules run on several threads; the findings must not depend on how
// many. The bundled lint corpus holds a good and a bad file for every rule.
TEST(lint_test, findings_do_not_depend_on_the_number_of_threads) {
  LoadOptions options;
  options.malformed_is_error = false;
  auto loaded = LoadPaths({kSource + "/corpus/lint", kSource + "/corpus/aws"}, options);
  ASSERT_TRUE(loaded.ok());
  auto render = [](const std::vector<Finding>& findings) {
    std::string out;
    for (const Finding& f : findings) out += f.loc.ToString() + " " + f.rule + " " + f.message + "\n";
    return out;
  };
  LintOptions one;
  one.threads = 1;
  const std::string expected = render(RunLint(Builtins(), loaded->files, one));
  ASSERT_FALSE(expected.empty());
  for (int threads : {2, 3, 8, 0}) {
    SCOPED_TRACE(threads);
    LintOptions many;
    many.threads = threads;
    EXPECT_EQ(render(RunLint(Builtins(), loaded->files, many)), expected);
  }
}

// ---------------------------------------------------------------------------
// Reporters.

struct Report {
  std::vector<LoadedFile> files;
  std::vector<Finding> findings;
  SourceCache sources;
  ReportInput input;
};

std::unique_ptr<Report> MakeReport(const std::vector<std::string>& paths, const std::string& only) {
  auto r = std::make_unique<Report>();
  r->files = Load(paths);
  LintOptions options;
  options.only_rule = only;
  r->findings = RunLint(Builtins(), r->files, options);
  r->input.registry = &Builtins();
  r->input.files = &r->files;
  r->input.findings = &r->findings;
  r->input.sources = &r->sources;
  r->input.tool_version = "9.9.9";
  return r;
}

Json::Value ParseJsonText(const std::string& text) {
  Json::Value v;
  std::string errors;
  Json::CharReaderBuilder b;
  std::unique_ptr<Json::CharReader> reader(b.newCharReader());
  EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &v, &errors)) << errors;
  return v;
}

TEST(lint_test, json_report_follows_the_contract) {
  auto r = MakeReport({"corpus/lint/if-exists-on-pinning-claim/bad.json"}, "TC009");
  Json::Value v = ParseJsonText(RenderJson(r->input));
  ASSERT_EQ(v.getMemberNames(), (std::vector<std::string>{"files", "findings", "skipped"}));
  ASSERT_EQ(v["files"].size(), 1u);
  EXPECT_EQ(v["files"][0]["path"].asString(), kSource + "/corpus/lint/if-exists-on-pinning-claim/bad.json");
  EXPECT_EQ(v["files"][0]["format"].asString(), "aws-policy");
  EXPECT_EQ(v["files"][0]["trusts"].asInt(), 1);
  ASSERT_EQ(v["findings"].size(), 2u);
  const Json::Value& f = v["findings"][0];
  EXPECT_EQ(f.getMemberNames(),
            (std::vector<std::string>{"column", "line", "message", "name", "rule", "severity", "source"}));
  EXPECT_EQ(f["rule"].asString(), "TC009");
  EXPECT_EQ(f["name"].asString(), "if-exists-on-pinning-claim");
  EXPECT_EQ(f["severity"].asString(), "high");
  EXPECT_EQ(f["line"].asInt(), 10);
  EXPECT_EQ(f["column"].asInt(), 32);
  EXPECT_EQ(f["source"].asString(), kSource + "/corpus/lint/if-exists-on-pinning-claim/bad.json");
  EXPECT_EQ(f["message"].asString(),
            "`StringLikeIfExists` on `token.actions.githubusercontent.com:sub` passes when the token has no `sub` "
            "claim, so it does not require the pin; use `StringLike`");
  EXPECT_EQ(v["findings"][1]["severity"].asString(), "medium");
}

// Every breadth finding of the bundled corpus carries a witness token, and
// `trustcheck eval` accepts it for the file the finding is in (with
// `--assume-unknowns` when the finding assumes the deployer's values).
TEST(lint_test, every_corpus_witness_replays_through_eval) {
  using trustcheck::testing::RunCli;
  using trustcheck::testing::TestTempDir;
  auto lint = RunCli(kSource, "lint --format json --fail-on critical corpus/lint corpus/aws corpus/azure corpus/gcp "
                              "corpus/cloudformation corpus/terraform corpus/vault");
  ASSERT_LE(lint.exit_code, 1) << lint.err;
  Json::Value v = ParseJsonText(lint.out);
  size_t replayed = 0;
  for (const Json::Value& f : v["findings"]) {
    std::string rule = f["rule"].asString();
    bool breadth = rule == "TC001" || rule == "TC002" || rule == "TC003" || rule == "TC004" || rule == "TC025";
    if (!breadth) continue;
    SCOPED_TRACE(f["source"].asString() + ":" + f["line"].asString() + " " + rule + " " + f["message"].asString());
    ASSERT_TRUE(f.isMember("witness"));
    std::string token = TestTempDir() + "/witness.json";
    std::ofstream(token) << f["witness"].toStyledString();
    std::string source = f["source"].asString();
    // A Vault role is judged with the auth configs of its folder.
    std::string target = source.find("vault") != std::string::npos || source.find("shared-issuer") != std::string::npos
                             ? source.substr(0, source.rfind('/'))
                             : source;
    std::string flags = f.isMember("assumes") ? "--assume-unknowns " : "";
    auto eval = RunCli(kSource, "eval --format json " + flags + "--token '" + token + "' '" + target + "'");
    EXPECT_EQ(eval.exit_code, 0) << eval.out << eval.err;
    ++replayed;
  }
  EXPECT_GT(replayed, 30u);
}

TEST(lint_test, sarif_report_is_sarif_2_1_0_with_rules_and_regions) {
  auto r = MakeReport({kBadWildcards, "corpus/lint/no-subject-condition/bad-vault.json"}, "");
  Json::Value v = ParseJsonText(RenderSarif(r->input));
  EXPECT_EQ(v["version"].asString(), "2.1.0");
  EXPECT_EQ(v["$schema"].asString(), "https://json.schemastore.org/sarif-2.1.0.json");
  ASSERT_EQ(v["runs"].size(), 1u);
  const Json::Value& run = v["runs"][0];
  const Json::Value& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"].asString(), "trustcheck");
  EXPECT_EQ(driver["version"].asString(), "9.9.9");
  // No informationUri: the project publishes no home page to point at.
  EXPECT_FALSE(driver.isMember("informationUri"));
  ASSERT_EQ(driver["rules"].size(), Builtins().rules().size());
  for (Json::ArrayIndex i = 0; i < driver["rules"].size(); ++i) {
    const Json::Value& rule = driver["rules"][i];
    const RuleInfo& info = Builtins().rules()[i]->info();
    EXPECT_EQ(rule["id"].asString(), info.id);
    EXPECT_EQ(rule["name"].asString(), info.name);
    EXPECT_EQ(rule["shortDescription"]["text"].asString(), info.summary);
    EXPECT_EQ(rule["fullDescription"]["text"].asString(), info.why);
    EXPECT_FALSE(rule["help"]["text"].asString().empty());
    EXPECT_FALSE(rule["help"]["markdown"].asString().empty());
    EXPECT_EQ(rule["defaultConfiguration"]["level"].asString(), SarifLevel(info.severity));
    EXPECT_TRUE(rule["properties"]["tags"].isArray());
    EXPECT_FALSE(rule["properties"]["security-severity"].asString().empty());
  }
  ASSERT_EQ(run["results"].size(), r->findings.size());
  ASSERT_FALSE(r->findings.empty());
  for (Json::ArrayIndex i = 0; i < run["results"].size(); ++i) {
    const Json::Value& result = run["results"][i];
    const Finding& f = r->findings[i];
    EXPECT_EQ(result["ruleId"].asString(), f.rule);
    EXPECT_EQ(driver["rules"][result["ruleIndex"].asUInt()]["id"].asString(), f.rule);
    EXPECT_EQ(result["level"].asString(), SarifLevel(f.severity));
    EXPECT_EQ(result["message"]["text"].asString(), f.message);
    ASSERT_EQ(result["locations"].size(), 1u);
    const Json::Value& physical = result["locations"][0]["physicalLocation"];
    EXPECT_FALSE(physical["artifactLocation"]["uri"].asString().empty());
    EXPECT_GE(physical["region"]["startLine"].asInt(), 1);
    EXPECT_GE(physical["region"]["startColumn"].asInt(), 1);
  }
  // Absolute paths become file URIs; relative ones stay relative to %SRCROOT%.
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].asString(),
            "file://" + kSource + "/corpus/lint/no-subject-condition/bad-vault.json");
}

TEST(lint_test, sarif_levels) {
  EXPECT_STREQ(SarifLevel(Severity::kCritical), "error");
  EXPECT_STREQ(SarifLevel(Severity::kHigh), "error");
  EXPECT_STREQ(SarifLevel(Severity::kMedium), "warning");
  EXPECT_STREQ(SarifLevel(Severity::kLow), "note");
  EXPECT_STREQ(SarifLevel(Severity::kInfo), "note");
}

TEST(lint_test, text_report_groups_by_file_and_shows_the_line) {
  auto r = MakeReport({"corpus/lint/for-all-values-on-single-valued-claim/bad.json"}, "TC008");
  std::string path = kSource + "/corpus/lint/for-all-values-on-single-valued-claim/bad.json";
  EXPECT_EQ(RenderText(r->input),
            path + "\n"
                   "  10:37  high  TC008 for-all-values-on-single-valued-claim  `ForAllValues:StringLike` on "
                   "single-valued `token.actions.githubusercontent.com:sub` is also true when the token has no `sub` "
                   "claim; use `StringLike`\n"
                   "    10 |         \"ForAllValues:StringLike\": {\"token.actions.githubusercontent.com:sub\": "
                   "\"repo:acme/app:*\"}\n"
                   "       |                                     ^\n"
                   "\n"
                   "1 finding in 1 file: 1 high (1 trust in 1 file checked)\n");
  auto clean = MakeReport({kGoodWildcards}, "TC002");
  EXPECT_EQ(RenderText(clean->input), "no findings (1 trust in 1 file checked)\n");
}

SourceLoc Location(const std::string& path, uint32_t line, uint32_t column) {
  return SourceLoc{FileId::Of(path), line, column};
}

// GitHub workflow commands: one per finding, the severity as the command,
// properties and data escaped as GitHub's runner reads them.
TEST(lint_test, github_report_is_workflow_commands) {
  auto r = MakeReport({"corpus/lint/for-all-values-on-single-valued-claim/bad.json"}, "TC008");
  std::string path = kSource + "/corpus/lint/for-all-values-on-single-valued-claim/bad.json";
  EXPECT_EQ(RenderGithub(r->input),
            "::error file=" + path +
                ",line=10,col=37,title=TC008 for-all-values-on-single-valued-claim::`ForAllValues:StringLike` on "
                "single-valued `token.actions.githubusercontent.com:sub` is also true when the token has no `sub` "
                "claim; use `StringLike`\n"
                "1 finding in 1 file: 1 high (1 trust in 1 file checked)\n");

  // Escaping: `%`, CR and LF everywhere; `:` and `,` in properties too.
  std::vector<LoadedFile> files;
  std::vector<Finding> findings(4);
  findings[0] = {"TC001", "a,b", Severity::kCritical, "50% of\r\nall: `x`", Location("dir:x/a,b.json", 3, 4)};
  findings[1] = {"TC002", "n", Severity::kMedium, "m", Location("./p.json", 1, 1)};
  findings[2] = {"TC003", "n", Severity::kLow, "m", SourceLoc{}};
  findings[3] = {"TC004", "n", Severity::kInfo, "m", Location("q.json", 0, 0)};
  findings[1].witness = std::make_shared<const Json::Value>(ParseJsonText(R"({"sub": "a"})"));
  ReportInput in;
  in.files = &files;
  in.findings = &findings;
  EXPECT_EQ(RenderGithub(in),
            "::error file=dir%3Ax/a%2Cb.json,line=3,col=4,title=TC001 a%2Cb::50%25 of%0D%0Aall: `x`\n"
            "::warning file=p.json,line=1,col=1,title=TC002 n::m%0Awitness: {\"sub\":\"a\"}\n"
            "::notice title=TC003 n::m\n"
            "::notice file=q.json,title=TC004 n::m\n"
            "4 findings in 4 files: 1 critical, 1 medium, 1 low, 1 info (0 trusts in 0 files checked)\n");
}

// GitLab Code Quality, as docs.gitlab.com/ci/testing/code_quality documents
// the report (read 2026-12-07): an array of issues, each with a
// description, a check_name, a fingerprint, a severity from the five
// GitLab knows and a location with a path and lines.begin >= 1.
void ExpectCodeQualityIssue(const Json::Value& issue) {
  ASSERT_TRUE(issue.isObject());
  for (const char* key : {"description", "check_name", "fingerprint", "severity"}) {
    ASSERT_TRUE(issue[key].isString()) << key;
    EXPECT_FALSE(issue[key].asString().empty()) << key;
  }
  const std::vector<std::string> severities = {"info", "minor", "major", "critical", "blocker"};
  EXPECT_NE(std::find(severities.begin(), severities.end(), issue["severity"].asString()), severities.end());
  ASSERT_TRUE(issue["location"].isObject());
  ASSERT_TRUE(issue["location"]["path"].isString());
  EXPECT_NE(issue["location"]["path"].asString().rfind("./", 0), 0u);
  ASSERT_TRUE(issue["location"]["lines"]["begin"].isInt());
  EXPECT_GE(issue["location"]["lines"]["begin"].asInt(), 1);
}

TEST(lint_test, gitlab_report_is_code_quality) {
  auto r = MakeReport({kBadWildcards, "corpus/lint/no-subject-condition/bad-vault.json"}, "");
  std::string text = RenderGitlab(r->input);
  Json::Value v = ParseJsonText(text);
  ASSERT_TRUE(v.isArray());
  ASSERT_EQ(v.size(), r->findings.size());
  ASSERT_FALSE(r->findings.empty());
  std::set<std::string> fingerprints;
  for (Json::ArrayIndex i = 0; i < v.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectCodeQualityIssue(v[i]);
    const Finding& f = r->findings[i];
    EXPECT_EQ(v[i]["check_name"].asString(), f.rule + " " + f.name);
    EXPECT_EQ(v[i]["severity"].asString(), GitlabSeverity(f.severity));
    EXPECT_EQ(v[i]["location"]["lines"]["begin"].asInt(), static_cast<int>(f.loc.line));
    EXPECT_EQ(v[i]["fingerprint"].asString().size(), 64u);
    fingerprints.insert(v[i]["fingerprint"].asString());
  }
  EXPECT_EQ(fingerprints.size(), v.size()) << "GitLab shows one issue per fingerprint";
  // Stable: the same input gives the same fingerprints (the descriptions'
  // witness tokens carry the time of the run, which may tick between runs).
  Json::Value again = ParseJsonText(
      RenderGitlab(MakeReport({kBadWildcards, "corpus/lint/no-subject-condition/bad-vault.json"}, "")->input));
  ASSERT_EQ(again.size(), v.size());
  for (Json::ArrayIndex i = 0; i < v.size(); ++i) EXPECT_EQ(again[i]["fingerprint"], v[i]["fingerprint"]);
  // Equal findings in one file stay apart; a finding keeps its fingerprint
  // when lines above it move.
  Finding a{"TC001", "n", Severity::kHigh, "m", Location("p.json", 3, 1)};
  Finding moved = a;
  moved.loc = Location("p.json", 9, 1);
  EXPECT_EQ(GitlabFingerprint(a, 0), GitlabFingerprint(moved, 0));
  EXPECT_NE(GitlabFingerprint(a, 0), GitlabFingerprint(a, 1));
  EXPECT_STREQ(GitlabSeverity(Severity::kCritical), "blocker");
  EXPECT_STREQ(GitlabSeverity(Severity::kHigh), "critical");
  EXPECT_STREQ(GitlabSeverity(Severity::kMedium), "major");
  EXPECT_STREQ(GitlabSeverity(Severity::kLow), "minor");
  EXPECT_STREQ(GitlabSeverity(Severity::kInfo), "info");
  // No findings: an empty array, which GitLab reads as a clean report.
  auto clean = MakeReport({kGoodWildcards}, "TC002");
  EXPECT_EQ(ParseJsonText(RenderGitlab(clean->input)), Json::Value(Json::arrayValue));
}

// One colour policy and one table of tones for eval, lint and diff.
TEST(lint_test, colour_is_one_policy_and_one_table) {
  EXPECT_EQ(PaintSeverity(true, Severity::kHigh), "\x1b[31mhigh\x1b[0m");
  EXPECT_EQ(PaintSeverity(true, Severity::kCritical), "\x1b[1m\x1b[31mcritical\x1b[0m");
  EXPECT_EQ(PaintSeverity(false, Severity::kCritical), "critical");
  EXPECT_EQ(Paint(true, Tone::kGood, "ACCEPT"), "\x1b[32mACCEPT\x1b[0m");
  EXPECT_EQ(Paint(true, Tone::kPlain, "x"), "x");
  EXPECT_EQ(Paint(false, Tone::kBad, "REJECT"), "REJECT");
  // Never with --no-color, never with NO_COLOR, never off a terminal (the
  // test's standard output is not one).
  EXPECT_FALSE(WantColor(true));
  EXPECT_FALSE(WantColor(false));
}

// ---------------------------------------------------------------------------
// The command's exit codes.

int RunTrustcheck(const std::string& args) {
  std::string command = std::string(TRUSTCHECK_BINARY) + " " + args + " >/dev/null 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(lint_test, command_exit_codes) {
  const std::string bad = kSource + "/" + kBadWildcards;
  const std::string good = kSource + "/corpus/lint/shared-issuer-without-tenant-pin/good.json";
  EXPECT_EQ(RunTrustcheck("lint --fail-on high " + bad), 1);
  EXPECT_EQ(RunTrustcheck("lint --fail-on critical " + bad), 1);
  EXPECT_EQ(RunTrustcheck("lint --fail-on high " + good), 0);
  EXPECT_EQ(RunTrustcheck("lint --format sarif " + good), 0);
  EXPECT_EQ(RunTrustcheck("lint --format github --fail-on high " + bad), 1);
  EXPECT_EQ(RunTrustcheck("lint --format gitlab " + good), 0);
  EXPECT_EQ(RunTrustcheck("lint --fail-on urgent " + good), 2);
  EXPECT_EQ(RunTrustcheck("lint --format xml " + good), 2);
  EXPECT_EQ(RunTrustcheck("lint " + kSource + "/no-such-file.json"), 2);
  EXPECT_EQ(RunTrustcheck("lint"), 2);
  EXPECT_EQ(RunTrustcheck("rules"), 0);
  EXPECT_EQ(RunTrustcheck("rules --format markdown TC001"), 0);
  EXPECT_EQ(RunTrustcheck("rules TC999"), 2);
}

}  // namespace
}  // namespace trustcheck::lint
