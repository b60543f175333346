#!/usr/bin/env bash
# Throttling or a 500 on one GetGroup makes the IAM read incomplete: exit 4, no deletion, no sudo change;
# creations still happen. Once IAM answers again the next run catches up.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
start_fault_proxy
write_import_conf "$EC2SSH_TEST_FAULT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users,devs"
SUDOERS_GROUPS="admins"'
iam_user alice ssh-users admins
iam_user bob devs
iam_user carol ssh-users
expect_import 0
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice has no sudo"

# IAM changes: carol leaves, alice loses sudo, dave joins.
iam "
iam.remove_user_from_group(GroupName='ssh-users', UserName='carol')
iam.delete_user(UserName='carol')
iam.remove_user_from_group(GroupName='admins', UserName='alice')"
iam_user dave ssh-users

check_held() {
    getent passwd carol >/dev/null || fail "$1: carol was deleted during an incomplete read"
    getent passwd bob >/dev/null || fail "$1: bob was deleted during an incomplete read"
    [[ -f /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "$1: alice's sudo was revoked during an incomplete read"
    (($(fault_hits) > 0)) || fail "$1: the fault was never injected"
}

faults '[{"action": "GetGroup", "params": {"GroupName": "devs"}, "fault": "throttle"}]'
expect_import 4
assert_contains "$IMPORT_OUTPUT" "GetGroup devs"
assert_contains "$IMPORT_OUTPUT" "Throttling"
check_held "throttled GetGroup devs"
getent passwd dave >/dev/null || fail "dave was not created although his group was read"

faults '[{"action": "GetGroup", "params": {"GroupName": "admins"}, "fault": "server-error"}]'
expect_import 4
assert_contains "$IMPORT_OUTPUT" "InternalFailure"
check_held "500 on GetGroup admins"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert state['accounts']['carol']['missingRuns'] == 0, state
assert state['accounts']['alice']['sudo'] is True, state
" || fail "the state changed for carol or alice during incomplete reads"

# IAM unreadable as a whole: exit 3, nothing changes.
faults '[{"action": "GetGroup", "fault": "access-denied"}]'
before=$(snapshot_files)
expect_import 3
assert_eq "$before" "$(snapshot_files)" "files after an unreadable IAM"

faults '[]'
expect_import 0
! getent passwd carol >/dev/null || fail "carol was not deleted once IAM answered"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice kept sudo once IAM answered"
echo "fault ok"
