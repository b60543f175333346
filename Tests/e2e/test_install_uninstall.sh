#!/usr/bin/env bash
# --uninstall reverses the installation (binaries, config, sshd settings, schedule, system user, key cache) but
# keeps the imported accounts and says how to remove them; running it twice is harmless; --dry-run changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.before"
expect_install_ok -i admins
groupadd iam-synced-users
useradd --create-home --groups iam-synced-users carol
echo "cached" >/var/cache/aws-ec2-ssh/carol

snapshot() {
    { find /etc /usr/local/sbin /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh -xdev -type f -exec sha256sum {} + 2>/dev/null || true; } | sort
}
before=$(snapshot)
run_install --uninstall --dry-run || fail "uninstall --dry-run failed"
assert_contains "$(install_output)" "would remove /usr/local/sbin/import_users" "dry-run plan"
assert_eq "$before" "$(snapshot)" "files after uninstall --dry-run"

run_install --uninstall || fail "uninstall failed"
out=$(install_output)
for path in /usr/local/sbin/import_users /usr/local/sbin/authorized_keys_command /etc/aws-ec2-ssh.conf \
    /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf /etc/cron.d/import_users /var/cache/aws-ec2-ssh; do
    [[ ! -e $path ]] || fail "uninstall left $path"
done
! getent passwd aws-ec2-ssh >/dev/null || fail "uninstall left the system user aws-ec2-ssh"
cmp -s "$SCRATCH/sshd_config.before" /etc/ssh/sshd_config || fail "sshd_config differs after uninstall"
/usr/sbin/sshd -t || fail "sshd -t fails after uninstall"
assert_eq none "$(effective_sshd authorizedkeyscommand)" "AuthorizedKeysCommand after uninstall"
# Accounts kept, with instructions.
id carol >/dev/null || fail "uninstall removed the imported account carol"
[[ -d /home/carol && -d /var/lib/aws-ec2-ssh ]] || fail "uninstall removed carol's home or the state directory"
assert_contains "$out" "getent group iam-synced-users" "how to list the accounts"
assert_contains "$out" "userdel --remove" "how to remove an account"

# Twice is fine.
run_install --uninstall || fail "a second uninstall failed"

# --keep-config keeps the file exactly as it was: 0640 root:aws-ec2-ssh (it may hold a secret), so the group stays.
expect_install_ok -i admins
run_install --uninstall --keep-config || fail "uninstall --keep-config failed"
assert_eq "640 root:aws-ec2-ssh" "$(file_mode /etc/aws-ec2-ssh.conf)" "kept config (owner and mode unchanged: it may hold AWS_SECRET_ACCESS_KEY)"
grep -qxF 'IAM_AUTHORIZED_GROUPS="admins"' /etc/aws-ec2-ssh.conf || fail "kept config lost its settings"
echo "uninstall ok"
