#!/usr/bin/env bash
# A .deb whose postinst cannot configure the host fails loudly and changes nothing of sshd's: with an sshd_config that
# sshd -t already rejects, `dpkg -i` exits non-zero, leaves the package half-configured, and writes no sshd drop-in
# and no schedule; once the administrator fixes sshd_config, `dpkg --configure` finishes the job, or `dpkg -r` removes
# the half-configured package; a purge of a package that never configured works too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/package_lib.sh"

deb=$(package_file 'aws-ec2-ssh_*.deb')
cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.good"
echo "NoSuchKeyword yes" >>/etc/ssh/sshd_config
cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.broken"
if /usr/sbin/sshd -t 2>/dev/null; then fail "the test's broken sshd_config is accepted by sshd -t"; fi

if run_logged dpkg -i "$deb"; then fail "dpkg -i succeeded although sshd's configuration is invalid"; fi
assert_contains "$(cat "$SCRATCH/out")" "sshd" "the postinst's error"
assert_eq "install ok half-configured" "$(dpkg-query -W -f='${Status}' aws-ec2-ssh)" "status after the failed postinst"
cmp -s "$SCRATCH/sshd_config.broken" /etc/ssh/sshd_config || fail "the failed postinst changed sshd_config"
for path in /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf /etc/cron.d/import_users /usr/local/sbin/authorized_keys_command; do
    [[ ! -e $path ]] || fail "the failed postinst left $path"
done

cp -a "$SCRATCH/sshd_config.good" /etc/ssh/sshd_config
run_logged dpkg --configure aws-ec2-ssh || fail "dpkg --configure failed once sshd_config was fixed"
assert_eq "install ok installed" "$(dpkg-query -W -f='${Status}' aws-ec2-ssh)" "status after dpkg --configure"
/usr/sbin/sshd -t || fail "sshd -t after dpkg --configure"
assert_key_command_is_ours
assert_scheduled

run_logged dpkg -P aws-ec2-ssh || fail "dpkg -P failed"

# A package whose postinst failed can be removed (its prerm has nothing to undo, and no installed copy of the setup).
cp -a "$SCRATCH/sshd_config.broken" /etc/ssh/sshd_config
if run_logged dpkg -i "$deb"; then fail "dpkg -i succeeded although sshd's configuration is invalid (second time)"; fi
cp -a "$SCRATCH/sshd_config.good" /etc/ssh/sshd_config
run_logged dpkg -r aws-ec2-ssh || fail "dpkg -r of a half-configured package failed"
assert_eq "deinstall ok config-files" "$(dpkg-query -W -f='${Status}' aws-ec2-ssh)" "status after removing it"
[[ ! -e /usr/sbin/import_users ]] || fail "dpkg -r left /usr/sbin/import_users"
run_logged dpkg -P aws-ec2-ssh || fail "dpkg -P after dpkg -r failed"

# Purging a package whose postinst never ran (unpacked only) leaves nothing of ours either.
run_logged dpkg --unpack "$deb" || fail "dpkg --unpack failed"
run_logged dpkg -P aws-ec2-ssh || fail "dpkg -P of an unpacked package failed"
for path in /etc/aws-ec2-ssh.conf /usr/sbin/import_users /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf \
    /etc/cron.d/import_users /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh; do
    [[ ! -e $path ]] || fail "dpkg -P left $path"
done
! getent passwd aws-ec2-ssh >/dev/null || fail "dpkg -P left the system user aws-ec2-ssh"
cmp -s "$SCRATCH/sshd_config.good" /etc/ssh/sshd_config || fail "sshd_config differs at the end"
echo "deb failure ok"
