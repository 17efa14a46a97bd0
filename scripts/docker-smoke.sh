#!/usr/bin/env bash
# Smoke test of the lab-machine image with Debian's podman (podman reads
# docker/Dockerfile like docker does; no Docker engine, no registry needed):
#
#   scripts/docker-smoke.sh            # setup (idempotent) + build image + run
#   scripts/docker-smoke.sh --setup    # only the setup: packages, containers.conf, base image
#
# Setup, done once per machine and skipped when already there (root needed):
#   - Debian packages podman, runc, debootstrap;
#   - /etc/containers/containers.conf, if absent: runtime runc and default
#     ulimits within this machine's hard limits (nofile 20000);
#   - a local debian:bookworm base image from debootstrap --variant=minbase
#     on the mirror the host's apt uses (no registry is reachable), cached:
#     skipped when `podman image exists debian:bookworm`.
# Then, with the binaries scripts/build.sh already built (no second compile):
# builds the image (--target runtime-prebuilt), starts it with the compose settings on
# a loopback port and a bearer token mounted where compose's secret lands
# (/run/secrets/ipclab-token; the image's command requires it), waits for
# `ipclab health` (no token: the health port is open), checks a call without
# the token is refused, runs a short workload of each transport through the
# host's CLI with --token-file, checks the host facts (in a container, cgroup
# memory limit, /dev/shm size) and the CPU set handling, runs a fleet run on
# the container plus two ipclabd's on the host (side by side), stops and
# removes everything and checks nothing is left. Exit 0 on success; 1 with
# "docker-smoke: FAIL: ..." otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${IPCLAB_BUILD_DIR:-$root/build}/bin
image=localhost/ipclab:smoke
name=ipclab-smoke-$$
shm_size=1g
memory=4g
memory_bytes=$((4 << 30))
shm_bytes=$((1 << 30))
t0=$(date +%s.%N)

