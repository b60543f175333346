#!/usr/bin/env bash
# Removing an IAM user deletes its managed account (processes ended, home and sudoers file removed, state
# entry dropped, its key cache entry deleted); accounts import_users did not create are never deleted, even when in
# the marker group.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="ssh-users"'
iam_user alice ssh-users
iam_user bob ssh-users
iam_user carol ssh-users
expect_import 0
[[ -f /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob has no sudoers file"

# A hand-made account in the marker group, named like nobody in IAM, and one named like an IAM user.
useradd --create-home -G iam-synced-users handmade
# A process of bob that must be ended.
setsid runuser -u bob -- sleep 600 </dev/null >/dev/null 2>&1 &
bob_uid=$(id -u bob)
for _ in $(seq 1 50); do pgrep -u "$bob_uid" sleep >/dev/null && break; python3 -c 'import time; time.sleep(0.1)'; done
pgrep -u "$bob_uid" sleep >/dev/null || fail "bob's process did not start"

# The key command's cache (owned by its user, as install.sh makes it) holds entries of alice and bob.
useradd --system --no-create-home --shell /usr/sbin/nologin aws-ec2-ssh
install -d -o aws-ec2-ssh -g aws-ec2-ssh -m 0700 /var/cache/aws-ec2-ssh
for user in alice bob; do
    install -o aws-ec2-ssh -g aws-ec2-ssh -m 0600 /dev/null "/var/cache/aws-ec2-ssh/user-$user.json"
done

iam "
iam.remove_user_from_group(GroupName='ssh-users', UserName='bob')
iam.delete_user(UserName='bob')"
expect_import 0
[[ ! -e /var/cache/aws-ec2-ssh/user-bob.json ]] || fail "bob's key cache entry survived his account"
[[ -e /var/cache/aws-ec2-ssh/user-alice.json ]] || fail "alice's key cache entry was removed"
! getent passwd bob >/dev/null || fail "bob was not deleted"
[[ ! -e /home/bob ]] || fail "bob's home was not removed"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob's sudoers file was not removed"
! pgrep -u "$bob_uid" >/dev/null || fail "bob's processes survived"
getent passwd handmade >/dev/null || fail "a hand-made account was deleted"
getent passwd alice >/dev/null || fail "alice was deleted"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
index = json.load(open('$STATE_DIR/managed-users.json'))
assert set(state['accounts']) == {'alice', 'carol'}, state
assert set(index['users']) == {'alice', 'carol'}, index
" || fail "bob is still in the state or the index"

# A user removed from the authorized group loses the account too (one per run: the cap allows it).
iam "iam.remove_user_from_group(GroupName='ssh-users', UserName='carol')"
expect_import 0
! getent passwd carol >/dev/null || fail "carol was not deleted"
getent passwd handmade >/dev/null || fail "a hand-made account was deleted"
echo "remove ok"
