#!/usr/bin/env bash
# Builds promtool (rule checks and rule unit tests) and the Prometheus server (the end-to-end scrape and alert test)
# from the Go module proxy, cached by version: $PETSTORE_CACHE/go-tools/prometheus-<version>/{promtool,prometheus},
# linked into $PETSTORE_CACHE/go-tools/bin (scripts/provision-tools.sh puts it on PATH). Progress goes to stderr; a
# second run does nothing.
set -euo pipefail
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
tools="$cache/go-tools"
bin="$tools/bin"
log() { printf '[prometheus] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Prometheus 3.16.0 (the Go module tags releases v0.<major><minor>.<patch>).
PROMETHEUS_MODULE_VERSION=0.316.0
# Only the file, HTTP and Kubernetes service discoveries: the cloud ones (AWS, Azure, GCE, ...) triple the build and
# no test uses them. Without the builtinassets tag the server has no web UI; its HTTP API is all the tests need.
PROMETHEUS_BUILD_TAGS=remove_all_sd,enable_kubernetes_sd

dir="$tools/prometheus-$PROMETHEUS_MODULE_VERSION"
if [ ! -x "$dir/promtool" ] || [ ! -x "$dir/prometheus" ]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to build promtool and prometheus from the Go module proxy (install Go >= 1.26)"
  log "building promtool and prometheus $PROMETHEUS_MODULE_VERSION from the Go module proxy (about 5 minutes on first run)"
  GOFLAGS=-buildvcs=false GOBIN="$dir" go install -trimpath -tags "$PROMETHEUS_BUILD_TAGS" -ldflags='-s -w' \
    "github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_MODULE_VERSION" \
    "github.com/prometheus/prometheus/cmd/prometheus@v$PROMETHEUS_MODULE_VERSION" >&2 ||
    { rm -rf "$dir"; die "go install github.com/prometheus/prometheus/cmd/{promtool,prometheus}@v$PROMETHEUS_MODULE_VERSION failed"; }
fi
mkdir -p "$bin"
ln -sfn "$dir/promtool" "$bin/promtool"
ln -sfn "$dir/prometheus" "$bin/prometheus"
