#!/usr/bin/env bash
# Deploys one environment of the Pet Store platform, end to end and idempotently:
#   terraform apply (infra-terraform) -> build and push the operator and API images to ECR -> kubeconfig ->
#   AWS Load Balancer Controller and Cluster Autoscaler (Helm) -> with --monitoring, kube-prometheus-stack (Helm) ->
#   petstore-operator (Helm, values from Terraform outputs)
#   -> a PetStore in a namespace that enforces the restricted Pod Security Standard -> wait until it is Ready, check its
#   health endpoint through the ALB, prove that NetworkPolicies are enforced (a probe pod must not reach the API) and
#   that resource metrics flow (kubectl top, the HPA's CPU reading), and print the URLs.
# With --rollback it instead returns the operator release (and with it the default API image) to its previous revision,
# or to --revision N.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
script_name=deploy
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/deploy.sh --environment <env> --host <dns name> [options]

  -e, --environment ENV     environment to deploy: $(list_environments) (infra-terraform/environments/ENV.tfvars)
      --host NAME           DNS name the Pet Store API is served on (point it at the ALB; required)
      --certificate-arn ARN ACM certificate for --host (HTTPS; required for prod)
      --database ENGINE     sqlite or rds (default: sqlite for dev, rds otherwise, as the seeds ask)
      --name NAME           PetStore name (default: pet-store)
      --namespace NS        PetStore namespace (default: pet-store)
      --image-tag TAG       tag of both images (default: the current git commit; a dirty tree is refused)
      --state-bucket NAME   S3 bucket of the Terraform state (default: \$TF_STATE_BUCKET)
      --phase PHASE         run one phase only: infrastructure (terraform apply, images), release (charts, PetStore)
                            or verify (Ready and health check); default: all three in that order
      --monitoring          also install kube-prometheus-stack (Prometheus, Alertmanager, Grafana) into the namespace
                            monitoring, and turn on the operator's ServiceMonitor and PrometheusRule; every PetStore
                            then gets its ServiceMonitor, alerts and dashboard (docs/runbook.md section 8)
      --rollback            roll petstore-operator back to its previous Helm revision and verify again; with
                            --image-tag only when the release runs that tag (so a deploy that failed earlier is left alone)
      --revision N          with --rollback: the Helm revision to return to (helm history petstore-operator)
  -y, --yes                 do not ask before terraform apply
      --dry-run             print every command that would change something, change nothing
  -h, --help                this help

Prerequisites: terraform >= $MIN_TERRAFORM_VERSION, aws >= $MIN_AWS_CLI_VERSION, kubectl >= $MIN_KUBECTL_VERSION, helm >= $MIN_HELM_VERSION,
docker >= $MIN_DOCKER_VERSION (or Podman >= $MIN_PODMAN_VERSION as docker), curl, git; AWS credentials for the environment's account (aws_account_id in its tfvars).
EOF
}

environment='' host='' certificate_arn='' database='' petstore_name=pet-store namespace=pet-store image_tag=''
state_bucket=${TF_STATE_BUCKET:-} phase=all rollback=0 revision=0 monitoring=0
while [ $# -gt 0 ]; do
  case "$1" in
    -e | --environment) environment=${2:?--environment needs a value}; shift ;;
    --host) host=${2:?--host needs a value}; shift ;;
    --certificate-arn) certificate_arn=${2:?--certificate-arn needs a value}; shift ;;
    --database) database=${2:?--database needs a value}; shift ;;
    --name) petstore_name=${2:?--name needs a value}; shift ;;
    --namespace) namespace=${2:?--namespace needs a value}; shift ;;
    --image-tag) image_tag=${2:?--image-tag needs a value}; shift ;;
    --state-bucket) state_bucket=${2:?--state-bucket needs a value}; shift ;;
    --phase) phase=${2:?--phase needs a value}; shift ;;
    --rollback) rollback=1 ;;
    --revision) revision=${2:?--revision needs a value}; shift ;;
    --monitoring) monitoring=1 ;;
    -y | --yes) ASSUME_YES=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

