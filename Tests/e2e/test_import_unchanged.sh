#!/usr/bin/env bash
# SKIP_UNCHANGED_RUNS (default 1) on the real account files: the first clean run that changes nothing records the
# digest of its inputs in STATE_DIR/unchanged-run.json; later runs with the same inputs stop after reading IAM and
# write nothing but last-run.json; a change to /etc/group, to a sudoers file (even in place, same size), to IAM, to
# the configuration, or an access expiry reached makes a full run that repairs what it must.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

groupadd docker
config='SUDOERS_GROUPS="admins"
LOCAL_GROUPS="docker"
ACCESS_EXPIRY_TAG="access-expires"'
import_setup "$config"
iam_user alice admins
iam_user bob
expires=$(date -u -d '+25 seconds' +%Y-%m-%dT%H:%M:%SZ)
iam "iam.tag_user(UserName='bob', Tags=[{'Key': 'access-expires', 'Value': '$expires'}])"
record=$STATE_DIR/unchanged-run.json

# record: wait until the files the last run changed are 2 s old, then one full run that records.
record() {
    sleep 2.2
    expect_import 0
    assert_contains "$IMPORT_OUTPUT" "nothing to change"
    assert_not_contains "$IMPORT_OUTPUT" "planning skipped"
    [[ -f $record ]] || fail "no $record after a clean run that changed nothing; output: $IMPORT_OUTPUT"
}
# expect_skipped: the next run stops after its reads and writes nothing (last-run.json aside).
expect_skipped() {
    local before
    before=$(snapshot_files; sha256sum "$record")
    expect_import 0
    assert_contains "$IMPORT_OUTPUT" "planning skipped"
    assert_eq "$before" "$(snapshot_files; sha256sum "$record")" "files after a run that skipped planning"
}
# expect_full: the next run plans (the shortcut does not hold).
expect_full() {
    expect_import 0
    assert_not_contains "$IMPORT_OUTPUT" "planning skipped"
}

expect_import 0
id alice >/dev/null || fail "alice was not created"
record
expect_skipped
expect_skipped

# An admin takes alice out of docker (/etc/group and gshadow change): a full run puts her back.
gpasswd -d alice docker >/dev/null
expect_full
assert_contains "$(groups_of alice)" "docker" "alice's groups after the repair"

# Our sudoers file edited in place, same size (no new inode, same mtime second possible): a full run rewrites it.
record
expect_skipped
python3 - <<'PY'
path = "/etc/sudoers.d/aws-ec2-ssh-alice"
data = open(path, "rb").read()
with open(path, "r+b") as f:
    f.write(data.replace(b"NOPASSWD", b"nopasswd"))
PY
expect_full
grep -q "NOPASSWD" /etc/sudoers.d/aws-ec2-ssh-alice || fail "the edited sudoers file was not repaired"

# A new IAM user: a full run creates the account.
record
iam_user carol
expect_full
id carol >/dev/null || fail "carol was not created"

# The configuration changes: a full run applies it.
record
write_import_conf "$AWS_ENDPOINT_URL" "$config
SUDOERS_RULE=\"ALL=(ALL) ALL\""
expect_full
assert_not_contains "$(cat /etc/sudoers.d/aws-ec2-ssh-alice)" "NOPASSWD"

# Time: the shortcut holds only until bob's access expires; then a full run removes his account (as any expired
# user's, with the default DELETE_AFTER_MISSING_RUNS=1).
record
expect_skipped
now=$(date -u +%s)
target=$(date -u -d "$expires" +%s)
((target > now)) || fail "bob's expiry passed before the test could check the shortcut before it; the machine is too slow"
sleep $((target - now + 1))
expect_full
! getent passwd bob >/dev/null || fail "bob's account survived his expiry"

# SKIP_UNCHANGED_RUNS=0: every run plans.
write_import_conf "$AWS_ENDPOINT_URL" "$config
SKIP_UNCHANGED_RUNS=\"0\""
rm -f "$record"
sleep 2.2
expect_full
expect_full
[[ ! -f $record ]] || fail "SKIP_UNCHANGED_RUNS=0 still recorded"
echo "unchanged ok"
