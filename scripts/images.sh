#!/usr/bin/env bash
# Builds the sandbox images used by the benchmarks.
#
#   bash scripts/images.sh [NAME...]      NAME: base python sklearn torch cc (default: all)
#
# Images: autoresearch/<name>:<hash> and autoresearch/<name>:latest, where <hash> covers
# the image's folder under sandboxes/images/ and the id of the image it is built from.
# An image whose hash tag already exists is skipped, so a second run takes seconds.
#
# The base root filesystem comes from `docker pull debian:bookworm-slim` when a registry
# answers; otherwise it is bootstrapped offline with debootstrap and `docker import`ed.
#
# Environment:
#   AR_OFFLINE=1        never try the registry, always debootstrap
#   AR_APT_MIRROR=URL   Debian mirror for debootstrap (default: the host's, else deb.debian.org)
#   AR_CACHE_DIR=DIR    scratch space for debootstrap (default /var/cache/autoresearch)
set -euo pipefail

SCRIPT_VERSION=1
SUITE=bookworm
ROOTFS_PACKAGES=python3,python3-numpy,libopenblas0-pthread
ALL_IMAGES=(base python sklearn torch cc)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGES_DIR=$ROOT/sandboxes/images
CACHE_DIR=${AR_CACHE_DIR:-/var/cache/autoresearch}
LOG_DIR=${TMPDIR:-/tmp}/autoresearch-images
mkdir -p "$LOG_DIR"

die() { echo "images.sh: error: $*" >&2; exit 1; }
note() { echo "images.sh: $*" >&2; }

is_debian_like() {
  [[ -r /etc/os-release ]] && grep -Eqi '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}
is_debian() {
  [[ -r /etc/os-release ]] && grep -Eqi '^ID="?debian"?$' /etc/os-release
}

# ---------------------------------------------------------------- docker daemon
ensure_docker() {
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    die "no Docker daemon answers ('docker info' failed) and this is not root; start Docker (or add your user to the 'docker' group) and run again"
  fi
  if ! is_debian_like; then
    die "no Docker daemon answers and this is not Debian/Ubuntu; install and start Docker, then run again"
  fi
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    note "installing docker.io with apt-get"
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null \
      || die "apt-get install docker.io failed"
  fi
  note "starting dockerd (log: /var/log/dockerd.log)"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  local i
  for ((i = 0; i < 60; i++)); do
    if docker info >/dev/null 2>&1; then
      return
    fi
    sleep 1
  done
  die "dockerd did not answer within 60 s; see /var/log/dockerd.log"
}

# ---------------------------------------------------------------- helpers
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect --format '{{.Id}}' "$1"; }

# Content hash of a folder (file names and contents), plus any extra strings.
content_hash() {
  local dir=$1
  shift
  {
    printf '%s\n' "$@"
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
  } | sha256sum | cut -c1-12
}

now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
report() { printf '%-8s %-8s %-38s %6ss\n' "$1" "$2" "$3" "$4"; }

detect_mirror() {
  if [[ -n ${AR_APT_MIRROR:-} ]]; then
    echo "$AR_APT_MIRROR"
    return
  fi
  local m=""
  if is_debian; then
    if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
      m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/debian.sources \
        | grep -v -- '-security' | head -n1 || true)
    fi
    if [[ -z $m && -r /etc/apt/sources.list ]]; then
      m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):\/\//) { print $i; break } }' \
        /etc/apt/sources.list | grep -v -- '-security' | head -n1 || true)
    fi
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

# ---------------------------------------------------------------- root filesystem
# Prints the name of an image holding a bookworm root filesystem.
ensure_rootfs() {
  local key tag
  key=$(printf '%s\n' "rootfs-v$SCRIPT_VERSION" "$SUITE" "$ROOTFS_PACKAGES" | sha256sum | cut -c1-12)
  tag=autoresearch/rootfs:$key
  if image_exists "$tag"; then
    remove_stale_tags autoresearch/rootfs "$key"
    echo "$tag"
    return
  fi
  local start
  start=$(now)
  if [[ ${AR_OFFLINE:-0} != 1 ]] && timeout 300 docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
    docker tag debian:bookworm-slim "$tag"
    remove_stale_tags autoresearch/rootfs "$key"
    report rootfs pulled "$tag" "$(elapsed "$start")" >&2
    echo "$tag"
    return
  fi
  bootstrap_rootfs "$tag"
  remove_stale_tags autoresearch/rootfs "$key"
  report rootfs built "$tag (debootstrap)" "$(elapsed "$start")" >&2
  echo "$tag"
}