load_environment "$environment"
case "$phase" in all | infrastructure | release | verify) ;; *) die "--phase must be infrastructure, release or verify, not \"$phase\"" ;; esac
[ -n "$host" ] || die "--host is required: the DNS name the API is served on (e.g. shop.example.com)"
[ -n "$database" ] || { [ "$environment" = dev ] && database=sqlite || database=rds; }
case "$database" in sqlite | rds) ;; *) die "--database must be sqlite or rds, not \"$database\"" ;; esac
[[ "$revision" =~ ^[0-9]+$ ]] || die "--revision must be a Helm revision number (helm history petstore-operator), not \"$revision\""
[ "$revision" = 0 ] || [ "$rollback" = 1 ] || die "--revision only goes with --rollback"
[ "$environment" != prod ] || [ -n "$certificate_arn" ] ||
  die "--certificate-arn is required for prod: production Pet Stores are served over HTTPS only"
make_workdir

# --- steps -------------------------------------------------------------------------------------------------------------

preflight() {
  step "prerequisites"
  case "$rollback:$phase" in
    1:* | 0:verify) require_tools terraform aws kubectl helm curl ;;
    0:release) require_tools terraform aws kubectl helm git ;;
    0:infrastructure) require_tools terraform aws docker git ;;
    *) require_tools terraform aws kubectl helm docker curl git ;;
  esac
  require_aws_account
  if [ -z "$image_tag" ] && [ "$rollback" = 0 ] && [ "$phase" != verify ]; then
    [ -z "$(git -C "$root" status --porcelain)" ] ||
      die "the working tree has uncommitted changes; commit them or pass --image-tag (image tags are immutable)"
    image_tag=$(git -C "$root" rev-parse HEAD)
  fi
  [ -z "$image_tag" ] || log "image tag: $image_tag"
}

apply_infrastructure() {
  step "infrastructure (terraform apply, $environment)"
  # plan changes nothing, so it runs in --dry-run too and shows what apply would do.
  log "+ terraform plan"
  terraform -chdir="$infra_dir" plan -input=false -var-file="environments/$environment.tfvars" -out="$work/plan.tfplan" >&2 ||
    die "terraform plan failed (see above)"
  confirm "Apply this plan to $environment (account $account_id)?"
  run terraform -chdir="$infra_dir" apply -input=false "$work/plan.tfplan"
}

read_outputs() {
  cluster_name=$(tf_output cluster_name)
  kubernetes_version=$(tf_output kubernetes_version)
  operator_namespace=$(tf_output operator_namespace)
  tf_output_json ecr_repository_urls "$work/ecr.json"
  tf_output_json operator_helm_values "$work/operator-values.json"
  tf_output_json load_balancer_controller_helm_values "$work/lbc-values.json"
  tf_output_json cluster_autoscaler_helm_values "$work/autoscaler-values.json"
  operator_repository=$(sed -nE 's/.*"operator"[[:space:]]*:[[:space:]]*"([^"]+)".*/\1/p' "$work/ecr.json")
  api_repository=$(sed -nE 's/.*"api"[[:space:]]*:[[:space:]]*"([^"]+)".*/\1/p' "$work/ecr.json")
  operator_repository=${operator_repository:-<ecr operator repository>}
  api_repository=${api_repository:-<ecr api repository>}
}

# Builds (unless a local image with the tag exists, e.g. loaded from CI's build job) and pushes; a tag already in ECR
# is left alone, because tags are immutable and a second run must not fail.
push_image() {
  local repository=$2 dockerfile=$3 local_ref="petstore-$1:$image_tag"
  if aws ecr describe-images --region "$region" --repository-name "${repository#*/}" --image-ids "imageTag=$image_tag" >/dev/null 2>&1; then
    log "$repository:$image_tag is already in ECR"
    return
  fi
  if docker image inspect "$local_ref" >/dev/null 2>&1; then
    log "using the local image $local_ref"
  else
    run docker build --file "$root/$dockerfile" --tag "$local_ref" --label "org.opencontainers.image.revision=$image_tag" "$root"
  fi
  run docker tag "$local_ref" "$repository:$image_tag"
  run docker push "$repository:$image_tag"
}

