#!/usr/bin/env bash
# authorized_keys_command when IAM does not answer: a real sshd keeps letting alice in from the stale cache
# (KEY_CACHE_STALE_MAX) while the key command still ends within KEY_COMMAND_TIMEOUT; with the stale cache
# disabled the login is refused. A group-writable configuration file or key cache directory is not trusted;
# running as nobody works.
source "$(dirname "$0")/lib.sh"
start_moto

work=$(mktemp -d /tmp/e2e-keys.XXXXXX)
alice_id=$(iam_user_with_key alice "$work/alice")
pubkey=$(cat "$work/alice.pub")

key_command_host alice "$alice_id"

# A black hole: accepts connections and never answers.
hole=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $hole)); s.listen(64)
held = []
while True:
    held.append(s.accept()[0])
" &

# write_config ENDPOINT STALE_MAX
write_config() { write_key_command_conf "$1" "$2" 2; }

start_test_sshd

try_login() {
    ssh_login "$work/alice" alice 'echo logged-in'
}
# key_command: the command as sshd runs it; its audit line goes to $work/cmd.err.
key_command() {
    setpriv --reuid aws-ec2-ssh --regid aws-ec2-ssh --clear-groups env -i \
        /usr/local/sbin/authorized_keys_command --verbose alice "$@" 2>"$work/cmd.err"
}

write_config "$AWS_ENDPOINT_URL" 600
assert_eq "logged-in" "$(try_login)" "login with IAM reachable"

# IAM unreachable (every request hangs): the stale cache lets alice in, within the time limit.
write_config "http://127.0.0.1:$hole" 600
assert_eq "logged-in" "$(try_login)" "login from the stale cache while IAM hangs"
start=$(date +%s%N)
out=$(key_command)
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
assert_eq "$pubkey" "$out" "stale keys"
assert_contains "$(cat "$work/cmd.err")" "source=stale-cache" "audit line"
((elapsed_ms < 2000)) || fail "the key command took $elapsed_ms ms, more than KEY_COMMAND_TIMEOUT=2 s"

# Stale cache disabled: no keys, no login; still within the time limit.
write_config "http://127.0.0.1:$hole" 0
assert_eq "" "$(try_login)" "login with IAM hanging and KEY_CACHE_STALE_MAX=0"
start=$(date +%s%N)
assert_eq "" "$(key_command)" "keys with IAM hanging and KEY_CACHE_STALE_MAX=0"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
((elapsed_ms < 2000)) || fail "the key command took $elapsed_ms ms, more than KEY_COMMAND_TIMEOUT=2 s"
assert_contains "$(cat "$work/cmd.err")" "error_code=" "audit line names the error"

# Files with unsafe owners or modes are not trusted.
write_config "$AWS_ENDPOINT_URL" 600
chmod 0660 /etc/aws-ec2-ssh.conf
assert_eq "" "$(key_command)" "keys with a group-writable configuration file"
assert_contains "$(cat "$work/cmd.err")" "configuration file not trusted" "log"
chmod 0640 /etc/aws-ec2-ssh.conf
chmod 0755 /var/cache/aws-ec2-ssh
assert_eq "$pubkey" "$(key_command)" "keys with an untrusted cache directory (served live from IAM)"
assert_contains "$(cat "$work/cmd.err")" "key cache not used" "log"
# `nobody` works too, with a cache directory of its own (and a configuration file it can read).
install -d -o nobody -g nogroup -m 0700 /var/cache/aws-ec2-ssh-nobody
echo 'KEY_CACHE_DIR="/var/cache/aws-ec2-ssh-nobody"' >>/etc/aws-ec2-ssh.conf
chmod 0644 /etc/aws-ec2-ssh.conf
out=$(setpriv --reuid nobody --regid nogroup --clear-groups env -i \
    /usr/local/sbin/authorized_keys_command --verbose alice 2>"$work/cmd.err")
assert_eq "$pubkey" "$out" "keys served to sshd running the command as nobody"
assert_not_contains "$(cat "$work/cmd.err")" "key cache not used" "log"
assert_eq "nobody 600" "$(stat -c '%U %a' /var/cache/aws-ec2-ssh-nobody/user-alice.json)" "cache file of nobody"
echo "keys stale ok"
