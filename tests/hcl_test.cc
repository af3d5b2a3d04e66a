// Tests for the HCL2 parser and evaluator (engine/src/hcl/).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "hcl/hcl.h"

namespace trustcheck::hcl {
namespace {

std::string ParseDump(std::string_view text) {
  Result<ExprPtr> e = ParseExpression(text, "expr.hcl");
  return e.ok() ? Dump(**e) : e.status().ToString();
}

std::string FileDump(std::string_view text) {
  Result<File> f = ParseFile(text, "main.tf");
  return f.ok() ? Dump(f->body) : f.status().ToString();
}

std::string FileError(std::string_view text) {
  Result<File> f = ParseFile(text, "main.tf");
  return f.ok() ? "parsed" : f.status().ToString();
}

Module ModuleOf(std::vector<std::pair<std::string, std::string>> files) {
  Module m;
  for (auto& [path, text] : files) {
    Result<File> f = ParseFile(text, path);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) continue;
    Status added = m.Add(std::move(*f));
    EXPECT_TRUE(added.ok()) << added.ToString();
  }
  return m;
}

// Evaluates `text` as an expression in `module`; the value's DebugString or
// the error's one line.
std::string EvalIn(const Module& module, std::string_view text, EvalOptions options = {},
                   const Bindings* bindings = nullptr) {
  Result<ExprPtr> e = ParseExpression(text, "expr.hcl");
  if (!e.ok()) return "parse: " + e.status().ToString();
  Evaluator ev(module, std::move(options));
  Result<Value> v = ev.Eval(**e, bindings);
  return v.ok() ? DebugString(*v) : v.status().ToString();
}

struct Case {
  std::string input;
  std::string expected;
};

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

TEST(HclParse, ExpressionDumps) {
  const std::vector<Case> cases = {
      {"1", "1"},
      {"1.5e3", "1500"},
      {"true", "true"},
      {"null", "null"},
      {R"("abc")", R"("abc")"},
      {R"("")", R"("")"},
      {R"("a\"b\\c\n\u00e9")", "\"a\\\"b\\\\c\\n\xC3\xA9\""},
      {R"("pre-${var.x}-post")", R"((template "pre-" ${var.x} "-post"))"},
      {R"("$${literal} %%{also}")", R"("${literal} %{also}")"},
      {R"("${ {a = 1}.a }")", R"((template ${(rel {"a" = 1} .a)}))"},
      {"[1, 2, 3,]", "[1, 2, 3]"},
      {"[\n  1,\n  2\n]", "[1, 2]"},
      {"[]", "[]"},
      {"{}", "{}"},
      {"{ a = 1, \"b.c\" : 2 }", R"({"a" = 1, "b.c" = 2})"},
      {"{\n  a = 1\n  b = [\n    2,\n  ]\n}", R"({"a" = 1, "b" = [2]})"},
      {"{ (var.k) = 1 }", R"({var.k = 1})"},
      {"var.x", "var.x"},
      {"data.aws_iam_policy_document.doc.json", "data.aws_iam_policy_document.doc.json"},
      {"local.m[\"k\"][0].name", R"(local.m["k"][0].name)"},
      {"aws_thing.x.0.arn", "aws_thing.x[0].arn"},
      {"aws_thing.x[*].arn", "(splat aws_thing.x .arn)"},
      {"aws_thing.x[*].tags[\"a\"]", R"((splat aws_thing.x .tags["a"]))"},
      {"aws_thing.x.*.arn[0]", "(rel (splat aws_thing.x .arn) [0])"},
      {"jsonencode({})", "(call jsonencode {})"},
      {"f(a, b...)", "(call f a b ...)"},
      {"f(\n  a,\n  b,\n)", "(call f a b)"},
      {"provider::aws::arn_parse(x)", "(call provider::aws::arn_parse x)"},
      {"tolist(x)[0]", "(rel (call tolist x) [0])"},
      {"1 + 2 * 3", "(+ 1 (* 2 3))"},
      {"(1 + 2) * 3", "(* (+ 1 2) 3)"},
      {"1 - 2 - 3", "(- (- 1 2) 3)"},
      {"a || b && !c", "(|| a (&& b (! c)))"},
      {"a == b != c", "(!= (== a b) c)"},
      {"x < 1 || x >= 2", "(|| (< x 1) (>= x 2))"},
      {"-x % 2", "(% (- x) 2)"},
      {"c ? 1 : d ? 2 : 3", "(? c 1 (? d 2 3))"},
      {"[for s in var.l : upper(s)]", "[for s in var.l : (call upper s)]"},
      {"[for i, s in var.l : s if i > 0]", "[for i, s in var.l : s if (> i 0)]"},
      {"{for k, v in var.m : v => k...}", "{for k, v in var.m : v => k...}"},
      {"{\n  for k, v in var.m :\n  k => v\n}", "{for k, v in var.m : k => v}"},
      {R"("%{ if x }yes%{ else }no%{ endif }")", R"((template (if x ("yes") ("no"))))"},
      {R"("%{ for r in var.repos }repo:${r};%{ endfor }")",
       R"((template (for r in var.repos ("repo:" ${r} ";"))))"},
      {R"("a  ${~ x ~}  b")", R"((template "a" ${x} "b"))"},
      {R"("  %{~ if c ~}  x  %{~ endif ~}  ")", R"((template (if c ("x"))))"},
      {"<<EOF\nline ${x}\nEOF", R"((heredoc "line " ${x} "\n"))"},
      {"\"${\"inner ${y}\"}\"", R"((template ${(template "inner " ${y})}))"},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseDump(c.input), c.expected) << c.input;
}

