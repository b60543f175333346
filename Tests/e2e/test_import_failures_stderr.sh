#!/usr/bin/env bash
# Every failure speaks through a pipe: with stdout and stderr both pipes (as under cron, systemd, cloud-init or SSM),
# import_users prints each failure once on stderr as one line with its cause and what to do, for no credentials, a
# wrong secret, an unreachable and a hanging endpoint, a corrupt state.json, a missing --config file and a run as
# non-root (each failure also with --dry-run, --json and both, but the hanging endpoint: the plain run and both); config
# typo warnings reach stderr too, informational lines do not. After each run last-run.json and
# the METRICS_FILE hold the result, and a failed run keeps the time of the last success.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

METRICS=/var/lib/node-exporter/aws_ec2_ssh.prom
mkdir -p /var/lib/node-exporter

# piped COMMAND...: run COMMAND with stdin from /dev/null and stdout and stderr each into a pipe (never a terminal);
# sets PIPED_STATUS, PIPED_OUT and PIPED_ERR.
piped() {
    PIPED_STATUS=0
    python3 - "$@" <<'PY' || PIPED_STATUS=$?
import subprocess, sys
p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
open("/run/piped.out", "wb").write(p.stdout)
open("/run/piped.err", "wb").write(p.stderr)
sys.exit(p.returncode)
PY
    PIPED_OUT=$(cat /run/piped.out)
    PIPED_ERR=$(cat /run/piped.err)
}

# expect_failure STATUS CAUSE ADVICE [ARGS...]: import_users exits STATUS and prints exactly one error line on stderr,
# holding CAUSE and ADVICE.
expect_failure() {
    local status=$1 cause=$2 advice=$3
    shift 3
    piped "$IMPORT_USERS" --config "$IMPORT_CONF" "$@"
    [[ $PIPED_STATUS == "$status" ]] || fail "import_users $* exited $PIPED_STATUS, expected $status; stderr: $PIPED_ERR"
    local errors
    errors=$(grep -c '^import_users: error: ' <<<"$PIPED_ERR" || true)
    assert_eq 1 "$errors" "error lines on stderr of import_users $* ($PIPED_ERR)"
    assert_contains "$PIPED_ERR" "$cause" "stderr of import_users $*"
    assert_contains "$PIPED_ERR" "$advice" "stderr of import_users $*"
    assert_not_contains "$PIPED_ERR" "IAM read failed" "stderr of import_users $*"
    echo "import_users $* -> $status: $PIPED_ERR"
}

# status_field NAME: a top-level field of last-run.json.
status_field() {
    python3 -c "import json,sys; print(json.load(open('$STATE_DIR/last-run.json'))[sys.argv[1]])" "$1"
}

# metric NAME: the value of a sample in the metrics file.
metric() {
    awk -v name="$1" '$1 == name { print $2 }' "$METRICS"
}

import_setup "METRICS_FILE=\"$METRICS\""
iam_user alice

# A config typo is a warning on stderr; a quiet successful run prints nothing else there.
write_import_conf "$AWS_ENDPOINT_URL" "METRICS_FILE=\"$METRICS\"
SUDOERS_GROUP=\"admins\""
piped "$IMPORT_USERS" --config "$IMPORT_CONF"
assert_eq 0 "$PIPED_STATUS" "exit status of a run with a typo ($PIPED_ERR)"
assert_contains "$PIPED_ERR" "import_users: warning: $IMPORT_CONF:7: unknown key SUDOERS_GROUP"
assert_not_contains "$PIPED_ERR" "notice:" "stderr of a quiet run"
assert_not_contains "$PIPED_ERR" "info:" "stderr of a quiet run"
assert_eq "" "$PIPED_OUT" "stdout of a quiet run"
getent passwd alice >/dev/null || fail "alice was not created"
assert_eq "ok" "$(status_field result)" "result in last-run.json"
assert_eq "644 root" "$(stat -c '%a %U' "$STATE_DIR/last-run.json")" "mode and owner of last-run.json"
success=$(metric aws_ec2_ssh_import_last_success_timestamp_seconds)
[[ $success =~ ^[0-9]{10}$ ]] || fail "last success timestamp [$success]"
assert_eq 1 "$(metric aws_ec2_ssh_import_last_run_success)" "last_run_success after a good run"
created=$(metric 'aws_ec2_ssh_import_last_run_accounts{change="created"}')
[[ $created -ge 1 ]] || fail "created in the metrics: [$created]"
assert_eq "$created" "$(metric aws_ec2_ssh_import_managed_accounts)" "managed accounts in the metrics"

# --json through a pipe: the document on stdout, nothing but warnings on stderr.
write_import_conf "$AWS_ENDPOINT_URL" "METRICS_FILE=\"$METRICS\""
piped "$IMPORT_USERS" --config "$IMPORT_CONF" --json
assert_eq 0 "$PIPED_STATUS" "exit status of --json ($PIPED_ERR)"
assert_eq "" "$PIPED_ERR" "stderr of a clean --json run"
python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['format'] == 1 and d['mode'] == 'apply' and d['actions'] == [], d" \
    "$PIPED_OUT" || fail "--json printed [$PIPED_OUT]"
last_success=$(status_field lastSuccessAt)
success=$(metric aws_ec2_ssh_import_last_success_timestamp_seconds)

