# tflint with its bundled Terraform ruleset only: the AWS ruleset plugin would need `tflint --init` (a GitHub download).
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
