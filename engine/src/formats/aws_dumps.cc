// Format "aws-iam-dump": what the AWS CLI prints about roles and providers.
//
//   aws iam get-account-authorization-details  {"RoleDetailList": [role...], ...}
//   aws iam list-roles                         {"Roles": [role...]}
//   aws iam get-role                           {"Role": role}
//   aws iam get-open-id-connect-provider       {"Url", "ClientIDList", ...}
//
// Each role becomes a trust named by its RoleName, with its Arn: the policy
// lowering checks the account of each Federated provider ARN against it. The
// AssumeRolePolicyDocument is an object (the CLI decodes it) or a string,
// URL-encoded as the IAM API returns it or plain JSON text; errors inside a
// string point into the file (embedded_json.h). A provider becomes an
// "aws-oidc-provider" fact for the link step.

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "formats/aws_oidc_provider.h"
#include "formats/aws_policy.h"
#include "formats/embedded_json.h"
#include "formats/format.h"
#include "trustcheck/parallel.h"
#include "text/json_pointer.h"

namespace trustcheck {

namespace {

bool IsRoleList(const Json::Value& v) {
  if (!v.isArray()) return false;
  for (const Json::Value& r : v)
    if (!r.isObject() || !r.isMember("RoleName")) return false;
  return true;
}

bool IsProviderDescription(const Json::Value& v) { return v.isMember("Url") && v.isMember("ClientIDList"); }

class DumpLoader {
 public:
  DumpLoader(const InputFile& in, LoadedFile* out)
      : in_(in), out_(out), locator_(in.source()), duplicates_(aws::DuplicateKeyNotes(in.source())) {}

  Status Load(const Json::Value& root);

 private:
  Status AddRoles(const Json::Value& list, const std::string& list_key);
  Status AddRole(const Json::Value& role, const std::string& pointer);
  // One role's trust; reads only, so that roles lower on many threads.
  Result<Trust> LowerRole(const Json::Value& role, const std::string& pointer) const;
  Result<Trust> LowerRoleCatching(const Json::Value& role, const std::string& pointer) const;
  Status AddProvider(const Json::Value& provider);

