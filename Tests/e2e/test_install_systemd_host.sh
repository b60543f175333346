#!/usr/bin/env bash
# On a host where systemd runs (simulated: /run/systemd/system and a recording systemctl): --timer=auto picks the
# systemd timer when no cron daemon runs and enables it; sshd is reloaded through its unit; when install.sh has to
# override EC2 Instance Connect's ExecStart, sshd is restarted instead (a reload keeps the old command line);
# --uninstall disables the timer and restarts sshd to bring EC2 Instance Connect's command line back.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

mkdir -p /run/systemd/system /run/fakebin
calls=/run/fakebin/systemctl.calls
cat >/run/fakebin/systemctl <<'SH'
#!/bin/sh
echo "$*" >>/run/fakebin/systemctl.calls
case "$*" in
    "is-active --quiet ssh.service") exit 0 ;;
    "is-active --quiet"*) exit 3 ;;
    "is-enabled --quiet aws-ec2-ssh-import.timer") [ -e /run/fakebin/timer-enabled ] && exit 0; exit 1 ;;
    "enable --now aws-ec2-ssh-import.timer") touch /run/fakebin/timer-enabled ;;
    "disable --now aws-ec2-ssh-import.timer") rm -f /run/fakebin/timer-enabled ;;
esac
exit 0
SH
chmod 0755 /run/fakebin/systemctl
export PATH=/run/fakebin:$PATH

# run_auto ARGS...: install.sh with the automatic timer choice (run_install forces cron).
run_auto() {
    : >"$calls"
    bash "$INSTALL_SH" --bin-dir "$EC2SSH_BIN_DIR" --no-first-import "$@" >"$SCRATCH/out" 2>&1 || { cat "$SCRATCH/out"; fail "install.sh $* failed"; }
    sed 's/^/    | /' "$SCRATCH/out"
}

run_auto
assert_installed_defaults
[[ -f /etc/systemd/system/aws-ec2-ssh-import.timer && ! -e /etc/cron.d/import_users ]] ||
    fail "--timer=auto did not choose the systemd timer on a systemd host without cron"
grep -qxF "enable --now aws-ec2-ssh-import.timer" "$calls" || fail "timer not enabled: $(cat "$calls")"
grep -qxF "reload ssh.service" "$calls" || fail "sshd not reloaded through ssh.service: $(cat "$calls")"
! grep -q "restart" "$calls" || fail "sshd restarted without need: $(cat "$calls")"

# EC2 Instance Connect's ExecStart override appears: our override, daemon-reload, restart.
mkdir -p /etc/systemd/system/ssh.service.d
cat >/etc/systemd/system/ssh.service.d/ec2-instance-connect.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/sbin/sshd -D -o "AuthorizedKeysCommand /usr/share/ec2-instance-connect/eic_run_authorized_keys %%u %%f" -o "AuthorizedKeysCommandUser ec2-instance-connect" $SSHD_OPTS
UNIT
run_auto
[[ -f /etc/systemd/system/ssh.service.d/zz-aws-ec2-ssh.conf ]] || fail "no ExecStart override"
grep -qxF "daemon-reload" "$calls" || fail "no daemon-reload after the unit change: $(cat "$calls")"
grep -qxF "restart ssh.service" "$calls" || fail "sshd not restarted after its command line changed: $(cat "$calls")"
assert_contains "$(install_output)" "its command line changed" "restart reason"

# Unchanged override on the next run: a plain reload again.
run_auto
grep -qxF "reload ssh.service" "$calls" || fail "no reload on re-install: $(cat "$calls")"
! grep -qxF "restart ssh.service" "$calls" || fail "restart although the unit did not change"

# Switching to cron disables the timer.
run_auto --timer=cron
grep -qxF "disable --now aws-ec2-ssh-import.timer" "$calls" || fail "timer not disabled when switching to cron: $(cat "$calls")"
assert_cron_file

run_auto --timer=systemd
run_auto --uninstall
grep -qxF "disable --now aws-ec2-ssh-import.timer" "$calls" || fail "uninstall did not disable the timer: $(cat "$calls")"
grep -qxF "restart ssh.service" "$calls" || fail "uninstall did not restart sshd to restore its command line: $(cat "$calls")"
[[ ! -e /etc/systemd/system/ssh.service.d/zz-aws-ec2-ssh.conf ]] || fail "uninstall left our ExecStart override"
echo "systemd host ok"
