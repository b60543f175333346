#!/usr/bin/env bash
# SUBORDINATE_IDS: by default (0) the accounts import_users creates get no /etc/subuid and /etc/subgid ranges
# (useradd -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0), so more accounts than SUB_UID_MIN..SUB_UID_MAX holds ranges for
# can be created; with SUBORDINATE_IDS=1 useradd allocates them as login.defs says, and fails once they run out.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

[[ -f /etc/subuid && -f /etc/subgid ]] || fail "this test needs /etc/subuid and /etc/subgid (Debian's passwd package)"
# Room for one range of 65536 IDs only (Debian's default holds about 9,155 of them).
sed -i -e 's/^SUB_UID_MAX.*/SUB_UID_MAX 165535/' -e 's/^SUB_GID_MAX.*/SUB_GID_MAX 165535/' /etc/login.defs
grep -q '^SUB_UID_MAX 165535' /etc/login.defs || echo 'SUB_UID_MAX 165535' >>/etc/login.defs
grep -q '^SUB_GID_MAX 165535' /etc/login.defs || echo 'SUB_GID_MAX 165535' >>/etc/login.defs
# A bare useradd takes the one range, and the next one fails: the limit import_users must not hit.
useradd --user-group probe1
grep -q '^probe1:' /etc/subuid || fail "useradd did not allocate a subordinate range here; the test proves nothing"
if useradd --user-group probe2 2>/dev/null; then fail "a second bare useradd found a subordinate range"; fi
userdel probe1
sed -i '/^probe1:/d' /etc/subuid /etc/subgid

import_setup 'IAM_AUTHORIZED_GROUPS="ssh-users"'
for name in alice bob carol dave; do iam_user "$name" ssh-users; done
subuid_before=$(cat /etc/subuid /etc/subgid)
expect_import 0
for name in alice bob carol dave; do id "$name" >/dev/null || fail "$name was not created"; done
assert_eq "$subuid_before" "$(cat /etc/subuid /etc/subgid)" "/etc/subuid and /etc/subgid after SUBORDINATE_IDS=0"

# SUBORDINATE_IDS=1: useradd allocates as login.defs says; one account gets the range, the next fails (exit 4).
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUBORDINATE_IDS="1"'
iam_user erin ssh-users
iam_user frank ssh-users
expect_import 4
assert_contains "$IMPORT_OUTPUT" "subordinate"
created=$(grep -cE '^(erin|frank):' /etc/subuid || true)
assert_eq "1" "$created" "accounts given a subordinate UID range with SUBORDINATE_IDS=1"
echo "subordinate ids ok"
