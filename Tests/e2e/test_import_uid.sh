#!/usr/bin/env bash
# UID_SOURCE=iam-user-id: each account gets the UID derived from its IAM UserId (FNV-1a 64 modulo UID_RANGE), its
# own group gets the same number (one `useradd --user-group --uid N -K GID_MIN=N -K GID_MAX=N`, which pins the GID even
# outside GID_MIN-GID_MAX), and a UID held by an account import_users does not manage is never used: the next free one in
# the range is.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
UID_SOURCE="iam-user-id"
UID_RANGE="70000-70999"'
iam_user alice ssh-users
iam_user bob ssh-users
preferred() {
    iam "
user_id = iam.get_user(UserName='$1')['User']['UserId']
h = 0xcbf29ce484222325
for b in user_id.encode():
    h = ((h ^ b) * 0x100000001b3) % (1 << 64)
print(70000 + h % 1000)"
}
alice_uid=$(preferred alice)
bob_uid=$(preferred bob)
# Someone else holds bob's preferred UID (and GID).
groupadd --gid "$bob_uid" squatter
useradd --uid "$bob_uid" --gid "$bob_uid" squatter

expect_import 0
assert_eq "$alice_uid $alice_uid alice" "$(id -u alice) $(id -g alice) $(id -gn alice)" "alice's uid, gid and group"
bob_actual=$(id -u bob)
[[ $bob_actual != "$bob_uid" ]] || fail "bob got the UID of the unmanaged account squatter"
((bob_actual >= 70000 && bob_actual <= 70999)) || fail "bob's uid $bob_actual is outside UID_RANGE"
assert_eq "$bob_actual" "$(id -g bob)" "bob's gid"
assert_eq "$bob_uid" "$(id -u squatter)" "squatter's uid"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert state['accounts']['alice']['uid'] == $alice_uid, state
assert state['accounts']['bob']['uid'] == $bob_actual, state
" || fail "the state does not record the chosen UIDs"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"
echo "uid ok"