TEST(HclParse, BodyDumps) {
  const std::vector<Case> cases = {
      {"", ""},
      {"# only a comment\n// another\n/* and\n a block */\n", ""},
      {"a = 1\nb = \"x\" # trailing\n", "a = 1\nb = \"x\"\n"},
      {"resource \"aws_iam_role\" \"r\" {\n  name = \"x\"\n}\n",
       "resource \"aws_iam_role\" \"r\" {\n  name = \"x\"\n}\n"},
      {"variable \"v\" { default = \"d\" }\n", "variable \"v\" {\n  default = \"d\"\n}\n"},
      {"locals {}\n", "locals {}\n"},
      {"resource local_file counted {\n  x = 1\n}", "resource \"local_file\" \"counted\" {\n  x = 1\n}\n"},
      {"a {\n  b {\n    c = [1,\n      2]\n  }\n}\n", "a {\n  b {\n    c = [1, 2]\n  }\n}\n"},
      {"lifecycle {\n  ignore_changes = [project]\n}\r\n", "lifecycle {\n  ignore_changes = [project]\n}\n"},
      {"x = <<-EOT\n    a\n  EOT\ny = 2\n", "x = (heredoc \"a\\n\")\ny = 2\n"},
      {"\xEF\xBB\xBF" "a = 1", "a = 1\n"},
      {"a = /* inline */ 1\n", "a = 1\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(FileDump(c.input), c.expected) << c.input;
}

TEST(HclParse, ErrorsAreLocatedOneLiners) {
  const std::vector<Case> cases = {
      {"a = \"unterminated\n",
       "main.tf:1:5: error: quoted string is not closed on its line (use a heredoc for text spanning lines)"},
      {"a = <<EOF\nno end\n", "main.tf:1:5: error: heredoc `<<EOF` is not closed by a line `EOF`"},
      {"a = <<-EOT\n  x\n EOTX\n", "main.tf:1:5: error: heredoc `<<-EOT` is not closed by a line `EOT`"},
      {"a = <<EOF x\nEOF\n", "main.tf:1:5: error: the heredoc marker `<<EOF` must end its line"},
      {"a = << EOF\n", "main.tf:1:5: error: expected a heredoc marker such as `EOF` after `<<`"},
      {"a = 1\nb = 2\na = 3\n", "main.tf:3:1: error: attribute `a` is already defined at line 1"},
      {"resource \"x\" \"y\" {\n  a = 1\n", "main.tf:1:1: error: block `resource` is not closed by `}`"},
      {"a = [1, 2\n", "main.tf:1:5: error: `[` is not closed by `]`"},
      {"a = [1 2]\n", "main.tf:1:8: error: expected `,` or `]` after a tuple element, found `2`"},
      {"a = f(1\n", "main.tf:1:6: error: the call of `f` is not closed by `)`"},
      {"a = (1\n", "main.tf:1:5: error: `(` is not closed by `)`"},
      {"a = {\n  b = 1\n", "main.tf:1:5: error: `{` is not closed by `}`"},
      {"a = {b = 1 c = 2}\n", "main.tf:1:12: error: expected `,`, a newline or `}` after an object item, found `c`"},
      {"a = {b 1}\n", "main.tf:1:8: error: expected `=` or `:` after an object key, found `1`"},
      {"a = \"\\q\"\n", "main.tf:1:6: error: invalid escape sequence `\\q`"},
      {"a = \"\\u12\"\n", "main.tf:1:6: error: `\\u` needs 4 hex digits"},
      {"a = \"\\uD800\"\n", "main.tf:1:6: error: `\\uD800` is not a Unicode scalar value"},
      {"a = 1 +\n", "main.tf:1:8: error: expected an expression, found a newline"},
      {"a = 1 +", "main.tf:1:8: error: expected an expression, found the end of the file"},
      {"a = @\n", "main.tf:1:5: error: unexpected character `@`"},
      {"a = 1\x01\n", "main.tf:1:6: error: unexpected control character 0x01"},
      {"a = 1\n/* open\n", "main.tf:2:1: error: comment `/*` is not closed"},
      {"resource \"x\" \"${y}\" {}\n",
       "main.tf:1:15: error: the labels of block `resource` cannot contain interpolations or directives"},
      {"}\n", "main.tf:1:1: error: unexpected `}` outside any block"},
      {"a b = 1\n", "main.tf:1:5: error: expected `{` to open block `a`, found `=`"},
      {"a = 1 2\n", "main.tf:1:7: error: expected a newline after the value of `a`, found `2`"},
      {"a\n", "main.tf:1:2: error: expected `=` or a block after `a`, found a newline"},
      {"= 1\n", "main.tf:1:1: error: expected an attribute or block name, found `=`"},
      {"b { c = 1 } d = 2\n", "main.tf:1:13: error: expected a newline after the end of block `b`, found `d`"},
      {"a = \"${x\n", "main.tf:1:6: error: template interpolation is not closed by `}`"},
      {"a = \"${x y}\"\n", "main.tf:1:10: error: expected `}` to close the interpolation, found `y`"},
      {"a = \"%{ endif }\"\n", "main.tf:1:9: error: `%{ endif }` without a matching opening directive"},
      {"a = \"%{ if c }x\"\n", "main.tf:1:6: error: template directive is not closed by `%{ endif }`"},
      {"a = \"%{ for x in y }z\"\n", "main.tf:1:6: error: template directive is not closed by `%{ endfor }`"},
      {"a = \"%{ while x }\"\n", "main.tf:1:9: error: expected `if` or `for` after `%{`, found `while`"},
      {"a = [for x y]\n", "main.tf:1:12: error: expected `in` after the `for` variables, found `y`"},
      {"a = [for x in y]\n", "main.tf:1:16: error: expected `:` after the `for` collection, found `]`"},
      {"a = {for x in y : x}\n", "main.tf:1:20: error: expected `=>` after the key of a `for` object, found `}`"},
      {"a = x.\n", "main.tf:1:7: error: expected an attribute name after `.`, found a newline"},
      {"a = x[1\n", "main.tf:2:1: error: expected `]` to close the index, found the end of the file"},
      {"a = x[1 2]\n", "main.tf:1:9: error: expected `]` to close the index, found `2`"},
      {"a = 1e999\n", "main.tf:1:5: error: number `1e999` is out of range"},
      {"a = f(x..., y)\n", "main.tf:1:13: error: `...` may only follow the last argument of `f`"},
      {"a = p::(1)\n", "main.tf:1:8: error: expected a function name after `p::`"},
  };
  for (const Case& c : cases) EXPECT_EQ(FileError(c.input), c.expected) << c.input;
}

TEST(HclParse, NestingIsBounded) {
  // Hostile nesting fails cleanly instead of exhausting the stack.
  for (std::string open : {"[", "(", "{a=", "!", "-", "\"${"}) {
    std::string text = "a = ";
    for (int i = 0; i < 5000; ++i) text += open;
    std::string error = FileError(text);
    EXPECT_NE(error.find("error: nesting is deeper than the limit of 100 levels"), std::string::npos)
        << open << ": " << error;
  }
  std::string blocks;
  for (int i = 0; i < 500; ++i) blocks += "b {\n";
  EXPECT_NE(FileError(blocks).find("nesting is deeper than the limit of 100 levels"), std::string::npos);
  std::string templates = "a = ";
  for (int i = 0; i < 500; ++i) templates += "\"${";
  EXPECT_NE(FileError(templates).find("nest"), std::string::npos);
}

TEST(HclParse, ModerateNestingIsFine) {
  std::string text = "a = ";
  for (int i = 0; i < 40; ++i) text += "[";
  for (int i = 0; i < 40; ++i) text += "]";
  EXPECT_EQ(FileError(text), "parsed");
}

TEST(HclParse, RefusesOversizedFiles) {
  std::string big(kMaxFileBytes + 1, '#');
  EXPECT_EQ(FileError(big), "main.tf: error: file is larger than the 8 MiB limit");
}

TEST(HclParse, GarbageNeverCrashes) {
  // Every prefix of a realistic file either parses or fails with a located
  // error; none hangs or crashes.
  const std::string text =
      "resource \"aws_iam_role\" \"r\" {\n"
      "  name = \"role-${var.env}\"\n"
      "  assume_role_policy = jsonencode({\n"
      "    Statement = [for s in local.subs : { Condition = { StringLike = { \"a:sub\" = s } } }]\n"
      "  })\n"
      "  policy = <<-EOF\n    %{ if x ~} y %{ endif }\n  EOF\n"
      "}\n";
  for (size_t n = 0; n <= text.size(); ++n) {
    Result<File> f = ParseFile(text.substr(0, n), "p.tf");
    if (!f.ok()) {
      EXPECT_GT(f.status().loc().line, 0u) << n << ": " << f.status().ToString();
    }
  }
}

TEST(HclParse, LocationsOfNodes) {
  const std::string text =
      "# comment\n"
      "resource \"aws_iam_role\" \"ci\" {\n"
      "  name = \"x\"\n"
      "  policy = jsonencode({\n"
      "    Effect   = \"Allow\"\n"
      "    Resource = [local.a, var.b[0]]\n"
      "  })\n"
      "  statement {\n"
      "    effect = 1 + 2\n"
      "  }\n"
      "}\n";
  Result<File> f = ParseFile(text, "dir/main.tf");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const Block& role = f->body.blocks[0];
  EXPECT_EQ(role.loc.ToString(), "dir/main.tf:2:1");
  EXPECT_EQ(role.label_locs[0].ToString(), "dir/main.tf:2:10");
  EXPECT_EQ(role.label_locs[1].ToString(), "dir/main.tf:2:25");
  EXPECT_EQ(role.body.Find("name")->loc.ToString(), "dir/main.tf:3:3");
  EXPECT_EQ(role.body.Find("name")->expr->loc.ToString(), "dir/main.tf:3:10");
  const Expr& call = *role.body.Find("policy")->expr;
  EXPECT_EQ(call.loc.ToString(), "dir/main.tf:4:12");
  const Expr& object = *call.items[0];
  EXPECT_EQ(object.loc.ToString(), "dir/main.tf:4:23");
  EXPECT_EQ(object.fields[0].key->loc.ToString(), "dir/main.tf:5:5");
  EXPECT_EQ(object.fields[0].value->loc.ToString(), "dir/main.tf:5:16");
  const Expr& tuple = *object.fields[1].value;
  EXPECT_EQ(tuple.items[0]->loc.ToString(), "dir/main.tf:6:17");
  EXPECT_EQ(tuple.items[1]->loc.ToString(), "dir/main.tf:6:26");
  EXPECT_EQ(tuple.items[1]->steps[1].loc.ToString(), "dir/main.tf:6:31");
  const Block& statement = role.body.blocks[0];
  EXPECT_EQ(statement.loc.ToString(), "dir/main.tf:8:3");
  const Expr& sum = *statement.body.Find("effect")->expr;
  EXPECT_EQ(sum.loc.ToString(), "dir/main.tf:9:14");
  EXPECT_EQ(sum.other->loc.ToString(), "dir/main.tf:9:18");
  EXPECT_EQ(f->body.BlocksOfType("resource").size(), 1u);
  EXPECT_TRUE(f->body.BlocksOfType("data").empty());
}

TEST(HclParse, TraversalText) {
  const std::vector<Case> cases = {
      {"var.x", "var.x"},
      {"data.a.b.json", "data.a.b.json"},
      {"local.m[\"k\"][0]", "local.m[\"k\"][0]"},
      {"local.m[var.i]", "local.m[...]"},
      {"x[*].arn", "x[*].arn"},
      {"f(1).y", "(...).y"},
  };
  for (const Case& c : cases) {
    Result<ExprPtr> e = ParseExpression(c.input, "t");
    ASSERT_TRUE(e.ok()) << c.input;
    EXPECT_EQ(TraversalText(**e), c.expected) << c.input;
  }
}

// ---------------------------------------------------------------------------
// Heredocs and templates
// ---------------------------------------------------------------------------

TEST(HclHeredoc, Variants) {
  Module empty;
  const std::vector<Case> cases = {
      {"<<EOF\nFoo\nBar\nEOF", R"("Foo\nBar\n")"},
      {"<<EOF\n    Foo\n    Bar\n  EOF", R"("    Foo\n    Bar\n")"},
      {"<<EOF\nFoo\n\nBar\nEOF", R"("Foo\n\nBar\n")"},
      {"<<EOT\n    NOT EOT\n  EOT", R"("    NOT EOT\n")"},
      {"<<EOF\nEOF", R"("")"},
      {"<<-EOF\nFoo\nBar\nEOF", R"("Foo\nBar\n")"},
      {"<<-EOF\n    Foo\n    Bar\n  EOF", R"("Foo\nBar\n")"},
      {"<<-EOF\n    Foo\n      Bar\n    Baz\n  EOF", R"("Foo\n  Bar\nBaz\n")"},
      {"<<-EOF\n    Foo\n  Bar\n    Baz\n  EOF", R"("  Foo\nBar\n  Baz\n")"},
      {"<<-EOF\n    Foo\n\n    Bar\n  EOF", R"("Foo\n\nBar\n")"},
      {"<<-EOF\n\tFoo\n  Bar\n  EOF", R"("Foo\n Bar\n")"},
      {"<<-EOT\n    Foo\n    ${\"x\"}\n    Baz\n  EOT", R"("Foo\nx\nBaz\n")"},
      {"<<-EOT\n    Foo\n      ${\"x\"}\n    Baz\n  EOT", R"("Foo\n  x\nBaz\n")"},
      {"<<-EOT\n    Foo\n  ${\"x\"}\n    Baz\n  EOT", R"("  Foo\nx\n  Baz\n")"},
      {"<<EOF\r\nFoo\r\nEOF", R"("Foo\n")"},
      {"<<EOF\n$${not} %%{this} \\n\nEOF", R"("${not} %{this} \\n\n")"},
      {"<<EOF\n%{ for x in [1, 2] ~}\n${x}\n%{ endfor ~}\nEOF", R"("1\n2\n")"},
  };
  for (const Case& c : cases) EXPECT_EQ(EvalIn(empty, c.input), c.expected) << c.input;
}

TEST(HclHeredoc, FollowedByMoreAttributes) {
  EXPECT_EQ(FileDump("a = <<EOF\n  x\n  EOF\nb = 2\n"), "a = (heredoc \"  x\\n\")\nb = 2\n");
  EXPECT_EQ(FileDump("r {\n  p = <<-EOF\n    {}\n  EOF\n}\n"), "r {\n  p = (heredoc \"{}\\n\")\n}\n");
}

TEST(HclTemplate, Evaluation) {
  Module m = ModuleOf({{"v.tf", "variable \"name\" { default = \"app\" }\nvariable \"unset\" {}\n"}});
  const std::vector<Case> cases = {
      {R"("repo:${var.name}:*")", R"("repo:app:*")"},
      {R"("${1 + 1} ${true} ${2.5}")", R"("2 true 2.5")"},
      {R"("${var.name}")", R"("app")"},
      {R"("${[1, 2]}")", "[1, 2]"},  // a lone interpolation yields the value itself
      {R"("%{ if var.name == "app" }yes%{ else }no%{ endif }")", R"("yes")"},
      {R"("%{ if false }yes%{ endif }")", R"("")"},
      {R"("%{ for i, s in ["a", "b"] }${i}=${s},%{ endfor }")", R"("0=a,1=b,")"},
      {R"("%{ for k, v in {y = 2, x = 1} }${k}${v}%{ endfor }")", R"("x1y2")"},
      {R"("a %{~ if true ~} b %{~ endif ~} c")", R"("abc")"},
      {R"("x-${var.unset}-y")", "(unknown: `var.unset` has no default)"},
      {R"("%{ if var.unset == "a" }a%{ endif }")", "(unknown: `var.unset` has no default)"},
      {R"("%{ for s in var.unset }${s}%{ endfor }")", "(unknown: `var.unset` has no default)"},
      {R"("x${null}")", "expr.hcl:1:5: error: a null value cannot be used in a string template"},
      {R"("x${[1]}")", "expr.hcl:1:5: error: a tuple cannot be used in a string template"},
      {R"("x${ {a = 1} }")", "expr.hcl:1:6: error: an object cannot be used in a string template"},
      {R"("%{ if "maybe" }x%{ endif }")", "expr.hcl:1:8: error: an `if` directive needs a bool, not a string"},
      {R"("%{ for s in "abc" }x%{ endfor }")",
       "expr.hcl:1:14: error: `for` needs a tuple or an object to iterate over, not a string"},
  };
  for (const Case& c : cases) EXPECT_EQ(EvalIn(m, c.input), c.expected) << c.input;
}

TEST(HclTemplate, UnknownPartsKeepKnownPieces) {
  Module m = ModuleOf({{"v.tf",
                        "variable \"account\" {}\n"
                        "locals { host = \"token.actions.githubusercontent.com\" }\n"}});
  Result<ExprPtr> e =
      ParseExpression(R"("arn:aws:iam::${var.account}:oidc-provider/${local.host}")", "expr.hcl");
  ASSERT_TRUE(e.ok());
  Evaluator ev(m);
  Result<Value> v = ev.Eval(**e);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->is_unknown());
  EXPECT_EQ(v->unknown_reason(), "`var.account` has no default");
  ASSERT_EQ(v->pieces().size(), 4u);
  EXPECT_TRUE(v->pieces()[0].known);
  EXPECT_EQ(v->pieces()[0].text, "arn:aws:iam::");
  EXPECT_FALSE(v->pieces()[1].known);
  EXPECT_EQ(v->pieces()[1].text, "`var.account` has no default");
  EXPECT_EQ(v->pieces()[1].loc.ToString(), "expr.hcl:1:17");
  EXPECT_EQ(v->pieces()[2].text, ":oidc-provider/");
  EXPECT_EQ(v->pieces()[3].text, "token.actions.githubusercontent.com");
  EXPECT_TRUE(v->pieces()[3].known);
  EXPECT_EQ(v->pieces()[1].written, "${var.account}");
}

TEST(HclTemplate, InterpolatedUnknownsKeepTheirPiecesAndTags) {
  Module m;
  EvalOptions options;
  options.resolve_resource = [](const ResourceRef& ref) -> std::optional<Value> {
    if (ref.type != "aws_caller_identity") return std::nullopt;
    Value::Piece hole{false, "the account is known only at apply", ref.loc, "${account}", 7};
    return Value::Unknown(hole.text, ref.loc).WithPieces({hole});
  };
  Result<ExprPtr> e = ParseExpression(
      R"("arn:aws:iam::${data.aws_caller_identity.me.account_id}:role/${"r"}")", "t.tf");
  ASSERT_TRUE(e.ok());
  Evaluator ev(m, options);
  Result<Value> v = ev.Eval(**e);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->is_unknown());
  ASSERT_EQ(v->pieces().size(), 4u);
  EXPECT_EQ(v->pieces()[0].text, "arn:aws:iam::");
  EXPECT_FALSE(v->pieces()[1].known);
  EXPECT_EQ(v->pieces()[1].tag, 7);
  EXPECT_EQ(v->pieces()[1].written, "${account}");
  EXPECT_EQ(v->pieces()[2].text, ":role/");
  EXPECT_EQ(v->pieces()[3].text, "r");
  // Wrapped once more, the pieces survive.
  Result<ExprPtr> outer = ParseExpression(R"("x${"y${data.aws_caller_identity.me.account_id}"}")", "t.tf");
  ASSERT_TRUE(outer.ok());
  Result<Value> w = ev.Eval(**outer);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->pieces().size(), 3u);
  EXPECT_EQ(w->pieces()[2].tag, 7);
}

