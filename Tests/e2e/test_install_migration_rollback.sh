#!/usr/bin/env bash
# A migration from the bash tool is all or nothing: a configuration with shell code in it stops it before any
# change, naming the line to rewrite; a failing permission check or first import puts everything back, so the bash
# tool keeps working exactly as before (its scripts, sshd settings and cron file) and none of our state is left.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"
source "$(dirname "$0")/install_lib.sh"

start_moto
iam_user alice ssh-users
for name in import_users authorized_keys_command; do
    printf '#!/bin/bash -e\n# bash aws-ec2-ssh\naws iam list-users\n' >"/opt/$name.sh"
    chmod 0755 "/opt/$name.sh"
done
printf '%s\n' '*/10 * * * * root /opt/import_users.sh' >/etc/cron.d/import_users
sed -i 's:#AuthorizedKeysCommand none:AuthorizedKeysCommand /opt/authorized_keys_command.sh:' /etc/ssh/sshd_config
sed -i 's:#AuthorizedKeysCommandUser nobody:AuthorizedKeysCommandUser nobody:' /etc/ssh/sshd_config
groupadd iam-synced-users
useradd --create-home --groups iam-synced-users alice

snapshot() {
    { find /etc/ssh /etc/cron.d /etc/sudoers.d /etc/aws-ec2-ssh.conf /opt/import_users.sh /opt/authorized_keys_command.sh \
        /usr/local/sbin /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh -xdev -type f -printf '%p %m %u:%g\n' \
        -exec sha256sum {} + 2>/dev/null || true; } | sort
}

# install_full: install.sh with the first import (a migration needs it), output in $SCRATCH/out; returns its status.
install_full() {
    local status=0
    bash "$INSTALL_SH" --bin-dir "$EC2SSH_BIN_DIR" --timer=cron >"$SCRATCH/out" 2>&1 || status=$?
    sed 's/^/    | /' "$SCRATCH/out"
    return "$status"
}

# assert_old_tool_intact BEFORE: every file as in the snapshot BEFORE, and no trace of the new tool.
assert_old_tool_intact() {
    assert_eq "$1" "$(snapshot)" "files after the refused migration"
    [[ -x /opt/import_users.sh && -x /opt/authorized_keys_command.sh ]] || fail "the bash tool's scripts are gone"
    assert_eq "/opt/authorized_keys_command.sh" "$(effective_sshd authorizedkeyscommand)" "sshd's key command"
    [[ ! -e /usr/local/sbin/import_users && ! -e /var/lib/aws-ec2-ssh && ! -e /var/cache/aws-ec2-ssh ]] ||
        fail "the refused migration left our files or state"
    ! getent passwd aws-ec2-ssh >/dev/null || fail "the refused migration left the system user"
}

# 1. Shell code in the old configuration: stop before any change, naming the line.
# shellcheck disable=SC2016 # the $(...) is the point: the bash tool ran its configuration as a script
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="$(cat /etc/sudo-groups)"'
before=$(snapshot)
status=0
install_full || status=$?
assert_eq 1 "$status" "exit status with shell code in the configuration"
assert_contains "$(install_output)" "/etc/aws-ec2-ssh.conf:7:" "the line to rewrite"
assert_contains "$(install_output)" "Rewrite that line" "what to do"
assert_old_tool_intact "$before"

# 2. AWS refuses the credentials: the permission check (import_users check) stops the migration before any change.
# (A first import that fails after the check passed is rolled back: SetupMigrationTests in HostSetupTests.)
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"'
sed -i 's/^AWS_SECRET_ACCESS_KEY=.*/AWS_SECRET_ACCESS_KEY="wrong-secret"/' /etc/aws-ec2-ssh.conf
before=$(snapshot)
status=0
install_full || status=$?
assert_eq 1 "$status" "exit status after a failing migration"
assert_contains "$(install_output)" "the permission check failed" "what stopped it"
assert_contains "$(install_output)" "the bash tool keeps working" "what the operator is told"
assert_old_tool_intact "$before"
id alice >/dev/null || fail "alice's account went"

# 3. Fixed: the migration goes through and adopts alice.
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"'
install_full || fail "the migration failed: $(install_output)"
[[ ! -e /opt/import_users.sh ]] || fail "the bash tool's script stayed after a successful migration"
assert_contains "$(cat /var/lib/aws-ec2-ssh/managed-users.json)" '"alice"' "alice is managed"
assert_eq "/usr/local/sbin/authorized_keys_command %u %f" "$(effective_sshd authorizedkeyscommand)" "sshd's key command"
echo "migration rollback ok"
