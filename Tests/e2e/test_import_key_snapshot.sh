#!/usr/bin/env bash
# Cache-first mode (KEY_CACHE_TTL > 0): after a complete run import_users writes every managed user's active keys
# into KEY_CACHE_DIR (mode 0600, owned by the directory's owner aws-ec2-ssh) and removes entries of users no longer
# managed; the key command, run as aws-ec2-ssh with IAM unreachable, then serves the key from that snapshot (and its
# audit line names the IAM user's ARN from the index). An unsafe cache directory is never written: exit 4, the
# accounts are still applied.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

work=$(mktemp -d /tmp/e2e-snapshot.XXXXXX)
ssh-keygen -q -t ed25519 -N '' -C e2e-alice -f "$work/alice"
pubkey=$(cat "$work/alice.pub")

# The host as install.sh leaves it.
useradd --system --no-create-home --shell /usr/sbin/nologin aws-ec2-ssh
install -d -o aws-ec2-ssh -g aws-ec2-ssh -m 0700 /var/cache/aws-ec2-ssh
cache=/var/cache/aws-ec2-ssh
# An entry left over from a user who is no longer managed.
printf '{}\n' >$cache/user-ghost.json
chown aws-ec2-ssh:aws-ec2-ssh $cache/user-ghost.json
chmod 0600 $cache/user-ghost.json

import_setup 'KEY_CACHE_TTL="300"
IAM_AUTHORIZED_GROUPS="ssh-users"'
iam_user alice ssh-users
iam "iam.upload_ssh_public_key(UserName='alice', SSHPublicKeyBody='''$pubkey''')"

expect_import 0
getent passwd alice >/dev/null || fail "alice was not created"
assert_contains "$IMPORT_OUTPUT" "key cache refreshed for 1 user"
assert_eq "aws-ec2-ssh aws-ec2-ssh 600" "$(stat -c '%U %G %a' $cache/user-alice.json)" "cache file owner and mode"
assert_eq "aws-ec2-ssh 700" "$(stat -c '%U %a' $cache)" "cache directory owner and mode"
python3 - "$pubkey" <<'PY' || fail "cache entry content: $(cat $cache/user-alice.json)"
import json, sys
entry = json.load(open("/var/cache/aws-ec2-ssh/user-alice.json"))
assert entry["localUserName"] == "alice" and entry["iamUserName"] == "alice", entry
assert [k["line"] for k in entry["keys"]] == [sys.argv[1]], entry
PY
[[ ! -e $cache/user-ghost.json ]] || fail "the entry of a user no longer managed was kept"
! compgen -G "$cache/.user-*" >/dev/null || fail "a temporary file was left in the cache directory"

# A group-writable cache directory is not written: exit 4, nothing in it changes, accounts are still applied.
iam_user bob ssh-users
chmod 0770 $cache
before=$(stat -c '%Y' $cache/user-alice.json)
expect_import 4
assert_contains "$IMPORT_OUTPUT" "KEY_CACHE_DIR is not safe to write as root"
getent passwd bob >/dev/null || fail "bob was not created while the cache directory was unsafe"
[[ ! -e $cache/user-bob.json ]] || fail "an unsafe cache directory was written"
assert_eq "$before" "$(stat -c '%Y' $cache/user-alice.json)" "alice's entry after a refused refresh"
chmod 0700 $cache

# IAM unreachable: a dead port on 127.0.0.1. The key command serves alice's key from the snapshot.
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
write_import_conf "http://127.0.0.1:$dead" 'KEY_CACHE_TTL="300"
KEY_CACHE_STALE_MAX="0"
KEY_COMMAND_TIMEOUT="3"'
chmod 0644 "$IMPORT_CONF"
out=$(runuser -u aws-ec2-ssh -- "$EC2SSH_BIN_DIR/authorized_keys_command" --config "$IMPORT_CONF" --verbose alice \
    2>"$work/cmd.err") || fail "the key command failed: $(cat "$work/cmd.err")"
assert_eq "$pubkey" "$out" "key command output for alice with IAM unreachable"
assert_contains "$(cat "$work/cmd.err")" "source=cache" "audit line"
assert_contains "$(cat "$work/cmd.err")" "iam_arn=arn:aws:iam::" "audit line"
assert_contains "$(cat "$work/cmd.err")" ":user/alice" "audit line"

# Control: with IAM unreachable and no snapshot entry (the stale cache off), no key is served.
rm $cache/user-alice.json
out=$(runuser -u aws-ec2-ssh -- "$EC2SSH_BIN_DIR/authorized_keys_command" --config "$IMPORT_CONF" alice 2>/dev/null)
assert_eq "" "$out" "key command output without a snapshot entry"
echo "key snapshot ok"
