using '../bicep/identity.bicep'

param identityName = 'id-landingzone-test'
param federatedCredentials = {
  github: {
    audiences: [
      'api://AzureADTokenExchange'
    ]
    issuer: 'https://token.actions.githubusercontent.com'
    // Meant for every repository of the organisation; a classic subject
    // compares exactly, so it admits none (rule TC010).
    subject: 'repo:acme/*'
  }
}
