#!/usr/bin/env bash
# Removes one environment of the Pet Store platform in the only safe order, then proves nothing is left:
#   1. PetStores (the operator's finalizer snapshots or deletes each RDS database), then their Ingresses (the load
#      balancer controller deletes the ALBs) - both while the controllers still run;
#   2. the Helm releases; 3. the images in ECR; 4. terraform destroy;
#   5. the Resource Groups Tagging API must find no resource tagged for this environment (final snapshots excepted).
# Every step tolerates what is already gone, so an interrupted cleanup is finished by running it again.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
script_name=cleanup
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/cleanup.sh --environment <env> [options]

  -e, --environment ENV          environment to remove: $(list_environments)
      --state-bucket NAME        S3 bucket of the Terraform state (default: \$TF_STATE_BUCKET)
      --confirm-environment ENV  required with --yes for prod: repeat the environment name
      --petstore-timeout DUR     how long PetStores may take to finalize (default: 45m; RDS snapshots are slow)
  -y, --yes                      do not ask before deleting
      --dry-run                  print every command that would change something, change nothing
  -h, --help                     this help

Final RDS snapshots (petstore-*) are kept on purpose: they are the restore points of docs/runbook.md.
EOF
}

environment='' state_bucket=${TF_STATE_BUCKET:-} confirmed_environment='' petstore_timeout=45m
while [ $# -gt 0 ]; do
  case "$1" in
    -e | --environment) environment=${2:?--environment needs a value}; shift ;;
    --state-bucket) state_bucket=${2:?--state-bucket needs a value}; shift ;;
    --confirm-environment) confirmed_environment=${2:?--confirm-environment needs a value}; shift ;;
    --petstore-timeout) petstore_timeout=${2:?--petstore-timeout needs a value}; shift ;;
    -y | --yes) ASSUME_YES=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

load_environment "$environment"
if [ "$environment" = prod ] && [ "$ASSUME_YES" = 1 ] && [ "$DRY_RUN" = 0 ] && [ "$confirmed_environment" != prod ]; then
  die "refusing to remove prod unattended: add --confirm-environment prod to --yes"
fi
make_workdir

# kubectl against the environment's cluster; read-only, so it also runs in --dry-run.
k() { kubectl --context "$kube_context" "$@"; }

preflight() {
  step "prerequisites"
  require_tools terraform aws kubectl helm
  require_aws_account
  terraform_init "$state_bucket"
  confirm "Delete every PetStore, database, image and the whole $environment environment (account $account_id)?"
}

read_outputs() {
  cluster_name=$(terraform -chdir="$infra_dir" output -raw cluster_name 2>/dev/null || true)
  operator_namespace=$(terraform -chdir="$infra_dir" output -raw operator_namespace 2>/dev/null || true)
  tf_output_json ecr_repository_urls "$work/ecr.json"
  repositories=$(grep -oE '"(https://)?[0-9]+\.dkr\.ecr\.[^"]+"' "$work/ecr.json" | tr -d '"' | sed 's#^[^/]*/##' || true)
}

cluster_reachable() {
  [ -n "$cluster_name" ] && aws eks describe-cluster --name "$cluster_name" --region "$region" >/dev/null 2>&1
}

delete_petstores() {
  step "PetStores (their databases are snapshotted or deleted by the operator)"
  if ! k get crd petstores.petstore.example.com >/dev/null 2>&1; then
    log "the PetStore CRD is not installed; nothing to delete"
    return
  fi
  local remaining
  remaining=$(k get petstores --all-namespaces -o name 2>/dev/null | wc -l)
  log "$remaining PetStore(s)"
  [ "$remaining" -gt 0 ] || [ "$DRY_RUN" = 1 ] || return 0
  run kubectl --context "$kube_context" delete petstores --all --all-namespaces --wait=false
  # The operator must still run here: its finalizer takes the final snapshot and deletes the instance.
  run kubectl --context "$kube_context" wait petstores --all --all-namespaces --for=delete --timeout="$petstore_timeout" ||
    die "PetStores are still finalizing after $petstore_timeout" \
      "see: kubectl --context $kube_context -n ${operator_namespace:-petstore-system} logs deploy/petstore-operator" \
      "do not remove the finalizer by hand unless you deleted or snapshotted the RDS instance yourself; re-run cleanup"
}

