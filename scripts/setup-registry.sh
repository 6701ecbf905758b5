#!/usr/bin/env bash
# Installs Debian's docker-registry (distribution 2.8) and starts it on 127.0.0.1:5000, with its
# config and data under /var/lib/gantry/registry. dockerd treats 127.0.0.0/8 as an insecure registry
# by default, so plain http needs no daemon flag. A second run, with the registry answering, does
# nothing but two curl calls.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

REGISTRY_DIR=$GANTRY_STATE_DIR/registry
REGISTRY_CONFIG=$REGISTRY_DIR/config.yml
REGISTRY_PIDFILE=$REGISTRY_DIR/registry.pid
REGISTRY_LOG=/var/log/gantry-registry.log
# Pushed once to prove that the engine can push to this registry.
PROBE_REPO=gantry/setup-probe

registry_pid() {
  local pid
  pid=$(cat "$REGISTRY_PIDFILE" 2>/dev/null) || return 1
  [[ -n $pid ]] && pid_alive "$pid" && echo "$pid"
}

# Prints "changed" when the config on disk differs from the wanted one (a running registry started
# from the old one must then be restarted).
write_config() {
  local wanted
  wanted=$(
    cat <<YAML
# Written by scripts/setup-registry.sh; edits are overwritten.
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
http:
  addr: $GANTRY_REGISTRY_ADDR
YAML
  )
  mkdir -p "$REGISTRY_DIR/data"
  if [[ ! -f $REGISTRY_CONFIG || $(cat "$REGISTRY_CONFIG") != "$wanted" ]]; then
    printf '%s\n' "$wanted" >"$REGISTRY_CONFIG"
    echo changed
  fi
}

stop_registry() {
  local pid
  pid=$(registry_pid) || return 0
  log "stopping the registry (pid $pid) to apply the new config"
  kill "$pid"
  wait_until 10 not pid_alive "$pid" || die "registry pid $pid did not stop; kill it and rerun"
}

start_registry() {
  local t0 pid
  t0=$(now_ms)
  pid=$(spawn_daemon "$REGISTRY_LOG" /usr/bin/docker-registry serve "$REGISTRY_CONFIG")
  echo "$pid" >"$REGISTRY_PIDFILE"
  log "started docker-registry (pid $pid) on $GANTRY_REGISTRY_ADDR, log: $REGISTRY_LOG"
  if ! wait_until 30 registry_answers; then
    tail -n 20 "$REGISTRY_LOG" >&2
    die "the registry did not answer http://$GANTRY_REGISTRY_ADDR/v2/ within 30s (log above). Is the port taken? Try: ss -ltnp | grep ${GANTRY_REGISTRY_ADDR##*:}"
  fi
  log "registry answers after $(since "$t0")"
}

probe_pushed() {
  curl -fsS --noproxy '*' --max-time 2 "http://$GANTRY_REGISTRY_ADDR/v2/$PROBE_REPO/tags/list" 2>/dev/null |
    grep -q '"1"'
}

# Pushes a one-file image through dockerd, the way gantry will publish.
verify_push() {
  if probe_pushed; then
    return
  fi
  if ! engine_answers; then
    warn "dockerd is not answering, so the push check is skipped (run scripts/setup-engine.sh first)"
    return
  fi
  local t0 tmp image=$GANTRY_REGISTRY_ADDR/$PROBE_REPO:1
  t0=$(now_ms)
  tmp=$(mktemp -d)
  echo "pushed by scripts/setup-registry.sh" >"$tmp/probe.txt"
  tar -C "$tmp" -c probe.txt | "$DOCKER" import - "$image" >/dev/null
  rm -rf "$tmp"
  if ! "$DOCKER" push -q "$image" >/dev/null 2>"$GANTRY_LOG_DIR/registry-push.err"; then
    cat "$GANTRY_LOG_DIR/registry-push.err" >&2
    die "dockerd could not push $image. 127.0.0.0/8 should be an insecure registry by default: check 'Insecure Registries' in '$DOCKER info'"
  fi
  "$DOCKER" rmi -f "$image" >/dev/null
  probe_pushed || die "pushed $image but the registry does not list it; see $REGISTRY_LOG"
  log "verified a push of $image through dockerd ($(since "$t0"))"
}

main() {
  require_root
  take_lock registry
  mkdir -p "$GANTRY_LOG_DIR"
  local t0
  t0=$(now_ms)
  ensure_packages docker-registry curl
  if [[ $(write_config) == changed ]]; then
    log "wrote $REGISTRY_CONFIG"
    stop_registry
  fi
  if registry_answers; then
    registry_pid >/dev/null ||
      warn "something not started by this script answers on $GANTRY_REGISTRY_ADDR; using it"
    verify_push
    log "registry already answers on http://$GANTRY_REGISTRY_ADDR/v2/; nothing to do ($(since "$t0"))"
    return
  fi
  start_registry
  verify_push
  log "registry ready on http://$GANTRY_REGISTRY_ADDR ($(since "$t0"))"
}

main "$@"
