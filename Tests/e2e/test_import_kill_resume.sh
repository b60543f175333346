#!/usr/bin/env bash
# import_users killed with SIGKILL mid-run (right after the first useradd, right after the one visudo run that checks
# a run's sudoers files together, right after the one gpasswd run that adds several accounts to a group, and right
# after the first userdel) leaves a state the next run repairs: every account converges, nothing is orphaned, a
# third run is a no-op.
# The kill is deterministic: USERADD_PROGRAM / USERDEL_PROGRAM wrappers, and wrappers put in place of visudo and
# gpasswd (inside the sandbox), kill their parent (import_users) once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

for tool in useradd userdel; do
    cat >/usr/local/sbin/$tool-killer <<SH
#!/bin/bash
/usr/sbin/$tool "\$@" || exit \$?
if [[ ! -e /run/$tool-killed ]]; then
    touch /run/$tool-killed
    kill -KILL \$PPID
fi
SH
    chmod 0755 /usr/local/sbin/$tool-killer
done
# visudo is run by its fixed path: the sandbox's copy is replaced by a wrapper that, once armed, keeps the batch it
# checked and kills import_users after checking it.
mv /usr/sbin/visudo /usr/sbin/visudo.real
cat >/usr/sbin/visudo <<'SH'
#!/bin/bash
/usr/sbin/visudo.real "$@" || exit $?
if [[ ${!#} == */sudoers-check.batch && -e /run/visudo-armed ]]; then
    rm /run/visudo-armed
    cp "${!#}" /run/visudo-batch
    kill -KILL $PPID
fi
SH
chmod 0755 /usr/sbin/visudo
mv /usr/bin/gpasswd /usr/bin/gpasswd.real
cat >/usr/bin/gpasswd <<'SH'
#!/bin/bash
/usr/bin/gpasswd.real "$@" || exit $?
if [[ $1 == --members && -e /run/gpasswd-armed ]]; then
    rm /run/gpasswd-armed
    kill -KILL $PPID
fi
SH
chmod 0755 /usr/bin/gpasswd
config='IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="ssh-users"
USERADD_PROGRAM="/usr/local/sbin/useradd-killer"
USERDEL_PROGRAM="/usr/local/sbin/userdel-killer"'

import_setup "$config"
iam_user alice ssh-users
iam_user bob ssh-users
iam_user carol ssh-users

expect_import 137
[[ -e /run/useradd-killed ]] || fail "the useradd wrapper did not run"
getent passwd alice >/dev/null || fail "alice (the first account) was not created before the kill"
! getent passwd bob >/dev/null || fail "bob was created although the run was killed before"
assert_contains "$(cat $STATE_DIR/state.json)" '"creating"' "the intent state on disk"

# Now kill right after the batch check of the three sudoers files, before any is installed.
touch /run/visudo-armed
expect_import 137
[[ -e /run/visudo-batch ]] || fail "the three sudoers files were not checked together"
for user in alice bob carol; do
    getent passwd $user >/dev/null || fail "$user was not created before the batch check"
    assert_contains "$(cat /run/visudo-batch)" "\"$user\" ALL=" "the checked batch"
    [[ ! -e /etc/sudoers.d/aws-ec2-ssh-$user ]] || fail "$user's sudoers file was installed before the kill"
done
assert_contains "$(cat $STATE_DIR/state.json)" '"creating"' "the intent state on disk"

expect_import 0
for user in alice bob carol; do
    getent passwd $user >/dev/null || fail "$user missing after the repairing run"
    assert_contains "$(groups_of $user)" "iam-synced-users" "$user's groups"
    [[ -f /etc/sudoers.d/aws-ec2-ssh-$user ]] || fail "$user has no sudoers file after the repairing run"
done
assert_not_contains "$(cat $STATE_DIR/state.json)" '"creating"' "the state after the repairing run"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"

# Now kill right after the one gpasswd run that adds the three accounts to a new local group.
groupadd team
write_import_conf "$AWS_ENDPOINT_URL" "$config
LOCAL_GROUPS=\"team\""
touch /run/gpasswd-armed
expect_import 137
[[ ! -e /run/gpasswd-armed ]] || fail "the three accounts did not join team with one gpasswd run"
assert_eq "alice,bob,carol" "$(getent group team | cut -d: -f4 | tr , '\n' | sort | paste -sd,)" "team's members"
expect_import 0
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert all('team' in entry['grantedGroups'] for entry in state['accounts'].values()), state
" || fail "the repairing run did not record the team memberships"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"

# Now kill right after the first userdel.
iam "
for name in ('alice', 'bob'):
    iam.remove_user_from_group(GroupName='ssh-users', UserName=name)"
expect_import 4 --dry-run
assert_contains "$IMPORT_OUTPUT" "REFUSING to delete 2 of 3"
expect_import 137 --force
[[ -e /run/userdel-killed ]] || fail "the userdel wrapper did not run"
! getent passwd alice >/dev/null || fail "alice was not deleted before the kill"
assert_contains "$(cat $STATE_DIR/state.json)" '"deleting"' "the intent state on disk"

expect_import 0 --force
! getent passwd alice >/dev/null || fail "alice came back"
! getent passwd bob >/dev/null || fail "bob was not deleted by the repairing run"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-alice ]] || fail "alice's sudoers file is left behind"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob's sudoers file is left behind"
getent passwd carol >/dev/null || fail "carol was deleted"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert set(state['accounts']) == {'carol'}, state
assert state['accounts']['carol']['status'] == 'active', state
" || fail "the state did not converge"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"
echo "kill and resume ok"
