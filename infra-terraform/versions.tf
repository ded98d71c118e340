terraform {
  # 1.10 brings S3-native state locking (use_lockfile); mock providers for `terraform test` need 1.7.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.28"
    }
  }

  # Partial configuration: scripts/deploy.sh passes bucket, key (one per environment), region and use_lockfile.
  backend "s3" {}
}
