#!/usr/bin/env bash
# Installs what ipclab needs to build and test, from Debian bookworm packages.
# Idempotent and quiet when everything is already there. Needs root (or sudo).
# --tests also installs what only the test suite uses (Debian's Google
# Benchmark compare.py and SciPy, to check that it reads ipclab's exports).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libcli11-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev
)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(libbenchmark-tools python3-scipy)
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
