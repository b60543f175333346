#!/usr/bin/env bash
# Issue 12, defect 4: KEY_CACHE_DIR must be a directory of its own: never a system directory (install would chown it
# to aws-ec2-ssh, uninstall would delete it), never an existing directory holding other things; uninstall removes only
# the cache directory install created.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

# --- 4. KEY_CACHE_DIR: never a system directory, never a directory holding other things.
for dir in /var/cache / /tmp /var; do
    expect_refused "KEY_CACHE_DIR=\"$dir\"" --set "KEY_CACHE_DIR=$dir"
done
mkdir -p /srv/shared
echo "someone else's" >/srv/shared/data
expect_refused "holds 1 entries" --set KEY_CACHE_DIR=/srv/shared
assert_eq "755 root:root" "$(file_mode /srv/shared)" "the foreign directory"

expect_install_ok --set KEY_CACHE_DIR=/var/cache/ec2ssh-keys
assert_eq "700 aws-ec2-ssh:aws-ec2-ssh" "$(file_mode /var/cache/ec2ssh-keys)" "the dedicated cache directory"
# 4. Uninstall removes the cache directory install created, and nothing it did not create.
echo "keep me" >/var/cache/unrelated
run_install --uninstall || fail "uninstall failed"
[[ ! -e /var/cache/ec2ssh-keys ]] || fail "uninstall left the cache directory install created"
[[ -f /var/cache/unrelated && -d /var/cache ]] || fail "uninstall removed what install did not create"
[[ -f /srv/shared/data ]] || fail "the foreign directory was touched"
echo "cache dir ok"
