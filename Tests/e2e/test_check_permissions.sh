#!/usr/bin/env bash
# import_users check, the program as installed: with the bash tool's IAM policy and IAM_AUTHORIZED_GROUPS set it
# exits 8 and names iam:ListGroupsForUser with the statement to add (text and --json), changing nothing; with the
# missing permission granted it exits 0; an unreachable IAM is exit 3, not a denial. Plain import_users (no
# subcommand) still imports with its flags.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
start_fault_proxy
iam_user alice ssh-users

# The host's credentials: an IAM user with the bash tool's policy (moto matches user actions against "*" only).
keys=$(iam "
import json
iam.create_user(UserName='host')
iam.put_user_policy(UserName='host', PolicyName='bash-tool', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Action': ['iam:ListUsers', 'iam:GetGroup', 'iam:GetSSHPublicKey',
                   'iam:ListSSHPublicKeys', 'ec2:DescribeTags'], 'Resource': '*'}]}))
key = iam.create_access_key(UserName='host')['AccessKey']
print(key['AccessKeyId'], key['SecretAccessKey'])")
read -r host_key host_secret <<<"$keys"
write_check_conf() {
    cat >"$IMPORT_CONF" <<CONF
AWS_ENDPOINT_URL="$1"
AWS_ACCESS_KEY_ID="$host_key"
AWS_SECRET_ACCESS_KEY="$host_secret"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
IAM_AUTHORIZED_GROUPS="ssh-users"
CONF
    chmod 0600 "$IMPORT_CONF"
}
write_check_conf "$AWS_ENDPOINT_URL"

# run_check [ARGS...]: import_users check; sets CHECK_STATUS, CHECK_OUT (stdout) and CHECK_ERR (stderr).
run_check() {
    CHECK_STATUS=0
    "$IMPORT_USERS" check --config "$IMPORT_CONF" "$@" >/run/check.out 2>/run/check.err || CHECK_STATUS=$?
    CHECK_OUT=$(cat /run/check.out)
    CHECK_ERR=$(cat /run/check.err)
}

before=$(snapshot_files)
run_check
assert_eq 8 "$CHECK_STATUS" "exit status of check with the bash tool's policy ($CHECK_ERR)"
assert_contains "$CHECK_OUT" "allowed  iam:GetGroup ssh-users"
assert_contains "$CHECK_OUT" "DENIED   iam:ListGroupsForUser"
assert_contains "$CHECK_OUT" "AccessDenied"
assert_contains "$CHECK_OUT" '"Action": "iam:ListGroupsForUser"'
assert_contains "$CHECK_ERR" "check: denied: iam:ListGroupsForUser"
assert_eq "$before" "$(snapshot_files)" "files after check"
[[ ! -e $STATE_DIR ]] || fail "check created $STATE_DIR"

run_check --json
assert_eq 8 "$CHECK_STATUS" "exit status of check --json"
python3 -c "
import json, sys
doc = json.loads(sys.stdin.read())
assert doc['format'] == 1 and doc['mode'] == 'check' and doc['result'] == 'denied', doc
assert doc['missingActions'] == ['iam:ListGroupsForUser'], doc
denied = [c for c in doc['checks'] if c['result'] == 'denied']
assert denied[0]['statement']['Action'] == 'iam:ListGroupsForUser', denied
" <<<"$CHECK_OUT" || fail "check --json: $CHECK_OUT"

# IAM unreachable: nothing can be checked, which is not a denial.
write_check_conf "$EC2SSH_TEST_FAULT_URL"
faults '[{"action": "*", "fault": "drop"}]'
run_check
assert_eq 3 "$CHECK_STATUS" "exit status of check with IAM unreachable"
assert_contains "$CHECK_OUT" "could not check"
assert_not_contains "$CHECK_OUT" "DENIED"
faults '[]'

# Granting what check printed makes it pass.
iam "
import json
iam.put_user_policy(UserName='host', PolicyName='added', PolicyDocument=json.dumps({'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Action': 'iam:ListGroupsForUser', 'Resource': '*'}]}))"
run_check
assert_eq 0 "$CHECK_STATUS" "exit status of check with the permission granted ($CHECK_OUT)"
assert_contains "$CHECK_OUT" "All 4 actions are allowed."

# A bad --config of check is exit 2; import_users without a subcommand keeps its flags and exit codes.
status=0
"$IMPORT_USERS" check --config /nonexistent.conf >/dev/null 2>&1 || status=$?
assert_eq 2 "$status" "exit status of check with a missing --config"
expect_import 0 --dry-run
assert_contains "$IMPORT_OUTPUT" "create user alice"
run_import --no-such-flag
assert_eq 64 "$IMPORT_STATUS" "exit status of a bad flag"
expect_import 0
getent passwd alice >/dev/null || fail "plain import_users did not create alice"
echo "check ok"
