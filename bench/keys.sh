#!/usr/bin/env bash
# Benchmark of authorized_keys_command (release build, static Swift stdlib) against moto on 127.0.0.1.
#
# Usage: bench/keys.sh [--no-build] [KEYS] [INDEX]
#   KEYS:  active SSH keys of the benchmark user (default 2)
#   INDEX: entries in the managed users index (default 1: the benchmark user alone; 10000 for a large host)
#   BENCH_KEY_COMMAND=PATH measures another authorized_keys_command binary (for example an older commit's).
#
# Runs itself inside scripts/sandbox (private mount/net/PID namespaces: the benchmark account, /etc and
# /var changes never reach the machine). Measures, for one managed user:
#   - wall time of a whole process: live IAM (KEY_CACHE_TTL=0) and cache hit (KEY_CACHE_TTL=300),
#     with hyperfine when installed (apt-get install hyperfine), else a date +%s%N loop;
#   - AWS requests per run, counted by scripts/fault-proxy.py rules (live, cache hit, assume-role first/second run);
#   - peak RSS with /usr/bin/time -v (apt-get install time).
# The binary measured is the release build as scripts/build-release ships it: it does not link libcurl, which it
# loads with dlopen on the first HTTP request (scripts/lazy-libcurl checks that).
# Needs root and the project's .venv/ (moto, boto3: scripts/install-deps makes it). Talks to 127.0.0.1 only.
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
keys=${1:-2}
entries=${2:-1}

bench_sandbox "$build" authorized_keys_command "$0" "$keys" "$entries"

built=${BENCH_KEY_COMMAND:-$repo/.build/release/authorized_keys_command}
[[ -x $built ]] || { echo "bench: build first: swift build -c release --static-swift-stdlib" >&2; exit 1; }
work=$(mktemp -d /tmp/bench-keys.XXXXXX)
# As shipped (scripts/build-release): without the unused NEEDED libcurl.so.4 entry, libcurl is loaded on the first
# HTTP request only.
bin=$work/authorized_keys_command
cp "$built" "$bin"
"$repo/scripts/lazy-libcurl" "$bin"
bench_aws "$work"

# The benchmark user: in IAM with KEYS active keys, a local account, listed in the managed users index.
for i in $(seq 1 "$keys"); do ssh-keygen -q -t ed25519 -N '' -C "bench-$i" -f "$work/key$i"; done
python3 - "$EC2SSH_TEST_MOTO_URL" "$work"/key*.pub <<'PY'
import sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
iam.create_user(UserName="bench")
for path in sys.argv[2:]:
    iam.upload_ssh_public_key(UserName="bench", SSHPublicKeyBody=open(path).read().strip())
PY
useradd --no-create-home bench
groupadd iam-synced-users && usermod -a -G iam-synced-users bench   # the marker group
install -d -m 0755 /var/lib/aws-ec2-ssh
# The index as import_users writes it (ManagedUsersIndex.encoded(): one user per line, sorted by the quoted name),
# with ENTRIES - 1 other users around the benchmark user.
python3 - "$entries" "$(id -u bench)" >/var/lib/aws-ec2-ssh/managed-users.json <<'PY'
import json, sys
entries, uid = int(sys.argv[1]), int(sys.argv[2])
users = {"bench": {"iamUserName": "bench", "iamUserID": "AIDABENCH", "uid": uid,
                   "iamUserARN": "arn:aws:iam::123456789012:user/bench"}}
for n in range(1, entries):
    name = f"user{n:05d}.at.example.com"
    users[name] = {"iamUserName": name.replace(".at.", "@"), "iamUserID": f"AIDA{n:017d}", "uid": 70000 + n,
                   "iamUserARN": f"arn:aws:iam::123456789012:user/{name.replace('.at.', '@')}"}
lines = sorted((json.dumps(name), json.dumps(entry, sort_keys=True, separators=(",", ":")).replace("/", "\\/"))
               for name, entry in users.items())
sys.stdout.write('{"version":1,"users":{\n' + ",\n".join(f"{k}:{v}" for k, v in lines) + "\n}}\n")
PY
chmod 0644 /var/lib/aws-ec2-ssh/managed-users.json
install -d -m 0700 /var/cache/aws-ec2-ssh

