#!/usr/bin/env bash
# Upgrading the .deb over the previous version (two builds of the package, 1.0.0 then 1.0.1, same binaries): the
# administrator's configuration is kept as edited without a conffile prompt, sshd stays wired to the key command and
# the schedule stays in place throughout (the old prerm does not unwire on upgrade), an imported IAM user logs in
# before and after, and the package's files are those of the new version.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/package_lib.sh"

old=$(package_file 'upgrade/aws-ec2-ssh_1.0.0_*.deb')
new=$(package_file 'upgrade/aws-ec2-ssh_1.0.1_*.deb')

run_logged dpkg -i "$old" || fail "dpkg -i $old failed"
assert_eq "install ok installed 1.0.0" "$(dpkg-query -W -f='${Status} ${Version}' aws-ec2-ssh)" "status of the old version"
start_moto
iam_user_with_key alice "$SCRATCH/alice" >/dev/null
configure_for_moto
echo 'LOCAL_GROUPS="users"' >>/etc/aws-ec2-ssh.conf
edited=$(sha256sum </etc/aws-ec2-ssh.conf)
run_logged /usr/sbin/import_users || fail "the first import failed"
start_host_sshd
assert_eq alice "$(ssh_login "$SCRATCH/alice" alice 'id -un')" "alice's login with the old version"

# The upgrade: no prompt (stdin closed), the edited configuration kept as it is, with no .dpkg-* copies beside it.
run_logged dpkg -i "$new" </dev/null || fail "dpkg -i $new (the upgrade) failed"
out=$(cat "$SCRATCH/out")
assert_contains "$out" "Preparing to unpack" "dpkg's output"
assert_contains "$out" "Setting up aws-ec2-ssh (1.0.1)" "dpkg's output"
# The old prerm and postrm do nothing on an upgrade: sshd and the schedule are never taken away, not even briefly.
for word in Removing uninstalled removed; do
    assert_not_contains "$out" "$word" "the upgrade's output"
done
assert_not_contains "$out" "Set the IAM groups" "the upgrade's output (the first installation's hint)"
assert_eq "install ok installed 1.0.1" "$(dpkg-query -W -f='${Status} ${Version}' aws-ec2-ssh)" "status after the upgrade"
assert_eq "$edited" "$(sha256sum </etc/aws-ec2-ssh.conf)" "the edited configuration after the upgrade"
assert_eq "640 root:aws-ec2-ssh" "$(file_mode /etc/aws-ec2-ssh.conf)" "the configuration's mode after the upgrade"
leftovers=$(find /etc -maxdepth 1 -name 'aws-ec2-ssh.conf.*')
assert_eq "" "$leftovers" "conffile copies after the upgrade"
dpkg --verify aws-ec2-ssh 2>&1 | grep -v ' c /etc/aws-ec2-ssh.conf$' | grep . && fail "dpkg --verify after the upgrade"
/usr/sbin/sshd -t || fail "sshd -t fails after the upgrade"
assert_key_command_is_ours
assert_scheduled
id alice >/dev/null 2>&1 || fail "the upgrade removed alice"
run_logged /usr/sbin/import_users || fail "import_users after the upgrade"
reload_host_sshd
assert_eq alice "$(ssh_login "$SCRATCH/alice" alice 'id -un')" "alice's login after the upgrade"
kill "$(cat "$SSHD_PID_FILE")"
echo "deb upgrade ok"
