#!/usr/bin/env bash
# The README's demo command, end to end: it must end with a successful login over sshd with an IAM key.
source "$(dirname "$0")/lib.sh"
status=0
bash "$EC2SSH_REPO/scripts/demo-run" >/run/demo.out 2>&1 || status=$?
cat /run/demo.out
((status == 0)) || fail "the demo exited with $status"
out=$(cat /run/demo.out)
assert_contains "$out" "DEMO LOGIN OK: logged in as alice" "demo output"
assert_contains "$out" "alice has sudo" "demo output"
