# shellcheck shell=bash
# Helpers for end-to-end tests. Sourced by Tests/e2e/test_*.sh, which scripts/e2e-run runs inside
# scripts/sandbox (private mount, network and PID namespaces: nothing here reaches the machine or the network).
set -euo pipefail

if [[ ${EC2SSH_IN_SANDBOX:-} != 1 ]]; then
    echo "e2e: refusing to run outside scripts/sandbox" >&2
    exit 2
fi
: "${EC2SSH_REPO:?run through scripts/e2e-run}"
: "${EC2SSH_BIN_DIR:?run through scripts/e2e-run}"

export AWS_EC2_METADATA_DISABLED=true

# fail MESSAGE: print and exit non-zero.
fail() {
    echo "FAILED: $*" >&2
    exit 1
}

# Python (boto3, moto) comes only from the project's virtual environment: its bin/ goes first on PATH, so `python3`
# below and in the tests is the venv's, never a python3 that happens to be on the machine's PATH.
# shellcheck source=scripts/toolchain.sh
source "$EC2SSH_REPO/scripts/toolchain.sh"
use_venv
[[ $(command -v python3) == "$EC2SSH_VENV/bin/python3" ]] || fail "python3 is $(command -v python3), not the venv's"

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
    [[ $1 == "$2" ]] || fail "${3:-value}: expected [$1], got [$2]"
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
    [[ $1 == *"$2"* ]] || fail "${3:-output} does not contain [$2]: [$1]"
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]
assert_not_contains() {
    [[ $1 != *"$2"* ]] || fail "${3:-output} unexpectedly contains [$2]: [$1]"
}

# start_moto: start moto inside the sandbox with signature checking on and export EC2SSH_TEST_* and AWS_* for it.
start_moto() {
    local envfile
    envfile=$(mktemp /tmp/ec2ssh-e2e-moto.XXXXXX)
    MOTO_LOG=$(mktemp /tmp/ec2ssh-e2e-moto-log.XXXXXX) "$EC2SSH_REPO/scripts/moto-up" "$envfile"
    # shellcheck disable=SC1090
    . "$envfile"
    export AWS_ACCESS_KEY_ID=$EC2SSH_TEST_ACCESS_KEY_ID
    export AWS_SECRET_ACCESS_KEY=$EC2SSH_TEST_SECRET_ACCESS_KEY
    export AWS_ENDPOINT_URL=$EC2SSH_TEST_MOTO_URL
    export AWS_REGION=us-east-1
}

# aws_cli ARGS...: run the AWS CLI (boto3 via python) against moto as the admin user.
aws_py() {
    python3 - "$@"
}

# start_syslog: receive syslog datagrams on /dev/log (see scripts/sandbox) and append them to $SYSLOG_FILE.
start_syslog() {
    export SYSLOG_FILE=/run/sandbox-syslog.log
    : >"$SYSLOG_FILE"
    python3 - >/dev/null 2>&1 <<'PY' &
import os, socket
path = "/run/sandbox-syslog.sock"
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
with open("/run/sandbox-syslog.ready", "w"):
    pass
with open("/run/sandbox-syslog.log", "ab", buffering=0) as out:
    while True:
        out.write(sock.recv(65536).rstrip(b"\n") + b"\n")
PY
    local _
    for _ in $(seq 1 100); do
        [[ -e /run/sandbox-syslog.ready ]] && return 0
        python3 -c 'import time; time.sleep(0.05)'
    done
    fail "syslog receiver did not start"
}

# start_test_sshd [EXTRA_CONFIG_LINES]: run sshd on a free 127.0.0.1 port with our key command as the only source
# of keys (AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f, as aws-ec2-ssh). Sets SSHD_PORT and
# SSHD_LOG; returns once the port accepts connections.
start_test_sshd() {
    ssh-keygen -A >/dev/null
    SSHD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    SSHD_LOG=/run/sshd-e2e.log
    cat >/etc/ssh/sshd_e2e_config <<CONF
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd-e2e.pid
AuthorizedKeysFile none
AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f
AuthorizedKeysCommandUser aws-ec2-ssh
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
${1:-}
CONF
    /usr/sbin/sshd -D -e -f /etc/ssh/sshd_e2e_config -p "$SSHD_PORT" -o ListenAddress=127.0.0.1 2>"$SSHD_LOG" &
    local _
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $SSHD_PORT), timeout=0.2)" 2>/dev/null && return 0
        python3 -c 'import time; time.sleep(0.1)'
    done
    fail "sshd did not start: $(cat "$SSHD_LOG")"
}

# ssh_login KEY USER COMMAND: run COMMAND over ssh as USER@127.0.0.1:$SSHD_PORT with the private KEY and an empty
# environment; prints its output (nothing when the login is refused). ssh's messages go to /run/ssh-e2e.log.
ssh_login() {
    env -i PATH=/usr/bin:/bin ssh -F /dev/null -i "$1" -p "$SSHD_PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -o LogLevel=ERROR \
        "$2@127.0.0.1" "$3" 2>>/run/ssh-e2e.log || true
}

# iam_user_with_key NAME KEYFILE: make an ed25519 key pair at KEYFILE(.pub), create IAM user NAME in moto with that
# public key, and print the user's IAM UserId.
iam_user_with_key() {
    ssh-keygen -q -t ed25519 -N '' -C "e2e-$1" -f "$2"
    python3 - "$1" "$(cat "$2.pub")" <<'PY'
import sys, boto3
iam = boto3.client("iam", region_name="us-east-1")
print(iam.create_user(UserName=sys.argv[1])["User"]["UserId"])
iam.upload_ssh_public_key(UserName=sys.argv[1], SSHPublicKeyBody=sys.argv[2])
PY
}

# key_command_host NAME IAM_USER_ID: a host set up for the key command alone (no import): the aws-ec2-ssh system user,
# a local account NAME (password locked, in the marker group iam-synced-users) that managed-users.json lists for IAM
# user NAME with IAM_USER_ID and its UID, the key cache directory, and the command installed where sshd trusts it.
key_command_host() {
    useradd --system --no-create-home --shell /usr/sbin/nologin aws-ec2-ssh
    useradd --create-home --shell /bin/bash "$1"
    usermod -p '*' "$1"
    groupadd iam-synced-users && usermod -a -G iam-synced-users "$1"
    install -d -o root -g root -m 0755 /var/lib/aws-ec2-ssh
    printf '{"version": 1, "users": {"%s": {"iamUserName": "%s", "iamUserID": "%s", "uid": %s}}}\n' \
        "$1" "$1" "$2" "$(id -u "$1")" >/var/lib/aws-ec2-ssh/managed-users.json
    install -d -o aws-ec2-ssh -g aws-ec2-ssh -m 0700 /var/cache/aws-ec2-ssh
    install -o root -g root -m 0755 "$EC2SSH_BIN_DIR/authorized_keys_command" /usr/local/sbin/authorized_keys_command
}

# write_key_command_conf ENDPOINT STALE_MAX TIMEOUT: /etc/aws-ec2-ssh.conf for the key command (the test's AWS
# credentials, IMDS off, KEY_CACHE_STALE_MAX and KEY_COMMAND_TIMEOUT as given), root:aws-ec2-ssh 0640.
write_key_command_conf() {
    cat >/etc/aws-ec2-ssh.conf <<CONF
AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
AWS_ENDPOINT_URL="$1"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
KEY_CACHE_STALE_MAX="$2"
KEY_COMMAND_TIMEOUT="$3"
CONF
    chown root:aws-ec2-ssh /etc/aws-ec2-ssh.conf
    chmod 0640 /etc/aws-ec2-ssh.conf
}
