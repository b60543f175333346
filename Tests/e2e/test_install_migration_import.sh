#!/usr/bin/env bash
# Migration from the bash tool with the real first import: install.sh finds the bash tool, keeps its config, and
# its first import adopts the accounts the bash tool created (marker group, named like IAM users) so nobody loses
# their account or sudo; a pre-existing account outside the marker group stays foreign.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"
source "$(dirname "$0")/install_lib.sh"

start_moto
iam_user alice ssh-users admins
iam_user bob.smith ssh-users
iam_user carol ssh-users

# The bash tool's layout: scripts in /opt, its cron file, its config (with AWS access lines for the emulator).
for name in import_users authorized_keys_command; do
    printf '#!/bin/bash -e\n# bash aws-ec2-ssh\naws iam list-users\n' >"/opt/$name.sh"
    chmod 0755 "/opt/$name.sh"
done
write_import_conf "$AWS_ENDPOINT_URL" 'IAM_AUTHORIZED_GROUPS="ssh-users"
SUDOERSGROUP="admins"'
printf '%s\n' '*/10 * * * * root /opt/import_users.sh' >/etc/cron.d/import_users
groupadd iam-synced-users
useradd --create-home --shell /bin/bash --groups iam-synced-users alice
useradd --create-home --shell /bin/bash --groups iam-synced-users bob.smith
useradd --create-home --shell /bin/bash carol   # made by an admin, not by the bash tool
echo 'alice ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/alice
chmod 0440 /etc/sudoers.d/alice
echo "alice's work" >/home/alice/notes
alice_uid=$(id -u alice)

status=0
bash "$INSTALL_SH" --bin-dir "$EC2SSH_BIN_DIR" --timer=cron >"$SCRATCH/out" 2>&1 || status=$?
sed 's/^/    | /' "$SCRATCH/out"
assert_eq 0 "$status" "install.sh exit status"
out=$(install_output)
assert_contains "$out" "--adopt-legacy-accounts" "first import of a migration"

# The bash tool's users keep their accounts, homes, UIDs and sudo; they are managed now.
assert_eq "$alice_uid" "$(id -u alice)" "alice's uid"
assert_eq "alice's work" "$(cat /home/alice/notes)" "alice's home"
[[ -f /etc/sudoers.d/aws-ec2-ssh-alice && ! -e /etc/sudoers.d/alice ]] || fail "alice's sudo was not taken over"
python3 -c "
import json
accounts = json.load(open('/var/lib/aws-ec2-ssh/state.json'))['accounts']
assert set(accounts) == {'alice', 'bob.smith'}, accounts
" || fail "the migrated accounts are not managed"
# carol existed outside the marker group: never adopted, never in the index.
assert_not_contains "$(cat /var/lib/aws-ec2-ssh/managed-users.json)" '"carol"' "managed-users index"
assert_not_contains "$(id -Gn carol)" iam-synced-users "carol's groups"

# Later runs never adopt again: a new marker-group member made by hand stays foreign.
useradd --create-home --groups iam-synced-users dave
iam_user dave ssh-users
expect_import 0
assert_not_contains "$(cat /var/lib/aws-ec2-ssh/managed-users.json)" '"dave"' "managed-users index after a later run"
echo "migration with import ok"
