#include "synthetic_corpus.h"

#include <fmt/format.h>
#include <json/json.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "trustcheck/load.h"

namespace trustcheck::bench {

namespace {

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

size_t Orgs(size_t n) { return std::max<size_t>(4, n / 25); }
constexpr size_t kReposPerOrg = 8;

// A trust as a template with @0@, @1@... placeholders in its values, and the
// values of this instance.
struct Shape {
  std::string format;
  std::string template_text;
  std::vector<std::string> values;
};

std::string Fill(std::string text, const std::vector<std::string>& values) {
  for (size_t k = 0; k < values.size(); ++k) {
    std::string placeholder = fmt::format("@{}@", k);
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at))
      text.replace(at, placeholder.size(), values[k]), at += values[k].size();
  }
  return text;
}

std::string AwsRole(const std::string& provider, const std::string& conditions, const std::string& extra = "") {
  return fmt::format(
      R"({{"Version": "2012-10-17", "Statement": [{{"Sid": "Federated", "Effect": "Allow", )"
      R"("Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{}"}}, )"
      R"("Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{{}}}}}{}]}})",
      provider, conditions, extra);
}

constexpr const char* kGitHub = "token.actions.githubusercontent.com";

std::string GitHubAud() { return fmt::format(R"("StringEquals": {{"{}:aud": "sts.amazonaws.com"}})", kGitHub); }

std::string GitHubSub(const char* op, const std::string& values) {
  return fmt::format(R"("{}": {{"{}:sub": {}}})", op, kGitHub, values);
}

Shape ShapeOf(size_t i, size_t n) {
  const uint64_t h = Mix(i);
  const size_t org = h % Orgs(n);
  const size_t repo = (h >> 32) % kReposPerOrg;
  const std::string o = fmt::format("org{}", org);
  const std::string r = fmt::format("repo{}", repo);
  const size_t bucket = i % 100;
  if (i % 1000 == 999)  // audience only: any repository of GitHub may assume it
    return {"aws-policy", AwsRole(kGitHub, GitHubAud()), {}};
  if (bucket < 35)
    return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringEquals", "\"@0@\"")),
            {fmt::format("repo:{}/{}:ref:refs/heads/main", o, r)}};
  if (bucket < 45)
    return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringEquals", "\"@0@\"")),
            {fmt::format("repo:{}/{}:environment:prod", o, r)}};
  if (bucket < 65)
    return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringLike", "\"@0@\"")),
            {fmt::format("repo:{}/{}:*", o, r)}};
  if (bucket < 73)
    return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringLike", "\"@0@\"")),
            {fmt::format("repo:{}/*", o)}};
  if (bucket < 81)
    return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringLike", R"(["@0@", "@1@", "@2@"])")),
            {fmt::format("repo:{}/{}:ref:refs/heads/main", o, r),
             fmt::format("repo:{}/repo{}:*", o, (repo + 1) % kReposPerOrg),
             fmt::format("repo:{}/repo{}:environment:*", o, (repo + 2) % kReposPerOrg)}};
  if (bucket < 86) {
    // The whole organisation, except its pull requests.
    std::string deny = fmt::format(
        R"(, {{"Sid": "NoPullRequests", "Effect": "Deny", "Principal": {{"Federated": )"
        R"("arn:aws:iam::123456789012:oidc-provider/{}"}}, "Action": "sts:AssumeRoleWithWebIdentity", )"
        R"("Condition": {{{}}}}})",
        kGitHub, GitHubSub("StringLike", "\"@1@\""));
    return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringLike", "\"@0@\""), deny),
            {fmt::format("repo:{}/*", o), fmt::format("repo:{}/*:pull_request", o)}};
  }
  if (bucket < 90)
    return {"aws-policy",
            AwsRole("gitlab.com", R"("StringEquals": {"gitlab.com:aud": "https://gitlab.com"}, )"
                                  R"("StringLike": {"gitlab.com:sub": "@0@"})"),
            {fmt::format("project_path:group{}/proj{}:ref_type:branch:ref:*", org, repo)}};
  if (bucket < 93)
    return {"aws-policy",
            AwsRole("app.terraform.io", R"("StringEquals": {"app.terraform.io:aud": "aws.workload.identity"}, )"
                                        R"("StringLike": {"app.terraform.io:sub": "@0@"})"),
            {fmt::format("organization:{}:project:*:workspace:ws{}:run_phase:*", o, repo)}};
  if (bucket < 96) {
    std::string cluster = fmt::format("oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE{}", org % 4);
    return {"aws-policy",
            AwsRole(cluster, fmt::format(R"("StringEquals": {{"{0}:aud": "sts.amazonaws.com", "{0}:sub": "@0@"}})", cluster)),
            {fmt::format("system:serviceaccount:ns{}:{}", repo, o)}};
  }
  if (bucket < 97)
    return {"vault-role",
            R"({"role_type": "jwt", "bound_audiences": ["https://github.com/@0@"], "bound_claims_type": "glob", )"
            R"("bound_claims": {"sub": "@1@"}, "user_claim": "actor", "token_policies": ["deploy"]})",
            {o, fmt::format("repo:{}/{}:*", o, r)}};
  if (bucket < 98)
    return {"entra-credential",
            R"({"name": "@0@", "issuer": "https://token.actions.githubusercontent.com", "subject": "@1@", )"
            R"("audiences": ["api://AzureADTokenExchange"]})",
            {fmt::format("cred-{}", i), fmt::format("repo:{}/{}:environment:prod", o, r)}};
  if (bucket < 99)
    return {"gcp-provider",
            R"({"name": "projects/123456789/locations/global/workloadIdentityPools/github/providers/@0@", )"
            R"("attributeCondition": "assertion.repository_owner == '@1@'", )"
            R"("attributeMapping": {"google.subject": "assertion.sub", "attribute.repository": "assertion.repository"}, )"
            R"("oidc": {"issuerUri": "https://token.actions.githubusercontent.com"}, "state": "ACTIVE"})",
            {fmt::format("p{}", i), o}};
  return {"aws-policy", AwsRole(kGitHub, GitHubAud() + ", " + GitHubSub("StringEquals", "\"@0@\"")),
          {fmt::format("repo:{}/{}:ref:refs/heads/release", o, r)}};
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "synthetic corpus: %s\n", message.c_str());
  std::exit(1);
}

