# Shared by scripts/deploy.sh and scripts/cleanup.sh: logging, --dry-run, prerequisite and identity checks, Terraform
# access. Source it; it defines functions and the globals root, infra_dir and DRY_RUN, and runs nothing.
# shellcheck shell=bash source-path=SCRIPTDIR

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
infra_dir="$root/infra-terraform"
# shellcheck source=versions.env
source "$root/scripts/lib/versions.env"
DRY_RUN=${DRY_RUN:-0}
ASSUME_YES=${ASSUME_YES:-0}

log() { printf '[%s] %s\n' "${script_name:-petstore}" "$*" >&2; }
step() { printf '\n[%s] == %s\n' "${script_name:-petstore}" "$*" >&2; }
die() {
  printf '[%s] error: %s\n' "${script_name:-petstore}" "$1" >&2
  [ $# -lt 2 ] || printf '  %s\n' "${@:2}" >&2
  exit 1
}

# The script's scratch directory (plan, values files, kubeconfig), removed on exit.
make_workdir() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}

# Runs a command that changes something; with --dry-run it only prints it (stdout), so the plan can be reviewed.
run() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] %s\n' "$*"
  else
    log "+ $*"
    "$@"
  fi
}

# Runs a pipeline given as one string (for commands that read stdin from another); same dry-run rule as run().
run_pipeline() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] %s\n' "$1"
  else
    log "+ $1"
    bash -o pipefail -c "$1"
  fi
}

# Asks before a destructive or costly step unless --yes; --dry-run never asks.
confirm() {
  if [ "$DRY_RUN" = 1 ] || [ "$ASSUME_YES" = 1 ]; then return 0; fi
  [ -t 0 ] || die "$1 needs confirmation: re-run with --yes (no terminal to ask on)"
  local answer
  read -r -p "$1 [y/N] " answer
  case "$answer" in y | Y | yes) ;; *) die "stopped: not confirmed" ;; esac
}

# version_at_least <have> <want>: dotted numeric comparison (1.10.0 >= 1.9.8).
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# Prints the first x.y.z in the tool's version output.
tool_version() {
  local out
  case "$1" in
    terraform) out=$(terraform version 2>/dev/null | head -n1) ;;
    aws) out=$(aws --version 2>&1) ;;
    kubectl) out=$(kubectl version --client 2>/dev/null | head -n1) ;;
    helm) out=$(helm version --short 2>/dev/null) ;;
    docker) out=$(docker version --format '{{.Client.Version}}' 2>/dev/null) ;;
    *) out=$("$1" --version 2>&1 | head -n1) ;;
  esac
  printf '%s\n' "$out" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1
}

install_hint() {
  case "$1" in
    terraform) echo "install Terraform >= $MIN_TERRAFORM_VERSION: https://developer.hashicorp.com/terraform/install" ;;
    aws) echo "install AWS CLI v2 >= $MIN_AWS_CLI_VERSION: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html" ;;
    kubectl) echo "install kubectl >= $MIN_KUBECTL_VERSION (within one minor of the cluster): https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "install Helm >= $MIN_HELM_VERSION: https://helm.sh/docs/intro/install/" ;;
    docker) echo "install Docker >= $MIN_DOCKER_VERSION, or Podman >= $MIN_PODMAN_VERSION with its docker alias (podman-docker): https://docs.docker.com/engine/install/" ;;
    curl) echo "install curl with your package manager" ;;
    git) echo "install git with your package manager" ;;
  esac
}

# True when `docker` is Podman's docker alias (podman-docker), whose versions follow Podman's, not Docker's.
docker_is_podman() {
  docker --version 2>/dev/null | grep -qi podman
}

