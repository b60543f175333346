#!/usr/bin/env bash
# The sandbox itself: only loopback exists, the root is a throwaway overlay of the whole root filesystem, /proc is
# read-only, /sys is absent, /dev holds only a few devices, /home, /tmp and /run are fresh, the host name is the
# sandbox's own, and the real IMDS address is unreachable. (host_test_sandbox_containment.sh proves from outside that
# nothing written or destroyed inside reaches the machine.)
source "$(dirname "$0")/lib.sh"

links=$(ip -o link show | awk -F': ' '{print $2}')
assert_eq "lo" "$links" "network interfaces"
assert_eq "overlay" "$(findmnt -no FSTYPE /)" "file system of /"
assert_contains "$(findmnt -no OPTIONS /)" "lowerdir=/," "options of /"
assert_contains "$(findmnt -no OPTIONS /)" "metacopy=on" "options of /"
for dir in /home /tmp /run /dev; do
    assert_eq "tmpfs" "$(findmnt -no FSTYPE "$dir")" "file system of $dir"
done
assert_contains ",$(findmnt -no OPTIONS /proc)," ",ro," "options of /proc"
if touch /proc/.probe 2>/dev/null; then fail "/proc is writable"; fi
assert_eq "" "$(ls -A /sys)" "contents of /sys"
assert_eq "fd full log null ptmx pts random shm stderr stdin stdout tty urandom zero" "$(ls /dev | tr '\n' ' ' | sed 's/ $//')" \
    "devices in /dev"
assert_eq "ec2ssh-sandbox" "$(hostname)" "host name"
if python3 -c 'import socket; socket.create_connection(("169.254.169.254", 80), timeout=1)' 2>/dev/null; then
    fail "169.254.169.254 is reachable from the sandbox"
fi
useradd --create-home e2e-probe
[[ -d /home/e2e-probe ]] || fail "useradd did not create a home in the sandbox"

# Syslog lines from inside reach the sandbox's own receiver, not the machine.
start_syslog
logger -t aws-ec2-ssh-e2e "syslog probe"
for _ in $(seq 1 50); do
    grep -q "syslog probe" "$SYSLOG_FILE" && break
    python3 -c 'import time; time.sleep(0.05)'
done
assert_contains "$(cat "$SYSLOG_FILE")" "aws-ec2-ssh-e2e: syslog probe" "sandbox syslog"
echo "sandbox ok"
