// Tests for tokens and their claims (engine/src/claims.cc): compact JWTs
// built here with base64url, claims JSON, every decoding error with its exact
// message and location, RFC 6901 pointer lookup, the AWS key prefix of `iss`,
// ParseTime/FormatTime, and the exp/nbf checks as `eval --at` applies them.

#include <gtest/gtest.h>
#include <json/json.h>

#include <string>
#include <vector>

#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

std::string Base64Url(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

constexpr const char* kHeader = R"({"alg":"RS256","kid":"k-1","typ":"JWT"})";
constexpr const char* kPayload =
    R"({"iss":"https://token.actions.githubusercontent.com","sub":"repo:octo-org/octo-repo:ref:refs/heads/main",)"
    R"("aud":"sts.amazonaws.com","nbf":1632492967,"exp":1632493867,"iat":1632493567})";

std::string Jwt(const std::string& header = kHeader, const std::string& payload = kPayload,
                const std::string& signature = "\x01\x02\x03signature") {
  return Base64Url(header) + "." + Base64Url(payload) + "." + Base64Url(signature);
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    bytes += static_cast<char>(n * 37 + 11);
    auto decoded = DecodeBase64Url(Base64Url(bytes));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(DecodeBase64Url("aGk="), "hi") << "padding is tolerated";
  EXPECT_EQ(DecodeBase64Url(""), "");
}

TEST(Base64Url, RejectsOtherAlphabetsAndDanglingBits) {
  for (const char* bad : {"a+b", "a/b", "ab c", "a!", "abcde"}) EXPECT_FALSE(DecodeBase64Url(bad).has_value()) << bad;
}

TEST(DecodeToken, CompactJwt) {
  auto token = DecodeToken(Jwt(), "token.jwt");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->form, DecodedToken::Form::kJwt);
  EXPECT_EQ(token->algorithm, "RS256");
  EXPECT_EQ(token->key_id, "k-1");
  EXPECT_EQ(token->header_json, kHeader);
  EXPECT_EQ(token->signature, "\x01\x02\x03signature");
  EXPECT_EQ(token->signing_input, Base64Url(kHeader) + "." + Base64Url(kPayload));
  EXPECT_FALSE(token->signature_verified) << "decoding never verifies";
  EXPECT_EQ(token->claims.issuer(), "https://token.actions.githubusercontent.com");
  ASSERT_NE(token->claims.Find("exp"), nullptr);
  EXPECT_EQ(token->claims.Find("exp")->asInt64(), 1632493867);
}

TEST(DecodeToken, JwtWithSurroundingWhitespaceAndPadding) {
  auto token = DecodeToken("\n  " + Base64Url(kHeader) + "==." + Base64Url(kPayload) + ".c2ln\n", "token.jwt");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->form, DecodedToken::Form::kJwt);
  EXPECT_EQ(token->signature, "sig");
}

TEST(DecodeToken, ClaimsJsonKeepsTypes) {
  auto token = DecodeToken(R"({"iss": "https://x.example", "n": 42, "b": true, "l": ["a", 1], "o": {"k": null}})",
                           "claims.json");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->form, DecodedToken::Form::kClaimsJson);
  EXPECT_TRUE(token->claims.Find("n")->isInt());
  EXPECT_TRUE(token->claims.Find("b")->isBool());
  EXPECT_TRUE(token->claims.Find("l")->isArray());
  EXPECT_TRUE(token->claims.Find("o")->isObject());
  EXPECT_EQ(token->claims.Find("missing"), nullptr);
  EXPECT_TRUE(token->algorithm.empty());
}

