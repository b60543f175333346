#!/usr/bin/env bash
# Re-running install.sh replaces the keys it is given (never a duplicate line), keeps the operator's other lines,
# leaves unchanged files untouched, and collapses the duplicates the original install.sh used to append.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

config=/etc/aws-ec2-ssh.conf
expect_install_ok -i admins -s admins -l docker
# The operator edits the file by hand between runs.
echo 'DONOTSYNC="0"' >>"$config"
echo '# my own note' >>"$config"
sed -i 's/^#KEY_COMMAND_TIMEOUT="5"$/KEY_COMMAND_TIMEOUT="3"/' "$config"
cp -a /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf "$SCRATCH/dropin.1"
cp -a /etc/cron.d/import_users "$SCRATCH/cron.1"

expect_install_ok -i "ops,devs" -s "##ALL##" --set AWS_REGION=eu-west-1
for key in IAM_AUTHORIZED_GROUPS SUDOERS_GROUPS LOCAL_GROUPS DONOTSYNC KEY_COMMAND_TIMEOUT AWS_REGION; do
    assert_eq 1 "$(count_active "$key" "$config")" "active $key lines"
done
grep -qxF 'IAM_AUTHORIZED_GROUPS="ops,devs"' "$config" || fail "-i was not replaced"
grep -qxF 'SUDOERS_GROUPS="##ALL##"' "$config" || fail "-s was not replaced"
grep -qxF 'LOCAL_GROUPS="docker"' "$config" || fail "LOCAL_GROUPS (not given again) was not kept"
grep -qxF 'DONOTSYNC="0"' "$config" || fail "the operator's DONOTSYNC line was not kept"
grep -qxF 'KEY_COMMAND_TIMEOUT="3"' "$config" || fail "the operator's KEY_COMMAND_TIMEOUT was not kept"
grep -qxF '# my own note' "$config" || fail "the operator's comment was not kept"
grep -qxF 'AWS_REGION="eu-west-1"' "$config" || fail "--set AWS_REGION missing"
cmp -s "$SCRATCH/dropin.1" /etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf || fail "the sshd drop-in changed on re-install"
cmp -s "$SCRATCH/cron.1" /etc/cron.d/import_users || fail "the cron schedule changed on re-install (the splay must be stable)"
assert_installed_defaults
assert_cron_file

# A third identical run changes no file.
expect_install_ok -i "ops,devs" -s "##ALL##" --set AWS_REGION=eu-west-1
assert_not_contains "$(install_output)" "wrote " "identical re-install"

# A file written by the original install.sh, which appended a line per run.
printf '%s\n' 'IAM_AUTHORIZED_GROUPS="a"' 'SUDOERS_GROUPS="x"' 'IAM_AUTHORIZED_GROUPS="b"' 'SUDOERSGROUP="old"' \
    'LOCAL_MARKER_GROUP="iam-synced-users"' 'IAM_AUTHORIZED_GROUPS="c"' >"$config"
chmod 0666 "$config"
expect_install_ok -i final -s sudoers
assert_eq 1 "$(count_active IAM_AUTHORIZED_GROUPS "$config")" "IAM_AUTHORIZED_GROUPS lines after dedupe"
grep -qxF 'IAM_AUTHORIZED_GROUPS="final"' "$config" || fail "-i not written over the duplicates"
assert_eq 0 "$(count_active SUDOERSGROUP "$config")" "deprecated SUDOERSGROUP left active next to -s"
grep -qxF 'LOCAL_MARKER_GROUP="iam-synced-users"' "$config" || fail "LOCAL_MARKER_GROUP not kept"
assert_eq "640 root:aws-ec2-ssh" "$(file_mode "$config")" "a world-writable config is tightened"

# Values that cannot be written safely are refused before anything changes.
cp -a "$config" "$SCRATCH/config.before"
if run_install -i 'a"b'; then fail "a value with a double quote was accepted"; fi
assert_contains "$(install_output)" "may not contain" "refusal message"
cmp -s "$SCRATCH/config.before" "$config" || fail "a refused run changed $config"
if run_install --set NOT_A_KEY=1; then fail "an unknown key was accepted"; fi
assert_contains "$(install_output)" "unknown configuration key [NOT_A_KEY]" "unknown key message"
echo "re-install ok"
