// Format "aws-policy": a role trust policy document as JSON, as written for
// `aws iam create-role --assume-role-policy-document file://...`.

#include "formats/aws_policy.h"
#include "formats/format.h"

namespace trustcheck {

namespace {

class AwsPolicy : public Format {
 public:
  const char* name() const override { return "aws-policy"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    return v && aws::LooksLikePolicy(*v) ? 50 : 0;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override {
    const Json::Value* v = in.json();
    if (!v) return in.json_error().ok() ? Status::Error(in.source().FileLoc(), "not a JSON policy") : in.json_error();
    JsonTextLocator locator(in.source());
    aws::TrustPolicyInput input;
    input.policy = v;
    input.locator = &locator;
    input.format = name();
    input.name = in.stem();
    input.notes = aws::DuplicateKeyNotes(in.source());
    input.max_statements = in.options().limits.max_statements;
    input.max_values = in.options().limits.max_values;
    auto trust = aws::LowerTrustPolicy(std::move(input));
    if (!trust.ok()) return trust.status();
    out->trusts.push_back(std::move(*trust));
    return Status();
  }
};

}  // namespace

const Format* AwsPolicyFormat() {
  static const AwsPolicy kFormat;
  return &kFormat;
}

}  // namespace trustcheck
