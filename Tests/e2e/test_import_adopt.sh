#!/usr/bin/env bash
# Migration from the bash aws-ec2-ssh: its accounts (in the marker group, named like IAM users) without a state
# file make a plain run refuse (exit 7); with --adopt-legacy-accounts they are taken over once, their legacy sudoers file
# is replaced by ours, and from then on they are managed (removed with their IAM user).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

groupadd iam-synced-users
useradd --create-home -G iam-synced-users alice
useradd --create-home -G iam-synced-users bob.smith
echo 'alice ALL=(ALL) NOPASSWD:ALL' >"/etc/sudoers.d/alice"
chmod 0440 /etc/sudoers.d/alice
import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="admins"'
iam_user alice ssh-users admins
iam_user bob.smith ssh-users

# Without the flag, marker-group members and no state: a loud error (exit 7) that changes nothing.
before=$(snapshot_files | grep -v import_users.lock)
expect_import 7
assert_contains "$IMPORT_OUTPUT" "marker group iam-synced-users has 2 member(s) (alice, bob.smith)"
assert_contains "$IMPORT_OUTPUT" "--adopt-legacy-accounts"
assert_eq "$before" "$(snapshot_files | grep -v import_users.lock)" "files after the refused run"
[[ ! -e $STATE_DIR/state.json ]] || fail "the refused run wrote a state file"

expect_import 0 --adopt-legacy-accounts
assert_contains "$IMPORT_OUTPUT" "adopting account alice"
[[ ! -e /etc/sudoers.d/alice ]] || fail "the legacy sudoers file of alice is still there"
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice has no sudoers file of ours"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert set(state['accounts']) == {'alice', 'bob.smith'}, state
" || fail "the adopted accounts are not in the state"

expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"
iam "
iam.remove_user_from_group(GroupName='ssh-users', UserName='bob.smith')"
expect_import 0
! getent passwd bob.smith >/dev/null || fail "the adopted bob.smith was not removed with his IAM membership"
echo "adopt ok"
