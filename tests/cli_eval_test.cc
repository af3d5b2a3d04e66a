// Golden tests of `trustcheck eval` (cli/eval_command.cc) run as a program:
// the JSON contract of docs/cli.md, the text report, exit codes 0/1/2, located
// one-line errors, folders, tokens from files, standard input and JWTs. The
// binary and the source tree come from the build (TRUSTCHECK_BINARY,
// TRUSTCHECK_SOURCE_DIR); paths are given relative to the source tree, as a
// user in a checkout would.

#include <gtest/gtest.h>
#include <json/json.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support.h"

namespace {

using trustcheck::testing::ReadFileText;
using RunResult = trustcheck::testing::CliRun;

// Runs `trustcheck <args>` in the source tree; `stdin_text` is piped in.
RunResult RunTrustcheck(const std::string& args, const std::string& stdin_text = "") {
  return trustcheck::testing::RunCli(TRUSTCHECK_SOURCE_DIR, args, stdin_text);
}

Json::Value ParseJson(const std::string& text) { return trustcheck::testing::ParseJsonText(text); }

constexpr const char* kMainToken = "--token corpus/tokens/github-actions-main.json --at 1632493000";

// docs/cli.md: {"accepted", "evaluated_at", "token", "trusts": [{"source",
// "line", "column", "name", "platform", "format", "kind", "decision",
// "outcome", "reasons"}]}, exactly.
TEST(CliEval, JsonContract) {
  RunResult r = RunTrustcheck(std::string("eval --format json ") + kMainToken +
                    " corpus/aws/github-actions-repo.json corpus/aws/github-actions-environment.json");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(ParseJson(r.out), ParseJson(R"json({
    "accepted": 1,
    "evaluated_at": 1632493000,
    "token": {"form": "claims", "iss": "https://token.actions.githubusercontent.com", "signature_verified": false},
    "trusts": [
      {"source": "corpus/aws/github-actions-repo.json", "line": 1, "column": 1, "name": "github-actions-repo",
       "platform": "aws", "format": "aws-policy", "kind": "role", "decision": "accept", "outcome": "allowed",
       "reasons": ["allowed by statement `GitHubActionsOctoRepo` (corpus/aws/github-actions-repo.json:4:5)"]},
      {"source": "corpus/aws/github-actions-environment.json", "line": 1, "column": 1,
       "name": "github-actions-environment", "platform": "aws", "format": "aws-policy", "kind": "role",
       "decision": "reject", "outcome": "implicit deny",
       "reasons": ["statement `GitHubActionsProductionEnvironment`: condition `StringEquals` on `token.actions.githubusercontent.com:sub` expects `repo:octo-org/octo-repo:environment:prod`; token `sub` is `repo:octo-org/octo-repo:ref:refs/heads/main` (corpus/aws/github-actions-environment.json:14:11)"]}
    ]
  })json"));
}

TEST(CliEval, JsonIsPrettyPrintedWithSortedKeys) {
  RunResult r = RunTrustcheck(std::string("eval --format json ") + kMainToken + " corpus/aws/github-actions-repo.json");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, R"json({
  "accepted" : 1,
  "evaluated_at" : 1632493000,
  "token" : 
  {
    "form" : "claims",
    "iss" : "https://token.actions.githubusercontent.com",
    "signature_verified" : false
  },
  "trusts" : 
  [
    {
      "column" : 1,
      "decision" : "accept",
      "format" : "aws-policy",
      "kind" : "role",
      "line" : 1,
      "name" : "github-actions-repo",
      "outcome" : "allowed",
      "platform" : "aws",
      "reasons" : 
      [
        "allowed by statement `GitHubActionsOctoRepo` (corpus/aws/github-actions-repo.json:4:5)"
      ],
      "source" : "corpus/aws/github-actions-repo.json"
    }
  ]
}
)json");
}

