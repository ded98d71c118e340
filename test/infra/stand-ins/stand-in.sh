#!/usr/bin/env bash
# A stand-in for the CLIs scripts/deploy.sh and scripts/cleanup.sh drive (aws, terraform, kubectl, helm, docker, curl,
# git): linked under each tool's name, it appends "<tool> <args>" to $STANDIN_LOG and answers like the real tool would
# for a healthy dev environment. STANDIN_* variables change the answers (see test/infra/stand-ins.ts).
set -euo pipefail
tool=$(basename "$0")
args="$*"
printf '%s %s\n' "$tool" "$args" >>"${STANDIN_LOG:?STANDIN_LOG must name the call log}"

# STANDIN_FAIL: a substring; the call whose "<tool> <args>" contains it fails.
if [ -n "${STANDIN_FAIL:-}" ] && [[ "$tool $args" == *"$STANDIN_FAIL"* ]]; then
  echo "$tool: failing as asked by STANDIN_FAIL" >&2
  exit 1
fi

env=${STANDIN_ENV:-dev}
account=${STANDIN_AWS_ACCOUNT:-111122223333}
registry="$account.dkr.ecr.us-west-2.amazonaws.com"


case "$tool" in
  terraform)
    case "$args" in
      version*) echo "Terraform v${STANDIN_TERRAFORM_VERSION:-1.11.4}" ;;
      *" output -raw cluster_name") echo "pet-store-$env" ;;
      *" output -raw kubernetes_version") echo "1.36" ;;
      *" output -raw operator_namespace") echo "${STANDIN_OPERATOR_NAMESPACE:-petstore-system}" ;;
      *" output -json ecr_repository_urls") printf '{"api":"%s/pet-store-%s/api","operator":"%s/pet-store-%s/operator"}\n' "$registry" "$env" "$registry" "$env" ;;
      *" output -json operator_helm_values") [ -z "${STANDIN_OPERATOR_VALUES:-}" ] || { echo "$STANDIN_OPERATOR_VALUES"; exit 0; }
        printf '{"image":{"repository":"%s/pet-store-%s/operator"}}\n' "$registry" "$env" ;;
      *" output -json "*) echo '{}' ;;
      *) ;;
    esac
    ;;
  aws)
    case "$args" in
      --version*) echo "aws-cli/${STANDIN_AWS_VERSION:-2.27.5} Python/3.13.2 Linux/6.8 exe/x86_64" ;;
      "sts get-caller-identity --query Account"*) echo "$account" ;;
      "sts get-caller-identity --query Arn"*) echo "arn:aws:sts::$account:assumed-role/PlatformAdmin/ci" ;;
      "ecr describe-images"*) [ "${STANDIN_ECR_HAS_IMAGES:-0}" = 1 ] || { echo "ImageNotFoundException" >&2; exit 254; } ;;
      "ecr list-images"*) printf 'sha256:aaaa\tsha256:bbbb\tsha256:aaaa\n' ;;
      "ecr get-login-password"*) echo "token" ;;
      # STANDIN_KUBECONFIG: a kubeconfig (context named after the cluster) that update-kubeconfig writes, so the real
      # kubectl and helm of the cluster tests reach the local cluster.
      "eks update-kubeconfig"*)
        if [ -n "${STANDIN_KUBECONFIG:-}" ]; then
          target=${args##*--kubeconfig }
          cat "$STANDIN_KUBECONFIG" >"${target%% *}"
        fi ;;
      "eks describe-cluster"*) [ "${STANDIN_CLUSTER_EXISTS:-1}" = 1 ] || { echo "ResourceNotFoundException" >&2; exit 254; } ;;
      "resourcegroupstaggingapi get-resources"*) printf '%s\n' "${STANDIN_TAGGED:-}" ;;
      *) ;;
    esac
    ;;
  kubectl)
    case "$args" in
      "version --client"*) echo "Client Version: v${STANDIN_KUBECTL_VERSION:-1.36.3}" ;;
      *"get petstores --all-namespaces -o name"*)
        for i in $(seq 1 "${STANDIN_PETSTORES:-1}"); do echo "petstore.petstore.example.com/shop-$i"; done ;;
      *"get ingress --all-namespaces -l app.kubernetes.io/managed-by=petstore-operator -o name"*)
        for i in $(seq 1 "${STANDIN_INGRESSES:-1}"); do echo "ingress.networking.k8s.io/shop-$i"; done ;;
      *"get ingress --all-namespaces -l app.kubernetes.io/managed-by!=petstore-operator"*)
        for i in $(seq 1 "${STANDIN_OTHER_INGRESSES:-0}"); do echo "other-team/web-$i"; done ;;
      *"{.status.url}"*) echo "https://shop.example.com/api/v1" ;;
      *"loadBalancer.ingress"*) echo "k8s-pets-0123456789.us-west-2.elb.amazonaws.com" ;;
      # The post-deploy NetworkPolicy probe: Failed (blocked) on a cluster that enforces policies.
      *"get job"*"conditions"*) echo "${STANDIN_PROBE_OUTCOME:-Failed:BackoffLimitExceeded}" ;;
      *"top pods"*)
        if [ "${STANDIN_METRICS:-1}" = 1 ]; then echo "pet-store-7d9c-abcde   3m   61Mi"; else echo "error: Metrics API not available" >&2; exit 1; fi ;;
      *"get horizontalpodautoscaler"*) [ "${STANDIN_METRICS:-1}" != 1 ] || echo "4" ;;
      *"apply"*) cat >/dev/null ;;
      *) ;;
    esac
    ;;
  helm)
    case "$args" in
      "version --short"*) echo "v${STANDIN_HELM_VERSION:-3.21.4}+g1b2c3d4" ;;
      "history "*)
        if [ "${STANDIN_HELM_REVISIONS:-2}" = 2 ]; then echo '[{"revision":1,"status":"superseded"},{"revision":2,"status":"deployed"}]'; else echo '[{"revision":1,"status":"deployed"}]'; fi ;;
      "show crds"*) echo "apiVersion: apiextensions.k8s.io/v1" ;;
      "get values"*) printf '{"image":{"repository":"%s/pet-store-%s/operator","tag":"%s"}}\n' "$registry" "$env" "${STANDIN_RELEASE_TAG:-previous}" ;;
      *) ;;
    esac
    ;;
  docker)
    case "$args" in
      "version --format"*) echo "${STANDIN_DOCKER_VERSION:-28.2.2}" ;;
      # STANDIN_PODMAN=1: Podman's docker alias (podman-docker), which names itself.
      --version) if [ "${STANDIN_PODMAN:-0}" = 1 ]; then echo "podman version ${STANDIN_DOCKER_VERSION:-4.9.3}"; else echo "Docker version ${STANDIN_DOCKER_VERSION:-28.2.2}, build e6534b4"; fi ;;
      "image inspect"*) exit 1 ;;
      login*) cat >/dev/null ;;
      *) ;;
    esac
    ;;
  git)
    case "$args" in
      *"status --porcelain"*) printf '%s' "${STANDIN_GIT_DIRTY:-}" ;;
      *"rev-parse HEAD"*) echo "0123456789abcdef0123456789abcdef01234567" ;;
      *) ;;
    esac
    ;;
  curl) ;;
  *) echo "stand-in.sh: no behaviour for $tool" >&2; exit 2 ;;
esac
