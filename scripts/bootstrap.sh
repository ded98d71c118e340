#!/usr/bin/env bash
# Makes this checkout runnable, then runs the given command with the project's Node.js first on PATH:
#   - Node.js (version in .node-version) from the npm registry's node-linux-<arch> package when `node` is another major;
#   - `npm ci` when package-lock.json changed since the last install; native addons build against that Node's headers.
# Everything downloaded is cached under $PETSTORE_CACHE (default ~/.cache/petstore-operator), keyed by version.
# Usage: scripts/bootstrap.sh <command...>     (sourcing it instead just sets up PATH)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
want=$(tr -d ' \n' < "$root/.node-version")
log() { printf '[bootstrap] %s\n' "$*" >&2; }

current=$(node -p 'process.versions.node' 2>/dev/null || true)
if [ "${current%%.*}" != "${want%%.*}" ]; then
  arch=x64; [ "$(uname -m)" = aarch64 ] && arch=arm64
  nodedir="$cache/node-$want"
  if [ ! -x "$nodedir/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "error: npm is needed once to fetch Node.js $want from the npm registry" >&2; exit 1; }
    log "installing Node.js $want from the npm registry (node-linux-$arch) into $nodedir"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$want" >/dev/null && mkdir -p "$nodedir" && tar -xzf ./*.tgz -C "$nodedir" --strip-components=1)
    rm -rf "$tmp"
    chmod +x "$nodedir/bin/node"
  fi
  export PATH="$nodedir/bin:$PATH"
  # node-gyp builds native addons (better-sqlite3) against the headers shipped in that package.
  export npm_config_nodedir="$nodedir"
else
  nodedir=$(dirname "$(dirname "$(command -v node)")")
  [ -d "$nodedir/include/node" ] && export npm_config_nodedir="$nodedir"
fi

stamp="$root/node_modules/.petstore-install-stamp"
lockhash=$( (cat "$root/package-lock.json"; node -p 'process.version') | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lockhash" ]; then
  log "installing dependencies from package-lock.json"
  # `npm install` rather than `npm ci`: registry mirrors without other platforms' optional binaries (e.g.
  # @swc/core-darwin-arm64) make `npm ci` refuse the lockfile; install still takes the locked versions.
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error >&2)
  echo "$lockhash" > "$stamp"
fi

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ $# -gt 0 ]; then
  cd "$root"
  exec "$@"
fi