// The text report: which statement accepted, or per statement the first
// condition that failed with the policy's value and the token's.
TEST(CliEval, TextReport) {
  RunResult r = RunTrustcheck(std::string("eval ") + kMainToken +
                    " corpus/aws/github-actions-repo.json corpus/aws/github-actions-environment.json "
                    "corpus/aws/terraform-cloud-workspace.json");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "token corpus/tokens/github-actions-main.json: claims JSON (no signature to verify); iss "
            "`https://token.actions.githubusercontent.com`; evaluated at 2021-09-24T14:16:40Z (1632493000)\n"
            "\n"
            "ACCEPT corpus/aws/github-actions-repo.json:1:1 github-actions-repo (aws role): allowed\n"
            "  - allowed by statement `GitHubActionsOctoRepo` (corpus/aws/github-actions-repo.json:4:5)\n"
            "\n"
            "REJECT corpus/aws/github-actions-environment.json:1:1 github-actions-environment (aws role): implicit "
            "deny\n"
            "  - statement `GitHubActionsProductionEnvironment`: condition `StringEquals` on "
            "`token.actions.githubusercontent.com:sub` expects `repo:octo-org/octo-repo:environment:prod`; token "
            "`sub` is `repo:octo-org/octo-repo:ref:refs/heads/main` (corpus/aws/github-actions-environment.json:14:11)\n"
            "\n"
            "REJECT corpus/aws/terraform-cloud-workspace.json:1:1 terraform-cloud-workspace (aws role): implicit deny\n"
            "  - statement #1: Federated principal trusts issuer `https://app.terraform.io`; token `iss` is "
            "`https://token.actions.githubusercontent.com` (corpus/aws/terraform-cloud-workspace.json:7:22)\n"
            "\n"
            "1 of 3 trusts accepted the token\n");
}

TEST(CliEval, ExitCodes) {
  EXPECT_EQ(RunTrustcheck(std::string("eval ") + kMainToken + " corpus/aws/github-actions-repo.json").exit_code, 0);
  EXPECT_EQ(RunTrustcheck(std::string("eval ") + kMainToken + " corpus/aws/github-actions-environment.json").exit_code, 1);
  EXPECT_EQ(RunTrustcheck(std::string("eval ") + kMainToken + " tests/fixtures/eval/invalid/unknown-operator.json").exit_code, 2);
  // An expired token: every trust refuses it.
  RunResult expired = RunTrustcheck("eval --format json --token corpus/tokens/github-actions-main.json --at 1632493868 "
                          "corpus/aws/github-actions-repo.json");
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_EQ(ParseJson(expired.out)["trusts"][0]["outcome"].asString(), "token time");
  EXPECT_EQ(ParseJson(expired.out)["trusts"][0]["reasons"][0].asString(),
            "token expired at 1632493867 (`exp`), 1 s before the evaluation time (corpus/aws/github-actions-repo.json:1:1)");
}

// `--timings` adds one line per stage on stderr and leaves the report alone.
TEST(CliEval, TimingsOnStderr) {
  const std::string args = std::string("eval ") + kMainToken + " corpus/aws/github-actions-repo.json";
  RunResult plain = RunTrustcheck(args);
  RunResult timed = RunTrustcheck(args + " --timings");
  EXPECT_EQ(timed.exit_code, plain.exit_code);
  EXPECT_EQ(timed.out, plain.out);
  std::istringstream lines(timed.err);
  std::string line, stages;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string prefix, stage, wall, wall_unit, wall_word, cpu, cpu_unit, cpu_word;
    words >> prefix >> stage >> wall >> wall_unit >> wall_word >> cpu >> cpu_unit >> cpu_word;
    EXPECT_EQ(prefix + wall_unit + wall_word + cpu_unit + cpu_word, "timing:mswallmscpu") << line;
    EXPECT_GE(std::stod(wall), 0) << line;
    stages += stage + " ";
  }
  EXPECT_EQ(stages, "token load evaluate report ");
}

