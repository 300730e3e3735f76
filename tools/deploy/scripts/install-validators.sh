#!/usr/bin/env bash
# Installs the deployment validators `deploy:test` runs, idempotently, into the git-ignored .tools/:
# kustomize and kubeconform (`go install`, pinned), offline Kubernetes JSON schemas for kubeconform
# (from the PyPI package kubernetes-validate: kubeconform's default schema source is not reachable
# from CI), and from Debian: docker-compose (which brings python3-yaml) and promtool (prometheus).
# A second run with everything in place does nothing and prints one line.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2         # v5.8.3 needs Go >= 1.27
KUBECONFORM_VERSION=v0.8.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VERSION=1.34.0        # the API version the manifests are validated against

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
SCHEMAS="$TOOLS/k8s-schemas"
SCHEMA_DIR="$SCHEMAS/v$KUBERNETES_VERSION-standalone-strict"
STAMP="$TOOLS/versions"
WANTED="kustomize=$KUSTOMIZE_VERSION kubeconform=$KUBECONFORM_VERSION kubernetes-validate=$KUBERNETES_VALIDATE_VERSION kubernetes=$KUBERNETES_VERSION"

say() { echo "install-validators: $*"; }
fail() { echo "install-validators: $*" >&2; exit 1; }

apt_install() {
  say "apt-get install $*"
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } ||
    fail "could not apt-get install $* (run as root on Debian, or install them yourself)"
}

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if ((${#missing[@]})); then apt_install "${missing[@]}"; fi

if [[ -x $BIN/kustomize && -x $BIN/kubeconform && -s $SCHEMA_DIR/deployment-apps-v1.json && "$(cat "$STAMP" 2>/dev/null)" == "$WANTED" ]]; then
  say "kustomize $KUSTOMIZE_VERSION, kubeconform $KUBECONFORM_VERSION, Kubernetes $KUBERNETES_VERSION schemas, docker-compose, promtool: in place"
  exit 0
fi

command -v go >/dev/null 2>&1 || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null 2>&1 || fail "Go is needed to build kustomize and kubeconform (>= 1.26)"
mkdir -p "$BIN"
say "go install kustomize $KUSTOMIZE_VERSION and kubeconform $KUBECONFORM_VERSION into .tools/bin"
GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"

say "Kubernetes $KUBERNETES_VERSION JSON schemas from kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI)"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
python=python3
$python -m pip --version >/dev/null 2>&1 || { apt_install python3-pip; python=/usr/bin/python3; }
$python -m pip download --quiet --no-deps --disable-pip-version-check -d "$download" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
rm -rf "$SCHEMAS"
$python "$ROOT/tools/deploy/scripts/standalone-k8s-schemas.py" "$download"/kubernetes_validate-*.whl "$KUBERNETES_VERSION" "$SCHEMA_DIR"

echo "$WANTED" >"$STAMP"
say "done"
