// Tests for the CEL subset (engine/src/cel): parsing, located errors,
// evaluation with CEL's error semantics, limits and the inspection API.

#include <gtest/gtest.h>
#include <json/json.h>

#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "test_support.h"

#include "cel/cel.h"

namespace trustcheck::cel {
namespace {

SourceLoc Base() {
  SourceLoc loc;
  loc.file = FileId::Of("provider.yaml");
  loc.line = 3;
  loc.column = 10;
  return loc;
}

std::string DumpOrError(std::string_view text) {
  auto expr = Parse(text, Base());
  return expr.ok() ? (*expr)->Dump() : "error: " + expr.status().message();
}

// --------------------------------------------------------------------------
// Parsing

struct ParseCase {
  std::string text;
  std::string dump;
};

TEST(CelParse, Dump) {
  const ParseCase cases[] = {
      // Google's recommended GitHub condition.
      {"assertion.repository_owner == 'acme' && assertion.ref == 'refs/heads/main'",
       R"((&& (== (. assertion repository_owner) "acme") (== (. assertion ref) "refs/heads/main")))"},
      {"assertion.repository_owner_id == '1342004' && assertion.repository_id == '260064828'",
       R"((&& (== (. assertion repository_owner_id) "1342004") (== (. assertion repository_id) "260064828")))"},
      {"attribute.repository in ['a/b', 'a/c']", R"((in (. attribute repository) (list "a/b" "a/c")))"},
      {"assertion.sub.startsWith('repo:acme/')", R"((.startsWith (. assertion sub) "repo:acme/"))"},
      {"assertion['oidc.circleci.com/vcs-origin'].startsWith('github.com/acme')",
       R"((.startsWith ([] assertion "oidc.circleci.com/vcs-origin") "github.com/acme"))"},
      {"'group:' + assertion.group", R"((+ "group:" (. assertion group)))"},
      {"'admins' in google.groups", R"((in "admins" (. google groups)))"},
      {"has(assertion.environment)", "(has (. assertion environment))"},
      {"size(assertion.sub) < 128 && assertion.sub.size() > 0",
       "(&& (< (size (. assertion sub)) 128) (> (.size (. assertion sub)) 0))"},
      {"assertion.sub.matches('^repo:acme/[^/]+$')", R"((.matches (. assertion sub) "^repo:acme/[^/]+$"))"},
      {"matches(assertion.sub, 'x')", R"((matches (. assertion sub) "x"))"},
      {"assertion.groups.exists(g, g == 'admins')", R"((.exists (. assertion groups) g (== g "admins")))"},
      {"l.all(x, x > 0)", "(.all l x (> x 0))"},
      {"l.exists_one(x, x > 0)", "(.exists_one l x (> x 0))"},
      {"l.map(x, x > 1, x * 2)", "(.map l x (> x 1) (* x 2))"},
      {"l.filter(x, x % 2 == 1)", "(.filter l x (== (% x 2) 1))"},
      {"int('5') + uint(1) + double(2) + string(3) + dyn(4)",
       R"((+ (+ (+ (+ (int "5") (uint 1)) (double 2)) (string 3)) (dyn 4)))"},
      // Precedence: || < && < relations < + - < * / % < unary < member.
      {"a || b && c", "(|| a (&& b c))"},
      {"a && b || c && d", "(|| (&& a b) (&& c d))"},
      {"a || b || c", "(|| a b c)"},
      {"(a || b) || c", "(|| (|| a b) c)"},
      {"1 + 2 * 3 - 4 % 5", "(- (+ 1 (* 2 3)) (% 4 5))"},
      {"a < b == c", "(== (< a b) c)"},
      {"a == b in c", "(in (== a b) c)"},
      {"a + b == c * d", "(== (+ a b) (* c d))"},
      {"!a.b", "(! (. a b))"},
      {"!!a", "a"},
      {"!!!a", "(! a)"},
      {"-x", "(- x)"},
      {"--x", "x"},
      {"-(5)", "(- 5)"},
      {"-5", "-5"},
      {"- 5", "-5"},
      {"--5", "5"},
      {"---5", "(- 5)"},
      {"-1u", "(- 1u)"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"a ? b : c ? d : e", "(?: a b (?: c d e))"},
      {"a || b ? c : d", "(?: (|| a b) c d)"},
      {"a.b[0].c", "(. ([] (. a b) 0) c)"},
      {"a.if", "(. a if)"},
      // Literals.
      {"1u", "1u"},
      {"0x1F", "31"},
      {"0x1Fu", "31u"},
      {"1.5", "1.5"},
      {"1e3", "1000.0"},
      {"2.5E-1", "0.25"},
      {".5", "0.5"},
      {"true", "true"},
      {"false", "false"},
      {"null", "null"},
      {"b'ab'", R"(b"ab")"},
      {R"(r'\d+')", R"("\\d+")"},
      {R"(R"a\n")", R"("a\\n")"},
      {R"(br'\x')", R"(b"\\x")"},
      {R"("a\tb")", R"("a\tb")"},
      {R"('\x41\u00e9\101\U0001F600')", "\"A\xC3\xA9" "A\xF0\x9F\x98\x80\""},
      {R"('\a\b\f\n\r\t\v\\\?\"\'\`')", R"("\x07\x08\x0c\n\r\t\x0b\\?\"'`")"},
      {R"(b'\xff\377')", R"(b"\xff\xff")"},
      {"'''multi\nline'''", R"("multi\nline")"},
      {R"('''say "hi"''')", R"("say \"hi\"")"},
      {R"("""it's""")", R"("it's")"},
      {"''", R"("")"},
      // Collections.
      {"[1, 2,]", "(list 1 2)"},
      {"[]", "(list)"},
      {"{}", "(map)"},
      {"{'a': 1, 'b': [2],}", R"((map "a" 1 "b" (list 2)))"},
      // Whitespace and comments.
      {"// the owner\nassertion.sub // trailing\n", "(. assertion sub)"},
      {"\t assertion\r\n  .sub ", "(. assertion sub)"},
  };
  for (const ParseCase& c : cases) {
    EXPECT_EQ(DumpOrError(c.text), c.dump) << c.text;
  }
}

struct ErrorCase {
  std::string text;
  std::string error;  // Status::ToString()
};

TEST(CelParse, ErrorsAreLocated) {
  // Base() puts the first character at provider.yaml:3:10.
  const ErrorCase cases[] = {
      {"", "provider.yaml:3:10: error: empty expression"},
      {"  // only a comment", "provider.yaml:3:10: error: empty expression"},
      {"assertion.sub = 'x'", "provider.yaml:3:24: error: unexpected `=`, did you mean `==`"},
      {"a & b", "provider.yaml:3:12: error: unexpected `&`, did you mean `&&`"},
      {"a | b", "provider.yaml:3:12: error: unexpected `|`, did you mean `||`"},
      {"assertion.sub == 'x", "provider.yaml:3:27: error: unterminated string literal"},
      {"'a\nb'", "provider.yaml:3:10: error: unterminated string literal"},
      {"b'abc", "provider.yaml:3:10: error: unterminated bytes literal"},
      {"'''abc''", "provider.yaml:3:10: error: unterminated string literal"},
      {"assertion.sub ==", "provider.yaml:3:26: error: expected an expression, found end of expression"},
      {"(a || b", "provider.yaml:3:17: error: expected `)`, found end of expression"},
      {"[1, 2", "provider.yaml:3:15: error: expected `]`, found end of expression"},
      {"{'a' 1}", "provider.yaml:3:15: error: expected `:`, found `1`"},
      {"a ? b", "provider.yaml:3:15: error: expected `:`, found end of expression"},
      {"a ? b ? c : d : e", "provider.yaml:3:16: error: expected `:`, found `?`"},
      {"a b", "provider.yaml:3:12: error: unexpected `b`"},
      {"a.", "provider.yaml:3:12: error: expected a field name after `.`, found end of expression"},
      {"a.'b'", "provider.yaml:3:12: error: expected a field name after `.`, found `'b'`"},
      {"a.true", "provider.yaml:3:12: error: expected a field name after `.`, found `true`"},
      {")", "provider.yaml:3:10: error: expected an expression, found `)`"},
      {"!-x", "provider.yaml:3:11: error: expected an expression, found `-`"},
      {"a # b", "provider.yaml:3:12: error: unexpected character `#`"},
      {"a \xC3\xA9", "provider.yaml:3:12: error: unexpected character `\xC3\xA9`"},
      {"a \x01", "provider.yaml:3:12: error: unexpected character `\\x01`"},
      {"if", "provider.yaml:3:10: error: reserved identifier `if`"},
      {"assertion.sub == package", "provider.yaml:3:27: error: reserved identifier `package`"},
      {"foo(1)", "provider.yaml:3:10: error: unknown function `foo`"},
      {"a.lower()", "provider.yaml:3:12: error: unknown method `lower`"},
      {"a.has(b)", "provider.yaml:3:12: error: unknown method `has`"},
      {"startsWith(a, 'b')", "provider.yaml:3:10: error: `startsWith` is a method, call it as `x.startsWith(...)`"},
      {"exists(x, true)", "provider.yaml:3:10: error: `exists` is a method, call it as `list.exists(x, ...)`"},
      {"a.string()", "provider.yaml:3:12: error: `string` is not a method, call it as `string(x)`"},
      {"a.startsWith()", "provider.yaml:3:12: error: wrong number of arguments to `startsWith`: expected 1, found 0"},
      {"size(a, b)", "provider.yaml:3:10: error: wrong number of arguments to `size`: expected 1, found 2"},
      {"a.size(b)", "provider.yaml:3:12: error: wrong number of arguments to `size`: expected 0, found 1"},
      {"l.map(x)", "provider.yaml:3:12: error: wrong number of arguments to `map`: expected 2 or 3, found 1"},
      {"has(a)", "provider.yaml:3:10: error: argument of `has` must be a field selection, e.g. `has(assertion.claim)`"},
      {"has(a['b'])",
       "provider.yaml:3:10: error: argument of `has` must be a field selection, e.g. `has(assertion.claim)`"},
      {"l.exists(1, true)", "provider.yaml:3:19: error: first argument of `exists` must be a variable name"},
      {"a.matches('(')", "provider.yaml:3:20: error: invalid regular expression `(`: missing ): ("},
      {"matches(a, 'x[')", "provider.yaml:3:21: error: invalid regular expression `x[`: missing ]: ["},
      {R"('\q')", R"(provider.yaml:3:11: error: invalid escape sequence `\q`)"},
      {R"('\x4')", R"(provider.yaml:3:11: error: invalid escape sequence `\x4'`)"},
      {R"('\400')", R"(provider.yaml:3:11: error: invalid escape sequence `\4`)"},
      {R"('\18')", R"(provider.yaml:3:11: error: invalid escape sequence `\18`)"},
      {R"(b'\u0041')", R"(provider.yaml:3:12: error: unicode escape `\u0041` in a bytes literal)"},
      {R"('\ud800')", R"(provider.yaml:3:11: error: invalid unicode code point in escape `\ud800`)"},
      {R"('\U00110000')", R"(provider.yaml:3:11: error: invalid unicode code point in escape `\U00110000`)"},
      {"'\xff'", "provider.yaml:3:10: error: invalid UTF-8 in string literal"},
      {"9223372036854775808", "provider.yaml:3:10: error: int literal `9223372036854775808` is out of range"},
      {"-9223372036854775809", "provider.yaml:3:10: error: int literal `-9223372036854775809` is out of range"},
      {"18446744073709551616u", "provider.yaml:3:10: error: uint literal `18446744073709551616u` is out of range"},
      {"1e999", "provider.yaml:3:10: error: double literal `1e999` is out of range"},
      // Errors on later lines count the newlines of the expression.
      {"assertion.a == 'x' &&\n  assertion.b = 'y'", "provider.yaml:4:15: error: unexpected `=`, did you mean `==`"},
      {"a &&\r\nb &&\rc\n  ==", "provider.yaml:6:5: error: expected an expression, found end of expression"},
  };
  for (const ErrorCase& c : cases) {
    auto expr = Parse(c.text, Base());
    ASSERT_FALSE(expr.ok()) << c.text;
    EXPECT_EQ(expr.status().ToString(), c.error) << c.text;
  }
}

TEST(CelParse, ContinuationColumnLocatesBlockScalars) {
  // attributeCondition: |
  //     assertion.a == 'x' &&
  //     assertion.b = 'y'
  ParseOptions options;
  options.continuation_column = 5;
  SourceLoc base = Base();
  base.line = 2;
  base.column = 5;
  auto expr = Parse("assertion.a == 'x' &&\nassertion.b = 'y'", base, options);
  ASSERT_FALSE(expr.ok());
  EXPECT_EQ(expr.status().ToString(), "provider.yaml:3:17: error: unexpected `=`, did you mean `==`");
}

TEST(CelParse, LocateMapsDecodedOffsetsBackToTheFile) {
  // As if the text came from the JSON string "a == \"x\" &&" on line 7,
  // column 20: each escaped quote takes two bytes in the file.
  std::string text = "a == \"x\" &&";
  std::vector<uint32_t> raw = {0, 1, 2, 3, 4, 5, 7, 8, 10, 11, 12};
  ParseOptions options;
  options.locate = [&](uint32_t offset) {
    SourceLoc loc = Base();
    loc.line = 7;
    loc.column = 21 + (offset < raw.size() ? raw[offset] : raw.back() + 1);
    return loc;
  };
  auto expr = Parse(text, Base(), options);
  ASSERT_FALSE(expr.ok());
  EXPECT_EQ(expr.status().ToString(), "provider.yaml:7:34: error: expected an expression, found end of expression");
  auto ok = Parse("a == \"x\"", Base(), options);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->child(1).loc().column, 26u);
}

TEST(CelParse, UnknownBaseLocationKeepsTheFile) {
  SourceLoc base;
  base.file = FileId::Of("x.json");
  auto expr = Parse("a ==", base);
  ASSERT_FALSE(expr.ok());
  EXPECT_EQ(expr.status().ToString(), "x.json: error: expected an expression, found end of expression");
}

TEST(CelParse, Limits) {
  // Length.
  std::string long_text(16 * 1024 + 1, 'a');
  auto too_long = Parse(long_text, Base());
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().ToString(), "provider.yaml:3:10: error: expression is 16385 bytes long, more than the limit of 16384");
  EXPECT_TRUE(Parse(std::string(16 * 1024, 'a'), Base()).ok());

