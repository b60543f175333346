#!/usr/bin/env bash
# Throttling or a 500 on one GetGroup makes the IAM read incomplete (exit 4) and holds back exactly what that read
# could affect: a failed authorized group locks and deletes nobody, a failed sudoers group revokes nobody's sudo;
# what the reads that succeeded show is applied (creations, a sudo revocation, a deletion). An unreadable IAM
# changes nothing (exit 3); once IAM answers again the next run catches up.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
start_fault_proxy
write_import_conf "$EC2SSH_TEST_FAULT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users,devs"
SUDOERS_GROUPS="admins"'
iam_user alice ssh-users admins
iam_user bob devs
iam_user carol ssh-users
iam_user erin ssh-users admins
expect_import 0
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice has no sudo"

# locked USER: whether USER's account expiry is set (import_users locked it).
locked() {
    [[ -n $(getent shadow "$1" | cut -d: -f8) ]]
}

# IAM changes: carol leaves, alice loses sudo, dave joins.
iam "
iam.remove_user_from_group(GroupName='ssh-users', UserName='carol')
iam.delete_user(UserName='carol')
iam.remove_user_from_group(GroupName='admins', UserName='alice')"
iam_user dave ssh-users

# A throttled authorized group: carol (and bob, whose group failed) might be in it, so nobody is locked or
# deleted; the admins group was read, so alice loses sudo; dave is listed by ssh-users, so he is created.
faults '[{"action": "GetGroup", "params": {"GroupName": "devs"}, "fault": "throttle"}]'
expect_import 4
assert_contains "$IMPORT_OUTPUT" "GetGroup devs"
assert_contains "$IMPORT_OUTPUT" "Throttling"
(($(fault_hits) > 0)) || fail "the throttling fault was never injected"
for user in bob carol; do
    getent passwd $user >/dev/null || fail "$user was deleted during an incomplete read"
    ! locked $user || fail "$user was locked during an incomplete read"
done
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice kept sudo although the admins group was read"
[[ -f /etc/sudoers.d/aws-ec2-ssh-erin ]] || fail "erin lost sudo"
getent passwd dave >/dev/null || fail "dave was not created although his group was read"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert state['accounts']['carol']['missingRuns'] == 0, state
" || fail "carol's missing-run counter moved during an incomplete read"

# A 500 on the sudoers group: erin, removed from admins, keeps sudo (the failed read could list her); carol is
# missing from groups that were read, so she is locked and deleted.
iam "iam.remove_user_from_group(GroupName='admins', UserName='erin')"
faults '[{"action": "GetGroup", "params": {"GroupName": "admins"}, "fault": "server-error"}]'
expect_import 4
assert_contains "$IMPORT_OUTPUT" "InternalFailure"
(($(fault_hits) > 0)) || fail "the server-error fault was never injected"
[[ -f /etc/sudoers.d/aws-ec2-ssh-erin ]] || fail "erin lost sudo while the sudoers group could not be read"
! getent passwd carol >/dev/null || fail "carol was not deleted although the authorized groups were read"
getent passwd bob >/dev/null || fail "bob was deleted"

# IAM unreadable as a whole: exit 3, nothing changes.
faults '[{"action": "GetGroup", "fault": "access-denied"}]'
before=$(snapshot_files)
expect_import 3
assert_eq "$before" "$(snapshot_files)" "files after an unreadable IAM"

faults '[]'
expect_import 0
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-erin ]] || fail "erin kept sudo once IAM answered"
getent passwd bob >/dev/null || fail "bob was deleted although his group lists him"
echo "fault ok"
