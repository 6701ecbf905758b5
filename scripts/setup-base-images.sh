#!/usr/bin/env bash
# Creates the local base images without pulling anything (no registry is reachable from here):
#   gantry.local/busybox:1           busybox-static's binary plus its applet links
#   gantry.local/bookworm:1          debootstrap --variant=minbase bookworm, imported slim
#   gantry.local/bookworm-nodejs:1   bookworm + nodejs npm
#   gantry.local/bookworm-python3:1  bookworm + python3 python3-venv python3-pip
#   gantry.local/bookworm-php:1      bookworm + php-cli composer unzip
#   gantry.local/bookworm-nginx:1    bookworm + nginx-light (the reverse proxy of `gantry env`)
# Each image carries a hash of its recipe in a label; an image whose label matches is skipped, so a
# second run costs a few `docker image inspect` calls, and a changed recipe rebuilds that image and
# the images built on it. The debootstrap result is cached as a tarball under /var/cache/gantry.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SUITE=bookworm
DEBIAN_MIRROR=${GANTRY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${GANTRY_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
BUILD_LOG_DIR=$GANTRY_LOG_DIR/base-images
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

BUSYBOX_IMAGE=gantry.local/busybox:1
BOOKWORM_IMAGE=gantry.local/bookworm:1
# image -> apt packages installed on top of gantry.local/bookworm:1
declare -A LANG_PACKAGES=(
  [gantry.local/bookworm-nodejs:1]="ca-certificates nodejs npm"
  [gantry.local/bookworm-python3:1]="ca-certificates python3 python3-venv python3-pip"
  # composer cannot unpack the zip dists most packages ship without unzip (or php-zip)
  [gantry.local/bookworm-php:1]="ca-certificates php-cli composer unzip"
  [gantry.local/bookworm-nginx:1]="nginx-light"
)
# image -> shell command that must succeed inside a freshly built image
declare -A SMOKE_TESTS=(
  [$BUSYBOX_IMAGE]='echo ok >/tmp/t && cat /tmp/t && ls / >/dev/null && test -d /tmp && id root && for c in sed grep awk tar gzip wget; do command -v $c; done'
  [$BOOKWORM_IMAGE]='for c in useradd groupadd getent apt-get; do command -v $c; done && getent passwd root && groupadd probe && useradd -m -g probe probe && id probe'
  [gantry.local/bookworm-nodejs:1]='node --version && npm --version'
  [gantry.local/bookworm-python3:1]='python3 --version && python3 -m venv /tmp/v && /tmp/v/bin/pip --version'
  [gantry.local/bookworm-php:1]='php --version && COMPOSER_ALLOW_SUPERUSER=1 composer --version'
  [gantry.local/bookworm-nginx:1]='nginx -v && nginx -t'
)

SUMMARY=()

# ---- busybox -------------------------------------------------------------------------------------

busybox_recipe() {
  {
    declare -f build_busybox
    echo "$DEFAULT_PATH"
    dpkg-query -W -f='${Version}' busybox-static
  } | recipe_hash
}

build_busybox() {
  local image=$1 hash=$2 root
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp /bin/busybox "$root/bin/busybox"
  # Static binary, so it runs in the bare chroot and links every applet to its usual path.
  chroot "$root" /bin/busybox --install -s
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
  tar -C "$root" --numeric-owner -c . |
    "$DOCKER" import --change 'CMD ["sh"]' --change "ENV PATH=$DEFAULT_PATH" \
      --change "LABEL $GANTRY_RECIPE_LABEL=$hash" - "$image"
  rm -rf "$root"
}

# ---- bookworm ------------------------------------------------------------------------------------

rootfs_recipe() {
  {
    declare -f debootstrap_rootfs slim_rootfs
    echo "$SUITE $DEBIAN_MIRROR $DEBIAN_SECURITY_MIRROR"
  } | recipe_hash
}

bookworm_recipe() {
  {
    rootfs_recipe
    declare -f build_bookworm
    echo "$DEFAULT_PATH"
  } | recipe_hash
}

debootstrap_rootfs() {
  local root=$1
  debootstrap --variant=minbase "$SUITE" "$root" "$DEBIAN_MIRROR"
}

# Slim like the official debian:*-slim images: no docs (but copyrights), man pages, locales, apt
# lists or .debs; later dpkg installs in derived images skip the same paths. apt sources include the
# security suite; services never start inside builds.
slim_rootfs() {
  local root=$1
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  cat >"$root/etc/dpkg/dpkg.cfg.d/gantry-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/gantry-no-languages"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  find "$root/usr/share/doc" -mindepth 2 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/{man,groff,info,lintian,linda,locale}/* \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/dev/* "$root"/etc/hostname "$root"/etc/resolv.conf
  find "$root/var/log" -type f -delete
  : >"$root/etc/machine-id"
}

# Prints the path of the slim rootfs tarball, running debootstrap only when no tarball of the
# current recipe is cached. Progress goes to fd 3 (the terminal), details to stderr (the build log).
rootfs_tarball() {
  local hash tarball work t0
  hash=$(rootfs_recipe)
  tarball=$GANTRY_CACHE_DIR/$SUITE-minbase-$hash.tar
  if [[ -f $tarball ]]; then
    log "using the cached rootfs $tarball" >&3
    echo "$tarball"
    return
  fi
  ensure_packages debootstrap >&3
  t0=$(now_ms)
  work=$(mktemp -d "$GANTRY_CACHE_DIR/debootstrap.XXXXXX")
  log "debootstrap --variant=minbase $SUITE from $DEBIAN_MIRROR" >&3
  if ! debootstrap_rootfs "$work/rootfs" >&2; then
    die "debootstrap failed. Is $DEBIAN_MIRROR reachable? Set GANTRY_DEBIAN_MIRROR to use another mirror."
  fi
  slim_rootfs "$work/rootfs"
  tar -C "$work/rootfs" --numeric-owner -cf "$work/rootfs.tar" .
  mv "$work/rootfs.tar" "$tarball"
  rm -rf --one-file-system "$work"
  # Tarballs of older recipes are never used again.
  find "$GANTRY_CACHE_DIR" -maxdepth 1 -name "$SUITE-minbase-*.tar" ! -path "$tarball" -delete
  log "debootstrap done in $(since "$t0"), cached as $tarball ($(du -m "$tarball" | cut -f1) MB)" >&3
  echo "$tarball"
}

# What an interrupted or failed debootstrap left behind (it can leave proc and sys mounted).
remove_stale_work_dirs() {
  local dir
  for dir in "$GANTRY_CACHE_DIR"/debootstrap.*; do
    [[ -d $dir ]] || continue
    umount -l "$dir/rootfs/proc" "$dir/rootfs/sys" 2>/dev/null || true
    rm -rf --one-file-system "$dir"
  done
}

build_bookworm() {
  local image=$1 hash=$2 tarball
  tarball=$(rootfs_tarball)
  "$DOCKER" import --change 'CMD ["/bin/bash"]' --change "ENV PATH=$DEFAULT_PATH" \
    --change 'ENV LANG=C.UTF-8' --change "LABEL $GANTRY_RECIPE_LABEL=$hash" - "$image" <"$tarball"
}

# ---- images built FROM bookworm ----------------------------------------------------------------

lang_dockerfile() {
  cat <<DOCKERFILE
FROM $BOOKWORM_IMAGE
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${LANG_PACKAGES[$1]} \\
 && rm -rf /var/lib/apt/lists/*
DOCKERFILE
}

lang_recipe() {
  {
    bookworm_recipe
    lang_dockerfile "$1"
  } | recipe_hash
}

build_lang() {
  local image=$1 hash=$2 ctx
  ctx=$(mktemp -d)
  lang_dockerfile "$image" >"$ctx/Dockerfile"
  "$DOCKER" build --progress=plain --label "$GANTRY_RECIPE_LABEL=$hash" -t "$image" "$ctx"
  rm -rf "$ctx"
}

# ---- driver --------------------------------------------------------------------------------------

image_size_mb() {
  echo $((($("$DOCKER" image inspect -f '{{.Size}}' "$1") + 500000) / 1000000))
}

smoke_test() {
  local image=$1 logfile=$2
  echo "=== smoke test: ${SMOKE_TESTS[$image]}" >>"$logfile"
  "$DOCKER" run --rm --network none "$image" sh -ec "${SMOKE_TESTS[$image]}" >>"$logfile" 2>&1
}

# EXIT trap while a build runs: a failure anywhere in it (set -e) ends the script here.
report_build_failure() {
  local rc=$? image=$1 logfile=$2
  ((rc)) || return 0
  tail -n 30 "$logfile" >&2
  printf '[%s] error: building %s failed (log above; full log: %s)\n' "$GANTRY_SCRIPT" "$image" "$logfile" >&2
}

# ensure_image IMAGE RECIPE_HASH BUILD_FUNCTION: builds the image unless it carries that hash.
# The build function's output goes to a log per image; fd 3 reaches the terminal.
ensure_image() {
  local image=$1 hash=$2 build=$3 current t0 logfile
  current=$(image_recipe "$image")
  if [[ $current == "$hash" ]]; then
    SUMMARY+=("$(printf '%-32s %5s MB  up to date' "$image" "$(image_size_mb "$image")")")
    return
  fi
  t0=$(now_ms)
  logfile=$BUILD_LOG_DIR/${image//[\/:]/_}.log
  log "building $image ($([[ -n $current ]] && echo "its recipe changed" || echo "missing"); log: $logfile)"
  trap "report_build_failure '$image' '$logfile'" EXIT
  "$build" "$image" "$hash" 3>&1 >"$logfile" 2>&1
  trap - EXIT
  if ! smoke_test "$image" "$logfile"; then
    tail -n 20 "$logfile" >&2
    "$DOCKER" rmi "$image" >/dev/null || true
    die "$image was built but fails its check '${SMOKE_TESTS[$image]}' (log above); removed it so that the next run rebuilds it"
  fi
  log "built $image in $(since "$t0"), $(image_size_mb "$image") MB"
  SUMMARY+=("$(printf '%-32s %5s MB  built in %s' "$image" "$(image_size_mb "$image")" "$(since "$t0")")")
}

main() {
  require_root
  take_lock base-images
  local t0 image
  t0=$(now_ms)
  mkdir -p "$BUILD_LOG_DIR" "$GANTRY_CACHE_DIR"
  remove_stale_work_dirs
  engine_answers || die "dockerd does not answer '$DOCKER info'; run scripts/setup-engine.sh first"
  ensure_packages busybox-static
  for image in "${GANTRY_BASE_IMAGES[@]}"; do
    case $image in
      "$BUSYBOX_IMAGE") ensure_image "$image" "$(busybox_recipe)" build_busybox ;;
      "$BOOKWORM_IMAGE") ensure_image "$image" "$(bookworm_recipe)" build_bookworm ;;
      *) ensure_image "$image" "$(lang_recipe "$image")" build_lang ;;
    esac
  done
  log "base images ($(since "$t0")):"
  printf '    %s\n' "${SUMMARY[@]}"
}

main "$@"
