#!/usr/bin/env bash
# Installs Debian's docker.io (dockerd 20.10, containerd, runc, iptables) and starts dockerd in the
# background, because nothing else starts services on these machines (no systemd, and policy-rc.d
# blocks the start on install). A second run, with dockerd answering, does nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

DOCKERD_LOG=/var/log/gantry-dockerd.log
DOCKERD_PIDFILE=/var/run/docker.pid
ENGINE_TIMEOUT=${GANTRY_ENGINE_TIMEOUT:-60}

# On cgroup v1, dockerd refuses to start without the devices hierarchy ("Devices cgroup isn't
# mounted"); without an init system nobody guarantees these mounts, so make sure of them.
ensure_cgroup_mounts() {
  [[ -f /sys/fs/cgroup/cgroup.controllers ]] && return 0 # unified v2 hierarchy: nothing to do
  mountpoint -q /sys/fs/cgroup || mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup
  local c
  for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
    mountpoint -q "/sys/fs/cgroup/$c" && continue
    grep -q "^$c[[:space:]]" /proc/cgroups || continue # controller not in this kernel
    log "mounting the cgroup v1 '$c' hierarchy"
    mkdir -p "/sys/fs/cgroup/$c"
    mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || warn "could not mount cgroup '$c'"
  done
}

dockerd_pid() {
  local pid
  pid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null) || return 1
  [[ -n $pid ]] && pid_alive "$pid" && echo "$pid"
}

start_dockerd() {
  local pid
  if pid=$(dockerd_pid); then
    log "dockerd (pid $pid) is running but not answering yet; waiting for it"
    return
  fi
  # A pid file left by a crashed dockerd makes the next one refuse to start.
  rm -f "$DOCKERD_PIDFILE"
  pid=$(spawn_daemon "$DOCKERD_LOG" /usr/sbin/dockerd --pidfile "$DOCKERD_PIDFILE")
  log "started dockerd (pid $pid), log: $DOCKERD_LOG"
}

wait_for_engine() {
  local t0 deadline
  t0=$(now_ms)
  deadline=$((t0 + ENGINE_TIMEOUT * 1000))
  until engine_answers; do
    if ! dockerd_pid >/dev/null && (($(now_ms) - t0 > 2000)); then
      tail -n 20 "$DOCKERD_LOG" >&2
      die "dockerd exited during start-up; its log is above (full log: $DOCKERD_LOG)"
    fi
    if (($(now_ms) > deadline)); then
      tail -n 20 "$DOCKERD_LOG" >&2
      die "dockerd did not answer '$DOCKER info' within ${ENGINE_TIMEOUT}s (log above, full log: $DOCKERD_LOG). Set GANTRY_ENGINE_TIMEOUT to wait longer."
    fi
    sleep 0.2
  done
  log "dockerd answers after $(since "$t0")"
}

engine_version() { "$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null; }

main() {
  require_root
  take_lock engine
  local t0
  t0=$(now_ms)
  ensure_packages docker.io
  if engine_answers; then
    log "dockerd $(engine_version) already answers; nothing to do ($(since "$t0"))"
    return
  fi
  ensure_cgroup_mounts
  start_dockerd
  wait_for_engine
  log "engine ready: dockerd $(engine_version), DOCKER_BUILDKIT=1 $DOCKER ($(since "$t0"))"
}

main "$@"