// AWS's EKS IRSA example: an `aud` list of one element is its value.
TEST(CliEval, EksServiceAccount) {
  RunResult r = RunTrustcheck("eval --format json --token corpus/tokens/eks-service-account.json --at 1700000100 "
                    "corpus/aws/eks-irsa-service-account.json");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(ParseJson(r.out)["trusts"][0]["decision"].asString(), "accept");
}

// Folders are searched recursively in path order; files that are not trusts
// (not-a-trust.json) and other extensions (README.txt) are skipped there.
TEST(CliEval, Folders) {
  RunResult r = RunTrustcheck(std::string("eval --format json ") + kMainToken + " tests/fixtures/eval/folder");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  Json::Value v = ParseJson(r.out);
  EXPECT_EQ(v["accepted"].asInt(), 1);
  ASSERT_EQ(v["trusts"].size(), 3u);
  const char* expected[][4] = {
      {"tests/fixtures/eval/folder/a-github-repo.json", "accept", "allowed",
       "allowed by statement `OctoRepo` (tests/fixtures/eval/folder/a-github-repo.json:4:5)"},
      {"tests/fixtures/eval/folder/nested/b-deny-main.json", "reject", "explicit deny",
       "denied by statement `NoMainBranch`; condition `StringEquals` on `token.actions.githubusercontent.com:ref` "
       "holds: token `ref` is `refs/heads/main` (tests/fixtures/eval/folder/nested/b-deny-main.json:10:5)"},
      {"tests/fixtures/eval/folder/nested/c-terraform.json", "reject", "implicit deny",
       "statement #1: Federated principal trusts issuer `https://app.terraform.io`; token `iss` is "
       "`https://token.actions.githubusercontent.com` (tests/fixtures/eval/folder/nested/c-terraform.json:5:32)"},
  };
  for (Json::ArrayIndex i = 0; i < 3; ++i) {
    SCOPED_TRACE(expected[i][0]);
    EXPECT_EQ(v["trusts"][i]["source"].asString(), expected[i][0]);
    EXPECT_EQ(v["trusts"][i]["decision"].asString(), expected[i][1]);
    EXPECT_EQ(v["trusts"][i]["outcome"].asString(), expected[i][2]);
    ASSERT_EQ(v["trusts"][i]["reasons"].size(), 1u);
    EXPECT_EQ(v["trusts"][i]["reasons"][0].asString(), expected[i][3]);
  }
}

