#!/usr/bin/env bash
# Fleet mode (issue 14) end to end: 10 hosts (Tests/e2e/fleet_lib.sh: each a whole-root sandbox with its own /etc,
# /home and sshd on 127.0.0.K+1:22), all in this test's private network namespace with moto and the fault proxy.
# Host 1 is also the publisher (`import_users publish` with its own configuration: IAM read, KMS key in moto, S3 put);
# every host reads s3://fleet-snapshots/fleet/snapshot with SNAPSHOT_URL, the KMS key's public key pinned in
# /etc/aws-ec2-ssh/snapshot.pem, and AWS credentials that allow s3:GetObject on that object and nothing else.
# Shows that:
#   - every host creates the same accounts, and a login works on every host;
#   - the readers make no IAM call, neither at import nor at login (counted at the fault proxy);
#   - IAM calls per interval (a publish, an import on every host, a login on every host) are the same for 2, 5 and
#     10 hosts;
#   - a key deactivated in IAM, once published, is refused on every host within SNAPSHOT_REFRESH;
#   - a tampered snapshot (one byte changed, an old serial replayed, signed by another key, unsigned) is refused on
#     every host and nothing changes, and logins keep working from the verified copy;
#   - with S3 down (the proxy refusing S3) nothing changes and logins keep working.
# Prints the measured counts ("fleet: ...").
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"
source "$(dirname "$0")/fleet_lib.sh"
started=$SECONDS
hosts=10
bucket=fleet-snapshots
object=fleet/snapshot
refresh=2

fleet_seed_iam

# aws PYTHON: run PYTHON with boto3 clients iam, s3 and kms bound to moto (as its admin, not through the proxy), and
# BUCKET, OBJECT, WORK set.
aws() {
    python3 -c "
import base64, hashlib, json, re, sys, boto3
def client(name):
    return boto3.client(name, endpoint_url='$EC2SSH_TEST_MOTO_URL', region_name='us-east-1',
                        aws_access_key_id='$EC2SSH_TEST_ACCESS_KEY_ID',
                        aws_secret_access_key='$EC2SSH_TEST_SECRET_ACCESS_KEY')
iam, s3, kms = client('iam'), client('s3'), client('kms')
BUCKET, OBJECT, WORK = '$bucket', '$object', '$FLEET_WORK'
$1"
}

# The bucket, the publisher's KMS key (its public key as PEM for the hosts), another KMS key (an attacker's), and the
# readers' IAM user, allowed s3:GetObject on the snapshot object only.
aws "
s3.create_bucket(Bucket=BUCKET)
def signing_key():
    return kms.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY')['KeyMetadata']['KeyId']
publisher, other = signing_key(), signing_key()
der = kms.get_public_key(KeyId=publisher)['PublicKey']
body = base64.encodebytes(der).decode().replace('\n', '')
pem = '-----BEGIN PUBLIC KEY-----\n' + '\n'.join(body[i:i + 64] for i in range(0, len(body), 64)) + '\n-----END PUBLIC KEY-----\n'
open(WORK + '/snapshot.pem', 'w').write(pem)
open(WORK + '/kms-key', 'w').write(publisher)
open(WORK + '/other-kms-key', 'w').write(other)
iam.create_user(UserName='fleet-reader')
iam.put_user_policy(UserName='fleet-reader', PolicyName='snapshot-reader', PolicyDocument=json.dumps({
    'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': f'arn:aws:s3:::{BUCKET}/{OBJECT}'}]}))
key = iam.create_access_key(UserName='fleet-reader')['AccessKey']
open(WORK + '/reader-credentials', 'w').write(key['AccessKeyId'] + ' ' + key['SecretAccessKey'] + '\n')
"
read -r reader_key_id reader_secret <"$FLEET_WORK/reader-credentials"

# The host image: a reader. Its only AWS access is the reader's key; the snapshot's public key is pinned.
mkdir -p /etc/aws-ec2-ssh
install -m 0644 "$FLEET_WORK/snapshot.pem" /etc/aws-ec2-ssh/snapshot.pem
fleet_image "AWS_ENDPOINT_URL=\"$EC2SSH_TEST_FAULT_URL\"
AWS_ACCESS_KEY_ID=\"$reader_key_id\"
AWS_SECRET_ACCESS_KEY=\"$reader_secret\"
AWS_REGION=\"us-east-1\"
AWS_EC2_METADATA_DISABLED=\"true\"
IAM_AUTHORIZED_GROUPS=\"fleet-users\"
SNAPSHOT_URL=\"s3://$bucket/$object\"
SNAPSHOT_PUBLIC_KEY=\"/etc/aws-ec2-ssh/snapshot.pem\"
SNAPSHOT_REFRESH=\"$refresh\""
fleet_start "$hosts"
echo "fleet: $hosts hosts up after $((SECONDS - started)) s"

