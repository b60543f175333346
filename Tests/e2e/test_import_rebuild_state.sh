#!/usr/bin/env bash
# A lost state.json while the marker group has members: import_users refuses (exit 7) and changes nothing, run after
# run; `import_users --rebuild-state --dry-run` shows the takeover, `--rebuild-state` restores ownership from the
# marker group and managed-users.json (a locked account is unlocked, a hand-made marker member stays foreign), and
# the host is managed again: a removed IAM user is revoked and deleted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="ssh-users"
DELETE_AFTER_MISSING_RUNS="2"'
iam_user alice ssh-users
iam_user bob ssh-users
iam_user carol ssh-users
expect_import 0
# carol leaves: locked (deletion held by DELETE_AFTER_MISSING_RUNS), then the state is lost.
iam "iam.remove_user_from_group(GroupName='ssh-users', UserName='carol')"
expect_import 0
[[ $(getent shadow carol | cut -d: -f8) == 1 ]] || fail "carol was not locked"
useradd --create-home -G iam-synced-users handmade
iam "iam.add_user_to_group(GroupName='ssh-users', UserName='carol')"
rm "$STATE_DIR/state.json"

files() {
    snapshot_files | grep -v import_users.lock
}

before=$(files)
for _ in 1 2; do
    expect_import 7
    assert_contains "$IMPORT_OUTPUT" "state.json is missing, but marker group iam-synced-users has 4 member(s)"
    assert_contains "$IMPORT_OUTPUT" "import_users --rebuild-state --dry-run"
done
expect_import 7 --dry-run
assert_eq "$before" "$(files)" "files after the refused runs"

expect_import 0 --rebuild-state --dry-run
assert_contains "$IMPORT_OUTPUT" "adopting account alice"
assert_contains "$IMPORT_OUTPUT" "unlock user carol"
assert_eq "$before" "$(files)" "files after the dry run"

expect_import 0 --rebuild-state
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert sorted(state['accounts']) == ['alice', 'bob', 'carol'], state
assert all('lock' not in a for a in state['accounts'].values()), state
index = json.load(open('$STATE_DIR/managed-users.json'))
assert sorted(index['users']) == ['alice', 'bob', 'carol'], index
" || fail "the rebuilt state or index is wrong"
assert_eq "" "$(getent shadow carol | cut -d: -f8)" "carol's account expiry after the rebuild"
expect_import 2 --rebuild-state
assert_contains "$IMPORT_OUTPUT" "--rebuild-state only rebuilds a missing state file"

expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"
iam "iam.remove_user_from_group(GroupName='ssh-users', UserName='bob')"
expect_import 0
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob kept sudo after the rebuild"
[[ $(getent shadow bob | cut -d: -f8) == 1 ]] || fail "bob was not locked after the rebuild"
expect_import 0
! getent passwd bob >/dev/null || fail "bob was not deleted after the rebuild"
getent passwd handmade >/dev/null || fail "the hand-made marker member was deleted"
echo "rebuild ok"
