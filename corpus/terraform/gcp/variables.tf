variable "github_org" {
  type    = string
  default = "octo-org"
}

# No default and no tfvars: every condition that reads it stays unknown.
variable "allowed_ref" {
  type = string
}
