#!/usr/bin/env bash
# ACCOUNT_BACKEND=batch killed with SIGKILL inside the batch: strace kills import_users as it renames the new
# /etc/shadow into place (group, gshadow, subgid and subuid are written, shadow and passwd are not), as it renames the
# new /etc/group into place (only the journal is written) and as it makes the first home (every file is written, no
# home yet). Each time the next run takes back the half-written lines, or makes the missing homes, from
# STATE_DIR/account-batch.json: the accounts converge to exactly what a clean import with useradd writes (account
# files, homes), pwck -r and grpck -r report nothing new, and the run after is a no-op. The first resume runs with the
# default backend (useradd), which would otherwise refuse every account whose user group the killed batch had left.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

command -v strace >/dev/null || fail "strace is missing (scripts/install-deps installs it)"
users=5
groupadd docker
common='IAM_AUTHORIZED_GROUPS="ssh-users"
LOCAL_GROUPS="docker"
SUBORDINATE_IDS="1"'
batch="$common
ACCOUNT_BACKEND=\"batch\""
import_setup "$common"
iam "
iam.create_group(GroupName='ssh-users')
for i in range($users):
    iam.create_user(UserName=f'u{i}')
    iam.add_user_to_group(GroupName='ssh-users', UserName=f'u{i}')
"
account_files=(/etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/subuid /etc/subgid)
saved=$(mktemp -d)
mkdir "$saved/orig"
cp -a "${account_files[@]}" "$saved/orig/"
pwck_before=$(pwck -r 2>&1 || true)
grpck_before=$(grpck -r 2>&1 || true)
journal=$STATE_DIR/account-batch.json

# dump DIR: the account files, a listing of the homes and pwck/grpck into DIR.
dump() {
    mkdir -p "$1"
    cp "${account_files[@]}" "$1/"
    (cd /home && find . -mindepth 1 -printf '%p %u %g %m %s\n' | sort) >"$1/homes"
    pwck -r >"$1/pwck" 2>&1 || true
    grpck -r >"$1/grpck" 2>&1 || true
}

# reset: the account files, homes and state as before the first import.
reset() {
    cp -a "$saved"/orig/* /etc/
    find /home -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    rm -rf "$STATE_DIR"
}

# import_killed_at PATH CALLS: import_users with the batch backend under strace, which kills it with SIGKILL as it
# enters one of the system calls CALLS (comma-separated) on PATH, before the call runs. A file is replaced by renaming
# FILE+ (the new text) over FILE, and strace's -P matches the rename by its first path: FILE+.
import_killed_at() {
    local status=0
    write_import_conf "$AWS_ENDPOINT_URL" "$batch"
    IMPORT_OUTPUT=$(strace -f -qq -o /dev/null -e "trace=$2" -e "inject=$2:signal=KILL" -P "$1" \
        "$IMPORT_USERS" --config "$IMPORT_CONF" --verbose 2>&1) || status=$?
    [[ $status == 137 ]] || fail "import_users was not killed at $2 on $1 (exit $status): $IMPORT_OUTPUT"
    [[ -f $journal ]] || fail "the killed batch left no journal"
    assert_contains "$(cat "$STATE_DIR/state.json")" '"creating"' "the intent state on disk"
}

# converged LABEL: the accounts are those of the clean useradd import; the run after is a no-op.
converged() {
    dump "$saved/$1"
    for file in passwd shadow group gshadow subuid subgid homes pwck grpck; do
        diff -u "$saved/clean/$file" "$saved/$1/$file" || fail "$file differs from a clean import ($1)"
    done
    [[ ! -e $journal ]] || fail "the journal is still there ($1)"
    assert_not_contains "$(cat "$STATE_DIR/state.json")" '"creating"' "the state after the repairing run ($1)"
    expect_import 0
    assert_contains "$IMPORT_OUTPUT" "nothing to change" "the run after the repair ($1)"
}

# The reference: a clean import with useradd.
expect_import 0
dump "$saved/clean"
assert_eq "$pwck_before" "$(cat "$saved/clean/pwck")" "pwck -r after a clean import"
assert_eq "$grpck_before" "$(cat "$saved/clean/grpck")" "grpck -r after a clean import"
assert_eq "$users" "$(grep -c '^u[0-9]*:x:' /etc/passwd)" "accounts of the clean import"

# 1. Killed as the new /etc/shadow is renamed into place: the user groups and ranges are there, the accounts not.
reset
import_killed_at /etc/shadow+ rename,renameat,renameat2
assert_contains "$(cat /etc/group)" "u0:x:" "/etc/group after the kill"
assert_contains "$(cat /etc/subuid)" "u0:" "/etc/subuid after the kill"
! getent passwd u0 >/dev/null || fail "u0 is in /etc/passwd although the kill came before it"
expect_import 0 --dry-run
assert_contains "$IMPORT_OUTPUT" "a batch of new accounts was interrupted" "the dry run"
[[ -f $journal ]] || fail "the dry run removed the journal"
# The repairing run uses useradd, which fails on a user group that is already there ("group u0 exists").
write_import_conf "$AWS_ENDPOINT_URL" "$common"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "took back the lines of $users accounts the interrupted batch left"
assert_not_contains "$IMPORT_OUTPUT" "in one batch" "the repairing run with useradd"
converged after-shadow

# 2. Killed as the new /etc/group is renamed into place: only the journal was written.
# The marker group is made first (as the import would, with the same GID): strace follows children, and groupadd
# renames /etc/group+ too.
reset
groupadd iam-synced-users
cp /etc/group "$saved/group-before"
import_killed_at /etc/group+ rename,renameat,renameat2
diff -u "$saved/group-before" /etc/group || fail "/etc/group changed although the kill came before it"
expect_import 0
assert_contains "$IMPORT_OUTPUT" "took back the lines of $users accounts"
assert_contains "$IMPORT_OUTPUT" "created $users accounts in one batch" "the repairing run with the batch backend"
converged after-journal

# 3. Killed as the first home is made: every account file is written, no home yet.
reset
import_killed_at /home/u0 mkdir,mkdirat
getent passwd u4 >/dev/null || fail "u4 is not in /etc/passwd although the kill came after it"
[[ ! -e /home/u0 ]] || fail "/home/u0 exists although the kill came before it"
expect_import 0
assert_not_contains "$IMPORT_OUTPUT" "took back" "the repair of a batch that reached /etc/passwd"
assert_contains "$IMPORT_OUTPUT" "finished the interrupted creation of u0"
converged after-passwd
echo "PASS"