  // Parser recursion: the 251st nested expression starts at offset 250.
  std::string parens = std::string(300, '(') + "a" + std::string(300, ')');
  auto nested = Parse(parens, Base());
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().ToString(), "provider.yaml:3:260: error: expression nests deeper than 250 levels");
  std::string ok_parens = std::string(249, '(') + "a" + std::string(249, ')');
  EXPECT_TRUE(Parse(ok_parens, Base()).ok());

  // Tree height of left-associative chains, which the parser builds in a loop.
  std::string chain = "a";
  for (int i = 0; i < 300; ++i) chain += "+a";
  auto deep = Parse(chain, Base());
  ASSERT_FALSE(deep.ok());
  // The 250th `+` (offset 498) makes the 251st level.
  EXPECT_EQ(deep.status().ToString(), "provider.yaml:3:509: error: expression nests deeper than 250 levels");
  std::string selects = "a";
  for (int i = 0; i < 5000; ++i) selects += ".b";
  EXPECT_FALSE(Parse(selects, Base()).ok());

  // Long || and && chains are one n-ary node, not a deep tree.
  std::string alternatives = "assertion.sub == 's0'";
  for (int i = 1; i < 500; ++i) alternatives += " || assertion.sub == 's" + std::to_string(i) + "'";
  auto wide = Parse(alternatives, Base());
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  EXPECT_EQ((*wide)->kind(), ExprKind::kOr);
  EXPECT_EQ((*wide)->num_children(), 500u);

  // A long run of unary operators is a loop, not recursion.
  EXPECT_EQ(DumpOrError(std::string(10000, '!') + "a"), "a");

  ParseOptions strict;
  strict.max_depth = 3;
  EXPECT_TRUE(Parse("a.b.c", Base(), strict).ok());
  auto too_deep = Parse("a.b.c.d", Base(), strict);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.status().ToString(), "provider.yaml:3:16: error: expression nests deeper than 3 levels");
}

