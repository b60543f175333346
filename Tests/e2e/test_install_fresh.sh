#!/usr/bin/env bash
# install.sh on a fresh Debian host: binaries, config from the flags, system user, directories, sshd drop-in,
# cron schedule, first import; sshd -t passes and sshd uses our key command.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.before"
expect_install_ok -a arn:aws:iam::123456789012:role/ssh -i "admins,devs" -l "docker,adm" -s "admins" \
    -p /usr/sbin/useradd -u "--create-home --shell /bin/sh" -d /usr/sbin/userdel -f "--remove" -r v1.9.0 \
    --set UID_SOURCE=iam-user-id --set KEY_CACHE_TTL=60
assert_installed_defaults
assert_cron_file

config=/etc/aws-ec2-ssh.conf
for expected in 'ASSUMEROLE="arn:aws:iam::123456789012:role/ssh"' 'IAM_AUTHORIZED_GROUPS="admins,devs"' \
    'LOCAL_GROUPS="docker,adm"' 'SUDOERS_GROUPS="admins"' 'USERADD_PROGRAM="/usr/sbin/useradd"' \
    'USERADD_ARGS="--create-home --shell /bin/sh"' 'USERDEL_PROGRAM="/usr/sbin/userdel"' 'USERDEL_ARGS="--remove"' \
    'UID_SOURCE="iam-user-id"' 'KEY_CACHE_TTL="60"'; do
    grep -qxF "$expected" "$config" || fail "$config lacks the line [$expected]"
done
# The rest of the sample stays, commented, so every key is documented in place.
grep -qxF '#LOCAL_MARKER_GROUP="iam-synced-users"' "$config" || fail "sample comments missing from $config"
assert_eq 0 "$(count_active CHAINED_AUTHORIZED_KEYS_COMMAND "$config")" "chained command on a host without one"

dropin=/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf
assert_eq "644 root:root" "$(file_mode "$dropin")" "sshd drop-in mode"
grep -qxF "AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f" "$dropin" || fail "drop-in lacks AuthorizedKeysCommand"
grep -qxF "AuthorizedKeysCommandUser aws-ec2-ssh" "$dropin" || fail "drop-in lacks AuthorizedKeysCommandUser"
cmp -s "$SCRATCH/sshd_config.before" /etc/ssh/sshd_config || fail "sshd_config changed although it includes sshd_config.d"

# The key command's user can read the config and use its cache; an ordinary user cannot read the config.
runuser -u aws-ec2-ssh -- cat "$config" >/dev/null || fail "aws-ec2-ssh cannot read $config"
runuser -u aws-ec2-ssh -- touch /var/cache/aws-ec2-ssh/probe || fail "aws-ec2-ssh cannot write its key cache"
runuser -u aws-ec2-ssh -- /usr/local/sbin/authorized_keys_command --help >/dev/null || fail "aws-ec2-ssh cannot run the key command"
useradd e2e-someone
if runuser -u e2e-someone -- cat "$config" >/dev/null 2>&1; then fail "an ordinary user can read $config"; fi
# The state directory is world-searchable (the key command reads managed-users.json there) but the bash tool's
# migration copies and state.json are root-only.
runuser -u aws-ec2-ssh -- test -x /var/lib/aws-ec2-ssh || fail "aws-ec2-ssh cannot enter the state dir"
if runuser -u e2e-someone -- touch /var/lib/aws-ec2-ssh/probe >/dev/null 2>&1; then fail "an ordinary user can write the state dir"; fi

out=$(install_output)
assert_contains "$out" "-r v1.9.0 is not needed" "-r message"
assert_contains "$out" "not running the first import (--no-first-import)" "first import skipped"
assert_contains "$out" "sshd is not running: nothing to reload" "reload message"
assert_not_contains "$out" "error" "install output"

# --help documents every flag.
help=$(bash "$INSTALL_SH" --help)
for flag in -h -v -a -i -l -s -p -u -d -f -r --set --timer --bin-dir --no-first-import --dry-run --force \
    --uninstall --keep-config; do
    grep -qE -- "^ +$flag( |=|,)" <<<"$help" || fail "--help does not document $flag"
done
bash "$INSTALL_SH" -h | grep -q "^Usage:" || fail "-h prints no usage"
sh "$INSTALL_SH" --help | grep -q "^Usage:" || fail "sh install.sh does not hand over to bash"
echo "fresh install ok"
