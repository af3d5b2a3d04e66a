// Helpers shared by the test suites: reading a file whole, parsing JSON text
// with a test failure on error, and running the trustcheck binary of the build
// (TRUSTCHECK_BINARY) as a user would, capturing its exit code and output.

#ifndef TRUSTCHECK_TESTS_TEST_SUPPORT_H_
#define TRUSTCHECK_TESTS_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <json/json.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace trustcheck::testing {

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
