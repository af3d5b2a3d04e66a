// Helpers shared by the test suites: a hand-built subject test, reading a file whole, parsing JSON text
// with a test failure on error, loading paths and evaluating a token as the
// command line does, and running the trustcheck binary of the build
// (TRUSTCHECK_BINARY) as a user would, capturing its exit code and output.

#ifndef TRUSTCHECK_TESTS_TEST_SUPPORT_H_
#define TRUSTCHECK_TESTS_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <json/json.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "trustcheck/ast.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck::testing {

// A `StringLike` test on `token.actions.githubusercontent.com:sub` with the
// one value `pattern`, built by hand (not through a lowering): the base that
// table tests of Test equality change one member of.
inline trustcheck::Test SubjectLikeTest(const std::string& pattern) {
  trustcheck::Test test;
  test.ref.names = {"sub"};
  test.ref.display = "token.actions.githubusercontent.com:sub";
  test.op_display = "StringLike";
  test.what = "condition";
  Operand op;
  op.text = pattern;
  op.pattern = Pattern::Compile(op.text, {});
  test.operands.push_back(std::move(op));
  return test;
}

// Loads paths as the command line does (with the link step); a failure to
// load, or an error in any file, fails the current test.
inline LoadResult LoadPathsOrFail(const std::vector<std::string>& paths, const LoadOptions& options = {}) {
  auto r = LoadPaths(paths, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  for (const Status& e : r->errors) ADD_FAILURE() << e.ToString();
  return std::move(*r);
}

// The loaded trust called `name`, or nullptr (and a test failure).
inline const Trust* FindTrust(const LoadResult& r, const std::string& name) {
  for (const LoadedFile& f : r.files)
    for (const Trust& t : f.trusts)
      if (t.name == name) return &t;
  ADD_FAILURE() << "no trust " << name;
  return nullptr;
}

// Evaluates `trust` against a token (compact JWT or claims JSON) at Unix time
// `at`; an undecodable token fails the current test.
inline Decision EvalToken(const Trust& trust, const std::string& token, int64_t at) {
  auto decoded = DecodeToken(token, "token.json");
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  EvalOptions options;
  options.now = at;
  return Evaluate(trust, decoded->claims, options);
}

// The whole file, or "" when it cannot be read.
inline std::string ReadFileText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Parses `text` as JSON; a parse error fails the current test (and shows the
// text), and the result is then null.
inline Json::Value ParseJsonText(const std::string& text) {
  Json::Value v;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::istringstream in(text);
  EXPECT_TRUE(Json::parseFromStream(builder, in, &v, &errors)) << errors << "\n" << text;
  return v;
}

// One temporary folder per test process, created on first use.
inline const std::string& TestTempDir() {
  static const std::string dir = [] {
    char templ[] = "/tmp/trustcheck-test-XXXXXX";
    const char* d = mkdtemp(templ);
    return std::string(d ? d : "/tmp");
  }();
  return dir;
}

struct CliRun {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// Runs `trustcheck ARGS` (ARGS as shell words) in `working_dir`, with
// `stdin_text` on standard input.
inline CliRun RunCli(const std::string& working_dir, const std::string& args, const std::string& stdin_text = "") {
  const std::string& dir = TestTempDir();
  const std::string in = dir + "/stdin", out = dir + "/stdout", err = dir + "/stderr";
  std::ofstream(in, std::ios::binary) << stdin_text;
  const std::string command = "cd '" + working_dir + "' && '" + TRUSTCHECK_BINARY + "' " + args + " <'" + in +
                              "' >'" + out + "' 2>'" + err + "'";
  int status = std::system(command.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFileText(out);
  r.err = ReadFileText(err);
  return r;
}

}  // namespace trustcheck::testing

#endif  // TRUSTCHECK_TESTS_TEST_SUPPORT_H_