TEST(CelParse, HostileInputTerminates) {
  // Random byte soup built from CEL's own punctuation: the parser must
  // accept or reject every input without crashing, and evaluation of
  // whatever parses must terminate.
  const std::string alphabet = "ab.()[]{}'\"\\!-+*/%<=>&|?:,0 1u\n";
  std::mt19937 rng(20240601);
  Activation vars;
  vars.Bind("a", Value::List({Value::Int(1), Value::String("x")}));
  EvalOptions budget;
  budget.max_steps = 10000;
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    size_t len = rng() % 40;
    for (size_t k = 0; k < len; ++k) text += alphabet[rng() % alphabet.size()];
    auto expr = Parse(text, Base());
    if (!expr.ok()) {
      EXPECT_FALSE(expr.status().message().empty());
      EXPECT_EQ(expr.status().loc().line >= 3, true);
      continue;
    }
    ++parsed;
    Eval(**expr, vars, budget);
  }
  EXPECT_GT(parsed, 0);
}

// --------------------------------------------------------------------------
// Inspection

TEST(CelInspect, NodesKnowTheirKindTextAndLocation) {
  auto expr = Parse("assertion.sub.startsWith('repo:acme/') && assertion.aud != 'x'", Base());
  ASSERT_TRUE(expr.ok());
  const Expr& root = **expr;
  EXPECT_EQ(root.kind(), ExprKind::kAnd);
  EXPECT_EQ(root.loc().column, 49u);  // the first &&
  const Expr& call = root.child(0);
  EXPECT_EQ(call.kind(), ExprKind::kCall);
  EXPECT_EQ(call.function(), Function::kStartsWith);
  EXPECT_TRUE(call.is_method());
  EXPECT_EQ(call.name(), "startsWith");
  EXPECT_EQ(call.text(), "assertion.sub.startsWith('repo:acme/')");
  EXPECT_EQ(call.loc().ToString(), "provider.yaml:3:24");
  EXPECT_EQ(call.child(0).kind(), ExprKind::kSelect);
  EXPECT_EQ(call.child(0).name(), "sub");
  EXPECT_EQ(call.child(0).loc().column, 20u);
  EXPECT_EQ(call.child(1).literal().string_value(), "repo:acme/");
  const Expr& ne = root.child(1);
  EXPECT_EQ(ne.kind(), ExprKind::kBinary);
  EXPECT_EQ(ne.op(), Op::kNe);
  EXPECT_EQ(OpSymbol(ne.op()), "!=");
  EXPECT_EQ(ne.text(), "assertion.aud != 'x'");
}

