#!/usr/bin/env bash
# Renders the kustomize base and every overlay with `kubectl kustomize` and
# validates each object against the Kubernetes schema, offline (validate.js:
# kubernetes-models' generated validators plus an unknown-field check). Also
# proves the check is strict: a rendered manifest with a misspelt field must
# be refused. Needs kubectl and node; `npm ci` here (scripts/setup.sh --tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$here"
command -v kubectl >/dev/null || { echo "kustomize test: kubectl not found" >&2; exit 1; }
command -v node >/dev/null || { echo "kustomize test: node not found" >&2; exit 1; }
[[ -d node_modules/kubernetes-models ]] || {
  echo "kustomize test: run scripts/setup.sh --tests (npm ci in $here)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
targets=(base)
for dir in "$root"/overlays/*/; do targets+=("overlays/$(basename "$dir")"); done
for target in "${targets[@]}"; do
  if ! kubectl kustomize "$root/$target" > "$work/rendered.yaml" 2> "$work/err"; then
    echo "FAIL $target: kubectl kustomize: $(cat "$work/err")" >&2; failed=1; continue
  fi
  node validate.js --name "$target" "$work/rendered.yaml" || failed=1
  # ipclabd refuses a non-loopback --listen without TLS or tokens (issue 10):
  # every rendering must give one, and must not fall back to --insecure.
  if grep -q -- '- --listen=0.0.0.0' "$work/rendered.yaml"; then
    if ! grep -Eq -- '- --(auth-token-file|tls-cert)=' "$work/rendered.yaml" ||
       grep -q -- '- --insecure' "$work/rendered.yaml"; then
      echo "FAIL $target: ipclabd listens on 0.0.0.0 without --auth-token-file/--tls-cert" >&2
      failed=1
    fi
  fi
done

# Negative control: the same base with one unknown field must fail.
kubectl kustomize "$root/base" |
  sed 's/^\( *\)readOnlyRootFilesystem: true/&\n\1readOnlyRootFilesytem: true/' > "$work/bad.yaml"
if node validate.js --name "base+typo" "$work/bad.yaml" 2> "$work/err"; then
  echo "FAIL: a manifest with an unknown field was accepted" >&2; failed=1
elif ! grep -q "unknown field .*readOnlyRootFilesytem" "$work/err"; then
  echo "FAIL: the unknown field was not named: $(cat "$work/err")" >&2; failed=1
else
  echo "base+typo: refused as it should be: $(cat "$work/err")"
fi
exit $failed
