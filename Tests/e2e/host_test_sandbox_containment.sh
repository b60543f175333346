#!/usr/bin/env bash
# Runs on the machine, not in a sandbox (scripts/e2e-run runs host_test_*.sh first): proves that nothing done inside
# scripts/sandbox reaches the machine. Canary files are put in /root, /srv, /usr/local, /etc, /opt, /var and the
# repository; then sandbox_destroy_inside.sh runs `chown -R nobody /` and `rm -rf --no-preserve-root /` inside the
# sandbox (after writing files under /root, /srv, /usr, /etc, /opt and /var); afterwards none of those files exists
# outside, and every canary and the owner and mode of a sample of the machine's paths must be as they were.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "FAILED: needs root" >&2; exit 1; }
[[ ${EC2SSH_IN_SANDBOX:-} != 1 ]] || { echo "FAILED: runs on the machine, not in a sandbox" >&2; exit 1; }

token=canary-$$-$RANDOM
canaries=()
for dir in /root /srv /usr/local /etc /opt /var "$repo"; do
    canaries+=("$dir/.ec2ssh-$token")
done
cleanup() { rm -f "${canaries[@]}"; }
trap cleanup EXIT
for file in "${canaries[@]}"; do
    echo "$token" >"$file"
    chmod 0640 "$file"
done
sample=(/ /usr /usr/bin /usr/bin/env /usr/sbin/useradd /etc /etc/passwd /etc/shadow /etc/sudoers /root /srv /var /opt
    /usr/local "$repo" "$repo/scripts/sandbox")
fingerprint() { stat -c '%n %U:%G %a %s' "${sample[@]}" "${canaries[@]}"; sha256sum /etc/passwd /etc/group /etc/shadow; }
before=$(fingerprint)

out=$(EC2SSH_CONTAINMENT_TOKEN=$token "$repo/scripts/sandbox" bash "$repo/Tests/e2e/sandbox_destroy_inside.sh" 2>&1) || {
    echo "FAILED: the sandboxed destruction did not run: $out" >&2
    exit 1
}
echo "$out"
[[ $out == *"owner of /usr/bin/env after chown: nobody"* ]] || { echo "FAILED: chown -R did not act inside" >&2; exit 1; }
[[ $out == *"inside: / destroyed"* ]] || { echo "FAILED: rm -rf did not act inside" >&2; exit 1; }

after=$(fingerprint)
if [[ $before != "$after" ]]; then
    echo "FAILED: the machine changed:" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    exit 1
fi
for file in "${canaries[@]}"; do
    [[ $(cat "$file") == "$token" ]] || { echo "FAILED: $file changed" >&2; exit 1; }
done
for dir in /root /srv /usr /usr/local /etc /opt /var; do
    [[ ! -e $dir/.ec2ssh-inside-$token ]] || { echo "FAILED: $dir/.ec2ssh-inside-$token, written inside, is on the machine" >&2; exit 1; }
done
# Sharing the caller's network namespace (the fleet's hosts do, inside a sandbox) is refused on the machine itself.
status=0
EC2SSH_SANDBOX_NET=inherit "$repo/scripts/sandbox" true 2>/dev/null || status=$?
[[ $status == 2 ]] || { echo "FAILED: EC2SSH_SANDBOX_NET=inherit on the machine exited $status, not 2" >&2; exit 1; }
echo "machine unchanged: ${#sample[@]} paths and ${#canaries[@]} canaries as before"
