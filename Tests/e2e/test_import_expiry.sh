#!/usr/bin/env bash
# ACCESS_EXPIRY_TAG: an IAM user whose tag lies in the past (or cannot be read as a date) gets no account; a
# future expiry is written to managed-users.json for the key command; once it passes, the account is removed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
ACCESS_EXPIRY_TAG="access-expires"'
iam_user alice ssh-users
iam_user bob ssh-users
iam_user carol ssh-users
iam_user dave ssh-users
iam "
iam.tag_user(UserName='alice', Tags=[{'Key': 'access-expires', 'Value': '2099-12-31T18:00:00Z'}])
iam.tag_user(UserName='bob', Tags=[{'Key': 'access-expires', 'Value': '2001-01-01'}])
iam.tag_user(UserName='carol', Tags=[{'Key': 'access-expires', 'Value': 'next tuesday'}])"

expect_import 0
getent passwd alice >/dev/null || fail "alice (expires in 2099) was not created"
getent passwd dave >/dev/null || fail "dave (no expiry) was not created"
! getent passwd bob >/dev/null || fail "bob (expired) got an account"
! getent passwd carol >/dev/null || fail "carol (unreadable expiry) got an account"
assert_contains "$IMPORT_OUTPUT" "access expired"
python3 -c "
import json
index = json.load(open('$STATE_DIR/managed-users.json'))['users']
assert index['alice']['accessExpiresAt'].startswith('2099-12-31T18:00:00'), index
assert 'accessExpiresAt' not in index['dave'], index
" || fail "the index does not carry the expiries"

iam "iam.tag_user(UserName='dave', Tags=[{'Key': 'access-expires', 'Value': '2020-06-01'}])"
expect_import 0
! getent passwd dave >/dev/null || fail "dave's account survived his expiry"
getent passwd alice >/dev/null || fail "alice was removed"
echo "expiry ok"
