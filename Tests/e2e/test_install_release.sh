#!/usr/bin/env bash
# The release tarball (scripts/build-release, or $EC2SSH_RELEASE_TARBALL): its binaries load no shared library at start
# but glibc, libcrypto and libexpat (and what those load); libcurl.so.4 is not among them (AWSCore loads it with dlopen
# on the first HTTP request) and no libcurl function is called directly; and install.sh works from the unpacked
# tarball (binaries in ./bin, no --bin-dir).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/install_lib.sh"

tarball=${EC2SSH_RELEASE_TARBALL:-}
if [[ -z $tarball ]]; then
    tarball=$("$EC2SSH_REPO/scripts/build-release" "$SCRATCH/dist" | tail -n 1)
fi
[[ -f $tarball ]] || fail "no release tarball at [$tarball]"
mkdir -p /opt/release
tar -xzf "$tarball" -C /opt/release
root=$(echo /opt/release/aws-ec2-ssh-*)
for path in bin/import_users bin/authorized_keys_command bin/GLIBC_REQUIRED install.sh cron/import_users etc/aws-ec2-ssh.conf \
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

(cd / && bash "$root/install.sh" --timer=cron --no-first-import) >"$SCRATCH/out" 2>&1 || { cat "$SCRATCH/out"; fail "install.sh from the tarball failed"; }
for exe in import_users authorized_keys_command; do
    cmp -s "$root/bin/$exe" "/usr/local/sbin/$exe" || fail "/usr/local/sbin/$exe is not the tarball's"
done
/usr/sbin/sshd -t || fail "sshd -t after installing from the tarball"
echo "release ok"