TEST(CelInspect, MatchesCompilesALiteralPatternOnce) {
  auto literal = Parse("assertion.sub.matches('^repo:')", Base());
  ASSERT_TRUE(literal.ok());
  EXPECT_NE((*literal)->regex(), nullptr);
  auto computed = Parse("assertion.sub.matches(assertion.pattern)", Base());
  ASSERT_TRUE(computed.ok());
  EXPECT_EQ((*computed)->regex(), nullptr);
}

TEST(CelInspect, Paths) {
  const std::pair<std::string, std::string> cases[] = {
      {"assertion.sub", "assertion.sub"},
      {"assertion['oidc.circleci.com/vcs-origin']", "assertion['oidc.circleci.com/vcs-origin']"},
      {"assertion['sub']", "assertion.sub"},
      {"assertion.groups[0]", "assertion.groups[0]"},
      {"assertion.groups[1u]", "assertion.groups[1]"},
      {"attribute.repository", "attribute.repository"},
      {"assertion['it\\'s']", "assertion['it\\'s']"},
      {"assertion['in']", "assertion['in']"},
      {"assertion", "assertion"},
      {"assertion[x]", "-"},
      {"assertion.sub.size()", "-"},
      {"[1][0]", "-"},
      {"assertion[1.0]", "-"},
  };
  for (const auto& [text, path] : cases) {
    auto expr = Parse(text, Base());
    ASSERT_TRUE(expr.ok()) << text;
    std::optional<Path> p = AsPath(**expr);
    EXPECT_EQ(p ? p->ToString() : "-", path) << text;
  }
  auto expr = Parse("assertion['a.b'].c[2]", Base());
  ASSERT_TRUE(expr.ok());
  std::optional<Path> p = AsPath(**expr);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->root, "assertion");
  ASSERT_EQ(p->steps.size(), 3u);
  EXPECT_EQ(std::get<std::string>(p->steps[0]), "a.b");
  EXPECT_EQ(std::get<std::string>(p->steps[1]), "c");
  EXPECT_EQ(std::get<int64_t>(p->steps[2]), 2);
}

