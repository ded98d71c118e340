provider "aws" {
  region = var.aws_region
  # Credentials for another account fail before anything is planned.
  allowed_account_ids = [var.aws_account_id]

  # Every resource this provider creates carries the required tags. Resources AWS creates on our behalf (nodes launched
  # by the node group, load balancers, operator-made databases) get them from the modules' `tags` and the charts instead.
  default_tags {
    tags = local.required_tags
  }
}
