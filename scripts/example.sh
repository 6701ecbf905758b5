#!/usr/bin/env bash
# The README's main command: sets this machine up (engine, registry, local base images),
# builds gantry, and runs gantry's main job on examples/hello-python.
#
#   scripts/example.sh            # everything, from a fresh machine
#   GANTRY_SKIP_SETUP=1 scripts/example.sh   # only the gantry part
#   GANTRY_PROFILE=dev scripts/example.sh    # a debug build (CI shares it with the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${GANTRY_SKIP_SETUP:-} ]]; then
  bash scripts/setup.sh
fi

profile=${GANTRY_PROFILE:-release}
echo "[example] building gantry ($profile)"
cargo build --profile "$profile" --locked --quiet -p gantry
case $profile in
  dev) gantry=$PWD/target/debug/gantry ;;
  *) gantry=$PWD/target/$profile/gantry ;;
esac
example=examples/hello-python

# Builds behind a TLS-intercepting proxy (this machine has one) need the host's CA bundle for
# pip/npm; gantry mounts it during RUN steps only.
ca_args=()
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  ca_args=(--ca-bundle /etc/ssl/certs/ca-certificates.crt)
fi

echo "[example] checking $example/.pipeline/config.yaml and the Blubber file it uses"
"$gantry" -C "$example" check

echo "[example] running $example/.pipeline/config.yaml: pipeline test (lint and test in parallel, then publish production) and pipeline review (a preview environment)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$gantry" -C "$example" run "${ca_args[@]}" 2>&1 | tee "$log"
echo "[example] done: hello-python's tests pass and its production image is in the registry at 127.0.0.1:5000"

# The review pipeline's deploy step left a preview environment with a link: show that it
# answers, then remove it (it would otherwise stay until its TTL, for a reviewer).
url=$(sed -n 's/.*deploy: hello-python answers at \(http:[^ ]*\).*/\1/p' "$log" | tail -1)
if [[ -z $url ]]; then
  echo "[example] the review pipeline printed no preview link" >&2
  exit 1
fi
authority=${url#http://}
authority=${authority%/}
name=${authority%%.*}
"$gantry" -C "$example" env list
echo "[example] $url answers: $(curl -sS --noproxy '*' --max-time 10 -H "Host: $authority" "http://127.0.0.1:${authority##*:}/healthz")"
"$gantry" -C "$example" env down "$name"
