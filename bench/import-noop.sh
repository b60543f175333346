#!/usr/bin/env bash
# Benchmark of import_users' no-op run on a large host (default 10,000 managed accounts), against moto on 127.0.0.1.
#
# Usage: bench/import-noop.sh [--no-build] [USERS]     (USERS: IAM users in the authorized group, default 10000)
#
# Runs itself inside scripts/sandbox (the whole-root overlay: no account, /etc or /var change reaches the machine).
# Setup, not measured: USERS IAM users in moto in bench-users (IAM_AUTHORIZED_GROUPS), every tenth also in bench-sudo
# (SUDOERS_GROUPS), LOCAL_GROUPS="bench-local", the default marker group; then one first import with
# USERADD_PROGRAM set to a stand-in (bench/support/useradd-standin.c, compiled here: it appends the passwd and
# shadow lines and the group memberships as useradd would, without homes) and USERADD_ARGS="--shell /bin/bash" (no
# --user-group, so no groupadd either): real useradd takes over 15 minutes for 10,000 accounts here, and fails past
# about 9,155 on Debian's default subordinate-ID ranges (bench/README.md). Sudoers files are written and checked by
# the real visudo. The no-op runs then measure the real code paths on that host:
#   - wall time (several runs, the best and the median) and peak RSS (/usr/bin/time -v);
#   - AWS requests and client connections (scripts/fault-proxy.py counts them);
#   - files changed under /etc, /home and STATE_DIR other than last-run.json (find -newer), and the system calls
#     that write or replace files (strace -f -c: write, rename, unlink, openat with O_CREAT on files other than
#     last-run.json are listed) and processes started (execve), in one more run under strace.
# Each binary is measured four ways: full no-op runs (SKIP_UNCHANGED_RUNS=0) and unchanged ones (the default, after one
# run that records the digest of its inputs), each against moto and against bench/support/replay-proxy.py, which
# replays IAM's answers fetched from moto once (import_users' own wall time, without moto's 0.7 s or more per
# 10,000-member GetGroup); the strace run says whether planning was skipped.
# The binary measured is the release build; BENCH_IMPORT_USERS="PATH..." measures others on the same host, one after
# the other (the first also makes the first import). BENCH_PERF=1 adds a perf profile of one no-op run of each. Needs root, /usr/bin/time, strace, cc and the project's .venv/. Talks to 127.0.0.1 only.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/toolchain.sh
source "$repo/scripts/toolchain.sh"
use_venv
# shellcheck source=SCRIPTDIR/lib.sh
source "$repo/bench/lib.sh"
build=1
if [[ ${1:-} == --no-build ]]; then
    build=0
    shift
fi
users=${1:-10000}
[[ $users =~ ^[1-9][0-9]*$ ]] || { echo "bench: USERS must be a positive number, not '$users'" >&2; exit 64; }
bench_sandbox "$build" import_users "$0" "$users"

read -ra binaries <<<"${BENCH_IMPORT_USERS:-$repo/.build/release/import_users}"
for bin in "${binaries[@]}"; do
    [[ -x $bin ]] || { echo "bench: $bin is not an executable; build first (or drop --no-build)" >&2; exit 1; }
done
bin=${binaries[0]}
for tool in /usr/bin/time strace cc; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install time strace gcc)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench-noop.XXXXXX)
cc -O2 -o "$work/useradd-standin" "$repo/bench/support/useradd-standin.c"
bench_aws "$work"
trap bench_stop EXIT

echo "seeding moto with $users IAM users..." >&2
bench_seed_iam "$users"

groupadd bench-local
install -d -m 0755 /var/lib/aws-ec2-ssh
bench_config "$work/import.conf" "IAM_AUTHORIZED_GROUPS=\"bench-users\"
SUDOERS_GROUPS=\"bench-sudo\"
LOCAL_GROUPS=\"bench-local\"
USERADD_PROGRAM=\"$work/useradd-standin\"
USERADD_ARGS=\"--shell /bin/bash\""

echo "first import with the useradd stand-in (setup, not measured)..." >&2
start=$EPOCHREALTIME
"$bin" --config "$work/import.conf" >"$work/first.out" 2>"$work/first.err" ||
    { echo "bench: the first import failed:" >&2; grep -m5 "error" "$work/first.err" >&2; tail -3 "$work/first.err" >&2; exit 1; }
echo "  $(python3 -c "print(f'{$EPOCHREALTIME - $start:.1f} s')")" >&2
[[ $(grep -c '^bench[0-9]' /etc/passwd) == "$users" ]] ||
    { echo "bench: the first import did not create $users accounts" >&2; exit 1; }

