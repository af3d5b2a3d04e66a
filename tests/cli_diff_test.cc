// Tests for `trustcheck diff`: the fixtures in corpus/diff/<case>/ with
// their known answers (exit code, `widened`, `narrowed`), every witness
// replayed through `trustcheck eval` (accepted by the side that gained or
// kept it, refused by the other), the text story, `--git`, and the errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <json/json.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kAt = "1767225600";  // 2026-01-01T00:00:00Z

struct Output {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command in the source folder (so paths in messages are the
// relative ones users see).
Output Shell(const std::string& command) {
  std::string full = std::string("cd '") + TRUSTCHECK_SOURCE_DIR + "' && " + command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  Output r;
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Binary() { return std::string("'") + TRUSTCHECK_BINARY + "'"; }

Json::Value ParseJson(const std::string& text) { return trustcheck::testing::ParseJsonText(text); }

struct DiffCase {
  const char* name;  // folder under corpus/diff
  const char* old_path;
  const char* new_path;
  bool widened;
  bool narrowed;
  bool undecided = false;  // some direction could not be decided
};

void PrintTo(const DiffCase& c, std::ostream* os) { *os << c.name; }

std::vector<DiffCase> Cases() {
  return {
      {"aws-wildcard-branch", "old.json", "new.json", true, false},
      {"aws-wildcard-repository", "old.json", "new.json", true, false},
      {"aws-removed-condition", "old.json", "new.json", true, false},
      {"aws-removed-deny", "old.json", "new.json", true, false},
      {"aws-added-value", "old.json", "new.json", true, false},
      {"aws-narrowed-to-branch", "old.json", "new.json", false, true},
      {"aws-case-folding-dropped", "old.json", "new.json", false, true},
      {"aws-like-without-wildcards", "old.json", "new.json", false, false},
      {"aws-reordered", "old.json", "new.json", false, false},
      {"aws-split-statement", "old.json", "new.json", false, false},
      {"azure-flexible-branch-glob", "old.json", "new.json", true, false},
      {"azure-credentials-changed", "old.json", "new.json", true, true},
      {"azure-credentials-reordered", "old.json", "new.json", false, false},
      {"vault-glob-branch", "old", "new", true, false},
      {"vault-audience-added", "old", "new", true, false},
      {"vault-audiences-removed", "old", "new", true, true},
      {"vault-list-reordered", "old", "new", false, false},
      {"vault-typed-claim", "old", "new", true, true},
      {"gcp-prefix-widens", "old.yaml", "new.yaml", true, false},
      {"gcp-regex-widens", "old.yaml", "new.yaml", true, false, true},
      {"gcp-reordered", "old.yaml", "new.yaml", false, false},
      {"gcp-mapping-added", "old.yaml", "new.yaml", false, true, true},
      // An application admits what any of its credentials admits: moving a
      // subject between credentials changes nothing, deleting one of two
      // only narrows.
      {"azure-subject-moved", "old.json", "new.json", false, false, false},
      {"azure-credential-removed", "old.json", "new.json", false, true, false},
      {"azure-terraform-moved", "old", "new", false, false, false},
  };
}

// The decision `eval` gives the witness under the trust named `name` in
// `path` ("" when not found).
std::string EvalDecision(const std::string& claims_file, const std::string& path, const std::string& name) {
  Output r = Shell(Binary() + " eval --format json --at " + kAt + " --token '" + claims_file + "' '" + path + "'");
  Json::Value v = ParseJson(r.out);
  const Json::Value& trusts = v["trusts"];
  for (const Json::Value& t : trusts)
    if (t["name"].asString() == name) return t["decision"].asString();
  if (trusts.size() == 1) return trusts[0]["decision"].asString();
  // An Entra access unit (an application's credentials, compared as one):
  // it accepts when one of its credentials does.
  bool any = false;
  for (const Json::Value& t : trusts) any = any || t["decision"].asString() == "accept";
  return trusts.empty() ? "" : any ? "accept" : "reject";
}

class DiffFixtures : public ::testing::TestWithParam<DiffCase> {};

TEST_P(DiffFixtures, AnswersAndWitnessesReplayUnderEval) {
  const DiffCase& c = GetParam();
  std::string dir = std::string("corpus/diff/") + c.name + "/";
  std::string old_path = dir + c.old_path, new_path = dir + c.new_path;
  Output r = Shell(Binary() + " diff --format json --at " + kAt + " " + old_path + " " + new_path);
  EXPECT_EQ(r.exit_code, c.widened ? 1 : 0) << r.out;
  Json::Value v = ParseJson(r.out);
  EXPECT_EQ(v["widened"].asBool(), c.widened) << r.out;
  EXPECT_EQ(v["narrowed"].asBool(), c.narrowed) << r.out;
  EXPECT_EQ(v["undecided"].asBool(), c.undecided) << r.out;
  if (c.widened || c.narrowed) {
    EXPECT_FALSE(v["witnesses"].empty());
  }
  char tmpl[] = "/tmp/trustcheck-witness-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  for (const Json::Value& w : v["witnesses"]) {
    std::ofstream(tmpl) << w["claims"].toStyledString();
    std::string name = w["trust"]["name"].asString();
    bool widened = w["direction"].asString() == "widened";
    const std::string& accepting = widened ? new_path : old_path;
    const std::string& refusing = widened ? old_path : new_path;
    bool accepting_exists = !w["trust"][widened ? "new" : "old"].isNull();
    bool refusing_exists = !w["trust"][widened ? "old" : "new"].isNull();
    ASSERT_TRUE(accepting_exists) << w.toStyledString();
    EXPECT_EQ(EvalDecision(tmpl, accepting, name), "accept") << w.toStyledString();
    if (refusing_exists) {
      EXPECT_EQ(EvalDecision(tmpl, refusing, name), "reject") << w.toStyledString();
    }
    EXPECT_FALSE(w["explanation"].asString().empty());
  }
  fs::remove(tmpl);
}

INSTANTIATE_TEST_SUITE_P(Corpus, DiffFixtures, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<DiffCase>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

TEST(DiffText, TellsWhichClaimNewAcceptsAndWhatTheWildcardAdmits) {
  Output r = Shell(Binary() + " diff --at " + kAt +
                " corpus/diff/aws-wildcard-repository/old.json corpus/diff/aws-wildcard-repository/new.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "WIDENED corpus/diff/aws-wildcard-repository/new.json:1:1 new (aws role)\n"
            "  who gets in: any branch, tag, environment or pull request of `acme/app` (OLD) -> any repository of "
            "organisation `acme` (NEW)\n"
            "  NEW also accepts `sub` `repo:acme/x:ref:refs/heads/main` (`repo:acme/*`: any repository of "
            "organisation `acme`), which OLD refused (OLD accepts `sub` `repo:acme/app:ref:refs/heads/main`)\n"
            "    OLD refuses: statement #1: condition `StringLike` on `token.actions.githubusercontent.com:sub` "
            "expects `repo:acme/app:*`; token `sub` is `repo:acme/x:ref:refs/heads/main` "
            "(corpus/diff/aws-wildcard-repository/old.json:15:11)\n"
            "    token: {\"aud\":\"sts.amazonaws.com\",\"exp\":1767229200,\"iat\":1767225600,"
            "\"iss\":\"https://token.actions.githubusercontent.com\",\"sub\":\"repo:acme/x:ref:refs/heads/main\"}\n"
            "\n"
            "1 trust compared: 1 widened, 0 narrowed\n");
}

TEST(DiffText, AddedAndRemovedTrusts) {
  Output r = Shell(Binary() + " diff --at " + kAt +
                " corpus/diff/azure-credentials-changed/old.json corpus/diff/azure-credentials-changed/new.json");
  EXPECT_EQ(r.exit_code, 1);
  // The credentials of one application are one access unit: compared as a
  // whole, with the credentials that changed named.
  EXPECT_THAT(r.out, ::testing::HasSubstr("WIDENED+NARROWED corpus/diff/azure-credentials-changed/new.json:2:3 new.json "
                                          "(azure application)\n  credentials: `production` changed, `tags` added\n"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("NEW also accepts `sub` `repo:acme/app:environment:staging`, which OLD "
                                          "refused (OLD accepts `sub` `repo:acme/app:environment:production`)"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("1 trust compared: 1 widened, 1 narrowed\n"));
}

// Vault's strict audience rule: without bound_audiences only tokens without
// `aud` log in. The story names the absent claim, not a case-variant
// spelling of it that Vault would also read.
TEST(DiffText, AbsentClaimReadsAsATokenWithoutIt) {
  Output r = Shell(Binary() + " diff --at " + kAt +
                   " corpus/diff/vault-audiences-removed/old corpus/diff/vault-audiences-removed/new");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, ::testing::HasSubstr("NEW also accepts a token without `aud`, which OLD refused (OLD accepts "
                                          "`aud` `https://github.com/acme`)"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("NEW no longer accepts `aud` `https://github.com/acme`, which OLD "
                                          "accepted (NEW accepts a token without `aud`)"));
}

// A throwaway git repository with one policy, committed, then edited.
class DiffGit : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trustcheck-git-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    repo_ = tmpl;
    std::string src = std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/diff/aws-wildcard-repository/";
    fs::create_directories(repo_ + "/roles");
    fs::copy_file(src + "old.json", repo_ + "/roles/deploy.json");
    ASSERT_EQ(Git("init -q"), 0);
    ASSERT_EQ(Git("add roles"), 0);
    ASSERT_EQ(Git("-c user.name=t -c user.email=t@example.com commit -q -m old"), 0);
    fs::copy_file(src + "new.json", repo_ + "/roles/deploy.json", fs::copy_options::overwrite_existing);
  }
  void TearDown() override { fs::remove_all(repo_); }
  int Git(const std::string& args) { return Shell("git -C '" + repo_ + "' " + args + " >/dev/null").exit_code; }
  std::string repo_;
};

TEST_F(DiffGit, ComparesTheWorkTreeWithARevision) {
  Output file = Shell(Binary() + " diff --format json --at " + kAt + " --git HEAD '" + repo_ + "/roles/deploy.json'");
  EXPECT_EQ(file.exit_code, 1) << file.out;
  Json::Value v = ParseJson(file.out);
  EXPECT_TRUE(v["widened"].asBool());
  EXPECT_EQ(v["witnesses"][0]["trust"]["old"]["source"].asString(), "HEAD:roles/deploy.json");
  EXPECT_EQ(v["witnesses"][0]["claims"]["sub"].asString(), "repo:acme/x:ref:refs/heads/main");

  Output folder = Shell(Binary() + " diff --format json --at " + kAt + " --git HEAD '" + repo_ + "/roles'");
  EXPECT_EQ(folder.exit_code, 1) << folder.out;
  Json::Value f = ParseJson(folder.out);
  EXPECT_EQ(f["trusts"].size(), 1u);
  EXPECT_EQ(f["trusts"][0]["status"].asString(), "changed");
  EXPECT_EQ(f["trusts"][0]["old"]["source"].asString(), "HEAD:roles/deploy.json");
}

TEST_F(DiffGit, AFileNewSinceTheRevisionIsAnAddedTrust) {
  fs::copy_file(repo_ + "/roles/deploy.json", repo_ + "/roles/extra.json");
  Output r = Shell(Binary() + " diff --format json --at " + kAt + " --git HEAD '" + repo_ + "/roles/extra.json'");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  Json::Value v = ParseJson(r.out);
  EXPECT_EQ(v["trusts"][0]["status"].asString(), "added");
}

TEST_F(DiffGit, AnUnknownRevisionIsALocatedError) {
  Output r = Shell(Binary() + " diff --git no-such-rev '" + repo_ + "/roles/deploy.json'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "trustcheck: " + repo_ + "/roles/deploy.json: error: `no-such-rev` is not a commit of this repository\n");
}

TEST(DiffErrors, UsageAndInputErrorsExitTwo) {
  Output none = Shell(Binary() + " diff corpus/diff/aws-reordered/old.json");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.out, ::testing::HasSubstr("trustcheck: error: expected OLD and NEW"));
  Output missing = Shell(Binary() + " diff corpus/diff/aws-reordered/old.json corpus/diff/no-such.json");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.out, "trustcheck: corpus/diff/no-such.json: error: no such file or folder\n");
  Output format = Shell(Binary() + " diff --format yaml corpus/diff/aws-reordered/old.json corpus/diff/aws-reordered/new.json");
  EXPECT_EQ(format.exit_code, 2);
}

}  // namespace
