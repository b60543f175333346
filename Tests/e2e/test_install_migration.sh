#!/usr/bin/env bash
# A host set up by the bash tool widdix/aws-ec2-ssh: scripts in /opt, its cron file, its sshd lines, its config and
# the accounts it created. install.sh takes it over without losing a user or a setting.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

for name in import_users authorized_keys_command; do
    printf '#!/bin/bash -e\n# bash aws-ec2-ssh\naws iam list-users\n' >"/opt/$name.sh"
    chmod 0755 "/opt/$name.sh"
done
printf '%s\n' 'IAM_AUTHORIZED_GROUPS="ssh-users"' 'LOCAL_MARKER_GROUP="iam-synced-users"' 'LOCAL_GROUPS=""' \
    'SUDOERSGROUP="admins"' 'ASSUMEROLE=""' 'DONOTSYNC=0' >/etc/aws-ec2-ssh.conf
cp /etc/aws-ec2-ssh.conf "$SCRATCH/config.old"
printf '%s\n' 'SHELL=/bin/bash' 'MAILTO=root' '*/10 * * * * root /opt/import_users.sh' >/etc/cron.d/import_users
sed -i 's:#AuthorizedKeysCommand none:AuthorizedKeysCommand /opt/authorized_keys_command.sh:' /etc/ssh/sshd_config
sed -i 's:#AuthorizedKeysCommandUser nobody:AuthorizedKeysCommandUser nobody:' /etc/ssh/sshd_config
grep -q '^AuthorizedKeysCommand /opt/authorized_keys_command.sh$' /etc/ssh/sshd_config || fail "test setup: sshd line"
groupadd iam-synced-users
useradd --create-home --shell /bin/bash --groups iam-synced-users alice
useradd --create-home --shell /bin/bash --groups iam-synced-users bob.at.example.com
echo 'alice ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/alice
chmod 0440 /etc/sudoers.d/alice

expect_install_ok
out=$(install_output)
assert_contains "$out" "found the bash version of aws-ec2-ssh" "migration notice"
assert_installed_defaults
assert_cron_file
assert_not_contains "$(cat /etc/cron.d/import_users)" "/opt/import_users.sh" "cron file"

# Old scripts gone, kept aside.
for name in import_users authorized_keys_command; do
    [[ ! -e /opt/$name.sh ]] || fail "/opt/$name.sh is still there"
    [[ -f /var/lib/aws-ec2-ssh/migrated-from-bash-tool/_opt_$name.sh ]] || fail "no copy of /opt/$name.sh kept"
done
# Old sshd lines commented out, with a marker.
grep -qxF '#aws-ec2-ssh-migrated# AuthorizedKeysCommand /opt/authorized_keys_command.sh' /etc/ssh/sshd_config ||
    fail "the old AuthorizedKeysCommand line was not commented out: $(grep -n AuthorizedKeys /etc/ssh/sshd_config)"
grep -qxF '#aws-ec2-ssh-migrated# AuthorizedKeysCommandUser nobody' /etc/ssh/sshd_config ||
    fail "the old AuthorizedKeysCommandUser line was not commented out"
# The old tool's command is not chained (it is replaced).
assert_eq 0 "$(count_active CHAINED_AUTHORIZED_KEYS_COMMAND /etc/aws-ec2-ssh.conf)" "chained old tool"
# Config: every old setting kept as it was.
while IFS= read -r line; do
    grep -qxF "$line" /etc/aws-ec2-ssh.conf || fail "old setting [$line] lost"
done <"$SCRATCH/config.old"
# Users, homes, sudoers untouched; the marker group members are recorded for import_users.
for user in alice bob.at.example.com; do
    id "$user" >/dev/null || fail "$user was removed"
    [[ -d /home/$user ]] || fail "/home/$user was removed"
    grep -qxF "$user" /var/lib/aws-ec2-ssh/migrated-from-bash-tool/marker-group-members || fail "$user not recorded"
done
assert_contains "$(getent group iam-synced-users)" "alice,bob.at.example.com" "marker group"
[[ -f /etc/sudoers.d/alice ]] || fail "/etc/sudoers.d/alice was removed"

# Running it again is a no-op for the migration.
expect_install_ok
assert_not_contains "$(install_output)" "found the bash version" "second run"
echo "migration ok"
