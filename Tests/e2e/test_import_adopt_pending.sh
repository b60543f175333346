#!/usr/bin/env bash
# Adoption of the bash tool's accounts stays in force until it has succeeded once: a first import with
# --adopt-legacy-accounts that fails (IAM unreachable through the fault proxy) records the pending adoption in
# STATE_DIR and changes nothing else; the plain import_users run next (by hand or from cron) adopts the bash tool's
# users instead of refusing or reporting conflicts, and removes the record; after that, adoption is never done again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

PENDING=$STATE_DIR/adopt-legacy-accounts.pending

start_moto
start_fault_proxy
write_import_conf "$EC2SSH_TEST_FAULT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="admins"'
iam_user alice ssh-users admins
iam_user bob.smith ssh-users

# The bash tool's accounts: in the marker group, named like IAM users, with its sudoers file.
groupadd iam-synced-users
useradd --create-home -G iam-synced-users alice
useradd --create-home -G iam-synced-users bob.smith
echo 'alice ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/alice
chmod 0440 /etc/sudoers.d/alice
# dave was put in the marker group by hand; his IAM user only appears after the migration.
useradd --create-home -G iam-synced-users dave
alice_uid=$(id -u alice)

# The first import of the migration cannot reach IAM: exit 3, the pending adoption recorded, nothing else changed.
faults '[{"action": "*", "fault": "drop"}]'
before=$(snapshot_files | grep -v -e import_users.lock -e adopt-legacy-accounts.pending)
expect_import 3 --adopt-legacy-accounts
(($(fault_hits) > 0)) || fail "the fault was never injected"
assert_contains "$IMPORT_OUTPUT" "recorded $PENDING"
[[ -f $PENDING ]] || fail "the pending adoption was not recorded"
assert_eq "600 root" "$(stat -c '%a %U' "$PENDING")" "mode and owner of $PENDING"
[[ ! -e $STATE_DIR/state.json ]] || fail "the failed run wrote a state file"
assert_eq "$before" "$(snapshot_files | grep -v -e import_users.lock -e adopt-legacy-accounts.pending)" \
    "files after the failed run"

# Still unreachable: a plain run keeps it pending (exit 3 as before).
expect_import 3
[[ -f $PENDING ]] || fail "a failed plain run cleared the pending adoption"

# IAM answers again: the plain run adopts (no exit 7, no conflicts) and clears the record.
faults '[]'
expect_import 0
assert_contains "$IMPORT_OUTPUT" "adoption of the bash aws-ec2-ssh's accounts is pending"
assert_contains "$IMPORT_OUTPUT" "adopting account alice"
assert_contains "$IMPORT_OUTPUT" "adopting account bob.smith"
assert_not_contains "$IMPORT_OUTPUT" "conflict: local account alice"
assert_eq "$alice_uid" "$(id -u alice)" "alice's uid"
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice && ! -e /etc/sudoers.d/alice ]] || fail "alice's sudo was not taken over"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))
assert set(state['accounts']) == {'alice', 'bob.smith'}, state
" || fail "the adopted accounts are not in the state"
[[ ! -e $PENDING ]] || fail "the successful run did not clear the pending adoption"

# Adoption is done: dave, whose IAM user appears now, stays foreign (a conflict, never adopted).
iam_user dave ssh-users
expect_import 0
assert_contains "$IMPORT_OUTPUT" "conflict: local account dave"
assert_not_contains "$(cat "$STATE_DIR/managed-users.json")" '"dave"' "managed-users index"
echo "adopt pending ok"
