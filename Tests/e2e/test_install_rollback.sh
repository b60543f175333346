#!/usr/bin/env bash
# A broken sshd configuration is never left behind: an already broken one stops install.sh before any change; one
# that sshd -t rejects after the change is rolled back, every file as it was.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

snapshot() {
    { find /etc/ssh /etc/cron.d /usr/local/sbin /etc/aws-ec2-ssh.conf -xdev -type f -exec sha256sum {} + 2>/dev/null || true; } | sort
}

# 1. Already broken: nothing changes.
cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.good"
echo "ThisIsNotAnOption yes" >>/etc/ssh/sshd_config
before=$(snapshot)
if run_install; then fail "install.sh succeeded on a broken sshd configuration"; fi
assert_contains "$(install_output)" "invalid before any change" "message"
assert_eq "$before" "$(snapshot)" "files after refusing"
[[ ! -e /usr/local/sbin/import_users ]] || fail "binaries installed although sshd's config was broken"
cp -a "$SCRATCH/sshd_config.good" /etc/ssh/sshd_config

# 2. sshd -t rejects the result (simulated by an sshd that fails -t once our drop-in exists): roll back.
printf '%s\n' '# kept by the operator' 'IAM_AUTHORIZED_GROUPS="before"' >/etc/aws-ec2-ssh.conf
chmod 0644 /etc/aws-ec2-ssh.conf
mkdir -p /run/fakebin
cat >/run/fakebin/sshd <<'SH'
#!/bin/sh
if [ "$1" = "-t" ] && [ -e /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf ]; then
    echo "/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf line 4: Bad configuration option: simulated" >&2
    exit 255
fi
exec /usr/sbin/sshd "$@"
SH
chmod 0755 /run/fakebin/sshd
before=$(snapshot)
modes_before=$(stat -c '%n %a %U:%G' /etc/aws-ec2-ssh.conf /etc/ssh/sshd_config)
status=0
PATH=/run/fakebin:$PATH run_install -i after || status=$?
assert_eq 1 "$status" "exit status after a rejected sshd configuration"
out=$(install_output)
assert_contains "$out" "sshd rejects the new configuration" "message"
assert_contains "$out" "Bad configuration option: simulated" "sshd's own message"
assert_contains "$out" "rolling back" "rollback notice"
assert_eq "$before" "$(snapshot)" "files after the rollback"
assert_eq "$modes_before" "$(stat -c '%n %a %U:%G' /etc/aws-ec2-ssh.conf /etc/ssh/sshd_config)" "modes after the rollback"
[[ ! -e /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf ]] || fail "the drop-in survived the rollback"
[[ ! -e /usr/local/sbin/authorized_keys_command ]] || fail "the key command survived the rollback"
[[ ! -e /etc/cron.d/import_users ]] || fail "the cron file survived the rollback"
/usr/sbin/sshd -t || fail "sshd -t fails after the rollback"

# 3. Same for an sshd_config without Include, edited in place.
sed -i '/^Include /d' /etc/ssh/sshd_config
cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.noinclude"
cat >/run/fakebin/sshd <<'SH'
#!/bin/sh
if [ "$1" = "-t" ] && grep -q '^AuthorizedKeysCommand /usr/local/sbin/' /etc/ssh/sshd_config; then
    echo "simulated rejection" >&2
    exit 255
fi
exec /usr/sbin/sshd "$@"
SH
if PATH=/run/fakebin:$PATH run_install; then fail "install.sh succeeded although sshd -t failed"; fi
cmp -s "$SCRATCH/sshd_config.noinclude" /etc/ssh/sshd_config || fail "sshd_config not restored: $(diff "$SCRATCH/sshd_config.noinclude" /etc/ssh/sshd_config)"

# 4. Then a real installation still works.
expect_install_ok
assert_installed_defaults
echo "rollback ok"
