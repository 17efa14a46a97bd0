#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/ (committed; run this after a
# proto change). Binary protos are encoded from text with protoc; worker
# event streams are length-delimited WorkerEvents, as ipclab-worker writes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/fuzz/corpus
protos=$root/protos
encode() { protoc -I "$protos" --encode="ipclab.v1.$1" ipclab/v1/worker.proto; }
# A varint length prefix, then the message (like SerializeDelimitedTo...).
delimited() {
  python3 -c 'import sys
data = sys.stdin.buffer.read()
n = len(data); out = bytearray()
while True:
    b = n & 0x7f; n >>= 7
    out.append(b | (0x80 if n else 0))
    if not n: break
sys.stdout.buffer.write(bytes(out) + data)'
}

rm -rf "$corpus"
mkdir -p "$corpus"/{parse_size_fuzzer,params_fuzzer,run_request_fuzzer,worker_events_fuzzer}

i=0
for size in 0 4096 4KiB 64KiB 1MiB 1GiB 16EiB 1.5GiB 18446744073709551615 "  8 MiB" 1e3 -1 \
    4kib 0x10 1TiB 7MB; do
  printf '%s' "$size" > "$corpus/parse_size_fuzzer/seed-$((i++))"
done

# One byte choosing the parameter, then the value.
i=0
for value in 64KiB 1GiB true false stream pingpong futex hugetlb_1g same 0 999999999999 read_then_write; do
  printf "\\x$(printf %02x $((i * 7 % 256)))%s" "$value" > "$corpus/params_fuzzer/seed-$((i++))"
done

i=0
while IFS= read -r text; do
  printf '%s\n' "$text" | encode RunRequest > "$corpus/run_request_fuzzer/seed-$i"
  i=$((i + 1))
done <<'REQUESTS'
workload: "pipe"
workload: "pipe" params { key: "total_bytes" value: "64KiB" } repetitions: 1 warmup: 0
workload: "shm_posix" params { key: "ring_bytes" value: "1GiB" } params { key: "populate" value: "true" }
workload: "shm_sysv" sweeps { name: "message_size" values: "4KiB" values: "64KiB" } sweeps { name: "sync" values: "futex" values: "spin" }
workload: "mmap_file" params { key: "location" value: "disk" } min_time_seconds: 0.5
workload: "page_fault" params { key: "region_bytes" value: "20GiB" } params { key: "huge_pages" value: "hugetlb_1g" }
workload: "cow_private" params { key: "backing" value: "file" } sweeps { name: "write_bytes" values: "0" values: "4KiB" }
workload: "unix_socket" params { key: "mode" value: "pingpong" } label: "ci" verify: true
workload: "nope" params { key: "x" value: "y" }
REQUESTS

# Worker event streams: progress, repetitions (with phases and roles),
# then done or error; one cut mid-event.
phase='phases { name: "steady" wall_ns: 1000000 bytes: 65536 messages: 16 throughput_bytes_per_sec: 6.5e10 roles { role: "producer" counters { } memory_before { vm_rss_bytes: 4096 } memory_after { vm_rss_bytes: 8192 } cpus: 0 bytes: 65536 wall_ns: 900000 } roles { role: "consumer" cpus: 1 wall_ns: 950000 } max_release_skew_ns: 1000 } phases { name: "setup" wall_ns: 5000 } notes { key: "pipe_capacity_actual" value: "64KiB" }'
stream() {
  for event in "$@"; do printf '%s\n' "$event" | encode WorkerEvent | delimited; done
}
stream 'progress { case_index: 0 repetition: 0 warmup: true }' \
  "repetition { warmup: true $phase }" \
  'progress { case_index: 0 repetition: 0 }' \
  "repetition { repetition: 0 $phase }" \
  "repetition { repetition: 1 $phase }" \
  'done: true' > "$corpus/worker_events_fuzzer/seed-0"
stream 'progress { waiting: "another measurement holds the host lock" }' \
  'error { code: 9 message: "huge pages not reserved" }' > "$corpus/worker_events_fuzzer/seed-1"
stream 'error { code: 0 message: "" }' 'error { code: 99 message: "odd" }' \
  > "$corpus/worker_events_fuzzer/seed-2"
head -c 40 "$corpus/worker_events_fuzzer/seed-0" > "$corpus/worker_events_fuzzer/seed-3"
# The first byte of each stream input is the chunk size: prefix one.
for f in "$corpus"/worker_events_fuzzer/seed-*; do
  { printf '\x07'; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
done
echo "seeds: $(find "$corpus" -type f | wc -l) files in $corpus"
