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

# A sandbox inside this one (a host of Tests/e2e/fleet_lib.sh's fleet): with EC2SSH_SANDBOX_NET=inherit it shares
# this network namespace (loopback only) and has its own mount, PID and UTS namespaces, host name and overlay root;
# what it writes stays inside it.
nested() { EC2SSH_SANDBOX_NET=inherit EC2SSH_SANDBOX_HOSTNAME=host-7 "$EC2SSH_REPO/scripts/sandbox" "$@"; }
# shellcheck disable=SC2016 # expanded in the nested sandbox
inside=$(nested bash -c 'echo "$(hostname) $$ $(findmnt -no FSTYPE /) $(ip -o link show | awk -F": " "{print \$2}")"
    for ns in net mnt pid uts; do readlink /proc/self/ns/$ns; done
    useradd --create-home nested-probe && touch /etc/nested-probe && getent passwd e2e-probe | cut -d: -f1')
assert_eq "host-7 1 overlay lo" "$(head -n 1 <<<"$inside")" "nested sandbox: host name, PID, root, links"
assert_eq "$(readlink /proc/self/ns/net)" "$(sed -n 2p <<<"$inside")" "nested sandbox: network namespace"
for line in 3:mnt 4:pid 5:uts; do
    [[ $(sed -n "${line%%:*}p" <<<"$inside") != "$(readlink "/proc/self/ns/${line#*:}")" ]] ||
        fail "nested sandbox: same ${line#*:} namespace as its caller"
done
assert_eq "e2e-probe" "$(tail -n 1 <<<"$inside")" "nested sandbox sees its caller's root (its lower layer)"
if getent passwd nested-probe >/dev/null || [[ -e /etc/nested-probe || -e /home/nested-probe ]]; then
    fail "what the nested sandbox wrote reached its caller"
fi
for bad in "EC2SSH_SANDBOX_NET=host" "EC2SSH_SANDBOX_HOSTNAME=a/b" "EC2SSH_SANDBOX_HOSTNAME=-x;y"; do
    status=0
    env "$bad" "$EC2SSH_REPO/scripts/sandbox" true 2>/dev/null || status=$?
    assert_eq 2 "$status" "scripts/sandbox with $bad"
done
echo "sandbox ok"
