#!/usr/bin/env bash
# Provides the local cluster's binaries, in this order:
#   1. $PETSTORE_BIN_DIR (binaries you supply) or the cache ($PETSTORE_CACHE/bin/<tool>-<version>/)
#   2. official release downloads (fail fast when there is no internet)
#   3. a build from the Go module proxy with wrapper modules of our own
# Usage: provision-binaries.sh [tool...]
#   tools: kube etcd kwok helm node coredns metrics-server pause network-policies (default: all)
#   node, coredns, metrics-server, pause and network-policies are the real node's (test/cluster/real-node.ts): kubelet
#   and kube-proxy at the control plane's version, cluster DNS, the metrics API, the sandbox (pause) process, and the
#   NetworkPolicy enforcer (kube-network-policies' controller behind a main of ours, network-policies/main.go).
# Prints one `<binary>=<absolute path>` line per binary on stdout (what the cluster CLI reads) and progress on stderr;
# exits non-zero with one clear message when a tool cannot be provided.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
arch=amd64; [ "$(uname -m)" = aarch64 ] && arch=arm64
log() { printf '[provision] %s\n' "$*" >&2; }
die() {
  printf '\nerror: %s\n' "$1" >&2
  printf 'To provide the binaries yourself, put them in a directory and set PETSTORE_BIN_DIR to it\n' >&2
  printf '(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl helm, versions in %s).\n' "$here/versions.env" >&2
  exit 1
}

tool_dir() { # tool -> cache directory
  case "$1" in
    kube) echo "$cache/bin/kubernetes-$KUBERNETES_VERSION" ;;
    etcd) echo "$cache/bin/etcd-$ETCD_VERSION" ;;
    kwok) echo "$cache/bin/kwok-$KWOK_VERSION" ;;
    helm) echo "$cache/bin/helm-$HELM_VERSION-kube$KUBERNETES_VERSION" ;;  # built for this Kubernetes minor
    node) echo "$cache/bin/kubernetes-node-$KUBERNETES_VERSION" ;;
    coredns) echo "$cache/bin/coredns-$COREDNS_VERSION" ;;
    metrics-server) echo "$cache/bin/metrics-server-$METRICS_SERVER_VERSION" ;;
    pause) echo "$cache/bin/pause-$(sha256sum "$here/pause/main.go" | cut -c1-12)" ;;
    network-policies)
      echo "$cache/bin/kube-network-policies-$KUBE_NETWORK_POLICIES_VERSION-$(sha256sum "$here/network-policies/main.go" | cut -c1-12)" ;;
  esac
}
tool_bins() {
  case "$1" in
    kube) echo "kube-apiserver kube-controller-manager kube-scheduler kubectl" ;;
    etcd) echo "etcd" ;;
    kwok) echo "kwok kwokctl" ;;
    helm) echo "helm" ;;
    node) echo "kubelet kube-proxy" ;;
    coredns) echo "coredns" ;;
    metrics-server) echo "metrics-server" ;;
    pause) echo "pause" ;;
    network-policies) echo "kube-network-policies" ;;
  esac
}
have_all() { # dir bins...
  local d=$1; shift
  for b in "$@"; do [ -x "$d/$b" ] || return 1; done
}

try_download() { # tool dir
  local tool=$1 dir=$2 tmp; tmp=$(mktemp -d)
  local ok=0
  case "$tool" in
    kube)
      ok=1
      for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
        curl -fsSL --connect-timeout 5 --max-time 300 -o "$tmp/$b" \
          "https://dl.k8s.io/release/v$KUBERNETES_VERSION/bin/linux/$arch/$b" 2>/dev/null || { ok=0; break; }
      done ;;
    node)
      ok=1
      for b in kubelet kube-proxy; do
        curl -fsSL --connect-timeout 5 --max-time 300 -o "$tmp/$b" \
          "https://dl.k8s.io/release/v$KUBERNETES_VERSION/bin/linux/$arch/$b" 2>/dev/null || { ok=0; break; }
      done ;;
    etcd)
      curl -fsSL --connect-timeout 5 --max-time 300 \
        "https://github.com/etcd-io/etcd/releases/download/v$ETCD_VERSION/etcd-v$ETCD_VERSION-linux-$arch.tar.gz" 2>/dev/null |
        tar -xz -C "$tmp" --strip-components=1 2>/dev/null && ok=1 ;;
    kwok)
      ok=1
      for b in kwok kwokctl; do
        curl -fsSL --connect-timeout 5 --max-time 300 -o "$tmp/$b" \
          "https://github.com/kubernetes-sigs/kwok/releases/download/v$KWOK_VERSION/$b-linux-$arch" 2>/dev/null || { ok=0; break; }
      done ;;
    helm)
      curl -fsSL --connect-timeout 5 --max-time 300 "https://get.helm.sh/helm-v$HELM_VERSION-linux-$arch.tar.gz" 2>/dev/null |
        tar -xz -C "$tmp" --strip-components=1 2>/dev/null && ok=1 ;;
  esac
  if [ "$ok" = 1 ]; then
    mkdir -p "$dir"
    for b in $(tool_bins "$tool"); do install -m 0755 "$tmp/$b" "$dir/$b"; done
  fi
  rm -rf "$tmp"
  [ "$ok" = 1 ]
}

