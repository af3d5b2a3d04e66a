data "aws_iam_policy_document" "github_trust" {
  statement {
    sid     = "GitHubActions"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    dynamic "condition" {
      for_each = { sub = "repo:${var.repository}:ref:refs/heads/main" }
      content {
        test     = "StringEquals"
        variable = "token.actions.githubusercontent.com:${condition.key}"
        values   = [condition.value]
      }
    }
  }
}
