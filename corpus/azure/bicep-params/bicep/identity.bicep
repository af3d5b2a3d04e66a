// A deployment identity whose credentials come from the parameter file of
// each environment (parameters/*.bicepparam).
param identityName string
param federatedCredentials object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: resourceGroup().location
}

@batchSize(1)
resource credentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for item in items(federatedCredentials): {
    name: item.key
    parent: identity
    properties: item.value
  }
]