// --------------------------------------------------------------------------
// Values

Json::Value ParseJson(const std::string& text) { return trustcheck::testing::ParseJsonText(text); }

TEST(CelValue, FromJson) {
  const std::pair<std::string, std::string> cases[] = {
      {"1", "1"},
      {"-5", "-5"},
      {"1.0", "1"},
      {"1.5", "1.5"},
      {"1e300", "1e+300"},
      {"18446744073709551615", "18446744073709551615u"},
      {"\"a\\nb\"", R"("a\nb")"},
      {"true", "true"},
      {"null", "null"},
      {"[1, \"x\", [null]]", R"([1, "x", [null]])"},
      {R"({"b": 1, "a": {"c": false}})", R"({"a": {"c": false}, "b": 1})"},
  };
  for (const auto& [json, debug] : cases) {
    EXPECT_EQ(Value::FromJson(ParseJson(json)).DebugString(), debug) << json;
  }
}

TEST(CelValue, Equality) {
  EXPECT_TRUE(Equal(Value::Int(1), Value::Double(1.0)));
  EXPECT_TRUE(Equal(Value::Uint(1), Value::Int(1)));
  EXPECT_FALSE(Equal(Value::Int(-1), Value::Uint(UINT64_MAX)));
  EXPECT_FALSE(Equal(Value::Int(INT64_MAX), Value::Double(9223372036854775808.0)));
  EXPECT_FALSE(Equal(Value::Double(NAN), Value::Double(NAN)));
  EXPECT_FALSE(Equal(Value::String("1"), Value::Int(1)));
  EXPECT_FALSE(Equal(Value::String("a"), Value::Bytes("a")));
  EXPECT_TRUE(Equal(Value::Null(), Value::Null()));
  EXPECT_FALSE(Equal(Value::Error({}, "x"), Value::Error({}, "x")));
  MapValue m;
  EXPECT_TRUE(m.Insert(Value::Int(1), Value::String("one")));
  EXPECT_FALSE(m.Insert(Value::Uint(1), Value::String("again")));
  EXPECT_FALSE(m.Insert(Value::Double(2), Value::Null()));
  ASSERT_NE(m.Find(Value::Double(1.0)), nullptr);
  EXPECT_EQ(m.Find(Value::Double(1.0))->string_value(), "one");
  EXPECT_EQ(m.Find(Value::Double(1.5)), nullptr);
}

// --------------------------------------------------------------------------
// Evaluation

// GitHub's documented example token (docs.github.com, "About security
// hardening with OpenID Connect"), plus a few claims of other issuers.
constexpr const char* kClaims = R"({
  "jti": "example-id",
  "sub": "repo:octo-org/octo-repo:environment:prod",
  "environment": "prod",
  "aud": "https://github.com/octo-org",
  "ref": "refs/heads/main",
  "sha": "example-sha",
  "repository": "octo-org/octo-repo",
  "repository_owner": "octo-org",
  "actor_id": "12",
  "repository_visibility": "private",
  "repository_id": "74",
  "repository_owner_id": "65",
  "run_id": "example-run-id",
  "run_number": "10",
  "run_attempt": "2",
  "runner_environment": "github-hosted",
  "actor": "octocat",
  "workflow": "example-workflow",
  "head_ref": "",
  "base_ref": "",
  "event_name": "workflow_dispatch",
  "ref_type": "branch",
  "job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
  "iss": "https://token.actions.githubusercontent.com",
  "nbf": 1632492967,
  "exp": 1632493867,
  "iat": 1632493567,
  "groups": ["admins", "devs"],
  "weird": {"nested": 1.5, "nothing": null},
  "oidc.circleci.com/vcs-origin": "github.com/acme/app"
})";

class CelEval : public ::testing::Test {
 protected:
  void SetUp() override {
    vars_.Bind("assertion", Value::FromJson(ParseJson(kClaims)));
    MapValue attribute;
    attribute.Insert(Value::String("repository"), Value::String("octo-org/octo-repo"));
    attribute.Insert(Value::String("owner"), Value::String("octo-org"));
    vars_.Bind("attribute", Value::Map(std::move(attribute)));
    MapValue google;
    google.Insert(Value::String("subject"), Value::String("repo:octo-org/octo-repo:environment:prod"));
    google.Insert(Value::String("groups"), Value::List({Value::String("admins")}));
    vars_.Bind("google", Value::Map(std::move(google)));
  }

  // The result's DebugString; errors as error(<message>)@<column>.
  std::string Run(const std::string& text, const EvalOptions& options = {}) {
    auto expr = Parse(text, Base());
    if (!expr.ok()) return "parse error: " + expr.status().ToString();
    Value v = Eval(**expr, vars_, options);
    std::string out = v.DebugString();
    if (v.is_error()) out += "@" + std::to_string(v.error_loc().column);
    return out;
  }

  Activation vars_;
};

struct EvalCase {
  std::string text;
  std::string result;
};

