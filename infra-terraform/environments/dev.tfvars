# Development: one NAT gateway (cheap; an AZ outage cuts egress), the seeds' node group, a public API endpoint for CI.
environment        = "dev"
aws_account_id     = "111122223333" # replace with your account id
aws_region         = "us-west-2"
availability_zones = ["us-west-2a", "us-west-2b", "us-west-2c"]
owner              = "pets-team"
cost_center        = "cc-1234"
nat_gateway_mode   = "single"

kubernetes_version  = "1.36"
node_instance_types = ["t3.small"]
node_min_size       = 2
node_max_size       = 5
node_desired_size   = 2

# GitHub-hosted runners deploy to dev, so the API endpoint is public but limited to these ranges. Replace the
# documentation range with your egress CIDRs, or keep the list empty and deploy from a runner inside the VPC.
endpoint_public_access_cidrs = ["203.0.113.0/24"]

cluster_admin_principal_arns = {
  platform-team = "arn:aws:iam::111122223333:role/PlatformAdmin"
  github-deploy = "arn:aws:iam::111122223333:role/pet-store-dev-github-deploy"
}
