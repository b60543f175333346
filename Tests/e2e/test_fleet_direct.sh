#!/usr/bin/env bash
# A fleet of 10 hosts in DIRECT mode (every host reads IAM itself; the baseline fleet mode must beat), each a
# whole-root sandbox of its own (mount, PID and UTS namespaces, own /etc, /home and sshd on 127.0.0.K+1:22), all in
# this test's private network namespace with moto and the fault proxy (Tests/e2e/fleet_lib.sh):
#   - the hosts are separate machines: a local account made on one exists on no other, nor in the test's sandbox;
#   - import_users on every host creates the same accounts (the members of the authorized IAM group, nobody else);
#   - an IAM user's key logs in on every host, and another user's key does not;
#   - IAM calls per interval (an import and a login on every host), counted at the fault proxy, grow with the number
#     of hosts (2, 5, 10): the same per-host count, so hosts x calls.
# Prints the measured counts ("fleet-direct: ...").
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"
source "$(dirname "$0")/fleet_lib.sh"
started=$SECONDS

fleet_seed_iam
fleet_image "AWS_ENDPOINT_URL=\"$EC2SSH_TEST_FAULT_URL\"
AWS_ACCESS_KEY_ID=\"$EC2SSH_TEST_ACCESS_KEY_ID\"
AWS_SECRET_ACCESS_KEY=\"$EC2SSH_TEST_SECRET_ACCESS_KEY\"
AWS_REGION=\"us-east-1\"
AWS_EC2_METADATA_DISABLED=\"true\"
IAM_AUTHORIZED_GROUPS=\"fleet-users\""

hosts=10
fleet_start "$hosts"
echo "fleet-direct: $hosts hosts up after $((SECONDS - started)) s"

# The hosts are machines of their own: /etc and /home of one are not those of another, nor the test sandbox's.
fleet_exec 1 useradd --create-home only-on-host-1
fleet_exec 1 getent passwd only-on-host-1 >/dev/null || fail "host-1 lost its own account"
fleet_exec 1 test -d /home/only-on-host-1 || fail "host-1 has no home for its own account"
for k in 2 "$hosts"; do
    if fleet_exec "$k" getent passwd only-on-host-1 >/dev/null; then fail "host-$k sees host-1's account"; fi
    if fleet_exec "$k" test -e /home/only-on-host-1; then fail "host-$k sees host-1's home"; fi
done
if getent passwd only-on-host-1 >/dev/null; then fail "the test sandbox sees host-1's account"; fi
[[ ! -e /home/only-on-host-1 ]] || fail "the test sandbox sees host-1's home"
# Own mount, PID and UTS namespaces per host; one network namespace (this test's) for all.
for ns in mnt pid uts net; do
    seen=$(readlink /proc/self/ns/$ns)
    for k in 1 2 "$hosts"; do
        seen+=$'\n'$(fleet_exec "$k" readlink /proc/self/ns/$ns)
    done
    distinct=$(sort -u <<<"$seen" | wc -l)
    if [[ $ns == net ]]; then
        assert_eq 1 "$distinct" "network namespaces of the test and hosts 1, 2, $hosts"
    else
        assert_eq 4 "$distinct" "$ns namespaces of the test and hosts 1, 2, $hosts"
    fi
done
assert_eq "overlayfs" "$(fleet_exec "$hosts" stat -f -c %T /)" "host-$hosts's root file system"

# First import on every host at once: the same accounts everywhere.
before=$(proxy_calls)
fleet_import_each "$hosts" 0
after=$(proxy_calls)
first_round=$(calls_between "$before" "$after" iam)
first_detail=$(calls_detail "$before" "$after" iam)
expected=$'alice:/home/alice\nbob:/home/bob\ncarol:/home/carol'
for ((k = 1; k <= hosts; k++)); do
    assert_eq "$expected" "$(fleet_accounts "$k")" "accounts on host-$k"
    if fleet_exec "$k" getent passwd dave >/dev/null; then fail "dave (not in fleet-users) has an account on host-$k"; fi
done
if getent passwd alice >/dev/null; then fail "the test sandbox got the hosts' account alice"; fi

# A login with alice's key works on every host; alice's key does not open bob's account.
fleet_expect_logins "$hosts" "$FLEET_WORK/alice" alice yes
fleet_expect_logins 2 "$FLEET_WORK/alice" bob no
before=$(proxy_calls)
assert_eq "carol@host-3" "$(fleet_login 3 "$FLEET_WORK/carol" carol)" "carol's login on host-3"
after=$(proxy_calls)
per_login=$(calls_between "$before" "$after" iam)
login_detail=$(calls_detail "$before" "$after" iam)
((per_login > 0)) || fail "a login in direct mode made no IAM call (the key command did not ask IAM?)"

# Steady state, one interval (as in test_fleet.sh): an import and a login on each of 2, 5 and 10 hosts. Every host
# reads IAM itself, so the calls are hosts x the calls of one host.
counts=()
for n in 2 5 10; do
    before=$(proxy_calls)
    fleet_import_each "$n" 0
    fleet_expect_logins "$n" "$FLEET_WORK/carol" carol yes
    after=$(proxy_calls)
    counts+=("$(calls_between "$before" "$after" iam)")
    ((counts[-1] > 0)) || fail "an interval on $n hosts made no IAM call"
    echo "fleet-direct: interval on $n hosts: ${counts[-1]} IAM calls ($((counts[-1] / n)) per host:" \
        "$(calls_detail "$before" "$after" iam))"
done
per_host=$((counts[0] / 2))
assert_eq "$((2 * per_host)) $((5 * per_host)) $((10 * per_host))" "${counts[*]}" \
    "IAM calls of an interval on 2, 5 and 10 hosts (hosts x $per_host)"
echo "fleet-direct: first import on $hosts hosts: $first_round IAM calls ($first_detail); one login: $per_login IAM calls ($login_detail)"
echo "fleet-direct: ok in $((SECONDS - started)) s"
