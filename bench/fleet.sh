#!/usr/bin/env bash
# Benchmark of fleet mode (issue 14) against direct mode: AWS requests per run, counted at the fault proxy by
# service:operation, turned into IAM calls and S3 requests per hour for H hosts and U users; and the reader's
# refresh cost (wall time, bytes fetched, peak RSS).
#
# Usage: bench/fleet.sh [--no-build] [--logins N] [--fleet-only] [USERS...]
#   USERS: default 100 1000; N: logins per host and hour for the table (default 10); --fleet-only: no direct mode and
#   no per-hour table (to compare key command builds quickly: BENCH_KEY_COMMAND="BEFORE AFTER" times the logins of
#   each binary given, one after the other on the same host; the counts use the first).
#
# Runs itself inside scripts/sandbox (the whole-root overlay: accounts, /etc and /var changes never reach the
# machine). For each USERS value, with a fresh moto (signature checking on) behind scripts/fault-proxy.py, which
# splits IAM list answers into pages of 1,000 as IAM does (moto would answer GetGroup in one page):
#   seeding (not measured): USERS IAM users bench00000..., each with one ed25519 SSH key, all in bench-users, every
#     tenth also in bench-sudo; an S3 bucket and an ECC_NIST_P256 KMS key;
#   direct mode (IAM_AUTHORIZED_GROUPS=bench-users, SUDOERS_GROUPS=bench-sudo, LOCAL_GROUPS, KEY_CACHE_TTL=0): the
#     host is built by one first import whose USERADD_PROGRAM is bench/support/useradd-standin.c (as
#     bench/import-noop.sh does: real useradd needs minutes per thousand accounts); then one import and one login
#     (authorized_keys_command bench00001, as sshd runs it: env -i, configuration file only) are counted;
#   fleet mode, after the host is reset: `import_users publish` (first: every key body read; steady: nothing
#     changed), the reader's import (first: 200, builds the host with the same stand-in; steady: 304), and a login
#     with SNAPSHOT_REFRESH=3600 (no refresh due) and SNAPSHOT_REFRESH=0 (a refresh due: one conditional GET, 304);
#   refresh cost: one more key for bench00001 in IAM and a publish (new serial), then
#     - the reader's import that fetches and applies the new snapshot (wall time, peak RSS with /usr/bin/time -v,
#       bytes of the object), and 3 more imports that fetch it again (the verified copy and its state removed first,
#       so the GET is unconditional and the whole object is checked and stored again);
#     - logins (hyperfine, or a loop): no refresh due; refresh due and 304; refresh due without a copy of its own
#       (import_users' copy is current: a 304, and the key command stores that copy as its own); refresh due with
#       neither copy (the key command is the first on the host to see the serial: it fetches, checks and stores the
#       whole object, a 200); peak RSS of each.
# Then a table of IAM calls and S3 requests per hour from the measured counts and the default schedules: import
# every 10 minutes on every host, publish every 2 minutes on one publisher (re-signing every
# SNAPSHOT_RESIGN_INTERVAL = 900 s), N logins per host and hour, of which at most 3600 / SNAPSHOT_REFRESH (60) have a
# refresh due (an upper bound: an import or a recent login confirmed the copy within SNAPSHOT_REFRESH otherwise).
#
# The binaries measured are the release builds (swift build -c release --static-swift-stdlib, as
# scripts/build-release builds them). Needs root, /usr/bin/time, a C compiler (cc), hyperfine (optional) and the
# project's .venv/ (moto, boto3, cryptography: scripts/install-deps). Talks to 127.0.0.1 only.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/toolchain.sh
source "$repo/scripts/toolchain.sh"
use_venv
# shellcheck source=SCRIPTDIR/lib.sh
source "$repo/bench/lib.sh"
build=1
logins=10
fleet_only=
while [[ ${1:-} == --* ]]; do
    case $1 in
    --no-build) build=0 ;;
    --logins) logins=${2:-}; shift ;;
    --fleet-only) fleet_only=--fleet-only ;;
    *) echo "bench: unknown option $1; usage: bench/fleet.sh [--no-build] [--logins N] [USERS...]" >&2; exit 64 ;;
    esac
    shift
