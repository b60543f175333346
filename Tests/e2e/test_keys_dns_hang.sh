#!/usr/bin/env bash
# Issue 10, finding 4: a DNS resolver that never answers must not defeat the stale cache. The sandbox's
# /etc/resolv.conf points at a UDP socket on 127.0.0.1:53 that reads queries and never replies, and the IAM
# endpoint is a host name that needs resolving. libcurl's threaded resolver would keep curl_easy_perform waiting
# for getaddrinfo (about 10 s) past its own timeouts; the key command must still print alice's stale keys, write
# its audit line and end before KEY_COMMAND_TIMEOUT (formerly SIGALRM killed it with nothing printed).
source "$(dirname "$0")/lib.sh"
start_moto

work=$(mktemp -d /tmp/e2e-dns.XXXXXX)
alice_id=$(iam_user_with_key alice "$work/alice")
pubkey=$(cat "$work/alice.pub")

key_command_host alice "$alice_id"

# write_config ENDPOINT TIMEOUT
write_config() { write_key_command_conf "$1" 600 "$2"; }
# key_command: the command as sshd runs it; prints its output, its audit line goes to $work/cmd.err and its exit
# status to $work/cmd.rc.
key_command() {
    local rc=0
    setpriv --reuid aws-ec2-ssh --regid aws-ec2-ssh --clear-groups env -i \
        /usr/local/sbin/authorized_keys_command --verbose alice 2>"$work/cmd.err" || rc=$?
    echo "$rc" >"$work/cmd.rc"
}

# A fresh answer from IAM (by address) fills the cache.
write_config "$AWS_ENDPOINT_URL" 3
assert_eq "$pubkey" "$(key_command)" "keys with IAM reachable"
assert_contains "$(cat "$work/cmd.err")" "source=iam" "audit line"

# The black-hole resolver: the only name server, on loopback, never answers.
python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 53))
while True:
    s.recvfrom(4096)
" &
resolver=$!
for _ in $(seq 50); do
    ss -Huln 'sport = :53' | grep -q 127.0.0.1 && break
    sleep 0.1
done
ss -Huln 'sport = :53' | grep -q 127.0.0.1 || fail "the black-hole resolver is not listening"
rm -f /etc/resolv.conf
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' >/etc/resolv.conf
getent hosts localhost >/dev/null || fail "localhost does not resolve from /etc/hosts"
rc=0
timeout 2 getent hosts iam.dns-hang.test >/dev/null || rc=$?
assert_eq "124" "$rc" "getent hosts iam.dns-hang.test (must hang)"

port=${AWS_ENDPOINT_URL##*:}
for timeout in 3 5; do
    write_config "http://iam.dns-hang.test:$port" "$timeout"
    start=$(date +%s%N)
    out=$(key_command)
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    assert_eq "0" "$(cat "$work/cmd.rc")" "exit status with KEY_COMMAND_TIMEOUT=$timeout"
    assert_eq "$pubkey" "$out" "stale keys while DNS hangs, KEY_COMMAND_TIMEOUT=$timeout"
    assert_contains "$(cat "$work/cmd.err")" "source=stale-cache" "audit line"
    assert_contains "$(cat "$work/cmd.err")" "error_code=" "audit line names the error"
    ((elapsed_ms < timeout * 1000)) ||
        fail "the key command took $elapsed_ms ms, more than KEY_COMMAND_TIMEOUT=$timeout s"
    echo "KEY_COMMAND_TIMEOUT=$timeout: stale keys after $elapsed_ms ms"
done
cat "$work/cmd.err"; kill "$resolver"
echo "keys dns hang ok"
