variable "environment" {
  description = "Short environment name; it prefixes every resource name (pet-store-<environment>) and sets the Environment tag."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "aws_account_id" {
  description = "The only AWS account this environment may be applied to; the provider refuses any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be a 12-digit AWS account id."
  }
}

variable "aws_region" {
  description = "AWS region of the whole stack."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-west-2."
  }
}

variable "owner" {
  description = "Owner tag: the team that runs this stack."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._:/=+@-]{0,255}$", var.owner))
    error_message = "owner must be a non-empty tag value (letters, digits, spaces and . _ : / = + - @)."
  }
}

variable "cost_center" {
  description = "Cost-Center tag: the cost center id that pays for this stack."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._:/=+@-]{0,255}$", var.cost_center))
    error_message = "cost_center must be a non-empty tag value (letters, digits, spaces and . _ : / = + - @)."
  }
}

variable "availability_zones" {
  description = "The three availability zones of the subnets, named explicitly so that a new or impaired zone never moves them."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 3 && length(distinct(var.availability_zones)) == 3
    error_message = "availability_zones must name three different availability zones."
  }

  validation {
    condition     = alltrue([for zone in var.availability_zones : startswith(zone, var.aws_region)])
    error_message = "availability_zones must all be zones of aws_region (e.g. us-west-2a for us-west-2)."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block such as 10.0.0.0/16."
  }
}

variable "public_subnet_cidrs" {
  description = "One public subnet per availability zone (load balancers, NAT gateways)."
  type        = list(string)
  default     = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]

  validation {
    condition     = length(var.public_subnet_cidrs) == 3 && alltrue([for cidr in var.public_subnet_cidrs : can(cidrnetmask(cidr))])
    error_message = "public_subnet_cidrs must hold three IPv4 CIDR blocks, one per availability zone."
  }
}

variable "private_subnet_cidrs" {
  description = "One private subnet per availability zone (nodes, pods, databases)."
  type        = list(string)
  default     = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]

  validation {
    condition     = length(var.private_subnet_cidrs) == 3 && alltrue([for cidr in var.private_subnet_cidrs : can(cidrnetmask(cidr))])
    error_message = "private_subnet_cidrs must hold three IPv4 CIDR blocks, one per availability zone."
  }
}

variable "nat_gateway_mode" {
  description = "single: one NAT gateway for the VPC (cheap, one AZ is a single point of failure); one_per_az: one NAT gateway per availability zone."
  type        = string

  validation {
    condition     = contains(["single", "one_per_az"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be single or one_per_az."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version. Keep it in EKS standard support; the cluster autoscaler image follows it."
  type        = string
  default     = "1.36"

  validation {
    # Standard support as of late 2026 (1.34 leaves it on 2026-12-02). Widen the list when AWS releases a new minor.
    condition     = contains(["1.35", "1.36"], var.kubernetes_version)
    error_message = "kubernetes_version must be a version in EKS standard support: 1.35 or 1.36."
  }
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["t3.small"]

  validation {
    condition     = length(var.node_instance_types) > 0
    error_message = "node_instance_types must name at least one instance type."
  }
}

variable "node_min_size" {
  description = "Fewest nodes the cluster autoscaler may scale down to."
  type        = number
  default     = 2

  validation {
    condition     = var.node_min_size >= 1 && floor(var.node_min_size) == var.node_min_size
    error_message = "node_min_size must be a whole number of at least 1."
  }
}

variable "node_max_size" {
  description = "Most nodes the cluster autoscaler may scale up to."
  type        = number
  default     = 5

  validation {
    condition     = var.node_max_size >= var.node_min_size && floor(var.node_max_size) == var.node_max_size
    error_message = "node_max_size must be a whole number no smaller than node_min_size."
  }
}

variable "node_desired_size" {
  description = "Nodes at creation; afterwards the cluster autoscaler owns the count (the module ignores later changes)."
  type        = number
  default     = 2

  validation {
    condition     = var.node_desired_size >= var.node_min_size && var.node_desired_size <= var.node_max_size
    error_message = "node_desired_size must lie between node_min_size and node_max_size."
  }
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles or users given cluster-admin through EKS access entries, by a stable key (e.g. platform-team, github-deploy)."
  type        = map(string)

  validation {
    # The cluster creator gets no implicit access, so an empty map would lock everybody out.
    condition     = length(var.cluster_admin_principal_arns) > 0
    error_message = "cluster_admin_principal_arns must name at least one principal (the role that runs scripts/deploy.sh), or nobody can reach the cluster."
  }

  validation {
    condition     = alltrue([for arn in values(var.cluster_admin_principal_arns) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "cluster_admin_principal_arns values must be IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public EKS API endpoint. Empty keeps the endpoint private (reach it from inside the VPC)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.endpoint_public_access_cidrs : can(cidrnetmask(cidr)) && cidr != "0.0.0.0/0"])
    error_message = "endpoint_public_access_cidrs must be IPv4 CIDR blocks and must not include 0.0.0.0/0."
  }
}

variable "operator_namespace" {
  description = "Namespace the petstore-operator Helm release is installed into."
  type        = string
  default     = "petstore-system"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.operator_namespace))
    error_message = "operator_namespace must be a Kubernetes namespace name (RFC 1123 label)."
  }
}

variable "operator_service_account" {
  description = "ServiceAccount of the operator; its Pod Identity association grants the RDS and Secrets Manager policy."
  type        = string
  default     = "petstore-operator"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.operator_service_account))
    error_message = "operator_service_account must be a Kubernetes object name."
  }
}

variable "rds_allowed_instance_classes" {
  description = "RDS instance classes PetStores may use (chart value rds.allowedInstanceClasses and an IAM deny for the others); empty: any."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for class in var.rds_allowed_instance_classes : can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", class))])
    error_message = "rds_allowed_instance_classes must be RDS instance classes such as db.t4g.micro."
  }
}

variable "rds_max_allocated_storage" {
  description = "Largest storage in GiB a PetStore's database may have (chart value rds.maxAllocatedStorage and an IAM deny above it); 0: no limit."
  type        = number
  default     = 0

  validation {
    condition     = var.rds_max_allocated_storage == 0 || (var.rds_max_allocated_storage >= 20 && floor(var.rds_max_allocated_storage) == var.rds_max_allocated_storage)
    error_message = "rds_max_allocated_storage must be 0 (no limit) or a whole number of GiB, at least 20."
  }
}

variable "rds_parameter_group_family" {
  description = "Parameter group family of the PostgreSQL major version the operator creates (e.g. postgres17)."
  type        = string
  default     = "postgres17"

  validation {
    condition     = can(regex("^postgres[0-9]{2}$", var.rds_parameter_group_family))
    error_message = "rds_parameter_group_family must look like postgres17."
  }
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group of the stack (control plane, containers, VPC flow logs)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "ecr_keep_images" {
  description = "Images each ECR repository keeps; older ones expire (rollback targets are the most recent ones)."
  type        = number
  default     = 30

  validation {
    condition     = var.ecr_keep_images >= 5
    error_message = "ecr_keep_images must be at least 5 so that helm rollback has images to return to."
  }
}
