#!/usr/bin/env bash
# Run by host_test_sandbox_containment.sh inside scripts/sandbox, never directly: does what the worst bug fed a
# hostile IAM name (`..`, home `/`) could do as root, `chown -R nobody /` then `rm -rf --no-preserve-root /`, and
# prints what it saw with shell builtins (the tools are gone by then). It refuses to run unless every sign of the
# sandbox is there: the marker variable, PID 1 of its own PID namespace, the sandbox's host name, and an overlay root.
set -u
if [[ ${EC2SSH_IN_SANDBOX:-} != 1 || ${EC2SSH_SANDBOX_ROOT:-} != overlay || $$ != 1 ]]; then
    echo "refusing: not inside scripts/sandbox" >&2
    exit 2
fi
[[ $(hostname) == ec2ssh-sandbox ]] || { echo "refusing: host name is not ec2ssh-sandbox" >&2; exit 2; }
[[ $(stat -f -c %T /) == overlayfs ]] || { echo "refusing: / is not an overlay" >&2; exit 2; }
grep -q '^sandbox-root / overlay ' /proc/mounts || { echo "refusing: / is not the sandbox's overlay" >&2; exit 2; }

# Files written inside, which the machine must not see afterwards.
for dir in /root /srv /usr /usr/local /etc /opt /var; do
    echo inside >"$dir/.ec2ssh-inside-${EC2SSH_CONTAINMENT_TOKEN:?}"
done
start=$SECONDS
chown -R nobody:nogroup / 2>/dev/null
echo "inside: owner of /usr/bin/env after chown: $(stat -c %U /usr/bin/env)"
# shellcheck disable=SC2114 # deleting / is the point, inside the sandbox only (checked above)
rm -rf --no-preserve-root / 2>/dev/null
if [[ -e /usr/bin/env || -e /etc/passwd ]]; then
    echo "inside: /usr/bin/env or /etc/passwd survived rm -rf"
else
    echo "inside: / destroyed"
fi
echo "inside: took $((SECONDS - start)) s"
exit 0