say() { printf 'docker-smoke: %s\n' "$*" >&2; }
fail() { printf 'docker-smoke: FAIL: %s\n' "$*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}'; }
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

# ---------------------------------------------------------------- setup
setup_packages() {
  local missing=() package status
  for package in podman runc debootstrap; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

setup_containers_conf() {
  local conf=/etc/containers/containers.conf
  if [[ -f $conf ]]; then
    grep -q '^ *runtime *= *"runc"' "$conf" ||
      say "note: $conf exists without runtime = \"runc\"; left as it is"
    return 0
  fi
  say "writing $conf"
  $sudo mkdir -p /etc/containers
  # podman's default nofile (1048576) is above this machine's hard limit
  # (20000), and a container that cannot set it does not start.
  $sudo tee "$conf" >/dev/null <<'EOF'
# Written by ipclab scripts/docker-smoke.sh.
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
}

# The first bookworm (not -security) URI in the host's apt sources.
debian_mirror() {
  local file uri
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    uri=$(awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' "$file")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    uri=$(awk 'BEGIN { RS = "" } /Suites:[^\n]*bookworm( |\n|$)/ && !/bookworm-security/ {
             if (match($0, /URIs: *[^ \n]+/)) { s = substr($0, RSTART, RLENGTH); sub(/URIs: */, "", s); print s; exit } }' "$file")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  echo "http://deb.debian.org/debian"
}

setup_base_image() {
  if podman image exists debian:bookworm; then return 0; fi
  local mirror dir started
  mirror=$(debian_mirror)
  started=$(date +%s.%N)
  say "making the debian:bookworm base image with debootstrap from $mirror (once per machine)"
  dir=$(mktemp -d /var/tmp/ipclab-bookworm.XXXXXX)
  if ! $sudo debootstrap --variant=minbase bookworm "$dir" "$mirror" > "$dir.log" 2>&1; then
    tail -20 "$dir.log" >&2
    $sudo rm -rf "$dir" "$dir.log"
    fail "debootstrap bookworm from $mirror failed"
  fi
  # The image's apt uses the same mirror (and the security suite beside it).
  $sudo tar -C "$dir" -c . | podman import --change 'CMD ["/bin/bash"]' - debian:bookworm >/dev/null 2>&1 ||
    fail "podman import of the debootstrap tree failed"
  $sudo rm -rf "$dir" "$dir.log"
  say "base image debian:bookworm made in $(elapsed "$started")"
}

setup_packages
setup_containers_conf
setup_base_image
[[ "${1:-}" == "--setup" ]] && exit 0

# ---------------------------------------------------------------- build
for binary in ipclab ipclabd ipclab-worker; do
  [[ -x $bin/$binary ]] || fail "$bin/$binary missing: run scripts/build.sh first"
done
work=$(mktemp -d)
netns_before=$( (ls /run/netns 2>/dev/null || true) | wc -l)
volumes_before=$(podman volume ls -q | wc -l)
host_daemons=()  # pids of the fleet run's host-side ipclabd's
cleanup() {
  local pid
  for pid in "${host_daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${host_daemons[@]}"; do wait "$pid" 2>/dev/null || true; done
  podman rm -f -v "$name" >/dev/null 2>&1 || true
  podman rm -f -v "$name-cpuset" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -nE 's/^project\(ipclab VERSION ([0-9.]+).*/\1/p' "$root/CMakeLists.txt")
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
mkdir "$work/bin"
cp "$bin/ipclab" "$bin/ipclabd" "$bin/ipclab-worker" "$work/bin/"
started=$(date +%s.%N)
if ! podman build --format docker --pull=false -f "$root/docker/Dockerfile" -t "$image" \
    --target runtime-prebuilt --build-context "ipclab-bin=$work/bin" \
    --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    "$root" > "$work/build.log" 2>&1; then
  tail -30 "$work/build.log" >&2
  fail "podman build failed (log above)"
fi
say "image $image built in $(elapsed "$started") ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MiB", $1/1048576}'))"
label=$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}} {{index .Labels "org.opencontainers.image.revision"}}' "$image")
[[ "$label" == "$version $revision" ]] || fail "image labels say \"$label\", expected \"$version $revision\""
inside_version=$(podman run --rm --no-healthcheck "$image" ipclab --version)
[[ "$inside_version" == "ipclab $version" ]] || fail "ipclab --version in the image: \"$inside_version\""
user=$(podman run --rm --no-healthcheck "$image" id -un)
[[ "$user" == "ipclab" ]] || fail "the image runs as \"$user\", expected the non-root user ipclab"

# ---------------------------------------------------------------- run
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
health_port=$(free_port)
[[ "$port" != "$health_port" ]] || health_port=$(free_port)
# The settings of docker/compose.yaml. memlock: 1 GiB as there, unless this
# machine's hard limit is lower (raising it needs CAP_SYS_RESOURCE, which a
# sandboxed CI runner may not have).
memlock=$((1 << 30))
hard_kib=$(ulimit -Hl)
if [[ $hard_kib != unlimited && $((hard_kib * 1024)) -lt $memlock ]]; then
  memlock=$((hard_kib * 1024))
  say "memlock limited to this machine's hard limit, $hard_kib KiB (compose.yaml asks 1 GiB)"
fi
# Perf counters: Debian's containers-common seccomp profile lets
# perf_event_open through only with CAP_SYS_ADMIN (not CAP_PERFMON). Rather
# than SYS_ADMIN, use the same profile with perf_event_open allowed; the
# kernel's perf_event_paranoid still decides (<= 2: a process may count its
# own user-space events without any capability).
python3 - /usr/share/containers/seccomp.json "$work/seccomp.json" <<'EOF'
import json, sys
profile = json.load(open(sys.argv[1]))
for rule in profile["syscalls"]:
    if "perf_event_open" in rule["names"] and rule["action"] != "SCMP_ACT_ALLOW":
        rule["names"].remove("perf_event_open")
