# shellcheck shell=bash
# Helpers shared by scripts/setup*.sh and .ci/run. Sourced, never run on its own.

GANTRY_SCRIPT=${GANTRY_SCRIPT:-$(basename "${0%.sh}")}
# Without it a failing command inside $(...) does not stop the script.
shopt -s inherit_errexit

# Debian's 20.10 CLI, not the 28.x one first on PATH: that one has no buildx plugin, so every
# BuildKit build fails with it ("BuildKit is enabled but the buildx component is missing").
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1

GANTRY_STATE_DIR=/var/lib/gantry
GANTRY_CACHE_DIR=/var/cache/gantry
GANTRY_LOG_DIR=/var/log/gantry
GANTRY_REGISTRY_ADDR=${GANTRY_REGISTRY_ADDR:-127.0.0.1:5000}
# Images built by the setup carry a hash of their recipe under this label; a changed recipe rebuilds.
GANTRY_RECIPE_LABEL=org.gantry.recipe
# Built by setup-base-images.sh in this order (bookworm before the images built FROM it).
GANTRY_BASE_IMAGES=(
  gantry.local/busybox:1
  gantry.local/bookworm:1
  gantry.local/bookworm-nodejs:1
  gantry.local/bookworm-python3:1
  gantry.local/bookworm-php:1
  gantry.local/bookworm-nginx:1
)

log() { printf '[%s] %s\n' "$GANTRY_SCRIPT" "$*"; }
warn() { printf '[%s] warning: %s\n' "$GANTRY_SCRIPT" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$GANTRY_SCRIPT" "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
# Prints the time since a now_ms stamp as seconds with one decimal, e.g. "12.3s".
since() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}

require_root() {
  [[ $EUID -eq 0 ]] || die "must run as root: it installs packages and starts daemons (try: sudo $0)"
}

# Several engineers (and CI) may run the setup at once on one machine: one run per script at a time.
# The lock lives on fd 9; spawn_daemon closes it so a daemon never inherits (and holds) it.
take_lock() {
  mkdir -p /run/lock
  exec 9>"/run/lock/gantry-$1.lock"
  if ! flock -n 9; then
    log "another $1 setup is running; waiting for it"
    flock -w 1800 9 || die "gave up waiting for /run/lock/gantry-$1.lock after 30 min"
  fi
}

# Starts a long-running process detached from this script (own session, no stdin, output to a log)
# and prints its pid. Nothing on this machine supervises or restarts it.
spawn_daemon() {
  local logfile=$1
  shift
  mkdir -p "$(dirname "$logfile")"
  printf '\n=== %s started by %s: %s\n' "$(date -Is)" "$GANTRY_SCRIPT" "$*" >>"$logfile"
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $!
}

# True when the pid runs. PID 1 on these machines does not reap orphans, so a daemon that died
# stays a zombie and still passes `kill -0`.
pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

not() { ! "$@"; }

# Polls a command until it succeeds; fails after the timeout (seconds).
wait_until() {
  local timeout=$1
  shift
  local deadline=$(($(now_ms) + timeout * 1000))
  until "$@" >/dev/null 2>&1; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.2
  done
}

pkg_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# apt-get update only when something must be installed, and at most once an hour, so that the
# scripts run one after another by setup.sh share a single update.
apt_update_once() {
  local stamp=$GANTRY_STATE_DIR/apt-update.stamp
  [[ -n $(find "$stamp" -mmin -60 2>/dev/null) ]] && return 0
  log "apt-get update"
  mkdir -p "$GANTRY_STATE_DIR" "$GANTRY_LOG_DIR"
  # A broken third-party source makes apt-get update exit non-zero although the Debian lists are
  # fine; the install below fails with a clear message if they are not.
  if ! apt-get update -q -o DPkg::Lock::Timeout=300 >>"$GANTRY_LOG_DIR/apt.log" 2>&1; then
    warn "apt-get update reported errors (see $GANTRY_LOG_DIR/apt.log); trying the install anyway"
  fi
  touch "$stamp"
}

ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  apt_update_once
  local t0
  t0=$(now_ms)
  log "installing ${missing[*]} with apt-get"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" >>"$GANTRY_LOG_DIR/apt.log" 2>&1; then
    tail -n 20 "$GANTRY_LOG_DIR/apt.log" >&2
    die "apt-get install ${missing[*]} failed (full log: $GANTRY_LOG_DIR/apt.log). Check that http://deb.debian.org is reachable and that no other apt/dpkg is stuck."
  fi
  log "installed ${missing[*]} in $(since "$t0")"
}

engine_answers() { "$DOCKER" info >/dev/null 2>&1; }

registry_answers() {
  curl -fsS -o /dev/null --noproxy '*' --max-time 2 "http://$GANTRY_REGISTRY_ADDR/v2/" 2>/dev/null
}

# The recipe hash an image was built from, or nothing when the image or the label is missing.
image_recipe() {
  "$DOCKER" image inspect -f "{{ index .Config.Labels \"$GANTRY_RECIPE_LABEL\" }}" "$1" 2>/dev/null || true
}

recipe_hash() { sha256sum | cut -c1-16; }