TEST(DecodeToken, ErrorsWithMessageAndLocation) {
  struct Case {
    const char* name;
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"empty", "  \n", "t:1:1: error: token is empty"},
      {"neither form", "not a token!", "t:1:1: error: token is neither a compact JWT nor a JSON object of claims"},
      {"two parts", Base64Url(kHeader) + "." + Base64Url(kPayload),
       "t:1:1: error: JWT must have 3 dot-separated parts, found 2"},
      {"four parts", Jwt() + ".x", "t:1:1: error: JWT must have 3 dot-separated parts, found 4"},
      {"five parts", "a.b.c.d.e", "t:1:1: error: token is an encrypted JWE, not a signed JWT"},
      {"bad header base64", "abcde." + Base64Url(kPayload) + ".c2ln", "t:1:1: error: JWT header is not valid base64url"},
      {"bad payload base64", Base64Url(kHeader) + ".abcde.c2ln", "t:1:1: error: JWT payload is not valid base64url"},
      {"bad signature base64", Base64Url(kHeader) + "." + Base64Url(kPayload) + ".abcde",
       "t:1:1: error: JWT signature is not valid base64url"},
      {"header not JSON", Jwt("not json"), "t:1:1: error: token header is not valid JSON: syntax error: value, "
                                           "object or array expected"},
      {"payload not JSON", Jwt(kHeader, R"({"iss": )"),
       "t:1:1: error: token payload is not valid JSON: syntax error: value, object or array expected"},
      {"payload not an object", Jwt(kHeader, R"(["iss"])"), "t:1:1: error: token payload is not a JSON object"},
      {"payload not UTF-8", Jwt(kHeader, "{\"sub\": \"\xff\"}"), "t:1:1: error: token payload is not valid UTF-8"},
      {"claims not an object", "[1, 2]", "t:1:1: error: token claims must be a JSON object"},
      {"claims JSON error is located", "{\n  \"iss\": \"x\",\n  \"sub\" \"y\"\n}",
       "t:3:9: error: invalid JSON: missing ':' after object member name"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto token = DecodeToken(c.text, "t");
    ASSERT_FALSE(token.ok());
    EXPECT_EQ(token.status().ToString(), c.error);
  }
}

TEST(DecodeToken, SizeLimit) {
  TokenLimits limits;
  limits.max_bytes = 16;
  auto token = DecodeToken(R"({"iss": "https://x.example"})", "t", limits);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().ToString(), "t:1:1: error: token is larger than the limit of 16 bytes");
}

// RFC 6901: `~1` is `/`, `~0` is `~` (decoded in that order), array indexes
// are decimal without leading zeros, the empty pointer is the whole document.
TEST(Claims, JsonPointer) {
  auto token = DecodeToken(R"({
    "kubernetes.io": {"namespace": "default", "pod": {"name": "p-1"}},
    "a/b": 1, "m~n": 2, "~1": 3, "": 4,
    "groups": ["dev", "ops"],
    "https://aws.amazon.com/tags": {"principal_tags": {"Team": ["platform"]}}
  })", "t");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  const Claims& c = token->claims;
  struct Case {
    const char* pointer;
    const char* json;  // compact JSON of the value, or nullptr when absent
  };
  const Case cases[] = {
      {"/kubernetes.io/namespace", "\"default\""},
      {"/kubernetes.io/pod/name", "\"p-1\""},
      {"/a~1b", "1"},
      {"/m~0n", "2"},
      {"/~01", "3"},
      {"/", "4"},
      {"/groups/1", "\"ops\""},
      {"/https:~1~1aws.amazon.com~1tags/principal_tags/Team/0", "\"platform\""},
      {"/groups/01", nullptr},
      {"/groups/2", nullptr},
      {"/groups/-", nullptr},
      {"/kubernetes.io/missing", nullptr},
      {"/kubernetes.io/namespace/x", nullptr},
      {"kubernetes.io", nullptr},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.pointer);
    const Json::Value* v = c.FindPointer(k.pointer);
    if (!k.json) {
      EXPECT_EQ(v, nullptr);
      continue;
    }
    ASSERT_NE(v, nullptr);
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    EXPECT_EQ(Json::writeString(b, *v), k.json);
  }
  EXPECT_EQ(c.FindPointer(""), &c.root());
}

// The AWS condition-key prefix: iss without https://, path and trailing slash
// kept, lower-cased (key names ignore case).
TEST(Claims, AwsKeyPrefix) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://token.actions.githubusercontent.com", "token.actions.githubusercontent.com"},
      {"https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
       "oidc.eks.us-east-1.amazonaws.com/id/exampled539d4633e53de1b71example"},
      {"https://auth.example.com/", "auth.example.com/"},
      {"accounts.google.com", "accounts.google.com"},
  };
  for (const auto& [iss, prefix] : cases) {
    Json::Value root(Json::objectValue);
    root["iss"] = iss;
    Claims claims(root);
    EXPECT_EQ(claims.issuer(), iss);
    EXPECT_EQ(claims.aws_key_prefix(), prefix);
  }
  Json::Value no_string(Json::objectValue);
  no_string["iss"] = 7;
  EXPECT_EQ(Claims(no_string).issuer(), "");
}

