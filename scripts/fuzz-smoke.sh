#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in their own
# tree (build-fuzz, or $IPCLAB_FUZZ_BUILD_DIR; ccache if installed) and runs
# each for a bounded time ($IPCLAB_FUZZ_SECONDS, default 20) from its seed
# corpus fuzz/corpus/<target>/, which is only read: what the run discovers
# goes to the build tree. A crash fails the script, printing the reproducer
# (rerun it with: build-fuzz/fuzz/<target> <crash file>).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IPCLAB_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${IPCLAB_FUZZ_SECONDS:-20}
compiler=${CLANG_CXX:-clang++}
c_compiler=${CLANG_CC:-clang}
command -v "$compiler" >/dev/null || { echo "fuzz-smoke: $compiler not found (apt-get install clang)" >&2; exit 2; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
[[ -f "$build/CMakeCache.txt" ]] && generator=()  # keep the generator it was made with
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")}
targets=(parse_size_fuzzer params_fuzzer run_request_fuzzer worker_events_fuzzer)

start=$(date +%s)
cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_C_COMPILER="$c_compiler" -DIPCLAB_FUZZ=ON >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}" >/dev/null
echo "fuzz-smoke: built ${#targets[@]} targets in $(( $(date +%s) - start )) s"

failed=0
for target in "${targets[@]}"; do
  work=$build/fuzz/work/$target
  rm -rf "$work"
  mkdir -p "$work/corpus"
  log=$work/log
  if (cd "$work" && "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
        corpus "$root/fuzz/corpus/$target" >"$log" 2>&1); then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz-smoke: $target: ${runs:-?} executions in ${seconds} s, no crash ($(ls "$work/corpus" | wc -l) new corpus entries)"
  else
    failed=1
    echo "fuzz-smoke: $target FAILED; the end of its log ($log):" >&2
    tail -40 "$log" >&2
    ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | sed 's/^/  reproducer: /' >&2 || true
  fi
done
echo "fuzz-smoke: done in $(( $(date +%s) - start )) s"
exit "$failed"
