# AWS credentials for in-cluster controllers through EKS Pod Identity: one role each, bound to one ServiceAccount.

module "load_balancer_controller_pod_identity" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name = "${local.name}-aws-lbc"
  # The module ships the controller's official IAM policy; compare it with the controller's docs/install/iam_policy.json
  # whenever the chart version in scripts/lib/versions.env moves.
  attach_aws_lb_controller_policy = true

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = "kube-system"
      service_account = local.load_balancer_controller_service_account
    }
  }

  tags = local.required_tags
}

module "cluster_autoscaler_pod_identity" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name                             = "${local.name}-cluster-autoscaler"
  attach_cluster_autoscaler_policy = true
  cluster_autoscaler_cluster_names = [module.eks.cluster_name]

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = "kube-system"
      service_account = local.cluster_autoscaler_service_account
    }
  }

  tags = local.required_tags
}

# The add-on in eks.tf creates the association, so this module only makes the role.
module "cloudwatch_observability_pod_identity" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name                                       = "${local.name}-cloudwatch"
  attach_aws_cloudwatch_observability_policy = true

  tags = local.required_tags
}

locals {
  # The JSON writes its ARNs' region and account as ${Region} and ${Account}; IAM's own policy variables
  # (${aws:PrincipalTag/...}) pass through unchanged.
  operator_policy = replace(replace(file("${path.module}/../operator/iam/aws-policy.json"),
    "$${Region}", var.aws_region),
  "$${Account}", data.aws_caller_identity.current.account_id)
  # The administrator's cost limits, mirrored in IAM (the operator enforces the same ones from its chart values, which
  # come from the same variables through the operator_helm_values output): attached only when set.
  operator_limit_policies = concat(
    length(var.rds_allowed_instance_classes) == 0 ? [] : [replace(
      file("${path.module}/../operator/iam/aws-policy-instance-classes.json"),
    "\"$${AllowedInstanceClasses}\"", jsonencode(var.rds_allowed_instance_classes))],
    var.rds_max_allocated_storage == 0 ? [] : [replace(
      file("${path.module}/../operator/iam/aws-policy-max-storage.json"),
    "$${MaxAllocatedStorage}", tostring(var.rds_max_allocated_storage))],
  )
}

module "operator_pod_identity" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name = "${local.name}-petstore-operator"

  # The operator's least-privilege RDS + Secrets Manager policy has one source of truth, next to the operator code.
  attach_custom_policy      = true
  source_policy_documents   = concat([local.operator_policy], local.operator_limit_policies)
  custom_policy_description = "petstore-operator: RDS PostgreSQL instances and snapshots it tagged, and their RDS-managed master secrets"

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = var.operator_namespace
      service_account = var.operator_service_account
    }
  }

  tags = local.required_tags
}
