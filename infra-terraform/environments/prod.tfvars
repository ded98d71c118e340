# Production: one NAT gateway per availability zone, so losing one AZ leaves the other two with egress.
environment        = "prod"
aws_account_id     = "444455556666" # replace with your account id
aws_region         = "us-west-2"
availability_zones = ["us-west-2a", "us-west-2b", "us-west-2c"]
owner              = "pets-team"
cost_center        = "cc-1234"
nat_gateway_mode   = "one_per_az"

kubernetes_version  = "1.36"
node_instance_types = ["t3.small"]
node_min_size       = 2
node_max_size       = 5
node_desired_size   = 3

# Private API endpoint only: deploy from a self-hosted runner inside the VPC (vars.PROD_DEPLOY_RUNNER in GitHub).
endpoint_public_access_cidrs = []

cluster_admin_principal_arns = {
  platform-team = "arn:aws:iam::444455556666:role/PlatformAdmin"
  github-deploy = "arn:aws:iam::444455556666:role/pet-store-prod-github-deploy"
}
