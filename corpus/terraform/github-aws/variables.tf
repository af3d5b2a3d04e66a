variable "repository" {
  type    = string
  default = "octo-org/octo-repo"
}

variable "environment" {
  type        = string
  description = "Deployment environment; set per workspace."
}

locals {
  oidc_host = "token.actions.githubusercontent.com"
  branches  = ["main", "release"]
}