TEST_F(CelEval, RealConditions) {
  const EvalCase cases[] = {
      // Google's GitHub guidance, with the example token's owner.
      {"assertion.repository_owner == 'octo-org' && assertion.ref == 'refs/heads/main'", "true"},
      {"assertion.repository_owner == 'acme' && assertion.ref == 'refs/heads/main'", "false"},
      {"assertion.repository_owner=='OCTO-ORG'", "false"},  // exact, case-sensitive
      // google-github-actions/auth: numeric ids are strings in the token.
      {"assertion.repository_owner_id == '65' && assertion.repository_id == '74'", "true"},
      {"assertion.repository_owner_id == 65", "false"},  // string vs int: unequal, not an error
      {"attribute.repository in ['octo-org/octo-repo', 'octo-org/other']", "true"},
      {"attribute.repository in ['a/b', 'a/c']", "false"},
      {"assertion.sub.startsWith('repo:octo-org/')", "true"},
      {"assertion.sub.startsWith('repo:octo-org-evil/')", "false"},
      {"assertion.job_workflow_ref.endsWith('@refs/heads/main')", "true"},
      {"assertion.job_workflow_ref.contains('/.github/workflows/')", "true"},
      {"assertion['oidc.circleci.com/vcs-origin'].startsWith('github.com/acme')", "true"},
      {"'group:' + assertion.repository_owner", R"("group:octo-org")"},
      {"'admins' in google.groups", "true"},
      {"google.subject == assertion.sub", "true"},
      {"assertion.sub.matches('^repo:octo-org/[^/]+:environment:prod$')", "true"},
      {"assertion.sub.matches('octo-repo')", "true"},  // unanchored, like RE2 PartialMatch
      {"matches(assertion.sub, '^octo')", "false"},
      {"assertion.sub.matches(assertion.environment)", "true"},
      {"has(assertion.environment) && assertion.environment == 'prod'", "true"},
      {"has(assertion.nope)", "false"},
      {"has(attribute.repository)", "true"},
      {"size(assertion.sub) <= 127", "true"},
      {"assertion.sub.size()", "40"},
      {"size('h\xC3\xA9llo')", "5"},
      {"size(b'h\xC3\xA9llo')", "6"},
      {"size(assertion.groups)", "2"},
      {"size(assertion.weird)", "2"},
      {"assertion.groups.exists(g, g == 'admins')", "true"},
      {"assertion.groups.all(g, g.startsWith('a'))", "false"},
      {"assertion.ref_type == 'branch' ? assertion.ref : 'none'", R"("refs/heads/main")"},
      {"assertion.head_ref == ''", "true"},
      {"assertion.nbf < assertion.exp && assertion.exp - assertion.iat == 300", "true"},
      {"assertion.exp == 1632493867.0", "true"},
      {"assertion.weird.nested == 1.5", "true"},
      {"assertion.weird.nothing == null", "true"},
      {"assertion.groups[1]", R"("devs")"},
  };
  for (const EvalCase& c : cases) EXPECT_EQ(Run(c.text), c.result) << c.text;
}

TEST_F(CelEval, ErrorsAreValuesWithLocations) {
  const EvalCase cases[] = {
      // Column 10 is the first character of the expression.
      {"assertion.nope == 'x'", "error(no such key `nope`)@20"},
      {"assertion['nope']", "error(no such key `nope`)@19"},
      {"attribute.missing in ['a']", "error(no such key `missing`)@20"},
      {"nope == 1", "error(undeclared reference to `nope`)@10"},
      {"assertion.sub.nope", "error(cannot select field `nope` from a value of type string)@24"},
      {"has(assertion.sub.x)", "error(no matching overload for `has` applied to (string))@10"},
      {"has(assertion.nope.x)", "error(no such key `nope`)@24"},
      {"assertion.groups[2]", "error(index `2` is out of range for a list of size 2)@26"},
      {"assertion.groups[-1]", "error(index `-1` is out of range for a list of size 2)@26"},
      {"assertion.groups['a']", "error(no matching overload for `[]` applied to (list, string))@26"},
      {"assertion.exp.startsWith('1')", "error(no matching overload for `startsWith` applied to (int, string))@24"},
      {"assertion.sub.matches(1)", "error(no matching overload for `matches` applied to (string, int))@24"},
      {"assertion.sub.matches(assertion.sub + '(')",
       "error(invalid regular expression `repo:octo-org/octo-repo:environment:prod(`: missing ): "
       "repo:octo-org/octo-repo:environment:prod()@24"},
      {"size(1)", "error(no matching overload for `size` applied to (int))@10"},
      {"1 + 'a'", "error(no matching overload for `+` applied to (int, string))@12"},
      {"1 + 1.0", "error(no matching overload for `+` applied to (int, double))@12"},
      {"'a' < 1", "error(no matching overload for `<` applied to (string, int))@14"},
      {"[1] < [2]", "error(no matching overload for `<` applied to (list, list))@14"},
      {"!'a'", "error(no matching overload for `!` applied to (string))@10"},
      {"-'a'", "error(no matching overload for `-` applied to (string))@10"},
      {"-1u", "error(no matching overload for `-` applied to (uint))@10"},
      {"'a' ? 1 : 2", "error(no matching overload for `?:` applied to (string))@14"},
      {"1 in 'abc'", "error(no matching overload for `in` applied to (int, string))@12"},
      {"1.5 % 1.0", "error(no matching overload for `%` applied to (double, double))@14"},
      {"1 / 0", "error(division by zero)@12"},
      {"1 % 0", "error(modulus by zero)@12"},
      {"1u / 0u", "error(division by zero)@13"},
      {"9223372036854775807 + 1", "error(integer overflow)@30"},
      {"-9223372036854775808 - 1", "error(integer overflow)@31"},
      {"-9223372036854775808 / -1", "error(integer overflow)@31"},
      {"-9223372036854775808 % -1", "error(integer overflow)@31"},
      {"4611686018427387904 * 2", "error(integer overflow)@30"},
      {"-(-9223372036854775808)", "error(integer overflow)@10"},
      {"1u - 2u", "error(unsigned integer overflow)@13"},
      {"18446744073709551615u + 1u", "error(unsigned integer overflow)@32"},
      {"int('x')", "error(cannot convert `x` to int)@10"},
      {"int('')", "error(cannot convert `` to int)@10"},
      {"int(18446744073709551615u)", "error(`18446744073709551615u` is out of range for int)@10"},
      {"int(1e19)", "error(`1e+19` is out of range for int)@10"},
      {"uint(-1)", "error(`-1` is out of range for uint)@10"},
      {"uint('-1')", "error(cannot convert `-1` to uint)@10"},
      {"double('abc')", "error(cannot convert `abc` to double)@10"},
      {"string([1])", "error(no matching overload for `string` applied to (list))@10"},
      {"string(b'\\xff')", "error(invalid UTF-8 in bytes converted to string)@10"},
      {"{'a': 1, 'a': 2}", "error(duplicate map key `\"a\"`)@19"},
      {"{1.5: 1}", "error(unsupported map key type double)@11"},
      {"{'a': 1}['b']", "error(no such key `b`)@18"},
      {"{1: 1}[2]", "error(no such key `2`)@16"},
      {"true && 'a'", "error(no matching overload for `&&` applied to (string))@15"},
      {"'a' || false", "error(no matching overload for `||` applied to (string))@14"},
      {"[1, 'a'].all(x, x > 0)", "error(no matching overload for `>` applied to (string, int))@28"},
      {"[1, 2].exists_one(x, x / 0 == 1)", "error(division by zero)@33"},
      {"[1].map(x, x / 0)", "error(division by zero)@23"},
      {"[1].filter(x, x)", "error(no matching overload for `filter` applied to (int))@14"},
      {"'abc'.exists(x, true)", "error(no matching overload for `exists` applied to (string))@16"},
      {"[assertion.nope]", "error(no such key `nope`)@21"},
  };
  for (const EvalCase& c : cases) EXPECT_EQ(Run(c.text), c.result) << c.text;
}

