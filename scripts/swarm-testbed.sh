#!/usr/bin/env bash
# A three-node Docker Swarm for the deploy tests, in network namespaces on this machine.
#
#   scripts/swarm-testbed.sh up     create it (idempotent: a running, healthy testbed is kept)
#   scripts/swarm-testbed.sh down   destroy it (idempotent: removes whatever is left)
#   scripts/swarm-testbed.sh env    print the variables the tests read (after `up`)
#
# Layout (shared/context/feasibility.md (e)): netns gantry-sw-switch holds a bridge; netns
# gantry-sw-n1..n3 each hold one dockerd (198.51.100.11-13/24 on the bridge, no default route).
# n1 is the manager, n2 and n3 join as workers. Docker's bridges, address pools and overlays use
# 198.18.0.0/15 only. socat bridges the host registry 127.0.0.1:5000 to 127.0.0.1:5000 inside
# every node, so image names are the same everywhere. Everything is named gantry-sw-*, lives in
# $GANTRY_SWARM_DIR (default /var/lib/gantry-sw), and `down` removes it; a failed `up` cleans up.
# The machine's own dockerd is never touched.
set -euo pipefail
GANTRY_SCRIPT=swarm-testbed
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

DIR=${GANTRY_SWARM_DIR:-/var/lib/gantry-sw}
PREFIX=gantry-sw
SWITCH=$PREFIX-switch
NODES=(n1 n2 n3)
NETWORK=$PREFIX-net
START_TIMEOUT=${GANTRY_SWARM_TIMEOUT:-60}
UP_FINISHED=

node_ns() { echo "$PREFIX-$1"; }
node_ip() { echo "198.51.100.1${1#n}"; }
node_sock() { echo "$DIR/$1/docker.sock"; }
node_docker() {
  local node=$1
  shift
  "$DOCKER" -H "unix://$(node_sock "$node")" "$@"
}

# --- up -------------------------------------------------------------------------------------

