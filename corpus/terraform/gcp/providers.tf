# Pinned to one organization, with an explicit audience.
resource "google_iam_workload_identity_pool_provider" "github" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github-actions"
  display_name                       = "GitHub Actions"
  attribute_mapping = {
    "google.subject"             = "assertion.sub"
    "attribute.repository_owner" = "assertion.repository_owner"
  }
  attribute_condition = "attribute.repository_owner == '${var.github_org}'"
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}

# No allowed_audiences: the audience is the provider's resource name, whose
# project number Terraform knows only after apply.
resource "google_iam_workload_identity_pool_provider" "default_audience" {
  project                            = "octo-project"
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "default-audience"
  attribute_mapping = {
    "google.subject" = "assertion.sub"
  }
  attribute_condition = "assertion.repository_owner == 'octo-org'"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

# A project number instead of an ID: the default audience is known.
resource "google_iam_workload_identity_pool_provider" "numbered" {
  project                            = "123456789012"
  workload_identity_pool_id          = "github"
  workload_identity_pool_provider_id = "numbered"
  attribute_mapping = {
    "google.subject" = "assertion.sub"
  }
  attribute_condition = <<EOT
assertion.repository_owner == 'octo-org' && assertion.ref == 'refs/heads/main'
EOT
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

# The condition reads a variable without a default.
resource "google_iam_workload_identity_pool_provider" "per_ref" {
  workload_identity_pool_id          = "github"
  workload_identity_pool_provider_id = "per-ref"
  attribute_mapping                  = { "google.subject" = "assertion.sub" }
  attribute_condition                = "assertion.ref == '${var.allowed_ref}'"
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}

# A provider of a disabled pool exchanges no token.
resource "google_iam_workload_identity_pool_provider" "retired" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.retired.workload_identity_pool_id
  workload_identity_pool_provider_id = "retired"
  attribute_mapping                  = { "google.subject" = "assertion.sub" }
  oidc {
    issuer_uri        = "https://token.actions.githubusercontent.com"
    allowed_audiences = ["https://github.com/octo-org"]
  }
}
