#!/usr/bin/env bash
# import_users creates accounts for the members of IAM_AUTHORIZED_GROUPS with the marker group, LOCAL_GROUPS,
# LOCAL_GROUP_MAP groups and sudoers files (real useradd, groupadd, usermod, visudo), and writes state and index.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

groupadd docker
groupadd developers-local
import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="admins"
LOCAL_GROUPS="docker"
LOCAL_GROUP_MAP="devs:developers-local"'
iam_user alice ssh-users admins
iam_user bob ssh-users devs
iam_user "carol+ops@example.com" ssh-users
iam_user "way-too-long-name-for-a-local-account" ssh-users
iam_user mallory devs

expect_import 0
getent passwd alice >/dev/null || fail "alice was not created"
getent passwd bob >/dev/null || fail "bob was not created"
getent passwd carol.plus.ops.at.example.com >/dev/null || fail "carol was not created under her mapped name"
! getent passwd mallory >/dev/null || fail "mallory is not in ssh-users but got an account"
assert_contains "$IMPORT_OUTPUT" "way-too-long-name-for-a-local-account" "the log of the skipped user"

assert_eq "alice,docker,iam-synced-users" "$(groups_of alice)" "alice's groups"
assert_eq "bob,developers-local,docker,iam-synced-users" "$(groups_of bob)" "bob's groups"
[[ -d /home/alice ]] || fail "alice has no home directory"

sudo_file=/etc/sudoers.d/aws-ec2-ssh-alice
[[ -f $sudo_file ]] || fail "alice has no sudoers file"
assert_eq "440 root root" "$(stat -c '%a %U %G' "$sudo_file")" "sudoers file mode and owner"
assert_contains "$(cat "$sudo_file")" '"alice" ALL=(ALL) NOPASSWD:ALL'
visudo -c >/dev/null || fail "the sudoers configuration is not valid"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob got sudo"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-carol_2Eplus_2Eops_2Eat_2Eexample_2Ecom ]] || fail "carol got sudo"
! compgen -G "$STATE_DIR/sudoers-check*" >/dev/null || fail "a visudo check file was left behind"

assert_eq "600 root" "$(stat -c '%a %U' $STATE_DIR/state.json)" "state.json mode"
assert_eq "644 root" "$(stat -c '%a %U' $STATE_DIR/managed-users.json)" "managed-users.json mode"
python3 - <<'PY' || fail "state or index content"
import json
state = json.load(open("/var/lib/aws-ec2-ssh/state.json"))
index = json.load(open("/var/lib/aws-ec2-ssh/managed-users.json"))
names = {"alice", "bob", "carol.plus.ops.at.example.com"}
assert set(state["accounts"]) == names, state
assert set(index["users"]) == names, index
assert all(a["status"] == "active" and a["uid"] for a in state["accounts"].values()), state
assert state["accounts"]["alice"]["sudo"] is True
assert state["accounts"]["bob"]["grantedGroups"] == ["developers-local", "docker"], state
assert index["users"]["carol.plus.ops.at.example.com"]["iamUserName"] == "carol+ops@example.com"
arn = index["users"]["alice"]["iamUserARN"]
assert arn.startswith("arn:aws:iam::") and arn.endswith(":user/alice"), index
assert index["users"]["carol.plus.ops.at.example.com"]["iamUserARN"].endswith(":user/carol+ops@example.com"), index
PY

# Dry run of a converged host: nothing to change.
expect_import 0 --dry-run
assert_contains "$IMPORT_OUTPUT" "Plan: nothing to change"
echo "create ok"
