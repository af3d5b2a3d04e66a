// Tests for Vault JWT auth roles (engine/src/formats/vault_role*): every
// login rule of vault-plugin-auth-jwt as docs/semantics-vault.md states it,
// table-driven from the documented examples (GitHub's and GitLab's Vault
// roles), with exact decisions, reasons and locations; the quirks (strict
// audience, typed equality, number truncation, `*`-only glob, JSON pointers,
// leeways at their boundaries); the auth-config link; write-time refusals.

#include <gtest/gtest.h>
#include <json/json.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "formats/vault_role.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck {
namespace {

// The GitHub Actions example token of GitHub's OIDC docs, with the audience
// the Vault action requests by default (the owner's URL).
constexpr const char* kGitHubToken = R"({
  "iss": "https://token.actions.githubusercontent.com",
  "aud": "https://github.com/octo-org",
  "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
  "repository": "octo-org/octo-repo",
  "repository_owner": "octo-org",
  "repository_id": "74",
  "ref": "refs/heads/main",
  "actor": "octocat",
  "jti": "example-id",
  "nbf": 1632492967,
  "exp": 1632493867,
  "iat": 1632493567
})";
constexpr int64_t kAt = 1632493600;

// GitHub's documented role ("Configuring OpenID Connect in HashiCorp
// Vault"), plus the bound_audiences the strict rule now needs.
constexpr const char* kGitHubRole = R"({
  "role_type": "jwt",
  "user_claim": "actor",
  "bound_audiences": ["https://github.com/octo-org"],
  "bound_claims": {
    "repository": "octo-org/octo-repo"
  },
  "policies": ["myproject-production"],
  "ttl": "10m"
})";

// Merges `overrides` (a JSON object) into `base`; a member whose value is the
// string "<delete>" is removed.
std::string Merge(const std::string& base, const std::string& overrides) {
  Json::Value b, o;
  Json::Reader().parse(base, b);
  if (!overrides.empty() && !Json::Reader().parse(overrides, o)) ADD_FAILURE() << "bad overrides: " << overrides;
  for (const std::string& k : o.getMemberNames()) {
    if (o[k].isString() && o[k].asString() == "<delete>") b.removeMember(k);
    else b[k] = o[k];
  }
  Json::StreamWriterBuilder w;
  w["indentation"] = "  ";
  return Json::writeString(w, b);
}

Result<LoadedFile> Load(const std::string& text, const std::string& path = "role.json", bool malformed_is_error = true) {
  LoadOptions options;
  options.malformed_is_error = malformed_is_error;
  return LoadText(path, text, options);
}

Trust LoadRole(const std::string& text, const std::string& path = "role.json") {
  auto file = Load(text, path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok() || file->trusts.size() != 1) return Trust();
  EXPECT_EQ(file->format, "vault-role");
  return file->trusts[0];
}

Decision Eval(const Trust& trust, const std::string& token, int64_t at = kAt) {
  auto decoded = DecodeToken(token, "token.json");
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  EvalOptions options;
  options.now = at;
  return Evaluate(trust, decoded->claims, options);
}

// The first reason of a decision, as "line:column: message" ("" if none).
std::string FirstReason(const Decision& d) {
  if (d.reasons.empty()) return "";
  const Reason& r = d.reasons.front();
  return std::to_string(r.loc.line) + ":" + std::to_string(r.loc.column) + ": " + r.message;
}

struct Case {
  const char* name;
  std::string role_overrides;   // merged into kGitHubRole
  std::string token_overrides;  // merged into kGitHubToken
  bool accepted;
  std::string reason;  // first reason when rejected: "line:column: message"
  int64_t at = kAt;
};

// "line:column: " of the first `"key"` in `text` (where a reason points).
std::string KeyPosition(const std::string& text, const std::string& key) {
  size_t at = text.find("\"" + key + "\"");
  if (at == std::string::npos) return "?:?: ";
  size_t line_start = text.rfind('\n', at);
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// Reasons point at a key of the role (`At("bound_subject")`) or at the role
// itself (`kTop`, 1:1).
std::string At(const std::string& key) { return "@" + key + "|"; }
const std::string kTop = "1:1: ";

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string role = Merge(kGitHubRole, c.role_overrides);
    Trust trust = LoadRole(role);
    Decision d = Eval(trust, Merge(kGitHubToken, c.token_overrides), c.at);
    EXPECT_EQ(d.accepted, c.accepted) << FirstReason(d) << "\nrole: " << role;
    if (c.accepted) continue;
    std::string expected = c.reason;
    if (!expected.empty() && expected[0] == '@') {
      size_t bar = expected.find('|');
      expected = KeyPosition(role, expected.substr(1, bar - 1)) + expected.substr(bar + 1);
    }
    EXPECT_EQ(FirstReason(d), expected) << "role: " << role;
  }
}

// Reasons carry the statement name (the role name, from the file name).
std::string In(const std::string& message) { return "statement `role`: " + message; }

// ---------------------------------------------------------------------------
// Role type, subject, audiences

