module "vpc" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = local.name
  cidr = var.vpc_cidr
  azs  = var.availability_zones

  public_subnets  = var.public_subnet_cidrs
  private_subnets = var.private_subnet_cidrs

  enable_nat_gateway     = true
  single_nat_gateway     = var.nat_gateway_mode == "single"
  one_nat_gateway_per_az = var.nat_gateway_mode == "one_per_az"

  enable_dns_hostnames    = true
  enable_dns_support      = true
  map_public_ip_on_launch = false

  # Adopt the default security group and strip its rules, so nothing can use it by accident.
  manage_default_security_group  = true
  default_security_group_ingress = []
  default_security_group_egress  = []

  # Subnet discovery of the AWS Load Balancer Controller: internet-facing ALBs in public subnets, internal ones in private.
  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }

  tags = local.required_tags
}

# The flow log embedded in the VPC module is deprecated (removed in v7); this submodule replaces it.
module "vpc_flow_log" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/vpc/aws//modules/flow-log"
  version = "6.6.0"

  name   = "${local.name}-vpc"
  vpc_id = module.vpc.vpc_id

  cloudwatch_log_group_retention_in_days = var.log_retention_days
  cloudwatch_log_group_kms_key_id        = aws_kms_key.logs.arn

  tags = local.required_tags
}
