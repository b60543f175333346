#!/usr/bin/env bash
# Issue 12, defect 5: --set accepts every documented key (there is no list of its own any more: the parser's keys,
# AWS_* and the proxy variables in either case), so the README's fleet example works.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

# --- 5. Every documented key is settable: the README's fleet example and the keys KNOWN_KEYS used to refuse.
expect_install_ok --set IAM_AUTHORIZED_GROUPS_TAG=ssh-groups --set SUDOERS_GROUPS_TAG=ssh-sudo-groups \
    --set "USERADD_ARGS=--create-home --shell /bin/sh" --set UID_RANGE=20000-29999 \
    --set KEY_CACHE_DIR=/var/cache/ec2ssh-keys --set https_proxy=http://127.0.0.1:3128 --set no_proxy=localhost
for line in 'IAM_AUTHORIZED_GROUPS_TAG="ssh-groups"' 'SUDOERS_GROUPS_TAG="ssh-sudo-groups"' 'UID_RANGE="20000-29999"' \
    'KEY_CACHE_DIR="/var/cache/ec2ssh-keys"' 'https_proxy="http://127.0.0.1:3128"' 'no_proxy="localhost"'; do
    grep -qxF "$line" /etc/aws-ec2-ssh.conf || fail "/etc/aws-ec2-ssh.conf lacks [$line]"
done
assert_eq "700 aws-ec2-ssh:aws-ec2-ssh" "$(file_mode /var/cache/ec2ssh-keys)" "the dedicated cache directory"
echo "set keys ok"
