#!/usr/bin/env bash
# The .deb on this Debian host, for real: what it holds and declares; `dpkg -i` installs the binaries in /usr/sbin, the
# configuration as a 0640 conffile, units, man pages and completions, and its postinst wires sshd and the schedule to
# those binaries (nothing of ours in /usr/local/sbin); install.sh run by hand on top is not taken for the bash tool's;
# an IAM user imported with the packaged import_users logs in over the host's own sshd with its IAM key; `dpkg -r`
# unwires sshd (the IAM login stops, a local user's authorized_keys login still works) and keeps the configuration
# and the imported account; `dpkg -P` leaves nothing of ours but the imported account.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/package_lib.sh"

deb=$(package_file 'aws-ec2-ssh_*.deb')
version=$(dpkg-deb -f "$deb" Version)

# --- What the package declares and holds.
depends=$(dpkg-deb -f "$deb" Depends)
for dependency in 'libc6 (>= 2.' 'libcurl4 | libcurl4t64' 'libssl3 | libssl3t64' libexpat1 openssh-server; do
    assert_contains "$depends" "$dependency" "Depends"
done
assert_eq /etc/aws-ec2-ssh.conf "$(dpkg-deb -I "$deb" conffiles)" "conffiles"
contents=$(dpkg-deb -c "$deb" | awk '{ print $1, $2, $NF }')
for entry in '-rwxr-xr-x root/root ./usr/sbin/import_users' '-rwxr-xr-x root/root ./usr/sbin/authorized_keys_command' \
    '-rw-r----- root/root ./etc/aws-ec2-ssh.conf' \
    '-rw-r--r-- root/root ./lib/systemd/system/aws-ec2-ssh-import.service' \
    '-rw-r--r-- root/root ./lib/systemd/system/aws-ec2-ssh-import.timer' \
    '-rw-r--r-- root/root ./usr/share/man/man8/import_users.8.gz' \
    '-rw-r--r-- root/root ./usr/share/man/man8/authorized_keys_command.8.gz' \
    '-rw-r--r-- root/root ./usr/share/bash-completion/completions/import_users' \
    '-rw-r--r-- root/root ./usr/share/bash-completion/completions/authorized_keys_command' \
    '-rw-r--r-- root/root ./usr/share/zsh/vendor-completions/_import_users' \
    '-rw-r--r-- root/root ./usr/share/zsh/vendor-completions/_authorized_keys_command' \
    '-rw-r--r-- root/root ./usr/share/doc/aws-ec2-ssh/README.md' \
    '-rw-r--r-- root/root ./usr/share/doc/aws-ec2-ssh/copyright'; do
    grep -qxF -- "$entry" <<<"$contents" || fail "the .deb lacks [$entry]; it holds:
$contents"
done
# The maintainer scripts are POSIX sh and shellcheck-clean (when shellcheck is here).
dpkg-deb -e "$deb" "$SCRATCH/control"
for script in postinst prerm postrm; do
    assert_eq '#!/bin/sh' "$(head -n 1 "$SCRATCH/control/$script")" "$script's interpreter"
    if command -v shellcheck >/dev/null; then
        shellcheck -s sh "$SCRATCH/control/$script" || fail "shellcheck: $script"
    fi
done

# --- Before: a local user who logs in with ~/.ssh/authorized_keys, and the host's paths and sshd_config.
local_user_with_key bob "$SCRATCH/bob"
cp -a /etc/ssh/sshd_config "$SCRATCH/sshd_config.before"
before=$(snapshot_paths)

# --- dpkg -i
run_logged dpkg -i "$deb" || fail "dpkg -i $deb failed"
assert_contains "$(cat "$SCRATCH/out")" "Set the IAM groups and AWS access in /etc/aws-ec2-ssh.conf" "the first installation's hint"
assert_eq "install ok installed $version" "$(dpkg-query -W -f='${Status} ${Version}' aws-ec2-ssh)" "package status"
for exe in import_users authorized_keys_command; do
    assert_eq "755 root:root" "$(file_mode "/usr/sbin/$exe")" "/usr/sbin/$exe"
    assert_contains "$(/usr/sbin/$exe --version)" "$exe " "$exe --version"
    zcat "/usr/share/man/man8/$exe.8.gz" | grep -q "^\.Dt ${exe^^} 8$" || fail "$exe.8.gz is not the man page of $exe"
    grep -q "$exe" "/usr/share/bash-completion/completions/$exe" || fail "bash completion of $exe"
    assert_eq "#compdef $exe" "$(head -n 1 "/usr/share/zsh/vendor-completions/_$exe")" "zsh completion of $exe"
done
assert_eq "640 root:aws-ec2-ssh" "$(file_mode /etc/aws-ec2-ssh.conf)" "the configuration file"
cmp -s "$EC2SSH_REPO/etc/aws-ec2-ssh.conf" /etc/aws-ec2-ssh.conf || fail "the configuration file is not the sample"
dpkg --verify aws-ec2-ssh || fail "dpkg --verify: files differ from the package right after installing it"
for unit in aws-ec2-ssh-import.service aws-ec2-ssh-import.timer; do
    [[ -f /lib/systemd/system/$unit ]] || fail "no /lib/systemd/system/$unit"
done
assert_eq "ExecStart=/usr/sbin/import_users" "$(grep '^ExecStart=' /lib/systemd/system/aws-ec2-ssh-import.service)" \
    "the packaged service runs the packaged binary"