Trust Lower(const std::string& format, const std::string& path, const std::string& text) {
  LoadOptions options;
  options.forced_format = format;
  auto file = LoadText(path, text, options);
  if (!file.ok()) Die(file.status().ToString());
  if (file->trusts.size() != 1) Die(fmt::format("{} lowered into {} trusts", path, file->trusts.size()));
  return std::move(file->trusts.front());
}

// Replaces the placeholders in every operand of the tree: the Tests that
// change are copied, the others stay shared with the template.
void Substitute(Node* node, const std::vector<std::string>& values) {
  if (node->kind == Node::Kind::kTest) {
    Test copy = *node->test;
    bool changed = false;
    for (Operand& op : copy.operands) {
      std::string text = Fill(op.text, values);
      if (text == op.text) continue;
      op.text = text;
      op.pattern = Pattern::Compile(text, op.pattern.options());
      changed = true;
    }
    if (changed) node->test = std::make_shared<const Test>(std::move(copy));
  }
  for (Node& child : node->children) Substitute(&child, values);
}

std::string DumpStatements(const Trust& t) {
  std::string out;
  for (const Statement& s : t.statements) out += (s.effect == Effect::kAllow ? "allow " : "deny ") + Dump(s.when) + "\n";
  return out;
}

}  // namespace

SyntheticText SyntheticTrustText(size_t i, size_t n) {
  Shape shape = ShapeOf(i, n);
  return {shape.format, fmt::format("role-{:07}.json", i), Fill(shape.template_text, shape.values)};
}

namespace {

Json::Value ParseOrDie(const std::string& text) {
  Json::Value v;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!reader->parse(text.data(), text.data() + text.size(), &v, &errors)) Die("bad synthetic JSON: " + errors);
  return v;
}

std::string Pretty(const Json::Value& v) {
  Json::StreamWriterBuilder w;
  w["indentation"] = "  ";
  return Json::writeString(w, v) + "\n";
}

}  // namespace

