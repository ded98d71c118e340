# The Pet Store platform of one environment: VPC (vpc.tf), EKS (eks.tf), ECR (ecr.tf), Pod Identity roles
# (pod-identity.tf), networking for operator-made databases (rds.tf) and logs (logging.tf). Apply with scripts/deploy.sh.

locals {
  # The seeds name one cluster and one repository (petstore); every name here carries the environment instead, so dev,
  # staging and prod can share an account and the operator's IAM policy can match pet-store-* names.
  name = "pet-store-${var.environment}"

  # The seed's tag values (development, staging, production) are longer than the short environment names.
  environment_tag = {
    dev     = "development"
    staging = "staging"
    prod    = "production"
  }[var.environment]

  required_tags = {
    Environment   = local.environment_tag
    Application   = "pet-store"
    Owner         = var.owner
    "Cost-Center" = var.cost_center
  }
  required_tag_keys = keys(local.required_tags)

  # PostgreSQL major version of operator-made databases, from the parameter group family (postgres17 -> 17).
  rds_engine_major_version = trimprefix(var.rds_parameter_group_family, "postgres")

  # Service accounts that EKS Pod Identity associations bind to; the Helm releases in scripts/deploy.sh use these names.
  load_balancer_controller_service_account = "aws-load-balancer-controller"
  cluster_autoscaler_service_account       = "cluster-autoscaler"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}
