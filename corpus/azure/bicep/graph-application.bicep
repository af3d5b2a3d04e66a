extension microsoftGraphV1

param appName string = 'deploy-app'
param repository string = 'contoso/web'

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: appName
  displayName: 'Deployment app'
}

resource githubMain 'Microsoft.Graph/applications/federatedIdentityCredentials@v1.0' = {
  name: '${app.uniqueName}/github-main'
  issuer: 'https://token.actions.githubusercontent.com'
  subject: 'repo:${repository}:ref:refs/heads/main'
  audiences: [
    'api://AzureADTokenExchange'
  ]
}

resource githubPullRequests 'Microsoft.Graph/applications/federatedIdentityCredentials@v1.0' = {
  name: '${app.uniqueName}/github-pr'
  issuer: 'https://token.actions.githubusercontent.com'
  subject: 'repo:${repository}:pull_request'
  audiences: [
    'api://AzureADTokenExchange'
  ]
}