TEST_F(CelEval, LogicAbsorbsErrors) {
  const EvalCase cases[] = {
      {"assertion.nope == 'x' && false", "false"},
      {"false && assertion.nope == 'x'", "false"},
      {"assertion.nope == 'x' || true", "true"},
      {"true || assertion.nope == 'x'", "true"},
      {"assertion.nope == 'x' && true", "error(no such key `nope`)@20"},
      {"true && assertion.nope == 'x'", "error(no such key `nope`)@28"},
      {"assertion.nope == 'x' || false", "error(no such key `nope`)@20"},
      {"!(assertion.nope == 'x')", "error(no such key `nope`)@22"},
      {"assertion.a1 == 'x' && assertion.a2 == 'y'", "error(no such key `a1`)@20"},
      {"true && true && assertion.a2 == 'y' && false", "false"},
      {"'a' && false", "false"},
      {"false || 'a' || true", "true"},
      {"assertion.nope == 'x' ? 1 : 2", "error(no such key `nope`)@20"},
      {"true ? 'x' : assertion.nope", R"("x")"},
      {"false ? assertion.nope : 'y'", R"("y")"},
      {"[1, 'a'].exists(x, x > 0)", "true"},
      {"['a', 0].all(x, x > 0)", "false"},
      {"['a', 2].exists(x, x > 5)", "error(no matching overload for `>` applied to (string, int))@31"},
      // == never fails on mismatched types, but errors in operands propagate.
      {"assertion.nope == 1", "error(no such key `nope`)@20"},
      {"1 == assertion.nope", "error(no such key `nope`)@25"},
      {"'1' == 1", "false"},
      {"'1' != 1", "true"},
      {"null == false", "false"},
      {"[1] == ['1']", "false"},
  };
  for (const EvalCase& c : cases) EXPECT_EQ(Run(c.text), c.result) << c.text;
}