healthy() {
  local ready
  ready=$(node_docker n1 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$') || return 1
  [[ $ready -eq ${#NODES[@]} ]] && node_docker n1 network inspect "$NETWORK" >/dev/null 2>&1
}

create_switch() {
  ip netns add "$SWITCH"
  ip netns exec "$SWITCH" ip link set lo up
  ip netns exec "$SWITCH" ip link add "$PREFIX-br" type bridge
  ip netns exec "$SWITCH" ip link set "$PREFIX-br" up
}

create_node_netns() {
  local node=$1 ns veth
  ns=$(node_ns "$node")
  veth=$PREFIX-v${node#n}
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" netns "$SWITCH"
  ip netns exec "$SWITCH" ip link set "$veth" master "$PREFIX-br" up
  ip netns exec "$ns" ip addr add "$(node_ip "$node")/24" dev eth0
  ip netns exec "$ns" ip link set eth0 up
}

start_registry_bridge() {
  local node pid
  pid=$(spawn_daemon "$DIR/registry-bridge.log" socat "UNIX-LISTEN:$DIR/registry.sock,fork,unlink-early" \
    "TCP:$GANTRY_REGISTRY_ADDR")
  echo "$pid" >"$DIR/pids/registry-bridge"
  for node in "${NODES[@]}"; do
    pid=$(spawn_daemon "$DIR/$node/registry-bridge.log" ip netns exec "$(node_ns "$node")" socat \
      "TCP-LISTEN:${GANTRY_REGISTRY_ADDR##*:},bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$DIR/registry.sock")
    echo "$pid" >"$DIR/pids/registry-bridge-$node"
  done
}

# `ip netns exec` remounts /sys, which hides the cgroup v1 hierarchies dockerd needs; the inner
# shell mounts them again in its own mount namespace, and takes its own hostname.
# shellcheck disable=SC2016 # expanded by the inner shell
NODE_INIT='
hostname "$0"
mount -t tmpfs cgroup_root /sys/fs/cgroup
for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
  grep -q "^$c[[:space:]]" /proc/cgroups || continue
  mkdir -p /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c
done
mkdir -p /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
exec dockerd "$@"'

start_dockerd() {
  local node=$1 n=${1#n} pid
  mkdir -p "$DIR/$node/data" "$DIR/$node/exec"
  pid=$(spawn_daemon "$DIR/$node/dockerd.log" ip netns exec "$(node_ns "$node")" unshare --uts \
    sh -c "$NODE_INIT" "$PREFIX-$node" \
    --data-root "$DIR/$node/data" --exec-root "$DIR/$node/exec" --pidfile "$DIR/$node/docker.pid" \
    -H "unix://$(node_sock "$node")" --bip "198.18.$n.1/24" \
    --default-address-pool "base=198.18.$((n * 16)).0/20,size=24" \
    --cgroup-parent "/$PREFIX-$node" --label "gantry.testbed=$PREFIX")
  echo "$pid" >"$DIR/pids/dockerd-$node"
}

wait_for_dockerd() {
  local node=$1
  if ! wait_until "$START_TIMEOUT" node_docker "$node" info; then
    tail -n 20 "$DIR/$node/dockerd.log" >&2
    die "dockerd of $node did not answer within ${START_TIMEOUT}s (log above)"
  fi
}

form_swarm() {
  local token node
  node_docker n1 swarm init --advertise-addr "$(node_ip n1)" --listen-addr "$(node_ip n1):2377" \
    --default-addr-pool 198.19.0.0/16 --default-addr-pool-mask-length 24 >/dev/null
  token=$(node_docker n1 swarm join-token -q worker)
  for node in "${NODES[@]:1}"; do
    node_docker "$node" swarm join --token "$token" --advertise-addr "$(node_ip "$node")" \
      --listen-addr "$(node_ip "$node"):2377" "$(node_ip n1):2377" >/dev/null
  done
  wait_until "$START_TIMEOUT" all_nodes_ready || die "the swarm did not get ${#NODES[@]} ready nodes"
  node_docker n1 network create --driver overlay --attachable --label "gantry.testbed=$PREFIX" \
    "$NETWORK" >/dev/null
}

all_nodes_ready() {
  [[ $(node_docker n1 node ls --format '{{.Status}}' | grep -c '^Ready$') -eq ${#NODES[@]} ]]
}

up() {
  require_root
  take_lock swarm-testbed
  local t0 node
  t0=$(now_ms)
  if healthy; then
    log "the testbed is up already ($(since "$t0"))"
    return
  fi
  teardown quiet
  registry_answers || die "the registry does not answer at http://$GANTRY_REGISTRY_ADDR/v2/; run scripts/setup.sh"
  ensure_packages socat iproute2
  trap '[[ -n $UP_FINISHED ]] || { warn "up failed; removing what it created"; teardown quiet; }' EXIT
  mkdir -p "$DIR/pids"
  create_switch
  for node in "${NODES[@]}"; do
    mkdir -p "$DIR/$node"
    create_node_netns "$node"
  done
  start_registry_bridge
  for node in "${NODES[@]}"; do start_dockerd "$node"; done
  for node in "${NODES[@]}"; do wait_for_dockerd "$node"; done
  form_swarm
  UP_FINISHED=1
  log "three-node swarm up in $(since "$t0"): manager $(node_sock n1)"
}

# --- down -----------------------------------------------------------------------------------

stop_pid_file() {
  local file=$1 pid
  pid=$(cat "$file" 2>/dev/null) || return 0
  [[ -n $pid ]] && pid_alive "$pid" && kill "$pid" 2>/dev/null
  rm -f "$file"
}

# dockerd stops its containers and its containerd on SIGTERM; wait for that (then force).
stop_dockerd() {
  local node=$1 pid
  pid=$(cat "$DIR/$node/docker.pid" 2>/dev/null) || pid=
  stop_pid_file "$DIR/pids/dockerd-$node"
  [[ -n $pid ]] || return 0
  pid_alive "$pid" && kill "$pid" 2>/dev/null
  wait_until 30 not pid_alive "$pid" || kill -9 "$pid" 2>/dev/null || true
}

# Processes left inside a node's netns (containerd shims, task processes) by a dockerd that died.
kill_netns_leftovers() {
  local ns=$1 pid
  for pid in $(ip netns pids "$ns" 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null || true
  done
}

remove_cgroups() {
  local node=$1 dir
  for dir in /sys/fs/cgroup/*/"$PREFIX-$node"; do
    [[ -d $dir ]] || continue
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

teardown() {
  local node file
  for node in "${NODES[@]}"; do stop_dockerd "$node"; done
  for file in "$DIR"/pids/*; do
    [[ -e $file ]] && stop_pid_file "$file"
  done
  for node in "${NODES[@]}"; do
    kill_netns_leftovers "$(node_ns "$node")"
    ip netns del "$(node_ns "$node")" 2>/dev/null || true
    remove_cgroups "$node"
  done
  ip netns del "$SWITCH" 2>/dev/null || true
  [[ $DIR == */gantry-sw* ]] && rm -rf "$DIR"
  [[ ${1:-} == quiet ]] || log "the testbed is down"
}

down() {
  require_root
  take_lock swarm-testbed
  teardown
}

print_env() {
  echo "GANTRY_SWARM_HOST=unix://$(node_sock n1)"
  echo "GANTRY_SWARM_NETNS=$(node_ns n1)"
  echo "GANTRY_SWARM_NETWORK=$NETWORK"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  env) print_env ;;
  *) die "usage: $0 up|down|env" ;;
esac
