# shellcheck shell=sh
# The shared body of the .deb and .rpm maintainer scripts (POSIX sh). scripts/build-packages puts this file into every
# one of them (preinst, postinst, prerm, postrm; %pre, %post, %preun, %postun) ahead of the few lines that say which
# function runs when (packaging/deb/*, packaging/rpm/*): postrm and %postun run after the package's files are gone,
# so nothing here may live in a file of the package.
#
# What the package does on each step:
#   configure (postinst configure, %post):  the system user aws-ec2-ssh, then the same setup install.sh runs, in its
#                                           package mode (--packaged: sshd and the schedule run the binaries in
#                                           /usr/sbin, nothing is copied), the schedule on systemd's timer (or cron
#                                           where systemd does not run), and no first import (it needs the
#                                           configuration you fill in; the timer runs it within 10 minutes);
#   remove (prerm remove, %preun on erase): the setup's uninstall, keeping /etc/aws-ec2-ssh.conf and the imported
#                                           accounts: sshd no longer asks the key command, so logins do not break;
#   purge (postrm purge):                   also the state and cache directories and the system user aws-ec2-ssh
#                                           (dpkg removes the configuration file itself). The imported accounts
#                                           stay: README.md ("Remove and purge") says how to remove them.

# The package's fixed places.
AWS_EC2_SSH_SHARE=/usr/share/aws-ec2-ssh
AWS_EC2_SSH_CONFIG=/etc/aws-ec2-ssh.conf
AWS_EC2_SSH_USER=aws-ec2-ssh

# aws_ec2_ssh_setup install|uninstall: THE one place that says how the package calls the setup.
# It is install.sh (shipped in /usr/share/aws-ec2-ssh with its templates), which checks that the binaries run and
# hands its flags to `import_users setup install|uninstall`. --packaged --bin-dir /usr/sbin: the binaries are the
# package's, in /usr/sbin; sshd and the schedule run them there, the setup copies nothing into /usr/local/sbin and its
# uninstall never removes them (dpkg and rpm do). --force: the package manager has already checked what the binaries
# need (glibc, libcurl, libcrypto, libexpat), so install.sh's list of distributions does not apply.
aws_ec2_ssh_setup() {
    case $1 in
        install)
            "$AWS_EC2_SSH_SHARE/install.sh" --force --packaged --bin-dir /usr/sbin --timer="$(aws_ec2_ssh_timer)" \
                --no-first-import
            ;;
        uninstall)
            "$AWS_EC2_SSH_SHARE/install.sh" --uninstall --keep-config --packaged --bin-dir /usr/sbin
            ;;
    esac
}

# aws_ec2_ssh_timer: systemd where it runs (its timer), else cron (/etc/cron.d/import_users).
aws_ec2_ssh_timer() {
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        echo systemd
    else
        echo cron
    fi
}

# aws_ec2_ssh_nologin: the distribution's nologin shell.
aws_ec2_ssh_nologin() {
    for shell in /usr/sbin/nologin /sbin/nologin; do
        if [ -x "$shell" ]; then
            echo "$shell"
            return 0
        fi
    done
    echo /bin/false
}

# aws_ec2_ssh_create_user: the system user (and group) aws-ec2-ssh that runs the key command and owns the
# configuration file's group, created as the setup creates it (no home, no login shell) when it does not exist.
aws_ec2_ssh_create_user() {
    if getent passwd "$AWS_EC2_SSH_USER" >/dev/null 2>&1; then
        return 0
    fi
    if getent group "$AWS_EC2_SSH_USER" >/dev/null 2>&1; then
        useradd --system --gid "$AWS_EC2_SSH_USER" --no-create-home --home-dir /nonexistent \
            --shell "$(aws_ec2_ssh_nologin)" --comment "aws-ec2-ssh AuthorizedKeysCommand" "$AWS_EC2_SSH_USER"
    else
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell "$(aws_ec2_ssh_nologin)" --comment "aws-ec2-ssh AuthorizedKeysCommand" "$AWS_EC2_SSH_USER"
    fi
}

# aws_ec2_ssh_protect_config: /etc/aws-ec2-ssh.conf (it may hold AWS_SECRET_ACCESS_KEY) readable by root and the group
# aws-ec2-ssh only (root's group when that is gone), whatever the steps before left.
aws_ec2_ssh_protect_config() {
    [ -f "$AWS_EC2_SSH_CONFIG" ] && [ ! -L "$AWS_EC2_SSH_CONFIG" ] || return 0
    if getent group "$AWS_EC2_SSH_USER" >/dev/null 2>&1; then
        chown "root:$AWS_EC2_SSH_USER" "$AWS_EC2_SSH_CONFIG"
    else
        chown root:root "$AWS_EC2_SSH_CONFIG"
    fi
    chmod 0640 "$AWS_EC2_SSH_CONFIG"
}

# aws_ec2_ssh_configure first|upgrade: postinst configure and %post, the same for a first installation and an upgrade
# but for the hint printed after the first one.
aws_ec2_ssh_configure() {
    aws_ec2_ssh_create_user
    aws_ec2_ssh_protect_config
    aws_ec2_ssh_setup install
    if [ "$1" = first ]; then
        echo "aws-ec2-ssh: installed. Set the IAM groups and AWS access in $AWS_EC2_SSH_CONFIG, then run" \
            "/usr/sbin/import_users once (or wait for the schedule, every 10 minutes)."
    fi
}

# aws_ec2_ssh_remove: prerm remove and %preun on erase. sshd stops asking the key command before the binaries go.
aws_ec2_ssh_remove() {
    if [ -x "$AWS_EC2_SSH_SHARE/install.sh" ]; then
        aws_ec2_ssh_setup uninstall
    fi
    aws_ec2_ssh_protect_config
}

# aws_ec2_ssh_purge: postrm purge. The default STATE_DIR and KEY_CACHE_DIR (other ones set in the configuration are
# left: remove them by hand) and the system user; the imported accounts stay.
aws_ec2_ssh_purge() {
    rm -rf /var/lib/aws-ec2-ssh /var/cache/aws-ec2-ssh
    if getent passwd "$AWS_EC2_SSH_USER" >/dev/null 2>&1; then
        userdel "$AWS_EC2_SSH_USER" || echo "aws-ec2-ssh: could not remove the system user $AWS_EC2_SSH_USER" >&2
    fi
    if getent group "$AWS_EC2_SSH_USER" >/dev/null 2>&1; then
        groupdel "$AWS_EC2_SSH_USER" || echo "aws-ec2-ssh: could not remove the group $AWS_EC2_SSH_USER" >&2
    fi
    echo "aws-ec2-ssh: purged. The imported accounts are kept: list them with 'getent group iam-synced-users'" \
        "and remove each with 'userdel --remove NAME' (and its file in /etc/sudoers.d)."
}
