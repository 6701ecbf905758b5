#!/usr/bin/env bash
# The README's main command: sets this machine up (engine, registry, local base images),
# builds gantry, and runs gantry's main job on examples/hello-python.
#
#   scripts/example.sh            # everything, from a fresh machine
#   GANTRY_SKIP_SETUP=1 scripts/example.sh   # only the gantry part
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${GANTRY_SKIP_SETUP:-} ]]; then
  bash scripts/setup.sh
fi

echo "[example] building gantry (release)"
cargo build --release --locked --quiet -p gantry
gantry=$PWD/target/release/gantry
example=examples/hello-python

# Builds behind a TLS-intercepting proxy (this machine has one) need the host's CA bundle for
# pip/npm; gantry mounts it during RUN steps only.
ca_args=()
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  ca_args=(--ca-bundle /etc/ssl/certs/ca-certificates.crt)
fi

echo "[example] checking $example/.pipeline/blubber.yaml"
"$gantry" -C "$example" image check

for variant in build production; do
  echo "[example] building variant $variant"
  "$gantry" -C "$example" image build "$variant" "${ca_args[@]}" -t "gantry.local/hello-python:$variant"
done

echo "[example] building and running the lint and test variants"
"$gantry" -C "$example" image run lint "${ca_args[@]}"
"$gantry" -C "$example" image run test "${ca_args[@]}"
echo "[example] done: hello-python's variants build and its tests pass"
