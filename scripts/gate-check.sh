#!/usr/bin/env bash
# The acceptance experiment of issue 9 on this machine (docs/GATE.md):
#   A/A  10 pairs of identical runs of pipe and shm_posix (message_size 64KiB,1MiB
#        x placement same,cross, default repetitions), gated pairwise: failures
#        expected 0;
#   A/B  pipe -p total_bytes=256MiB against the same with -p pipe_capacity=4KiB:
#        exit 1 with all four cases failing, expected every time;
#   matrix  two default matrices tagged m=a/m=b, gated by tag: every case of
#        every run in the verdict table.
# Uses a private database and the embedded server; leaves nothing behind.
# Options: PAIRS=10 (A/A pairs per workload), AB=3 (A/B repeats).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ipclab=${IPCLAB:-$root/build/bin/ipclab}
pairs=${PAIRS:-10}
ab_repeats=${AB:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-gate-check-XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/results.db
sweeps=(--sweep message_size=64KiB,1MiB --sweep placement=same,cross)
echo "gate-check: $(uptime | sed 's/.*load/load/'); ipclab $("$ipclab" --version)"

run() { "$ipclab" run "$@" --db "$db" --quiet --format json >/dev/null; }

for workload in pipe shm_posix; do
  fail=0 pass=0 inconclusive=0
  for i in $(seq "$pairs"); do
    run "$workload" "${sweeps[@]}" --tag "aa=$workload-$i-a" || exit 4
    run "$workload" "${sweeps[@]}" --tag "aa=$workload-$i-b" || exit 4
    "$ipclab" gate --db "$db" --baseline "tag:aa=$workload-$i-a" \
      --candidate "tag:aa=$workload-$i-b" --markdown "$work/aa.md" >/dev/null
    case $? in
      0) pass=$((pass + 1)) ;;
      1) fail=$((fail + 1)); grep -E '\*\*FAIL\*\*' "$work/aa.md" | sed 's/^/    /' ;;
      3) inconclusive=$((inconclusive + 1)) ;;
      *) echo "gate-check: gate error"; exit 4 ;;
    esac
  done
  echo "A/A $workload: $pairs pairs: $fail failed, $inconclusive inconclusive, $pass passed (expected 0 failed)"
done

ab_ok=0
for i in $(seq "$ab_repeats"); do
  run pipe "${sweeps[@]}" -p total_bytes=256MiB --tag "ab=$i-base" || exit 4
  run pipe "${sweeps[@]}" -p total_bytes=256MiB -p pipe_capacity=4KiB --tag "ab=$i-cand" || exit 4
  "$ipclab" gate --db "$db" --baseline "tag:ab=$i-base" --candidate "tag:ab=$i-cand" \
    --metric throughput --markdown "$work/ab.md" >/dev/null
  code=$?
  failed_cases=$(grep -c '\*\*FAIL\*\*' "$work/ab.md")
  echo "A/B $i: exit $code, $failed_cases of 4 throughput checks failed"
  [[ $code == 1 && $failed_cases == 4 ]] && ab_ok=$((ab_ok + 1))
done
echo "A/B: $ab_ok of $ab_repeats as expected (exit 1, 4 of 4 failing)"

run --matrix default --tag m=a || exit 4
run --matrix default --tag m=b || exit 4
"$ipclab" gate --db "$db" --baseline tag:m=a --candidate tag:m=b --markdown "$work/m.md" >/dev/null
code=$?
runs=$("$ipclab" results list --db "$db" --filter tag:m=a --format json | grep -o "\"runId\"" | wc -l)
cases=$(grep -c '^| ' "$work/m.md")
"$ipclab" compare --db "$db" tag:m=a tag:m=b --format json > "$work/m.json" || exit 4
worse=$(grep -o '"verdict": *"worse"' "$work/m.json" | wc -l)
better=$(grep -o '"verdict": *"better"' "$work/m.json" | wc -l)
noisy=$(grep -o '"verdict": *"noisy"' "$work/m.json" | wc -l)
echo "matrix A/A compare: $worse worse, $better better, $noisy noisy (expected 0 worse, 0 better)"
echo "matrix: $runs runs per side; gate exit $code; $(grep -o '[0-9]* failed, [0-9]* inconclusive, [0-9]* passed' "$work/m.md" | head -1) (table rows incl. headers: $cases)"
grep -E '\*\*FAIL\*\*|\| inconclusive \|' "$work/m.md" | sed 's/^/    /'

