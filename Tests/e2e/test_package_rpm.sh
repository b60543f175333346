#!/usr/bin/env bash
# The .rpm, inspected with rpm itself: its file list (rpm -qpl) with modes, owners and the %config(noreplace)
# configuration; its dependencies (rpm -qp --requires: libcurl, which is loaded with dlopen, OpenSSL 3's libcrypto,
# expat, openssh-server); its scriptlets (rpm -qp --scripts: the same maintainer code as the .deb's, shellcheck-clean);
# then `rpm -i --root` into a scratch root (--nodeps: the root is empty; --noscripts: it has no shell to run them),
# verified with rpm -V and erased again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/package_lib.sh"

rpm=$(package_file 'aws-ec2-ssh-*.rpm')
arch=$(uname -m)
[[ $(basename "$rpm") =~ ^aws-ec2-ssh-[0-9][A-Za-z0-9.+~]*-1\.$arch\.rpm$ ]] ||
    fail "the rpm's name $(basename "$rpm") is not aws-ec2-ssh-VERSION-1.$arch.rpm"
assert_eq "aws-ec2-ssh $arch" "$(rpm -qp --qf '%{NAME} %{ARCH}' "$rpm")" "name and architecture"

# --- rpm -qpl: exactly these files.
expected='/etc/aws-ec2-ssh.conf
/usr/lib/systemd/system/aws-ec2-ssh-import.service
/usr/lib/systemd/system/aws-ec2-ssh-import.timer
/usr/sbin/authorized_keys_command
/usr/sbin/import_users
/usr/share/aws-ec2-ssh
/usr/share/aws-ec2-ssh/VERSION
/usr/share/aws-ec2-ssh/cron
/usr/share/aws-ec2-ssh/cron/import_users
/usr/share/aws-ec2-ssh/etc'
list=$(rpm -qpl "$rpm")
while IFS= read -r path; do
    grep -qxF "$path" <<<"$list" || fail "rpm -qpl lacks $path:
$list"
done <<<"$expected"
for path in /usr/share/aws-ec2-ssh/install.sh /usr/share/aws-ec2-ssh/etc/systemd/aws-ec2-ssh-import.timer \
    /usr/share/man/man8/import_users.8.gz /usr/share/man/man8/authorized_keys_command.8.gz \
    /usr/share/bash-completion/completions/import_users /usr/share/bash-completion/completions/authorized_keys_command \
    /usr/share/zsh/site-functions/_import_users /usr/share/zsh/site-functions/_authorized_keys_command \
    /usr/share/doc/aws-ec2-ssh/README.md /usr/share/licenses/aws-ec2-ssh/LICENSE; do
    grep -qxF "$path" <<<"$list" || fail "rpm -qpl lacks $path"
