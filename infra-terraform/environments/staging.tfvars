# Staging: production's shape (TLS, RDS, autoscaling) at development's cost: one NAT gateway, a public API endpoint
# limited to the deploying runners, two nodes. Promote to prod only what passed here.
environment        = "staging"
aws_account_id     = "777788889999" # replace with your account id
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

# Replace the documentation range with your runners' egress CIDRs, or keep the list empty and deploy from inside the VPC.
endpoint_public_access_cidrs = ["198.51.100.0/24"]

cluster_admin_principal_arns = {
  platform-team = "arn:aws:iam::777788889999:role/PlatformAdmin"
  github-deploy = "arn:aws:iam::777788889999:role/pet-store-staging-github-deploy"
}
