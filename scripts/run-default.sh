#!/usr/bin/env bash
# Sets up, builds, and runs the default comparison on this host through the
# embedded server (no ipclabd needed). Extra arguments go to `ipclab run`
# (e.g. --brief, --detail, --wide, --format json).
#
# The build says what it is doing: on a terminal one line that counts the
# compiled files ("building ipclab: [412/655] 62%"), elsewhere a line per
# step from the build tool; the whole log is kept in $build/build.log and its
# end is shown if the build fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IPCLAB_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
mkdir -p "$build"
log="$build/build.log"
if [[ -x "$build/bin/ipclab" ]]; then
  echo "ipclab: bringing $build up to date ..." >&2
else
  echo "ipclab: building ipclab and ipclab-worker in $build (the first build takes about" \
    "10 minutes on 2 cores; later ones are quick)" >&2
fi
status=0
if [[ -t 2 ]]; then
  # "[12/655] Building CXX ..." (ninja) or "[ 12%] Building ..." (make):
  # one line that rewrites itself.
  "$root/scripts/build.sh" --target ipclab ipclab-worker 2>&1 | tee "$log" |
    while IFS= read -r line; do
      if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
        done_steps=${BASH_REMATCH[1]} all_steps=${BASH_REMATCH[2]}
        printf '\r\033[Kbuilding ipclab: [%s/%s] %d%%' "$done_steps" "$all_steps" \
          $((100 * done_steps / all_steps)) >&2
      elif [[ $line =~ ^\[\ *([0-9]+)%\] ]]; then
        printf '\r\033[Kbuilding ipclab: %s%%' "${BASH_REMATCH[1]}" >&2
      fi
    done || status=$?
  printf '\r\033[K' >&2
else
  "$root/scripts/build.sh" --target ipclab ipclab-worker 2>&1 | tee "$log" >&2 || status=$?
fi
if [[ $status -ne 0 ]]; then
  echo "ipclab: the build failed; the end of $log:" >&2
  tail -n 30 "$log" >&2
  exit "$status"
fi
echo "ipclab: built; running the default matrix (about a minute) ..." >&2
exec "$build/bin/ipclab" run --matrix default "$@"
