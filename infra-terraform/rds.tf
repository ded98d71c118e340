# Networking and settings for the PostgreSQL instances the operator creates (the operator owns the instances themselves).
# Names start with pet-store-: the operator's IAM policy (operator/iam/aws-policy.json) only allows those.

resource "aws_db_subnet_group" "operator" {
  name        = "${local.name}-databases"
  description = "Private subnets for RDS instances created by petstore-operator"
  subnet_ids  = module.vpc.private_subnets

  tags = local.required_tags
}

resource "aws_security_group" "databases" {
  #checkov:skip=CKV2_AWS_5:Attached by petstore-operator to the RDS instances it creates, not by Terraform.
  name        = "${local.name}-databases"
  description = "PostgreSQL of operator-created RDS instances, reachable only from the cluster nodes"
  vpc_id      = module.vpc.vpc_id

  # No egress rules: Terraform removes AWS's default allow-all egress and a database never opens connections.

  tags = merge(local.required_tags, { Name = "${local.name}-databases" })
}

resource "aws_vpc_security_group_ingress_rule" "databases_from_nodes" {
  security_group_id            = aws_security_group.databases.id
  description                  = "PostgreSQL from EKS nodes and their pods (VPC CNI pods share the node security group)"
  referenced_security_group_id = module.eks.node_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432

  tags = local.required_tags
}

# TLS only, and statements slower than the seeds' 500 ms latency alert land in the PostgreSQL log.
resource "aws_db_parameter_group" "postgres" {
  name        = "${local.name}-${var.rds_parameter_group_family}"
  family      = var.rds_parameter_group_family
  description = "petstore-operator databases: TLS required, slow statements logged"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  tags = local.required_tags

  lifecycle {
    create_before_destroy = true
  }
}