TEST_F(CelEval, OperatorsAndFunctions) {
  const EvalCase cases[] = {
      {"1 + 2 * 3 - 4 % 3", "6"},
      {"7 / 2", "3"},
      {"-7 / 2", "-3"},
      {"-7 % 3", "-1"},
      {"7u / 2u", "3u"},
      {"7u % 4u", "3u"},
      {"1.5 * 2.0", "3.0"},
      {"1.0 / 0.0", "+inf"},
      {"-5", "-5"},
      {"-assertion.exp", "-1632493867"},
      {"-(1.5)", "-1.5"},
      {"1 == 1.0", "true"},
      {"1u == 1", "true"},
      {"1 < 1.5", "true"},
      {"2u > 1", "true"},
      {"-1 < 0u", "true"},
      {"1.0 / 0.0 > 9223372036854775807", "true"},
      {"0.0 / 0.0 == 0.0 / 0.0", "false"},
      {"0.0 / 0.0 < 1", "false"},
      {"'a' < 'b'", "true"},
      {"'b' <= 'a'", "false"},
      {"'abc' >= 'abc'", "true"},
      {"b'a' < b'b'", "true"},
      {"false < true", "true"},
      {"'a' + 'b' + 'c'", R"("abc")"},
      {"b'a' + b'b'", R"(b"ab")"},
      {"[1, 2] + [3]", "[1, 2, 3]"},
      {"[1, 2] == [1, 2]", "true"},
      {"[1, 2] == [2, 1]", "false"},
      {"{'a': 1} == {'a': 1.0}", "true"},
      {"{'a': 1} == {'b': 1}", "false"},
      {"{'a': 1}.a", "1"},
      {"{'a': 1, 2: 'b', true: null}", R"({"a": 1, 2: "b", true: null})"},
      {"{1: 'x'}[1u]", R"("x")"},
      {"[1, 2][1u]", "2"},
      {"[1, 2][1.0]", "2"},
      {"'a' in {'a': 1}", "true"},
      {"'b' in {'a': 1}", "false"},
      {"2 in [1, 2.0]", "true"},
      {"'x' in []", "false"},
      {"string(12)", R"("12")"},
      {"string(-3)", R"("-3")"},
      {"string(7u)", R"("7")"},
      {"string(1.5)", R"("1.5")"},
      {"string(1e6)", R"("1e+06")"},
      {"string(123456.0)", R"("123456")"},
      {"string(0.0001)", R"("0.0001")"},
      {"string(0.00001)", R"("1e-05")"},
      {"string(true)", R"("true")"},
      {"string(b'ok')", R"("ok")"},
      {"string('s')", R"("s")"},
      {"int('42')", "42"},
      {"int('-42')", "-42"},
      {"int(2.9)", "2"},
      {"int(-2.9)", "-2"},
      {"int(5u)", "5"},
      {"uint('42')", "42u"},
      {"uint(3.7)", "3u"},
      {"double('1.5')", "1.5"},
      {"double(2)", "2.0"},
      {"dyn(1) == 1", "true"},
      {"[1, 2, 3].exists(x, x > 2)", "true"},
      {"[1, 2, 3].all(x, x > 0)", "true"},
      {"[1, 2, 3].exists_one(x, x > 1)", "false"},
      {"[1, 2, 3].exists_one(x, x > 2)", "true"},
      {"[1, 2, 3].map(x, x * 2)", "[2, 4, 6]"},
      {"[1, 2, 3].map(x, x > 1, x * 10)", "[20, 30]"},
      {"[1, 2, 3].filter(x, x % 2 == 1)", "[1, 3]"},
      {"[].all(x, false)", "true"},
      {"[].exists(x, true)", "false"},
      {"{'a': 1, 'bb': 2}.all(k, k.size() <= 2)", "true"},
      {"{'a': 1, 'bb': 2}.map(k, k)", R"(["a", "bb"])"},
      // Comprehension variables shadow and nest.
      {"[[1, 2], [3]].map(assertion, assertion.size())", "[2, 1]"},
      {"[1, 2].map(x, [10, 20].map(y, x + y))", "[[11, 21], [12, 22]]"},
      {"[1, 2].exists(x, x == 2) && assertion.groups.exists(x, x == 'devs')", "true"},
  };
  for (const EvalCase& c : cases) EXPECT_EQ(Run(c.text), c.result) << c.text;
}

TEST_F(CelEval, BudgetsStopRunawayEvaluation) {
  EvalOptions small;
  small.max_steps = 1000;
  // 10^4 predicate evaluations.
  const std::string ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
  std::string nested = ten + ".all(a, " + ten + ".all(b, " + ten + ".all(c, " + ten + ".all(d, true))))";
  EXPECT_EQ(Run(nested, small).rfind("error(evaluation exceeded the limit of 1000 steps)@", 0), 0u) << Run(nested, small);
  EXPECT_EQ(Run(nested), "true");
  // A budget error is not absorbed by && or ||.
  EXPECT_EQ(Run("false && " + nested, small), "false");
  EXPECT_EQ(Run(nested + " || true", small).rfind("error(evaluation exceeded", 0), 0u);

  EvalOptions caps;
  caps.max_list_size = 8;
  caps.max_string_bytes = 8;
  EXPECT_EQ(Run("[[1]].map(l, l + l).map(l, l + l).map(l, l + l)", caps), "[[1, 1, 1, 1, 1, 1, 1, 1]]");
  EXPECT_EQ(Run("[[1]].map(l, l + l).map(l, l + l).map(l, l + l).map(l, l + l)", caps),
            "error(result of `+` has more than the limit of 8 elements)@67");
  EXPECT_EQ(Run("'aaaa' + 'bbbb'", caps), R"("aaaabbbb")");
  EXPECT_EQ(Run("'aaaa' + 'bbbbb'", caps), "error(result of `+` is longer than the limit of 8 bytes)@17");
  EXPECT_EQ(Run("[1, 2, 3].map(x, [1, 2, 3]).map(l, l).map(x, x)", caps), "[[1, 2, 3], [1, 2, 3], [1, 2, 3]]");
  EXPECT_EQ(Run("[1, 2, 3, 4, 5, 6, 7, 8, 9].map(x, x)", caps),
            "error(result of `map` has more than the limit of 8 elements)@38");
}

}  // namespace
}  // namespace trustcheck::cel
