// Internal: AWS IAM OIDC identity provider definitions, as facts a file
// contributes to a load, and the link step that applies them to the trusts.
//
// STS accepts a web identity token for a role only if the token's `aud` is
// one of the client IDs registered on the IAM OIDC provider that matches the
// token's issuer (docs/semantics-aws.md). A trust policy alone does not say
// what that list is; a CloudFormation `AWS::IAM::OIDCProvider`, a Terraform
// `aws_iam_openid_connect_provider` or a `get-open-id-connect-provider` dump
// does. When the load holds such a definition for the issuer a Federated
// principal names, the link step adds the client-ID check to that principal,
// as data: And(principal, Test(aud any-of client IDs)).

#ifndef TRUSTCHECK_SRC_FORMATS_AWS_OIDC_PROVIDER_H_
#define TRUSTCHECK_SRC_FORMATS_AWS_OIDC_PROVIDER_H_

#include <string>
#include <vector>

#include "trustcheck/load.h"

namespace trustcheck::aws {

// LoadedFile::Fact::kind of a provider definition. Its key is the provider
// host (the URL without `https://`, path kept), as in the provider ARN.
inline constexpr LoadedFile::Fact::Kind kOidcProviderFactKind = LoadedFile::Fact::Kind::kAwsOidcProvider;

// The op_display of the client-ID test the link step adds.
inline constexpr const char* kClientIdListCheck = "OIDC provider client ID list";

// A provider definition as far as its source knows it.
struct OidcProvider {
  std::string url;                              // `https://HOST[/PATH]`; a missing scheme is added
  std::vector<std::string> client_ids;          // the entries of ClientIdList that are known
  std::vector<std::string> unknown_client_ids;  // one reason per entry that is not
  // For unknown entries that are partly known: an AWS wildcard pattern
  // (`${*}` escapes) every value they could take matches, e.g.
  // `https://github.com/*/app` for `https://github.com/${Org}/app`.
  // `client_id_written` has the same entries as the source wrote them
  // (`https://github.com/${Org}/app`), for messages.
  std::vector<std::string> client_id_patterns;
  std::vector<std::string> client_id_written;
  std::string account;                          // 12 digits when known, else ""
  std::string name;                             // logical ID, resource address or ARN, for messages
  SourceLoc loc;                                // where the client ID list is written
};

LoadedFile::Fact ProviderFact(const OidcProvider& provider);

// For every AWS trust of the load whose Federated principal names an issuer
// some provider fact defines, wraps that principal test as
// And(principal, audience-in-client-IDs). Providers of the trust's own file
// win over those of other files; a provider whose account is known applies
// only to trusts of that account (or of unknown account). When several
// definitions differ, an audience in some lists but not all is unknown.
// Idempotent.
void LinkOidcProviders(std::vector<LoadedFile>* files);

}  // namespace trustcheck::aws

#endif  // TRUSTCHECK_SRC_FORMATS_AWS_OIDC_PROVIDER_H_
