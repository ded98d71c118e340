# scripts/deploy.sh reads these (terraform output -json <name>) and passes the *_helm_values maps to helm as values files,
# so the mapping from infrastructure to chart values lives here and nowhere else.

output "environment" {
  description = "Short environment name."
  value       = var.environment
}

output "aws_region" {
  description = "Region of the stack."
  value       = var.aws_region
}

output "cluster_name" {
  description = "EKS cluster name, for aws eks update-kubeconfig."
  value       = module.eks.cluster_name
}

output "kubernetes_version" {
  description = "Kubernetes minor version of the cluster (the cluster autoscaler image must match it)."
  value       = module.eks.cluster_version
}

output "vpc_id" {
  description = "VPC of the cluster."
  value       = module.vpc.vpc_id
}

output "ecr_repository_urls" {
  description = "Image repositories by image: operator (Dockerfile.operator) and api (Dockerfile.api)."
  value       = { for key, repository in aws_ecr_repository.images : key => repository.repository_url }
}

output "required_tags" {
  description = "Tags every AWS resource of this environment carries."
  value       = local.required_tags
}

output "operator_role_arn" {
  description = "IAM role the operator's ServiceAccount assumes through EKS Pod Identity."
  value       = module.operator_pod_identity.iam_role_arn
}

output "operator_namespace" {
  description = "Namespace of the petstore-operator release."
  value       = var.operator_namespace
}

output "rds" {
  description = "Where operator-created databases go."
  value = {
    subnet_group_name    = aws_db_subnet_group.operator.name
    security_group_ids   = [aws_security_group.databases.id]
    parameter_group_name = aws_db_parameter_group.postgres.name
  }
}

output "operator_helm_values" {
  description = "Values for charts/petstore-operator; scripts/deploy.sh adds image.tag and petstoreDefaults.apiImage."
  value = {
    image       = { repository = aws_ecr_repository.images["operator"].repository_url }
    clusterName = module.eks.cluster_name
    aws         = { region = var.aws_region }
    rds = {
      dbSubnetGroupName = aws_db_subnet_group.operator.name
      securityGroupIds  = [aws_security_group.databases.id]
      # New databases run the major version whose parameter group (TLS only, slow statements logged) exists here.
      engineVersion   = local.rds_engine_major_version
      parameterGroups = { (local.rds_engine_major_version) = aws_db_parameter_group.postgres.name }
      # The same cost limits the operator's IAM policy denies beyond (pod-identity.tf).
      allowedInstanceClasses = var.rds_allowed_instance_classes
      maxAllocatedStorage    = var.rds_max_allocated_storage
    }
    # Defaults for PetStores: who may reach the API (the ALBs in the public subnets), where databases live (private
    # subnets), and the ownership tags.
    petstoreDefaults = {
      allowedCIDRs  = var.public_subnet_cidrs
      databaseCIDRs = var.private_subnet_cidrs
      owner         = var.owner
      costCenter    = var.cost_center
    }
    # EKS Pod Identity binds the operator's role to this ServiceAccount name, so it needs no IRSA annotation.
    serviceAccount = { create = true, name = var.operator_service_account, annotations = {} }
  }
}

output "load_balancer_controller_helm_values" {
  description = "Values for the eks/aws-load-balancer-controller chart."
  value = {
    clusterName = module.eks.cluster_name
    # Set explicitly: with the node group's IMDS hop limit of 1 the controller cannot discover them itself.
    region = var.aws_region
    vpcId  = module.vpc.vpc_id
    serviceAccount = {
      create = true
      name   = local.load_balancer_controller_service_account
    }
    defaultTags = local.required_tags
  }
}

output "cluster_autoscaler_helm_values" {
  description = "Values for the autoscaler/cluster-autoscaler chart (image.tag is added by scripts/deploy.sh)."
  value = {
    cloudProvider = "aws"
    awsRegion     = var.aws_region
    autoDiscovery = { clusterName = module.eks.cluster_name }
    rbac = {
      serviceAccount = { create = true, name = local.cluster_autoscaler_service_account }
    }
    extraArgs = {
      # The seeds' scale-down threshold (40 %); scale-up happens when pods do not fit, which is what their 80 % means.
      "scale-down-utilization-threshold" = "0.4"
      "balance-similar-node-groups"      = "true"
      expander                           = "least-waste"
    }
  }
}
