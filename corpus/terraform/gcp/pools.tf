resource "google_iam_workload_identity_pool" "github" {
  workload_identity_pool_id = "github"
  display_name              = "GitHub Actions"
}

resource "google_iam_workload_identity_pool" "retired" {
  workload_identity_pool_id = "retired"
  disabled                  = true
}