go_build() { # tool dir
  local tool=$1 dir=$2
  command -v go >/dev/null 2>&1 || die "no Go toolchain on PATH to build $tool from the Go module proxy (install Go >= 1.26 or provide binaries)"
  local mod="$cache/go-src/$tool"; rm -rf "$mod"; mkdir -p "$mod" "$dir"
  local start; start=$(date +%s)
  local gover; gover=$(go env GOVERSION)
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  (
    cd "$mod"
    case "$tool" in
      kube|node)
        local k="v$KUBERNETES_VERSION" s="v0.${KUBERNETES_VERSION#1.}"
        # k8s.io/kubernetes replaces every staging module with ./staging/...; a wrapper pins each to its published version.
        # `go mod download` honours GOPROXY/GOPRIVATE/GOFLAGS like the build itself does.
        local gomod staging
        gomod=$(go mod download -json "k8s.io/kubernetes@$k" | sed -n 's#^\s*"GoMod": "\(.*\)",*$#\1#p')
        staging=$(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod" 2>/dev/null)
        [ -n "$staging" ] || { echo "could not read the go.mod of k8s.io/kubernetes $k from the Go module proxy" >&2; exit 1; }
        {
          echo "module local/kube-binaries"; echo; echo "go 1.26.0"; echo
          echo "require k8s.io/kubernetes $k"; echo; echo "replace ("
          for m in $staging; do echo "	$m => $m $s"; done
          echo ")"
        } > go.mod
        local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
        local imports=(k8s.io/kubernetes/cmd/kube-apiserver/app k8s.io/kubernetes/cmd/kube-controller-manager/app
          k8s.io/kubernetes/cmd/kube-scheduler/app k8s.io/kubectl/pkg/cmd)
        # The node's binaries are a second build of the same module (sharing Go's build cache), so adding them did not
        # invalidate the control plane's cached binaries.
        if [ "$tool" = node ]; then
          cmds=(kubelet kube-proxy); imports=(k8s.io/kubernetes/cmd/kubelet/app k8s.io/kubernetes/cmd/kube-proxy/app)
        fi
        { printf 'package tools\n\nimport (\n'; printf '\t_ "%s"\n' "${imports[@]}"; printf ')\n'; } > tools.go
        go mod tidy >&2
        local ld
        ld="-s -w -X k8s.io/component-base/version.gitVersion=$k -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$k"
        go build -trimpath -ldflags "$ld" -o "$dir/" "${cmds[@]/#/k8s.io/kubernetes/cmd/}" >&2 ;;
      etcd)
        printf 'module local/etcd\n\ngo 1.26.0\n' > go.mod
        printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > main.go
        go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >&2 && go mod tidy >&2
        go build -trimpath -ldflags "-s -w" -o "$dir/etcd" . >&2 ;;
      kwok)
        # kwokctl orchestrates the cluster (binary runtime) and writes kwok's default fast stages itself.
        GOBIN="$dir" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" \
          "sigs.k8s.io/kwok/cmd/kwokctl@v$KWOK_VERSION" >&2 ;;
      helm)
        # Without these, a go-installed helm assumes Kubernetes 1.20 in `helm template`/`helm lint` (and so in checkov).
        local minor; minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
        local kube="-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
        kube="$kube -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
        GOBIN="$dir" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION $kube" \
          "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" >&2 ;;
      coredns)
        GOBIN="$dir" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@v$COREDNS_VERSION" >&2 ;;
      metrics-server)
        GOBIN="$dir" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/metrics-server/cmd/metrics-server@v$METRICS_SERVER_VERSION" >&2 ;;
      pause)
        cp "$here/pause/main.go" . && printf 'module local/pause\n\ngo 1.26.0\n' > go.mod
        CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$dir/pause" . >&2 ;;
      network-policies)
        # Our main (a kubeconfig instead of in-cluster credentials, SIGTERM, --cleanup) on the pinned controller package.
        cp "$here/network-policies/main.go" . && printf 'module local/kube-network-policies\n\ngo 1.26.0\n' > go.mod
        go get "sigs.k8s.io/kube-network-policies@v$KUBE_NETWORK_POLICIES_VERSION" >&2 && go mod tidy >&2
        CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$dir/kube-network-policies" . >&2 ;;
    esac
  ) || die "building $tool from the Go module proxy failed (see the go output above; $gover)"
  log "$tool built from the Go module proxy in $(( $(date +%s) - start ))s with $gover"
}

provide() { # tool -> the directory that holds all its binaries
  local tool=$1 dir; dir=$(tool_dir "$tool")
  # shellcheck disable=SC2046
  if [ -n "${PETSTORE_BIN_DIR:-}" ] && have_all "$PETSTORE_BIN_DIR" $(tool_bins "$tool"); then
    (cd "$PETSTORE_BIN_DIR" && pwd); return 0
  fi
  # shellcheck disable=SC2046
  have_all "$dir" $(tool_bins "$tool") && { echo "$dir"; return 0; }
  if [ "${PETSTORE_NO_DOWNLOAD:-}" != 1 ]; then
    log "$tool: not cached; trying the official release download"
    if try_download "$tool" "$dir"; then log "$tool: downloaded"; echo "$dir"; return 0; fi
  fi
  log "$tool: building from the Go module proxy (the first build is slow; cached afterwards in $dir)"
  go_build "$tool" "$dir" >&2
  echo "$dir"
}

tools=("$@"); [ ${#tools[@]} -gt 0 ] || tools=(kube etcd kwok helm node coredns metrics-server pause network-policies)
for t in "${tools[@]}"; do
  case "$t" in kube|etcd|kwok|helm|node|coredns|metrics-server|pause|network-policies) ;;
    *) die "unknown tool '$t' (expected kube, etcd, kwok, helm, node, coredns, metrics-server, pause or network-policies)" ;; esac
  d=$(provide "$t")
  for b in $(tool_bins "$t"); do echo "$b=$d/$b"; done
done
