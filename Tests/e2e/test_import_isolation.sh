#!/usr/bin/env bash
# One account whose useradd fails blocks nobody else: the other accounts are created and get sudo, the run exits
# 4 (partial) naming the failure, and the next run creates the account once useradd works. A name held by a
# local group (useradd --user-group would fail) is a conflict found before acting.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

# A useradd that refuses bob while /run/refuse-bob exists, and is the real one otherwise.
cat >/usr/local/sbin/useradd-refusing-bob <<'SH'
#!/bin/sh
for last; do :; done
if [ "$last" = bob ] && [ -e /run/refuse-bob ]; then
    echo "useradd: simulated failure for bob" >&2
    exit 1
fi
exec /usr/sbin/useradd "$@"
SH
chmod 0755 /usr/local/sbin/useradd-refusing-bob
touch /run/refuse-bob
groupadd docker

import_setup 'SUDOERS_GROUPS="##ALL##"
USERADD_PROGRAM="/usr/local/sbin/useradd-refusing-bob"'
for name in alice bob carol docker; do
    iam_user "$name"
done

expect_import 4
for name in alice carol; do
    getent passwd "$name" >/dev/null || fail "$name was not created after bob failed"
    [[ -f /etc/sudoers.d/aws-ec2-ssh-$name ]] || fail "$name got no sudo after bob failed"
done
! getent passwd bob >/dev/null || fail "bob exists although useradd failed"
[[ ! -e /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob got a sudoers file without an account"
assert_contains "$IMPORT_OUTPUT" "failed: create user bob"
assert_contains "$IMPORT_OUTPUT" "simulated failure for bob"
assert_contains "$IMPORT_OUTPUT" "skipped: grant sudo to bob"
assert_contains "$IMPORT_OUTPUT" "conflict: IAM user docker maps to local name docker, but a local group docker exists"
assert_not_contains "$IMPORT_OUTPUT" "create user docker"
! getent passwd docker >/dev/null || fail "an account docker was created"
python3 -c "
import json
state = json.load(open('$STATE_DIR/state.json'))['accounts']
assert state['bob']['status'] == 'creating', state['bob']
assert state['alice']['status'] == 'active' and state['carol']['status'] == 'active', state
assert 'docker' not in state, state
" || fail "the state does not keep bob's creation pending"

rm /run/refuse-bob
expect_import 0
getent passwd bob >/dev/null || fail "bob was not created once useradd worked"
[[ -f /etc/sudoers.d/aws-ec2-ssh-bob ]] || fail "bob got no sudo once created"
echo "isolation ok"
