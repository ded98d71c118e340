# One repository per image built at the repository root: Dockerfile.operator and Dockerfile.api.
resource "aws_ecr_repository" "images" {
  for_each = toset(["operator", "api"])

  name = "${local.name}/${each.key}"
  # Tags are commit SHAs and never move, so a rollback always gets the bytes that were tested.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  # AWS-managed key (aws/ecr); a customer-managed key would add cross-account pull grants for no gain here.
  encryption_configuration {
    encryption_type = "KMS"
  }

  tags = local.required_tags
}

resource "aws_ecr_lifecycle_policy" "images" {
  for_each = aws_ecr_repository.images

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged layers of failed or superseded pushes after 7 days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the ${var.ecr_keep_images} most recent images (rollback targets)"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_keep_images
        }
        action = { type = "expire" }
      },
    ]
  })
}