bench_config "$work/live.conf" 'KEY_CACHE_TTL="0"'
bench_config "$work/cached.conf" 'KEY_CACHE_TTL="300"'
bench_config "$work/role.conf" "ASSUMEROLE=\"$EC2SSH_TEST_ROLE_ARN\""
run() { env -i "$bin" --config "$work/$1.conf" bench ${2:+"$2"}; } # run CONFIG [FINGERPRINT]
# The fingerprint of the first key, as sshd passes it (%f): a cache hit then also computes SHA-256 fingerprints.
fingerprint=$(ssh-keygen -lf "$work/key1.pub" | awk '{ print $2 }')

[[ $(run live | wc -l) == "$keys" ]] || { echo "bench: live run did not print $keys keys" >&2; exit 1; }
run cached >/dev/null

faults() { curl -s -X "$1" "$EC2SSH_TEST_FAULT_URL/__faults__" ${2:+-d "$2"}; }
count_requests() { # count_requests CONFIG: AWS requests of one run, by action
    faults DELETE >/dev/null
    faults POST '[{"action":"ListSSHPublicKeys","fault":"count"},{"action":"GetSSHPublicKey","fault":"count"},
        {"action":"AssumeRole","fault":"count"},{"action":"ListGroupsForUser","fault":"count"},
        {"action":"*","fault":"count"}]' >/dev/null
    run "$1" >/dev/null
    faults GET | python3 -c '
import json, sys
rules = json.load(sys.stdin)
hits = {r["action"]: r["hits"] for r in rules if r["hits"]}
total = sum(hits.values())
print(f"{total} request(s)" + (": " + ", ".join(f"{a} {n}" for a, n in hits.items()) if hits else ""))'
}

measure() { # measure CONFIG [FINGERPRINT]: mean and spread of a whole process run, in ms
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 5 --runs 100 --export-json "$work/$1.json" "env -i $bin --config $work/$1.conf bench ${2:-}" \
            >/dev/null 2>&1
        python3 -c '
import json, sys
r = {k: v * 1000 for k, v in json.load(open(sys.argv[1]))["results"][0].items() if isinstance(v, float)}
print("mean %.1f ms, median %.1f ms, min %.1f ms, max %.1f ms (hyperfine, 100 runs)"
      % (r["mean"], r["median"], r["min"], r["max"]))' "$work/$1.json"
    else
        local start end n=100
        start=$(date +%s%N)
        for _ in $(seq 1 $n); do run "$@" >/dev/null; done
        end=$(date +%s%N)
        echo "mean $(((end - start) / n / 1000)) us (loop of $n runs, date +%s%N)"
    fi
}

peak_rss() { # peak_rss CONFIG [FINGERPRINT]: maximum resident set size in MB
    if [[ -x /usr/bin/time ]]; then
        env -i /usr/bin/time -v "$bin" --config "$work/$1.conf" bench ${2:+"$2"} 2>&1 >/dev/null |
            awk -F': ' '/Maximum resident set size/ {printf "%.1f MB\n", $2 / 1024}'
    else
        echo "n/a (apt-get install time)"
    fi
}

echo "authorized_keys_command benchmark: $keys active key(s), $entries index entries" \
    "($(stat -c %s /var/lib/aws-ec2-ssh/managed-users.json) bytes), moto on 127.0.0.1, $(nproc) CPU(s)"
echo "binary: $(stat -c %s "$bin" | awk '{printf "%.1f MB", $1/1048576}') release, static Swift stdlib"
echo
echo "live IAM (KEY_CACHE_TTL=0):"
echo "  time:     $(measure live)"
echo "  requests: $(count_requests live)"
echo "  peak RSS: $(peak_rss live)"
echo "cache hit (KEY_CACHE_TTL=300):"
echo "  time:     $(measure cached)"
echo "  requests: $(count_requests cached)"
echo "  peak RSS: $(peak_rss cached)"
echo "cache hit with the key's fingerprint (sshd's %u %f):"
[[ $(run cached "$fingerprint") == "$(cut -d' ' -f1-2 "$work/key1.pub")"* && $(run cached "$fingerprint" | wc -l) == 1 ]] ||
    { echo "bench: the fingerprint run did not print the first key alone" >&2; exit 1; }
echo "  time:     $(measure cached "$fingerprint")"
echo "  peak RSS: $(peak_rss cached "$fingerprint")"
echo "ASSUMEROLE, live IAM:"
rm -f /var/cache/aws-ec2-ssh/assume-role-*.json
echo "  first run requests:  $(count_requests role)"
echo "  second run requests: $(count_requests role)"
bench_stop
