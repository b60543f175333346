#!/usr/bin/env bash
# authorized_keys_command under a real sshd on 127.0.0.1: an IAM user's key logs in to its managed account;
# once the key is Inactive in IAM the same login is refused at once (no import run); root and a pre-existing
# local account never log in with an IAM user's key, even with keys in IAM (and root even when listed in the index).
# Until import_users lands, the managed account and STATE_DIR/managed-users.json are made by hand here.
source "$(dirname "$0")/lib.sh"
start_moto

work=$(mktemp -d /tmp/e2e-keys.XXXXXX)
ssh-keygen -q -t ed25519 -N '' -C e2e-alice -f "$work/alice"
pubkey=$(cat "$work/alice.pub")

# IAM: alice, root and ubuntu all carry the same active key.
python3 - "$pubkey" >"$work/ids" <<'PY'
import sys, boto3
iam = boto3.client("iam", region_name="us-east-1")
for name in ("alice", "root", "ubuntu"):
    iam.create_user(UserName=name)
    key = iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=sys.argv[1])["SSHPublicKey"]
    print(name, key["SSHPublicKeyId"], iam.get_user(UserName=name)["User"]["UserId"])
PY
alice_key=$(awk '$1=="alice"{print $2}' "$work/ids")
alice_id=$(awk '$1=="alice"{print $3}' "$work/ids")

# The host as install.sh and import_users leave it.
useradd --system --no-create-home --shell /usr/sbin/nologin aws-ec2-ssh
useradd --create-home --shell /bin/bash ubuntu           # pre-existing, not managed
useradd --create-home --shell /bin/bash alice            # what import_users would create
usermod -p '*' alice && usermod -p '*' ubuntu            # not locked (sshd runs without PAM here)
groupadd iam-synced-users && usermod -a -G iam-synced-users alice   # the marker group
alice_uid=$(id -u alice)
install -d -o root -g root -m 0755 /var/lib/aws-ec2-ssh
cat >/var/lib/aws-ec2-ssh/managed-users.json <<JSON
{"version": 1, "users": {
  "alice": {"iamUserName": "alice", "iamUserID": "$alice_id", "uid": $alice_uid},
  "root": {"iamUserName": "root", "iamUserID": "AIDAHOSTILE"}
}}
JSON
chmod 0644 /var/lib/aws-ec2-ssh/managed-users.json
install -d -o aws-ec2-ssh -g aws-ec2-ssh -m 0700 /var/cache/aws-ec2-ssh
install -o root -g root -m 0755 "$EC2SSH_BIN_DIR/authorized_keys_command" /usr/local/sbin/authorized_keys_command
cat >/etc/aws-ec2-ssh.conf <<CONF
AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
CONF
chown root:aws-ec2-ssh /etc/aws-ec2-ssh.conf
chmod 0640 /etc/aws-ec2-ssh.conf

# sshd with our AuthorizedKeysCommand, no other source of keys.
start_test_sshd "PermitRootLogin prohibit-password
LogLevel VERBOSE"

# try_login USER: runs `echo logged-in-as-$(id -un)` over ssh with alice's private key; prints its output.
try_login() {
    ssh_login "$work/alice" "$1" 'echo logged-in-as-$(id -un)'
}

show_logs() {
    echo "--- sshd log"; cat "$SSHD_LOG"; echo "--- ssh log"; cat /run/ssh-e2e.log
}
trap show_logs ERR

# The key command itself, as sshd runs it: empty environment, as aws-ec2-ssh.
out=$(setpriv --reuid aws-ec2-ssh --regid aws-ec2-ssh --clear-groups env -i \
    /usr/local/sbin/authorized_keys_command --verbose alice 2>"$work/cmd.err")
assert_eq "$pubkey" "$out" "key command output for alice"
assert_contains "$(cat "$work/cmd.err")" "source=iam" "audit line"
assert_contains "$(cat "$work/cmd.err")" "key_ids=$alice_key" "audit line"
assert_not_contains "$(cat "$work/cmd.err")" "$AWS_SECRET_ACCESS_KEY" "audit line"
cache_file=/var/cache/aws-ec2-ssh/user-alice.json
assert_eq "aws-ec2-ssh 600" "$(stat -c '%U %a' "$cache_file")" "cache file owner and mode"

assert_eq "logged-in-as-alice" "$(try_login alice)" "login of alice with her IAM key"
assert_eq "" "$(try_login root)" "login of root with an IAM user's key"
assert_eq "" "$(try_login ubuntu)" "login of the pre-existing ubuntu account with an IAM user's key"

# Deactivate the key in IAM: the very next login fails, without any import_users run.
python3 - "$alice_key" <<'PY'
import sys, boto3
boto3.client("iam", region_name="us-east-1").update_ssh_public_key(UserName="alice", SSHPublicKeyId=sys.argv[1], Status="Inactive")
PY
assert_eq "" "$(try_login alice)" "login of alice after her key became Inactive"
assert_eq "{\"fetchedAt\"" "$(head -c 12 "$cache_file")" "cache rewritten"
python3 -c "import json,sys; d=json.load(open('$cache_file')); sys.exit(0 if d['keys']==[] else 1)" ||
    fail "the cache still holds the inactive key"

grep -q "Accepted publickey for alice" "$SSHD_LOG" || fail "sshd did not log alice's accepted login"

# key_command_reason: the refusal code in the audit line of the key command for alice.
key_command_reason() {
    setpriv --reuid aws-ec2-ssh --regid aws-ec2-ssh --clear-groups env -i \
        /usr/local/sbin/authorized_keys_command --verbose alice 2>&1 >/dev/null | grep -o 'reason=[a-z-]*'
}
# Out of the marker group: refused before any IAM call.
gpasswd -d alice iam-synced-users >/dev/null
assert_eq "reason=not-in-marker-group" "$(key_command_reason)" "alice outside the marker group"
# Deleted and re-created by hand under the managed name (another UID, back in the marker group): refused.
userdel alice
useradd --no-create-home --uid $((alice_uid + 100)) --groups iam-synced-users alice
assert_eq "reason=uid-mismatch" "$(key_command_reason)" "alice re-created by hand with another UID"
kill "$(cat /run/sshd-e2e.pid)"
echo "keys login ok"
