#!/usr/bin/env bash
# The one setup command: container engine, local registry, local base images, helm, in that order.
# Safe to rerun; when everything is in place it takes about a second.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/lib/common.sh"

main() {
  require_root
  local t0 step
  t0=$(now_ms)
  for step in engine registry base-images helm; do
    bash "$here/setup-$step.sh"
  done
  log "ready in $(since "$t0"): dockerd (use DOCKER_BUILDKIT=1 $DOCKER), registry http://$GANTRY_REGISTRY_ADDR, ${#GANTRY_BASE_IMAGES[@]} gantry.local/* base images"
}

main "$@"
