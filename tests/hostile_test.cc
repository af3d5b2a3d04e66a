// Hostile inputs (issue 8). Every input is generated here at test time (no
// big files in the repository) and given to the real binary in a child
// process limited to 1 GiB of address space: each must end with exit 2 and
// one located error line (`trustcheck: FILE:LINE:COLUMN: error: ...`), or
// with a fail-closed reject, within 5 seconds. Never a crash, a hang, an
// accept or unbounded memory. The second half checks the fail-closed rules
// in the library: a trust the platform would refuse, or a condition that
// cannot be evaluated, never accepts.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// AddressSanitizer reserves terabytes of address space and runs several times
// (10-20x for the analysis) slower: the memory limit cannot apply there, and
// the time budget grows.
constexpr rlim_t kMemoryLimit = rlim_t{1} << 30;
const double kSecondsBudget = kSanitized ? 120.0 : 5.0;
// The CPU-time backstop against a hang, past which the child gets SIGXCPU.
constexpr rlim_t kCpuSecondsLimit = kSanitized ? 120 : 60;

struct ChildRun {
  int exit_code = -1;  // -1: killed by a signal
  int signal = 0;
  double seconds = 0;
  long max_rss_kb = 0;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string TempDir() {
  static std::string dir = [] {
    char templ[] = "/tmp/trustcheck-hostile-XXXXXX";
    const char* d = mkdtemp(templ);
    return std::string(d ? d : "/tmp");
  }();
  return dir;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Runs the binary with `args` under the memory limit (and a CPU-time
// backstop), measuring wall time and peak memory.
ChildRun RunLimited(const std::vector<std::string>& args) {
  const std::string out = TempDir() + "/stdout", err = TempDir() + "/stderr";
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    if (!kSanitized) {
      rlimit as{kMemoryLimit, kMemoryLimit};
      setrlimit(RLIMIT_AS, &as);
    }
    rlimit cpu{kCpuSecondsLimit, kCpuSecondsLimit};
    setrlimit(RLIMIT_CPU, &cpu);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(o, 1);
    dup2(e, 2);
    dup2(in, 0);
    std::vector<char*> argv;
    std::string binary = TRUSTCHECK_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  ChildRun r;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  return r;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

const char* kProvider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

std::string Policy(const std::string& statements) {
  return std::string("{\"Version\": \"2012-10-17\", \"Statement\": [") + statements + "]}";
}

std::string Statement(const std::string& sub_like) {
  return std::string("{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"") + kProvider +
         "\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": {\"StringLike\": "
         "{\"token.actions.githubusercontent.com:sub\": " +
         sub_like + "}}}";
}

std::string GitHubClaims(const std::string& sub, const std::string& extra = "") {
  return "{\"iss\": \"https://token.actions.githubusercontent.com\", \"aud\": \"sts.amazonaws.com\", "
         "\"sub\": \"" +
         sub + "\", \"exp\": 4102444800" + extra + "}";
}

std::string Base64Url(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    for (int s = 18; s >= 6; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  return out;
}

std::string RandomBytes(size_t n, uint32_t seed, bool printable) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) {
    uint32_t v = rng();
    c = printable ? " \n\t:-,[]{}\"'&*!?|>#abcxyz0123"[v % 29] : static_cast<char>(v & 0xff);
  }
  return out;
}

// A YAML alias bomb: nine levels of ten references each (10^9 values).
std::string YamlAliasBomb() {
  std::string out = "AWSTemplateFormatVersion: \"2010-09-09\"\nMetadata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 9; ++level) {
    std::string ref = "*l" + std::to_string(level - 1);
    out += "  l" + std::to_string(level) + ": &l" + std::to_string(level) + " [" +
           Join(std::vector<std::string>(10, ref), ", ") + "]\n";
  }
  out += "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: *l8\n";
  return out;
}

enum class Command {
  kLint,       // trustcheck lint FILE
  kEvalTrust,  // trustcheck eval --token <GitHub claims> FILE
  kEvalToken,  // trustcheck eval --token FILE corpus/aws/github-actions-repo.json
};

struct HostileCase {
  const char* name;
  const char* file_name;
  std::function<std::string()> content;
  Command command;
  int exit_code;  // 2: a located error; 1: a reject
  // For exit 2: the whole stderr, with FILE standing for the file's path
  // (a regular expression: `\d+` where the column depends on the generator).
  std::string error;
};

std::vector<HostileCase> Cases() {
  const std::string kSubLike = "\"repo:octo-org/octo-repo:*\"";
  return {
      {"200,000-deep JSON array", "deep.json", [] { return std::string(200000, '['); }, Command::kLint, 2,
       R"(FILE:1:257: error: invalid JSON: nesting is deeper than the limit of 256 levels)"},
      {"200,000-deep JSON objects", "deep-object.json", [] { return Repeat("{\"a\":", 200000); }, Command::kLint, 2,
       R"(FILE:1:1281: error: invalid JSON: nesting is deeper than the limit of 256 levels)"},
      {"deep JSON token", "deep-token.json", [] { return Repeat("{\"a\":", 100); }, Command::kEvalToken, 2,
       R"(FILE:1:321: error: invalid JSON: nesting is deeper than the limit of 64 levels)"},
      {"random bytes", "random.bin", [] { return RandomBytes(1 << 20, 8, false); }, Command::kLint, 2,
       R"(FILE:1:\d+: error: invalid UTF-8 byte 0x[0-9a-f]{2})"},
      {"random YAML-ish text", "random.yaml", [] { return RandomBytes(1 << 20, 9, true); }, Command::kLint, 2,
       R"(FILE(:\d+:\d+)?: error: .+)"},
      {"a 30 MB string", "string.json", [] { return "{\"Version\": \"" + std::string(30u << 20, 'a') + "\"}"; },
       Command::kLint, 2, R"(FILE:1:13: error: string is longer than the limit of 1048576 bytes)"},
      {"a file over the size limit", "big.json", [] { return std::string((32u << 20) + 1, ' '); }, Command::kLint, 2,
       R"(FILE: error: file is larger than the limit of 33554432 bytes)"},
      {"a truncated policy", "truncated.json", [] { return Policy(Statement("\"repo:octo-org/*\"")).substr(0, 150); },
       Command::kEvalTrust, 2, R"(FILE:1:\d+: error: invalid JSON: .+)"},
      {"invalid UTF-8 in a value", "utf8.json",
       [] { return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"a\xc3\x28\"}]\n}"; },
       Command::kLint, 2, R"(FILE:3:27: error: invalid UTF-8 byte 0xc3)"},
      {"1e400", "number.json", [] { return Policy(Statement("\"x\"")).replace(1, 0, "\"Id\": 1e400, "); },
       Command::kLint, 2, R"(FILE:1:8: error: invalid JSON: '1e400' is not a number)"},
      {"a JWT with two parts", "two.jwt",
       [] { return Base64Url("{\"alg\":\"RS256\"}") + "." + Base64Url(GitHubClaims("x")); }, Command::kEvalToken, 2,
       R"(FILE:1:1: error: JWT must have 3 dot-separated parts, found 2)"},
      {"a JWT with bad base64", "bad64.jwt", [] { return Base64Url("{\"alg\":\"RS256\"}") + ".e30*.c2ln"; },
       Command::kEvalToken, 2, R"(FILE:1:1: error: token is neither a compact JWT nor a JSON object of claims)"},
      {"a JWT payload that is not an object", "array.jwt",
       [] { return Base64Url("{\"alg\":\"RS256\"}") + "." + Base64Url("[1]") + ".c2ln"; }, Command::kEvalToken, 2,
       R"(FILE:1:1: error: token payload is not a JSON object)"},
      {"a token over the size limit", "big-token.json",
       [] { return GitHubClaims("x", ", \"pad\": \"" + std::string(1u << 20, 'p') + "\""); }, Command::kEvalToken, 2,
       R"(FILE: error: token is larger than the limit of 1048576 bytes)"},
      {"YAML: a flow entry outside a flow collection", "comma.txt", [] { return std::string(",\""); },
       Command::kLint, 2, R"(FILE:1:1: error: invalid YAML: `,` outside a flow sequence or map)"},
      {"YAML: a comma after a document", "comma.yaml", [] { return std::string("Resources: {}\n...\n\"a\", \"b\"\n"); },
       Command::kLint, 2, R"(FILE:3:4: error: invalid YAML: `,` outside a flow sequence or map)"},
      {"deep YAML flow", "deep-flow.yaml", [] { return "a: " + std::string(200000, '['); }, Command::kLint, 2,
       R"(FILE:1:260: error: invalid YAML: nesting is deeper than the limit of 256 levels)"},
      {"deep YAML blocks", "deep-block.yaml",
       [] {
         std::string out;
         for (int i = 0; i < 2000; ++i) out += std::string(static_cast<size_t>(i), ' ') + "- \n";
         return out;
       },
       Command::kLint, 2, R"(FILE:\d+:\d+: error: invalid YAML: nesting is deeper than yaml-cpp can read)"},
      {"deep YAML on one line", "deep-line.yaml", [] { return Repeat("- ", 100000) + "x"; }, Command::kLint, 2,
       R"(FILE:\d+:\d+: error: invalid YAML: nesting is deeper than yaml-cpp can read)"},
      {"a long YAML flow sequence", "long.yaml", [] { return "a: [" + Repeat("1,", 3000000) + "1]"; },
       Command::kLint, 2,
       R"(FILE: error: YAML file may hold more than the limit of 500000 nodes \(counting line breaks and `,:-\?\[\{`\))"},
      {"a YAML alias bomb", "bomb.yaml", YamlAliasBomb, Command::kLint, 2,
       R"(FILE:\d+:\d+: error: YAML document expands to more than 1000000 values)"},
      {"deep HCL", "deep.tf", [] { return "locals {\n  x = " + std::string(200000, '[') + "\n}\n"; }, Command::kLint,
       2, R"(FILE:2:\d+: error: nesting is deeper than the limit of 100 levels)"},
      {"deep JSON inside a Terraform policy document", "deep-doc.tf",
       [] {
         std::string deep = Repeat("{\\\"a\\\":", 150) + "1" + std::string(150, '}');
         return "data \"aws_iam_policy_document\" \"d\" {\n  source_policy_documents = [\"" + deep +
                "\"]\n}\nresource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n"
                "  assume_role_policy = data.aws_iam_policy_document.d.json\n}\n";
       },
       Command::kEvalTrust, 1, ""},
      {"deep HCL blocks", "deep-blocks.tf", [] { return Repeat("a {\n", 200000); }, Command::kLint, 2,
       R"(FILE:\d+:\d+: error: nesting is deeper than the limit of 100 levels)"},
      {"a huge CEL expression", "provider.yaml",
       [] {
         return "name: projects/1/locations/global/workloadIdentityPools/p/providers/gh\n"
                "oidc:\n  issuerUri: https://token.actions.githubusercontent.com\n"
                "attributeMapping:\n  google.subject: assertion.sub\n"
                "attributeCondition: " +
                Repeat("assertion.sub == 'x' || ", 20000) + "true\n";
       },
       Command::kEvalTrust, 2, R"(FILE:6:21: error: .*16384.*)"},
      {"deep CEL", "deep-cel.yaml",
       [] {
         return "name: projects/1/locations/global/workloadIdentityPools/p/providers/gh\n"
                "oidc:\n  issuerUri: https://token.actions.githubusercontent.com\n"
                "attributeMapping:\n  google.subject: assertion.sub\n"
                "attributeCondition: \"" +
                std::string(5000, '(') + "true" + std::string(5000, ')') + "\"\n";
       },
       Command::kEvalTrust, 2, R"(FILE:6:\d+: error: .*deep.*)"},
      {"pathological wildcards against a long subject", "stars.json",
       [] { return Policy(Statement("\"" + Repeat("*a", 5000) + "*b\"")); }, Command::kEvalTrust, 1, ""},
      {"many statements", "statements.json",
       [kSubLike] { return Policy(Join(std::vector<std::string>(10001, Statement(kSubLike)), ",")); },
       Command::kLint, 2, R"(FILE:1:40: error: `Statement` holds 10001 statements, more than the limit of 100)"},
      {"many values", "values.json",
       [] {
         std::vector<std::string> values;
         for (int i = 0; i < 100001; ++i) values.push_back("\"v" + std::to_string(i) + "\"");
         return Policy(Statement("[" + Join(values, ",") + "]"));
       },
       Command::kLint, 2,
       R"(FILE:1:\d+: error: `token.actions.githubusercontent.com:sub` holds 100001 values, more than the limit of 1000)"},
      {"many claims", "claims.json",
       [] {
         std::string extra;
         for (int i = 0; i < 60000; ++i) extra += ", \"c" + std::to_string(i) + "\": " + std::to_string(i);
         return GitHubClaims("repo:evil/repo:ref:refs/heads/main", extra);
       },
       Command::kEvalToken, 1, ""},
  };
}

std::string Escape(const std::string& s) { return std::regex_replace(s, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)"); }

TEST(Hostile, LocatedErrorOrRejectInBoundedTimeAndMemory) {
  const std::string source = TRUSTCHECK_SOURCE_DIR;
  const std::string policy = source + "/corpus/aws/github-actions-repo.json";
  // The pathological-wildcard subject: 100,000 `a`s, no `b` at the end.
  const std::string long_token = WriteTemp("long-sub.json", GitHubClaims(std::string(100000, 'a')));
  for (const HostileCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    const std::string path = WriteTemp(c.file_name, c.content());
    std::vector<std::string> args;
    switch (c.command) {
      case Command::kLint: args = {"lint", path}; break;
      case Command::kEvalTrust: args = {"eval", "--token", long_token, "--at", "1700000000", path}; break;
      case Command::kEvalToken: args = {"eval", "--token", path, "--at", "1700000000", policy}; break;
    }
    ChildRun r = RunLimited(args);
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_LT(r.seconds, kSecondsBudget);
    if (!kSanitized) {
      EXPECT_LT(r.max_rss_kb, long{1} << 20);
    }
    if (c.exit_code == 2) {
      std::string expected = "trustcheck: " + std::regex_replace(c.error, std::regex("FILE"), Escape(path)) + "\n";
      EXPECT_TRUE(std::regex_match(r.err, std::regex(expected))) << "stderr: " << r.err.substr(0, 500);
    } else {
      EXPECT_EQ(r.err, "");
      EXPECT_NE(r.out.find("0 of 1 trust accepted the token"), std::string::npos) << r.out.substr(0, 500);
    }
    std::remove(path.c_str());
  }
}

// Just inside the statement and value limits, lint (whose analysis grows
// faster than linearly with them) still answers in time and memory.
TEST(Hostile, LintAtTheLimitsAnswersInTime) {
  const std::string kSubLike = "\"repo:octo-org/octo-repo:*\"";
  std::vector<std::string> values;
  // 997 + the principal and the action: the trust's 1,000 values.
  for (int i = 0; i < 997; ++i) values.push_back("\"repo:octo-org/r" + std::to_string(i) + ":*\"");
  const std::pair<const char*, std::string> cases[] = {
      {"statements.json", Policy(Join(std::vector<std::string>(100, Statement(kSubLike)), ","))},
      {"values.json", Policy(Statement("[" + Join(values, ",") + "]"))},
      // One line of 1,000 roles, each a finding: the report shows a window of
      // the line, not the whole line under every finding.
      {"roles.json", [] {
         std::vector<std::string> roles;
         for (int i = 0; i < 1000; ++i) {
           std::string doc = Policy(Statement("\"repo:octo-org/*\""));
           doc = std::regex_replace(doc, std::regex("\""), "\\\"");
           roles.push_back("{\"RoleName\": \"r" + std::to_string(i) + "\", \"Arn\": \"arn:aws:iam::123456789012:role/r" +
                           std::to_string(i) + "\", \"AssumeRolePolicyDocument\": \"" + doc + "\"}");
         }
         return "{\"Roles\": [" + Join(roles, ", ") + "]}";
       }()},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    const std::string path = WriteTemp(name, text);
    ChildRun r = RunLimited({"lint", path});
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
    EXPECT_LT(r.seconds, kSecondsBudget);
    if (!kSanitized) {
      EXPECT_LT(r.max_rss_kb, long{1} << 20);
    }
    std::remove(path.c_str());
  }
}

// The library's view of the same guards: LoadText with the YAML pitfalls of
// yaml-cpp 0.7, under every format that reads YAML.
TEST(Hostile, YamlThatYamlCppCannotParseIsALocatedError) {
  struct YamlCase {
    std::string text;
    std::string error;
  };
  const YamlCase cases[] = {
      {",\"", "in.yaml:1:1: error: invalid YAML: `,` outside a flow sequence or map"},
      {",", "in.yaml:1:1: error: invalid YAML: `,` outside a flow sequence or map"},
      {"'x', 'y'", "in.yaml:1:4: error: invalid YAML: `,` outside a flow sequence or map"},
      {"\"x\" ,", "in.yaml:1:5: error: invalid YAML: `,` outside a flow sequence or map"},
      {"- a\n,", "in.yaml:2:1: error: invalid YAML: `,` outside a flow sequence or map"},
      {"&a ,", "in.yaml:1:4: error: invalid YAML: `,` outside a flow sequence or map"},
  };
  for (const char* format : {"cloudformation", "gcp-provider"}) {
    for (const YamlCase& c : cases) {
      SCOPED_TRACE(std::string(format) + ": " + c.text);
      LoadOptions options;
      options.forced_format = format;
      auto file = LoadText("in.yaml", c.text, options);
      ASSERT_FALSE(file.ok());
      EXPECT_EQ(file.status().ToString(), c.error);
    }
  }
  // Detection (no forced format) reports the same error for a file named
  // explicitly, and a plain comma inside a scalar is still fine YAML.
  auto detected = LoadText("in.txt", ",\"", LoadOptions{});
  ASSERT_FALSE(detected.ok());
  EXPECT_EQ(detected.status().ToString(), "in.txt:1:1: error: invalid YAML: `,` outside a flow sequence or map");
  LoadOptions cfn;
  cfn.forced_format = "cloudformation";
  auto fine = LoadText("in.yaml", "Description: a, b\nResources: {}\n", cfn);
  EXPECT_TRUE(fine.ok()) << fine.status().ToString();
}

// load_aws_iam_dump_fuzz: a forced format on JSON of the wrong shape is a
// located error, not a jsoncpp exception.
TEST(Hostile, ForcedFormatOnTheWrongJsonShape) {
  LoadOptions options;
  options.forced_format = "aws-iam-dump";
  auto file = LoadText("dump.json", "[]", options);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().ToString(), "dump.json:1:1: error: an IAM dump must be a JSON object");
}

TEST(Hostile, LimitsAreOverridable) {
  LoadOptions options;
  options.limits.max_statements = 2;
  const std::string two = Policy(Statement("\"a\"") + "," + Statement("\"b\""));
  const std::string three = Policy(Statement("\"a\"") + "," + Statement("\"b\"") + "," + Statement("\"c\""));
  EXPECT_TRUE(LoadText("p.json", two, options).ok());
  auto refused = LoadText("p.json", three, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().ToString(), "p.json:1:40: error: `Statement` holds 3 statements, more than the limit of 2");

  options = LoadOptions{};
  options.limits.max_values = 2;
  auto values = LoadText("p.json", Policy(Statement("[\"a\", \"b\", \"c\"]")), options);
  ASSERT_FALSE(values.ok());
  EXPECT_EQ(values.status().ToString(),
            "p.json:1:283: error: `token.actions.githubusercontent.com:sub` holds 3 values, more than the limit of 2");

  options = LoadOptions{};
  options.limits.max_depth = 3;
  auto deep = LoadText("p.json", "{\"a\": [[[1]]]}", options);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().ToString(), "p.json:1:9: error: invalid JSON: nesting is deeper than the limit of 3 levels");

  options = LoadOptions{};
  options.limits.max_yaml_nodes = 10;
  options.forced_format = "cloudformation";
  auto yaml = LoadText("t.yaml", "Resources: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", options);
  ASSERT_FALSE(yaml.ok());
  EXPECT_EQ(yaml.status().ToString(),
            "t.yaml: error: YAML file may hold more than the limit of 10 nodes (counting line breaks and `,:-?[{`)");
}

// ---------------------------------------------------------------------------
// Fail closed: what the platform would refuse, and what cannot be evaluated,
// never accepts, even when everything else in the trust matches the token.

Claims GitHubToken() {
  auto t = DecodeToken(GitHubClaims("repo:octo-org/octo-repo:ref:refs/heads/main",
                                    ", \"repository_owner_id\": \"65\", \"ref\": \"refs/heads/main\""),
                       "token.json");
  EXPECT_TRUE(t.ok());
  return t->claims;
}

struct FailClosedCase {
  const char* name;
  const char* path;
  std::string text;
};

TEST(Hostile, RefusedOrUnevaluableTrustsNeverAccept) {
  const std::string allow = Statement("\"repo:octo-org/octo-repo:*\"");
  auto with_condition = [](const std::string& effect, const std::string& condition) {
    return std::string("{\"Effect\": \"") + effect + "\", \"Principal\": {\"Federated\": \"" + kProvider +
           "\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": " + condition + "}";
  };
  const std::string gcp_head =
      "name: projects/1/locations/global/workloadIdentityPools/p/providers/gh\n"
      "oidc:\n  issuerUri: https://token.actions.githubusercontent.com\n"
      "attributeMapping:\n  google.subject: assertion.sub\n";
  const FailClosedCase cases[] = {
      {"the baseline accepts (the cases below differ by one thing)", "", Policy(allow)},
      {"unknown operator in the Allow", "p.json",
       Policy(with_condition("Allow", "{\"StringEqualz\": {\"token.actions.githubusercontent.com:sub\": \"x\"}}"))},
      {"unknown operator in a Deny beside a matching Allow", "p.json",
       Policy(allow + "," +
              with_condition("Deny", "{\"StringEqualz\": {\"token.actions.githubusercontent.com:sub\": \"x\"}}"))},
      {"bad Effect beside a matching Allow", "p.json",
       Policy(allow + "," + with_condition("deny", "{\"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"*\"}}"))},
      {"unknown condition value type", "p.json",
       Policy(with_condition("Allow", "{\"StringLike\": {\"token.actions.githubusercontent.com:sub\": {\"a\": 1}}}"))},
      {"condition value of the wrong type for the operator", "p.json",
       Policy(with_condition("Allow", "{\"NumericLessThan\": {\"token.actions.githubusercontent.com:sub\": \"x\"}}"))},
      {"unknown policy element", "p.json", "{\"Version\": \"2012-10-17\", \"Statment\": 1, \"Statement\": [" + allow + "]}"},
      {"CEL evaluation error (no such claim)", "provider.yaml",
       gcp_head + "attributeCondition: assertion.missing == 'x'\n"},
      {"CEL evaluation error (division by zero)", "provider.yaml",
       gcp_head + "attributeCondition: 1 / (size(assertion.sub) - size(assertion.sub)) == 1\n"},
      {"CEL condition of the wrong type", "provider.yaml", gcp_head + "attributeCondition: assertion.sub\n"},
  };
  const Claims claims = GitHubToken();
  EvalOptions eval;
  eval.now = 1700000000;
  bool first = true;
  for (const FailClosedCase& c : cases) {
    SCOPED_TRACE(c.name);
    LoadOptions lenient;  // the linter's view: malformed parts stay in the trust
    lenient.malformed_is_error = false;
    auto file = LoadText(*c.path ? c.path : "p.json", c.text, lenient);
    if (!file.ok()) continue;  // refused at load: fail closed already
    ASSERT_EQ(file->trusts.size(), 1u);
    Decision d = Evaluate(file->trusts.front(), claims, eval);
    if (first) {
      EXPECT_TRUE(d.accepted) << d.outcome;
      first = false;
      continue;
    }
    EXPECT_FALSE(d.accepted) << d.outcome;
    // eval's view: the load itself fails, or the decision rejects.
    auto strict = LoadText(*c.path ? c.path : "p.json", c.text, LoadOptions{});
    if (strict.ok()) {
      EXPECT_FALSE(Evaluate(strict->trusts.front(), claims, eval).accepted);
    }
  }
}

}  // namespace
}  // namespace trustcheck
