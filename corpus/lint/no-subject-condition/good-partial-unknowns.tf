variable "x" {}
locals { env = "prod" }
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:Org/app:environment:${local.env}_${var.x}"]
    }
  }
}
resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

variable "ns" {}
resource "vault_jwt_auth_backend_role" "k8s" {
  backend         = "jwt"
  role_name       = "k8s"
  role_type       = "jwt"
  user_claim      = "sub"
  bound_audiences = ["vault"]
  bound_claims_type = "glob"
  bound_claims = {
    "/kubernetes.io/namespace" = "${var.ns}-service-*"
  }
}
