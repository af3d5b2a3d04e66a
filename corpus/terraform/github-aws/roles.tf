# A trust policy written with jsonencode, naming the provider by reference.
resource "aws_iam_role" "deploy" {
  name = "github-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = {
        StringEquals = { "${local.oidc_host}:aud" = "sts.amazonaws.com" }
        StringLike = {
          "${local.oidc_host}:sub" = [for b in local.branches : "repo:${var.repository}:ref:refs/heads/${b}"]
        }
      }
    }]
  })
}

# The same trust from a policy document data source.
resource "aws_iam_role" "docs" {
  name               = "github-docs"
  assume_role_policy = data.aws_iam_policy_document.github_trust.json
}

# A heredoc, with the provider ARN spelled out from the caller's account.
resource "aws_iam_role" "heredoc" {
  name               = "github-heredoc"
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Federated": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"
          },
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {
            "StringEquals": {
              "token.actions.githubusercontent.com:sub": "repo:${var.repository}:ref:refs/heads/main"
            }
          }
        }
      ]
    }
  EOF
}

# Depends on a variable without a default: never accepts, and says why.
resource "aws_iam_role" "per_environment" {
  name = "github-${var.environment}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:${var.repository}:environment:${var.environment}"
        }
      }
    }]
  })
}