profile["syscalls"].append({"names": ["perf_event_open"], "action": "SCMP_ACT_ALLOW"})
json.dump(profile, open(sys.argv[2], "w"))
EOF
# The bearer token, where compose's `secrets:` puts it (a bind mount of the
# file, as compose does for a file secret); readable by the image's user.
token="$work/ipclab.token"
head -c 32 /dev/urandom | base64 > "$token"
if [[ $(id -u) -eq 0 ]]; then chown 7557:7557 "$token"; chmod 0400 "$token"; else chmod 0444 "$token"; fi
# Podman schedules HEALTHCHECKs with systemd timers; without systemd it logs
# errors but runs the container, and `podman healthcheck run` still works.
podman run -d --name "$name" \
  -v "$token:/run/secrets/ipclab-token:ro" \
  --shm-size="$shm_size" --memory="$memory" --pids-limit=4096 \
  --ulimit "memlock=$memlock:$memlock" --ulimit nofile=8192:16384 --ulimit nproc=32768:32768 \
  --cap-drop=ALL --cap-add=PERFMON --cap-add=SYS_NICE --security-opt=no-new-privileges \
  --security-opt "seccomp=$work/seccomp.json" \
  -p "127.0.0.1:$port:7557" -p "127.0.0.1:$health_port:7558" \
  "$image" > /dev/null 2> "$work/run.err" || { cat "$work/run.err" >&2; fail "podman run failed"; }
started=$(date +%s.%N)
healthy=0
for _ in $(seq 60); do
  if "$bin/ipclab" health --server "127.0.0.1:$health_port" --timeout 1 > "$work/health" 2>&1; then
    healthy=1; break
  fi
  [[ "$(podman inspect --format '{{.State.Running}}' "$name")" == "true" ]] ||
    { podman logs "$name" >&2; fail "the container exited before it was healthy"; }
  sleep 0.5
done
[[ $healthy == 1 ]] || { podman logs "$name" >&2; fail "ipclab health never said SERVING: $(cat "$work/health")"; }
say "healthy in $(elapsed "$started"): $(cat "$work/health")"
"$bin/ipclab" health --server "127.0.0.1:$port" >/dev/null || fail "the main port is not SERVING"
podman healthcheck run "$name" >/dev/null 2>&1 || fail "the image's HEALTHCHECK failed"
# The image's command requires the token: a call without it is refused.
if IPCLAB_TOKEN= "$bin/ipclab" list --server "127.0.0.1:$port" > /dev/null 2> "$work/anonymous.err"; then
  fail "the container served a call without the token"
fi
grep -qi "token\|unauthenticated" "$work/anonymous.err" ||
  fail "a call without the token failed for another reason: $(cat "$work/anonymous.err")"
say "token required on the main port: $(head -1 "$work/anonymous.err")"
ipclab_remote() { "$bin/ipclab" "$@" --token-file "$token"; }

ipclab_remote host --server "127.0.0.1:$port" > "$work/host.txt" || fail "ipclab host failed"
ipclab_remote host --server "127.0.0.1:$port" --format json > "$work/host.json" || fail "ipclab host --format json failed"
python3 - "$work/host.json" "$memory_bytes" "$shm_bytes" <<'EOF' || fail "host facts from the container are wrong (above)"
import json, sys
host = json.load(open(sys.argv[1]))
want_memory, want_shm = int(sys.argv[2]), int(sys.argv[3])
problems = []
if not host.get("inContainer"): problems.append("inContainer is not true")
if int(host.get("cgroupMemoryLimitBytes", 0)) != want_memory:
    problems.append(f"cgroupMemoryLimitBytes {host.get('cgroupMemoryLimitBytes')} != {want_memory}")
if int(host.get("devShmSizeBytes", 0)) != want_shm:
    problems.append(f"devShmSizeBytes {host.get('devShmSizeBytes')} != {want_shm}")
if not host.get("perfEventsAllowed"): problems.append("perf events not allowed with the perf seccomp profile")
thp = [s for s in host.get("hostSettings", []) if s["path"].endswith("transparent_hugepage/enabled")]
if not thp or thp[0].get("changeable"):
    problems.append(f"THP sysfs should be listed and not changeable: {thp}")
for p in problems: print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
say "ipclab host --server 127.0.0.1:$port:"
sed 's/^/    /' "$work/host.txt" >&2