push_images() {
  step "images ($image_tag)"
  local registry=${operator_repository%%/*}
  run_pipeline "aws ecr get-login-password --region $region | docker login --username AWS --password-stdin $registry"
  push_image operator "$operator_repository" Dockerfile.operator
  push_image api "$api_repository" Dockerfile.api
}

connect_cluster() {
  step "kubeconfig"
  use_cluster "$cluster_name"
}

install_platform_charts() {
  step "AWS Load Balancer Controller and Cluster Autoscaler"
  local autoscaler_image_var="CLUSTER_AUTOSCALER_IMAGE_${kubernetes_version//./_}" autoscaler_image
  autoscaler_image=${!autoscaler_image_var:-}
  [ -n "$autoscaler_image" ] || [ "$DRY_RUN" = 1 ] ||
    die "no cluster autoscaler image for Kubernetes $kubernetes_version: add $autoscaler_image_var to scripts/lib/versions.env"
  run helm repo add eks "$EKS_CHARTS_REPOSITORY" --force-update
  run helm repo add autoscaler "$AUTOSCALER_CHARTS_REPOSITORY" --force-update
  run helm repo update eks autoscaler
  # helm upgrade never updates CRDs, so the controller's are applied first on every run.
  run_pipeline "helm show crds eks/aws-load-balancer-controller --version $AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION | kubectl --context $kube_context apply --server-side --force-conflicts -f -"
  run helm upgrade --install aws-load-balancer-controller eks/aws-load-balancer-controller \
    --kube-context "$kube_context" --namespace kube-system \
    --version "$AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION" --values "$work/lbc-values.json" --wait --timeout 10m
  run helm upgrade --install cluster-autoscaler autoscaler/cluster-autoscaler \
    --kube-context "$kube_context" --namespace kube-system \
    --version "$CLUSTER_AUTOSCALER_CHART_VERSION" --values "$work/autoscaler-values.json" \
    --set "image.tag=${autoscaler_image:-<autoscaler image>}" --wait --timeout 10m
}

install_monitoring_stack() {
  step "kube-prometheus-stack"
  run helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
  run helm repo update prometheus-community
  # helm upgrade never updates CRDs: the monitoring.coreos.com ones are applied first on every run, as for the LBC.
  run_pipeline "helm show crds prometheus-community/kube-prometheus-stack --version $KUBE_PROMETHEUS_STACK_CHART_VERSION | kubectl --context $kube_context apply --server-side --force-conflicts -f -"
  # Select every namespace's ServiceMonitors, PrometheusRules and dashboard ConfigMaps: the PetStores' live in theirs.
  run helm upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack \
    --kube-context "$kube_context" --namespace monitoring --create-namespace \
    --version "$KUBE_PROMETHEUS_STACK_CHART_VERSION" \
    --set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false \
    --set prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues=false \
    --set grafana.sidecar.dashboards.searchNamespace=ALL \
    --set grafana.sidecar.dashboards.folderAnnotation=grafana_folder --wait --timeout 15m
}

install_operator() {
  step "petstore-operator"
  # PETSTORE_OPERATOR_CHART may name another chart directory or an oci:// reference.
  local chart=${PETSTORE_OPERATOR_CHART:-$root/charts/petstore-operator}
  if [[ "$chart" != *://* ]] && [ ! -f "$chart/Chart.yaml" ]; then
    die "no Helm chart at $chart (set PETSTORE_OPERATOR_CHART to the petstore-operator chart)"
  fi
  # Without --monitoring the release keeps what it had (a later deploy does not turn monitoring off).
  local monitoring_values=()
  [ "$monitoring" = 0 ] || monitoring_values=(--set metrics.serviceMonitor.enabled=true --set metrics.prometheusRule.enabled=true)
  # PetStores without spec.image run petstoreDefaults.apiImage, so a helm rollback also rolls the API back.
  run helm upgrade --install petstore-operator "$chart" \
    --kube-context "$kube_context" --namespace "$operator_namespace" --create-namespace \
    --values "$work/operator-values.json" \
    --set "image.tag=$image_tag" --set "petstoreDefaults.apiImage=$api_repository:$image_tag" \
    "${monitoring_values[@]}" --wait --timeout 10m
}

write_petstore() {
  local file=$1
  {
    cat <<EOF
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata:
  name: $petstore_name
  namespace: $namespace
spec:
EOF
    if [ "$database" = sqlite ]; then
      printf '  replicas: 1\n'
    else
      printf '  autoscaling:\n    minReplicas: 2\n    maxReplicas: 10\n    targetCPUUtilizationPercentage: 70\n'
    fi
    printf '  config:\n    environment: %s\n' "$(tfvar_environment_tag)"
    if [ "$database" = sqlite ]; then
      printf '  database:\n    engine: sqlite\n'
    else
      printf '  database:\n    engine: rds\n    rds:\n      backupRetentionDays: 7\n      deletionPolicy: Snapshot\n'
    fi
    printf '  ingress:\n    host: %s\n' "$host"
    [ -z "$certificate_arn" ] || printf '    tls:\n      certificateArn: %s\n' "$certificate_arn"
  } >"$file"
}

tfvar_environment_tag() {
  case "$environment" in dev) echo development ;; prod) echo production ;; *) echo "$environment" ;; esac
}

# The application namespace enforces the restricted Pod Security Standard, which the operator's pods meet: a pod that
# runs as root or keeps capabilities is refused there, whoever creates it.
write_namespace() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $namespace
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/audit: restricted
EOF
}

apply_petstore() {
  step "PetStore $namespace/$petstore_name"
  write_namespace "$work/namespace.yaml"
  write_petstore "$work/petstore.yaml"
  [ "$DRY_RUN" = 0 ] || sed 's/^/[dry-run]   /' "$work/namespace.yaml" "$work/petstore.yaml"
  run kubectl --context "$kube_context" apply --server-side --field-manager=petstore-deploy -f "$work/namespace.yaml"
  run kubectl --context "$kube_context" apply --server-side --field-manager=petstore-deploy -f "$work/petstore.yaml"
}

# Ready first (kubectl wait), then an HTTP check through the load balancer, so a broken image fails the deploy even
# before DNS points at the ALB.
verify_petstore() {
  step "readiness and health"
  local timeout=15m url ingress_host scheme port
  petstore_url='' load_balancer_url=''
  [ "$database" = sqlite ] || timeout=30m # a new RDS instance takes 10-20 minutes
  run kubectl --context "$kube_context" wait --namespace "$namespace" --for=condition=Ready "petstore/$petstore_name" --timeout="$timeout"
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] curl --fail <status.url>/health (through the ALB)\n'
    return
  fi
  url=$(kubectl --context "$kube_context" get petstore "$petstore_name" --namespace "$namespace" -o jsonpath='{.status.url}')
  [ -n "$url" ] || die "PetStore $namespace/$petstore_name is Ready but has no status.url"
  ingress_host=$(kubectl --context "$kube_context" get ingress --namespace "$namespace" \
    -l "app.kubernetes.io/instance=$petstore_name" -o jsonpath='{.items[0].status.loadBalancer.ingress[0].hostname}')
  scheme=${url%%://*}
  port=443
  [ "$scheme" = https ] || port=80
  log "health check: $url/health via ${ingress_host:-DNS}"
  curl --fail --silent --show-error --max-time 10 --retry 20 --retry-delay 15 --retry-all-errors \
    ${ingress_host:+--connect-to "$host:$port:$ingress_host:$port"} "$url/health" >/dev/null ||
    die "the health check of $url/health failed" "a failed deploy is rolled back with: scripts/deploy.sh -e $environment --host $host --rollback"
  petstore_url=$url
  load_balancer_url=${ingress_host:+$scheme://$ingress_host${url#*://"$host"}}
}

# Polls a command until it prints something, at most VERIFY_ATTEMPTS times VERIFY_RETRY_SECONDS apart; prints the last
# output (stdout and stderr) and returns 1 if it never printed anything on success.
poll() {
  local attempt output=''
  for attempt in $(seq 1 "${VERIFY_ATTEMPTS:-12}"); do
    if output=$("$@" 2>&1) && [ -n "$output" ]; then
      printf '%s\n' "$output"
      return 0
    fi
    [ "$attempt" = "${VERIFY_ATTEMPTS:-12}" ] || sleep "${VERIFY_RETRY_SECONDS:-10}"
  done
  printf '%s\n' "$output"
  return 1
}

# A Job whose pod, in the PetStore's namespace but not one of its pods, calls the API's Service. The PetStore's
# NetworkPolicy admits only the load balancer's subnets, so the call must fail; if it succeeds, policies are stored
# but not enforced. The pod meets the restricted Pod Security Standard of the namespace.
write_network_probe() {
  cat >"$1" <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: $probe_job
  namespace: $namespace
  labels: { app.kubernetes.io/name: petstore-network-probe, app.kubernetes.io/managed-by: petstore-deploy }
spec:
  backoffLimit: 0
  activeDeadlineSeconds: 120
  ttlSecondsAfterFinished: 600
  template:
    metadata:
      labels: { app.kubernetes.io/name: petstore-network-probe }
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: probe
          image: $NETWORK_PROBE_IMAGE
          command: [wget, -q, -T, "5", -O, /dev/null, "http://$petstore_name.$namespace.svc/api/v1/health"]
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources:
            requests: { cpu: 10m, memory: 16Mi, ephemeral-storage: 16Mi }
            limits: { cpu: 100m, memory: 32Mi, ephemeral-storage: 16Mi }
EOF
}

# Prints "<type>:<reason>" of the probe Job's final condition (Complete or Failed), nothing while it runs.
probe_outcome() {
  kubectl --context "$kube_context" get job "$probe_job" --namespace "$namespace" \
    -o 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type}:{.reason}{"\n"}{end}' |
    grep -E '^(Complete|Failed):' | head -n1 || true
}

# Appends to platform_problems when NetworkPolicies are not enforced or the probe could not tell.
verify_network_policy() {
  local outcome
  probe_job="$petstore_name-network-probe"
  write_network_probe "$work/network-probe.yaml"
  log "NetworkPolicy probe: job/$probe_job must not reach http://$petstore_name.$namespace.svc"
  kubectl --context "$kube_context" delete job "$probe_job" --namespace "$namespace" --ignore-not-found --wait >/dev/null
  kubectl --context "$kube_context" apply -f "$work/network-probe.yaml" >/dev/null
  outcome=$(VERIFY_ATTEMPTS=$((${VERIFY_ATTEMPTS:-12} * 2)) poll probe_outcome) || true
  kubectl --context "$kube_context" delete job "$probe_job" --namespace "$namespace" --ignore-not-found --wait=false >/dev/null
  case "$outcome" in
    Complete:*)
      platform_problems+=("NetworkPolicies are not enforced: a pod outside the load balancer's subnets reached the API" \
        "  turn on the VPC CNI's network policy agent (infra-terraform/eks.tf: vpc-cni configuration_values enableNetworkPolicy)") ;;
    Failed:BackoffLimitExceeded) log "NetworkPolicy enforced: the probe pod could not reach the API" ;;
    *) platform_problems+=("the NetworkPolicy probe did not finish (${outcome:-no result}), so enforcement is unproven: kubectl -n $namespace describe job $probe_job") ;;
  esac
}

# Appends to platform_problems when the resource metrics API does not answer for the PetStore's pods or, with
# autoscaling, when its HorizontalPodAutoscaler has no CPU reading: without them the HPA never scales.
verify_metrics() {
  local top utilization
  log "resource metrics: kubectl top pods -l app.kubernetes.io/instance=$petstore_name"
  if top=$(poll kubectl --context "$kube_context" top pods --namespace "$namespace" --no-headers \
    -l "app.kubernetes.io/name=petstore,app.kubernetes.io/instance=$petstore_name"); then
    printf '%s\n' "$top" | sed 's/^/  /' >&2
  else
    platform_problems+=("kubectl top has no metrics for the PetStore's pods: is metrics-server running? (infra-terraform/eks.tf: the metrics-server add-on)" \
      "  kubectl said: $(printf '%s' "$top" | tail -n1)")
    return
  fi
  [ "$database" != sqlite ] || return 0
  if utilization=$(poll kubectl --context "$kube_context" get horizontalpodautoscaler "$petstore_name" --namespace "$namespace" \
    -o 'jsonpath={.status.currentMetrics[?(@.type=="Resource")].resource.current.averageUtilization}'); then
    log "HorizontalPodAutoscaler $petstore_name reads ${utilization}% CPU"
  else
    platform_problems+=("HorizontalPodAutoscaler $petstore_name has no CPU reading, so it cannot scale: kubectl -n $namespace describe hpa $petstore_name")
  fi
}

# What the platform must do for the PetStore's objects to take effect; every problem is listed at once.
verify_platform() {
  step "NetworkPolicy enforcement and resource metrics"
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] kubectl apply -f network-probe.yaml (job/%s-network-probe must fail to reach the API); kubectl top pods -l app.kubernetes.io/instance=%s; the HPA CPU reading\n' "$petstore_name" "$petstore_name"
    return
  fi
  platform_problems=()
  verify_network_policy
  verify_metrics
  [ ${#platform_problems[@]} -eq 0 ] ||
    die "the cluster does not enforce what the PetStore asks for (the release itself is healthy):" "${platform_problems[@]}"
}

# The deployment guide ends with the URL to use; stdout gets only the PetStore's URL (the pipeline reads it).
print_urls() {
  [ "$DRY_RUN" = 0 ] || return 0
  log "Pet Store API: $petstore_url"
  if [ -n "$load_balancer_url" ]; then
    log "load balancer: $load_balancer_url (point $host at ${load_balancer_url#*://}; CNAME or Route 53 alias)"
  fi
  printf '%s\n' "$petstore_url"
}

# Returns 1 when there is nothing this rollback should undo.
rollback_operator() {
  step "rollback of petstore-operator"
  local revisions
  if [ -n "$image_tag" ] && [ "$DRY_RUN" = 0 ] &&
    ! helm get values petstore-operator --kube-context "$kube_context" --namespace "$operator_namespace" -o json 2>/dev/null |
    grep -q "\"tag\":\"$image_tag\""; then
    log "petstore-operator does not run $image_tag (the deploy stopped before upgrading it): nothing to roll back"
    return 1
  fi
  revisions=$(helm history petstore-operator --kube-context "$kube_context" --namespace "$operator_namespace" --max 2 -o json 2>/dev/null |
    grep -o '"revision":' | wc -l || true)
  [ "${revisions:-0}" -ge 2 ] || [ "$DRY_RUN" = 1 ] || die "petstore-operator has no previous revision to roll back to"
  run helm rollback petstore-operator "$revision" --kube-context "$kube_context" --namespace "$operator_namespace" --wait --timeout 10m
}

# --- main --------------------------------------------------------------------------------------------------------------

preflight
step "Terraform state ($environment)"
terraform_init "$state_bucket"
if [ "$rollback" = 1 ]; then
  read_outputs
  connect_cluster
  rollback_operator || exit 0
  verify_petstore
  print_urls
  exit 0
fi
in_phase() { [ "$phase" = all ] || [ "$phase" = "$1" ]; }
in_phase infrastructure && apply_infrastructure
read_outputs
in_phase infrastructure && push_images
if in_phase release; then
  connect_cluster
  install_platform_charts
  [ "$monitoring" = 0 ] || install_monitoring_stack
  install_operator
  apply_petstore
fi
if in_phase verify; then
  [ -n "${kube_context:-}" ] || connect_cluster
  verify_petstore
  verify_platform
  print_urls
fi
log "done ($phase): $environment, PetStore $namespace/$petstore_name${image_tag:+, images $image_tag}"
log "kubectl access: aws eks update-kubeconfig --name $cluster_name --region $region"