# Owner references delete the PetStores' Ingresses in the background after their PetStore is gone; the ALB controller's
# finalizer holds each Ingress until its load balancer is deleted, so waiting here leaves no orphaned ALB. Only the
# operator's Ingresses (its managed-by label) are deleted: other teams' Ingresses in the cluster are theirs to remove,
# and are listed so their load balancers are not forgotten when the cluster goes.
delete_ingresses() {
  step "The PetStores' Ingresses and their load balancers"
  local selector=app.kubernetes.io/managed-by=petstore-operator count others
  count=$(k get ingress --all-namespaces -l "$selector" -o name 2>/dev/null | wc -l)
  log "$count PetStore Ingress(es)"
  others=$(k get ingress --all-namespaces -l "app.kubernetes.io/managed-by!=petstore-operator" \
    -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\n"}{end}' 2>/dev/null || true)
  if [ -n "$others" ]; then
    log "left alone, not made by PetStores (their owners delete them, or their load balancers outlive the cluster):"
    printf '%s\n' "$others" | sed 's/^/  /' >&2
  fi
  [ "$count" -gt 0 ] || [ "$DRY_RUN" = 1 ] || return 0
  run kubectl --context "$kube_context" delete ingress --all-namespaces -l "$selector" --wait=false
  run kubectl --context "$kube_context" wait ingress --all-namespaces -l "$selector" --for=delete --timeout=15m ||
    die "Ingresses still exist after 15 minutes: check the aws-load-balancer-controller logs in kube-system"
}

uninstall_releases() {
  step "Helm releases"
  local release namespace
  for release in "petstore-operator:${operator_namespace:-petstore-system}" cluster-autoscaler:kube-system aws-load-balancer-controller:kube-system; do
    namespace=${release#*:}
    release=${release%%:*}
    if helm status "$release" --kube-context "$kube_context" --namespace "$namespace" >/dev/null 2>&1 || [ "$DRY_RUN" = 1 ]; then
      run helm uninstall "$release" --kube-context "$kube_context" --namespace "$namespace" --wait --timeout 10m
    else
      log "release $release is not installed"
    fi
  done
}

# ECR refuses to delete a repository that still has images, and the images are not Terraform's to delete.
delete_images() {
  step "images in ECR"
  local repository ids digests batch i
  for repository in $repositories; do
    ids=$(aws ecr list-images --region "$region" --repository-name "$repository" --query 'imageIds[].imageDigest' --output text 2>/dev/null || true)
    if [ -z "$ids" ] || [ "$ids" = None ]; then
      log "$repository has no images"
      continue
    fi
    # Digests, deduplicated (an image with two tags is listed twice), in batches of 100 (the API's limit).
    mapfile -t digests < <(printf '%s\n' "$ids" | tr '\t' '\n' | sed '/^$/d' | sort -u)
    for ((i = 0; i < ${#digests[@]}; i += 100)); do
      batch=("${digests[@]:i:100}")
      run aws ecr batch-delete-image --region "$region" --repository-name "$repository" --image-ids "${batch[@]/#/imageDigest=}"
    done
  done
}

destroy_infrastructure() {
  step "infrastructure (terraform destroy, $environment)"
  run terraform -chdir="$infra_dir" destroy -input=false -auto-approve -var-file="environments/$environment.tfvars"
}

# The Tagging API lists every taggable resource still carrying this environment's tags, whoever made it. Deleted
# resources can linger there for a few minutes, so a non-empty answer is retried before it counts.
verify_nothing_left() {
  step "verification"
  local environment_tag attempt leftovers kept
  environment_tag=$(sed -nE 's/^[[:space:]]*environment[[:space:]]*=[[:space:]]*"([^"]+)".*/\1/p' "$var_file")
  case "$environment_tag" in dev) environment_tag=development ;; prod) environment_tag=production ;; esac
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] aws resourcegroupstaggingapi get-resources --tag-filters Key=Application,Values=pet-store Key=Environment,Values=%s (must be empty)\n' "$environment_tag"
    return
  fi
  for attempt in 1 2 3 4 5; do
    leftovers=$(aws resourcegroupstaggingapi get-resources --region "$region" \
      --tag-filters Key=Application,Values=pet-store "Key=Environment,Values=$environment_tag" \
      --query 'ResourceTagMappingList[].ResourceARN' --output text | tr '\t' '\n' | sed '/^$/d' | sed '/^None$/d')
    kept=$(printf '%s\n' "$leftovers" | grep -E ':snapshot:petstore-' || true)
    leftovers=$(printf '%s\n' "$leftovers" | grep -vE ':snapshot:petstore-' | sed '/^$/d' || true)
    [ -n "$leftovers" ] || break
    [ "$attempt" = 5 ] || { log "resources still listed, checking again in ${VERIFY_RETRY_SECONDS:-60}s"; sleep "${VERIFY_RETRY_SECONDS:-60}"; }
  done
  [ -z "$kept" ] || log "kept on purpose (final snapshots, the restore points):" "$kept"
  if [ -n "$leftovers" ]; then
    mapfile -t leftovers_list <<<"$leftovers"
    die "resources tagged Application=pet-store, Environment=$environment_tag are left:" "${leftovers_list[@]}"
  fi
  log "nothing tagged for $environment is left in $region"
}

# --- main --------------------------------------------------------------------------------------------------------------

preflight
read_outputs
if cluster_reachable; then
  step "kubeconfig"
  use_cluster "$cluster_name"
  delete_petstores
  delete_ingresses
  uninstall_releases
else
  kube_context=''
  log "no EKS cluster ${cluster_name:+$cluster_name }in $region: skipping the Kubernetes steps"
fi
delete_images
destroy_infrastructure
verify_nothing_left
