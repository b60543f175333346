#!/usr/bin/env bash
# IAM_AUTHORIZED_GROUPS_TAG and SUDOERS_GROUPS_TAG: the group lists come from this instance's tags, from IMDS
# (a stub on 127.0.0.1) first, else from EC2 DescribeTags (moto) with the instance id from IMDS. A missing sudoers
# tag is an incomplete read (exit 4, sudo kept); a missing authorized-groups tag means nothing is known (exit 3,
# nothing changes).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
instance_id=i-1234567890abcdef0
echo '{"ssh-groups": "ssh-users, devs"}' >/run/imds-tags.json
start_imds_stub "$instance_id" /run/imds-tags.json
IMPORT_IMDS_DISABLED=false write_import_conf "$AWS_ENDPOINT_URL" "AWS_EC2_METADATA_SERVICE_ENDPOINT=\"$IMDS_STUB_URL\"
IAM_AUTHORIZED_GROUPS=\"ignored-when-the-tag-is-set\"
IAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"
SUDOERS_GROUPS_TAG=\"sudo-groups\""
ec2() {
    python3 -c "
import boto3
ec2 = boto3.client('ec2', endpoint_url='$EC2SSH_TEST_MOTO_URL', region_name='us-east-1',
                   aws_access_key_id='$EC2SSH_TEST_ACCESS_KEY_ID', aws_secret_access_key='$EC2SSH_TEST_SECRET_ACCESS_KEY')
$1"
}
ec2 "ec2.create_tags(Resources=['$instance_id'], Tags=[{'Key': 'sudo-groups', 'Value': 'admins'}])"
iam_user alice ssh-users admins
iam_user bob devs
iam_user carol others

expect_import 0
assert_not_contains "$IMPORT_OUTPUT" "warning"
getent passwd alice >/dev/null || fail "alice was not created"
getent passwd bob >/dev/null || fail "bob was not created"
! getent passwd carol >/dev/null || fail "carol is in no tagged group but got an account"
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice has no sudo"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob got sudo"

ec2 "ec2.delete_tags(Resources=['$instance_id'], Tags=[{'Key': 'sudo-groups'}])"
expect_import 4
assert_contains "$IMPORT_OUTPUT" "has no tag sudo-groups"
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice lost sudo because the sudoers tag went missing"

echo '{}' >/run/imds-tags.json
before=$(snapshot_files)
expect_import 3
assert_contains "$IMPORT_OUTPUT" "has no tag ssh-groups"
assert_eq "$before" "$(snapshot_files)" "files after the authorized-groups tag went missing"
getent passwd alice >/dev/null || fail "alice was deleted"
echo "instance tag ok"
