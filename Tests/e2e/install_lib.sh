# shellcheck shell=bash
# Helpers for the install.sh end-to-end tests (Tests/e2e/test_install_*.sh). Source lib.sh first: every test runs
# inside scripts/sandbox, where /etc, /var, /usr/local and /opt are throwaway overlays and /run, /home are tmpfs.
set -euo pipefail

INSTALL_SH=$EC2SSH_REPO/install.sh
# Sandbox-only scratch space (tmpfs): never /tmp, which is the machine's.
SCRATCH=/run/e2e-install
mkdir -p "$SCRATCH"
export TMPDIR=$SCRATCH

# run_install ARGS...: run install.sh with the debug binaries, the cron schedule (no cron daemon runs in the
# sandbox) and without the first import (import_users would need AWS; test_install_host_integration.sh covers the
# first import with a stand-in); its output goes to $SCRATCH/out and to this test's log; its exit status is returned.
# shellcheck disable=SC2120 # arguments are optional
run_install() {
    local status=0
    bash "$INSTALL_SH" --bin-dir "$EC2SSH_BIN_DIR" --timer=cron --no-first-import "$@" >"$SCRATCH/out" 2>&1 || status=$?
    sed 's/^/    | /' "$SCRATCH/out"
    return "$status"
}

# install_output: what the last run_install printed.
install_output() {
    cat "$SCRATCH/out"
}

# expect_install_ok ARGS...: run install.sh and fail the test unless it exits 0.
# shellcheck disable=SC2120 # arguments are optional
expect_install_ok() {
    run_install "$@" || fail "install.sh $* exited with $?"
}

# file_mode PATH: "mode owner:group" of PATH, for example "644 root:root".
file_mode() {
    stat -c '%a %U:%G' "$1"
}

# count_active KEY FILE: how many active KEY= lines FILE has.
count_active() {
    grep -cE "^[[:space:]]*$1=" "$2" || true
}

# effective_sshd KEYWORD: the value sshd -T reports for KEYWORD (lower case).
effective_sshd() {
    /usr/sbin/sshd -T 2>/dev/null | awk -v k="$1" 'tolower($1) == k { $1 = ""; sub(/^ /, ""); print }'
}

# assert_installed_defaults: what every successful installation must leave behind.
assert_installed_defaults() {
    local name
    for name in import_users authorized_keys_command; do
        assert_eq "755 root:root" "$(file_mode "/usr/local/sbin/$name")" "/usr/local/sbin/$name mode"
        cmp -s "$EC2SSH_BIN_DIR/$name" "/usr/local/sbin/$name" || fail "/usr/local/sbin/$name differs from $EC2SSH_BIN_DIR/$name"
    done
    assert_eq "640 root:aws-ec2-ssh" "$(file_mode /etc/aws-ec2-ssh.conf)" "config mode"
    getent passwd aws-ec2-ssh >/dev/null || fail "the system user aws-ec2-ssh does not exist"
    assert_contains "$(getent passwd aws-ec2-ssh | cut -d: -f7)" nologin "aws-ec2-ssh login shell"
    assert_eq "755 root:root" "$(file_mode /var/lib/aws-ec2-ssh)" "state dir (the key command reads managed-users.json in it; state.json itself is 0600)"
    assert_eq "700 aws-ec2-ssh:aws-ec2-ssh" "$(file_mode /var/cache/aws-ec2-ssh)" "key cache dir"
    /usr/sbin/sshd -t || fail "sshd -t fails after the installation"
    assert_eq "/usr/local/sbin/authorized_keys_command %u %f" "$(effective_sshd authorizedkeyscommand)" "effective AuthorizedKeysCommand"
    assert_eq "aws-ec2-ssh" "$(effective_sshd authorizedkeyscommanduser)" "effective AuthorizedKeysCommandUser"
}

# assert_cron_file: /etc/cron.d/import_users runs our binary every 10 minutes at a fixed per-host offset.
assert_cron_file() {
    assert_eq "644 root:root" "$(file_mode /etc/cron.d/import_users)" "cron file mode"
    grep -Eq '^[0-9]-59/10 \* \* \* \* root sleep [0-9]{1,2} && /usr/local/sbin/import_users$' /etc/cron.d/import_users ||
        fail "no schedule line in /etc/cron.d/import_users: $(cat /etc/cron.d/import_users)"
    ! grep -Eq "^[^#].*@(MINUTE|SECOND)@" /etc/cron.d/import_users || fail "placeholder left in /etc/cron.d/import_users"
    grep -q "replaces @MINUTE@ (0-9) and @SECOND@" /etc/cron.d/import_users || fail "the cron file comment was altered"
}

# install_snapshot: path, mode, owner, link target and hash of every file install.sh may touch.
install_snapshot() {
    { find /etc /usr/local/sbin /var/lib /var/cache -xdev \( -type f -o -type l \) -printf '%p %m %u:%g %l\n' \
        -exec sha256sum {} + 2>/dev/null || true; } | sort
}

# expect_refused MESSAGE ARGS...: install.sh with ARGS fails, says MESSAGE, changes no file and creates no user.
expect_refused() {
    local message=$1 before
    shift
    before=$(install_snapshot)
    if run_install "$@"; then fail "install.sh $* was accepted"; fi
    assert_contains "$(install_output)" "$message" "message for install.sh $*"
    assert_eq "$before" "$(install_snapshot)" "files after refusing install.sh $*"
    ! getent passwd aws-ec2-ssh >/dev/null || fail "install.sh $* created the system user before refusing"
}
