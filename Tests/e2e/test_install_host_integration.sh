#!/usr/bin/env bash
# How install.sh meets the host: reloads a running sshd (SIGHUP, no restart), turns on SELinux's nis_enabled,
# schedules with a systemd timer instead of cron, honours --dry-run, reports a failing first import, refuses an
# unsupported system.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

# --- --dry-run on a fresh host changes nothing.
snapshot() {
    { find /etc /usr/local /var/lib /var/cache -xdev -type f -exec sha256sum {} + 2>/dev/null || true; } | sort
}
before=$(snapshot)
run_install --dry-run -i admins || fail "--dry-run failed"
out=$(install_output)
assert_contains "$out" "would create /etc/aws-ec2-ssh.conf" "dry-run plan"
assert_contains "$out" '+IAM_AUTHORIZED_GROUPS="admins"' "dry-run diff"
assert_contains "$out" "would create the system user aws-ec2-ssh" "dry-run user"
assert_eq "$before" "$(snapshot)" "files after --dry-run"
! getent passwd aws-ec2-ssh >/dev/null || fail "--dry-run created the system user"

# --- A running sshd is reloaded (SIGHUP: same pid), and SELinux (faked) gets nis_enabled.
mkdir -p /run/fakebin
printf '#!/bin/sh\necho Enforcing\n' >/run/fakebin/getenforce
printf '#!/bin/sh\necho "nis_enabled --> off"\n' >/run/fakebin/getsebool
printf '#!/bin/sh\necho "$*" >>/run/fakebin/setsebool.calls\n' >/run/fakebin/setsebool
chmod 0755 /run/fakebin/*
/usr/sbin/sshd -o ListenAddress=127.0.0.1:2222 -o PidFile=/run/sshd.pid -E "$SCRATCH/sshd.log"
for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -s /run/sshd.pid ]] && break; sleep 0.2; done
pid=$(cat /run/sshd.pid)
PATH=/run/fakebin:$PATH expect_install_ok
out=$(install_output)
assert_contains "$out" "SELinux (Enforcing): turned on the boolean nis_enabled" "SELinux message"
assert_eq "-P nis_enabled on" "$(cat /run/fakebin/setsebool.calls)" "setsebool call"
assert_contains "$out" "reload done" "reload message"
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q "Received SIGHUP" "$SCRATCH/sshd.log" && break; sleep 0.2; done
grep -q "Received SIGHUP" "$SCRATCH/sshd.log" || fail "sshd was not reloaded: $(cat "$SCRATCH/sshd.log")"
for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -s /run/sshd.pid ]] && break; sleep 0.2; done
assert_eq "$pid" "$(cat /run/sshd.pid)" "sshd pid (a reload, not a restart)"
kill "$pid"

# --- systemd timer instead of cron, and back. Without systemd, --timer=systemd is refused before any change
# (the timer would never run and nothing would schedule the import); with systemd (simulated) it is installed.
before=$(snapshot)
if run_install --timer=systemd; then fail "--timer=systemd was accepted on a host without systemd"; fi
assert_contains "$(install_output)" "systemd is not running on this host" "refusal message"
assert_eq "$before" "$(snapshot)" "files after refusing --timer=systemd"
[[ -f /etc/cron.d/import_users ]] || fail "the cron file went although --timer=systemd was refused"
mkdir -p /run/systemd/system
printf '#!/bin/sh\necho "$*" >>/run/fakebin/systemctl.calls\nexit 0\n' >/run/fakebin/systemctl
chmod 0755 /run/fakebin/systemctl
PATH=/run/fakebin:$PATH expect_install_ok --timer=systemd
[[ ! -e /etc/cron.d/import_users ]] || fail "the cron file stayed next to the systemd timer"
for unit in aws-ec2-ssh-import.service aws-ec2-ssh-import.timer; do
    assert_eq "644 root:root" "$(file_mode "/etc/systemd/system/$unit")" "$unit"
    cmp -s "$EC2SSH_REPO/etc/systemd/$unit" "/etc/systemd/system/$unit" || fail "$unit differs from the repository's"
done
grep -q '^RandomizedDelaySec=' /etc/systemd/system/aws-ec2-ssh-import.timer || fail "timer without splay"
grep -qxF "enable --now aws-ec2-ssh-import.timer" /run/fakebin/systemctl.calls || fail "timer not enabled"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /etc/systemd/system/aws-ec2-ssh-import.timer /etc/systemd/system/aws-ec2-ssh-import.service 2>&1 |
        grep -v -e 'Failed to' -e 'Cannot' -e 'network-online' | grep -i 'aws-ec2-ssh-import' && fail "systemd-analyze verify complains"
fi
rm -rf /run/systemd/system
expect_install_ok --timer=cron
assert_cron_file
[[ ! -e /etc/systemd/system/aws-ec2-ssh-import.timer ]] || fail "the timer stayed next to the cron file"

# --- The first import runs the installed import_users with the default configuration; a failing one leaves the
# installation in place and says so in the exit status; --no-first-import skips it.
mkdir -p /run/fakebins
cp "$EC2SSH_BIN_DIR/authorized_keys_command" /run/fakebins/
# The stand-in import_users hands `setup` (what install.sh runs) to the real one, and fakes only the import.
delegate="if [ \"\$1\" = setup ]; then exec $EC2SSH_BIN_DIR/import_users \"\$@\"; fi"
# shellcheck disable=SC2016 # the fake script is literal
printf '#!/bin/sh\n%s\nif [ "$1" = --help ]; then echo usage; exit 0; fi\necho "fake import_users ran with [$*] as $0"\n' "$delegate" >/run/fakebins/import_users
chmod 0755 /run/fakebins/import_users
bash "$INSTALL_SH" --bin-dir /run/fakebins --timer=cron >"$SCRATCH/out" 2>&1 || fail "install with a first import failed: $(install_output)"
assert_contains "$(install_output)" "fake import_users ran with [] as /usr/local/sbin/import_users" "first import"
assert_contains "$(install_output)" "first import done" "first import message"
# shellcheck disable=SC2016 # the fake script is literal
printf '#!/bin/sh\n%s\nif [ "$1" = --help ]; then echo usage; exit 0; fi\necho "import_users: AccessDenied" >&2\nexit 7\n' "$delegate" >/run/fakebins/import_users
chmod 0755 /run/fakebins/import_users
status=0
bash "$INSTALL_SH" --bin-dir /run/fakebins --timer=cron >"$SCRATCH/out" 2>&1 || status=$?
assert_eq 3 "$status" "exit status after a failing first import"
assert_contains "$(install_output)" "the first import failed (/usr/local/sbin/import_users exited with 7" "message"
cmp -s /run/fakebins/import_users /usr/local/sbin/import_users || fail "installation not kept after a failing first import"
bash "$INSTALL_SH" --bin-dir /run/fakebins --timer=cron --no-first-import >"$SCRATCH/out" 2>&1 || fail "--no-first-import failed"
assert_not_contains "$(install_output)" "AccessDenied" "--no-first-import ran the import"

# --- --dry-run previews the first import when import_users knows --dry-run.
cat >/run/fakebins/import_users <<SH
#!/bin/sh
$delegate
SH
cat >>/run/fakebins/import_users <<'SH'
if [ "$1" = --help ]; then echo "  --dry-run   show what would change"; exit 0; fi
echo "fake import_users: $*"
grep -q '^IAM_AUTHORIZED_GROUPS="preview"$' "$3" && echo "fake import_users: config is the staged one"
SH
bash "$INSTALL_SH" --bin-dir /run/fakebins --timer=cron --dry-run -i preview >"$SCRATCH/out" 2>&1 || fail "--dry-run failed"
assert_contains "$(install_output)" "fake import_users: --dry-run --config" "preview run"
assert_contains "$(install_output)" "fake import_users: config is the staged one" "preview config"
assert_not_contains "$(cat /etc/aws-ec2-ssh.conf)" "preview" "config after --dry-run"

# --- Binaries that cannot run here: a clear message, nothing changed.
mkdir -p /run/oldglibc
cp /run/fakebins/* /run/oldglibc/
printf '#!/bin/sh\necho "import_users: /lib/x86_64-linux-gnu/libc.so.6: version GLIBC_2.99 not found" >&2\nexit 1\n' >/run/oldglibc/import_users
echo 2.99 >/run/oldglibc/GLIBC_REQUIRED
status=0
bash "$INSTALL_SH" --bin-dir /run/oldglibc --timer=cron >"$SCRATCH/out" 2>&1 || status=$?
assert_eq 1 "$status" "exit status with binaries built for a newer glibc"
assert_contains "$(install_output)" "built against a newer C library (glibc 2.99)" "message"

# --- Unsupported systems get a clear message; --force goes on.
rm -f /etc/os-release
printf 'ID=gentoo\nVERSION_ID=2.15\n' >/etc/os-release
if run_install; then fail "install.sh accepted an unsupported system"; fi
assert_contains "$(install_output)" "this system (gentoo 2.15) is not one aws-ec2-ssh supports" "message"
assert_contains "$(install_output)" "--force" "hint"
expect_install_ok --force
printf 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n' >/etc/os-release
expect_install_ok
echo "host integration ok"
