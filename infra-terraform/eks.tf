module "eks" {
  #checkov:skip=CKV_TF_1:Registry modules are pinned to an exact version; the registry has no commit hashes to pin to.
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = local.name
  kubernetes_version = var.kubernetes_version
  # Stay on standard support: EKS upgrades the control plane instead of billing extended support.
  upgrade_policy = { support_type = "STANDARD" }

  vpc_id                   = module.vpc.vpc_id
  subnet_ids               = module.vpc.private_subnets
  control_plane_subnet_ids = module.vpc.private_subnets

  endpoint_private_access = true
  endpoint_public_access  = length(var.endpoint_public_access_cidrs) > 0
  # With the public endpoint off, AWS keeps its own default list; passing it avoids a perpetual diff.
  endpoint_public_access_cidrs = length(var.endpoint_public_access_cidrs) > 0 ? var.endpoint_public_access_cidrs : ["0.0.0.0/0"]

  # Access entries only (the aws-auth ConfigMap is deprecated); nobody is admin implicitly, not even the creator.
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = false
  access_entries = {
    for key, arn in var.cluster_admin_principal_arns : key => {
      principal_arn = arn
      policy_associations = {
        cluster_admin = {
          policy_arn   = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }

  # Every workload gets AWS credentials from EKS Pod Identity, AWS's current recommendation, instead of the seeds' IRSA:
  # no IAM OIDC provider, and roles need no per-cluster trust policy. IRSA annotations still work on PetStores.
  enable_irsa = false

  # Secrets are envelope-encrypted with the module's customer-managed KMS key (create_kms_key defaults to true).
  encryption_config = { resources = ["secrets"] }

  enabled_log_types                      = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = var.log_retention_days
  cloudwatch_log_group_kms_key_id        = aws_kms_key.logs.arn

  addons = {
    # The CNI and the Pod Identity agent must run before nodes join, or nodes stay NotReady.
    vpc-cni = {
      before_compute = true
      # Enforces NetworkPolicies: runs the node agent (aws-eks-nodeagent, eBPF) in every aws-node pod. Without it the
      # operator's default-deny, load-balancer-only and database-only policies are stored and ignored.
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = { before_compute = true }
    kube-proxy             = {}
    coredns                = {}
    # The resource metrics API (metrics.k8s.io): without it every PetStore's HorizontalPodAutoscaler stays at its
    # minimum and `kubectl top` has nothing to show.
    metrics-server = {}
    # Fluent Bit and the CloudWatch agent: container logs into the log groups of logging.tf.
    amazon-cloudwatch-observability = {
      pod_identity_association = [{
        role_arn        = module.cloudwatch_observability_pod_identity.iam_role_arn
        service_account = "cloudwatch-agent"
      }]
    }
  }

  eks_managed_node_groups = {
    default = {
      # The seeds ask for Amazon Linux 2; EKS publishes no AL2 AMIs for Kubernetes 1.33 and later (their support ended
      # 2025-11-26, AL2 itself ends 2026-06-30), so nodes run its successor, Amazon Linux 2023.
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.node_instance_types
      # The seeds' 2-5 nodes. Pod density on t3.small: 3 ENIs x (4 - 1) IPs + 2 = 11 pods per node with the VPC CNI's
      # secondary IPs; prefix delegation would lift that, but at 2 GiB per node memory runs out first (docs/architecture.md).
      min_size     = var.node_min_size
      max_size     = var.node_max_size
      desired_size = var.node_desired_size
      subnet_ids   = module.vpc.private_subnets

      update_config = { max_unavailable_percentage = 33 }
    }
  }

  node_security_group_additional_rules = {
    # Same key as the module's recommended rule, so this replaces it instead of adding a duplicate (which AWS rejects).
    ingress_cluster_9443_webhook = {
      description                   = "Control plane to admission webhooks on 9443 (AWS Load Balancer Controller, petstore-operator)"
      protocol                      = "tcp"
      from_port                     = 9443
      to_port                       = 9443
      type                          = "ingress"
      source_cluster_security_group = true
    }
  }

  tags = local.required_tags
}
