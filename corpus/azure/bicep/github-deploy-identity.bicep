targetScope = 'resourceGroup'

@description('GitHub organisation')
param githubOrg string = 'acme'
param repo string = 'app'
param environments array = [
  'staging'
  'prod'
]
param location string = resourceGroup().location

var issuer = 'https://token.actions.githubusercontent.com'
var audiences = [
  'api://AzureADTokenExchange'
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${repo}-deploy'
  location: location

  resource mainBranch 'federatedIdentityCredentials' = {
    name: 'main'
    properties: {
      issuer: issuer
      subject: 'repo:${githubOrg}/${repo}:ref:refs/heads/main'
      audiences: audiences
    }
  }
}

resource envCreds 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [for env in environments: {
  parent: identity
  name: 'env-${env}'
  properties: {
    issuer: issuer
    subject: 'repo:${githubOrg}/${repo}:environment:${env}'
    audiences: audiences
  }
}]

resource wide 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = if (githubOrg == 'acme') {
  parent: identity
  name: 'wide'
  properties: {
    issuer: issuer
    subject: 'repo:*'
    audiences: audiences
  }
}

output principalId string = identity.properties.principalId