bootstrap_rootfs() {
  local tag=$1
  [[ $(id -u) -eq 0 ]] \
    || die "no registry answers (docker pull debian:bookworm-slim failed) and offline bootstrap needs root for debootstrap; run as root, or pull debian:bookworm-slim yourself"
  if ! command -v debootstrap >/dev/null 2>&1; then
    is_debian_like || die "debootstrap is missing and this is not Debian/Ubuntu; install debootstrap or make 'docker pull debian:bookworm-slim' work"
    note "installing debootstrap with apt-get"
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null \
      || die "apt-get install debootstrap failed"
  fi
  local mirror packages dir log
  mirror=$(detect_mirror)
  packages=$ROOTFS_PACKAGES
  [[ $mirror == https://* ]] && packages=$packages,ca-certificates
  mkdir -p "$CACHE_DIR"
  dir=$(mktemp -d "$CACHE_DIR/rootfs-build.XXXXXX")
  log=$LOG_DIR/debootstrap.log
  note "debootstrap $SUITE from $mirror (about a minute; log: $log)"
  # Keyring: prefer the Debian archive keyring when the host has it.
  local keyring=()
  [[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]] \
    && keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
  if ! debootstrap --variant=minbase "${keyring[@]}" --include="$packages" \
      "$SUITE" "$dir" "$mirror" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -rf "$dir"
    die "debootstrap failed (mirror $mirror); full log: $log"
  fi
  # Lean: no downloaded packages, no package lists (derived images run apt-get update).
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/debootstrap \
    "$dir"/var/log/*.log "$dir"/var/log/apt/*
  echo "deb $mirror $SUITE main" >"$dir/etc/apt/sources.list"
  if ! tar --numeric-owner -C "$dir" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
      | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["/bin/bash"]' \
        - "$tag" >/dev/null; then
    rm -rf "$dir"
    die "docker import of the bootstrapped root filesystem failed"
  fi
  rm -rf "$dir"
}

# ---------------------------------------------------------------- images
# build_image NAME FROM_ARG FROM_IMAGE
build_image() {
  local name=$1 from_arg=$2 from_image=$3
  local dir=$IMAGES_DIR/$name
  [[ -f $dir/Dockerfile ]] || die "no Dockerfile at $dir/Dockerfile"
  local from_id hash tag start log
  from_id=$(image_id "$from_image")
  hash=$(content_hash "$dir" "images-v$SCRIPT_VERSION" "$from_id")
  tag=autoresearch/$name:$hash
  start=$(now)
  if image_exists "$tag"; then
    docker tag "$tag" "autoresearch/$name:latest"
    remove_stale_tags "autoresearch/$name" "$hash"
    report "$name" cached "$tag" "$(elapsed "$start")"
    return
  fi
  log=$LOG_DIR/build-$name.log
  if ! docker build \
      --build-arg "$from_arg=$from_image" \
      --label "org.autoresearch.image=$name" \
      --label "org.autoresearch.hash=$hash" \
      -t "$tag" -t "autoresearch/$name:latest" \
      "$dir" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "docker build of autoresearch/$name failed; full log: $log"
  fi
  report "$name" built "$tag" "$(elapsed "$start")"
  remove_stale_tags "autoresearch/$name" "$hash"
}

# Drops older hash tags of the same image (never forced: an image that a container
# still uses stays).
remove_stale_tags() {
  local repo=$1 keep=$2 t
  for t in $(docker image ls --format '{{.Tag}}' "$repo"); do
    [[ $t == latest || $t == "$keep" || $t == "<none>" ]] && continue
    docker image rm "$repo:$t" >/dev/null 2>&1 || true
  done
}

main() {
  local wanted=("$@") name known
  if [[ ${#wanted[@]} -eq 0 ]]; then
    wanted=("${ALL_IMAGES[@]}")
  fi
  for name in "${wanted[@]}"; do
    known=0
    for k in "${ALL_IMAGES[@]}"; do [[ $k == "$name" ]] && known=1; done
    [[ $known == 1 ]] || die "unknown image '$name' (known: ${ALL_IMAGES[*]})"
  done

  ensure_docker
  # The legacy builder is used when the buildx plugin is absent; say so explicitly
  # so that the CLI does not fail looking for BuildKit.
  if [[ -z ${DOCKER_BUILDKIT:-} ]] && ! docker buildx version >/dev/null 2>&1; then
    export DOCKER_BUILDKIT=0
  fi

  local total_start rootfs
  total_start=$(now)
  rootfs=$(ensure_rootfs)
  build_image base ROOTFS "$rootfs"
  for name in "${wanted[@]}"; do
    [[ $name == base ]] && continue
    build_image "$name" BASE "autoresearch/base:latest"
  done
  echo "images: done in $(elapsed "$total_start")s"
}

main "$@"