done
outside=$(grep -Ev '^/(etc/aws-ec2-ssh\.conf|usr/sbin/(import_users|authorized_keys_command)|usr/lib/systemd/system/aws-ec2-ssh-import\.(service|timer)|usr/share/(aws-ec2-ssh|doc/aws-ec2-ssh|licenses/aws-ec2-ssh)(/.*)?|usr/share/man/man8/(import_users|authorized_keys_command)\.8\.gz|usr/share/bash-completion/completions/(import_users|authorized_keys_command)|usr/share/zsh/site-functions/_(import_users|authorized_keys_command))$' <<<"$list" || true)
assert_eq "" "$outside" "files the rpm has besides ours"
# Modes, owners and flags: the configuration is %config(noreplace), root:aws-ec2-ssh 0640.
attributes=$(rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm")
for entry in '-rw-r----- root:aws-ec2-ssh cn /etc/aws-ec2-ssh.conf' '-rwxr-xr-x root:root  /usr/sbin/import_users' \
    '-rwxr-xr-x root:root  /usr/sbin/authorized_keys_command' \
    '-rw-r--r-- root:root  /usr/lib/systemd/system/aws-ec2-ssh-import.timer' \
    '-rw-r--r-- root:root d /usr/share/doc/aws-ec2-ssh/README.md' \
    '-rw-r--r-- root:root l /usr/share/licenses/aws-ec2-ssh/LICENSE'; do
    grep -qxF -- "$entry" <<<"$attributes" || fail "rpm file attributes lack [$entry]:
$attributes"
done
assert_eq /etc/aws-ec2-ssh.conf "$(rpm -qp --configfiles "$rpm")" "rpm -qp --configfiles"

# --- rpm -qp --requires: named, because libcurl is dlopen'ed; the libraries the binaries link come automatically.
requires=$(rpm -qp --requires "$rpm")
for dependency in libcurl 'openssl-libs >= 1:3.0.0' expat openssh-server 'libcrypto.so.3()(64bit)' \
    'libexpat.so.1()(64bit)' 'libc.so.6(GLIBC_2.34)(64bit)'; do
    grep -qxF "$dependency" <<<"$requires" || fail "rpm -qp --requires lacks [$dependency]:
$requires"
done

# --- rpm -qp --scripts: %pre creates the user, %post configures, %preun unwires only on erase; POSIX sh.
scripts=$(rpm -qp --scripts "$rpm")
assert_contains "$scripts" "preinstall scriptlet (using /bin/sh):" "scriptlets"
assert_contains "$scripts" "postinstall scriptlet (using /bin/sh):" "scriptlets"
assert_contains "$scripts" "preuninstall scriptlet (using /bin/sh):" "scriptlets"
assert_contains "$(rpm -qp --qf '%{PREIN}' "$rpm")" "aws_ec2_ssh_create_user" "%pre"
assert_contains "$(rpm -qp --qf '%{POSTIN}' "$rpm")" "aws_ec2_ssh_configure" "%post"
# shellcheck disable=SC2016 # the scriptlet's text, not an expansion
assert_contains "$(rpm -qp --qf '%{PREUN}' "$rpm")" 'if [ "$1" -eq 0 ]; then' "%preun"
setup_line=$(grep -A 3 '^aws_ec2_ssh_setup() {' "$EC2SSH_REPO/packaging/maintainer.sh")
assert_contains "$(rpm -qp --qf '%{POSTIN}' "$rpm")" "$setup_line" "%post's setup call (packaging/maintainer.sh)"
assert_contains "$(rpm -qp --qf '%{POSTIN}' "$rpm")" "--packaged --bin-dir /usr/sbin" "%post's setup call: package mode"
assert_contains "$(rpm -qp --qf '%{PREUN}' "$rpm")" "--keep-config --packaged --bin-dir /usr/sbin" "%preun's setup call: package mode"
for tag in PREIN POSTIN PREUN; do
    rpm -qp --qf "%{$tag}" "$rpm" >"$SCRATCH/$tag.sh"
    if command -v shellcheck >/dev/null; then
        shellcheck -s sh "$SCRATCH/$tag.sh" || fail "shellcheck: %{$tag}"
    fi
done

# --- rpm -i --root into a scratch root, rpm -V, rpm -e.
root=$SCRATCH/root
mkdir -p "$root/etc"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
printf 'root:x:0:\naws-ec2-ssh:x:990:\n' >"$root/etc/group"
rpm --root "$root" --initdb
run_logged rpm -i --root "$root" --nodeps --noscripts "$rpm" || fail "rpm -i --root failed"
assert_not_contains "$(cat "$SCRATCH/out")" "does not exist" "rpm -i output"
assert_eq "$(rpm -qp --qf '%{NAME}-%{VERSION}-%{RELEASE}' "$rpm")" "$(rpm --root "$root" -q --qf '%{NAME}-%{VERSION}-%{RELEASE}' aws-ec2-ssh)" "rpm -q"
assert_eq "640 0:990" "$(stat -c '%a %u:%g' "$root/etc/aws-ec2-ssh.conf")" "the configuration in the scratch root"
assert_eq "755 0:0" "$(stat -c '%a %u:%g' "$root/usr/sbin/authorized_keys_command")" "the key command in the scratch root"
cmp -s "$EC2SSH_REPO/etc/aws-ec2-ssh.conf" "$root/etc/aws-ec2-ssh.conf" || fail "the configuration is not the sample"
assert_eq "ExecStart=/usr/sbin/import_users" "$(grep '^ExecStart=' "$root/usr/lib/systemd/system/aws-ec2-ssh-import.service")" \
    "the packaged service runs the packaged binary"
run_logged rpm -V --root "$root" --nodeps aws-ec2-ssh || fail "rpm -V finds files that differ from the package"
# An edited configuration survives an erase as .rpmsave (%config(noreplace)); everything else goes.
echo 'LOCAL_GROUPS="users"' >>"$root/etc/aws-ec2-ssh.conf"
run_logged rpm -e --root "$root" --nodeps --noscripts aws-ec2-ssh || fail "rpm -e failed"
[[ -f $root/etc/aws-ec2-ssh.conf.rpmsave ]] || fail "the edited configuration was not kept as .rpmsave"
left=$(cd "$root" && find usr etc -type f ! -name 'aws-ec2-ssh.conf.rpmsave' ! -path 'etc/passwd' ! -path 'etc/group')
assert_eq "" "$left" "files left in the scratch root after rpm -e"
echo "rpm ok"
