#!/usr/bin/env bash
# Issue 12, defect 3: the staged configuration is checked with the tools' own parser before anything is written;
# values it refuses, and DONOTSYNC=1 (which would make every import refuse to run), stop the installation with the
# parser's message and change nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

# --- 3. Values the parser refuses, and DONOTSYNC=1, are refused before anything is written.
expect_refused "invalid IAM_AUTHORIZED_GROUPS" -i 'ssh;ops'
expect_refused "invalid KEY_COMMAND_TIMEOUT" --set KEY_COMMAND_TIMEOUT=120
expect_refused "invalid MAX_DELETE_PERCENT" --set MAX_DELETE_PERCENT=abc
expect_refused "DONOTSYNC=1" --set DONOTSYNC=1
[[ ! -e /etc/aws-ec2-ssh.conf && ! -e /usr/local/sbin/import_users ]] || fail "a refused run installed something"
echo "config checked ok"
