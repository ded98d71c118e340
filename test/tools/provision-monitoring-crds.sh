#!/usr/bin/env bash
# Generates the Prometheus Operator's monitoring.coreos.com/v1 CRDs (ServiceMonitor, PrometheusRule, ...) from its Go
# API module with controller-gen, both from the Go module proxy (no GitHub download), cached by version in
# $PETSTORE_CACHE/monitoring-crds-<version>/. Prints that directory on stdout; progress goes to stderr.
set -euo pipefail
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
log() { printf '[monitoring-crds] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

PROMETHEUS_OPERATOR_VERSION=0.85.0
CONTROLLER_TOOLS_VERSION=0.19.0

out="$cache/monitoring-crds-$PROMETHEUS_OPERATOR_VERSION"
if [ ! -f "$out/monitoring.coreos.com_servicemonitors.yaml" ] || [ ! -f "$out/monitoring.coreos.com_prometheusrules.yaml" ]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to generate the monitoring.coreos.com CRDs (install Go >= 1.26)"
  export GOFLAGS=-buildvcs=false
  tools="$cache/go-tools/controller-gen-$CONTROLLER_TOOLS_VERSION"
  if [ ! -x "$tools/controller-gen" ]; then
    log "building controller-gen $CONTROLLER_TOOLS_VERSION from the Go module proxy"
    GOBIN="$tools" go install -trimpath -ldflags='-s -w' "sigs.k8s.io/controller-tools/cmd/controller-gen@v$CONTROLLER_TOOLS_VERSION" >&2 ||
      { rm -rf "$tools"; die "go install controller-gen@v$CONTROLLER_TOOLS_VERSION failed"; }
  fi
  module=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring
  src=$(go mod download -json "$module@v$PROMETHEUS_OPERATOR_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || die "could not download $module@v$PROMETHEUS_OPERATOR_VERSION from the Go module proxy"
  log "generating the monitoring.coreos.com CRDs of prometheus-operator $PROMETHEUS_OPERATOR_VERSION"
  tmp=$(mktemp -d)
  (cd "$src" && "$tools/controller-gen" crd:allowDangerousTypes=true,maxDescLen=0 paths=./v1/... "output:crd:dir=$tmp") >&2 ||
    { rm -rf "$tmp"; die "controller-gen failed on $module@v$PROMETHEUS_OPERATOR_VERSION"; }
  mkdir -p "$(dirname "$out")" && rm -rf "$out" && mv "$tmp" "$out"
fi
echo "$out"
