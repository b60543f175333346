# shellcheck shell=bash
# Helpers for the package tests (Tests/e2e/test_package_*.sh). Source lib.sh first. The packages are built once, outside
# the sandbox, by scripts/package-cache (scripts/e2e-run runs it and exports EC2SSH_PACKAGE_DIR): the .deb and .rpm of
# this checkout, and in upgrade/ two .debs of the same binaries labelled 1.0.0 and 1.0.1.
set -euo pipefail

: "${EC2SSH_PACKAGE_DIR:?no packages: run the test through scripts/e2e-run, which builds them (scripts/package-cache)}"
SCRATCH=/run/e2e-package
mkdir -p "$SCRATCH"
export TMPDIR=$SCRATCH
export DEBIAN_FRONTEND=noninteractive

# package_file GLOB: the one file in $EC2SSH_PACKAGE_DIR matching GLOB.
package_file() {
    local matches
    # shellcheck disable=SC2206 # the glob is meant to expand
    matches=($EC2SSH_PACKAGE_DIR/$1)
    if ((${#matches[@]} != 1)) || [[ ! -f ${matches[0]} ]]; then
        fail "expected one $1 in $EC2SSH_PACKAGE_DIR, found: ${matches[*]}"
    fi
    echo "${matches[0]}"
}

# file_mode PATH: "mode owner:group" of PATH, for example "644 root:root".
file_mode() {
    stat -c '%a %U:%G' "$1"
}

# effective_sshd KEYWORD: the value sshd -T reports for KEYWORD (lower case).
effective_sshd() {
    /usr/sbin/sshd -T 2>/dev/null | awk -v k="$1" 'tolower($1) == k { $1 = ""; sub(/^ /, ""); print }'
}

# run_logged COMMAND...: run COMMAND, its output indented into the test's log and kept in $SCRATCH/out; returns its
# exit status.
run_logged() {
    local status=0
    "$@" >"$SCRATCH/out" 2>&1 || status=$?
    sed 's/^/    | /' "$SCRATCH/out"
    return "$status"
}

# configure_for_moto: what an administrator does after installing the package: AWS access in /etc/aws-ec2-ssh.conf
# (appended to the packaged sample, which stays as it is above), pointing at moto.
configure_for_moto() {
    cat >>/etc/aws-ec2-ssh.conf <<CONF
AWS_ENDPOINT_URL="$EC2SSH_TEST_MOTO_URL"
AWS_ACCESS_KEY_ID="$EC2SSH_TEST_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$EC2SSH_TEST_SECRET_ACCESS_KEY"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
CONF
}

# start_host_sshd: the host's own sshd (its /etc/ssh/sshd_config and drop-ins, as the package left them) on a free
# 127.0.0.1 port; sets SSHD_PORT, SSHD_PID_FILE and SSHD_LOG.
start_host_sshd() {
    ssh-keygen -A >/dev/null
    mkdir -p /run/sshd
    SSHD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    SSHD_PID_FILE=/run/sshd-package.pid
    SSHD_LOG=$SCRATCH/sshd.log
    /usr/sbin/sshd -p "$SSHD_PORT" -o ListenAddress=127.0.0.1 -o PidFile="$SSHD_PID_FILE" -o LogLevel=VERBOSE \
        -E "$SSHD_LOG"
    local _
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $SSHD_PORT), timeout=0.2)" 2>/dev/null && return 0
        python3 -c 'import time; time.sleep(0.1)'
    done
    fail "sshd did not start: $(cat "$SSHD_LOG")"
}

# reload_host_sshd: SIGHUP, as `systemctl reload ssh` does, and wait until it listens again.
reload_host_sshd() {
    kill -HUP "$(cat "$SSHD_PID_FILE")"
    local _
    python3 -c 'import time; time.sleep(0.3)'
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $SSHD_PORT), timeout=0.2)" 2>/dev/null && return 0
        python3 -c 'import time; time.sleep(0.1)'
    done
    fail "sshd did not come back after SIGHUP: $(cat "$SSHD_LOG")"
}

# local_user_with_key NAME KEYFILE: a local account (not IAM) that logs in with ~/.ssh/authorized_keys.
local_user_with_key() {
    useradd --create-home --shell /bin/bash "$1"
    usermod -p '*' "$1"
    ssh-keygen -q -t ed25519 -N '' -C "e2e-$1" -f "$2"
    install -d -o "$1" -g "$1" -m 0700 "/home/$1/.ssh"
    install -o "$1" -g "$1" -m 0600 "$2.pub" "/home/$1/.ssh/authorized_keys"
}

# assert_key_command_is_ours: sshd's effective AuthorizedKeysCommand is the packaged key command itself,
# /usr/sbin/authorized_keys_command %u %f (the setup's package mode: no copy elsewhere), run as aws-ec2-ssh.
assert_key_command_is_ours() {
    assert_eq "/usr/sbin/authorized_keys_command %u %f" "$(effective_sshd authorizedkeyscommand)" \
        "effective AuthorizedKeysCommand"
    assert_eq aws-ec2-ssh "$(effective_sshd authorizedkeyscommanduser)" "effective AuthorizedKeysCommandUser"
    assert_nothing_in_local_sbin
}

# assert_scheduled: import_users is scheduled (the cron file here: no systemd runs in the sandbox) and runs the packaged
# /usr/sbin/import_users itself.
assert_scheduled() {
    [[ -f /etc/cron.d/import_users ]] || fail "no /etc/cron.d/import_users after installing the package"
    local program
    program=$(grep -Eo '/[^ ]*/import_users$' /etc/cron.d/import_users) || fail "the cron file runs no import_users"
    assert_eq /usr/sbin/import_users "$program" "the program the cron file runs"
}

# assert_nothing_in_local_sbin: the package's setup copied no program into /usr/local/sbin (the package manager owns
# the only copies, in /usr/sbin).
assert_nothing_in_local_sbin() {
    local path
    for path in /usr/local/sbin/import_users /usr/local/sbin/authorized_keys_command; do
        [[ ! -e $path ]] || fail "the package's setup left a copy in $path"
    done
}

# snapshot_paths: every path under the directories a package or its scripts could write, except the package
# manager's own records and logs, and the canaries that Tests/e2e/host_test_sandbox_containment.sh puts on the
# machine itself (the sandbox's root overlays the live one, so another run of it on the machine shows through).
snapshot_paths() {
    find /etc /usr /var /opt /lib /srv -xdev \
        \( -path /var/lib/dpkg -o -path /var/log -o -path /var/cache/debconf -o -path /var/lib/rpm \) -prune -o \
        ! -name '.ec2ssh-canary-*' -print | sort
}