  const InputFile& in_;
  LoadedFile* out_;
  JsonTextLocator locator_;
  std::vector<LoweringNote> duplicates_;
};

Status DumpLoader::Load(const Json::Value& root) {
  // isMember throws on anything but an object (or null): `--type aws-iam-dump` on `[]`.
  if (!root.isObject()) return Status::Error(locator_.ValueLoc(root), "an IAM dump must be a JSON object");
  if (root.isMember("RoleDetailList")) return AddRoles(root["RoleDetailList"], "RoleDetailList");
  if (root.isMember("Roles")) return AddRoles(root["Roles"], "Roles");
  if (root.isMember("Role")) {
    if (!root["Role"].isObject()) return Status::Error(locator_.ValueLoc(root["Role"]), "`Role` must be an object");
    return AddRole(root["Role"], "/Role");
  }
  return AddProvider(root);
}

// Below this many roles a dump lowers on the loading thread: starting
// threads would cost more than they save.
constexpr size_t kRolesPerThreadStart = 256;

// The roles of a dump are independent, and an organisation's dumps hold tens
// of thousands of them: they lower on every core (LoadOptions::threads), and
// join the file in their order, so the first error is the same whatever the
// threads did.
Status DumpLoader::AddRoles(const Json::Value& list, const std::string& list_key) {
  if (!list.isArray()) return Status::Error(locator_.ValueLoc(list), fmt::format("`{}` must be a list", list_key));
  const size_t n = list.size();
  for (Json::ArrayIndex i = 0; i < n; ++i)
    if (!list[i].isObject())
      return Status::Error(locator_.ValueLoc(list[i]), fmt::format("entries of `{}` must be objects", list_key));
  std::vector<std::optional<Result<Trust>>> roles(n);
  TestPool* pool = TestPool::Current();
  const size_t threads = n < kRolesPerThreadStart ? 1 : ThreadCount(in_.options().threads);
  ParallelFor(n, threads, [&](size_t i) {
    TestPool::Scope pooled(pool);  // the load's pool, on every thread
    const auto index = static_cast<Json::ArrayIndex>(i);
    roles[i].emplace(LowerRoleCatching(list[index], fmt::format("/{}/{}", list_key, i)));
  });
  out_->trusts.reserve(out_->trusts.size() + n);
  for (std::optional<Result<Trust>>& role : roles) {
    if (!role->ok()) return role->status();
    out_->trusts.push_back(std::move(*role).value());
  }
  return Status();
}

// An exception on a worker thread would end the program: it becomes this
// role's error, as LoadCatching makes it the file's on the loading thread.
Result<Trust> DumpLoader::LowerRoleCatching(const Json::Value& role, const std::string& pointer) const {
  try {
    return LowerRole(role, pointer);
  } catch (const std::exception& e) {
    return Status::Error(locator_.ValueLoc(role), fmt::format("internal error while reading this role: {}", e.what()));
  }
}

Status DumpLoader::AddRole(const Json::Value& role, const std::string& pointer) {
  auto trust = LowerRole(role, pointer);
  if (!trust.ok()) return trust.status();
  out_->trusts.push_back(std::move(trust).value());
  return Status();
}

Result<Trust> DumpLoader::LowerRole(const Json::Value& role, const std::string& pointer) const {
  const Json::Value& name = role["RoleName"];
  if (!name.isString()) return Status::Error(locator_.ValueLoc(role), "role has no `RoleName`");
  if (!role.isMember("AssumeRolePolicyDocument"))
    return Status::Error(locator_.KeyLoc(name),
                         fmt::format("role `{}` has no `AssumeRolePolicyDocument`", name.asString()));
  const Json::Value& doc = role["AssumeRolePolicyDocument"];
  aws::TrustPolicyInput input;
  input.format = "aws-iam-dump";
  input.name = name.asString();
  if (role["Arn"].isString()) input.arn = role["Arn"].asString();
  std::optional<EmbeddedJson> embedded;
  if (doc.isString()) {
    JsonLimits limits;
    limits.max_depth = in_.options().limits.max_depth;
    limits.max_string_bytes = in_.options().limits.max_string_bytes;
    auto parsed = ParseEmbeddedJson(in_.source(), doc, "AssumeRolePolicyDocument", limits);
    if (!parsed.ok()) return parsed.status();
    embedded = std::move(*parsed);
    input.policy = embedded->root.get();
    input.locator = embedded->locator.get();
    input.notes = std::move(embedded->duplicates);
  } else {
    input.policy = &doc;
    input.locator = &locator_;
    const std::string prefix = pointer + "/" + JsonPointerToken("AssumeRolePolicyDocument");
    for (const LoweringNote& d : duplicates_)
      if (d.path.rfind(prefix, 0) == 0) input.notes.push_back(d);
  }
  auto trust = aws::LowerTrustPolicy(std::move(input));
  if (!trust.ok()) return trust.status();
  trust->loc = locator_.KeyLoc(name);
  for (const char* key : {"RoleId", "Path"})
    if (role[key].isString()) trust->facts.labels.emplace_back(key == std::string("RoleId") ? "role-id" : "path",
                                                             role[key].asString());
  if (embedded && embedded->url_encoded) trust->facts.labels.emplace_back("policy-encoding", "url");
  return trust;
}

Status DumpLoader::AddProvider(const Json::Value& provider) {
  const Json::Value& url = provider["Url"];
  const Json::Value& ids = provider["ClientIDList"];
  if (!url.isString()) return Status::Error(locator_.ValueLoc(url), "`Url` must be a string");
  if (!ids.isArray()) return Status::Error(locator_.ValueLoc(ids), "`ClientIDList` must be a list");
  aws::OidcProvider p;
  p.url = url.asString();
  p.name = url.asString();
  p.loc = locator_.KeyLoc(ids);
  for (const Json::Value& id : ids) {
    if (!id.isString()) return Status::Error(locator_.ValueLoc(id), "client IDs must be strings");
    p.client_ids.push_back(id.asString());
  }
  out_->facts.push_back(aws::ProviderFact(p));
  return Status();
}

class AwsIamDump : public Format {
 public:
  const char* name() const override { return "aws-iam-dump"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    if (!v || !v->isObject()) return 0;
    if (v->isMember("RoleDetailList") && (*v)["RoleDetailList"].isArray()) return 85;
    if (v->isMember("Roles") && IsRoleList((*v)["Roles"])) return 85;
    if ((*v)["Role"].isObject() && (*v)["Role"].isMember("AssumeRolePolicyDocument")) return 85;
    if (IsProviderDescription(*v)) return 85;
    return 0;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    const Json::Value* v = in.json();
    if (!v) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not JSON") : in.json_error();
    return DumpLoader(in, out).Load(*v);
  }
};

}  // namespace

const Format* AwsIamDumpFormat() {
  static const AwsIamDump kFormat;
  return &kFormat;
}

}  // namespace trustcheck
