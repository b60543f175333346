#!/usr/bin/env bash
# ACCOUNT_BACKEND=batch writes the same account files and homes as useradd: the same IAM users are imported twice,
# once with the default backend (useradd) and, after putting /etc and /home back, once with the batch backend; the
# passwd, shadow, group, gshadow, subuid and subgid files (and the lastlog and faillog records) must be identical, pwck -r and grpck -r must report
# nothing new, and the homes must match (owner, group, mode, skeleton files with their modes and times).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

users=${BATCH_TEST_USERS:-25}
groupadd docker
# docker takes GID 1001, the first user's UID: its user group gets another GID, as with useradd
mkdir /home/u9               # an existing home: the batch leaves u9 (the last in plan order, so the UIDs still match)
                             # to useradd, which reuses the directory
common='IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERS_GROUPS="admins"
LOCAL_GROUPS="docker"'
import_setup "$common"
iam "
iam.create_group(GroupName='ssh-users')
iam.create_group(GroupName='admins')
for i in range($users):
    iam.create_user(UserName=f'u{i}')
    iam.add_user_to_group(GroupName='ssh-users', UserName=f'u{i}')
    if i % 5 == 0:
        iam.add_user_to_group(GroupName='admins', UserName=f'u{i}')
"
account_files=(/etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/subuid /etc/subgid)
# lastlog and faillog reach past the new UIDs and hold non-zero records: useradd clears a new UID's records where
# the files reach them (it never grows them), and so must the batch.
head -c $((1100 * 292)) /dev/zero | tr '\0' 'L' >/var/log/lastlog
head -c $((1100 * 32)) /dev/zero | tr '\0' 'F' >/var/log/faillog
saved=$(mktemp -d)
mkdir "$saved/orig" "$saved/logs"
cp -a "${account_files[@]}" "$saved/orig/"
cp -a /var/log/lastlog /var/log/faillog "$saved/logs/"
pwck_before=$(pwck -r 2>&1 || true)
grpck_before=$(grpck -r 2>&1 || true)

# dump DIR: the account files and a listing of the homes into DIR.
dump() {
    mkdir -p "$1"
    cp "${account_files[@]}" /var/log/lastlog /var/log/faillog "$1/"
    (cd /home && find . -mindepth 1 -printf '%p %u %g %m %s\n' | sort) >"$1/homes"
    (cd /home && find . -mindepth 2 -type f -printf '%p %T@\n' | sort) >"$1/skel-times"
    pwck -r >"$1/pwck" 2>&1 || true
    grpck -r >"$1/grpck" 2>&1 || true
}

# reset: the account files, homes and state as before the first import.
reset() {
    cp -a "$saved"/orig/* /etc/
    cp -a "$saved"/logs/* /var/log/
    find /home -mindepth 1 -maxdepth 1 ! -name u9 -exec rm -rf {} +
    rm -rf "$STATE_DIR"
    rm -f /etc/sudoers.d/aws-ec2-ssh-*
}

# compare LABEL [CONFIG_LINE]: import with useradd, reset, import with the batch backend (CONFIG_LINE added to both),
# and compare everything; leaves the batch's accounts in place.
compare() {
    local label=$1 extra=${2:-}
    reset
    write_import_conf "$AWS_ENDPOINT_URL" "$common
$extra"
    expect_import 0
    dump "$saved/$label-useradd"
    assert_not_contains "$IMPORT_OUTPUT" "in one batch" "the default backend ($label)"
    reset
    write_import_conf "$AWS_ENDPOINT_URL" "$common
$extra
ACCOUNT_BACKEND=\"batch\""
    expect_import 0
    dump "$saved/$label-batch"
    assert_contains "$IMPORT_OUTPUT" "created $((users - 1)) accounts in one batch" "the batch backend's log ($label)"
    assert_contains "$IMPORT_OUTPUT" "u9: /home/u9 exists already; useradd creates this account"
    for file in passwd shadow group gshadow subuid subgid lastlog faillog homes skel-times pwck grpck; do
        diff -u "$saved/$label-useradd/$file" "$saved/$label-batch/$file" ||
            fail "$file differs between useradd and the batch backend ($label)"
    done
    assert_eq "$pwck_before" "$(cat "$saved/$label-batch/pwck")" "pwck -r reports nothing new ($label)"
    assert_eq "$grpck_before" "$(cat "$saved/$label-batch/grpck")" "grpck -r reports nothing new ($label)"
    assert_eq "$users" "$(grep -c '^u[0-9]*:x:' /etc/passwd)" "accounts created ($label)"
}

# The default, SUBORDINATE_IDS=0 (useradd gets -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0): no subordinate ranges.
compare default
assert_eq "" "$(cat /etc/subuid)" "no subordinate UIDs with SUBORDINATE_IDS=0"
# SUBORDINATE_IDS=1: ranges allocated like useradd.
compare subids 'SUBORDINATE_IDS="1"'
assert_contains "$(cat /etc/subuid)" "u0:100000:65536" "subordinate UIDs allocated like useradd"
assert_eq 755 "$(stat -c %a /home/u0)" "home mode from UMASK 022"
cmp -s "$saved/logs/lastlog" /var/log/lastlog && fail "the new UIDs' lastlog records were not cleared"
assert_eq "$((1100 * 292))" "$(stat -c %s /var/log/lastlog)" "the size of lastlog (never grown)"
[[ -f /etc/passwd- && -f /etc/shadow- ]] || fail "the backup files were not kept"
[[ ! -e /etc/passwd.lock && ! -e /etc/shadow.lock && ! -e /etc/group.lock ]] || fail "a lock file was left behind"
visudo -c >/dev/null || fail "the sudoers configuration is not valid"
[[ -f /etc/sudoers.d/aws-ec2-ssh-u0 ]] || fail "u0 has no sudoers file"

# A second run is a no-op: nothing is created again.
expect_import 0
assert_not_contains "$IMPORT_OUTPUT" "in one batch" "the no-op run"
diff -u "$saved/subids-batch/passwd" /etc/passwd || fail "the no-op run changed /etc/passwd"
echo "PASS"
