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
      *" output -raw operator_namespace") echo "petstore-system" ;;
      *" output -json ecr_repository_urls") printf '{"api":"%s/pet-store-%s/api","operator":"%s/pet-store-%s/operator"}\n' "$registry" "$env" "$registry" "$env" ;;
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
      *"get ingress --all-namespaces -o name"*)
        for i in $(seq 1 "${STANDIN_INGRESSES:-1}"); do echo "ingress.networking.k8s.io/shop-$i"; done ;;
      *"{.status.url}"*) echo "https://shop.example.com/api/v1" ;;
      *"loadBalancer.ingress"*) echo "k8s-pets-0123456789.us-west-2.elb.amazonaws.com" ;;
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
