#!/usr/bin/env bash
# Benchmarks of the stage cache; numbers and what they mean are in docs/benchmarks.md
# ("Stage cache"). Every benchmark measures its baseline in the same invocation and prints a
# ratio. Needs the engine, the registry and the local base images (scripts/setup.sh) and a
# release build (cargo build --release -p gantry).
#
#   scripts/bench-cache.sh a    # unchanged example re-run vs its first run and the plain sequence
#   scripts/bench-cache.sh b    # synthetic gate: 30 repositories x 3 stages, one changed
#   scripts/bench-cache.sh c    # one-file change in the example vs a cold run
#   scripts/bench-cache.sh      # all three
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
GANTRY=${GANTRY:-$ROOT/target/release/gantry}
REGISTRY=${GANTRY_REGISTRY_ADDR:-127.0.0.1:5000}
ROUNDS=${ROUNDS:-5}
[[ -x $GANTRY ]] || { echo "build gantry first: cargo build --release -p gantry" >&2; exit 2; }
CA=()
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && CA=(--ca-bundle /etc/ssl/certs/ca-certificates.crt)
WORK=$(mktemp -d /tmp/gantry-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
# seconds CMD...: runs CMD quietly and prints its wall time in seconds.
seconds() {
  local t0 t1
  t0=$(now)
  "$@" >"$WORK/last.log" 2>&1 || { cat "$WORK/last.log" >&2; echo "failed: $*" >&2; exit 1; }
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# A copy of the example outside the checkout (its runs and artifacts stay out of the tree).
example_copy() {
  rm -rf "$1"
  cp -r "$ROOT/examples/hello-python" "$1"
  rm -rf "$1/.gantry"
}

# The example's `test` pipeline: the stages the plain sequence below does by hand (its
# `review` pipeline deploys a preview environment, which is never cached by design).
run_pipeline() { GANTRY_CACHE_DIR=$1 "$GANTRY" -C "$2" run test --progress plain "${CA[@]}" "${@:3}"; }

# What PipelineLib does per stage: build the variant, run it; build and push the production image.
plain_sequence() {
  local repo=$1
  "$GANTRY" -C "$repo" image run lint "${CA[@]}" --progress plain
  "$GANTRY" -C "$repo" image run test "${CA[@]}" --progress plain
  "$GANTRY" -C "$repo" image build production "${CA[@]}" --progress plain -t "$REGISTRY/wikimedia/hello-python:bench"
  docker push -q "$REGISTRY/wikimedia/hello-python:bench"
}

bench_a() {
  local repo=$WORK/a-repo cache first cached plain
  example_copy "$repo"
  echo "[a] warming BuildKit's layers (not measured)"
  run_pipeline "$WORK/a-warm" "$repo" --no-cache >/dev/null 2>&1
  plain=$(for _ in $(seq 3); do seconds plain_sequence "$repo"; echo; done | median)
  first=$(for i in $(seq 3); do seconds run_pipeline "$WORK/a-first-$i" "$repo"; echo; done | median)
  cache=$WORK/a-cache
  run_pipeline "$cache" "$repo" >/dev/null 2>&1
  cached=$(for _ in $(seq "$ROUNDS"); do seconds run_pipeline "$cache" "$repo"; echo; done | median)
  grep -q "cached" "$WORK/last.log" || { echo "[a] the re-run was not cached:" >&2; cat "$WORK/last.log" >&2; exit 1; }
  echo "[a] plain sequence (build+run per stage, warm layers): ${plain}s"
  echo "[a] first gantry run (empty stage cache, warm layers): ${first}s"
  echo "[a] unchanged re-run (every stage cached):             ${cached}s"
  echo "[a] plain / re-run = $(ratio "$plain" "$cached")x   first / re-run = $(ratio "$first" "$cached")x   (target: >= 20x, re-run < 1 s)"
}

# A small repository: three stages (lint, test, package), each a build of a busybox-sized
# variant and, for lint and test, a run of it.
small_repo() {
  local dir=$1 n=$2
  mkdir -p "$dir/.pipeline" "$dir/src"
  cat >"$dir/.pipeline/blubber.yaml" <<YAML
version: v4
base: gantry.local/bookworm:1
lives:
  in: /srv/repo$n
variants:
  lint:
    copies: [local]
    entrypoint: [sh, -n, src/main.sh]
  test:
    copies: [local]
    entrypoint: [sh, src/test.sh]
  package:
    copies:
      - from: local
        source: src/main.sh
        destination: main.sh
    entrypoint: [sh, main.sh]
YAML
  cat >"$dir/.pipeline/config.yaml" <<YAML
pipelines:
  ci:
    blubberfile: blubber.yaml
    stages:
      - name: lint
      - name: test
      - name: package
        build: package
YAML
  printf 'echo "repository %s"\n' "$n" >"$dir/src/main.sh"
  printf 'sh src/main.sh | grep -q repository && echo ok\n' >"$dir/src/test.sh"
  printf '.gantry\n' >"$dir/.dockerignore"
}

# The gate: one `gantry gate` process over the 30 repositories (keys checked at once, the
# unchanged repositories reported cached without a run, the changed one run).
gate() {
  local cache=$1
  GANTRY_CACHE_DIR="$cache" "$GANTRY" gate "$WORK"/gate/repo{1..30}
}

bench_b() {
  local cache=$WORK/b-cache gate_s alone_s
  for n in $(seq 1 30); do small_repo "$WORK/gate/repo$n" "$n"; done
  echo "[b] filling the cache with every repository's results (not measured)"
  gate "$cache" >/dev/null 2>&1
  local gates=() alones=()
  for round in $(seq "$ROUNDS"); do
    printf 'echo "repository 7, change %s"\n' "gate-$round" >"$WORK/gate/repo7/src/main.sh"
    gates+=("$(seconds gate "$cache")")
    printf 'echo "repository 7, change %s"\n' "alone-$round" >"$WORK/gate/repo7/src/main.sh"
    alones+=("$(seconds env GANTRY_CACHE_DIR="$cache" "$GANTRY" -C "$WORK/gate/repo7" run --progress plain)")
  done
  gate_s=$(printf '%s\n' "${gates[@]}" | median)
  alone_s=$(printf '%s\n' "${alones[@]}" | median)
  echo "[b] gantry gate over 30 repositories, one changed:        ${gate_s}s"
  echo "[b] the changed repository alone:                           ${alone_s}s"
  echo "[b] gate / alone = $(ratio "$gate_s" "$alone_s")x   (target: <= 1.2x)"
}

bench_c() {
  local repo=$WORK/c-repo cold changed nonce
  local colds=() changes=()
  for round in $(seq 3); do
    example_copy "$repo"
    # A fresh environment value: every layer after the base image is new to BuildKit, so the
    # cold run rebuilds everything (package downloads come from the pip cache mount).
    nonce="bench-$(date +%s%N)"
    sed -i "s/PYTHONDONTWRITEBYTECODE: \"1\"/PYTHONDONTWRITEBYTECODE: \"1\"\n    BENCH_NONCE: \"$nonce\"/" "$repo/.pipeline/blubber.yaml"
    colds+=("$(seconds run_pipeline "$WORK/c-cache-$round" "$repo")")
    printf '\n# a one-line change\n' >>"$repo/app.py"
    changes+=("$(seconds run_pipeline "$WORK/c-cache-$round" "$repo")")
  done
  cold=$(printf '%s\n' "${colds[@]}" | median)
  changed=$(printf '%s\n' "${changes[@]}" | median)
  echo "[c] cold run (new layers, empty stage cache):  ${cold}s"
  echo "[c] after a one-line change to app.py:          ${changed}s"
  echo "[c] cold / change = $(ratio "$cold" "$changed")x"
}

case ${1:-all} in
  a) bench_a ;;
  b) bench_b ;;
  c) bench_c ;;
  all) bench_a; bench_b; bench_c ;;
  *) echo "usage: $0 [a|b|c|all]" >&2; exit 2 ;;
esac