getent passwd aws-ec2-ssh >/dev/null || fail "no system user aws-ec2-ssh"
/usr/sbin/sshd -t || fail "sshd -t fails after dpkg -i"
assert_key_command_is_ours
assert_scheduled
runuser -u aws-ec2-ssh -- cat /etc/aws-ec2-ssh.conf >/dev/null || fail "aws-ec2-ssh cannot read the configuration"
if runuser -u bob -- cat /etc/aws-ec2-ssh.conf >/dev/null 2>&1; then fail "an ordinary user can read the configuration"; fi
# The setup run by hand on a host with this package installed (the package's aws-ec2-ssh is not the bash tool's, whose
# package owns /usr/bin/import_users.sh or /opt/...): allowed, and it changes nothing the postinst did not do.
run_logged /usr/share/aws-ec2-ssh/install.sh --force --packaged --bin-dir /usr/sbin --timer=cron --no-first-import ||
    fail "install.sh --packaged by hand on a host with the .deb installed failed"
assert_not_contains "$(cat "$SCRATCH/out")" "bash version of aws-ec2-ssh" "install.sh by hand with the .deb installed"
assert_key_command_is_ours
assert_scheduled

# --- An IAM user with a key is imported by the packaged import_users and logs in over the host's sshd.
start_moto
iam_user_with_key alice "$SCRATCH/alice" >/dev/null
configure_for_moto
run_logged /usr/sbin/import_users || fail "the first import (/usr/sbin/import_users) failed"
id alice >/dev/null 2>&1 || fail "import_users did not create alice"
start_host_sshd
assert_eq alice "$(ssh_login "$SCRATCH/alice" alice 'id -un')" "alice's login with her IAM key"
assert_eq bob "$(ssh_login "$SCRATCH/bob" bob 'id -un')" "bob's login with his authorized_keys"
config_before_remove=$(sha256sum /etc/aws-ec2-ssh.conf)

# --- dpkg -r: sshd no longer asks the key command; configuration and imported account kept.
run_logged dpkg -r aws-ec2-ssh || fail "dpkg -r failed"
assert_eq "deinstall ok config-files" "$(dpkg-query -W -f='${Status}' aws-ec2-ssh)" "status after dpkg -r"
for path in /usr/sbin/import_users /usr/sbin/authorized_keys_command /usr/local/sbin/import_users \
    /usr/local/sbin/authorized_keys_command /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf /etc/cron.d/import_users \
    /lib/systemd/system/aws-ec2-ssh-import.timer /etc/systemd/system/aws-ec2-ssh-import.timer /usr/share/aws-ec2-ssh; do
    [[ ! -e $path ]] || fail "dpkg -r left $path"
done
assert_eq "$config_before_remove" "$(sha256sum /etc/aws-ec2-ssh.conf)" "the configuration after dpkg -r"
[[ $(stat -c %a /etc/aws-ec2-ssh.conf) == 640 ]] || fail "the kept configuration is $(file_mode /etc/aws-ec2-ssh.conf)"
id alice >/dev/null 2>&1 || fail "dpkg -r removed the imported account alice"
/usr/sbin/sshd -t || fail "sshd -t fails after dpkg -r"
cmp -s "$SCRATCH/sshd_config.before" /etc/ssh/sshd_config || fail "sshd_config differs after dpkg -r"
assert_eq none "$(effective_sshd authorizedkeyscommand)" "AuthorizedKeysCommand after dpkg -r"
reload_host_sshd
assert_eq "" "$(ssh_login "$SCRATCH/alice" alice 'id -un')" "alice's IAM login after dpkg -r"
assert_eq bob "$(ssh_login "$SCRATCH/bob" bob 'id -un')" "bob's login after dpkg -r"
kill "$(cat "$SSHD_PID_FILE")"

# --- dpkg -P: nothing of ours left but the imported account (its home, its passwd/group lines, the marker group).
run_logged dpkg -P aws-ec2-ssh || fail "dpkg -P failed"
assert_contains "$(cat "$SCRATCH/out")" "getent group iam-synced-users" "how to list the imported accounts"
assert_contains "$(cat "$SCRATCH/out")" "userdel --remove" "how to remove them"
if dpkg-query -W aws-ec2-ssh >/dev/null 2>&1; then fail "dpkg still knows aws-ec2-ssh after dpkg -P"; fi
for path in /etc/aws-ec2-ssh.conf /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh; do
    [[ ! -e $path ]] || fail "dpkg -P left $path"
done
! getent passwd aws-ec2-ssh >/dev/null || fail "dpkg -P left the system user aws-ec2-ssh"
! getent group aws-ec2-ssh >/dev/null || fail "dpkg -P left the group aws-ec2-ssh"
id alice >/dev/null 2>&1 || fail "dpkg -P removed the imported account alice"
/usr/sbin/sshd -t || fail "sshd -t fails after dpkg -P"
# Paths that appeared: only the account database's backups (useradd), alice's mail spool, the ssh host keys and
# sshd's privilege separation directory the test made.
new=$(comm -13 <(echo "$before") <(snapshot_paths) |
    grep -Ev '^/etc/(passwd|group|shadow|gshadow)-$|^/var/mail/alice$|^/etc/ssh/ssh_host_' || true)
assert_eq "" "$new" "paths left after dpkg -P"
gone=$(comm -23 <(echo "$before") <(snapshot_paths))
assert_eq "" "$gone" "paths that dpkg -i/-r/-P removed"
echo "deb lifecycle ok"
