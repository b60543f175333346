#!/usr/bin/env bash
# Revocation is immediate and reversible, destruction deferred: a user removed from the authorized group is locked
# (usermod: "!" password, account expiry day 1 in /etc/shadow), loses sudo and leaves managed-users.json in the
# same run while DELETE_AFTER_MISSING_RUNS holds the deletion back; added back, the account is unlocked with the
# shadow fields it had. A group deleted in IAM (NoSuchEntity) is an answer: its members are revoked, exit 0. A run
# killed before the lock is finished by the next one.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users,contractors"
SUDOERS_GROUPS="ssh-users"
DELETE_AFTER_MISSING_RUNS="3"'
iam_user alice ssh-users
iam_user bob ssh-users
iam_user carol contractors

# shadow_field USER N: field N of USER's /etc/shadow line (2 password, 8 account expiry in days since 1970).
shadow_field() {
    getent shadow "$1" | cut -d: -f"$2"
}

# indexed: the local names in managed-users.json, sorted, comma-separated.
indexed() {
    python3 -c "import json; print(','.join(sorted(json.load(open('$STATE_DIR/managed-users.json'))['users'])))"
}

# state_of USER FIELD: FIELD of USER's state.json entry (empty when absent).
state_of() {
    python3 -c "import json; print(json.load(open('$STATE_DIR/state.json'))['accounts']['$1'].get('$2', ''))"
}

expect_import 0
[[ -f /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob has no sudo"
assert_eq "alice,bob,carol" "$(indexed)" "index at the start"
bob_password=$(shadow_field bob 2)
assert_eq "" "$(shadow_field bob 8)" "bob's account expiry at the start"

# bob leaves the authorized group: locked, no sudo, out of the index at once; his account and home stay.
iam "iam.remove_user_from_group(GroupName='ssh-users', UserName='bob')"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "lock user bob"
getent passwd bob >/dev/null || fail "bob was deleted although DELETE_AFTER_MISSING_RUNS=3 holds the deletion"
[[ -d /home/bob ]] || fail "bob's home is gone"
assert_eq "1" "$(shadow_field bob 8)" "bob's account expiry after the lock"
[[ $(shadow_field bob 2) == '!'* ]] || fail "bob's password field is not locked: $(shadow_field bob 2)"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob kept his sudoers file"
assert_eq "alice,carol" "$(indexed)" "index after bob lost access"
assert_eq "locked" "$(state_of bob lock)" "bob's lock in state.json"
assert_eq "1" "$(state_of bob missingRuns)" "bob's missing runs"

# Still missing: nothing more to do until the third run.
expect_import 0
assert_not_contains "$IMPORT_OUTPUT" "lock user bob"
getent passwd bob >/dev/null || fail "bob was deleted on the second run"
assert_eq "1" "$(shadow_field bob 8)" "bob's account expiry on the second run"

# bob comes back: unlocked with the shadow fields he had, sudo and index back.
iam "iam.add_user_to_group(GroupName='ssh-users', UserName='bob')"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "unlock user bob"
assert_eq "" "$(shadow_field bob 8)" "bob's account expiry after the unlock"
assert_eq "$bob_password" "$(shadow_field bob 2)" "bob's password field after the unlock"
[[ -f /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob did not get sudo back"
assert_eq "alice,bob,carol" "$(indexed)" "index after bob came back"
assert_eq "" "$(state_of bob lock)" "bob's lock in state.json after the unlock"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"

# The contractors group is deleted in IAM: an answer (no members), not a failed read.
iam "
iam.remove_user_from_group(GroupName='contractors', UserName='carol')
iam.delete_group(GroupName='contractors')"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "IAM group contractors does not exist (GetGroup: NoSuchEntity)"
assert_contains "$IMPORT_OUTPUT" "IAM_AUTHORIZED_GROUPS"
assert_eq "1" "$(shadow_field carol 8)" "carol's account expiry after her group was deleted"
assert_eq "alice,bob" "$(indexed)" "index after the contractors group was deleted"
for user in alice bob; do
    getent passwd $user >/dev/null || fail "$user of ssh-users was deleted"
done
assert_eq "" "$(shadow_field alice 8)" "alice's account expiry"

# Killed before usermod --lock runs (a wrapper in the sandbox's /usr/sbin kills import_users once): the intent
# state says "locking" and alice is already out of the index; the next run locks her.
mv /usr/sbin/usermod /usr/sbin/usermod.real
cat >/usr/sbin/usermod <<'SH'
#!/bin/bash
if [[ ! -e /run/usermod-killed ]]; then
    touch /run/usermod-killed
    kill -KILL $PPID
    exit 1
fi
exec /usr/sbin/usermod.real "$@"
SH
chmod 0755 /usr/sbin/usermod
iam "iam.remove_user_from_group(GroupName='ssh-users', UserName='alice')"
expect_import 137
[[ -e /run/usermod-killed ]] || fail "the usermod wrapper did not run"
assert_eq "" "$(shadow_field alice 8)" "alice's account expiry after the kill"
assert_eq "locking" "$(state_of alice lock)" "alice's lock in the intent state"
assert_eq "bob" "$(indexed)" "index after the kill"
expect_import 0
assert_eq "1" "$(shadow_field alice 8)" "alice's account expiry after the repairing run"
assert_eq "locked" "$(state_of alice lock)" "alice's lock after the repairing run"
echo "revoke ok"