TEST(VaultRole, RoleTypeSubjectAndAudiences) {
  RunCases({
      {"documented role accepts", "", "", true, ""},
      {"oidc role cannot use /login", R"({"role_type": "oidc", "allowed_redirect_uris": ["https://vault/cb"]})", "",
       false, At("role_type") + In("`role_type` is `oidc`: such roles cannot log in with a JWT (`/login` refuses them)")},
      // bound_subject: exact and case-sensitive.
      {"bound_subject equal", R"({"bound_subject": "repo:octo-org/octo-repo:ref:refs/heads/main"})", "", true, ""},
      {"bound_subject differs in case", R"({"bound_subject": "repo:Octo-Org/octo-repo:ref:refs/heads/main"})", "",
       false,
       At("bound_subject") + In("subject (bound_subject) expects `repo:Octo-Org/octo-repo:ref:refs/heads/main`; token `sub` has "
                    "`repo:octo-org/octo-repo:ref:refs/heads/main` (differs only in letter case)")},
      // bound_subject is never a glob, even with bound_claims_type glob.
      {"bound_subject is never a glob", R"({"bound_subject": "repo:octo-org/*", "bound_claims_type": "glob"})", "",
       false,
       At("bound_subject") + In("subject (bound_subject) expects `repo:octo-org/*`; token `sub` has "
                    "`repo:octo-org/octo-repo:ref:refs/heads/main`")},
      // bound_audiences: any of them, exactly; the token's aud may be a list.
      {"audience any-of", R"({"bound_audiences": ["sts.amazonaws.com", "https://github.com/octo-org"]})", "", true,
       ""},
      {"audience inside a token list", "", R"({"aud": ["other", "https://github.com/octo-org"]})", true, ""},
      {"audience differs", "", R"({"aud": "https://github.com/octo-org/"})", false,
       At("bound_audiences") + In("audience (bound_audiences) expects `https://github.com/octo-org`; token `aud` has "
                    "`https://github.com/octo-org/` (differs only by a trailing slash)")},
      {"audience empty token list", "", R"({"aud": []})", false,
       At("bound_audiences") + In("audience (bound_audiences) found `aud` empty")},
      {"audience missing", "", R"({"aud": "<delete>"})", false,
       At("bound_audiences") + In("audience (bound_audiences) expects `https://github.com/octo-org`; the token has no `aud`")},
      // The strict rule: no bound_audiences and a non-empty aud rejects.
      {"strict: GitHub's documented role without audiences", R"({"bound_audiences": "<delete>"})", "", false,
       kTop + In("audience (the role has no bound_audiences) expects an empty string or an empty list; token "
                    "`aud` has `\"https://github.com/octo-org\"`")},
      {"strict: list aud", R"({"bound_audiences": null})", R"({"aud": ["x"]})", false,
       At("bound_audiences") + In("audience (the role has no bound_audiences) expects an empty string or an empty list; token "
                    "`aud` has `[\"x\"]`")},
      {"strict: no aud passes", R"({"bound_audiences": "<delete>"})", R"({"aud": "<delete>"})", true, ""},
      {"strict: empty string aud passes", R"({"bound_audiences": "<delete>"})", R"({"aud": ""})", true, ""},
      {"strict: empty list aud passes", R"({"bound_audiences": []})", R"({"aud": []})", true, ""},
      // vault write takes a comma-separated string (TypeCommaStringSlice).
      {"comma-separated audiences", R"({"bound_audiences": "sts.amazonaws.com, https://github.com/octo-org"})", "",
       true, ""},
  });
}

// ---------------------------------------------------------------------------
// Registered claims: cap decodes iss, sub, jti and aud into go-jose's struct.

TEST(VaultRole, RegisteredClaimTypes) {
  RunCases({
      {"numeric sub fails decoding", "", R"({"sub": 42})", false,
       kTop + In("registered claim (JSON type) expects a string or null; token `sub` has `42`")},
      {"aud list with a number fails decoding", "", R"({"aud": ["https://github.com/octo-org", 5]})", false,
       kTop + In("registered claim (JSON type) expects a string or a list of strings; token `aud` has "
                    "`[\"https://github.com/octo-org\",5]`")},
      {"null aud fails decoding", "", R"({"aud": null})", false,
       kTop + In("registered claim (JSON type) expects a string or a list of strings; token `aud` has `null`")},
      {"null sub is an empty subject", "", R"({"sub": null})", true, ""},
      // encoding/json matches struct fields case-insensitively (cap v0.13.0).
      {"SUB satisfies bound_subject", R"({"bound_subject": "repo:x"})", R"({"sub": "<delete>", "SUB": "repo:x"})",
       true, ""},
      {"sub wins over SUB", R"({"bound_subject": "repo:x"})", R"({"sub": "repo:y", "SUB": "repo:x"})", false,
       At("bound_subject") + In("subject (bound_subject) expects `repo:x`; token `sub` has `repo:y`")},
  });
}

// ---------------------------------------------------------------------------
// bound_claims, "string" mode: typed equality, any-of-any, numbers.

TEST(VaultRole, BoundClaimsString) {
  RunCases({
      {"AND over keys", R"({"bound_claims": {"repository": "octo-org/octo-repo", "ref": "refs/heads/dev"}})", "",
       false,
       At("ref") + In("bound claim `ref` (string) expects `\"refs/heads/dev\"`; token `ref` has "
                    "`\"refs/heads/main\"`")},
      {"bound list: any value", R"({"bound_claims": {"ref": ["refs/heads/dev", "refs/heads/main"]}})", "", true, ""},
      {"token list: any element", R"({"bound_claims": {"groups": "admins"}})", R"({"groups": ["dev", "admins"]})",
       true, ""},
      {"lists on both sides", R"({"bound_claims": {"groups": ["ops", "admins"]}})",
       R"({"groups": ["dev", "admins"]})", true, ""},
      {"lists on both sides, no overlap", R"({"bound_claims": {"groups": ["ops", "sec"]}})",
       R"({"groups": ["dev", "admins"]})", false,
       At("groups") + In("bound claim `groups` (string) expects `\"ops\"` or `\"sec\"`; none of the 2 values of "
                    "`groups` matches")},
      {"empty token list", R"({"bound_claims": {"groups": "admins"}})", R"({"groups": []})", false,
       At("groups") + In("bound claim `groups` (string) found `groups` empty")},
      {"empty bound list", R"({"bound_claims": {"groups": []}})", R"({"groups": ["admins"]})", false,
       At("groups") + In("bound claim `groups` lists no values, so no token matches it")},
      {"missing claim", R"({"bound_claims": {"environment": "production"}})", "", false,
       At("environment") + In("bound claim `environment` (string) expects `\"production\"`; the token has no `environment`")},
      {"null claim is missing", R"({"bound_claims": {"environment": "production"}})", R"({"environment": null})",
       false,
       At("environment") + In("bound claim `environment` (string) expects `\"production\"`; the token has no `environment`")},
      {"object claim rejects", R"({"bound_claims": {"ctx": "x"}})", R"({"ctx": {"a": "x"}})", false,
       At("ctx") + In("bound claim `ctx` (string) expects `\"x\"`; token `ctx` holds an object, which matches nothing")},
      {"bound true matches token true", R"({"bound_claims": {"ref_protected": true}})", R"({"ref_protected": true})",
       true, ""},
      {"bound \"true\" does not match token true", R"({"bound_claims": {"ref_protected": "true"}})",
       R"({"ref_protected": true})", false,
       At("ref_protected") + In("bound claim `ref_protected` (string) expects `\"true\"`; token `ref_protected` has `true` (same "
                    "text, different JSON type)")},
      {"bound true does not match token \"true\"", R"({"bound_claims": {"ref_protected": true}})",
       R"({"ref_protected": "true"})", false,
       At("ref_protected") + In("bound claim `ref_protected` (string) expects `true`; token `ref_protected` has `\"true\"` "
                    "(same text, different JSON type)")},
      {"bound 42 matches token 42", R"({"bound_claims": {"project_id": 42}})", R"({"project_id": 42})", true, ""},
      {"bound 42 does not match token \"42\"", R"({"bound_claims": {"project_id": 42}})", R"({"project_id": "42"})",
       false,
       At("project_id") + In("bound claim `project_id` (string) expects `42`; token `project_id` has `\"42\"` (same text, "
                    "different JSON type)")},
      {"bound \"22\" matches GitLab's string project_id", R"({"bound_claims": {"project_id": "22"}})",
       R"({"project_id": "22"})", true, ""},
      // Token numbers are truncated to integers; bound numbers keep their text.
      {"token 42.9 truncates to 42", R"({"bound_claims": {"n": 42}})", R"({"n": 42.9})", true, ""},
      {"token -1.5 truncates to -1", R"({"bound_claims": {"n": -1}})", R"({"n": -1.5})", true, ""},
      {"bound 1.5 never matches", R"({"bound_claims": {"n": 1.5}})", R"({"n": 1.5})", false,
       At("n") + In("bound claim `n` (string) expects `1.5`; token `n` has `1.5` (token numbers are truncated to "
                    "whole numbers and compared as written)")},
      {"bound 100.0 never matches", R"({"bound_claims": {"n": 100.0}})", R"({"n": 100})", false,
       At("n") + In("bound claim `n` (string) expects `100.0`; token `n` has `100` (token numbers are truncated to "
                    "whole numbers and compared as written)")},
      {"bound 100 matches token 100.0", R"({"bound_claims": {"n": 100}})", R"({"n": 100.0})", true, ""},
      {"numbers in a token list stay floats", R"({"bound_claims": {"n": 7}})", R"({"n": [7]})", false,
       At("n") + In("bound claim `n` (string) expects `7`; token `n` has `7` (numbers inside a token list never equal "
                    "a number)")},
      {"bools in a token list compare", R"({"bound_claims": {"flags": true}})", R"({"flags": [false, true]})", true,
       ""},
  });
}

// Bound numbers are compared by their spelling in the file; a literal text
// keeps `1e2` (which jsoncpp would print as 100).
TEST(VaultRole, BoundNumberSpelling) {
  Trust trust = LoadRole(R"({"role_type": "jwt", "user_claim": "actor", "bound_claims": {"n": 1e2}})");
  Decision d = Eval(trust, Merge(kGitHubToken, R"({"aud": "<delete>", "n": 100})"));
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(FirstReason(d),
            "1:62: statement `role`: bound claim `n` (string) expects `1e2`; token `n` has `100` (token numbers are "
            "truncated to whole numbers and compared as written)");
}

// ---------------------------------------------------------------------------
// bound_claims, "glob" mode: ryanuber/go-glob, only `*`.

TEST(VaultRole, BoundClaimsGlob) {
  auto glob = [](const std::string& claims) {
    return std::string(R"({"bound_claims_type": "glob", "bound_claims": )") + claims + "}";
  };
  RunCases({
      {"prefix glob", glob(R"({"ref": "refs/heads/*"})"), "", true, ""},
      {"star crosses / and :", glob(R"({"sub": "repo:octo-org/*"})"), "", true, ""},
      {"star matches the empty run", glob(R"({"ref": "refs/heads/main*"})"), "", true, ""},
      {"question mark is literal", glob(R"({"ref": "refs/heads/mai?"})"), "", false,
       At("ref") + In("bound claim `ref` (glob) expects `refs/heads/mai?`; token `ref` has `refs/heads/main`")},
      {"question mark matches itself", glob(R"({"ref": "refs/heads/mai?"})"), R"({"ref": "refs/heads/mai?"})", true,
       ""},
      {"case-sensitive", glob(R"({"repository": "Octo-Org/*"})"), "", false,
       At("repository") + In("bound claim `repository` (glob) expects `Octo-Org/*`; token `repository` has "
                    "`octo-org/octo-repo` (differs only in letter case)")},
      {"star alone needs a present string", glob(R"({"environment": "*"})"), R"({"environment": ""})", true, ""},
      {"star alone rejects a missing claim", glob(R"({"environment": "*"})"), "", false,
       At("environment") + In("bound claim `environment` (glob) expects `*`; the token has no `environment`")},
      {"non-string token values never match", glob(R"({"ref_protected": "*"})"), R"({"ref_protected": true})",
       false,
       At("ref_protected") + In("bound claim `ref_protected` (glob) expects `*`; token `ref_protected` has `true` (not "
                                "a string, so no pattern matches it)")},
      {"token list: some string matches", glob(R"({"groups": "team-*"})"), R"({"groups": [1, "team-a"]})", true,
       ""},
      {"GitLab production role", glob(R"({"project_id": "22", "ref_protected": "true", "ref_type": "branch",
                                           "ref": "auto-deploy-*"})"),
       R"({"project_id": "22", "ref_protected": "true", "ref_type": "branch", "ref": "auto-deploy-2020-04-01"})",
       true, ""},
      {"a*a does not match a", glob(R"({"x": "a*a"})"), R"({"x": "a"})", false,
       At("x") + In("bound claim `x` (glob) expects `a*a`; token `x` has `a`")},
  });
}

// ---------------------------------------------------------------------------
// Claim lookup: keys starting with `/` are JSON pointers.

TEST(VaultRole, JsonPointerKeys) {
  RunCases({
      {"pointer into an object", R"({"bound_claims": {"/kubernetes.io/namespace": "ci"}})",
       R"({"kubernetes.io": {"namespace": "ci"}})", true, ""},
      {"pointer into a list", R"({"bound_claims": {"/groups/1": "admins"}})", R"({"groups": ["dev", "admins"]})",
       true, ""},
      {"pointer past the end", R"({"bound_claims": {"/groups/2": "admins"}})", R"({"groups": ["dev", "admins"]})",
       false, At("/groups/2") + In("bound claim `/groups/2` (string) expects `\"admins\"`; the token has no `/groups/2`")},
      {"escaped slash", R"({"bound_claims": {"/a~1b": "x"}})", R"({"a/b": "x"})", true, ""},
      {"a key without / is literal", R"({"bound_claims": {"kubernetes.io/namespace": "ci"}})",
       R"({"kubernetes.io": {"namespace": "ci"}, "kubernetes.io/namespace": "prod"})", false,
       At("kubernetes.io/namespace") + In("bound claim `kubernetes.io/namespace` (string) expects `\"ci\"`; token "
                    "`kubernetes.io/namespace` has `\"prod\"`")},
      {"pointer number truncates too", R"({"bound_claims": {"/k/n": 3}})", R"({"k": {"n": 3.99}})", true, ""},
  });
}

// ---------------------------------------------------------------------------
// user_claim, groups_claim, claim_mappings.

TEST(VaultRole, IdentityClaims) {
  RunCases({
      {"user claim missing", "", R"({"actor": "<delete>"})", false,
       At("user_claim") + In("user claim (user_claim) expects a string; the token has no `actor`")},
      {"user claim not a string", "", R"({"actor": 12})", false,
       At("user_claim") + In("user claim (user_claim) expects a string; token `actor` has `12`")},
      {"user claim empty string is accepted", "", R"({"actor": ""})", true, ""},
      {"user claim null", "", R"({"actor": null})", false,
       At("user_claim") + In("user claim (user_claim) expects a string; token `actor` has `null`")},
      {"user claim pointer", R"({"user_claim": "/user/login", "user_claim_json_pointer": true})",
       R"({"user": {"login": "octocat"}})", true, ""},
      {"user claim `/x` is literal without the pointer flag", R"({"user_claim": "/user/login"})",
       R"({"user": {"login": "octocat"}})", false,
       At("user_claim") + In("user claim (user_claim) expects a string; the token has no `/user/login`")},
      {"groups string", R"({"groups_claim": "groups"})", R"({"groups": "admins"})", true, ""},
      {"groups list of strings", R"({"groups_claim": "groups"})", R"({"groups": ["a", "b"]})", true, ""},
      {"groups missing", R"({"groups_claim": "groups"})", "", false,
       At("groups_claim") + In("groups claim (groups_claim) expects a string or a list of strings; the token has no `groups`")},
      {"groups list with a number", R"({"groups_claim": "groups"})", R"({"groups": ["a", 1]})", false,
       At("groups_claim") + In("groups claim (groups_claim) expects a string or a list of strings; token `groups` has "
                    "`[\"a\",1]`")},
      {"claim mapping of a missing claim is skipped", R"({"claim_mappings": {"environment": "env"}})", "", true, ""},
      {"claim mapping of a string", R"({"claim_mappings": {"ref": "ref"}})", "", true, ""},
      {"claim mapping of a number fails", R"({"claim_mappings": {"run_attempt": "attempt"}})",
       R"({"run_attempt": 2})", false,
       At("run_attempt") + In("claim mapping (claim_mappings) expects a string or null; token `run_attempt` has `2`")},
  });
}

// ---------------------------------------------------------------------------
// Time: at least one of iat/nbf/exp; clock_skew_leeway (0 = 60 s, -1 = off)
// widens every check; expiration/not_before leeways only synthesise.

TEST(VaultRole, TimeRules) {
  const int64_t iat = 1632493567, exp = 1632493867, nbf = 1632492967;
  RunCases({
      {"no time claims", "", R"({"iat": "<delete>", "nbf": "<delete>", "exp": "<delete>"})", false,
       "1:1: token has none of the time claims `iat`, `nbf`, `exp`"},
      {"time claims equal to 0 count as absent", "", R"({"iat": 0, "nbf": "<delete>", "exp": "<delete>"})", false,
       "1:1: token has none of the time claims `iat`, `nbf`, `exp`"},
      {"exp + 60 s skew accepts", "", "", true, "", exp + 60},
      {"exp + 61 s rejects", "", "", false,
       "1:1: token expired at 1632493867 (`exp`), 61 s before the evaluation time", exp + 61},
      {"skew -1 disables", R"({"clock_skew_leeway": -1})", "", false,
       "1:1: token expired at 1632493867 (`exp`), 1 s before the evaluation time", exp + 1},
      {"skew -1 at exp accepts", R"({"clock_skew_leeway": -1})", "", true, "", exp},
      {"skew 30", R"({"clock_skew_leeway": 30})", "", false,
       "1:1: token expired at 1632493867 (`exp`), 31 s before the evaluation time", exp + 31},
      {"skew as a duration string", R"({"clock_skew_leeway": "2m"})", "", true, "", exp + 120},
      {"nbf - 60 s accepts", "", R"({"iat": "<delete>"})", true, "", nbf - 60},
      {"nbf - 61 s rejects", "", R"({"iat": "<delete>"})", false,
       "1:1: token is not valid before 1632492967 (`nbf`)", nbf - 61},
      {"iat in the future beyond skew", "", "", false, "1:1: token was issued in the future (1632493567, `iat`)",
       iat - 61},
      // Without nbf, iat stands in for it, so the nbf check speaks first.
      {"missing nbf takes iat", "", R"({"nbf": "<delete>"})", false,
       "1:1: token is not valid before 1632493567 (no `nbf`: `iat` stands in)", iat - 61},
      // Missing exp: max(iat, nbf) + expiration_leeway (0 means 150 s).
      {"only iat: exp synthesised 150 s later", "", R"({"nbf": "<delete>", "exp": "<delete>"})", true, "",
       iat + 150 + 60},
      {"only iat: one second later", "", R"({"nbf": "<delete>", "exp": "<delete>"})", false,
       "1:1: token expired at 1632493717 (no `exp`: the later of `iat` and `nbf` plus the expiration leeway), 61 s "
       "before the evaluation time",
       iat + 211},
      {"expiration_leeway 10", R"({"expiration_leeway": 10})", R"({"nbf": "<delete>", "exp": "<delete>"})", false,
       "1:1: token expired at 1632493577 (no `exp`: the later of `iat` and `nbf` plus the expiration leeway), 61 s "
       "before the evaluation time",
       iat + 71},
      {"expiration_leeway -1 means none", R"({"expiration_leeway": -1})", R"({"nbf": "<delete>", "exp": "<delete>"})",
       false,
       "1:1: token expired at 1632493567 (no `exp`: the later of `iat` and `nbf` plus the expiration leeway), 61 s "
       "before the evaluation time",
       iat + 61},
      {"expiration_leeway does not widen an existing exp", R"({"expiration_leeway": 3600})", "", false,
       "1:1: token expired at 1632493867 (`exp`), 61 s before the evaluation time", exp + 61},
      // Missing nbf and iat: nbf = exp - not_before_leeway (0 means 150 s).
      {"only exp: nbf synthesised 150 s earlier", "", R"({"iat": "<delete>", "nbf": "<delete>"})", true, "",
       exp - 150 - 60},
      {"only exp: one second earlier", "", R"({"iat": "<delete>", "nbf": "<delete>"})", false,
       "1:1: token is not valid before 1632493717 (no `nbf`: `exp` minus the not-before leeway)", exp - 211},
      {"not_before_leeway 1000", R"({"not_before_leeway": 1000})", R"({"iat": "<delete>", "nbf": "<delete>"})", true,
       "", exp - 1060},
  });
}

// GitLab's documented example payload has `nbf` after `exp`: no instant makes
// it valid, whatever the role.
TEST(VaultRole, GitLabDocsTokenIsNeverValid) {
  Trust trust = LoadRole(R"({
  "role_type": "jwt",
  "policies": ["myproject-staging"],
  "token_explicit_max_ttl": 60,
  "user_claim": "user_email",
  "bound_claims": {
    "project_id": "22",
    "ref": "master",
    "ref_type": "branch"
  }
})");
  std::string token = R"({"iss": "gitlab.example.com", "iat": 1585710286, "nbf": 1585798372, "exp": 1585713886,
    "sub": "job_1212", "project_id": "22", "ref": "master", "ref_type": "branch",
    "user_email": "myuser@example.com"})";
  for (int64_t at : {1585710286LL, 1585713886LL, 1585798372LL}) {
    SCOPED_TRACE(at);
    EXPECT_FALSE(Eval(trust, token, at).accepted);
  }
  // With consistent times the same claims pass every role check.
  EXPECT_TRUE(Eval(trust, Merge(token, R"({"nbf": 1585710286})"), 1585710300).accepted);
}

// ---------------------------------------------------------------------------
// Write-time refusals of Vault become located errors in eval (malformed).

TEST(VaultRole, MalformedRoles) {
  struct Malformed {
    const char* name;
    std::string role;
    std::string error;
  };
  const Malformed cases[] = {
      {"no bound constraint", R"({"role_type": "jwt", "user_claim": "sub"})",
       "role.json:1:1: error: a `jwt` role must have at least one bound constraint (`bound_audiences`, "
       "`bound_subject`, `bound_claims` or `token_bound_cidrs`)"},
      {"no user claim", R"({"role_type": "jwt", "bound_subject": "x"})",
       "role.json:1:1: error: a user claim must be defined on the role"},
      {"bad bound_claims_type", R"({"role_type": "jwt", "user_claim": "sub", "bound_subject": "x",
         "bound_claims_type": "regex"})",
       "role.json:2:31: error: `bound_claims_type` must be `string` or `glob`, not `regex`"},
      {"glob needs strings", R"({"role_type": "jwt", "user_claim": "sub", "bound_claims_type": "glob",
         "bound_claims": {"project_id": 22}})",
       "role.json:2:41: error: bound claim `project_id` value `22` is not a string; `glob` needs strings"},
      {"unknown role type", R"({"role_type": "JWT", "user_claim": "sub", "bound_subject": "x"})",
       "role.json:1:15: error: `role_type` must be `jwt` or `oidc`, not `JWT`"},
      {"role type defaults to oidc", R"({"user_claim": "sub", "bound_subject": "x"})",
       "role.json:1:1: error: `allowed_redirect_uris` must be set when `role_type` is `oidc` or unspecified"},
      {"bad leeway", R"({"role_type": "jwt", "user_claim": "sub", "bound_subject": "x", "clock_skew_leeway": "soon"})",
       "role.json:1:86: error: `clock_skew_leeway` must be a duration in seconds, not `\"soon\"`"},
      {"reserved mapping target", R"({"role_type": "jwt", "user_claim": "sub", "bound_subject": "x",
         "claim_mappings": {"ref": "role"}})",
       "role.json:2:36: error: metadata key `role` is reserved and may not be a mapping destination"},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.name);
    auto file = Load(c.role);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.status().ToString(), c.error);
  }
  // The linter's view: the note is kept and the role never accepts.
  auto lint = Load(R"({"role_type": "jwt", "user_claim": "sub"})", "role.json", false);
  ASSERT_TRUE(lint.ok());
  ASSERT_EQ(lint->trusts.size(), 1u);
  ASSERT_EQ(lint->trusts[0].notes.size(), 2u);  // the issuer caveat and the refusal
  EXPECT_EQ(lint->trusts[0].notes[1].kind, LoweringNote::Kind::kMalformed);
}

// An oidc role written with its redirect URIs is valid, and never logs in.
TEST(VaultRole, OidcRoleIsValidButRejects) {
  Trust trust = LoadRole(R"({"user_claim": "sub", "allowed_redirect_uris": "https://vault.example.com/ui/callback",
                             "bound_audiences": "vault"})");
  Decision d = Eval(trust, Merge(kGitHubToken, R"({"aud": "vault"})"));
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(FirstReason(d),
            "1:1: statement `role`: the role has no `role_type`, so Vault made it an `oidc` role, which cannot log in "
            "with a JWT (`/login` refuses it)");
}

// ---------------------------------------------------------------------------
// Formats and detection.

TEST(VaultRole, EnvelopeBareAndWriteBodyAgree) {
  const std::string data = R"({
    "role_type": "jwt", "bound_audiences": ["https://github.com/octo-org"], "bound_subject": "",
    "bound_claims_type": "string", "bound_claims": {"repository": "octo-org/octo-repo"},
    "claim_mappings": null, "user_claim": "actor", "user_claim_json_pointer": false, "groups_claim": "",
    "expiration_leeway": 0, "not_before_leeway": 0, "clock_skew_leeway": 0, "token_bound_cidrs": [],
    "token_policies": ["myproject-production"], "token_type": "default", "token_ttl": 600, "allowed_redirect_uris": null,
    "oidc_scopes": null, "verbose_oidc_logging": false, "max_age": 0, "oauth2_metadata": null
  })";
  const std::string envelope = R"({"request_id": "6f3f", "lease_id": "", "lease_duration": 0, "renewable": false,
    "data": )" + data + R"(, "warnings": null, "mount_type": "jwt"})";
  // The envelope trimmed to `data` alone is the same role too.
  const std::string bare_envelope = R"({"data": )" + data + "}";
  for (const std::string& text : {data, envelope, bare_envelope, std::string(kGitHubRole)}) {
    Trust trust = LoadRole(text);
    EXPECT_TRUE(Eval(trust, kGitHubToken).accepted);
    EXPECT_FALSE(Eval(trust, Merge(kGitHubToken, R"({"repository": "octo-org/other"})")).accepted);
    EXPECT_EQ(trust.platform, Platform::kVault);
    EXPECT_EQ(trust.kind, TrustKind::kJwtRole);
    EXPECT_EQ(trust.name, "role");
  }
}

// `--type vault-role` on the bare envelope reads its `data`, not the
// envelope, as the role.
TEST(VaultRole, ForcedTypeReadsTheBareEnvelopesData) {
  LoadOptions options;
  options.forced_format = "vault-role";
  auto file = LoadText("role.json", R"({"data": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["vault"],
    "bound_claims": {"project_id": "42"}}})", options);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->trusts.size(), 1u);
  for (const LoweringNote& n : file->trusts[0].notes) EXPECT_NE(n.kind, LoweringNote::Kind::kMalformed) << n.message;
}

TEST(VaultRole, NameAndMountFromVaultLayout) {
  Trust trust = LoadRole(kGitHubRole, "dump/auth/ci/github/role/deploy.json");
  EXPECT_EQ(trust.name, "deploy");
  ASSERT_TRUE(trust.facts.vault.has_value());
  EXPECT_EQ(trust.facts.vault->mount, "ci/github");
  auto config = vault::ParseVaultPath("dump/auth/jwt/config.json");
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->mount, "jwt");
  EXPECT_EQ(config->role, "");
  EXPECT_FALSE(vault::ParseVaultPath("roles/deploy.json").has_value());
}

TEST(VaultRole, DetectsConfigApartFromRole) {
  auto config = Load(R"({"request_id": "1", "lease_id": "", "renewable": false, "lease_duration": 0,
    "data": {"bound_issuer": "https://gitlab.example.com", "oidc_discovery_url": "https://gitlab.example.com",
             "jwks_url": "", "default_role": "", "jwt_supported_algs": []}, "warnings": null})",
                     "config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->format, "vault-jwt-config");
  EXPECT_TRUE(config->trusts.empty());
  ASSERT_EQ(config->facts.size(), 1u);
  EXPECT_EQ(config->facts[0].kind, LoadedFile::Fact::Kind::kVaultJwtConfig);
  EXPECT_EQ(config->facts[0].loc.line, 2u);  // the bound_issuer key
}

TEST(VaultRole, DurationsAndSpellings) {
  auto seconds = [](const char* json) {
    Json::Value v;
    Json::Reader().parse(json, v);
    return vault::ParseDurationSeconds(v);
  };
  EXPECT_EQ(seconds("60"), 60);
  EXPECT_EQ(seconds("-1"), -1);
  EXPECT_EQ(seconds("\"-1\""), -1);
  EXPECT_EQ(seconds("\"1m30s\""), 90);
  EXPECT_EQ(seconds("\"1.5m\""), 90);
  EXPECT_EQ(seconds("\"2d\""), 172800);
  EXPECT_EQ(seconds("\"1500ms\""), 1);
  EXPECT_EQ(seconds("\"\""), 0);
  EXPECT_EQ(seconds("1.5"), std::nullopt);
  EXPECT_EQ(seconds("\"1.5\""), std::nullopt);
  EXPECT_EQ(seconds("\"10 minutes\""), std::nullopt);
  std::vector<std::string> aud = vault::GoFieldSpellings("aud");
  EXPECT_EQ(aud.size(), 8u);
  EXPECT_EQ(aud.front(), "aud");
  EXPECT_EQ(aud.back(), "AUD");
  std::vector<std::string> sub = vault::GoFieldSpellings("sub");
  EXPECT_EQ(sub.size(), 12u);
  EXPECT_EQ(sub.front(), "\xC5\xBF" "ub");  // U+017F folds to s and sorts last in bytes
}

// One structural picture of a lowered role, in Vault's order of checks.
TEST(VaultRole, DumpShowsOrderOfChecks) {
  Trust trust = LoadRole(R"({"role_type": "jwt", "user_claim": "actor", "bound_claims": {"n": 1.50, "ref": "x"},
                             "claim_mappings": {"ref": "ref"}, "groups_claim": "groups"})");
  std::string dump = Dump(trust);
  auto at = [&](const char* piece) { return dump.find(piece); };
  ASSERT_NE(at("(test aud shape [<an empty string> <an empty list>] missing=true)"), std::string::npos) << dump;
  EXPECT_LT(at("(test iss shape"), at("(test aud shape [<an empty string>"));
  EXPECT_LT(at("(test aud shape [<an empty string>"), at("(test actor shape [<a string>])"));
  EXPECT_LT(at("(test actor shape"), at("(test ref shape [<a string> <null>] missing=true)"));
  EXPECT_LT(at("(test ref shape"), at("(test groups shape [<a string> <a list of strings>])"));
  EXPECT_LT(at("(test groups shape"), at("(test n typed-eq [1.50] any int-text)"));
  EXPECT_LT(at("(test n typed-eq"), at("(test ref typed-eq [\"x\"] any int-text)"));
}

// ---------------------------------------------------------------------------
// The link step: the auth config's bound_issuer applies to the roles.

class VaultLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("trustcheck-vault-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& relative, const std::string& text) {
    std::filesystem::path p = dir_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::vector<Trust> LoadAll() {
    auto result = LoadPaths({dir_.string()}, LoadOptions());
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    std::vector<Trust> trusts;
    if (!result.ok()) return trusts;
    for (const Status& e : result->errors) ADD_FAILURE() << e.ToString();
    for (const LoadedFile& f : result->files)
      for (const Trust& t : f.trusts) trusts.push_back(t);
    return trusts;
  }
  std::filesystem::path dir_;
};

TEST_F(VaultLinkTest, BoundIssuerChecksIss) {
  Write("auth/jwt/config.json", R"({"bound_issuer": "https://token.actions.githubusercontent.com",
    "oidc_discovery_url": "https://token.actions.githubusercontent.com"})");
  Write("auth/jwt/role/deploy.json", kGitHubRole);
  std::vector<Trust> trusts = LoadAll();
  ASSERT_EQ(trusts.size(), 1u);
  Decision ok = Eval(trusts[0], kGitHubToken);
  EXPECT_TRUE(ok.accepted);
  ASSERT_EQ(ok.reasons.size(), 1u);  // no caveat: the issuer was checked
  Decision slash = Eval(trusts[0], Merge(kGitHubToken, R"({"iss": "https://token.actions.githubusercontent.com/"})"));
  EXPECT_FALSE(slash.accepted);
  EXPECT_EQ(FirstReason(slash),
            "1:2: statement `deploy`: issuer (bound_issuer) expects `https://token.actions.githubusercontent.com`; "
            "token `iss` has `https://token.actions.githubusercontent.com/` (differs only by a trailing slash)");
}

TEST_F(VaultLinkTest, NoBoundIssuerMeansNoIssuerCheck) {
  Write("auth/jwt/config.json", R"({"bound_issuer": "", "oidc_discovery_url": "https://gitlab.com"})");
  Write("auth/jwt/role/deploy.json", kGitHubRole);
  std::vector<Trust> trusts = LoadAll();
  ASSERT_EQ(trusts.size(), 1u);
  Decision d = Eval(trusts[0], Merge(kGitHubToken, R"({"iss": "https://evil.example.com"})"));
  EXPECT_TRUE(d.accepted);
  ASSERT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(d.reasons[1].message,
            "the auth config sets no `bound_issuer`, so Vault does not check the token's issuer (not even against "
            "`oidc_discovery_url` `https://gitlab.com`)");
}

TEST_F(VaultLinkTest, RoleWithoutConfigSaysIssuerUnchecked) {
  Write("roles/deploy.json", kGitHubRole);
  std::vector<Trust> trusts = LoadAll();
  ASSERT_EQ(trusts.size(), 1u);
  Decision d = Eval(trusts[0], kGitHubToken);
  EXPECT_TRUE(d.accepted);
  ASSERT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(d.reasons[1].message,
            "no Vault auth config (`vault read auth/jwt/config`) in this load: the token's issuer was not checked "
            "against `bound_issuer`");
}

TEST_F(VaultLinkTest, ConfigOfTheSameMount) {
  Write("auth/github/config.json", R"({"bound_issuer": "https://token.actions.githubusercontent.com"})");
  Write("auth/gitlab/config.json", R"({"bound_issuer": "https://gitlab.com"})");
  Write("auth/gitlab/role/deploy.json", kGitHubRole);
  std::vector<Trust> trusts = LoadAll();
  ASSERT_EQ(trusts.size(), 1u);
  Decision d = Eval(trusts[0], kGitHubToken);
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(FirstReason(d),
            "1:2: statement `deploy`: issuer (bound_issuer) expects `https://gitlab.com`; token `iss` has "
            "`https://token.actions.githubusercontent.com`");
}

TEST_F(VaultLinkTest, SeveralConfigsAndUnknownMountCannotDecide) {
  Write("a/config.json", R"({"bound_issuer": "https://token.actions.githubusercontent.com"})");
  Write("b/config.json", R"({"bound_issuer": "https://gitlab.com"})");
  Write("roles/deploy.json", kGitHubRole);
  std::vector<Trust> trusts = LoadAll();
  ASSERT_EQ(trusts.size(), 1u);
  Decision d = Eval(trusts[0], kGitHubToken);
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.outcome, Outcome::kUnknown);
}

}  // namespace
}  // namespace trustcheck
