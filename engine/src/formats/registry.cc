// The explicit table of input formats. Add a line per new format.

#include "formats/format.h"

namespace trustcheck {

const std::vector<const Format*>& AllFormats() {
  static const std::vector<const Format*> kFormats = {
      AwsPolicyFormat(),
      CloudFormationFormat(),
      AwsIamDumpFormat(),
      TerraformPlanFormat(),
      TerraformFormat(),
      VaultRoleFormat(),
      VaultJwtConfigFormat(),
      EntraCredentialFormat(),
      GcpProviderFormat(),
      ArmTemplateFormat(),
      BicepFormat(),
      BicepParamsFormat(),
  };
  return kFormats;
}

}  // namespace trustcheck