TEST(HclTemplate, HeredocPiecesPointIntoTheFile) {
  const std::string text =
      "resource \"aws_iam_role\" \"r\" {\n"
      "  assume_role_policy = <<EOF\n"
      "{\n"
      "  \"aud\": \"${var.app}\"\n"
      "}\n"
      "EOF\n"
      "}\n";
  Module m = ModuleOf({{"iam.tf", text}});
  const Attribute* policy = m.files()[0].body.blocks[0].body.Find("assume_role_policy");
  Evaluator ev(m);
  Result<Value> v = ev.Eval(*policy->expr);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->is_unknown());
  EXPECT_EQ(v->loc().ToString(), "iam.tf:2:24");
  ASSERT_EQ(v->pieces().size(), 3u);
  EXPECT_EQ(v->pieces()[0].text, "{\n  \"aud\": \"");
  EXPECT_EQ(v->pieces()[0].loc.ToString(), "iam.tf:3:1");
  EXPECT_EQ(v->pieces()[1].loc.ToString(), "iam.tf:4:13");
  EXPECT_EQ(v->pieces()[2].text, "\"\n}\n");
  EXPECT_EQ(v->pieces()[2].loc.ToString(), "iam.tf:4:21");
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

const char* const kVariables =
    "variable \"region\" {\n"
    "  type    = string\n"
    "  default = \"eu-west-1\"\n"
    "}\n"
    "variable \"repo\" {\n"
    "  type = string\n"
    "}\n"
    "variable \"repos\" { default = [\"acme/app\", \"acme/web\"] }\n"
    "variable \"nothing\" { default = null }\n";