# One short workload of each transport, through the host's CLI. placement=cross
# when the container may use 2 CPUs: pinning must land on allowed CPUs.
allowed=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("allowedCpus", [])))' "$work/host.json")
placement=none
[[ $allowed -ge 2 ]] && placement=cross
for transport in pipe unix_socket shm_posix shm_sysv mmap_file; do
  started=$(date +%s.%N)
  params=(-p message_size=64KiB -p total_bytes=8MiB -p "placement=$placement")
  [[ $transport == shm_* || $transport == mmap_file ]] && params+=(-p ring_bytes=256KiB)
  if ! ipclab_remote run "$transport" "${params[@]}" --repetitions 2 --warmup 0 --quiet \
      --server "127.0.0.1:$port" --no-store --format json > "$work/$transport.json" 2> "$work/$transport.err"; then
    cat "$work/$transport.err" >&2
    fail "ipclab run $transport through the container failed"
  fi
  summary=$(python3 - "$work/$transport.json" "$memory_bytes" "$shm_bytes" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))
host = run["host"]
assert run.get("status") in ("RUN_STATUS_OK", "OK", "SUCCEEDED", "RUN_STATUS_SUCCEEDED") or not run.get("error"), run.get("error")
assert host.get("inContainer"), "result host.inContainer is not true"
assert int(host["cgroupMemoryLimitBytes"]) == int(sys.argv[2]), "result cgroup limit"
assert int(host["devShmSizeBytes"]) == int(sys.argv[3]), "result /dev/shm size"
allowed = set(host.get("allowedCpus", []))
rates, cpus = [], set()
for case in run["cases"]:
    for s in case.get("summaries", []):
        if s["name"] == "steady.throughput_bytes_per_sec": rates.append(float(s["median"]))
    for rep in case.get("repetitions", []):
        for role in rep.get("placement", {}).get("roles", []):
            cpu = role.get("pinnedCpu", 0)  # proto3 JSON omits 0; -1: not pinned
            if rep["placement"].get("requested", "none") != "none" and cpu >= 0: cpus.add(cpu)
assert rates, "no steady throughput in the result"
assert cpus <= allowed, f"pinned to {sorted(cpus)}, allowed {sorted(allowed)}"
print(f"{rates[0]/1e9:.2f} GB/s, status {run.get('status')}, pinned {sorted(cpus) or '-'}")
EOF
  ) || fail "the $transport result is wrong (above)"
  say "$(printf '%-12s' "$transport") $summary ($(elapsed "$started"))"
done

# Nothing of the runs is left in the container's IPC namespace.
leftover=$(podman exec "$name" sh -c 'ls -A /dev/shm; tail -n +2 /proc/sysvipc/shm')
[[ -z "$leftover" ]] || fail "left in the container's /dev/shm or SysV: $leftover"

# A fleet run: the container and two ipclabd's on the host, the same request
# on each at once, side by side. The container is named through --fleet
# dns:///localhost:PORT (every address the name resolves to) and is the
# reference, the host ones come with --server; the one token is accepted by
# all three.
for n in 1 2; do
  "$bin/ipclabd" --listen 127.0.0.1:0 --auth-token-file "$token" > "$work/host-ipclabd-$n.out" 2>&1 &
  host_daemons+=($!)
done
fleet_servers=()
for i in 0 1; do
  for _ in $(seq 100); do
    grep -q "listening on" "$work/host-ipclabd-$((i + 1)).out" 2>/dev/null && break
    sleep 0.1
  done
  address=$(sed -nE 's/^ipclabd listening on (127\.0\.0\.1:[0-9]+)$/\1/p' "$work/host-ipclabd-$((i + 1)).out")
  [[ -n $address ]] || fail "host-side ipclabd $((i + 1)) did not start: $(cat "$work/host-ipclabd-$((i + 1)).out")"
  fleet_servers+=(--server "$address")
done
started=$(date +%s.%N)
if ! ipclab_remote run pipe -p message_size=64KiB -p total_bytes=16MiB -p "placement=$placement" \
    --repetitions 3 --warmup 0 --fleet "dns:///localhost:$port" "${fleet_servers[@]}" \
    --reference-host "127.0.0.1:$port" \
    --no-store > "$work/fleet.txt" 2> "$work/fleet.err"; then
  cat "$work/fleet.txt" "$work/fleet.err" >&2
  fail "the fleet run failed"