// Malformed input: exit 2 and one located line per problem on stderr; in a
// folder the broken file is reported and the others are still evaluated.
TEST(CliEval, LocatedErrors) {
  struct Case {
    const char* args;
    const char* err;
  };
  const Case cases[] = {
      {"tests/fixtures/eval/invalid/unknown-operator.json",
       "trustcheck: tests/fixtures/eval/invalid/unknown-operator.json:9:9: error: unknown condition operator "
       "`StringEqualz`\n"},
      {"tests/fixtures/eval/invalid/syntax-error.json",
       "trustcheck: tests/fixtures/eval/invalid/syntax-error.json:6:7: error: invalid JSON: missing ',' or '}' in "
       "object declaration\n"},
      {"tests/fixtures/eval/invalid/not-a-trust.json",
       "trustcheck: tests/fixtures/eval/invalid/not-a-trust.json: error: JSON does not match any known trust "
       "format\n"},
      {"tests/fixtures/eval/no-such-file.json",
       "trustcheck: tests/fixtures/eval/no-such-file.json: error: no such file or folder\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    RunResult r = RunTrustcheck(std::string("eval ") + kMainToken + " " + c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "") << "nothing could be evaluated";
  }
  RunResult mixed = RunTrustcheck(std::string("eval --format json ") + kMainToken +
                        " tests/fixtures/eval/invalid/unknown-operator.json corpus/aws/github-actions-repo.json");
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_EQ(mixed.err,
            "trustcheck: tests/fixtures/eval/invalid/unknown-operator.json:9:9: error: unknown condition operator "
            "`StringEqualz`\n");
  EXPECT_EQ(ParseJson(mixed.out)["trusts"].size(), 1u);
}

TEST(CliEval, TokenAndUsageErrors) {
  struct Case {
    std::string args;
    std::string err;
  };
  const Case cases[] = {
      {"eval --token tests/fixtures/eval/invalid/two-parts.jwt corpus/aws",
       "trustcheck: tests/fixtures/eval/invalid/two-parts.jwt:1:1: error: JWT must have 3 dot-separated parts, "
       "found 2\n"},
      {"eval --token tests/fixtures/eval/no-token.json corpus/aws",
       "trustcheck: tests/fixtures/eval/no-token.json: error: cannot read file: no such file or directory\n"},
      // Every input goes through the bounded reader: endless streams and
      // folders fail at once, naming the limit.
      {"eval --token /dev/zero corpus/aws",
       "trustcheck: /dev/zero: error: token is larger than the limit of 1048576 bytes\n"},
      {"eval --token corpus/tokens/github-actions-main.json --jwks /dev/zero corpus/aws",
       "trustcheck: /dev/zero: error: JWKS is larger than the limit of 1048576 bytes\n"},
      {"eval --token corpus/tokens/github-actions-main.json /dev/zero",
       "trustcheck: /dev/zero: error: file is larger than the limit of 33554432 bytes\n"},
      {"eval --token corpus/tokens/github-actions-main.json --limit file-bytes=1000 /dev/zero",
       "trustcheck: /dev/zero: error: file is larger than the limit of 1000 bytes\n"},
      {"eval --token corpus corpus/aws", "trustcheck: corpus: error: cannot read file: is a directory\n"},
      {"eval --token corpus/tokens/github-actions-main.json --at tomorrow corpus/aws",
       "trustcheck: error: `--at`: time `tomorrow` is neither RFC 3339 nor Unix seconds\n"},
      {"eval --token corpus/tokens/github-actions-main.json --format yaml corpus/aws",
       "trustcheck: error: `--format` must be one of text, json, not `yaml`\n"},
      // Usage errors are followed by the usage line.
      {"eval corpus/aws", "trustcheck: error: `--token` is required\nusage: trustcheck eval --token FILE|- "},
      {"eval --token corpus/tokens/github-actions-main.json", "trustcheck: error: no PATH given\nusage: trustcheck eval "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    RunResult r = RunTrustcheck(c.args);
    EXPECT_EQ(r.exit_code, 2);
    if (c.err.find("usage: ") != std::string::npos) EXPECT_EQ(r.err.substr(0, c.err.size()), c.err);
    else EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "");
  }
}

// `--limit NAME=VALUE` sets the load limits of docs/hardening.md for one
// run, in eval, lint and diff alike; bad settings are usage errors.
TEST(CliEval, LimitFlags) {
  const std::string policy = "corpus/aws/github-actions-repo.json";
  struct Case {
    std::string command;  // with `{}` where the limit goes
    std::string limit;
    int exit_code;
    std::string err;
  };
  const std::string eval = std::string("eval ") + kMainToken + " {} " + policy;
  const std::string names = "(names: `file-bytes`, `depth`, `string-bytes`, `statements`, `values`, `files`, `yaml-nodes`)";
  const Case cases[] = {
      {eval, "file-bytes=100", 2, "trustcheck: " + policy + ": error: file is larger than the limit of 100 bytes\n"},
      {eval, "depth=2", 2,
       "trustcheck: " + policy + ":4:5: error: invalid JSON: nesting is deeper than the limit of 2 levels\n"},
      {eval, "values=1", 2,
       "trustcheck: " + policy + ":1:1: error: trust holds 4 values in its conditions, more than the limit of 1\n"},
      {eval, "file-bytes=64m", 0, ""},
      {eval, "statements=1", 0, ""},
      {"lint {} " + policy, "file-bytes=1k", 0, ""},
      {"lint {} " + policy, "file-bytes=100", 2,
       "trustcheck: " + policy + ": error: file is larger than the limit of 100 bytes\n"},
      // Both sides are loaded, and each says so.
      {"diff {} " + policy + " " + policy, "file-bytes=100", 2,
       "trustcheck: " + policy + ": error: file is larger than the limit of 100 bytes\n"
       "trustcheck: " + policy + ": error: file is larger than the limit of 100 bytes\n"},
      {eval, "depth=0", 2, "trustcheck: error: `--limit depth`: `0` is not a whole number from 1 to 1000\n"},
      {eval, "depth=1001", 2, "trustcheck: error: `--limit depth`: `1001` is not a whole number from 1 to 1000\n"},
      {eval, "file-bytes=1x", 2,
       "trustcheck: error: `--limit file-bytes`: `1x` is not a whole number from 1 to 4294967295\n"},
      {eval, "bogus=1", 2, "trustcheck: error: `--limit`: unknown limit `bogus` " + names + "\n"},
      {eval, "file-bytes", 2, "trustcheck: error: `--limit` takes NAME=VALUE, not `file-bytes` " + names + "\n"},
  };
  for (const Case& c : cases) {
    std::string command = c.command;
    command.replace(command.find("{}"), 2, "--limit " + c.limit);
    SCOPED_TRACE(command);
    RunResult r = RunTrustcheck(command);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(r.err, c.err);
  }

  // Raising a limit lets through what the default refuses: JSON nested 300
  // deep is refused at the 257th bracket by default, and read (then found
  // not to be a trust) with a deeper limit. Repeated flags all apply.
  const std::string deep = trustcheck::testing::TestTempDir() + "/deep.json";
  std::ofstream(deep) << std::string(300, '[') << std::string(300, ']');
  RunResult refused = RunTrustcheck(std::string("eval ") + kMainToken + " " + deep);
  EXPECT_EQ(refused.err,
            "trustcheck: " + deep + ":1:257: error: invalid JSON: nesting is deeper than the limit of 256 levels\n");
  RunResult read = RunTrustcheck(std::string("eval ") + kMainToken + " --limit depth=400 --limit file-bytes=1k " + deep);
  EXPECT_EQ(read.exit_code, 2);
  EXPECT_EQ(read.err, "trustcheck: " + deep + ": error: JSON does not match any known trust format\n");
}

// `--token -` reads standard input; a compact JWT is decoded and the report
// says its signature was not verified.
TEST(CliEval, TokenFromStdinAndJwt) {
  const std::string claims = ReadFileText(std::string(TRUSTCHECK_SOURCE_DIR) + "/corpus/tokens/github-actions-main.json");
  RunResult from_stdin = RunTrustcheck("eval --format json --token - --at 1632493000 corpus/aws/github-actions-repo.json", claims);
  EXPECT_EQ(from_stdin.exit_code, 0);
  EXPECT_EQ(ParseJson(from_stdin.out)["accepted"].asInt(), 1);

  // {"alg":"none"} . the claims . an empty signature, base64url.
  const std::string jwt =
      "eyJhbGciOiJub25lIn0."
      "eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20iLCJz"
      "dWIiOiJyZXBvOm9jdG8tb3JnL29jdG8tcmVwbzpyZWY6cmVmcy9oZWFkcy9tYWluIn0.";
  RunResult r = RunTrustcheck("eval --token - --at 1632493000 corpus/aws/github-actions-repo.json", jwt);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "token -: JWT (alg `none`), signature NOT verified; iss `https://token.actions.githubusercontent.com`; "
            "evaluated at 2021-09-24T14:16:40Z (1632493000)");
  RunResult json = RunTrustcheck("eval --format json --token - --at 1632493000 corpus/aws/github-actions-repo.json", jwt);
  EXPECT_EQ(ParseJson(json.out)["token"], ParseJson(R"({"form": "jwt", "iss": "https://token.actions.githubusercontent.com",
                                                        "signature_verified": false})"));
}

}  // namespace
