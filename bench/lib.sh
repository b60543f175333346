# shellcheck shell=bash
# Helpers shared by the benchmarks in bench/. Sourced after scripts/toolchain.sh; every helper talks to 127.0.0.1 only.

# bench_sandbox BUILD PRODUCT SCRIPT ARGS...: outside the sandbox, build PRODUCT as scripts/build-release does
# (release, static Swift stdlib) when BUILD is 1, then run `SCRIPT --no-build ARGS...` inside scripts/sandbox (the
# whole-root overlay: accounts, /etc and /var changes never reach the machine) and exit with its status. Inside the
# sandbox it returns at once.
bench_sandbox() {
    [[ ${EC2SSH_IN_SANDBOX:-} == 1 ]] && return 0
    local build=$1 product=$2 script=$3
    shift 3
    if ((build)); then
        (cd "$EC2SSH_ROOT" && use_swift && swift build -c release --static-swift-stdlib --product "$product" >&2)
    fi
    exec "$EC2SSH_ROOT/scripts/sandbox" "$script" --no-build "$@"
}

# bench_aws WORK [FAULT_PROXY_OPTIONS...]: start moto (signature checking on, log WORK/moto.log) and
# scripts/fault-proxy.py in front of it (with the latency options given), and export their environment
# (EC2SSH_TEST_MOTO_URL, EC2SSH_TEST_FAULT_URL, MOTO_PID, FAULT_PROXY_PID, ...) and AWS credentials moto accepts.
bench_aws() {
    local work=$1
    shift
    MOTO_LOG=$work/moto.log "$EC2SSH_ROOT/scripts/moto-up" "$work/env" 2>/dev/null
    # shellcheck disable=SC1091
    . "$work/env"
    "$EC2SSH_ROOT/scripts/fault-proxy-up" "$EC2SSH_TEST_MOTO_URL" "$work/env" "$@"
    # shellcheck disable=SC1091
    . "$work/env"
    export AWS_EC2_METADATA_DISABLED=true
    export AWS_ACCESS_KEY_ID=$EC2SSH_TEST_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$EC2SSH_TEST_SECRET_ACCESS_KEY
}

# bench_config PATH [EXTRA_LINES]: write a configuration file (mode 0600) that sends AWS calls through the fault
# proxy with the credentials of bench_aws, IMDS off, followed by EXTRA_LINES (KEY="value" lines).
bench_config() {
    {
        echo "AWS_ACCESS_KEY_ID=\"$AWS_ACCESS_KEY_ID\""
        echo "AWS_SECRET_ACCESS_KEY=\"$AWS_SECRET_ACCESS_KEY\""
        echo "AWS_ENDPOINT_URL=\"$EC2SSH_TEST_FAULT_URL\""
        echo "AWS_REGION=\"us-east-1\""
        echo "AWS_EC2_METADATA_DISABLED=\"true\""
        [[ -z ${2:-} ]] || printf '%s\n' "$2"
    } >"$1"
    chmod 0600 "$1"
}

# bench_stop: stop the proxy and moto started by bench_aws.
bench_stop() {
    kill "$FAULT_PROXY_PID" "$MOTO_PID" 2>/dev/null || true
}

# bench_seed_iam USERS: creates USERS IAM users bench00000... in moto, all in the group bench-users and every tenth
# also in bench-sudo (8 requests at a time). Needs bench_aws first.
bench_seed_iam() {
    python3 - "$EC2SSH_TEST_MOTO_URL" "$1" <<'PY'
import sys, boto3, botocore.config
from concurrent.futures import ThreadPoolExecutor
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   config=botocore.config.Config(max_pool_connections=16, retries={"max_attempts": 10}))
iam.create_group(GroupName="bench-users")
iam.create_group(GroupName="bench-sudo")
def create(i):
    name = f"bench{i:05d}"
    iam.create_user(UserName=name)
    iam.add_user_to_group(GroupName="bench-users", UserName=name)
    if i % 10 == 0:
        iam.add_user_to_group(GroupName="bench-sudo", UserName=name)
with ThreadPoolExecutor(8) as pool:
    list(pool.map(create, range(int(sys.argv[2]))))
PY
}
