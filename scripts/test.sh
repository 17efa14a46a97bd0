#!/usr/bin/env bash
# Sets up, builds once and runs everything CI checks:
#   1. the whole test suite, in parallel (ctest);
#   2. the .clang-format check of every C++ file;
#   3. clang's -Wthread-safety analysis of the code that holds locks, and a
#      short libFuzzer run of every target in fuzz/ (scripts/fuzz-smoke.sh);
#   4. the container image smoke test with podman (scripts/docker-smoke.sh),
#      which reuses the binaries of step 0 instead of compiling again.
# IPCLAB_SKIP_SMOKE=1 skips step 4 (e.g. on a machine without podman);
# IPCLAB_SKIP_FUZZ=1 skips the fuzz run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
start=$(date +%s)
step() { printf '\n== test.sh: %s (%ds)\n' "$*" $(( $(date +%s) - start )) >&2; }
step "setup"
"$root/scripts/setup.sh" --tests
step "build"
"$root/scripts/build.sh"
step "ctest"
(cd "${IPCLAB_BUILD_DIR:-$root/build}" && ctest --output-on-failure --parallel "$(nproc)" --timeout 600)
step "format"
"$root/scripts/check-format.sh"
step "thread safety"
"$root/scripts/check-thread-safety.sh"
[[ "${IPCLAB_SKIP_FUZZ:-0}" == 1 ]] || { step "fuzz smoke"; "$root/scripts/fuzz-smoke.sh"; }
if [[ "${IPCLAB_SKIP_SMOKE:-0}" != 1 ]]; then
  step "image smoke test"
  "$root/scripts/docker-smoke.sh"
fi
step "all passed"
