#!/usr/bin/env bash
# import_users publish, the program as built, against moto (IAM through the fault proxy, S3 and KMS direct):
# --dry-run puts nothing; the first publish puts one object whose manifest signature verifies (openssl) with the
# PEM that --print-public-key prints; an unchanged IAM publishes nothing (same ETag); a throttled GetGroup exits 3
# and leaves the object alone; once IAM answers, the change is published with the next serial.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
start_fault_proxy
iam_user_with_key alice /run/alice >/dev/null
iam "iam.create_group(GroupName='ssh-users'); iam.add_user_to_group(GroupName='ssh-users', UserName='alice')"
iam_user bob

# A bucket and an ECC_NIST_P256 signing key in moto.
read -r bucket key_id <<<"$(python3 - <<PY
import boto3
kw = dict(endpoint_url='$EC2SSH_TEST_MOTO_URL', region_name='us-east-1',
          aws_access_key_id='$EC2SSH_TEST_ACCESS_KEY_ID', aws_secret_access_key='$EC2SSH_TEST_SECRET_ACCESS_KEY')
boto3.client('s3', **kw).create_bucket(Bucket='fleet-snapshots')
key = boto3.client('kms', **kw).create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY')
print('fleet-snapshots', key['KeyMetadata']['KeyId'])
PY
)"
write_import_conf "$EC2SSH_TEST_FAULT_URL" "AWS_ENDPOINT_URL_S3=\"$EC2SSH_TEST_MOTO_URL\"
AWS_ENDPOINT_URL_KMS=\"$EC2SSH_TEST_MOTO_URL\"
SNAPSHOT_URL=\"s3://$bucket/fleet/snapshot\"
SNAPSHOT_KMS_KEY_ID=\"$key_id\"
SNAPSHOT_RESIGN_INTERVAL=\"3600\""
chmod 0600 "$IMPORT_CONF"

# run_publish [ARGS...]: import_users publish; sets PUBLISH_STATUS and PUBLISH_OUTPUT (stdout and stderr).
run_publish() {
    PUBLISH_STATUS=0
    PUBLISH_OUTPUT=$("$IMPORT_USERS" publish --config "$IMPORT_CONF" --verbose "$@" 2>&1) || PUBLISH_STATUS=$?
}

# object FIELD: the snapshot object's ETag ("etag"), or its manifest ("manifest"), or "missing".
object() {
    python3 - <<PY
import base64, boto3, json
s3 = boto3.client('s3', endpoint_url='$EC2SSH_TEST_MOTO_URL', region_name='us-east-1',
                  aws_access_key_id='$EC2SSH_TEST_ACCESS_KEY_ID', aws_secret_access_key='$EC2SSH_TEST_SECRET_ACCESS_KEY')
try:
    obj = s3.get_object(Bucket='$bucket', Key='fleet/snapshot')
except s3.exceptions.NoSuchKey:
    print('missing')
    raise SystemExit
body = obj['Body'].read()
lines = body.split(b'\n')
if '$1' == 'etag':
    print(obj['ETag'])
elif '$1' == 'manifest':
    print(base64.b64decode(lines[1].split(b' ', 1)[1]).decode())
elif '$1' == 'files':
    open('/run/manifest.bin', 'wb').write(base64.b64decode(lines[1].split(b' ', 1)[1]))
    open('/run/signature.der', 'wb').write(base64.b64decode(lines[2].split(b' ', 1)[1]))
    print(obj['ContentType'])
PY
}

run_publish --dry-run
assert_eq 0 "$PUBLISH_STATUS" "publish --dry-run ($PUBLISH_OUTPUT)"
assert_contains "$PUBLISH_OUTPUT" "would publish serial 1"
assert_contains "$PUBLISH_OUTPUT" "groups: 1, active keys: 1" # users: alice, bob and the admin
assert_eq missing "$(object etag)" "the object after --dry-run"

run_publish
assert_eq 0 "$PUBLISH_STATUS" "first publish ($PUBLISH_OUTPUT)"
assert_contains "$PUBLISH_OUTPUT" "published snapshot 1"
assert_eq "application/vnd.aws-ec2-ssh.snapshot" "$(object files)" "Content-Type"
assert_contains "$(object manifest)" '"serial":1,'
assert_contains "$(object manifest)" "\"bucket\":\"$bucket\",\"key\":\"fleet/snapshot\""

"$IMPORT_USERS" publish --config "$IMPORT_CONF" --print-public-key >/run/snapshot.pem
assert_contains "$(cat /run/snapshot.pem)" "-----BEGIN PUBLIC KEY-----"
openssl dgst -sha256 -verify /run/snapshot.pem -signature /run/signature.der /run/manifest.bin >/dev/null ||
    fail "the manifest signature does not verify with the printed public key"
printf 'x' >>/run/manifest.bin
! openssl dgst -sha256 -verify /run/snapshot.pem -signature /run/signature.der /run/manifest.bin >/dev/null 2>&1 ||
    fail "a changed manifest verifies"

first_etag=$(object etag)
run_publish
assert_eq 0 "$PUBLISH_STATUS" "unchanged publish ($PUBLISH_OUTPUT)"
assert_contains "$PUBLISH_OUTPUT" "is current"
assert_eq "$first_etag" "$(object etag)" "the ETag after an unchanged publish"

# IAM changes, but GetGroup is throttled: nothing is published.
iam_user carol ssh-users
faults '[{"action": "GetGroup", "params": {"GroupName": "ssh-users"}, "fault": "throttle"}]'
run_publish
assert_eq 3 "$PUBLISH_STATUS" "publish with a throttled GetGroup ($PUBLISH_OUTPUT)"
assert_contains "$PUBLISH_OUTPUT" "iam:GetGroup ssh-users failed"
assert_contains "$PUBLISH_OUTPUT" "Throttling"
assert_contains "$PUBLISH_OUTPUT" "nothing was published"
(($(fault_hits) > 0)) || fail "the throttling fault was never injected"
assert_eq "$first_etag" "$(object etag)" "the ETag after a failed read"

faults '[]'
run_publish
assert_eq 0 "$PUBLISH_STATUS" "publish after IAM recovered ($PUBLISH_OUTPUT)"
assert_contains "$(object manifest)" '"serial":2,'
echo "ok: import_users publish"