# Host 1 also publishes, with a configuration of its own (the admin's key: IAM read, KMS sign, S3 put).
fleet_exec 1 bash -c 'umask 077; cat >/etc/aws-ec2-ssh-publisher.conf' <<CONF
AWS_ENDPOINT_URL="$EC2SSH_TEST_FAULT_URL"
AWS_ACCESS_KEY_ID="$EC2SSH_TEST_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY="$EC2SSH_TEST_SECRET_ACCESS_KEY"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
SNAPSHOT_URL="s3://$bucket/$object"
SNAPSHOT_KMS_KEY_ID="$(cat "$FLEET_WORK/kms-key")"
CONF

# publish: run the publisher on host 1; fail unless it exits 0.
publish() {
    local status=0 out
    out=$(fleet_exec 1 /usr/local/sbin/import_users publish --config /etc/aws-ec2-ssh-publisher.conf 2>&1) ||
        status=$?
    [[ $status == 0 ]] || fail "import_users publish exited $status; output:
$out"
}

# save_object NAME / put_object NAME: keep the object now in S3 as $FLEET_WORK/NAME, or put NAME back as the object.
save_object() {
    aws "open(WORK + '/$1', 'wb').write(s3.get_object(Bucket=BUCKET, Key=OBJECT)['Body'].read())"
}
put_object() {
    aws "s3.put_object(Bucket=BUCKET, Key=OBJECT, Body=open(WORK + '/$1', 'rb').read(),
              ContentType='application/vnd.aws-ec2-ssh.snapshot')"
}

# host_files K: what a reader may change on host K (accounts, groups, sudoers, state, the verified copies of import_users
# and of the key command).
host_files() {
    fleet_exec "$1" bash -c 'sha256sum /etc/passwd /etc/group /etc/shadow /etc/gshadow
        find /etc/sudoers.d /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh -type f ! -name last-run.json -print0 |
            sort -z | xargs -0 sha256sum'
}

# all_host_files HOSTS: host_files of hosts 1..HOSTS, one after the other.
all_host_files() {
    local k
    for ((k = 1; k <= $1; k++)); do
        echo "== host-$k"
        host_files "$k"
    done
}

# expect_same_accounts HOSTS: every host has exactly alice, bob and carol (dave is not in fleet-users).
expect_same_accounts() {
    local k expected=$'alice:/home/alice\nbob:/home/bob\ncarol:/home/carol'
    for ((k = 1; k <= $1; k++)); do
        assert_eq "$expected" "$(fleet_accounts "$k")" "accounts on host-$k"
    done
}

# --- First publish: the object verifies with the pinned key (checked here in Python, independently of our reader)
# and holds every IAM user; then every host imports from it, with no IAM call.
pem=$(fleet_exec 1 /usr/local/sbin/import_users publish --config /etc/aws-ec2-ssh-publisher.conf --print-public-key) ||
    fail "import_users publish --print-public-key failed: $pem"
assert_eq "$(tr -d '\n' <"$FLEET_WORK/snapshot.pem")" "$(tr -d '\n' <<<"$pem")" "the publisher's --print-public-key"
publish
save_object first
aws "
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
head, snapshot = open(WORK + '/first', 'rb').read().split(b'\n\n', 1)
lines = head.split(b'\n')
assert lines[0] == b'aws-ec2-ssh-snapshot 1' and len(lines) == 3, head
manifest = base64.b64decode(lines[1].removeprefix(b'manifest '))
signature = base64.b64decode(lines[2].removeprefix(b'signature '))
key = serialization.load_pem_public_key(open(WORK + '/snapshot.pem', 'rb').read())
key.verify(signature, manifest, ec.ECDSA(hashes.SHA256()))
m = json.loads(manifest)
assert (m['format'], m['bucket'], m['key'], m['algorithm']) == (1, BUCKET, OBJECT, 'ECDSA_SHA_256'), m
assert m['length'] == len(snapshot) and m['sha256'] == hashlib.sha256(snapshot).hexdigest(), m
users = [re.match(rb'\{\"name\":\"([^\"]*)\"', line).group(1).decode() for line in snapshot.split(b'\n') if b'\"keys\":' in line]
assert users == sorted(users) and {'alice', 'bob', 'carol', 'dave', 'fleet-reader'} <= set(users), users
print(f'fleet: first snapshot: serial {m[\"serial\"]}, {len(snapshot)} bytes, users {\" \".join(users)}')
"
before=$(proxy_calls)
fleet_import_each "$hosts" 0
after=$(proxy_calls)
assert_eq 0 "$(calls_between "$before" "$after" iam)" "IAM calls of the readers' first import on $hosts hosts"
assert_eq "$hosts" "$(calls_between "$before" "$after" s3)" "S3 requests of the readers' first import ($(calls_detail "$before" "$after" s3))"
expect_same_accounts "$hosts"
if getent passwd alice >/dev/null; then fail "the test sandbox got the hosts' account alice"; fi

