# Helpers for the import_users end-to-end tests (Tests/e2e/test_import_*.sh). Sourced after lib.sh.
# shellcheck shell=bash

IMPORT_USERS=$EC2SSH_BIN_DIR/import_users
IMPORT_CONF=/etc/aws-ec2-ssh.conf
STATE_DIR=/var/lib/aws-ec2-ssh

# import_setup [EXTRA_CONFIG_LINES]: start moto, write the configuration file pointing at it.
import_setup() {
    start_moto
    write_import_conf "$AWS_ENDPOINT_URL" "${1:-}"
}

# write_import_conf ENDPOINT [EXTRA_CONFIG_LINES]: the configuration, with AWS access as lines in the file
# (IMDS off unless IMPORT_IMDS_DISABLED=false).
write_import_conf() {
    cat >"$IMPORT_CONF" <<CONF
AWS_ENDPOINT_URL="$1"
AWS_ACCESS_KEY_ID="$EC2SSH_TEST_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$EC2SSH_TEST_SECRET_ACCESS_KEY"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="${IMPORT_IMDS_DISABLED:-true}"
${2:-}
CONF
}

# iam PYTHON: run PYTHON with `iam` bound to a boto3 IAM client signed for moto.
iam() {
    python3 -c "
import boto3
iam = boto3.client('iam', endpoint_url='$EC2SSH_TEST_MOTO_URL', region_name='us-east-1',
                   aws_access_key_id='$EC2SSH_TEST_ACCESS_KEY_ID', aws_secret_access_key='$EC2SSH_TEST_SECRET_ACCESS_KEY')
$1"
}

# iam_user NAME [GROUP...]: create an IAM user in the given groups (creating missing groups).
iam_user() {
    local name=$1
    shift
    local groups
    groups=$(printf "'%s'," "$@")
    iam "
names = {g['GroupName'] for g in iam.list_groups()['Groups']}
iam.create_user(UserName='$name')
for group in [${groups%,}] if '$*' else []:
    if group not in names:
        iam.create_group(GroupName=group)
        names.add(group)
    iam.add_user_to_group(GroupName=group, UserName='$name')
"
}

# run_import [ARGS...]: run import_users with the test configuration; sets IMPORT_STATUS and IMPORT_OUTPUT.
run_import() {
    IMPORT_STATUS=0
    IMPORT_OUTPUT=$("$IMPORT_USERS" --config "$IMPORT_CONF" --verbose "$@" 2>&1) || IMPORT_STATUS=$?
}

# expect_import STATUS [ARGS...]: run import_users and fail unless it exits with STATUS.
expect_import() {
    local want=$1
    shift
    run_import "$@"
    [[ $IMPORT_STATUS == "$want" ]] || fail "import_users $* exited $IMPORT_STATUS, expected $want; output:
$IMPORT_OUTPUT"
}

# groups_of USER: the user's groups, sorted, comma-separated.
groups_of() {
    id -Gn "$1" | tr ' ' '\n' | sort | paste -sd, -
}

# snapshot_files: modification times and checksums of everything import_users may write, except last-run.json,
# the status every run (but --dry-run) rewrites by design, and unchanged-run.json, which the first clean run that
# changes nothing writes by design (SKIP_UNCHANGED_RUNS; test_import_unchanged.sh checks it).
snapshot_files() {
    { find /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/sudoers.d "$STATE_DIR" -type f \
        ! -path "$STATE_DIR/last-run.json" ! -path "$STATE_DIR/unchanged-run.json" -printf '%p %T@ %m %u\n' \
        2>/dev/null || true; } | sort
    sha256sum /etc/passwd /etc/group 2>/dev/null || true
    find "$STATE_DIR" -maxdepth 1 -name '*.json' ! -name last-run.json ! -name unchanged-run.json \
        -exec sha256sum {} + 2>/dev/null | sort || true
}

# start_fault_proxy: start scripts/fault-proxy.py in front of moto; exports EC2SSH_TEST_FAULT_URL.
start_fault_proxy() {
    local envfile
    envfile=$(mktemp /tmp/ec2ssh-e2e-fault.XXXXXX)
    "$EC2SSH_REPO/scripts/fault-proxy-up" "$EC2SSH_TEST_MOTO_URL" "$envfile"
    # shellcheck disable=SC1090
    . "$envfile"
}

# faults JSON: replace the fault proxy's rules with JSON (a list; "[]" clears them).
faults() {
    python3 - "$EC2SSH_TEST_FAULT_URL/__faults__" "$1" <<'PY'
import sys, urllib.request
url, rules = sys.argv[1], sys.argv[2]
urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=5).read()
urllib.request.urlopen(urllib.request.Request(url, data=rules.encode(), method="POST"), timeout=5).read()
PY
}

# fault_hits: the total number of requests the fault rules answered.
fault_hits() {
    python3 -c "
import json, urllib.request
print(sum(r['hits'] for r in json.load(urllib.request.urlopen('$EC2SSH_TEST_FAULT_URL/__faults__', timeout=5))))"
}

# start_imds_stub INSTANCE_ID TAGS_JSON_FILE: an IMDSv2 stub on 127.0.0.1 serving the token, the instance id and
# the instance tags in TAGS_JSON_FILE (read on every request; a tag not in it is a 404). Exports IMDS_STUB_URL.
start_imds_stub() {
    local portfile
    portfile=$(mktemp /run/imds-port.XXXXXX)
    rm -f "$portfile"
    setsid python3 - "$1" "$2" "$portfile" >/dev/null 2>&1 </dev/null <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
instance_id, tags_file, port_file = sys.argv[1:4]
class Handler(BaseHTTPRequestHandler):
    def answer(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_PUT(self):
        self.answer(200, "stub-token") if self.path == "/latest/api/token" else self.answer(404, "")
    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != "stub-token":
            return self.answer(401, "")
        if self.path == "/latest/meta-data/instance-id":
            return self.answer(200, instance_id)
        prefix = "/latest/meta-data/tags/instance/"
        tags = json.load(open(tags_file))
        if self.path.startswith(prefix) and self.path[len(prefix):] in tags:
            return self.answer(200, tags[self.path[len(prefix):]])
        self.answer(404, "")
    def log_message(self, *args):
        pass
server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PY
    for _ in $(seq 1 100); do
        [[ -s $portfile ]] && break
        python3 -c 'import time; time.sleep(0.05)'
    done
    [[ -s $portfile ]] || fail "the IMDS stub did not start"
    IMDS_STUB_URL=http://127.0.0.1:$(cat "$portfile")
    export IMDS_STUB_URL
}
