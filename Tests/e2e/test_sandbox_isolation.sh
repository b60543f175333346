#!/usr/bin/env bash
# The sandbox itself: only loopback exists, /etc is a throwaway overlay, and the real IMDS address is unreachable.
source "$(dirname "$0")/lib.sh"

links=$(ip -o link show | awk -F': ' '{print $2}')
assert_eq "lo" "$links" "network interfaces"
findmnt -no FSTYPE /etc | grep -qx overlay || fail "/etc is not an overlay"
findmnt -no FSTYPE /home | grep -qx tmpfs || fail "/home is not a tmpfs"
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
