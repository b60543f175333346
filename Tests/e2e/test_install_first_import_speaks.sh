#!/usr/bin/env bash
# install.sh with the real import_users and a wrong AWS secret, its output going through a pipe (as in user data or
# SSM Run Command): the first import's one-line error (cause and advice) is printed above install.sh's own message,
# which points at it; the installation is kept and install.sh exits 3.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"
source "$(dirname "$0")/import_lib.sh"

start_moto
status=0
bash "$INSTALL_SH" --bin-dir "$EC2SSH_BIN_DIR" --timer=cron --set "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL" \
    --set "AWS_ACCESS_KEY_ID=$EC2SSH_TEST_ACCESS_KEY_ID" --set "AWS_SECRET_ACCESS_KEY=wrong-secret" \
    --set AWS_REGION=us-east-1 --set AWS_EC2_METADATA_DISABLED=true 2>&1 </dev/null | cat >"$SCRATCH/out" ||
    status=$? # pipefail: the status of install.sh
sed 's/^/    | /' "$SCRATCH/out"
assert_eq 3 "$status" "install.sh exit status after a failing first import"
out=$(install_output)
assert_contains "$out" "running the first import: /usr/local/sbin/import_users
" "first import line without a trailing space"
error_line=$(grep -n '^import_users: error: IAM could not be read' "$SCRATCH/out" | cut -d: -f1 | head -n 1)
[[ -n $error_line ]] || fail "the first import's error is not in install.sh's output"
assert_contains "$out" "SignatureDoesNotMatch"
assert_contains "$out" "AWS rejected the credentials"
final_line=$(grep -n 'the first import failed' "$SCRATCH/out" | cut -d: -f1 | head -n 1)
[[ -n $final_line && $error_line -lt $final_line ]] || fail "install.sh's message does not follow the import's error"
assert_contains "$out" "its error messages are above"
[[ -x /usr/local/sbin/import_users ]] || fail "the installation was not kept"
echo "first import speaks ok"
