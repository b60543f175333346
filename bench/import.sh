#!/usr/bin/env bash
# Benchmark of import_users at scale: first import, no-op run and the bare-useradd floor, against moto on 127.0.0.1.
#
# Usage: bench/import.sh [--no-build] [--floor-only | --import-only] [USERS]     (USERS: IAM users in the authorized group, default 1000)
#   --floor-only: only the USERS plain useradd calls of step 1 below (no moto, no import_users), with the time per
#                 call for each tenth; for a USERS too large for the whole benchmark.
#   --import-only: only steps 2 and 3 (the first import and the no-op runs), printed as one line with the csv line;
#                 with --floor-only, the two halves of the figures at a USERS too large for the whole benchmark.
#
# Runs itself inside scripts/sandbox (the whole-root overlay: the accounts, homes, /etc and /var changes never reach
# the machine). Setup: USERS IAM users in the authorized group bench-users (IAM_AUTHORIZED_GROUPS), every tenth also
# in bench-sudo (SUDOERS_GROUPS: 10 % sudoers), LOCAL_GROUPS="bench-local", the default marker group and useradd
# arguments. The IAM users are created in moto first, through boto3 with concurrent requests; that seeding is timed
# and reported apart, never counted in the figures. Then, in this order:
#   1. the floor: USERS plain `useradd --user-group --create-home -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -- NAME`
#      calls with the same names, one after the other, timed (total, and per call for the first and the last tenth:
#      useradd rewrites the four account files, so it slows down as they grow); then the same with the arguments
#      import_users gives useradd (the default USERADD_ARGS, the same -K options, as SUBORDINATE_IDS=0 gives them,
#      plus `--groups MARKER,LOCAL_GROUPS`). No subordinate UID/GID ranges in either: with them Debian's useradd
#      fails past about 9,155 accounts. After each, the account files, homes and state are put back as before;
#   2. the first import (wall time; peak RSS with /usr/bin/time -v; AWS requests and connections at the fault
#      proxy); 3. a no-op run right after (the same, plus files changed under /etc, /home and STATE_DIR other than
#      last-run.json, and processes started, counted with strace -f -e trace=execve in one more no-op run); that run
#      plans in full (the files changed less than 2 s before it); then, 2.2 s later, one run that records the
#      digest of its inputs (SKIP_UNCHANGED_RUNS) and a timed "unchanged" no-op run, which stops after reading IAM;
#   4. after another reset, the first import again (the timed run) with a timing shim in place of useradd,
#      groupadd, usermod, gpasswd, visudo and userdel (import_users runs them by absolute path, so a copy of the
#      shim, a small C program compiled here, replaces each program inside the sandbox): each process started
#      appends its name and elapsed time (fork to exit) to a log. That gives the processes per account and the time
#      in each program; the time in import_users' own code is the timed run's wall time minus the time spent in
#      those programs (it includes the shims' own exec, a fraction of a millisecond each), and its CPU time, without
#      its children's, comes from `perf stat --no-inherit -e task-clock` when perf is installed. The programs are
#      also summed by step: account creation (useradd), group changes (groupadd, usermod, gpasswd), sudoers checks
#      (visudo) and deletions (userdel), each with its processes and time per account.
# The last line printed, "csv: users,first_s,noop_s,unchanged_s,floor_s,floor_import_s", is what bench/plot.sh keeps
# (nothing written inside the sandbox reaches the machine, the repository included).
# The binary measured is the release build (swift build -c release --static-swift-stdlib, as scripts/build-release
# builds it); BENCH_ACCOUNT_BACKEND=batch measures import_users with ACCOUNT_BACKEND=batch (the floor stays plain
# useradd); BENCH_SUB_ID_MAX=N sets SUB_UID_MAX and SUB_GID_MAX of the sandbox's /etc/login.defs (with
# SUBORDINATE_IDS=1, Debian's default has ranges for about 9,155 users only); BENCH_IMPORT_USERS=PATH measures
# another one (for example a debug build or an older commit's).
# Needs root, /usr/bin/time (apt-get install time), strace, a C compiler (cc), and the project's .venv/ (moto, boto3:
# scripts/install-deps). Talks to 127.0.0.1 only.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/toolchain.sh
source "$repo/scripts/toolchain.sh"
use_venv
# shellcheck source=SCRIPTDIR/lib.sh
source "$repo/bench/lib.sh"
build=1
floor_only=
import_only=
while [[ ${1:-} == --* ]]; do
    case $1 in
    --no-build) build=0 ;;
    --floor-only) floor_only=--floor-only ;;
    --import-only) import_only=--import-only ;;
    *) echo "bench: unknown option $1; usage: bench/import.sh [--no-build] [--floor-only | --import-only] [USERS]" >&2; exit 64 ;;
    esac
    shift