# --- A login works on every host, with no IAM call.
before=$(proxy_calls)
fleet_expect_logins "$hosts" "$FLEET_WORK/alice" alice yes
fleet_expect_logins "$hosts" "$FLEET_WORK/bob" bob yes
after=$(proxy_calls)
assert_eq 0 "$(calls_between "$before" "$after" iam)" "IAM calls of $((2 * hosts)) logins"
fleet_expect_logins 2 "$FLEET_WORK/alice" bob no

# --- IAM calls per interval (a publish, an import and a login on each of 2, 5 and 10 hosts): the publisher's alone.
counts=()
for n in 2 5 10; do
    before=$(proxy_calls)
    publish
    middle=$(proxy_calls)
    fleet_import_each "$n" 0
    fleet_expect_logins "$n" "$FLEET_WORK/carol" carol yes
    after=$(proxy_calls)
    assert_eq 0 "$(calls_between "$middle" "$after" iam)" "IAM calls of the readers on $n hosts"
    counts+=("$(calls_between "$before" "$after" iam)")
    echo "fleet: interval on $n hosts: ${counts[-1]} IAM calls ($(calls_detail "$before" "$after" iam)), " \
        "$(calls_between "$before" "$after" s3) S3 requests ($(calls_detail "$before" "$after" s3)), " \
        "$(calls_between "$before" "$after" kms) KMS requests"
done
((counts[0] > 0)) || fail "the publisher made no IAM call"
assert_eq "${counts[0]} ${counts[0]} ${counts[0]}" "${counts[*]}" "IAM calls per interval on 2, 5 and 10 hosts"

# --- Revocation: alice's key deactivated in IAM and published is refused on every host within SNAPSHOT_REFRESH,
# without an import on the hosts (the key command's conditional refresh at login).
aws "
key = iam.list_ssh_public_keys(UserName='alice')['SSHPublicKeys'][0]['SSHPublicKeyId']
iam.update_ssh_public_key(UserName='alice', SSHPublicKeyId=key, Status='Inactive')"
publish
published=$SECONDS
# The bound: SNAPSHOT_REFRESH, plus the time the logins themselves take (10 s of slack for a loaded machine).
deadline=$((published + refresh + 10))
accepted=0
for ((k = 1; k <= hosts; k++)); do
    until [[ -z $(fleet_login "$k" "$FLEET_WORK/alice" alice) ]]; do
        accepted=$((accepted + 1))
        ((SECONDS < deadline)) || fail "alice's deactivated key still logs in on host-$k $((SECONDS - published)) s after the publish"
        python3 -c 'import time; time.sleep(0.2)'
    done
done
echo "fleet: the deactivated key was refused on all $hosts hosts $((SECONDS - published)) s after the publish" \
    "(SNAPSHOT_REFRESH=$refresh; $accepted logins still accepted meanwhile)"
fleet_expect_logins "$hosts" "$FLEET_WORK/bob" bob yes
fleet_import_each "$hosts" 0
expect_same_accounts "$hosts"
fleet_expect_logins "$hosts" "$FLEET_WORK/alice" alice no
save_object current