const char* const kLocals =
    "locals {\n"
    "  account      = \"123456789012\"\n"
    "  provider_arn = \"arn:aws:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com\"\n"
    "  subs         = [for r in var.repos : \"repo:${r}:ref:refs/heads/main\"]\n"
    "  cfg          = { x = 1, list = [\"a\", \"b\"] }\n"
    "  loop_a       = local.loop_b\n"
    "  loop_b       = \"${local.loop_a}-b\"\n"
    "  self_loop    = [local.self_loop]\n"
    "  broken       = 1 + \"one\"\n"
    "}\n";

TEST(HclEval, Table) {
  Module m = ModuleOf({{"variables.tf", kVariables}, {"locals.tf", kLocals}});
  const std::vector<Case> cases = {
      // Literals and operators.
      {"1 + 2 * 3", "7"},
      {"7 / 2", "3.5"},
      {"10 % 3", "1"},
      {"-(3)", "-3"},
      {"\"5\" + 1", "6"},
      {"1 == 1.0", "true"},
      {"\"1\" == 1", "false"},
      {"[1, \"a\"] == [1, \"a\"]", "true"},
      {"{a = 1} != {a = 2}", "true"},
      {"2 >= 2 && 1 < 2", "true"},
      {"!true || false", "false"},
      {"true ? \"y\" : \"n\"", "\"y\""},
      {"1 > 2 ? \"y\" : \"n\"", "\"n\""},
      // Variables and locals.
      {"var.region", "\"eu-west-1\""},
      {"var.repos[1]", "\"acme/web\""},
      {"var.nothing", "null"},
      {"var.repo", "(unknown: `var.repo` has no default)"},
      {"var.undeclared", "(unknown: `var.undeclared` is not declared)"},
      {"local.provider_arn", "\"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\""},
      {"local.subs", "[\"repo:acme/app:ref:refs/heads/main\", \"repo:acme/web:ref:refs/heads/main\"]"},
      {"local.cfg.list[0]", "\"a\""},
      {"local.cfg[\"x\"]", "1"},
      {"local.undefined", "(unknown: `local.undefined` is not defined)"},
      {"local.loop_a", "(unknown: `local.loop_a` depends on itself (local.loop_a -> local.loop_b -> local.loop_a))"},
      {"local.self_loop", "[(unknown: `local.self_loop` depends on itself (local.self_loop -> local.self_loop))]"},
      {"local.broken", "locals.tf:9:22: error: `+` needs a number, not the string `one`"},
      // Unknowns propagate.
      {"upper(var.repo)", "(unknown: `var.repo` has no default)"},
      {"\"${var.repo}\"", "(unknown: `var.repo` has no default)"},
      {"var.repo == \"x\" ? 1 : 2", "(unknown: `var.repo` has no default)"},
      {"var.repo == \"x\"", "(unknown: `var.repo` has no default)"},
      {"false && var.repo == \"x\"", "false"},
      {"var.repo == \"x\" || true", "true"},
      {"var.repo == \"x\" && true", "(unknown: `var.repo` has no default)"},
      {"[var.repo, 1]", "[(unknown: `var.repo` has no default), 1]"},
      {"{ (var.repo) = 1 }", "(unknown: `var.repo` has no default)"},
      {"var.repo.x[0]", "(unknown: `var.repo` has no default)"},
      {"local.cfg[var.repo]", "(unknown: `var.repo` has no default)"},
      {"[for r in var.repo : r]", "(unknown: `var.repo` has no default)"},
      {"[for r in var.repos : r if r == var.repo]", "(unknown: `var.repo` has no default)"},
      {"-var.repo", "(unknown: `var.repo` has no default)"},
      {"var.repo + 1", "(unknown: `var.repo` has no default)"},
      // Other scopes.
      {"path.module", "\".\""},
      {"count.index", "(unknown: `count.index` depends on the resource instance)"},
      {"each.value.name", "(unknown: `each.value` depends on the resource instance)"},
      {"self.arn", "(unknown: `self.arn` is computed at apply time)"},
      {"terraform.workspace", "(unknown: `terraform.workspace` is chosen when Terraform runs)"},
      {"module.oidc.arn", "(unknown: `module.oidc.arn` is an output of another module)"},
      {"data.aws_caller_identity.current.account_id",
       "(unknown: `data.aws_caller_identity.current.account_id` is computed at apply time)"},
      {"aws_iam_openid_connect_provider.github.arn",
       "(unknown: `aws_iam_openid_connect_provider.github.arn` is computed at apply time)"},
      {"aws_thing.x[0].id", "(unknown: `aws_thing.x.id` is computed at apply time)"},
      // For expressions and splats.
      {"[for k, v in {a = 1, b = 2} : \"${k}=${v}\" if v > 1]", "[\"b=2\"]"},
      {"[for i, s in [\"x\", \"y\"] : i]", "[0, 1]"},
      {"{for s in [\"a\", \"b\"] : s => upper(s)}", "{\"a\" = \"A\", \"b\" = \"B\"}"},
      {"{for s in [\"a\", \"b\", \"a\"] : s => s...}", "{\"a\" = [\"a\", \"a\"], \"b\" = [\"b\"]}"},
      {"[{n = 1}, {n = 2}][*].n", "[1, 2]"},
      {"{n = 1}[*].n", "[1]"},
      {"null[*]", "[]"},
      {"[{n = [1]}, {n = [2]}].*.n[0]", "[1]"},
      {"var.repos[*]", "[\"acme/app\", \"acme/web\"]"},
      // Functions.
      {"jsonencode({b = 1, a = [true, null, \"<&>\"]})", R"("{\"a\":[true,null,\"\\u003c\\u0026\\u003e\"],\"b\":1}")"},
      {"jsonencode(local.cfg)", R"("{\"list\":[\"a\",\"b\"],\"x\":1}")"},
      {"jsonencode({a = var.repo})", "(unknown: `var.repo` has no default)"},
      {"jsondecode(\"{\\\"a\\\": [1, true]}\")", "{\"a\" = [1, true]}"},
      {"format(\"%s-%d-%q-%t-%.2f-%%\", \"a\", 3, \"q\", true, 1.5)", R"("a-3-\"q\"-true-1.50-%")"},
      {"format(\"%5s\", \"a\")", "(unknown: `format` verb `%5s` is not evaluated)"},
      {"join(\",\", [\"a\", \"b\"], [\"c\"])", "\"a,b,c\""},
      {"join(\",\", [\"a\", var.repo])", "(unknown: `var.repo` has no default)"},
      {"concat([1], [], [2, 3])", "[1, 2, 3]"},
      {"lower(\"AbC\")", "\"abc\""},
      {"upper(\"AbC\")", "\"ABC\""},
      {"replace(\"a-b-c\", \"-\", \"_\")", "\"a_b_c\""},
      {"formatlist(\"repo:%s/%s:*\", \"acme\", [\"app\", \"api\"])", R"(["repo:acme/app:*", "repo:acme/api:*"])"},
      {"formatlist(\"%s:%s\", [\"a\", \"b\"], [\"1\", \"2\"])", R"(["a:1", "b:2"])"},
      {"regexall(\"[a-z]+\", \"ab 12 cd\")", R"(["ab", "cd"])"},
      {"regexall(\"^repo:([^/]+)/(.*)$\", \"repo:acme/app\")", R"([["acme", "app"]])"},
      {"regex(\"^repo:(?P<org>[^/]+)/\", \"repo:acme/app\")", R"({"org" = "acme"})"},
      {"length(regexall(\"x\", \"abc\"))", "0"},
      {"replace(\"repo:acme/app\", \"/^repo:([^/]+)/.*$/\", \"org=$1\")", "\"org=acme\""},
      {"replace(\"abc\", \"/(b)/\", \"[$${1}]\")", "\"a[b]c\""},
      {"tolist([\"b\", \"a\"])", "[\"b\", \"a\"]"},
      {"toset([\"b\", \"a\", \"b\"])", "[\"a\", \"b\"]"},
      {"distinct([1, 2, 1])", "[1, 2]"},
      {"tomap({a = 1})", "{\"a\" = 1}"},
      {"tostring(12)", "\"12\""},
      {"tonumber(\"12\")", "12"},
      {"tobool(\"true\")", "true"},
      {"try({a = 1}.b, \"fallback\")", "\"fallback\""},
      {"try(local.cfg.x, 0)", "1"},
      {"try(var.repo, \"x\")", "(unknown: `var.repo` has no default)"},
      {"can({a = 1}.b)", "false"},
      {"can(local.cfg.x)", "true"},
      {"merge({a = 1, b = 1}, null, {b = 2})", "{\"a\" = 1, \"b\" = 2}"},
      {"lookup({a = 1}, \"b\", 0)", "0"},
      {"lookup({a = 1}, \"a\")", "1"},
      {"length(\"h\xC3\xA9llo\")", "5"},
      {"length([1, 2])", "2"},
      {"element([\"a\", \"b\"], 3)", "\"b\""},
      {"keys({b = 1, a = 2})", "[\"a\", \"b\"]"},
      {"values({b = 1, a = 2})", "[2, 1]"},
      {"contains([\"a\", \"b\"], \"b\")", "true"},
      {"contains([\"a\", var.repo], \"b\")", "(unknown: `var.repo` has no default)"},
      {"contains([\"b\", var.repo], \"b\")", "true"},
      {"flatten([[1, [2]], 3])", "[1, 2, 3]"},
      {"compact([\"a\", \"\", null])", "[\"a\"]"},
      {"coalesce(\"\", null, \"x\")", "\"x\""},
      {"coalescelist([], [1])", "[1]"},
      {"split(\",\", \"a,b\")", "[\"a\", \"b\"]"},
      {"trimspace(\"  a \\n\")", "\"a\""},
      {"trimprefix(\"https://x\", \"https://\")", "\"x\""},
      {"trimsuffix(\"x/\", \"/\")", "\"x\""},
      {"trim(\"--x--\", \"-\")", "\"x\""},
      {"chomp(\"x\\n\")", "\"x\""},
      {"startswith(\"repo:a\", \"repo:\")", "true"},
      {"endswith(\"a.json\", \".tf\")", "false"},
      {"strcontains(\"abc\", \"b\")", "true"},
      {"substr(\"h\xC3\xA9llo\", 1, 3)", "\"\xC3\xA9ll\""},
      {"substr(\"hello\", -3, -1)", "\"llo\""},
      {"abs(-2)", "2"},
      {"ceil(1.2)", "2"},
      {"floor(1.8)", "1"},
      {"max(1, 5, 3)", "5"},
      {"min(4, 2)", "2"},
      {"sum([1, 2])", "3"},
      {"range(3)", "[0, 1, 2]"},
      {"range(1, 6, 2)", "[1, 3, 5]"},
      {"one([\"x\"])", "\"x\""},
      {"one([])", "null"},
      {"alltrue([true, true])", "true"},
      {"anytrue([false, var.repo == \"a\", true])", "true"},
      {"sort([\"b\", \"a\"])", "[\"a\", \"b\"]"},
      {"reverse([1, 2])", "[2, 1]"},
      {"zipmap([\"a\", \"b\"], [1, 2])", "{\"a\" = 1, \"b\" = 2}"},
      {"concat([var.repos, [\"x\"]]...)", "[\"acme/app\", \"acme/web\", \"x\"]"},
      {"file(\"policy.json\")", "(unknown: `file(\"policy.json\")` is not read here)"},
      {"templatefile(\"t.tpl\", {})", "(unknown: `templatefile(\"t.tpl\")` is not read here)"},
      {"provider::aws::arn_parse(\"x\")", "(unknown: provider function `provider::aws::arn_parse` is not evaluated)"},
  };
  for (const Case& c : cases) EXPECT_EQ(EvalIn(m, c.input), c.expected) << c.input;
}

TEST(HclEval, Errors) {
  Module m = ModuleOf({{"locals.tf", kLocals}});
  const std::vector<Case> cases = {
      {"1 + \"a\"", "expr.hcl:1:5: error: `+` needs a number, not the string `a`"},
      {"1 + true", "expr.hcl:1:5: error: `+` needs a number, not a bool"},
      {"!1", "expr.hcl:1:2: error: `!` needs a bool, not a number"},
      {"1 / 0", "expr.hcl:1:5: error: division by zero"},
      {"1e308 * 10", "expr.hcl:1:1: error: the result of `*` is out of range"},
      {"\"yes\" ? 1 : 2", "expr.hcl:1:1: error: the condition of `? :` needs a bool, not a string"},
      {"[1, 2][5]", "expr.hcl:1:7: error: index 5 is out of range for `(...)`, which has 2 elements"},
      {"[1, 2][0.5]", "expr.hcl:1:7: error: `(...)` is a tuple and needs a whole number index, not 0.5"},
      {"local.cfg.missing", "expr.hcl:1:10: error: `local.cfg` has no attribute `missing`"},
      {"local.cfg.list.name", "expr.hcl:1:15: error: `local.cfg.list` is a tuple, so it has no attribute `name`"},
      {"local.cfg[\"nope\"]", "expr.hcl:1:10: error: `local.cfg` has no element `nope`"},
      {"local.account[0]", "expr.hcl:1:14: error: `local.account` is a string and cannot be indexed"},
      {"{a = 1, a = 2}", "expr.hcl:1:9: error: key `a` is already defined in this object"},
      {"{for s in [\"a\", \"a\"] : s => 1}",
       "expr.hcl:1:24: error: key `a` occurs twice in a `for` object (add `...` after the value to group values by key)"},
      {"[for s in 3 : s]", "expr.hcl:1:11: error: `for` needs a tuple or an object to iterate over, not a number"},
      {"join(\",\")", "expr.hcl:1:1: error: `join` takes at least 2 arguments, not 1"},
      {"upper(\"a\", \"b\")", "expr.hcl:1:1: error: `upper` takes 1 argument, not 2"},
      {"lookup({}, \"k\")", "expr.hcl:1:12: error: `lookup` found no key `k` and has no default"},
      {"concat(1)", "expr.hcl:1:8: error: argument 1 of `concat` must be a list, not a number"},
      {"replace(\"a\", \"/(/\", \"\")", "expr.hcl:1:14: error: `/(/` is not a valid regular expression"},
      {"jsondecode(\"{\")", "expr.hcl:1:12: error: the argument of `jsondecode` is not valid JSON (* Line 1, Column 2)"},
      {"range(2000)", "expr.hcl:1:7: error: `range` would produce more than 1024 numbers"},
      {"try({}.a, {}.b)", "expr.hcl:1:1: error: no argument of `try` could be evaluated; the last failed with: `(...)` "
                          "has no attribute `b`"},
      {"format(\"%s\")", "expr.hcl:1:8: error: `format` has no argument left for `%s`"},
      {"format(\"x\", 1)", "expr.hcl:1:13: error: `format` has more arguments than its verbs use"},
      {"var", "expr.hcl:1:1: error: `var` must be followed by a name, as in `var.name`"},
      {"path.nowhere", "expr.hcl:1:1: error: `path.nowhere` is not a path Terraform knows (`path.module`, "
                       "`path.root`, `path.cwd`)"},
      {"string", "expr.hcl:1:1: error: `string` is not a reference Terraform knows; references look like "
                 "`var.name`, `local.name` or `TYPE.NAME.attribute`"},
      {"data.x", "expr.hcl:1:1: error: `data.x` must be followed by a data source name, as in `data.x.name`"},
      {"concat(1...)", "expr.hcl:1:8: error: `...` needs a tuple to expand, not a number"},
  };
  for (const Case& c : cases) EXPECT_EQ(EvalIn(m, c.input), c.expected) << c.input;
}

TEST(HclEval, TfvarsOverrideDefaults) {
  Module m = ModuleOf({{"variables.tf", kVariables}});
  EvalOptions options;
  options.variables["repo"] = Value::String("acme/app");
  options.variables["region"] = Value::String("us-east-1");
  EXPECT_EQ(EvalIn(m, "\"${var.repo}@${var.region}\"", options), "\"acme/app@us-east-1\"");
}

TEST(HclEval, BindingsShadowModuleNames) {
  Module m = ModuleOf({{"variables.tf", kVariables}});
  Bindings each;
  Value::Fields fields;
  fields["key"] = Value::String("prod");
  fields["value"] = Value::String("acme/prod");
  each.Set("each", Value::Object(std::move(fields)));
  EXPECT_EQ(EvalIn(m, "\"${each.key}:${each.value}\"", {}, &each), "\"prod:acme/prod\"");
  Bindings inner(&each);
  inner.Set("statement", Value::String("s"));
  EXPECT_EQ(EvalIn(m, "[statement, each.key]", {}, &inner), "[\"s\", \"prod\"]");
  EXPECT_EQ(EvalIn(m, "[for each in [1] : each]", {}, &each), "[1]");
}

TEST(HclEval, ResourceResolver) {
  Module m;
  std::vector<std::string> asked;
  EvalOptions options;
  options.resolve_resource = [&asked](const ResourceRef& ref) -> std::optional<Value> {
    asked.push_back(ref.ToString() + "@" + ref.loc.ToString());
    if (ref.type == "aws_iam_openid_connect_provider" && ref.attribute == "arn") {
      return Value::String("arn:aws:iam::123456789012:oidc-provider/" + ref.name);
    }
    if (ref.data && ref.type == "aws_iam_policy_document" && ref.attribute.empty()) {
      Value::Fields doc;
      doc["json"] = Value::String("{}");
      return Value::Object(std::move(doc));
    }
    return std::nullopt;
  };
  EXPECT_EQ(EvalIn(m, "aws_iam_openid_connect_provider.github.arn", options),
            "\"arn:aws:iam::123456789012:oidc-provider/github\"");
  EXPECT_EQ(EvalIn(m, "aws_iam_openid_connect_provider.github[0].arn", options),
            "\"arn:aws:iam::123456789012:oidc-provider/github\"");
  EXPECT_EQ(EvalIn(m, "data.aws_iam_policy_document.trust", options), "{\"json\" = \"{}\"}");
  EXPECT_EQ(EvalIn(m, "data.aws_iam_policy_document.trust.json", options),
            "(unknown: `data.aws_iam_policy_document.trust.json` is computed at apply time)");
  EXPECT_EQ(EvalIn(m, "aws_iam_role.r.name", options), "(unknown: `aws_iam_role.r.name` is computed at apply time)");
  EXPECT_EQ(EvalIn(m, "aws_iam_openid_connect_provider.github.arn.x", options),
            "expr.hcl:1:43: error: `aws_iam_openid_connect_provider.github.arn` is a string, so it has no attribute `x`");
  const std::vector<std::string> expected = {
      "aws_iam_openid_connect_provider.github.arn@expr.hcl:1:1",
      "aws_iam_openid_connect_provider.github.arn@expr.hcl:1:1",
      "data.aws_iam_policy_document.trust@expr.hcl:1:1",
      "data.aws_iam_policy_document.trust.json@expr.hcl:1:1",
      "aws_iam_role.r.name@expr.hcl:1:1",
      "aws_iam_openid_connect_provider.github.arn@expr.hcl:1:1",
  };
  EXPECT_EQ(asked, expected);
}

TEST(HclEval, JsonencodeKeepsTheStructuredValue) {
  const std::string text =
      "variable \"repo\" {}\n"
      "resource \"aws_iam_role\" \"ci\" {\n"
      "  assume_role_policy = jsonencode({\n"
      "    Version = \"2012-10-17\"\n"
      "    Statement = [{\n"
      "      Effect    = \"Allow\"\n"
      "      Condition = { StringLike = { \"token.actions.githubusercontent.com:sub\" = \"repo:${var.repo}:*\" } }\n"
      "    }]\n"
      "  })\n"
      "  known = jsonencode({ Version = \"2012-10-17\" })\n"
      "}\n";
  Module m = ModuleOf({{"main.tf", text}});
  const Body& role = m.files()[0].body.blocks[1].body;
  Evaluator ev(m);

  Result<Value> policy = ev.Eval(*role.Find("assume_role_policy")->expr);
  ASSERT_TRUE(policy.ok());
  ASSERT_TRUE(policy->is_unknown());
  EXPECT_EQ(policy->unknown_reason(), "`var.repo` has no default");
  ASSERT_NE(policy->encoded_from(), nullptr);
  const Value& doc = *policy->encoded_from();
  EXPECT_EQ(doc.loc().ToString(), "main.tf:3:35");
  EXPECT_EQ(doc.Find("Version")->as_string(), "2012-10-17");
  EXPECT_EQ(doc.Find("Version")->loc().ToString(), "main.tf:4:15");
  const Value& statement = doc.Find("Statement")->items()[0];
  EXPECT_EQ(statement.Find("Effect")->loc().ToString(), "main.tf:6:19");
  const Value& sub = *statement.Find("Condition")->Find("StringLike")->Find("token.actions.githubusercontent.com:sub");
  EXPECT_TRUE(sub.is_unknown());
  EXPECT_EQ(sub.loc().ToString(), "main.tf:7:80");
  EXPECT_EQ(sub.pieces()[0].text, "repo:");

  Result<Value> known = ev.Eval(*role.Find("known")->expr);
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(DebugString(*known), R"("{\"Version\":\"2012-10-17\"}")");
  ASSERT_NE(known->encoded_from(), nullptr);
  EXPECT_EQ(known->encoded_from()->Find("Version")->loc().ToString(), "main.tf:10:34");
}

TEST(HclEval, ValueLocations) {
  Module m = ModuleOf({{"variables.tf", kVariables}, {"locals.tf", kLocals}});
  Evaluator ev(m);
  auto loc_of = [&](std::string_view text) {
    Result<ExprPtr> e = ParseExpression(text, "use.tf");
    EXPECT_TRUE(e.ok());
    Result<Value> v = ev.Eval(**e);
    EXPECT_TRUE(v.ok());
    return v.ok() ? v->loc().ToString() : v.status().ToString();
  };
  EXPECT_EQ(loc_of("var.region"), "variables.tf:3:13");   // where the default is written
  EXPECT_EQ(loc_of("var.repo"), "use.tf:1:1");            // unknown: where it is used
  EXPECT_EQ(loc_of("local.account"), "locals.tf:2:18");
  EXPECT_EQ(loc_of("local.cfg.list[1]"), "locals.tf:5:40");
  EXPECT_EQ(loc_of("1 + 1"), "use.tf:1:1");
}

TEST(HclModule, LocalsAcrossFilesAndDuplicates) {
  Module m = ModuleOf({{"a.tf", "locals { a = local.b }\n"}, {"b.tf", "locals { b = \"from b\" }\n"}});
  EXPECT_EQ(EvalIn(m, "local.a"), "\"from b\"");
  EXPECT_NE(m.FindLocal("b"), nullptr);
  EXPECT_EQ(m.FindVariable("b"), nullptr);

  Module dup = ModuleOf({{"a.tf", "variable \"x\" {}\nlocals { y = 1 }\n"}});
  Result<File> again = ParseFile("variable \"x\" {}\n", "b.tf");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(dup.Add(std::move(*again)).ToString(), "b.tf:1:1: error: variable `x` is already declared at a.tf:1:1");
  Result<File> local = ParseFile("locals {\n  y = 2\n}\n", "c.tf");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(dup.Add(std::move(*local)).ToString(), "c.tf:2:3: error: local `y` is already defined at a.tf:2:10");
  EXPECT_EQ(dup.files().size(), 1u);  // a failed Add leaves the module unchanged
  Result<File> twice = ParseFile("locals {\n  z = 1\n}\nlocals {\n  z = 2\n}\n", "d.tf");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(dup.Add(std::move(*twice)).ToString(), "d.tf:5:3: error: local `z` is already defined at d.tf:2:3");
}

TEST(HclEval, LocalsAreEvaluatedOnce) {
  // Each local doubles the one before; caching keeps this linear.
  std::string text = "locals {\n  l0 = [1]\n";
  for (int i = 1; i <= 30; ++i) text += fmt::format("  l{} = concat(local.l{}, local.l{})\n", i, i - 1, i - 1);
  text += "}\n";
  Module m = ModuleOf({{"l.tf", text}});
  EXPECT_EQ(EvalIn(m, "length(local.l10)"), "1024");
  // 2^30 elements is beyond the value budget: unknown, quickly.
  EXPECT_EQ(EvalIn(m, "length(local.l30)"), "(unknown: value is larger than the evaluation limit)");
}

TEST(HclEval, HostileInputsStayBounded) {
  // Exponential strings.
  std::string text = "locals {\n  s0 = \"xxxxxxxx\"\n";
  for (int i = 1; i <= 40; ++i) text += fmt::format("  s{} = \"${{local.s{}}}${{local.s{}}}\"\n", i, i - 1, i - 1);
  text += "}\n";
  Module strings = ModuleOf({{"s.tf", text}});
  EXPECT_EQ(EvalIn(strings, "local.s40"), "(unknown: value is larger than the evaluation limit)");

  // Nested loops run out of steps instead of running for hours.
  Module empty;
  EvalOptions small;
  small.step_budget = 100'000;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(EvalIn(empty, "[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]", small),
            "(unknown: evaluation stopped at its step limit)");
  EXPECT_EQ(EvalIn(empty, "\"%{ for a in range(1000) }%{ for b in range(1000) }x%{ endfor }%{ endfor }\"", small),
            "(unknown: evaluation stopped at its step limit)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  // Long chains of locals stop at the evaluation depth.
  std::string chain = "locals {\n  c0 = 1\n";
  for (int i = 1; i <= 400; ++i) chain += fmt::format("  c{} = local.c{}\n", i, i - 1);
  chain += "}\n";
  Module chained = ModuleOf({{"c.tf", chain}});
  EXPECT_EQ(EvalIn(chained, "local.c50"), "1");
  EXPECT_EQ(EvalIn(chained, "local.c400"), "(unknown: expression nests too deeply to evaluate)");
}

TEST(HclEval, OutputsStayBounded) {
  std::string text = "locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n";
  for (int i = 1; i <= 11; ++i) text += fmt::format("  s{} = \"${{local.s{}}}${{local.s{}}}\"\n", i, i - 1, i - 1);
  text += "}\n";
  Module m = ModuleOf({{"s.tf", text}});
  EvalOptions small;  // 64 KiB strings, 16 Ki nodes
  small.max_string_bytes = 1u << 16;
  small.max_value_nodes = 1u << 14;
  const std::string too_large = "(unknown: value is larger than the evaluation limit)";
  EXPECT_EQ(EvalIn(m, "length(local.s11)", small), "32768");
  EXPECT_EQ(EvalIn(m, "length(\"${local.s11}${local.s11}\")", small), "65536");
  EXPECT_EQ(EvalIn(m, "\"${local.s11}${local.s11}x\"", small), too_large);
  EXPECT_EQ(EvalIn(m, "jsonencode([local.s11, local.s11, local.s11])", small), too_large);
  EXPECT_EQ(EvalIn(m, "replace(local.s11, \"x\", \"yyy\")", small), too_large);
  EXPECT_EQ(EvalIn(m, "replace(local.s11, \"/x/\", \"yyy\")", small), too_large);
  EXPECT_EQ(EvalIn(m, "length(replace(local.s11, \"/(x)x/\", \"$1\"))", small), "16384");
  // A tuple of n items is n + 1 nodes: 16383 items is the most that fit.
  EXPECT_EQ(EvalIn(m, "length(split(\"x\", substr(local.s11, 0, 16382)))", small), "16383");
  EXPECT_EQ(EvalIn(m, "split(\"x\", substr(local.s11, 0, 16383))", small), too_large);
  EXPECT_EQ(EvalIn(m, "split(\"\", local.s11)", small), too_large);
  EXPECT_EQ(EvalIn(m, "split(\"x\", local.s11)", small), too_large);
  EXPECT_EQ(EvalIn(m, "format(\"%s%s%s\", local.s11, local.s11, local.s11)", small), too_large);
  EXPECT_EQ(EvalIn(m, "join(\"\", [local.s11, local.s11, local.s11])", small), too_large);
  EXPECT_EQ(EvalIn(m, "length(concat(split(\"\", local.s9), split(\"\", substr(local.s9, 1, -1))))", small),
            "16383");
  EXPECT_EQ(EvalIn(m, "concat(split(\"\", local.s9), split(\"\", local.s9))", small), too_large);
  EXPECT_EQ(EvalIn(m, "[for c in split(\"\", local.s10) : [c]]", small), too_large);
}

TEST(HclTemplate, LoopPiecesAreMerged) {
  Module m;
  auto pieces = [&](std::string_view text) {
    Result<ExprPtr> e = ParseExpression(text, "t");
    EXPECT_TRUE(e.ok());
    Evaluator ev(m);
    Result<Value> v = ev.Eval(**e);
    EXPECT_TRUE(v.ok());
    return v.ok() ? v->pieces().size() : 0;
  };
  EXPECT_EQ(pieces("\"%{ for i in range(3) }a%{ endfor }\""), 1u);
  EXPECT_EQ(pieces("\"%{ for i in range(3) }a${i}%{ endfor }\""), 6u);
  EXPECT_EQ(pieces("\"%{ for i in range(1000) }a${i}%{ endfor }\""), 1024u);
}

TEST(HclValue, FormatAndEncode) {
  EXPECT_EQ(FormatNumber(1800), "1800");
  EXPECT_EQ(FormatNumber(-0.0), "0");
  EXPECT_EQ(FormatNumber(2.5), "2.5");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(1e21), "1e+21");
  Value::Fields f;
  f["z"] = Value::Tuple({Value::Number(1), Value::Bool(false), Value::Null()});
  f["a"] = Value::String("line\nquote\"\x01");
  EXPECT_EQ(EncodeJson(Value::Object(f)), R"({"a":"line\nquote\"\u0001","z":[1,false,null]})");
  EXPECT_EQ(EncodeJson(Value::Object(f), 100), R"({"a":"line\nquote\"\u0001","z":[1,false,null]})");
  EXPECT_EQ(EncodeJson(Value::Object(f), 20), std::nullopt);
  Value u = Value::Tuple({Value::String("a"), Value::Unknown("why")});
  EXPECT_FALSE(u.wholly_known());
  EXPECT_EQ(u.FirstUnknownReason(), "why");
  EXPECT_EQ(u.size(), 3u);
  EXPECT_TRUE(Value::Tuple({Value::String("a")}).wholly_known());
  EXPECT_FALSE(Value::Unknown("x").Equals(Value::Unknown("x")));
  EXPECT_TRUE(Value::String("a", SourceLoc{nullptr, 1, 1}).Equals(Value::String("a")));
}

}  // namespace
}  // namespace trustcheck::hcl
