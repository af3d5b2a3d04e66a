# GitHub Actions as an IAM OIDC identity provider (as in GitHub's "Configuring
# OpenID Connect in Amazon Web Services" guide).
resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_caller_identity" "current" {}