TEST(ParseTime, AcceptedForms) {
  const std::pair<const char*, int64_t> cases[] = {
      {"2021-09-24T14:31:07Z", 1632493867},
      {"2021-09-24t14:31:07z", 1632493867},
      {"2021-09-24 14:31:07Z", 1632493867},
      {"2021-09-24T14:31:07.999Z", 1632493867},
      {"2021-09-24T16:31:07+02:00", 1632493867},
      {"2021-09-24T09:01:07-05:30", 1632493867},
      {"2021-09-24", 1632441600},
      {"2024-02-29T00:00:00Z", 1709164800},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1},
      {"1632493867", 1632493867},
      {"  1632493867 ", 1632493867},
      {"-1", -1},
  };
  for (const auto& [text, seconds] : cases) {
    auto t = ParseTime(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(*t, seconds) << text;
  }
}

TEST(ParseTime, RejectedForms) {
  for (const char* text : {"", "now", "2021-09-24T14:31:07", "2021-09-24T14:31Z", "2021-13-01T00:00:00Z",
                           "2021-02-29T00:00:00Z", "2021-09-31T00:00:00Z", "2021-09-24T24:00:00Z",
                           "2021-09-24T14:31:07.Z", "2021-09-24T14:31:07+0200", "2021-09-24T14:31:07Z junk",
                           "1632493867.5", "99999999999999999999", "21-09-24"}) {
    auto t = ParseTime(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.status().message(), std::string("time `") + text + "` is neither RFC 3339 nor Unix seconds");
  }
}

TEST(FormatTime, Rfc3339InUtc) {
  EXPECT_EQ(FormatTime(1632493867), "2021-09-24T14:31:07Z");
  EXPECT_EQ(FormatTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTime(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTime(1709164800), "2024-02-29T00:00:00Z");
  for (int64_t t : {int64_t{-86401}, int64_t{951782400}, int64_t{4102444799}}) EXPECT_EQ(*ParseTime(FormatTime(t)), t);
}

// AWS checks exp and nbf against the evaluation time without skew; iat is
// not checked and no time claim is required (docs/semantics-aws.md).
TEST(TokenTime, ExpAndNbfAgainstTheEvaluationTime) {
  auto file = LoadText("policy.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity"}]})", LoadOptions{});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const Trust& trust = file->trusts.front();
  auto token = DecodeToken(Jwt(), "token.jwt");
  ASSERT_TRUE(token.ok());
  struct Case {
    const char* at;  // as given to --at
    const char* outcome;
    const char* reason;
  };
  const Case cases[] = {
      {"2021-09-24T14:31:07Z", "allowed", "allowed by statement #1"},  // == exp
      {"2021-09-24T14:31:08Z", "token time", "token expired at 1632493867 (`exp`), 1 s before the evaluation time"},
      {"1632492967", "allowed", "allowed by statement #1"},  // == nbf
      {"2021-09-24T14:16:06Z", "token time", "token is not valid before 1632492967 (`nbf`)"},
      {"2021-09-24T14:26:06Z", "allowed", "allowed by statement #1"},  // before iat: not checked
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.at);
    auto at = ParseTime(c.at);
    ASSERT_TRUE(at.ok());
    Decision d = Evaluate(trust, token->claims, EvalOptions{*at});
    EXPECT_EQ(OutcomeName(d.outcome), std::string(c.outcome));
    ASSERT_FALSE(d.reasons.empty());
    EXPECT_EQ(d.reasons.front().message, c.reason);
  }
  auto string_exp = DecodeToken(R"({"iss": "https://token.actions.githubusercontent.com", "exp": "soon"})", "t");
  ASSERT_TRUE(string_exp.ok());
  Decision d = Evaluate(trust, string_exp->claims, EvalOptions{0});
  EXPECT_EQ(d.outcome, Outcome::kTokenTime);
  EXPECT_EQ(d.reasons.front().message, "token time claims `exp`, `nbf` and `iat` must be numbers");
}

}  // namespace
}  // namespace trustcheck
