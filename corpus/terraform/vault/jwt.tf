# GitLab CI/CD jobs logging in to Vault with their ID tokens, as in GitLab's
# "Authenticating and reading secrets with HashiCorp Vault" guide.
resource "vault_jwt_auth_backend" "gitlab" {
  path               = "jwt"
  oidc_discovery_url = "https://gitlab.example.com"
  bound_issuer       = "https://gitlab.example.com"
}

resource "vault_jwt_auth_backend_role" "deploy" {
  backend           = vault_jwt_auth_backend.gitlab.path
  role_name         = "deploy"
  role_type         = "jwt"
  token_policies    = ["deploy"]
  user_claim        = "user_email"
  bound_audiences   = ["https://vault.example.com"]
  bound_claims_type = "glob"
  bound_claims = {
    project_id = 42
    ref        = "main, release/*"
    ref_type   = "branch"
  }
}
