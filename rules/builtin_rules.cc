// The built-in rules, one line each, in id order.

#include "rules/builtin_rules.h"

#include <memory>

#include "rules/builtin_provider_without_audience.h"
#include "rules/condition_on_unexposed_claim.h"
#include "rules/contradictory_conditions.h"
#include "rules/cross_account_without_external_id.h"
#include "rules/deny_never_applies.h"
#include "rules/duplicate_key.h"
#include "rules/federated_action_mismatch.h"
#include "rules/for_all_values_on_single_valued_claim.h"
#include "rules/if_exists_on_pinning_claim.h"
#include "rules/issuer_not_exact.h"
#include "rules/malformed_trust.h"
#include "rules/missing_identity_provider_controls.h"
#include "rules/mutable_tenant_name.h"
#include "rules/no_subject_condition.h"
#include "rules/principal_wildcard.h"
#include "rules/pull_request_runs.h"
#include "rules/shadowed_allow.h"
#include "rules/shared_issuer_without_tenant_pin.h"
#include "rules/statement_never_applies.h"
#include "rules/tenant_not_yours.h"
#include "rules/too_many_federated_credentials.h"
#include "rules/trust_admits_nobody.h"
#include "rules/unverified_value.h"
#include "rules/vault_glob_without_wildcard.h"
#include "rules/vault_role_without_bound_audiences.h"
#include "rules/wildcard_before_tenant_boundary.h"
#include "rules/wildcard_in_exact_match.h"
#include "rules/wildcard_inside_tenant.h"

namespace trustcheck::rules {

void RegisterBuiltinRules(lint::Registry& registry) {
  registry.Add(std::make_unique<SharedIssuerWithoutTenantPin>());     // TC001
  registry.Add(std::make_unique<WildcardBeforeTenantBoundary>());     // TC002
  registry.Add(std::make_unique<WildcardInsideTenant>());             // TC003
  registry.Add(std::make_unique<NoSubjectCondition>());               // TC004
  registry.Add(std::make_unique<PrincipalWildcard>());                // TC005
  registry.Add(std::make_unique<DuplicateKey>());                     // TC006
  registry.Add(std::make_unique<ConditionOnUnexposedClaim>());        // TC007
  registry.Add(std::make_unique<ForAllValuesOnSingleValuedClaim>());  // TC008
  registry.Add(std::make_unique<IfExistsOnPinningClaim>());           // TC009
  registry.Add(std::make_unique<WildcardInExactMatch>());             // TC010
  registry.Add(std::make_unique<BuiltinProviderWithoutAudience>());   // TC011
  registry.Add(std::make_unique<CrossAccountWithoutExternalId>());    // TC012
  registry.Add(std::make_unique<MutableTenantName>());                // TC013
  registry.Add(std::make_unique<IssuerNotExact>());                   // TC014
  registry.Add(std::make_unique<TooManyFederatedCredentials>());      // TC015
  registry.Add(std::make_unique<VaultRoleWithoutBoundAudiences>());   // TC016
  registry.Add(std::make_unique<VaultGlobWithoutWildcard>());         // TC017
  registry.Add(std::make_unique<MalformedTrust>());                   // TC018
  registry.Add(std::make_unique<FederatedActionMismatch>());          // TC019
  registry.Add(std::make_unique<StatementNeverApplies>());            // TC020
  registry.Add(std::make_unique<ShadowedAllow>());                    // TC021
  registry.Add(std::make_unique<DenyNeverApplies>());                 // TC022
  registry.Add(std::make_unique<ContradictoryConditions>());          // TC023
  registry.Add(std::make_unique<UnverifiedValue>());                  // TC024
  registry.Add(std::make_unique<PullRequestRuns>());                  // TC025
  registry.Add(std::make_unique<TrustAdmitsNobody>());                // TC026
  registry.Add(std::make_unique<TenantNotYours>());                   // TC027
  registry.Add(std::make_unique<MissingIdentityProviderControls>());  // TC028
}

}  // namespace trustcheck::rules
