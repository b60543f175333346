#!/usr/bin/env bash
# LOCAL_GROUP_MAP adds members and, when they leave the IAM group, removes only the memberships import_users
# granted; memberships added by hand stay. A missing local group is a clear error for that group (exit 4) while
# the other groups are still applied. Several accounts joining or leaving the same group do it with one
# `gpasswd --members` run, which keeps the members added by hand.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

groupadd docker
groupadd audio-local
import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
LOCAL_GROUP_MAP="devs:docker,devs:audio-local"
LOCAL_GROUPS="no-such-group"'
iam_user alice ssh-users
iam_user bob ssh-users devs

expect_import 4
assert_contains "$IMPORT_OUTPUT" "local group no-such-group"
assert_eq "audio-local,bob,docker,iam-synced-users" "$(groups_of bob)" "bob's groups"
assert_eq "alice,iam-synced-users" "$(groups_of alice)" "alice's groups"

# By hand: alice joins docker, bob joins a group of his own.
groupadd project
usermod -aG docker alice
usermod -aG project bob
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"
LOCAL_GROUP_MAP="devs:docker,devs:audio-local"'
expect_import 0

iam "iam.remove_user_from_group(GroupName='devs', UserName='bob')"
expect_import 0
assert_eq "bob,iam-synced-users,project" "$(groups_of bob)" "bob's groups after leaving devs"
assert_eq "alice,docker,iam-synced-users" "$(groups_of alice)" "alice's hand-made docker membership"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert state['accounts']['bob']['grantedGroups'] == [], state
assert state['accounts']['alice']['grantedGroups'] == [], state
" || fail "granted groups in the state"
# alice, bob and carol join the group "team" together (one gpasswd run), then leave it together; "human", who
# import_users does not manage, stays a member throughout.
groupadd team
useradd --no-create-home human
usermod -aG team human
iam_user carol ssh-users
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"
LOCAL_GROUPS="team"'
expect_import 0
assert_contains "$IMPORT_OUTPUT" "adding 2 accounts to group team with one gpasswd run"
assert_eq "alice,bob,carol,human" "$(getent group team | cut -d: -f4 | tr , '\n' | sort | paste -sd,)" "team's members"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"'
expect_import 0
assert_contains "$IMPORT_OUTPUT" "removing 3 accounts from group team with one gpasswd run"
assert_eq "human" "$(getent group team | cut -d: -f4)" "team after leaving"
[[ $(grep '^team:' /etc/gshadow | cut -d: -f4) == human ]] || fail "gshadow's team line: $(grep '^team:' /etc/gshadow)"
echo "groups ok"
