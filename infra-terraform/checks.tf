# Continuous assertions: `terraform plan` and `apply` report a failed check as a warning without blocking, so drift in
# what the provider really applies shows up in every run.

data "aws_default_tags" "current" {}

check "required_tags_on_every_resource" {
  assert {
    condition     = alltrue([for key in local.required_tag_keys : contains(keys(data.aws_default_tags.current.tags), key)])
    error_message = "The AWS provider's default_tags lack one of the required tags ${join(", ", local.required_tag_keys)}."
  }

  assert {
    condition     = data.aws_default_tags.current.tags["Application"] == "pet-store"
    error_message = "The Application tag must be pet-store."
  }
}

check "production_survives_an_availability_zone" {
  assert {
    condition     = var.environment != "prod" || (var.nat_gateway_mode == "one_per_az" && var.node_min_size >= 2)
    error_message = "prod needs one NAT gateway per availability zone and at least two nodes."
  }
}
