resource "azuread_application" "app" { display_name = "deploy" }
resource "azuread_application_federated_identity_credential" "main" {
  application_id = azuread_application.app.id
  display_name   = "main"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/app:ref:refs/heads/main"
  audiences      = ["api://AzureADTokenExchange"]
}
resource "azuread_application_federated_identity_credential" "prod" {
  application_id = azuread_application.app.id
  display_name   = "prod"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/app:environment:production"
  audiences      = ["api://AzureADTokenExchange"]
}
