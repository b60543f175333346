#!/usr/bin/env bash
# Hostile IAM names (., .., ..., -rf, 1000, .ssh, x@, x.at.y, a local group's name) never reach useradd: they are
# skipped or reported as conflicts with a warning, and everyone else is still imported, with sudo. userdel removes
# a home only when it is the account's own directory under /home: an account named "." left by an older version
# (home /home/. = /home), a home moved to /home and a symlinked home are deleted without --remove, and every other
# home stays.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

# local_user NAME: whether /etc/passwd has an account NAME (getent would also match a numeric NAME as a UID).
local_user() {
    cut -d: -f1 /etc/passwd | grep -Fxq -- "$1"
}

import_setup 'SUDOERS_GROUPS="##ALL##"'
hostile=(. .. ... -rf 1000 .ssh "x@" x.at.y)
for name in "${hostile[@]}" staff alice bob carol; do
    iam_user "$name"
done
getent group staff >/dev/null || fail "the base system has no group staff"

expect_import 0
for name in alice bob carol; do
    local_user "$name" || fail "$name was not created"
    [[ -f /etc/sudoers.d/aws-ec2-ssh-$name ]] || fail "$name has no sudoers file"
done
for name in "${hostile[@]}" staff "x.at." x.at.y; do
    ! local_user "$name" || fail "an account $name was created"
done
for name in "${hostile[@]}"; do
    assert_contains "$IMPORT_OUTPUT" "skipped: IAM user \"$name\"" "the warning about $name"
done
assert_contains "$IMPORT_OUTPUT" "conflict: IAM user staff maps to local name staff, but a local group staff exists"
assert_eq "" "$(find /etc/sudoers.d -name 'aws-ec2-ssh-[._0-9-]*')" "sudoers files of hostile names"
[[ -d /home/alice && -d /home/bob && -d /home/carol ]] || fail "a home directory is missing"
stat -c %U /home | grep -qx root || fail "/home changed owner"

# An account named "." that an older version created for IAM user ".": its home is /home itself. Now that the
# name is refused it is deleted, and userdel must not take /home with it.
useradd --no-create-home -G iam-synced-users -- .
dot_uid=$(getent passwd . | cut -d: -f3)
python3 -c "
import json
path = '$STATE_DIR/state.json'
state = json.load(open(path))
entry = dict(state['accounts']['alice'], iamUserName='.', iamUserID='AIDAOLDDOT', uid=$dot_uid, sudo=False)
state['accounts']['.'] = entry
json.dump(state, open(path, 'w'))
"
expect_import 0
! local_user . || fail "the account . was not deleted"
assert_contains "$IMPORT_OUTPUT" "keeping the home directory /home/. of .:"
assert_contains "$IMPORT_OUTPUT" "userdel runs without --remove"
[[ -d /home/alice && -d /home/bob && -d /home/carol ]] || fail "deleting . removed homes under /home"

# bob's home moved to /home by hand; bob leaves IAM.
usermod --home /home bob
iam "iam.delete_user(UserName='bob')"
expect_import 0
! local_user bob || fail "bob was not deleted"
assert_contains "$IMPORT_OUTPUT" "keeping the home directory /home of bob: its home \"/home\" is not the dedicated directory /home/bob"
[[ -d /home/alice && -d /home/carol && -d /home/bob ]] || fail "deleting bob removed a home directory"

# carol's home is a symlink to a directory elsewhere; carol leaves IAM.
mkdir -p /srv
mv /home/carol /srv/carol-data
touch /srv/carol-data/keep-me
ln -s /srv/carol-data /home/carol
iam "iam.delete_user(UserName='carol')"
expect_import 0
! local_user carol || fail "carol was not deleted"
assert_contains "$IMPORT_OUTPUT" "keeping the home directory /home/carol of carol: its home /home/carol is a symbolic link"
[[ -f /srv/carol-data/keep-me ]] || fail "userdel followed carol's symlinked home"

# alice leaves IAM: her own home goes with her, as before.
iam "iam.delete_user(UserName='alice')"
expect_import 0
! local_user alice || fail "alice was not deleted"
[[ ! -e /home/alice ]] || fail "alice's own home was not removed"
[[ -d /home && -f /srv/carol-data/keep-me ]] || fail "other directories went with alice"
echo "hostile names ok"
