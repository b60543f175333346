#!/usr/bin/env bash
# authorized_keys_command loads libcurl.so.4 only when it must ask IAM: with libcurl unloadable (a file too short
# for the dynamic loader bound over it, in the sandbox's private mount namespace) a cache hit still prints the keys,
# with and without a fingerprint, and a cache miss prints nothing and logs which package to install.
source "$(dirname "$0")/lib.sh"
start_moto

work=$(mktemp -d /tmp/e2e-nocurl.XXXXXX)
ssh-keygen -q -t ed25519 -N '' -C e2e-carol -f "$work/carol"
pubkey=$(cat "$work/carol.pub")
fingerprint=$(ssh-keygen -lf "$work/carol.pub" | awk '{ print $2 }')
carol_id=$(python3 - "$pubkey" <<'PY'
import sys, boto3
iam = boto3.client("iam", region_name="us-east-1")
print(iam.create_user(UserName="carol")["User"]["UserId"])
iam.upload_ssh_public_key(UserName="carol", SSHPublicKeyBody=sys.argv[1])
PY
)
useradd --no-create-home carol
groupadd iam-synced-users && usermod -a -G iam-synced-users carol   # the marker group
install -d -o root -g root -m 0755 /var/lib/aws-ec2-ssh
printf '{"version": 1, "users": {"carol": {"iamUserName": "carol", "iamUserID": "%s"}}}\n' "$carol_id" \
    >/var/lib/aws-ec2-ssh/managed-users.json
install -d -m 0700 /var/cache/aws-ec2-ssh
# The binary as built: no NEEDED libcurl.so.4 entry and no direct libcurl call (scripts/lazy-libcurl checks it).
bin=/usr/local/sbin/authorized_keys_command
install -m 0755 "$EC2SSH_BIN_DIR/authorized_keys_command" "$bin"
"$EC2SSH_REPO/scripts/lazy-libcurl" "$bin"

# write_config TTL
write_config() {
    cat >"$work/conf" <<CONF
AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
KEY_CACHE_TTL="$1"
KEY_CACHE_STALE_MAX="0"
CONF
    chmod 0600 "$work/conf"
}

write_config 300
assert_eq "$pubkey" "$(env -i "$bin" --config "$work/conf" carol)" "first run (fills the cache)"

libcurl=$(readlink -f "$(ldconfig -p | awk '$1 == "libcurl.so.4" { print $NF; exit }')")
[[ -f $libcurl ]] || fail "no libcurl.so.4 on this machine"
mount --bind /dev/null "$libcurl"
trap 'umount "$libcurl" 2>/dev/null || true' EXIT
! python3 -c 'import ctypes; ctypes.CDLL("libcurl.so.4")' 2>/dev/null || fail "libcurl.so.4 still loads"

assert_eq "$pubkey" "$(env -i "$bin" --config "$work/conf" carol)" "cache hit without libcurl"
assert_eq "$pubkey" "$(env -i "$bin" --config "$work/conf" carol "$fingerprint")" "cache hit with %f without libcurl"

write_config 0
out=$(env -i "$bin" --config "$work/conf" --verbose carol 2>"$work/err")
assert_eq "" "$out" "cache miss without libcurl"
assert_contains "$(cat "$work/err")" "libcurl.so.4 could not be loaded" "the log"
assert_contains "$(cat "$work/err")" "install libcurl4 (Debian/Ubuntu) or libcurl (RHEL/Amazon Linux)" "the log"
echo "keys without libcurl ok"
