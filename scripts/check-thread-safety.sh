#!/usr/bin/env bash
# Builds the libraries that carry Abseil thread-safety annotations with
# clang's -Wthread-safety as errors, in a separate build tree (build-clang, or
# $IPCLAB_CLANG_BUILD_DIR). GCC ignores the annotations, so this is where
# ABSL_GUARDED_BY / ABSL_EXCLUSIVE_LOCKS_REQUIRED / ABSL_LOCKS_EXCLUDED are
# actually checked. Only the libraries are built, not the test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IPCLAB_CLANG_BUILD_DIR:-$root/build-clang}
compiler=${CLANG_CXX:-clang++}
command -v "$compiler" >/dev/null || { echo "check-thread-safety: $compiler not found (apt-get install clang)" >&2; exit 2; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
[[ -f "$build/CMakeCache.txt" ]] && generator=()  # keep the generator it was made with
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")}
cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror" >/dev/null
cmake --build "$build" --parallel "$(nproc)" \
  --target ipclab_base ipclab_workloads ipclab_results ipclab_server ipclab_client "$@"
echo "check-thread-safety: ipclab_base, ipclab_workloads, ipclab_results, ipclab_server and ipclab_client build clean with -Wthread-safety -Werror"
