#!/usr/bin/env bash
# An AuthorizedKeysCommand already in use (EC2 Instance Connect) keeps working: install.sh chains it through
# CHAINED_AUTHORIZED_KEYS_COMMAND. Covers an sshd_config without Include (edited in place, our lines before the
# first Match block) and a systemd ExecStart override that passes the command with -o.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

config=/etc/aws-ec2-ssh.conf
sshd_config=/etc/ssh/sshd_config

cp -a "$sshd_config" "$SCRATCH/sshd_config.good"

# --- sshd_config without Include, with EC2 Instance Connect's lines and a Match block.
sed -i '/^Include /d' "$sshd_config"
cat >>"$sshd_config" <<'CONF'
AuthorizedKeysCommand /opt/aws/bin/eic_run_authorized_keys %u %f
AuthorizedKeysCommandUser ec2-instance-connect
Match User backup
    AuthorizedKeysCommand none
    PasswordAuthentication no
CONF
cp -a "$sshd_config" "$SCRATCH/sshd_config.before"
/usr/sbin/sshd -t || fail "test setup: sshd -t"

expect_install_ok
assert_installed_defaults
assert_contains "$(install_output)" "does not include /etc/ssh/sshd_config.d" "no-Include notice"
assert_contains "$(install_output)" "will run it too" "chain notice"
[[ ! -e /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf ]] || fail "drop-in written although sshd_config does not include it"
grep -qxF 'CHAINED_AUTHORIZED_KEYS_COMMAND="/opt/aws/bin/eic_run_authorized_keys"' "$config" || fail "chained command not recorded"
grep -qxF 'CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS="%u %f"' "$config" || fail "chained arguments not recorded"
grep -qxF '#aws-ec2-ssh-disabled# AuthorizedKeysCommand /opt/aws/bin/eic_run_authorized_keys %u %f' "$sshd_config" ||
    fail "the conflicting AuthorizedKeysCommand was not commented out"
grep -qxF '#aws-ec2-ssh-disabled# AuthorizedKeysCommandUser ec2-instance-connect' "$sshd_config" ||
    fail "the conflicting AuthorizedKeysCommandUser was not commented out"
ours=$(grep -n '^AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f$' "$sshd_config" | cut -d: -f1)
match=$(grep -n '^Match User backup' "$sshd_config" | cut -d: -f1)
if [[ -z $ours || -z $match ]] || ((ours > match)); then
    fail "our AuthorizedKeysCommand (line $ours) is not before the Match block (line $match)"
fi
grep -qxF '    AuthorizedKeysCommand none' "$sshd_config" || fail "the line inside the Match block was touched"

# Re-install: still one block, the same file.
cp -a "$sshd_config" "$SCRATCH/sshd_config.installed"
expect_install_ok
cmp -s "$SCRATCH/sshd_config.installed" "$sshd_config" || fail "re-install changed sshd_config: $(diff "$SCRATCH/sshd_config.installed" "$sshd_config")"
assert_eq 1 "$(grep -c '^# BEGIN aws-ec2-ssh' "$sshd_config")" "managed blocks"
assert_eq 1 "$(count_active CHAINED_AUTHORIZED_KEYS_COMMAND "$config")" "chained command lines"

# Uninstall: sshd_config exactly as before.
run_install --uninstall || fail "uninstall failed"
cmp -s "$SCRATCH/sshd_config.before" "$sshd_config" || fail "uninstall did not restore sshd_config: $(diff "$SCRATCH/sshd_config.before" "$sshd_config")"
assert_eq "/opt/aws/bin/eic_run_authorized_keys %u %f" "$(effective_sshd authorizedkeyscommand)" "command after uninstall"

# --- EC2 Instance Connect through a systemd ExecStart override (Debian/Ubuntu packaging: ssh.service).
cp -a "$SCRATCH/sshd_config.good" "$sshd_config"
mkdir -p /etc/systemd/system/ssh.service.d
cat >/etc/systemd/system/ssh.service.d/ec2-instance-connect.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/sbin/sshd -D -o "PermitUserEnvironment EIC_*" -o "AuthorizedKeysCommand /usr/share/ec2-instance-connect/eic_run_authorized_keys %%u %%f" -o "AuthorizedKeysCommandUser ec2-instance-connect" $SSHD_OPTS
UNIT
expect_install_ok
assert_installed_defaults
grep -qxF 'CHAINED_AUTHORIZED_KEYS_COMMAND="/usr/share/ec2-instance-connect/eic_run_authorized_keys"' "$config" ||
    fail "chained command from the ExecStart override not recorded: $(grep CHAINED "$config")"
grep -qxF 'CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS="%u %f"' "$config" || fail "chained arguments (%% unescaped) not recorded"
override=/etc/systemd/system/ssh.service.d/zz-aws-ec2-ssh.conf
[[ -f $override ]] || fail "no ExecStart override of our own"
# shellcheck disable=SC2016 # a literal $SSHD_OPTS
grep -qxF 'ExecStart=/usr/sbin/sshd -D -o "PermitUserEnvironment EIC_*" $SSHD_OPTS' "$override" ||
    fail "our ExecStart override is not EIC's without its AuthorizedKeysCommand options: $(cat "$override")"
run_install --uninstall || fail "uninstall failed"
[[ ! -e $override ]] || fail "uninstall left $override"
[[ -f /etc/systemd/system/ssh.service.d/ec2-instance-connect.conf ]] || fail "uninstall removed EC2 Instance Connect's file"
echo "chain ok"