# A wrong secret (moto checks signatures): one line with the code and what to do, also with --dry-run and --json.
write_import_conf "$AWS_ENDPOINT_URL" "METRICS_FILE=\"$METRICS\""
sed -i 's/^AWS_SECRET_ACCESS_KEY=.*/AWS_SECRET_ACCESS_KEY="wrong-secret"/' "$IMPORT_CONF"
for args in "" "--dry-run" "--json" "--dry-run --json"; do
    # shellcheck disable=SC2086 # $args is zero to two words
    expect_failure 3 "SignatureDoesNotMatch" "AWS rejected the credentials" $args
    assert_eq "" "$PIPED_OUT" "stdout of a failed import_users $args"
done
assert_eq "failed" "$(status_field result)" "result after a failed run"
assert_eq "$last_success" "$(status_field lastSuccessAt)" "lastSuccessAt after a failed run"
assert_eq "$success" "$(metric aws_ec2_ssh_import_last_success_timestamp_seconds)" "last success after a failed run"
assert_eq 0 "$(metric aws_ec2_ssh_import_last_run_success)" "last_run_success after a failed run"
assert_eq 3 "$(metric aws_ec2_ssh_import_last_run_exit_code)" "exit code in the metrics"

# No credentials anywhere (the environment of the test has some: take them away).
cat >"$IMPORT_CONF" <<CONF
AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
CONF
for args in "" "--dry-run" "--json" "--dry-run --json"; do
    # shellcheck disable=SC2086 # $args is zero to two words
    piped env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent "$IMPORT_USERS" --config "$IMPORT_CONF" $args
    assert_eq 3 "$PIPED_STATUS" "exit status without credentials, $args ($PIPED_ERR)"
    assert_eq 1 "$(grep -c '^import_users: error: ' <<<"$PIPED_ERR")" "error lines without credentials ($PIPED_ERR)"
    assert_contains "$PIPED_ERR" "no AWS credentials found"
    assert_contains "$PIPED_ERR" "attach an instance profile"
    assert_eq "" "$PIPED_OUT" "stdout without credentials, $args"
done

# An endpoint nobody listens on.
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
write_import_conf "http://127.0.0.1:$closed"
for args in "" "--dry-run" "--json" "--dry-run --json"; do
    # shellcheck disable=SC2086 # $args is zero to two words
    expect_failure 3 "network error" "check that this host can reach the IAM endpoint" $args
    assert_eq "" "$PIPED_OUT" "stdout of a failed import_users $args"
done

# An endpoint that accepts connections and never answers (each request times out; the whole call has a deadline).
hang_port_file=/run/hang.port
python3 - "$hang_port_file" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(s.accept()[0])
PY
for _ in $(seq 1 100); do
    [[ -s $hang_port_file ]] && break
    python3 -c 'import time; time.sleep(0.05)'
done
write_import_conf "http://127.0.0.1:$(cat "$hang_port_file")"
for args in "" "--dry-run --json"; do
    # shellcheck disable=SC2086 # $args is zero to two words
    expect_failure 3 "ListUsers" "did not answer in time" $args
done

# A corrupt state.json in the root-owned STATE_DIR.
write_import_conf "$AWS_ENDPOINT_URL"
printf '{"version": 1, "accounts": ' >"$STATE_DIR/state.json"
for args in "" "--dry-run" "--json" "--dry-run --json"; do
    # shellcheck disable=SC2086 # $args is zero to two words
    expect_failure 2 "$STATE_DIR/state.json" "restore it from a backup" $args
    assert_contains "$PIPED_ERR" "not valid JSON"
    assert_not_contains "$PIPED_ERR" "DecodingError"
done

# A --config file that does not exist is an error, not the defaults.
piped "$IMPORT_USERS" --config /nonexistent.conf
assert_eq 2 "$PIPED_STATUS" "exit status of a missing --config file ($PIPED_ERR)"
assert_contains "$PIPED_ERR" "/nonexistent.conf: the configuration file named with --config does not exist"

# Not root: says so, exit 2, and does not touch the lock file.
chmod 0644 "$IMPORT_CONF"
piped setpriv --reuid=65534 --regid=65534 --clear-groups "$IMPORT_USERS" --config "$IMPORT_CONF"
assert_eq 2 "$PIPED_STATUS" "exit status as nobody ($PIPED_ERR)"
assert_contains "$PIPED_ERR" "import_users must run as root (it runs as uid 65534)"
assert_not_contains "$PIPED_ERR" "Permission denied"

# Under cron and systemd, stderr reaches the operator: nothing throws it away.
assert_not_contains "$(grep import_users "$EC2SSH_REPO/cron/import_users" | grep -v '^#')" ">" "the cron line"
assert_not_contains "$(cat "$EC2SSH_REPO"/etc/systemd/*.service)" "StandardError=null" "the systemd unit"
# --version of both programs and of install.sh: the version and the commit.
assert_eq "import_users $(sed -n 's/.*let version = "\(.*\)"/\1/p' "$EC2SSH_REPO/Sources/EC2SSHShared/BuildInfo.swift") (commit $(sed -n 's/.*let commit = "\(.*\)"/\1/p' "$EC2SSH_REPO/Sources/EC2SSHShared/BuildInfo.swift"))" \
    "$("$IMPORT_USERS" --version)" "import_users --version"
version_line='^(authorized_keys_command|install\.sh) [^ ]+ \(commit [^ ]+\)$'
keys_version=$("$EC2SSH_BIN_DIR/authorized_keys_command" --version)
[[ $keys_version =~ $version_line ]] || fail "authorized_keys_command --version: $keys_version"
install_version=$(bash "$EC2SSH_REPO/install.sh" --version)
[[ $install_version =~ $version_line ]] || fail "install.sh --version: $install_version"
echo "failures speak ok"
