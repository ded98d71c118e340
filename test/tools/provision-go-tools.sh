#!/usr/bin/env bash
# Builds the Go-based linters the offline infrastructure tests run, from the Go module proxy, cached by version:
#   actionlint (GitHub workflows), tflint (Terraform, bundled ruleset) and OpenTofu's `tofu` (for `fmt -check`).
# Installs into $PETSTORE_CACHE/go-tools/<tool>-<version>/ and links each binary into $PETSTORE_CACHE/go-tools/bin
# (scripts/provision-tools.sh puts that directory on PATH). Progress goes to stderr; a second run does nothing.
set -euo pipefail
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
tools="$cache/go-tools"
bin="$tools/bin"
log() { printf '[go-tools] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ACTIONLINT_VERSION=1.7.12
TFLINT_VERSION=0.64.0
# The Terraform CLI cannot be built from the proxy: its go.mod replaces ten nested modules with local paths that the
# module zip leaves out. OpenTofu's only replace points at another published module, so building inside its module
# directory works; `tofu fmt` applies the same canonical HCL style as `terraform fmt` (CI runs both).
OPENTOFU_VERSION=1.12.6

command -v go >/dev/null 2>&1 || die "Go is needed to build actionlint, tflint and tofu from the Go module proxy (install Go >= 1.26)"
mkdir -p "$bin"
export GOFLAGS=-buildvcs=false GOTOOLCHAIN=${GOTOOLCHAIN:-auto}

link() { # dir name
  ln -sfn "$1/$2" "$bin/$2"
}

go_install() { # name version package
  local name=$1 version=$2 pkg=$3 dir="$tools/$1-$2"
  if [ ! -x "$dir/$name" ]; then
    log "building $name $version from the Go module proxy"
    GOBIN="$dir" go install -trimpath -ldflags='-s -w' "$pkg@v$version" >&2 || { rm -rf "$dir"; die "go install $pkg@v$version failed"; }
  fi
  link "$dir" "$name"
}

build_opentofu() {
  local dir="$tools/tofu-$OPENTOFU_VERSION" src
  if [ ! -x "$dir/tofu" ]; then
    log "building tofu $OPENTOFU_VERSION from the Go module proxy (a few minutes on first run)"
    src=$(go mod download -json "github.com/opentofu/opentofu@v$OPENTOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -n "$src" ] || die "could not download github.com/opentofu/opentofu@v$OPENTOFU_VERSION from the Go module proxy"
    mkdir -p "$dir"
    # Build inside the module so its go.mod (with the replace directive) is the main module.
    (cd "$src" && GOFLAGS=-buildvcs=false go build -trimpath \
      -ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$dir/tofu" ./cmd/tofu) >&2 ||
      { rm -rf "$dir"; die "building tofu $OPENTOFU_VERSION failed"; }
  fi
  link "$dir" tofu
}

go_install actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint
go_install tflint "$TFLINT_VERSION" github.com/terraform-linters/tflint
build_opentofu
