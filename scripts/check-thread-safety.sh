#!/usr/bin/env bash
# Builds the libraries that carry Abseil thread-safety annotations with
# clang's -Wthread-safety as errors, in a separate build tree (build-clang, or
# $IPCLAB_CLANG_BUILD_DIR). GCC ignores the annotations, so this is where
# ABSL_GUARDED_BY / ABSL_EXCLUSIVE_LOCKS_REQUIRED / ABSL_LOCKS_EXCLUDED are
# actually checked. Only the object files of the libraries that hold locks
# (base, server, client) are compiled (and the generated protos they
# include), not the whole tree: the analysis is per translation unit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IPCLAB_CLANG_BUILD_DIR:-$root/build-clang}
compiler=${CLANG_CXX:-clang++}
command -v "$compiler" >/dev/null || { echo "check-thread-safety: $compiler not found (apt-get install clang)" >&2; exit 2; }
command -v ninja >/dev/null || { echo "check-thread-safety: needs ninja (apt-get install ninja-build)" >&2; exit 2; }
generator=(-G Ninja)
[[ -f "$build/CMakeCache.txt" ]] && generator=()  # keep the generator it was made with
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")}
cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror" >/dev/null
mapfile -t objects < <(ninja -C "$build" -t targets all |
  grep -E '^(base|server|client)/CMakeFiles/ipclab_(base|server|client)\.dir/.*\.o:' | cut -d: -f1)
[[ ${#objects[@]} -gt 0 ]] || { echo "check-thread-safety: no object files found in $build" >&2; exit 2; }
ninja -C "$build" -j "$(nproc)" "${objects[@]}" >/dev/null
echo "check-thread-safety: ${#objects[@]} translation units of ipclab_base, ipclab_server and ipclab_client compile clean with -Wthread-safety -Werror"
