#!/usr/bin/env bash
# Issue 12, defect 1: a symlinked sshd_config or drop-in is never followed nor replaced (a world-writable file put over
# the link would let any user set AuthorizedKeysCommandUser root), and nothing we write under /etc/ssh keeps group or
# other write bits.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.good"

# --- 1. A symlinked sshd_config that needs editing (no Include) is refused: the link and its target stay.
sed '/^Include /d' "$SCRATCH/sshd_config.good" >/etc/ssh/sshd_config.real
chmod 0644 /etc/ssh/sshd_config.real
ln -sf /etc/ssh/sshd_config.real /etc/ssh/sshd_config
expect_refused "/etc/ssh/sshd_config is a symbolic link" --timer=cron
[[ -L /etc/ssh/sshd_config ]] || fail "the symlink was replaced"
assert_eq "644 root:root" "$(file_mode /etc/ssh/sshd_config.real)" "the link's target"
rm /etc/ssh/sshd_config
cp -a "$SCRATCH/sshd_config.good" /etc/ssh/sshd_config

# 1. A symlinked drop-in read before ours that sets AuthorizedKeysCommand (it would be commented out) likewise.
printf 'AuthorizedKeysCommand /opt/other %%u\nAuthorizedKeysCommandUser nobody\n' >/etc/ssh/other-akc.conf
ln -s /etc/ssh/other-akc.conf /etc/ssh/sshd_config.d/00-a-other.conf
/usr/sbin/sshd -t || fail "test setup: sshd -t"
expect_refused "/etc/ssh/sshd_config.d/00-a-other.conf is a symbolic link"
rm /etc/ssh/sshd_config.d/00-a-other.conf /etc/ssh/other-akc.conf

# 1. A group/world-writable sshd_config we edit is written without those bits.
sed '/^Include /d' "$SCRATCH/sshd_config.good" >/etc/ssh/sshd_config
chmod 0666 /etc/ssh/sshd_config
expect_install_ok
assert_eq "644 root:root" "$(file_mode /etc/ssh/sshd_config)" "sshd_config after the installation"
writable=$(find /etc/ssh /etc/aws-ec2-ssh.conf -perm /022 ! -type l)
[[ -z $writable ]] || fail "group/other-writable after the installation: $writable"
echo "symlinks ok"