done
users=${1:-1000}
[[ $users =~ ^[1-9][0-9]*$ ]] || { echo "bench: USERS must be a positive number, not '$users'" >&2; exit 64; }
bench_sandbox "$build" import_users "$0" ${floor_only:+"$floor_only"} ${import_only:+"$import_only"} "$users"

# micros START END: microseconds between two $EPOCHREALTIME values (always six decimals), without a process.
micros() { echo $((${2/./} - ${1/./})); }

# floor_calls USERADD_ARGS...: USERS useradd calls one after the other with the benchmark's names (bench00000...);
# prints each call's time in microseconds, one a line.
floor_calls() {
    local user i call
    for ((i = 0; i < users; i++)); do
        printf -v user 'bench%05d' "$i"
        call=$EPOCHREALTIME
        useradd "$@" -- "$user"
        micros "$call" "$EPOCHREALTIME"
    done
}

# useradd's options for no subordinate UID/GID ranges, as import_users gives them by default (SUBORDINATE_IDS=0).
no_subids=(-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0)
if [[ -n $floor_only ]]; then
    echo "floor only: $users plain useradd --user-group --create-home (no subordinate IDs) calls, $(nproc) CPU(s)..." >&2
    start=$EPOCHREALTIME
    floor_calls --user-group --create-home "${no_subids[@]}" >/tmp/floor.calls
    total=$(micros "$start" "$EPOCHREALTIME")
    python3 - "$users" "$total" /tmp/floor.calls <<'PY'