# --- Tampered snapshots: refused on every host, nothing changes, logins keep working from the verified copy.
# (Pending in IAM while the tampered object is there: erin joins fleet-users. A genuine snapshot would add her.)
iam_user erin fleet-users
# tamper KIND: write $FLEET_WORK/tampered from $FLEET_WORK/current (or first).
tamper() {
    aws "
kind = '$1'
data = open(WORK + '/current', 'rb').read()
head, snapshot = data.split(b'\n\n', 1)
lines = head.split(b'\n')
manifest = base64.b64decode(lines[1].split(b' ', 1)[1])
if kind == 'byte':
    i = snapshot.index(b'\"bob\"') + 2
    snapshot = snapshot[:i] + b'x' + snapshot[i + 1:]
elif kind == 'replay':
    data = open(WORK + '/first', 'rb').read()
    head, snapshot = data.split(b'\n\n', 1)
    lines = head.split(b'\n')
elif kind in ('other-key', 'unsigned'):
    # An attacker's well-formed snapshot: bobby (bob's copy, sorted after him) joins, with a consistent manifest
    # (length, digest), signed by another key or not at all.
    user = re.search(rb'\n\{\"name\":\"bob\".*\n', snapshot).group(0)
    snapshot = snapshot.replace(user, user + user[1:].replace(b'\"bob\"', b'\"bobby\"'), 1)
    manifest = re.sub(rb'\"length\":\d+', b'\"length\":%d' % len(snapshot), manifest)
    manifest = re.sub(rb'\"sha256\":\"[0-9a-f]{64}\"', b'\"sha256\":\"%s\"' % hashlib.sha256(snapshot).hexdigest().encode(), manifest)
    lines[1] = b'manifest ' + base64.b64encode(manifest)
    if kind == 'unsigned':
        lines[2] = b'signature -'
    else:
        signature = kms.sign(KeyId=open(WORK + '/other-kms-key').read(), Message=manifest, MessageType='RAW',
                             SigningAlgorithm='ECDSA_SHA_256')['Signature']
        lines[2] = b'signature ' + base64.b64encode(signature)
data = b'\n'.join(lines) + b'\n\n' + snapshot
assert data != open(WORK + '/current', 'rb').read()
open(WORK + '/tampered', 'wb').write(data)
"
}
files_before=$(all_host_files "$hosts")
for kind in byte replay other-key unsigned; do
    tamper "$kind"
    put_object tampered
    fleet_each "$hosts" /usr/local/sbin/import_users --config /etc/aws-ec2-ssh.conf
    for ((k = 1; k <= hosts; k++)); do
        [[ $(cat "$FLEET_WORK/status.$k") != 0 ]] ||
            fail "host-$k: the import of a snapshot tampered ($kind) exited 0; output: $(cat "$FLEET_WORK/out.$k")"
    done
    assert_eq "$files_before" "$(all_host_files "$hosts")" "hosts' accounts, state and verified copy after a tampered ($kind) snapshot"
    fleet_expect_logins "$hosts" "$FLEET_WORK/bob" bob yes
    fleet_expect_logins 2 "$FLEET_WORK/alice" alice no
    echo "fleet: tampered ($kind) refused on $hosts hosts: $(head -n 3 "$FLEET_WORK/out.1" | tr '\n' ' ')"
done
put_object current

# --- S3 down: the import changes nothing (and says so), logins keep working from the verified copy.
faults '[{"service": "s3", "fault": "unavailable"}]'
fleet_each "$hosts" /usr/local/sbin/import_users --config /etc/aws-ec2-ssh.conf
for ((k = 1; k <= hosts; k++)); do
    [[ $(cat "$FLEET_WORK/status.$k") != 0 ]] ||
        fail "host-$k: the import with S3 down exited 0; output: $(cat "$FLEET_WORK/out.$k")"
done
assert_eq "$files_before" "$(all_host_files "$hosts")" "hosts' accounts, state and verified copy with S3 down"
fleet_expect_logins "$hosts" "$FLEET_WORK/bob" bob yes
fleet_expect_logins "$hosts" "$FLEET_WORK/carol" carol yes
(($(fault_hits) >= hosts)) || fail "the S3 fault was hit $(fault_hits) times, fewer than the $hosts imports"
faults '[]'

# --- S3 back, the genuine snapshot with erin: every host adds her.
publish
fleet_import_each "$hosts" 0
for ((k = 1; k <= hosts; k++)); do
    fleet_exec "$k" getent passwd erin >/dev/null || fail "host-$k did not add erin from the genuine snapshot"
    if fleet_exec "$k" getent passwd bobby >/dev/null; then fail "host-$k has the attacker's bobby"; fi
done
echo "fleet: ok in $((SECONDS - started)) s"
