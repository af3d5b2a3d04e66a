# Microsoft Entra workload identity federation for GitHub Actions, as in the
# azuread provider's documentation.
resource "azuread_application_federated_identity_credential" "github_prod" {
  application_id = azuread_application.app.id
  display_name   = "github-prod"
  description    = "Deployments from the prod environment"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:octo-org/octo-repo:environment:prod"
}

# A Kubernetes service account of an AKS cluster: the issuer is the cluster's,
# known only after apply.
resource "azurerm_federated_identity_credential" "workload" {
  name                = "aks-workload"
  resource_group_name = "rg-apps"
  parent_id           = azurerm_user_assigned_identity.app.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject             = "system:serviceaccount:apps:worker"
}
