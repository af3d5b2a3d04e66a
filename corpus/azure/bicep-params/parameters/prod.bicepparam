using '../bicep/identity.bicep'

param identityName = 'id-landingzone-prod'
param federatedCredentials = {
  github: {
    audiences: [
      'api://AzureADTokenExchange'
    ]
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:acme/landingzone:environment:prod'
  }
}
