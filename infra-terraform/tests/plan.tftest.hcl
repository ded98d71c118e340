# `terraform test` with a mocked AWS provider and the registry modules replaced by their outputs: it plans both
# environments and proves the variable validations refuse bad input. It needs `terraform init` (providers and modules
# download), so CI runs it; the offline structural tests live in test/infra/.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  mock_data "aws_default_tags" {
    defaults = {
      tags = { Environment = "development", Application = "pet-store", Owner = "pets-team", "Cost-Center" = "cc-1234" }
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

override_module {
  target = module.vpc
  outputs = {
    vpc_id          = "vpc-0123456789abcdef0"
    private_subnets = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
  }
}

override_module {
  target  = module.vpc_flow_log
  outputs = {}
}

override_module {
  target = module.eks
  outputs = {
    cluster_name           = "pet-store-dev"
    cluster_version        = "1.36"
    node_security_group_id = "sg-0123456789abcdef0"
  }
}

override_module {
  target  = module.load_balancer_controller_pod_identity
  outputs = { iam_role_arn = "arn:aws:iam::111122223333:role/pet-store-dev-aws-lbc" }
}

override_module {
  target  = module.cluster_autoscaler_pod_identity
  outputs = { iam_role_arn = "arn:aws:iam::111122223333:role/pet-store-dev-cluster-autoscaler" }
}

override_module {
  target  = module.cloudwatch_observability_pod_identity
  outputs = { iam_role_arn = "arn:aws:iam::111122223333:role/pet-store-dev-cloudwatch" }
}

override_module {
  target  = module.operator_pod_identity
  outputs = { iam_role_arn = "arn:aws:iam::111122223333:role/pet-store-dev-petstore-operator" }
}

# The values of environments/dev.tfvars; runs below change one at a time.
variables {
  environment        = "dev"
  aws_account_id     = "111122223333"
  aws_region         = "us-west-2"
  availability_zones = ["us-west-2a", "us-west-2b", "us-west-2c"]
  owner              = "pets-team"
  cost_center        = "cc-1234"
  nat_gateway_mode   = "single"
  cluster_admin_principal_arns = {
    platform-team = "arn:aws:iam::111122223333:role/PlatformAdmin"
  }
}

run "dev_plan_has_the_seed_requirements" {
  command = plan

  assert {
    condition     = alltrue([for repository in aws_ecr_repository.images : repository.image_tag_mutability == "IMMUTABLE" && repository.image_scanning_configuration[0].scan_on_push])
    error_message = "ECR repositories must have immutable tags and scan on push."
  }

  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.container_insights : group.retention_in_days == 30])
    error_message = "Container log groups must keep logs 30 days."
  }

  assert {
    condition     = contains([for parameter in aws_db_parameter_group.postgres.parameter : "${parameter.name}=${parameter.value}"], "rds.force_ssl=1")
    error_message = "Operator databases must require TLS."
  }

  assert {
    condition     = output.operator_helm_values.rds.dbSubnetGroupName == "pet-store-dev-databases"
    error_message = "The operator's Helm values must name the DB subnet group Terraform creates."
  }

  assert {
    condition     = output.operator_helm_values.rds.parameterGroups["17"] == "pet-store-dev-postgres17" && output.operator_helm_values.rds.engineVersion == "17"
    error_message = "The operator's Helm values must give new databases the parameter group Terraform creates (TLS only, slow statements logged)."
  }

  assert {
    condition     = output.required_tags == { Environment = "development", Application = "pet-store", Owner = "pets-team", "Cost-Center" = "cc-1234" }
    error_message = "The required tags must be Environment, Application, Owner and Cost-Center."
  }
}

run "staging_plan_tags_staging" {
  command = plan

  variables {
    environment = "staging"
  }

  assert {
    condition     = output.required_tags.Environment == "staging"
    error_message = "staging resources must be tagged Environment=staging."
  }
}

run "prod_plan_tags_production" {
  command = plan

  variables {
    environment      = "prod"
    nat_gateway_mode = "one_per_az"
  }

  assert {
    condition     = output.required_tags.Environment == "production"
    error_message = "prod resources must be tagged Environment=production."
  }
}

run "refuses_an_unknown_nat_gateway_mode" {
  command = plan

  variables {
    nat_gateway_mode = "two"
  }

  expect_failures = [var.nat_gateway_mode]
}

run "refuses_kubernetes_out_of_standard_support" {
  command = plan

  variables {
    kubernetes_version = "1.24"
  }

  expect_failures = [var.kubernetes_version]
}

run "refuses_a_node_maximum_below_the_minimum" {
  command = plan

  variables {
    node_min_size = 4
    node_max_size = 3
  }

  expect_failures = [var.node_max_size, var.node_desired_size]
}

run "refuses_an_api_endpoint_open_to_the_world" {
  command = plan

  variables {
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}

run "refuses_zones_of_another_region" {
  command = plan

  variables {
    availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  }

  expect_failures = [var.availability_zones]
}

run "refuses_an_empty_admin_list" {
  command = plan

  variables {
    cluster_admin_principal_arns = {}
  }

  expect_failures = [var.cluster_admin_principal_arns]
}

run "warns_when_prod_has_a_single_nat_gateway" {
  command = plan

  variables {
    environment      = "prod"
    nat_gateway_mode = "single"
  }

  expect_failures = [check.production_survives_an_availability_zone]
}