stats() { curl -s "$EC2SSH_TEST_FAULT_URL/__stats__"; }
runs=7
measure() { # measure BINARY LABEL CONFIG: the no-op figures of BINARY with CONFIG on this host
    local bin=$1 out=$work/$2 conf=$3 i start
    mkdir -p "$out"
    echo "no-op runs of $bin, $2 ($runs)..." >&2
    touch "$out/noop.mark"
    stats >"$out/stats.before"
    : >"$out/times"
    for ((i = 0; i < runs; i++)); do
        start=$EPOCHREALTIME
        /usr/bin/time -v -o "$out/time.$i" "$bin" --config "$conf" >/dev/null 2>"$out/noop.err" ||
            { echo "bench: a no-op run failed:" >&2; tail -5 "$out/noop.err" >&2; exit 1; }
        python3 -c "print($EPOCHREALTIME - $start)" >>"$out/times"
    done
    stats >"$out/stats.after"
    find /etc /home /var/lib/aws-ec2-ssh -newer "$out/noop.mark" ! -name last-run.json ! -type d >"$out/changed"
    strace -f -qq -e trace=execve,rename,renameat,renameat2,unlink,unlinkat,openat -e signal=none \
        -o "$out/strace" "$bin" --config "$conf" --verbose >/dev/null 2>"$out/strace.err"
    grep -q "planning skipped" "$out/strace.err" && skipped=yes || skipped=no
    python3 - "$out" "$users" "$runs" "$bin" "$2" "$skipped" <<'PY'
import json, os, re, statistics, sys
out, users, runs, binary, label, skipped = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
def read(name): return open(os.path.join(out, name)).read()
times = sorted(float(x) for x in read("times").split())
def field(i, name): return re.search(name + r": ([0-9.:]+)", read(f"time.{i}")).group(1)
rss = [int(field(i, r"Maximum resident set size \(kbytes\)")) for i in range(runs)]
cpu = sorted(float(field(i, r"User time \(seconds\)")) + float(field(i, r"System time \(seconds\)")) for i in range(runs))
before, after = json.loads(read("stats.before")), json.loads(read("stats.after"))
requests = (after["requests"] - before["requests"]) / runs
connections = (after["connections"] - before["connections"] - 1) / runs  # the last /__stats__ call is one
trace = read("strace").splitlines()
execs = sum(1 for line in trace if "execve(" in line) - 1
writes = [line for line in trace
          if re.search(r"\b(rename|renameat2?|unlink|unlinkat)\(", line)
          or (re.search(r"openat\(.*O_(WRONLY|RDWR|CREAT)", line) and "= -1" not in line)]
writes = [line for line in writes if "last-run.json" not in line and "import_users.lock" not in line]
changed = read("changed").split()
print(f"import_users no-op run, {users} managed accounts (10 % sudoers, LOCAL_GROUPS, marker group), "
      f"{os.cpu_count()} CPU(s), load average {open('/proc/loadavg').read().split()[0]}")
print(f"binary: {binary}; {label}; planning skipped (unchanged inputs): {skipped}")
print(f"wall time: best {times[0]:.3f} s, median {statistics.median(times):.3f} s, worst {times[-1]:.3f} s ({runs} runs)")
print(f"CPU time (user + system): best {cpu[0]:.2f} s, median {statistics.median(cpu):.2f} s")
print(f"peak RSS: max {max(rss) / 1024:.1f} MB")
print(f"AWS requests per run: {requests:g} on {connections:g} connection(s)")
print(f"processes started: {execs}")
print(f"files changed (find -newer, other than last-run.json): {len(changed)}" + (f": {changed[:5]}" if changed else ""))
print(f"file writes, renames, unlinks (strace, other than last-run.json and the lock): {len(writes)}")
for line in writes[:10]:
    print("  " + line)
PY
    if [[ -n ${BENCH_PERF:-} ]] && command -v perf >/dev/null; then
        perf record -q -F 1999 -g -o "$out/perf.data" "$bin" --config "$conf" >/dev/null 2>&1
        echo "where the time goes (perf, self time by symbol):"
        perf report -i "$out/perf.data" --stdio --no-children --sort sym --percent-limit 1 -g none 2>/dev/null |
            grep '%' | head -20 | swift demangle --simplified 2>/dev/null | cut -c1-160
        echo "the product's own functions, time including callees (perf --children):"
        perf report -i "$out/perf.data" --stdio --children --sort sym --percent-limit 2 -g none 2>/dev/null |
            grep '%' | swift demangle --simplified 2>/dev/null |
            grep -E 'ImportUsers|EC2SSHCore|EC2SSHSystem|AWSCore|EC2SSHShared|JSON|main' | head -40 | cut -c1-200
    fi
    echo
}
# The runs below: "full" plans every time (SKIP_UNCHANGED_RUNS=0); "unchanged" is the default, after one run that
# records the digest of its inputs (files must be 2 s old for their identity to count: hence the sleep); "replay"
# serves IAM's answers from bench/support/replay-proxy.py, which fetched them from moto once, so the wall time is
# import_users' own (moto needs about 0.7 s to build a 10,000-member GetGroup answer; real IAM pages it by 1,000).
replay_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$repo/bench/support/replay-proxy.py" "$replay_port" "$EC2SSH_TEST_FAULT_URL" &
replay_pid=$!
trap 'kill $replay_pid 2>/dev/null || true; bench_stop' EXIT
sed -e "s|^AWS_ENDPOINT_URL=.*|AWS_ENDPOINT_URL=\"http://127.0.0.1:$replay_port\"|" "$work/import.conf" \
    >"$work/replay.conf"
{ cat "$work/import.conf"; echo 'SKIP_UNCHANGED_RUNS="0"'; } >"$work/full.conf"
{ cat "$work/replay.conf"; echo 'SKIP_UNCHANGED_RUNS="0"'; } >"$work/replay-full.conf"
chmod 0600 "$work"/*.conf
sleep 3
for bin in "${binaries[@]}"; do
    label=$(basename "$bin")
    measure "$bin" "$label-full-moto" "$work/full.conf"
    for conf in import replay; do
        rm -f /var/lib/aws-ec2-ssh/unchanged-run.json
        # perf record (BENCH_PERF) hard-links the binary into its build-id cache, which changes the binary's ctime;
        # an input changed less than 2 s before a run is not trusted, so wait.
        sleep 2.2
        # records (and warms the replay proxy)
        "$bin" --config "$work/$conf.conf" --verbose >/dev/null 2>"$work/record-$conf.err"
        [[ -f /var/lib/aws-ec2-ssh/unchanged-run.json ]] ||
            echo "bench: no unchanged-run.json after a clean run: $(grep 'not recorded' "$work/record-$conf.err")" >&2
        measure "$bin" "$label-unchanged-${conf/import/moto}" "$work/$conf.conf"
    done
    measure "$bin" "$label-full-replay" "$work/replay-full.conf"
done
