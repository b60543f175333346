#!/usr/bin/env bash
# While another process holds the lock, import_users exits 5 at once with a clear message and changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

import_setup ""
iam_user alice
expect_import 0
iam_user bob
lock=$STATE_DIR/import_users.lock
before=$(snapshot_files)
start=$(date +%s%N)
status=0
output=$(/usr/bin/flock --nonblock "$lock" "$IMPORT_USERS" --config "$IMPORT_CONF" --verbose 2>&1) || status=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
assert_eq 5 "$status" "exit status under a held lock"
assert_contains "$output" "another import_users run holds the lock"
((elapsed_ms < 5000)) || fail "import_users waited ${elapsed_ms} ms for the lock"
! getent passwd bob >/dev/null || fail "bob was created while the lock was held"
assert_eq "$before" "$(snapshot_files)" "files while the lock was held"

# A dry run also respects the lock; once it is free, the run goes ahead.
status=0
/usr/bin/flock --nonblock "$lock" "$IMPORT_USERS" --config "$IMPORT_CONF" --dry-run >/dev/null 2>&1 || status=$?
assert_eq 5 "$status" "exit status of a dry run under a held lock"
expect_import 0
getent passwd bob >/dev/null || fail "bob was not created once the lock was free"
echo "lock ok"