import sys
users, total = int(sys.argv[1]), int(sys.argv[2])
calls = [int(x) for x in open(sys.argv[3]).read().split()]
tenth = max(1, users // 10)
print(f"bare-useradd floor, {users} calls: {total / 1e6:.1f} s, {total / users / 1000:.2f} ms per call; "
      + ", ".join(f"tenth {t + 1}: {sum(calls[t * tenth:(t + 1) * tenth]) / tenth / 1000:.2f} ms"
                  for t in range(min(10, users // tenth))))
PY
    exit 0
fi

bin=${BENCH_IMPORT_USERS:-$repo/.build/release/import_users}
[[ -x $bin ]] || { echo "bench: $bin is not an executable; build first (or drop --no-build)" >&2; exit 1; }
for tool in /usr/bin/time strace cc; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install time strace gcc)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench-import.XXXXXX)
bench_aws "$work"
trap bench_stop EXIT

echo "seeding moto with $users IAM users..." >&2
start=$EPOCHREALTIME
bench_seed_iam "$users"
seed_us=$(micros "$start" "$EPOCHREALTIME")

groupadd bench-local
if [[ -n ${BENCH_SUB_ID_MAX:-} ]]; then
    sed -i -E "s/^(SUB_[UG]ID_MAX)[[:space:]].*/\1 $BENCH_SUB_ID_MAX/" /etc/login.defs
fi
install -d -m 0755 /var/lib/aws-ec2-ssh
bench_config "$work/import.conf" 'IAM_AUTHORIZED_GROUPS="bench-users"
SUDOERS_GROUPS="bench-sudo"
LOCAL_GROUPS="bench-local"'
[[ -z ${BENCH_ACCOUNT_BACKEND:-} ]] || echo "ACCOUNT_BACKEND=\"$BENCH_ACCOUNT_BACKEND\"" >>"$work/import.conf"

# The account files and directories as before any account: reset puts them back between the phases.
mkdir "$work/etc"
cp -a /etc/passwd /etc/shadow /etc/group /etc/gshadow "$work/etc/"
reset_accounts() {
    cp -a "$work"/etc/* /etc/
    rm -f /etc/sudoers.d/aws-ec2-ssh-*
    find /home -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    rm -rf /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh
    install -d -m 0755 /var/lib/aws-ec2-ssh
}

# timed NAME ARGS...: run import_users ARGS under /usr/bin/time -v; WORK/NAME.{us,rss,rc,out,err} keep the wall time
# (microseconds), the peak RSS (kB), the exit status, stdout and stderr; WORK/NAME.stats the proxy's request and
# connection counters before and after.
# wrap: a command line that runs import_users (perf stat for the timed run), empty otherwise.
stats() { curl -s "$EC2SSH_TEST_FAULT_URL/__stats__"; }
wrap=()
timed() {
    local name=$1 start end rc=0
    shift
    stats >"$work/$name.stats"
    start=$EPOCHREALTIME
    /usr/bin/time -v -o "$work/$name.time" "${wrap[@]}" "$bin" --config "$work/import.conf" "$@" >"$work/$name.out" \
        2>"$work/$name.err" || rc=$?
    end=$EPOCHREALTIME
    { echo; stats; } >>"$work/$name.stats"
    micros "$start" "$end" >"$work/$name.us"
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/$name.time" >"$work/$name.rss"
    echo "$rc" >"$work/$name.rc"
    [[ $rc == 0 ]] || { echo "bench: import_users $* exited $rc:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
}

# floor NAME USERADD_ARGS...: USERS useradd calls one after the other with the benchmark's names; WORK/NAME.us keeps
# the total and WORK/NAME.calls each call (microseconds). Then the accounts are reset.
floor() {
    local name=$1 start
    shift
    start=$EPOCHREALTIME
    floor_calls "$@" >"$work/$name.calls"
    micros "$start" "$EPOCHREALTIME" >"$work/$name.us"
    reset_accounts
}
if [[ -z $import_only ]]; then
echo "floor: $users plain useradd calls, then $users as import_users runs them..." >&2
floor floor --user-group --create-home "${no_subids[@]}"
groupadd iam-synced-users
floor floor-import --user-group --create-home --shell /bin/bash "${no_subids[@]}" --groups iam-synced-users,bench-local
fi

echo "first import and no-op run..." >&2
timed first
[[ $(grep -c '^bench[0-9]' /etc/passwd) == "$users" ]] || { echo "bench: the first import did not create $users accounts" >&2; exit 1; }
touch "$work/noop.mark"
timed noop
find /etc /home /var/lib/aws-ec2-ssh -newer "$work/noop.mark" ! -name last-run.json ! -type d | wc -l \
    >"$work/noop.writes"
strace -f -qq -e trace=execve -e signal=none -o "$work/noop.strace" \
    "$bin" --config "$work/import.conf" >/dev/null 2>&1
# Every execve but import_users' own.
echo $(($(grep -c 'execve(' "$work/noop.strace") - 1)) >"$work/noop.execs"
sleep 2.2
"$bin" --config "$work/import.conf" >/dev/null 2>&1  # records the digest of its inputs
[[ -f /var/lib/aws-ec2-ssh/unchanged-run.json ]] || echo "bench: no unchanged-run.json after a clean no-op run" >&2
timed unchanged --verbose
grep -q "planning skipped" "$work/unchanged.err" || echo "bench: the unchanged no-op run did not skip planning" >&2
if [[ -n $import_only ]]; then
    python3 - "$work" "$users" <<'PY'
import json, os, sys
work, users = sys.argv[1], int(sys.argv[2])
def read(name): return open(os.path.join(work, name)).read().strip()
us = {name: int(read(f"{name}.us")) for name in ("first", "noop", "unchanged")}
rss = {name: int(read(f"{name}.rss")) / 1024 for name in us}
print(f"import_users, {users} IAM users, {os.cpu_count()} CPU(s), load average "
      f"{open('/proc/loadavg').read().split()[0]} at the end: first import {us['first'] / 1e6:.1f} s "
      f"({us['first'] / users / 1000:.2f} ms/account, {rss['first']:.1f} MB); no-op run {us['noop'] / 1e6:.3f} s "
      f"({rss['noop']:.1f} MB, {read('noop.execs')} processes, {read('noop.writes')} files changed); unchanged "
      f"no-op run {us['unchanged'] / 1e6:.3f} s ({rss['unchanged']:.1f} MB)")
print(f"csv: {users},{us['first'] / 1e6:.3f},{us['noop'] / 1e6:.3f},{us['unchanged'] / 1e6:.3f},,")
PY
    exit 0
fi

echo "first import with timing shims..." >&2
reset_accounts
mkdir "$work/real"
: >"$work/children.log"
# The shim: runs WORK/real/<its own name> with its arguments, waits, and appends "<name> <microseconds>" to the log.
cat >"$work/shim.c" <<'C'
#include <libgen.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    (void)argc;
    char self[4096], real[8192];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) return 127;
    self[n] = 0;
    const char *name = basename(self);
    snprintf(real, sizeof real, "%s/%s", REAL_DIR, name);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid == 0) {
        execv(real, argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return 127;
    clock_gettime(CLOCK_MONOTONIC, &end);
    FILE *log = fopen(LOG, "a");
    if (log == NULL) return 127;
    fprintf(log, "%s %ld\n", name, (end.tv_sec - start.tv_sec) * 1000000L + (end.tv_nsec - start.tv_nsec) / 1000);
    fclose(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
C
cc -O2 -o "$work/shim" -DREAL_DIR="\"$work/real\"" -DLOG="\"$work/children.log\"" "$work/shim.c"
for program in /usr/sbin/useradd /usr/sbin/groupadd /usr/sbin/usermod /usr/bin/gpasswd /usr/sbin/visudo \
    /usr/sbin/userdel; do
    cp -p "$program" "$work/real/${program##*/}"
    cp "$work/shim" "$program" # inside the sandbox's overlay: the machine's program is untouched
done
# import_users' own CPU time, without its children's (perf stat --no-inherit), when perf is installed.
if command -v perf >/dev/null; then
    wrap=(perf stat --no-inherit -e task-clock -x ',' -o "$work/shimmed.perf")
fi
timed shimmed --json

python3 - "$work" "$users" "$seed_us" "$bin" <<'PY'
import json, os, sys
work, users, seed_us, binary = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def read(name): return open(os.path.join(work, name)).read().strip()
def stats(name):
    before, after = (json.loads(part) for part in read(name + ".stats").split("\n"))
    # the /__stats__ request after the run opens one connection of its own
    return after["requests"] - before["requests"], after["connections"] - before["connections"] - 1
def s(us): return f"{us / 1e6:.2f} s"

def floor(name):
    total = int(read(name + ".us"))
    calls = [int(x) for x in read(name + ".calls").split()]
    tenth = max(1, len(calls) // 10)
    return total, (f"{s(total)} | {total / users / 1000:.2f} ms (first tenth {sum(calls[:tenth]) / tenth / 1000:.2f} ms, "
                   f"last tenth {sum(calls[-tenth:]) / tenth / 1000:.2f} ms)")
floor_us, floor_row = floor("floor")
_, floor_import_row = floor("floor-import")
first_us, noop_us, shimmed_us = int(read("first.us")), int(read("noop.us")), int(read("shimmed.us"))
children = {}
for line in read("children.log").splitlines():
    program, us = line.split()
    count, total = children.get(program, (0, 0))
    children[program] = (count + 1, total + int(us))
child_count = sum(c for c, _ in children.values())
child_us = sum(t for _, t in children.values())
actions = {}
for action in json.loads(read("shimmed.out"))["actions"]:
    actions[action["type"]] = actions.get(action["type"], 0) + 1

print(f"import_users, {users} IAM users (10 % sudoers, LOCAL_GROUPS, marker group), {os.cpu_count()} CPU(s), "
      f"load average {open('/proc/loadavg').read().split()[0]} at the end")
print(f"binary: {binary}")
print(f"moto seeding (not in the figures): {s(seed_us)}, {users / (seed_us / 1e6):.0f} users/s")
print()
print("| run | wall time | per account | peak RSS | AWS requests (connections) | processes started |")
print("|---|---|---|---|---|---|")
r, c = stats("first")
print(f"| first import | {s(first_us)} | {first_us / users / 1000:.2f} ms | {int(read('first.rss')) / 1024:.1f} MB "
      f"| {r} ({c}) | {child_count} (timed run) |")
r, c = stats("noop")
print(f"| no-op run | {s(noop_us)} | | {int(read('noop.rss')) / 1024:.1f} MB | {r} ({c}) "
      f"| {read('noop.execs')}; files changed: {read('noop.writes')} |")
unchanged_us = int(read("unchanged.us"))
r, c = stats("unchanged")
print(f"| no-op run, inputs unchanged (planning skipped) | {s(unchanged_us)} | | "
      f"{int(read('unchanged.rss')) / 1024:.1f} MB | {r} ({c}) | |")
print(f"| bare-useradd floor (`useradd --user-group --create-home`, no subordinate IDs) | {floor_row} | | | {users} |")
print(f"| useradd as import_users runs it (+ `--shell /bin/bash --groups MARKER,LOCAL`) | {floor_import_row} | | "
      f"| {users} |")
csv = (f"csv: {users},{first_us / 1e6:.3f},{noop_us / 1e6:.3f},{unchanged_us / 1e6:.3f},{floor_us / 1e6:.3f},"
       f"{int(read('floor-import.us')) / 1e6:.3f}")
print()
print(f"first import / floor: {first_us / floor_us:.2f}x")
print("plan: " + ", ".join(f"{n} {t}" for t, n in sorted(actions.items())))
print()
print(f"Per account, first import ({s(shimmed_us)} with the shims, {s(first_us)} without):")
print()
print("| where | processes | time | per account |")
print("|---|---|---|---|")
for program in sorted(children, key=lambda p: -children[p][1]):
    count, total = children[program]
    print(f"| {program} | {count} ({count / users:.2f}/account) | {s(total)} | {total / users / 1000:.2f} ms |")
own = shimmed_us - child_us
print(f"| import_users' own code (wall time minus the programs) | | {s(own)} | {own / users / 1000:.2f} ms |")
if os.path.exists(os.path.join(work, "shimmed.perf")):
    cpu_ms = next(float(line.split(",")[0]) for line in read("shimmed.perf").splitlines() if "task-clock" in line)
    print(f"| of which import_users' own CPU time (perf stat --no-inherit) | | {cpu_ms / 1000:.2f} s "
          f"| {cpu_ms / users:.2f} ms |")
print(f"| total (timed run) | {child_count} ({child_count / users:.2f}/account) | {s(shimmed_us)} "
      f"| {shimmed_us / users / 1000:.2f} ms |")
print()
print("By step (the programs of each step together):")
print()
print("| step | processes | per account | time | per account |")
print("|---|---|---|---|---|")
steps = [("account creation (useradd)", ["useradd"]),
         ("group changes (groupadd, usermod, gpasswd)", ["groupadd", "usermod", "gpasswd"]),
         ("sudoers checks (visudo)", ["visudo"]), ("deletions (userdel)", ["userdel"])]
for step, programs in steps:
    count = sum(children.get(p, (0, 0))[0] for p in programs)
    total = sum(children.get(p, (0, 0))[1] for p in programs)
    print(f"| {step} | {count} | {count / users:.3f} | {s(total)} | {total / users / 1000:.2f} ms |")
print(f"| import_users' own code | 0 | 0 | {s(own)} | {own / users / 1000:.2f} ms |")
print()
print(csv)
PY