std::vector<std::string> SyntheticTexts(const std::string& format, size_t count) {
  std::vector<std::string> out;
  const size_t n = std::max<size_t>(count, 100);
  // Trust i has the format of its bucket (i % 100): visit the buckets of
  // the wanted format first, in order of i.
  std::string base = format == "cloudformation" || format == "terraform" || format == "aws-iam-dump" ? "aws-policy" : format;
  Json::Value dump(Json::objectValue);
  dump["RoleDetailList"] = Json::Value(Json::arrayValue);
  for (size_t i = 0; out.size() < count && dump["RoleDetailList"].size() < count && i < 1000 * n; ++i) {
    Shape shape = ShapeOf(i, n);
    if (shape.format != base) continue;
    std::string text = Fill(shape.template_text, shape.values);
    std::string name = fmt::format("role-{:07}", i);
    if (format == "cloudformation") {
      Json::Value t(Json::objectValue);
      t["AWSTemplateFormatVersion"] = "2010-09-09";
      Json::Value& role = t["Resources"]["DeployRole"];
      role["Type"] = "AWS::IAM::Role";
      role["Properties"]["RoleName"] = name;
      role["Properties"]["AssumeRolePolicyDocument"] = ParseOrDie(text);
      out.push_back(Pretty(t));
    } else if (format == "terraform") {
      out.push_back(fmt::format("resource \"aws_iam_role\" \"deploy\" {{\n  name               = \"{}\"\n"
                                "  assume_role_policy = <<-EOF\n{}  EOF\n}}\n",
                                name, Pretty(ParseOrDie(text))));
    } else if (format == "aws-iam-dump") {
      Json::Value role(Json::objectValue);
      role["Path"] = "/";
      role["RoleName"] = name;
      role["Arn"] = "arn:aws:iam::123456789012:role/" + name;
      role["AssumeRolePolicyDocument"] = ParseOrDie(text);
      dump["RoleDetailList"].append(role);
    } else {
      out.push_back(Pretty(ParseOrDie(text)));
    }
  }
  if (format == "aws-iam-dump") out.push_back(Pretty(dump));
  return out;
}

std::vector<Trust> SyntheticTrusts(size_t n) {
  std::vector<Trust> out;
  out.reserve(n);
  struct Template {
    Trust trust;
    int checked = 0;
  };
  std::map<std::string, Template> templates;
  for (size_t i = 0; i < n; ++i) {
    Shape shape = ShapeOf(i, n);
    std::string path = fmt::format("role-{:07}.json", i);
    if (shape.format != "aws-policy") {  // a few percent: lowered from their text
      out.push_back(Lower(shape.format, path, Fill(shape.template_text, shape.values)));
      continue;
    }
    auto it = templates.find(shape.template_text);
    if (it == templates.end())
      it = templates.emplace(shape.template_text, Template{Lower(shape.format, "template.json", shape.template_text)}).first;
    Trust t = it->second.trust;
    for (Statement& s : t.statements) Substitute(&s.when, shape.values);
    t.name = path.substr(0, path.size() - 5);
    if (it->second.checked < 3) {
      ++it->second.checked;
      Trust lowered = Lower(shape.format, path, Fill(shape.template_text, shape.values));
      if (DumpStatements(lowered) != DumpStatements(t) || lowered.required_actions.size() != t.required_actions.size())
        Die(fmt::format("template instance {} differs from its lowering:\n{}\nvs\n{}", path, DumpStatements(t),
                        DumpStatements(lowered)));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> SyntheticTokens(size_t n) {
  // Organisations and repositories of trusts that exist in every corpus size.
  auto org_repo = [&](size_t i) {
    uint64_t h = Mix(i);
    return std::make_pair(h % Orgs(n), (h >> 32) % kReposPerOrg);
  };
  auto github = [](const std::string& sub, const std::string& org, const std::string& repo) {
    return fmt::format(
        R"({{"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "{}", )"
        R"("repository": "{}/{}", "repository_owner": "{}", "ref": "refs/heads/main", "actor": "octocat", )"
        R"("event_name": "push", "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567}})",
        sub, org, repo, org);
  };
  std::vector<std::string> tokens;
  auto [o1, r1] = org_repo(0);
  tokens.push_back(github(fmt::format("repo:org{}/repo{}:ref:refs/heads/main", o1, r1), fmt::format("org{}", o1),
                          fmt::format("repo{}", r1)));
  auto [o2, r2] = org_repo(36);
  tokens.push_back(github(fmt::format("repo:org{}/repo{}:environment:prod", o2, r2), fmt::format("org{}", o2),
                          fmt::format("repo{}", r2)));
  auto [o3, r3] = org_repo(81);
  tokens.push_back(github(fmt::format("repo:org{}/repo{}:pull_request", o3, r3), fmt::format("org{}", o3),
                          fmt::format("repo{}", r3)));
  auto [o4, r4] = org_repo(86);
  tokens.push_back(fmt::format(
      R"({{"iss": "https://gitlab.com", "aud": "https://gitlab.com", )"
      R"("sub": "project_path:group{}/proj{}:ref_type:branch:ref:main", "namespace_path": "group{}", )"
      R"("nbf": 1632492967, "exp": 1632493867, "iat": 1632493567}})",
      o4, r4, o4));
  return tokens;
}

}  // namespace trustcheck::bench
