#!/usr/bin/env bash
# The project's test command (.ci/run calls it too): every crate's tests against the committed
# Cargo.lock. Extra arguments go to cargo, e.g. `scripts/test.sh -p gantry-spec` (only that crate)
# or `scripts/test.sh -- --nocapture`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# rustup installs cargo in ~/.cargo/bin, which a non-login shell (as in CI) may lack on PATH.
if ! command -v cargo >/dev/null && [[ -x $HOME/.cargo/bin/cargo ]]; then
  PATH=$HOME/.cargo/bin:$PATH
fi
# cargo ignores -p when --workspace is given, so a package choice replaces the workspace.
scope=(--workspace)
for arg in "$@"; do
  [[ $arg == -- ]] && break
  case $arg in -p | -p?* | --package | --package=*) scope=() ;; esac
done
exec cargo test "${scope[@]}" --locked "$@"
