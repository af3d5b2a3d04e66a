// The command line's one parser (cli/command.h): options parsed and
// described from the same declaration.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/command.h"

namespace trustcheck::cli {
namespace {

CommandSpec Example() {
  return {"demo", {"PATH..."}, "Does a demo.",
          {{"format", "text|json", "output format"},
           {"token", "FILE", "the token", true},
           {"limit", "NAME=VALUE", "a limit", false, true},
           {"all", "", "everything"}}};
}

struct Parsed {
  bool ok;
  Args args;
  std::string err;
};

Parsed Parse(std::vector<std::string> words) {
  words.insert(words.begin(), {"trustcheck", "demo"});
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  Parsed p;
  ::testing::internal::CaptureStderr();
  p.ok = ParseArgs(static_cast<int>(argv.size()), argv.data(), Example(), &p.args);
  p.err = ::testing::internal::GetCapturedStderr();
  return p;
}

TEST(CliArgs, ParsesByTheSpec) {
  Parsed p = Parse({"--token", "t.json", "--format=json", "--limit", "a=1", "--limit=b=2", "--all", "x", "-", "--",
                    "--not-an-option"});
  ASSERT_TRUE(p.ok) << p.err;
  EXPECT_EQ(p.args.Get("token"), "t.json");
  EXPECT_EQ(p.args.Get("format"), "json");
  EXPECT_EQ(p.args.values["limit"], (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_TRUE(p.args.Has("all"));
  EXPECT_EQ(p.args.positional, (std::vector<std::string>{"x", "-", "--not-an-option"}));
}

TEST(CliArgs, RefusesWhatTheSpecDoesNotDeclare) {
  struct Case {
    std::vector<std::string> words;
    std::string err;
  };
  const Case cases[] = {
      {{"--colour"}, "trustcheck: error: unknown option `--colour`\n"},
      {{"--all=yes"}, "trustcheck: error: unknown option `--all=yes`\n"},
      {{"--token"}, "trustcheck: error: `--token` needs a value\n"},
  };
  for (const Case& c : cases) {
    Parsed p = Parse(c.words);
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(p.err, c.err);
  }
  EXPECT_TRUE(Parse({"--help"}).args.Has("help"));
}

TEST(CliArgs, HelpIsGeneratedFromTheSpec) {
  EXPECT_EQ(Usage(Example()),
            "usage: trustcheck demo --token FILE [--format text|json] [--limit NAME=VALUE]... [--all] PATH...");
  EXPECT_EQ(Help(Example()),
            "usage: trustcheck demo --token FILE [--format text|json] [--limit NAME=VALUE]... [--all] PATH...\n"
            "\n"
            "Does a demo.\n"
            "\n"
            "options:\n"
            "  --format text|json  output format\n"
            "  --token FILE        the token\n"
            "  --limit NAME=VALUE  a limit (repeatable)\n"
            "  --all               everything\n"
            "  --help              show this help\n");
}

}  // namespace
}  // namespace trustcheck::cli
