#!/usr/bin/env bash
# DONOTSYNC=1 exits 6, a bad configuration line exits 2 naming the line (the file is never executed), a file
# others can write or not owned by root exits 2, and a dry run on a fresh host prints the plan and changes
# nothing, not even STATE_DIR.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup ""
iam_user alice
before=$(snapshot_files)

write_import_conf "$AWS_ENDPOINT_URL" 'DONOTSYNC=1'
expect_import 6
assert_contains "$IMPORT_OUTPUT" "DONOTSYNC=1"

# shellcheck disable=SC2016 # the $(...) must reach the file literally
write_import_conf "$AWS_ENDPOINT_URL" 'LOCAL_GROUPS=$(touch /run/pwned)'
expect_import 2
assert_contains "$IMPORT_OUTPUT" "$IMPORT_CONF:6"
[[ ! -e /run/pwned ]] || fail "the configuration file was executed"

# A configuration others could change is refused before it is read (it names programs run as root).
write_import_conf "$AWS_ENDPOINT_URL"
for change in "chmod 0666" "chmod 0664" "chown nobody"; do
    $change "$IMPORT_CONF"
    expect_import 2
    assert_contains "$IMPORT_OUTPUT" "$IMPORT_CONF: not trusted"
    assert_contains "$IMPORT_OUTPUT" "nothing was changed"
    ! getent passwd alice >/dev/null || fail "a configuration after $change was used"
    chown root:root "$IMPORT_CONF"
    chmod 0644 "$IMPORT_CONF"
done
assert_eq "$before" "$(snapshot_files)" "files after refused configurations"

expect_import 0 --dry-run
assert_contains "$IMPORT_OUTPUT" "create user alice"
expect_import 0 --dry-run --json
python3 -c "import json,sys; plan=json.loads(sys.argv[1][sys.argv[1].index('{'):sys.argv[1].rindex('}')+1]); assert plan['actions']" \
    "$IMPORT_OUTPUT" || fail "--json did not print the plan"
! getent passwd alice >/dev/null || fail "a dry run created alice"
[[ ! -e $STATE_DIR ]] || fail "a dry run created $STATE_DIR"
assert_eq "$before" "$(snapshot_files)" "files after dry runs"

run_import --no-such-flag
assert_eq 64 "$IMPORT_STATUS" "exit status of a bad flag"
help=$("$IMPORT_USERS" --help)
assert_contains "$help" "5  another import_users run holds the lock"
echo "config ok"
