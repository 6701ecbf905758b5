#!/usr/bin/env bash
# Per-process cost of `gantry image dockerfile` over every variant of the shared Blubber corpus,
# against a baseline measured in the same invocation: `cat` of the same file (a process that
# starts, reads the spec and writes it out). Prints milliseconds per process and the ratio.
#
#   scripts/bench-dockerfile.sh [ROUNDS]     (default 3 rounds over the 335 variants)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shared=${GANTRY_SHARED_DIR:-../shared}
cargo build --release --locked --quiet -p gantry
gantry=$PWD/target/release/gantry

# file<TAB>variant for every variant Blubber v0.23 compiled.
mapfile -t cases < <(awk -F'\t' 'NR > 1 && $3 == "ok" { print $1 "\t" $2 }' "$shared/corpus-expected/INDEX.tsv")
cd "$shared/corpus"

time_loop() { # prints total nanoseconds for running "$@" once per case, $rounds times
  local start end case file variant
  start=$(date +%s%N)
  for ((r = 0; r < rounds; r++)); do
    for case in "${cases[@]}"; do
      file=${case%%$'\t'*} variant=${case#*$'\t'}
      "$@" "$file" "$variant" >/dev/null
    done
  done
  end=$(date +%s%N)
  echo $((end - start))
}

run_cat() { cat "$1"; }
run_gantry() { "$gantry" image dockerfile -f "$1" "$2"; }

processes=$((rounds * ${#cases[@]}))
baseline=$(time_loop run_cat)
generation=$(time_loop run_gantry)
awk -v n="$processes" -v b="$baseline" -v g="$generation" 'BEGIN {
  printf "processes: %d per command (%d variants)\n", n, n / '"$rounds"'
  printf "baseline  cat FILE:                        %.2f ms per process\n", b / n / 1e6
  printf "gantry image dockerfile -f FILE VARIANT:   %.2f ms per process\n", g / n / 1e6
  printf "ratio (gantry / cat): %.2f\n", g / b
}'
