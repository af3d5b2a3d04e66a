// One GitHub Actions credential on an existing user-assigned identity.
param identityName string
param credentialName string
param subject string
param audiences array = [
  'api://AzureADTokenExchange'
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource credential 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: identity
  name: credentialName
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: subject
    audiences: audiences
  }
}
