#!/usr/bin/env bash
# Sets up, builds, and runs the default comparison on this host through the
# embedded server (no ipclabd needed). Extra arguments go to `ipclab run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" --target ipclab ipclab-worker >/dev/null
exec "${IPCLAB_BUILD_DIR:-$root/build}/bin/ipclab" run --matrix default "$@"