done
[[ $logins =~ ^[0-9]+$ ]] || { echo "bench: --logins needs a number, not '$logins'" >&2; exit 64; }
sizes=("$@")
((${#sizes[@]})) || sizes=(100 1000)
for users in "${sizes[@]}"; do
    [[ $users =~ ^[1-9][0-9]*$ ]] || { echo "bench: USERS must be positive numbers, not '$users'" >&2; exit 64; }
done
if [[ ${EC2SSH_IN_SANDBOX:-} != 1 ]] && ((build)); then
    (cd "$repo" && use_swift && swift build -c release --static-swift-stdlib --product authorized_keys_command >&2)
fi
bench_sandbox "$build" import_users "$0" --logins "$logins" ${fleet_only:+"$fleet_only"} "${sizes[@]}"

import_users=${BENCH_IMPORT_USERS:-$repo/.build/release/import_users}
read -ra key_commands <<<"${BENCH_KEY_COMMAND:-$repo/.build/release/authorized_keys_command}"
key_command=${key_commands[0]}
for bin in "$import_users" "${key_commands[@]}"; do
    [[ -x $bin ]] || { echo "bench: $bin is not an executable; build first (or drop --no-build)" >&2; exit 1; }
done
for tool in /usr/bin/time cc; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install time gcc)" >&2; exit 1; }
done
top=$(mktemp -d /tmp/bench-fleet.XXXXXX)
trap 'bench_stop 2>/dev/null || true' EXIT
cc -O2 -o "$top/useradd-standin" "$repo/bench/support/useradd-standin.c"
groupadd bench-local
groupadd iam-synced-users
mkdir "$top/etc"
cp -a /etc/passwd /etc/shadow /etc/group /etc/gshadow "$top/etc/"

# reset_host: the account files, state and cache as before any import.
reset_host() {
    cp -a "$top"/etc/* /etc/
    rm -f /etc/sudoers.d/aws-ec2-ssh-* "$top/useradd-standin.uid"
    rm -rf /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh
    install -d -m 0755 /var/lib/aws-ec2-ssh
    install -d -m 0700 /var/cache/aws-ec2-ssh
}

# counted NAME COMMAND...: run COMMAND once under /usr/bin/time -v; WORK/NAME.calls gets the AWS requests it made,
# by service:operation (JSON), WORK/NAME.times its wall time (s) and peak RSS (kB), WORK/NAME.{out,err} its output.
# A failure stops the benchmark.
counted() {
    local name=$1 rc=0 start end
    shift
    calls >"$work/$name.before"
    start=$EPOCHREALTIME
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    end=$EPOCHREALTIME
    calls >"$work/$name.after"
    echo "$(python3 -c "print($end - $start)") $(awk -F': ' '/Maximum resident/ { print $2 }' "$work/$name.time")" \
        >"$work/$name.times"
    python3 - "$work/$name" <<'PY' >"$work/$name.calls"
import json, sys
before, after = (json.load(open(sys.argv[1] + s)) for s in (".before", ".after"))
print(json.dumps({k: v - before.get(k, 0) for k, v in sorted(after.items()) if v != before.get(k, 0)}))
PY
    [[ $rc == 0 ]] || { echo "bench: $name ($*) exited $rc:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
}
calls() { python3 -c "import json, urllib.request
print(json.dumps(json.load(urllib.request.urlopen('$EC2SSH_TEST_FAULT_URL/__stats__', timeout=10))['calls']))"; }

# timed NAME RUNS [PREPARE] -- COMMAND...: RUNS runs of COMMAND under /usr/bin/time -v, PREPARE (a shell command)
# before each; WORK/NAME.times keeps each wall time (s) and peak RSS (kB).
timed() {
    local name=$1 runs=$2 prepare=${3:-} i start
    shift 3
    [[ $1 == -- ]] && shift
    : >"$work/$name.times"
    for ((i = 0; i < runs; i++)); do
        [[ -z $prepare ]] || bash -c "$prepare"
        start=$EPOCHREALTIME
        /usr/bin/time -v -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" ||
            { echo "bench: $name ($*) failed:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
        echo "$(python3 -c "print($EPOCHREALTIME - $start)") $(awk -F': ' '/Maximum resident/ { print $2 }' "$work/$name.time")" \
            >>"$work/$name.times"
    done
}

# login_time NAME PREPARE CONFIG BINARY: wall time of a login with hyperfine (100 runs, PREPARE before each; 5 warm-up
# runs) into WORK/NAME.hyperfine.json, or nothing without hyperfine (timed's figures are used then).
login_time() {
    command -v hyperfine >/dev/null || return 0
    hyperfine -N --warmup 5 --runs 100 ${2:+--prepare "$2"} --export-json "$work/$1.hyperfine.json" \
        "env -i $4 --config $3 bench00001" >/dev/null 2>&1
}

for users in "${sizes[@]}"; do
    work=$top/u$users
    mkdir "$work"
    echo "== $users users: moto and the fault proxy..." >&2
    bench_aws "$work"
    curl -s -X POST -d '{"size": 1000}' "$EC2SSH_TEST_FAULT_URL/__paginate__" >/dev/null
    echo "seeding $users IAM users with one SSH key each, a bucket and a KMS key..." >&2
    start=$EPOCHREALTIME
    bench_seed_iam "$users"
    python3 - "$EC2SSH_TEST_MOTO_URL" "$users" "$work" <<'PY'
import sys, boto3, botocore.config
from concurrent.futures import ThreadPoolExecutor
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
url, users, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
config = botocore.config.Config(max_pool_connections=16, retries={"max_attempts": 10})
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", config=config)
def key():
    return ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
def upload(i):
    iam.upload_ssh_public_key(UserName=f"bench{i:05d}", SSHPublicKeyBody=key())
with ThreadPoolExecutor(8) as pool:
    list(pool.map(upload, range(users)))
open(work + "/second-key.pub", "w").write(key())
boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="fleet-bench")
kms = boto3.client("kms", endpoint_url=url, region_name="us-east-1")
print(kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"],
      file=open(work + "/kms-key-id", "w"))
PY
    echo "  $(python3 -c "print(f'{$EPOCHREALTIME - $start:.1f} s')")" >&2

    reset_host
    common="IAM_AUTHORIZED_GROUPS=\"bench-users\"
SUDOERS_GROUPS=\"bench-sudo\"
LOCAL_GROUPS=\"bench-local\"
USERADD_PROGRAM=\"$top/useradd-standin\"
USERADD_ARGS=\"--shell /bin/bash\""
    bench_config "$work/direct.conf" "$common
KEY_CACHE_TTL=\"0\""
    if [[ -z $fleet_only ]]; then
        echo "direct mode: first import (stand-in useradd), one import and one login counted..." >&2
        counted direct-first "$import_users" --config "$work/direct.conf"
        [[ $(grep -c '^bench[0-9]' /etc/passwd) == "$users" ]] ||
            { echo "bench: the first direct import did not create $users accounts" >&2; exit 1; }
        counted direct-import "$import_users" --config "$work/direct.conf"
        counted direct-login env -i "$key_command" --config "$work/direct.conf" bench00001
        [[ $(wc -l <"$work/direct-login.out") == 1 ]] || { echo "bench: the direct login printed no key" >&2; exit 1; }
    fi

    echo "fleet mode: publish (first, steady), reader import (200, 304), logins..." >&2
    reset_host
    install -d -m 0700 "$work/publisher-state"
    bench_config "$work/publish.conf" "SNAPSHOT_URL=\"s3://fleet-bench/aws-ec2-ssh/snapshot\"
SNAPSHOT_KMS_KEY_ID=\"$(cat "$work/kms-key-id")\"
STATE_DIR=\"$work/publisher-state\""
    counted publish-first "$import_users" publish --config "$work/publish.conf"
    counted publish-steady "$import_users" publish --config "$work/publish.conf"
    "$import_users" publish --config "$work/publish.conf" --print-public-key >"$work/snapshot.pem"
    reader="$common
SNAPSHOT_URL=\"s3://fleet-bench/aws-ec2-ssh/snapshot\"
SNAPSHOT_PUBLIC_KEY=\"$work/snapshot.pem\""
    bench_config "$work/reader.conf" "$reader
SNAPSHOT_REFRESH=\"3600\""
    bench_config "$work/reader-due.conf" "$reader
SNAPSHOT_REFRESH=\"0\""
    counted reader-first "$import_users" --config "$work/reader.conf"
    [[ $(grep -c '^bench[0-9]' /etc/passwd) == "$users" ]] ||
        { echo "bench: the first reader import did not create $users accounts" >&2; exit 1; }
    counted reader-steady "$import_users" --config "$work/reader.conf"
    # no own copy yet: S3 is asked about import_users' copy (304) and the key command takes it as its own
    counted login-due-first env -i "$key_command" --config "$work/reader-due.conf" bench00001
    counted login-due env -i "$key_command" --config "$work/reader-due.conf" bench00001
    counted login-fresh env -i "$key_command" --config "$work/reader.conf" bench00001
    [[ $(wc -l <"$work/login-fresh.out") == 1 ]] || { echo "bench: the fleet login printed no key" >&2; exit 1; }

    echo "refresh cost: a new snapshot..." >&2
    python3 -c "import boto3; boto3.client('iam', endpoint_url='$EC2SSH_TEST_MOTO_URL', region_name='us-east-1')\
.upload_ssh_public_key(UserName='bench00001', SSHPublicKeyBody=open('$work/second-key.pub').read())"
    counted publish-change "$import_users" publish --config "$work/publish.conf"
    counted reader-new "$import_users" --config "$work/reader.conf"
    timed reader-304 3 "" -- "$import_users" --config "$work/reader.conf"
    timed reader-refetch 3 "rm -f /var/lib/aws-ec2-ssh/fleet-snapshot /var/lib/aws-ec2-ssh/fleet-snapshot.state" \
        -- "$import_users" --config "$work/reader.conf"
    stat -c %s /var/lib/aws-ec2-ssh/fleet-snapshot >"$work/object.bytes"
    [[ $(env -i "$key_command" --config "$work/reader.conf" bench00001 | wc -l) == 2 ]] ||
        { echo "bench: the login after the new snapshot does not print 2 keys" >&2; exit 1; }
    # adopt: the key command has no copy of its own, import_users' is current (a 304 makes it the key command's);
    # first: neither copy is there (the key command is the first on the host to see this serial: a 200)
    cp -a /var/lib/aws-ec2-ssh/fleet-snapshot /var/lib/aws-ec2-ssh/fleet-snapshot.state "$work/"
    own="rm -f /var/cache/aws-ec2-ssh/fleet-snapshot /var/cache/aws-ec2-ssh/fleet-snapshot.state"
    # (one command each, for hyperfine -N, which runs its --prepare without a shell)
    adopt="bash -c '$own; cp -a $work/fleet-snapshot $work/fleet-snapshot.state /var/lib/aws-ec2-ssh/'"
    first="bash -c '$own; rm -f /var/lib/aws-ec2-ssh/fleet-snapshot /var/lib/aws-ec2-ssh/fleet-snapshot.state'"
    for ((k = 0; k < ${#key_commands[@]}; k++)); do
        bin=${key_commands[k]}
        echo "logins: $bin..." >&2
        timed "login-fresh.$k" 5 "" -- env -i "$bin" --config "$work/reader.conf" bench00001
        timed "login-due.$k" 5 "" -- env -i "$bin" --config "$work/reader-due.conf" bench00001
        timed "login-due-adopt.$k" 5 "$adopt" -- env -i "$bin" --config "$work/reader-due.conf" bench00001
        timed "login-due-200.$k" 5 "$first" -- env -i "$bin" --config "$work/reader-due.conf" bench00001
        login_time "login-fresh.$k" "" "$work/reader.conf" "$bin"
        login_time "login-due.$k" "" "$work/reader-due.conf" "$bin"
        login_time "login-due-adopt.$k" "$adopt" "$work/reader-due.conf" "$bin"
        login_time "login-due-200.$k" "$first" "$work/reader-due.conf" "$bin"
        bash -c "$adopt"
    done
    bench_stop
done

python3 - "$top" "$logins" "${#key_commands[@]}" "${fleet_only:-full}" "${sizes[@]}" <<'PY'
import json, math, os, statistics, sys
top, logins, binaries, full = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "full"
sizes = [int(x) for x in sys.argv[5:]]
IMPORTS, PUBLISHES, RESIGNS, REFRESH = 6, 30, 3600 // 900, 60   # per hour; SNAPSHOT_REFRESH in seconds
due = min(logins, 3600 // REFRESH)

def calls(u, name):
    return json.load(open(f"{top}/u{u}/{name}.calls"))
def service(u, name, svc):
    return sum(v for k, v in calls(u, name).items() if k.startswith(svc + ":"))
def fmt(counts):
    return ", ".join(f"{k.split(':', 1)[1]} {v}" if not k.startswith("s3:") else f"{k} {v}" for k, v in counts.items()) or "none"
def times(u, name):
    rows = [line.split() for line in open(f"{top}/u{u}/{name}.times")]
    return [float(t) for t, _ in rows], [int(r) for _, r in rows]
def hyper(u, name):
    path = f"{top}/u{u}/{name}.hyperfine.json"
    if not os.path.exists(path):
        return None
    r = json.load(open(path))["results"][0]
    return r["mean"] * 1000, r["median"] * 1000, r["min"] * 1000

print(f"fleet benchmark, {os.cpu_count()} CPU(s), load average {open('/proc/loadavg').read().split()[0]}; "
      "IAM list answers paged by 1,000 at the proxy\n")
print("## AWS requests per run (fault proxy, by service:operation)\n")
print("| run | " + " | ".join(f"U = {u:,}" for u in sizes) + " |")
print("|---|" + "---|" * len(sizes))
rows = ([("direct: one import (IAM)", "direct-import"), ("direct: one login, KEY_CACHE_TTL=0 (IAM)", "direct-login")]
        if full else []) + [
        ("fleet: first publish", "publish-first"), ("fleet: steady publish (nothing changed)", "publish-steady"),
        ("fleet: publish of a change (one key added)", "publish-change"),
        ("fleet: reader import, new object (200)", "reader-first"), ("fleet: reader import, unchanged (304)", "reader-steady"),
        ("fleet: login, no refresh due", "login-fresh"), ("fleet: login, refresh due (304)", "login-due"),
        ("fleet: login, refresh due, no own copy yet (304: takes import_users' copy)", "login-due-first")]
for label, name in rows:
    print(f"| {label} | " + " | ".join(f"{sum(calls(u, name).values())}: {fmt(calls(u, name))}" for u in sizes) + " |")
for u in sizes:
    for name in ("reader-first", "reader-steady", "reader-new", "login-fresh", "login-due", "login-due-first"):
        assert service(u, name, "iam") == 0, f"a reader made IAM calls: {name} at {u}: {calls(u, name)}"

if full:
    print(f"\n## Per hour: import every 10 min, publish every 2 min, {logins} logins per host and hour "
          f"(at most {due} of them with a refresh due)\n")
    print("| H hosts | U users | direct: IAM calls/h | fleet: IAM calls/h | fleet: S3 requests/h | fleet: KMS Sign/h |")
    print("|---|---|---|---|---|---|")
    for h in (10, 100, 1000, 5000):
        for u in sizes:
            direct = h * (IMPORTS * service(u, "direct-import", "iam") + logins * service(u, "direct-login", "iam"))
            fleet_iam = PUBLISHES * service(u, "publish-steady", "iam")
            publisher_s3 = PUBLISHES * service(u, "publish-steady", "s3") + RESIGNS * calls(u, "publish-change").get("s3:PUT", 0)
            s3 = publisher_s3 + h * (IMPORTS * service(u, "reader-steady", "s3") + due * service(u, "login-due", "s3"))
            print(f"| {h:,} | {u:,} | {direct:,} | {fleet_iam:,} | {s3:,} | {RESIGNS} |")
    print("\ndirect IAM/h = H x (6 x import + logins x login); fleet IAM/h = 30 x steady publish (any H); fleet S3/h = "
          "30 x steady publish's GET + 4 re-sign PUTs + H x (6 x reader import (304) + min(logins, 60) x login with a refresh "
          "due (304)). A change adds, per host, one 200 GET of the whole object (by the import or the key command, whichever "
          "asks first; the other then gets a 304 and takes that copy).")

print("\n## Reader refresh cost\n")
print("| U | object bytes | import, new snapshot (200) | import, refetch (200, median of 3) | import, unchanged (304, "
      "median of 3) | login, no refresh due | login, refresh due (304) | login, refresh due, takes import_users' copy "
      "(304) | login, refresh due, first on the host (200) |")
print("|---|---|---|---|---|---|---|---|---|")
for u, k in [(u, k) for u in sizes for k in range(binaries)]:
    size = int(open(f"{top}/u{u}/object.bytes").read())
    cells = []
    for name in ("reader-new", "reader-refetch", "reader-304"):
        t, r = times(u, name)
        cells.append(f"{statistics.median(t) * 1000:.0f} ms, {max(r) / 1024:.1f} MB")
    for name in ("login-fresh", "login-due", "login-due-adopt", "login-due-200"):
        t, r = times(u, f"{name}.{k}")
        h = hyper(u, f"{name}.{k}")
        wall = (f"mean {h[0]:.1f} ms, median {h[1]:.1f}, min {h[2]:.1f}" if h
                else f"median {statistics.median(t) * 1000:.1f} ms")
        cells.append(f"{wall}; {max(r) / 1024:.1f} MB")
    label = f"{u:,}" + (f" (binary {k + 1})" if binaries > 1 else "")
    print(f"| {label} | {size:,} | " + " | ".join(cells) + " |")
print("\n(import: wall time and peak RSS (/usr/bin/time -v); login: hyperfine, 100 runs (or the median of 5 runs), and "
      "peak RSS)")
PY
