#!/usr/bin/env bash
# A second run with nothing to change writes no file (same mtimes and contents) but its status, last-run.json, and
# keeps the state unchanged.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

groupadd docker
import_setup 'SUDOERS_GROUPS="admins"
LOCAL_GROUPS="docker"'
iam_user alice admins
iam_user bob

expect_import 0
before=$(snapshot_files)
state_before=$(cat $STATE_DIR/state.json)
expect_import 0
assert_contains "$IMPORT_OUTPUT" "nothing to change"
assert_not_contains "$IMPORT_OUTPUT" "applying"
assert_eq "$before" "$(snapshot_files)" "files after the second run"
assert_eq "$state_before" "$(cat $STATE_DIR/state.json)" "state after the second run"
python3 -c "import json; s=json.load(open('$STATE_DIR/last-run.json')); assert s['result'] == 'ok' and s['counts']['created'] == 0, s" ||
    fail "last-run.json after a no-op run: $(cat "$STATE_DIR/last-run.json")"

# A user added by hand to another group keeps it, and the run stays a no-op.
groupadd admins-local
usermod -aG admins-local bob
before=$(snapshot_files)
expect_import 0
assert_contains "$(groups_of bob)" "admins-local" "bob's hand-made group"
assert_eq "$before" "$(snapshot_files)" "files after a run with a hand-made group"

# A deleted index is rewritten, and nothing else changes.
rm $STATE_DIR/managed-users.json
expect_import 0
[[ -f $STATE_DIR/managed-users.json ]] || fail "the index was not rewritten"
echo "rerun ok"
