// JSON templates read as JSON (formats/template_json.h) and the folder
// search that decides by content (trustcheck/load.h): the rewrite of each
// kind of interpolation, locations in the file's own columns, directives as
// located errors, and which files a folder run reads, skips and why.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "formats/template_json.h"
#include "tests/test_support.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

namespace fs = std::filesystem;

struct RewriteCase {
  const char* name;
  const char* text;
  const char* rewritten;  // nullptr: nothing to rewrite
  const char* directive;  // "" when none
};

TEST(JsonTemplate, Rewrites) {
  const RewriteCase cases[] = {
      {"plain JSON", R"({"a": "b"})", nullptr, ""},
      {"interpolation inside a string stays", R"({"a": "arn:${account}:x"})", nullptr, ""},
      {"unquoted interpolation becomes a string", R"({"a": ${jsonencode(subjects)}})",
       R"({"a": "${jsonencode(subjects)}"})", ""},
      {"its quotes are escaped", R"({"a": ${jsonencode(["x", "y"])}})", R"({"a": "${jsonencode([\"x\", \"y\"])}"})",
       ""},
      {"Jinja expression", R"({"aud": {{ audience }}})", R"({"aud": "{{ audience }}"})", ""},
      {"escaped interpolation is the policy variable Terraform renders", R"({"a": "$${aws:username}", "b": ${x}})",
       R"({"a": "${aws:username}", "b": "${x}"})", ""},
      {"interpolation quoting inside a string", R"({"a": "arn:${format("%s", x)}", "b": ${y}})",
       R"({"a": "arn:${format(\"%s\", x)}", "b": "${y}"})", ""},
      {"Terraform directive", "{\"a\": [\n  %{ for s in subjects ~}\n  \"${s}\",\n  %{ endfor ~}\n]}", nullptr,
       "%{ for s in subjects ~}"},
      {"Jinja directive", "{\"a\": [{% for s in subjects %}\"{{ s }}\"{% endfor %}]}", nullptr,
       "{% for s in subjects %}"},
  };
  for (const RewriteCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = RewriteJsonTemplate(c.text, true);
    if (!c.rewritten && c.directive[0] == '\0') {
      EXPECT_FALSE(r.has_value());
      continue;
    }
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->directive, c.directive);
    if (c.rewritten) {
      EXPECT_EQ(r->text, c.rewritten);
    }
  }
}

// A policy kept as a `templatefile` input: read with its placeholders as
// unknowns, located in the file's own columns, and a `repo:*` in it is
// judged whatever the placeholders turn out to be.
TEST(JsonTemplate, LoadsWithPlaceholdersAsUnknowns) {
  const std::string text = R"({
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::${account_id}:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": ${jsonencode(audiences)}, "token.actions.githubusercontent.com:ref": "$${aws:username}"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}
    }
  }]
})";
  auto file = LoadText("role.json.tpl", text, {});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->trusts.size(), 1u);
  const Trust& trust = file->trusts[0];
  ASSERT_GE(trust.notes.size(), 2u);
  // `${jsonencode(audiences)}` starts at column 67 of line 8 in the file.
  bool located = false;
  for (const LoweringNote& n : trust.notes)
    if (n.message.find("jsonencode") != std::string::npos) {
      EXPECT_EQ(n.loc.line, 8u);
      EXPECT_EQ(n.loc.column, 67u);
      located = true;
    }
  EXPECT_TRUE(located);
  // `$${aws:username}` renders as the policy variable `${aws:username}`,
  // which web identity requests do not have: the condition never holds.
  Decision d = testing::EvalToken(
      trust,
      R"({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "repo:x/y:ref:refs/heads/main", "ref": "${aws:username}"})",
      1700000000);
  EXPECT_FALSE(d.accepted);
}

TEST(JsonTemplate, DirectiveIsALocatedError) {
  const std::string text = "{\"Statement\": [\n  %{ for s in statements ~}\n  ${s},\n  %{ endfor ~}\n]}";
  auto file = LoadText("role.json.tpl", text, {});
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().ToString(),
            "role.json.tpl:2:3: error: template directive `%{ for s in statements ~}` shapes the document when it is "
            "rendered; trustcheck reads a template through the Terraform `templatefile` call that renders it, or a "
            "rendered copy");
}

// A `.json` file is JSON: interpolations there stay an error.
TEST(JsonTemplate, JsonFilesAreNotTemplates) {
  auto file = LoadText("role.json", R"({"Statement": [{"Principal": {"AWS": ${USERS}}}]})", {});
  ASSERT_FALSE(file.ok());
}

class FolderSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TestTempDir()) / "folder";
    fs::remove_all(root_);
    fs::create_directories(root_ / "policies");
    fs::create_directories(root_ / ".git");
    fs::create_directories(root_ / ".terraform" / "modules");
    fs::create_directories(root_ / "docs");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(root_ / rel) << text; }
  fs::path root_;
};

constexpr const char* kTemplate = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": ${jsonencode(subjects)}}}}]})";

TEST_F(FolderSearch, DecidesByContentAndSaysWhatItSkipped) {
  Write("policies/ci.json.tpl", kTemplate);
  Write("policies/deploy.tmpl", kTemplate);
  Write("policies/notes.txt", "remember to rotate the keys\n");
  Write("policies/trust", kTemplate);  // no extension, not a template: JSON, invalid
  Write("README", "a readme\n");
  Write("docs/guide.md", "# guide\n");
  Write(".git/config", "[core]\n");
  Write(".terraform/modules/modules.json", "{}");
  Write("tool", std::string("\x7f" "ELF\0\0", 6));
  auto r = LoadPaths({root_.string()}, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> loaded;
  for (const LoadedFile& f : r->files) loaded.push_back(fs::path(f.path).filename().string());
  EXPECT_EQ(loaded, (std::vector<std::string>{"ci.json.tpl", "deploy.tmpl"}));
  // The file without an extension holds a trust that does not parse: an
  // error, not a skip.
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_NE(r->errors[0].ToString().find("policies/trust:4:"), std::string::npos) << r->errors[0].ToString();
  std::vector<std::string> skipped;
  for (const SkippedFile& s : r->skipped_files)
    skipped.push_back(fs::relative(s.path, root_).string() + ": " + s.reason);
  EXPECT_EQ(skipped, (std::vector<std::string>{".git: folder not searched", ".terraform: folder not searched",
                                               "README: no trust in it", "docs/guide.md: `.md` files are not read",
                                               "policies/notes.txt: no trust in it", "tool: binary"}));
  EXPECT_EQ(r->skipped, skipped.size());
}

}  // namespace
}  // namespace trustcheck
