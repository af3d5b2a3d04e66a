variable "org" {}
resource "vault_jwt_auth_backend_role" "tfc" {
  backend         = "jwt"
  role_name       = "tfc"
  role_type       = "jwt"
  user_claim      = "terraform_full_workspace"
  bound_audiences = ["vault.workload.identity"]
  bound_claims_type = "glob"
  bound_claims = {
    sub = "organization:${var.org}:project:*:workspace:*:run_phase:*"
  }
}
