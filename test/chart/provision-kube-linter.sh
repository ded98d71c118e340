#!/usr/bin/env bash
# Builds kube-linter from the Go module proxy, cached by version, and links it into $PETSTORE_CACHE/go-tools/bin (the
# directory scripts/provision-tools.sh puts on PATH). Progress goes to stderr; a second run does nothing.
#
# `go install golang.stackrox.io/kube-linter/cmd/kube-linter@v…` cannot work here: the proxy refuses the vanity host
# golang.stackrox.io (403), and `go install github.com/stackrox/kube-linter/…` fails because the module's go.mod
# declares the vanity path. The proxy does serve github.com/stackrox/kube-linter@v0.8.3, so we download that module and
# build inside it, where its go.mod is the main module and the vanity import paths resolve to itself.
set -euo pipefail
KUBE_LINTER_VERSION=0.8.3
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
dir="$cache/go-tools/kube-linter-$KUBE_LINTER_VERSION"
bin="$cache/go-tools/bin"
log() { printf '[kube-linter] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

if [ ! -x "$dir/kube-linter" ]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to build kube-linter from the Go module proxy (install Go >= 1.25)"
  log "building kube-linter $KUBE_LINTER_VERSION from the Go module proxy (about 2 minutes on first run)"
  src=$(go mod download -json "github.com/stackrox/kube-linter@v$KUBE_LINTER_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || die "could not download github.com/stackrox/kube-linter@v$KUBE_LINTER_VERSION from the Go module proxy"
  mkdir -p "$dir"
  (cd "$src" && GOFLAGS=-buildvcs=false go build -trimpath \
    -ldflags="-s -w -X golang.stackrox.io/kube-linter/internal/version.version=v$KUBE_LINTER_VERSION" \
    -o "$dir/kube-linter" ./cmd/kube-linter) >&2 || { rm -rf "$dir"; die "building kube-linter $KUBE_LINTER_VERSION failed"; }
fi
mkdir -p "$bin"
ln -sfn "$dir/kube-linter" "$bin/kube-linter"
