#!/usr/bin/env bash
# Benchmark of import_users' IAM reads with ACCESS_EXPIRY_TAG (one ListUserTags per user) against moto behind a
# latency-injecting proxy, on 127.0.0.1.
#
# Usage: bench/import-tags.sh [--no-build] [USERS] [DELAY_MS] [CONNECT_DELAY_MS] [BINARY...]
#   USERS            IAM users, each with the expiry tag (default 1000)
#   DELAY_MS         added to every request by scripts/fault-proxy.py --delay (default 20: a round trip to IAM)
#   CONNECT_DELAY_MS added once per new connection, --connect-delay (default 40: the TCP and TLS handshakes a new
#                    connection to the real endpoint costs)
#   BINARY...        import_users binaries to compare (default: this tree's release build); for example the release
#                    build of an older commit, to measure before and after.
#
# Runs itself inside scripts/sandbox (private mount/net/PID namespaces). Each binary runs `import_users --dry-run`
# (every IAM read, no account change) once; the figures are its wall time and the proxy's counts of client
# connections and requests. Needs root and the project's .venv/ (moto, boto3: scripts/install-deps makes it). Talks
# to 127.0.0.1 only.
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
users=${1:-1000}
delay_ms=${2:-20}
connect_delay_ms=${3:-40}
shift $(($# < 3 ? $# : 3))
binaries=("$@")
((${#binaries[@]})) || binaries=("$repo/.build/release/import_users")

bench_sandbox "$build" import_users "$0" "$users" "$delay_ms" "$connect_delay_ms" "${binaries[@]}"

for bin in "${binaries[@]}"; do
    [[ -x $bin ]] || { echo "bench: $bin is not an executable; build first" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench-import.XXXXXX)
seconds() { python3 -c "print($1 / 1000)"; }
bench_aws "$work" --delay "$(seconds "$delay_ms")" --connect-delay "$(seconds "$connect_delay_ms")"
echo "creating $users IAM users with an expiry tag in moto..." >&2
python3 - "$EC2SSH_TEST_MOTO_URL" "$users" <<'PY'
import sys, boto3
from concurrent.futures import ThreadPoolExecutor
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
def create(i):
    iam.create_user(UserName=f"bench{i:05d}", Tags=[{"Key": "expires", "Value": "2099-01-01"}])
with ThreadPoolExecutor(8) as pool:
    list(pool.map(create, range(int(sys.argv[2]))))
PY

install -d -m 0755 /var/lib/aws-ec2-ssh
bench_config "$work/import.conf" 'ACCESS_EXPIRY_TAG="expires"'

stats() { curl -s "$EC2SSH_TEST_FAULT_URL/__stats__"; }
echo "import_users --dry-run, $users users with ACCESS_EXPIRY_TAG, $(nproc) CPU(s); proxy latency ${delay_ms} ms per" \
    "request, ${connect_delay_ms} ms per new connection"
for bin in "${binaries[@]}"; do
    before=$(stats)
    start=$(date +%s%N)
    rc=0
    "$bin" --config "$work/import.conf" --dry-run >/dev/null 2>"$work/import.err" || rc=$?
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    after=$(stats)
    python3 - "$bin" "$rc" "$elapsed_ms" "$before" "$after" <<'PY'
import json, sys
bin, rc, ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
before, after = json.loads(sys.argv[4]), json.loads(sys.argv[5])
requests = after["requests"] - before["requests"]
connections = after["connections"] - before["connections"] - 1  # the second /__stats__ request
print(f"{bin}: exit {rc}, {ms / 1000:.1f} s, {requests} requests on {connections} connection(s)")
PY
    grep -i "error" "$work/import.err" | head -3 >&2 || true
done
bench_stop
