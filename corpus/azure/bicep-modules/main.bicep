// A deployment identity whose credentials are declared by a child module,
// once per repository, as Azure Verified Modules and most real templates do.
param githubOrg string = 'acme'
param deployFromPullRequests bool = false

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-deploy'
  location: resourceGroup().location
}

module mainBranch 'modules/github-credential.bicep' = {
  name: 'cred-main'
  params: {
    identityName: identity.name
    credentialName: 'main'
    subject: 'repo:${githubOrg}/app:ref:refs/heads/main'
  }
}

module environments 'modules/github-credential.bicep' = [for env in ['staging', 'prod']: {
  name: 'cred-${env}'
  params: {
    identityName: identity.name
    credentialName: 'env-${env}'
    subject: 'repo:${githubOrg}/app:environment:${env}'
  }
}]

module pullRequests 'modules/github-credential.bicep' = if (deployFromPullRequests) {
  name: 'cred-pr'
  params: {
    identityName: identity.name
    credentialName: 'pull-requests'
    subject: 'repo:${githubOrg}/app:pull_request'
  }
}

// An Azure Verified Module: its `federatedIdentityCredentials` parameter
// is the list of credentials it deploys on identity `name`.
module shared 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.0' = {
  name: 'shared-identity'
  params: {
    name: 'id-shared'
    federatedIdentityCredentials: [
      {
        name: 'tags'
        audiences: [
          'api://AzureADTokenExchange'
        ]
        issuer: 'https://token.actions.githubusercontent.com'
        subject: 'repo:${githubOrg}/app:ref:refs/tags/*'
      }
    ]
  }
}

// A private registry module: not fetched, reported.
module billing 'br:contoso.azurecr.io/bicep/modules/billing-identity:1.2.0' = {
  name: 'billing-identity'
}
