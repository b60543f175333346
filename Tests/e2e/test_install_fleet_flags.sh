#!/usr/bin/env bash
# Issue 14: install.sh's fleet flags on a real host (in the sandbox): --snapshot-url, --snapshot-public-key (checked,
# pinned as /etc/aws-ec2-ssh/snapshot.pem), --publisher / --no-publisher (the publisher's cron file), and
# --uninstall removing them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

URL=s3://fleet-bucket/aws-ec2-ssh/snapshot
openssl ecparam -name prime256v1 -genkey -noout -out "$SCRATCH/signer.pem"
openssl ec -in "$SCRATCH/signer.pem" -pubout -out "$SCRATCH/public.pem" 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout | openssl ec -pubout -out "$SCRATCH/p384.pem" 2>/dev/null

# Refused before any change: a key on another curve, a file that is not there, a publisher without a KMS key.
expect_refused "its curve is not NIST P-256" --snapshot-url "$URL" --snapshot-public-key "$SCRATCH/p384.pem"
expect_refused "is not a file" --snapshot-url "$URL" --snapshot-public-key "$SCRATCH/missing.pem"
expect_refused "--publisher needs SNAPSHOT_KMS_KEY_ID" --snapshot-url "$URL" --snapshot-public-key "$SCRATCH/public.pem" \
    --publisher

# A reader host: the key is pinned (same key, normalised PEM), the configuration names it and the URL.
expect_install_ok -i developers --snapshot-url "$URL" --snapshot-public-key "$SCRATCH/public.pem"
assert_installed_defaults
assert_eq "644 root:root" "$(file_mode /etc/aws-ec2-ssh/snapshot.pem)" "pinned key mode"
assert_eq "$(openssl pkey -pubin -in "$SCRATCH/public.pem" -outform DER | sha256sum)" \
    "$(openssl pkey -pubin -in /etc/aws-ec2-ssh/snapshot.pem -outform DER | sha256sum)" "pinned key"
for line in "SNAPSHOT_URL=\"$URL\"" 'SNAPSHOT_PUBLIC_KEY="/etc/aws-ec2-ssh/snapshot.pem"'; do
    grep -qxF "$line" /etc/aws-ec2-ssh.conf || fail "/etc/aws-ec2-ssh.conf lacks [$line]"
done
[[ ! -e /etc/cron.d/aws-ec2-ssh-publish ]] || fail "a reader got the publisher's schedule"

# The same host becomes a publisher, keeps the role on a plain re-run, and gives it up with --no-publisher.
expect_install_ok --set SNAPSHOT_KMS_KEY_ID=alias/aws-ec2-ssh --publisher
assert_eq "644 root:root" "$(file_mode /etc/cron.d/aws-ec2-ssh-publish)" "publisher cron file mode"
grep -qxF '*/2 * * * * root /usr/local/sbin/import_users publish' /etc/cron.d/aws-ec2-ssh-publish ||
    fail "no publish line: $(cat /etc/cron.d/aws-ec2-ssh-publish)"
assert_contains "$(install_output)" "publishes the fleet snapshot every 2 minutes"
expect_install_ok
[[ -f /etc/cron.d/aws-ec2-ssh-publish ]] || fail "a re-run without --publisher dropped the role"
expect_install_ok --no-publisher
[[ ! -e /etc/cron.d/aws-ec2-ssh-publish ]] || fail "--no-publisher left the publisher's schedule"
assert_cron_file

# Uninstall takes the pinned key and its directory with it.
expect_install_ok --publisher
bash "$INSTALL_SH" --uninstall >"$SCRATCH/out" 2>&1 || fail "uninstall failed: $(cat "$SCRATCH/out")"
for path in /etc/aws-ec2-ssh/snapshot.pem /etc/aws-ec2-ssh /etc/cron.d/aws-ec2-ssh-publish /etc/aws-ec2-ssh.conf; do
    [[ ! -e $path ]] || fail "$path is left after --uninstall"
done
echo "fleet flags ok"
