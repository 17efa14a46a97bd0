#!/usr/bin/env bash
# Measures ipclab against hand-written reference programs in one run, at the
# same CPU placement, and prints ratios (the speed goals of the foundation
# issue). Timing goals live here and in tests/bench, never in the test suite.
#   scripts/speed-check.sh [PATH/TO/shared/reference/c-programs] [placement]
# Needs: a built tree (scripts/build.sh), perf (linux-perf) for the pipe
# round trip. Prints one line per goal.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
refs=${1:-$root/../shared/reference/c-programs}
placement=${2:-same}
bin=${IPCLAB_BUILD_DIR:-$root/build}/bin
work=$(mktemp -d)
trap 'rm -rf "$work"; [[ -n "${daemon:-}" ]] && kill "$daemon" 2>/dev/null; true' EXIT
make -s -C "$refs" BIN="$work" >/dev/null
case $placement in same) pin=(taskset -c 0) ;; *) pin=() ;; esac

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ipclab_metric() {  # workload metric params... -> median of the metric over 7 repetitions
  local workload=$1 metric=$2; shift 2
  "$bin/ipclab" run "$workload" "$@" -p "placement=$placement" --repetitions 7 --warmup 1 \
    --no-store --quiet --format json | python3 -c "
import json, sys
r = json.load(sys.stdin)
for s in r['cases'][0]['summaries']:
    if s['name'] == '$metric': print(s['median'])"
}

# 1. pipe stream, 64 KiB messages: >= 0.95 x pipe_bw.
ref=$(for i in 1 2 3 4 5; do "$work/pipe_bw" 1024 64 0 "$placement" | sed -E 's/.* GBps=([0-9.]+).*/\1/'; done | median)
ours=$(ipclab_metric pipe steady.throughput_bytes_per_sec -p message_size=64KiB -p total_bytes=1GiB | awk '{print $1/1e9}')
echo "pipe stream 64KiB: ipclab ${ours} GB/s, pipe_bw ${ref} GB/s, ratio $(awk -v a="$ours" -v b="$ref" 'BEGIN{printf "%.3f", a/b}') (goal >= 0.95)"

# 2. pipe pingpong, 1-byte messages: round trip <= 1.05 x perf bench sched pipe.
if command -v perf >/dev/null; then
  ref=$(for i in 1 2 3 4 5; do "${pin[@]}" perf bench sched pipe -l 200000 2>/dev/null | awk '/usecs\/op/ {print $1}'; done | median)
  ours=$(ipclab_metric pipe steady.latency_p50_ns -p mode=pingpong -p message_size=1 -p total_bytes=200000 | awk '{print $1/1e3}')
  echo "pipe pingpong 1B: ipclab p50 ${ours} us, perf bench sched pipe ${ref} us/op, ratio $(awk -v a="$ours" -v b="$ref" 'BEGIN{printf "%.3f", a/b}') (goal <= 1.05)"
fi

# 3. shm_posix stream, 64 KiB messages, 1 MiB ring: >= 0.7 x memcpy (membw).
ref=$("$work/membw" 256 10 | sed -E 's/.*memcpy_GBps_median=([0-9.]+).*/\1/')
ours=$(ipclab_metric shm_posix steady.throughput_bytes_per_sec -p message_size=64KiB -p total_bytes=1GiB -p ring_bytes=1MiB | awk '{print $1/1e9}')
echo "shm_posix stream 64KiB: ipclab ${ours} GB/s, membw memcpy ${ref} GB/s, ratio $(awk -v a="$ours" -v b="$ref" 'BEGIN{printf "%.3f", a/b}') (goal >= 0.7)"

# 4. The same case through ipclabd on loopback and embedded: medians within 3%.
"$bin/ipclabd" --listen 127.0.0.1:0 > "$work/daemon.out" 2>&1 &
daemon=$!
for _ in $(seq 50); do grep -q "listening on" "$work/daemon.out" && break; sleep 0.1; done
address=$(sed -nE 's/.*listening on ([0-9.:]+).*/\1/p' "$work/daemon.out")
sleep 1
idle_rss=$(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$daemon/status)
embedded=() remote=()
for i in 1 2 3 4 5; do  # interleaved, so drift hits both alike
  embedded+=("$(ipclab_metric shm_posix steady.throughput_bytes_per_sec -p message_size=64KiB -p total_bytes=256MiB)")
  remote+=("$("$bin/ipclab" run shm_posix -p message_size=64KiB -p total_bytes=256MiB -p "placement=$placement" \
    --repetitions 7 --warmup 1 --no-store --quiet --format json --server "$address" | python3 -c "
import json, sys
r = json.load(sys.stdin)
print([s['median'] for s in r['cases'][0]['summaries'] if s['name'] == 'steady.throughput_bytes_per_sec'][0])")")
done
e=$(printf '%s\n' "${embedded[@]}" | median); r=$(printf '%s\n' "${remote[@]}" | median)
echo "shm_posix 64KiB embedded vs ipclabd on loopback: $(awk -v a="$e" 'BEGIN{printf "%.2f", a/1e9}') vs $(awk -v a="$r" 'BEGIN{printf "%.2f", a/1e9}') GB/s, difference $(awk -v a="$e" -v b="$r" 'BEGIN{d=(b-a)/a*100; printf "%+.1f%%", d}') (goal within 3%)"

# 5. Idle ipclabd RSS (before its first run): <= 30 MiB.
echo "idle ipclabd VmRSS: $idle_rss (goal <= 30 MiB); after the runs: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$daemon/status)"
kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=
