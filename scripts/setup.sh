#!/usr/bin/env bash
# Installs what ipclab needs to build and test, from Debian bookworm packages.
# Idempotent and quiet when everything is already there. Needs root (or sudo).
# --tests also installs what only the test suite and CI's checks use (the
# PostgreSQL server is started by the team store's tests on a private socket;
# no system service is used).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libcli11-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpq-dev
  help2man  # man pages from the commands' --help (cmake --install)
)
if [[ "${1:-}" == "--tests" ]]; then
  # compare.py and SciPy read the exports; openssl makes the TLS tests'
  # certificates; clang and clang-format are the CI's thread-safety and
  # format checks; podman, runc and debootstrap run the image smoke test.
  packages+=(libbenchmark-tools python3-scipy openssl clang clang-format podman runc debootstrap postgresql
                python3-yaml libxml2-utils)
fi

# The Kubernetes manifest test's validator (issue 11): pinned by
# package-lock.json, from the npm registry. Needs node/npm and kubectl.
npm_ci_kubernetes_validate() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/deploy/kubernetes/validate"
  [[ -f "$dir/node_modules/.package-lock.json" && "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]] && return 0
  command -v npm >/dev/null || { echo "setup: npm not found (for deploy/kubernetes/validate)" >&2; return 1; }
  echo "setup: npm ci in deploy/kubernetes/validate" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
if [[ "${1:-}" == "--tests" ]]; then
  npm_ci_kubernetes_validate
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