fi
grep -q "3 hosts, reference 127.0.0.1:$port" "$work/fleet.txt" &&
  grep -q "container: .*yes (podman)" "$work/fleet.txt" &&
  grep -Eq "throughput .* (better|worse|same|noisy)" "$work/fleet.txt" ||
  { cat "$work/fleet.txt" >&2; fail "the fleet table lacks the hosts, the container difference or the changes"; }
say "fleet run on 3 hosts in $(elapsed "$started"):"
sed 's/^/    /' "$work/fleet.err" "$work/fleet.txt" >&2
for pid in "${host_daemons[@]}"; do kill -TERM "$pid"; done
for pid in "${host_daemons[@]}"; do
  wait "$pid" || fail "a host-side ipclabd exited $? on SIGTERM"
done
host_daemons=()

# --cpuset-cpus does not renumber CPUs: with only the last CPU allowed,
# placement=same pins there (an embedded run inside a second container).
last_cpu=$(( $(nproc) - 1 ))
if [[ $last_cpu -ge 1 ]]; then
  podman run --rm --no-healthcheck --name "$name-cpuset" --cpuset-cpus="$last_cpu" --shm-size="$shm_size" \
    "$image" ipclab run pipe -p message_size=64KiB -p total_bytes=4MiB -p placement=same \
    --repetitions 1 --warmup 0 --quiet --no-store --format json > "$work/cpuset.json" 2> "$work/cpuset.err" ||
    { cat "$work/cpuset.err" >&2; fail "embedded run with --cpuset-cpus=$last_cpu failed"; }
  python3 - "$work/cpuset.json" "$last_cpu" <<'EOF' || fail "CPU pinning ignored the container's cpuset (above)"
import json, sys
run, cpu = json.load(open(sys.argv[1])), int(sys.argv[2])
allowed = run["host"].get("allowedCpus", [])
pinned = {r.get("pinnedCpu", 0) for rep in run["cases"][0]["repetitions"] for r in rep["placement"]["roles"]}
ok = allowed == [cpu] and pinned == {cpu}
print(f"  allowed {allowed}, pinned {sorted(pinned)}, expected {cpu}", file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
  say "--cpuset-cpus=$last_cpu: allowed [$last_cpu], placement=same pinned to CPU $last_cpu"
fi

# ---------------------------------------------------------------- stop
started=$(date +%s.%N)
podman stop -t 10 "$name" > /dev/null 2>> "$work/run.err" || fail "podman stop failed"
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
[[ "$code" == "0" ]] || { podman logs "$name" >&2; fail "ipclabd exited $code on SIGTERM (expected 0)"; }
podman logs "$name" 2>&1 | grep -q "TERM received, shutting down" ||
  fail "ipclabd did not log a graceful SIGTERM shutdown"
podman rm -v "$name" > /dev/null 2>> "$work/run.err" || fail "podman rm failed"
say "stopped (exit 0) and removed in $(elapsed "$started")"

[[ -z "$(podman ps -a --filter "name=^$name" --format '{{.Names}}')" ]] || fail "a container is left"
"$bin/ipclab" health --server "127.0.0.1:$health_port" --timeout 1 >/dev/null 2>&1 &&
  fail "something still answers on 127.0.0.1:$health_port"
netns_after=$( (ls /run/netns 2>/dev/null || true) | wc -l)
[[ $netns_after -le $netns_before ]] || fail "a network namespace is left ($netns_before before, $netns_after after)"
[[ $(podman volume ls -q | wc -l) -le $volumes_before ]] || fail "a volume is left (the results VOLUME)"
for server in "${fleet_servers[@]}"; do
  [[ $server == --server ]] && continue
  "$bin/ipclab" health --server "$server" --timeout 1 >/dev/null 2>&1 &&
    fail "a host-side ipclabd still answers on $server"
done
say "nothing left: no container, no volume, no port, no network namespace, no host-side ipclabd (its /dev/shm and IPC namespace went with it)"
say "PASS in $(elapsed "$t0")"
