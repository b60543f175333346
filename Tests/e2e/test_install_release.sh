#!/usr/bin/env bash
# The release tarball (scripts/build-release, or $EC2SSH_RELEASE_TARBALL): its binaries load no shared library at start
# but glibc, libcrypto and libexpat (and what those load); libcurl.so.4 is not among them (AWSCore loads it with dlopen
# on the first HTTP request) and no libcurl function is called directly; the tarball aws-ec2-ssh-VERSION-linux-ARCH.tar.gz
# unpacks to aws-ec2-ssh-VERSION/ with a VERSION file, VERSION being a release (X.Y.Z) or a development build
# (0.0.0-dev+g<hash>), never a bare hash; and the README's fleet user-data snippet works as written: it downloads the
# tarball (served on 127.0.0.1), unpacks it, and install.sh from it (binaries in ./bin, no --bin-dir) installs and runs
# the first import against moto.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"
source "$(dirname "$0")/import_lib.sh"

tarball=${EC2SSH_RELEASE_TARBALL:-}
if [[ -z $tarball ]]; then
    tarball=$("$EC2SSH_REPO/scripts/build-release" "$SCRATCH/dist" | tail -n 1)
fi
[[ -f $tarball ]] || fail "no release tarball at [$tarball]"
arch=$(uname -m)
file=$(basename "$tarball")
version=${file#aws-ec2-ssh-}
version=${version%-linux-"$arch".tar.gz}
[[ $file == "aws-ec2-ssh-$version-linux-$arch.tar.gz" ]] || fail "the tarball's name $file is not aws-ec2-ssh-VERSION-linux-$arch.tar.gz"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ || $version =~ ^0\.0\.0-dev\+g[0-9a-f]{7,40}(\.dirty)?$ ]] ||
    fail "the tarball's version [$version] is neither X.Y.Z nor 0.0.0-dev+g<hash>"
mkdir -p /opt/release
tar -xzf "$tarball" -C /opt/release
assert_eq "aws-ec2-ssh-$version" "$(ls /opt/release)" "what the tarball unpacks to"
root=/opt/release/aws-ec2-ssh-$version
assert_eq "$version" "$(cat "$root/VERSION")" "the VERSION file"
for path in VERSION bin/import_users bin/authorized_keys_command bin/GLIBC_REQUIRED install.sh cron/import_users etc/aws-ec2-ssh.conf \
    etc/sshd_config.d/00-aws-ec2-ssh.conf etc/systemd/aws-ec2-ssh-import.service etc/systemd/aws-ec2-ssh-import.timer \
    etc/iam/single-account-policy.json etc/iam/cross-account-role-policy.json README.md LICENSE; do
    [[ -e $root/$path ]] || fail "the tarball lacks $path"
done

allowed='^(libc|libm|libpthread|libdl|librt|libutil|libcrypto|libexpat)\.so\.[0-9]+$|^ld-linux[a-z0-9_-]*\.so\.[0-9]+$'
lib_path() { ldconfig -p | awk -v n="$1" '$1 == n { print $NF; exit }'; }
transitive=$(ldd "$(lib_path libcrypto.so.3)" "$(lib_path libexpat.so.1)" | awk '{ print $1 }' | sort -u)
for exe in import_users authorized_keys_command; do
    binary=$root/bin/$exe
    needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    unexpected=$(grep -Ev "$allowed" <<<"$needed" || true)
    [[ -z $unexpected ]] || fail "$exe links $(tr '\n' ' ' <<<"$unexpected")"
    extra=$(ldd "$binary" | awk '{ print $1 }' | grep -v '^linux-vdso' | grep -Ev "$allowed" | grep -vxF "$transitive" || true)
    [[ -z $extra ]] || fail "ldd $exe shows $(tr '\n' ' ' <<<"$extra")"
    undefined=$(nm -D --undefined-only "$binary" | awk '{ print $NF }')
    direct=$(grep '^curl_' <<<"$undefined" || true)
    [[ -z $direct ]] || fail "$exe calls libcurl directly: $(tr '\n' ' ' <<<"$direct")"
    grep -q '^dlopen@' <<<"$undefined" || fail "$exe does not use dlopen (how does it load libcurl?)"
    ! readelf -S "$binary" | grep -q '\.symtab' || fail "$exe is not stripped"
done

# The README's fleet user data, as written: only the bucket URL (a web server on 127.0.0.1 holding the tarball) and
# VERSION are filled in. moto stands in for IAM (AWS_* in the environment), so the first import runs and imports alice.
snippet=$(awk '/^    #!\/bin\/bash$/ { on = 1 } on && /^$/ { exit } on { sub(/^    /, ""); print }' "$EC2SSH_REPO/README.md")
assert_contains "$snippet" "cd aws-ec2-ssh-VERSION" "the README's fleet snippet"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server --bind 127.0.0.1 --directory "$(dirname "$tarball")" "$port" >"$SCRATCH/http.log" 2>&1 &
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=0.2)" 2>/dev/null && break
    python3 -c 'import time; time.sleep(0.05)'
done
snippet=${snippet//https:\/\/YOUR-BUCKET/http://127.0.0.1:$port}
snippet=${snippet//VERSION/$version}
start_moto
iam_user alice developers ops
# The snippet lets install.sh choose the schedule: give it a cron to find (no cron daemon runs in the sandbox).
if ! command -v cron >/dev/null; then
    printf '#!/bin/sh\nexit 0\n' >/usr/local/sbin/cron
    chmod 0755 /usr/local/sbin/cron
fi
status=0
PATH=/usr/local/sbin:$PATH bash -c "$snippet" >"$SCRATCH/out" 2>&1 || status=$?
sed 's/^/    | /' "$SCRATCH/out"
assert_eq 0 "$status" "exit status of the README's fleet snippet"
[[ -f /tmp/$file ]] || fail "the snippet did not download /tmp/$file"
for exe in import_users authorized_keys_command; do
    cmp -s "$root/bin/$exe" "/usr/local/sbin/$exe" || fail "/usr/local/sbin/$exe is not the tarball's"
done
assert_contains "$(cat /etc/aws-ec2-ssh.conf)" 'IAM_AUTHORIZED_GROUPS="developers"' "the configuration written"
id alice >/dev/null 2>&1 || fail "the first import did not create alice"
[[ -f /etc/cron.d/import_users ]] || fail "no /etc/cron.d/import_users"
/usr/sbin/sshd -t || fail "sshd -t after installing from the tarball"
echo "release ok"