# require_tools <tool>...: every tool must be on PATH and at least its MIN_<TOOL>_VERSION; all problems are listed at once.
require_tools() {
  local tool var want have name problems=()
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      problems+=("$tool is not on PATH: $(install_hint "$tool")")
      continue
    fi
    var="MIN_$(printf '%s' "$tool" | tr '[:lower:]' '[:upper:]')_VERSION"
    name=$tool
    [ "$tool" = aws ] && var=MIN_AWS_CLI_VERSION
    if [ "$tool" = docker ] && docker_is_podman; then
      var=MIN_PODMAN_VERSION
      name="docker (Podman)"
    fi
    want=${!var:-}
    [ -n "$want" ] || continue
    have=$(tool_version "$tool")
    if [ -z "$have" ]; then
      problems+=("could not read the version of $tool (is it working?): $(install_hint "$tool")")
    elif ! version_at_least "$have" "$want"; then
      problems+=("$name $have is too old, $want or newer is needed: $(install_hint "$tool")")
    fi
  done
  [ ${#problems[@]} -eq 0 ] || die "missing prerequisites" "${problems[@]}"
  log "tools: $*"
}

# Reads a top-level string or number assignment from a .tfvars file: tfvar <file> <name>.
tfvar() {
  sed -nE "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\"?([^\"#]*[^\"#[:space:]])\"?.*$/\1/p" "$1" | head -n1
}

# Loads environments/<env>.tfvars and sets environment, var_file, account_id, region.
load_environment() {
  environment=$1
  [ -n "$environment" ] || die "--environment is required (one of: $(list_environments))"
  [[ "$environment" =~ ^[a-z][a-z0-9-]*$ ]] || die "--environment must be a name such as dev or prod, not \"$environment\""
  var_file="$infra_dir/environments/$environment.tfvars"
  [ -f "$var_file" ] || die "unknown environment \"$environment\": there is no infra-terraform/environments/$environment.tfvars" \
    "known environments: $(list_environments)"
  account_id=$(tfvar "$var_file" aws_account_id)
  region=$(tfvar "$var_file" aws_region)
  if [ -z "$account_id" ] || [ -z "$region" ]; then die "$var_file must set aws_account_id and aws_region"; fi
}

list_environments() {
  local f names=()
  for f in "$infra_dir"/environments/*.tfvars; do names+=("$(basename "$f" .tfvars)"); done
  echo "${names[*]}"
}

# The credentials in use must belong to the environment's account: a deploy to the wrong account stops here.
require_aws_account() {
  local caller arn
  caller=$(aws sts get-caller-identity --query Account --output text 2>/dev/null) ||
    die "no usable AWS credentials (aws sts get-caller-identity failed)" \
      "log in first, e.g. aws sso login --profile <profile> && export AWS_PROFILE=<profile>"
  if [ "$caller" != "$account_id" ]; then
    die "the AWS credentials belong to account $caller, but environment $environment is account $account_id" \
      "switch credentials (AWS_PROFILE) or correct aws_account_id in infra-terraform/environments/$environment.tfvars"
  fi
  arn=$(aws sts get-caller-identity --query Arn --output text 2>/dev/null || true)
  log "AWS identity: ${arn:-unknown} (account $caller, region $region)"
}

# terraform init against the environment's state: s3://<bucket>/pet-store/<env>/terraform.tfstate, S3-native locking.
terraform_init() {
  local bucket=$1
  [ -n "$bucket" ] || die "no Terraform state bucket: pass --state-bucket <name> or set TF_STATE_BUCKET" \
    "create it once: aws s3api create-bucket --bucket <name> --region $region --create-bucket-configuration LocationConstraint=$region" \
    "then: aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled"
  # init only writes .terraform/ locally, so it runs in dry-run too: reading outputs needs it.
  log "+ terraform init ($bucket, pet-store/$environment)"
  terraform -chdir="$infra_dir" init -input=false -reconfigure \
    -backend-config="bucket=$bucket" \
    -backend-config="key=pet-store/$environment/terraform.tfstate" \
    -backend-config="region=$region" \
    -backend-config="use_lockfile=true" >&2 || die "terraform init failed (see above)"
}

# tf_output <name>: raw output value. In a dry run before the first apply, prints a placeholder instead of failing.
tf_output() {
  local value
  if value=$(terraform -chdir="$infra_dir" output -raw "$1" 2>/dev/null) && [ -n "$value" ]; then
    printf '%s\n' "$value"
  elif [ "$DRY_RUN" = 1 ]; then
    printf '<%s>\n' "$1"
  else
    die "terraform output $1 is empty: has infra-terraform been applied for $environment?"
  fi
}

# tf_output_json <name> <file>: writes an output as JSON (helm reads JSON values files as YAML).
tf_output_json() {
  if ! terraform -chdir="$infra_dir" output -json "$1" >"$2" 2>/dev/null; then
    [ "$DRY_RUN" = 1 ] || die "terraform output $1 failed: has infra-terraform been applied for $environment?"
    echo '{}' >"$2"
  fi
}

# Points kubectl and helm at the cluster through a kubeconfig of the script's own (never the user's), with the context
# named after the cluster; every later call names that context explicitly. Writing it changes nothing, so it also runs
# in --dry-run; there, a cluster that does not exist yet is not an error.
use_cluster() {
  cluster_name=$1
  kube_context=$cluster_name
  export KUBECONFIG="$work/kubeconfig"
  log "+ aws eks update-kubeconfig --name $cluster_name (private kubeconfig)"
  if ! aws eks update-kubeconfig --name "$cluster_name" --region "$region" --alias "$kube_context" --kubeconfig "$KUBECONFIG" >&2; then
    [ "$DRY_RUN" = 1 ] || die "could not write a kubeconfig for EKS cluster $cluster_name"
    log "no kubeconfig for $cluster_name (dry run: the cluster may not exist yet)"
  fi
}
