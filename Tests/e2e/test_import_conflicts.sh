#!/usr/bin/env bash
# Pre-existing accounts (root, ec2-user) whose names IAM users carry are never adopted, given sudo or deleted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

useradd --create-home ec2-user
echo 'ec2-user ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/90-cloud-init-users
chmod 0440 /etc/sudoers.d/90-cloud-init-users
root_before=$(getent passwd root; id -Gn root)
ec2_before=$(getent passwd ec2-user; id -Gn ec2-user)

import_setup 'SUDOERS_GROUPS="##ALL##"'
iam_user root
iam_user ec2-user
iam_user alice
before_etc=$(sha256sum /etc/sudoers.d/90-cloud-init-users)

expect_import 0
assert_contains "$IMPORT_OUTPUT" "conflict: local account root"
assert_contains "$IMPORT_OUTPUT" "conflict: local account ec2-user"
getent passwd alice >/dev/null || fail "alice was not created"
assert_eq "$root_before" "$(getent passwd root; id -Gn root)" "root"
assert_eq "$ec2_before" "$(getent passwd ec2-user; id -Gn ec2-user)" "ec2-user"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-root ]] || fail "root got a sudoers file"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-ec2-user ]] || fail "ec2-user got a sudoers file"
assert_eq "$before_etc" "$(sha256sum /etc/sudoers.d/90-cloud-init-users)" "cloud-init sudoers file"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
index = json.load(open('$STATE_DIR/managed-users.json'))
assert set(state['accounts']) == {'alice', 'moto-admin'}, state
assert 'root' not in index['users'] and 'ec2-user' not in index['users'], index
" || fail "a conflicting account entered the state or the index"

# The IAM users go away: root and ec2-user stay exactly as they were.
iam "
iam.delete_user(UserName='root')
iam.delete_user(UserName='ec2-user')"
expect_import 0
assert_eq "$root_before" "$(getent passwd root; id -Gn root)" "root after the IAM user left"
assert_eq "$ec2_before" "$(getent passwd ec2-user; id -Gn ec2-user)" "ec2-user after the IAM user left"
[[ -d /home/ec2-user ]] || fail "ec2-user's home was removed"
echo "conflicts ok"
