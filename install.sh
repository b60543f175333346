#!/usr/bin/env bash
# install.sh: install (or --uninstall) aws-ec2-ssh on this host. Run as root from the unpacked release tarball
# (binaries in ./bin) or from the repository (--bin-dir DIR). See --help.
#
# This is a bootstrap: it checks the platform and that the binaries run here, then hands over to
# `import_users setup install|uninstall` (Sources/HostSetup), which stages every file, shows the differences with
# --dry-run, writes atomically, validates with sshd -t and rolls back on failure. Its flags are mapped one to one.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
umask 022
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"

readonly PROGRAM=install.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE

readonly CONFIG_FILE=/etc/aws-ec2-ssh.conf
readonly SBIN_DIR=/usr/local/sbin
readonly SERVICE_USER=aws-ec2-ssh
readonly UNIT_DIR=/etc/systemd/system
readonly TIMER_UNIT=aws-ec2-ssh-import.timer
readonly DEFAULT_STATE_DIR=/var/lib/aws-ec2-ssh

MODE=install
FORCE=0
PACKAGED=0
VERBOSE=0
BIN_DIR=
SETUP_ARGS=()   # passed to `import_users setup MODE`
HAS_SETTINGS=0

usage() {
    cat <<EOF
Usage: $PROGRAM [-hv] [-a ARN] [-i GROUP,...] [-l GROUP,...] [-s GROUP,...|##ALL##] [-p PROGRAM] [-u "ARGS"]
                  [-d PROGRAM] [-f "ARGS"] [--set KEY=VALUE]... [--timer=auto|cron|systemd] [--bin-dir DIR]
                  [--no-first-import] [--dry-run] [--force] [--packaged --bin-dir DIR]
                  [--snapshot-url s3://BUCKET/KEY] [--snapshot-public-key FILE] [--publisher|--no-publisher]
       $PROGRAM --uninstall [--keep-config] [--dry-run] [-v] [--packaged --bin-dir DIR]
       $PROGRAM --version

Installs aws-ec2-ssh (import_users and authorized_keys_command) on this host, as root: the binaries in
$SBIN_DIR, $CONFIG_FILE, sshd's AuthorizedKeysCommand (run as the system user
$SERVICE_USER), a schedule that runs import_users every 10 minutes, then the first import and a reload of sshd.
Running it again updates the installation in place; a host set up by the bash tool widdix/aws-ec2-ssh is
migrated (same config file, users kept). Options that set a configuration key replace that key in
$CONFIG_FILE and keep every other line of it.

Options of the original install.sh (same meaning; each sets the configuration key named):
    -h                 show this help and exit
    -v                 verbose: trace every command (set -x)
    -a ARN             ASSUMEROLE: role to assume before reading IAM (users in another AWS account)
    -i GROUP,GROUP     IAM_AUTHORIZED_GROUPS: IAM groups whose members get an account; empty: all IAM users
    -l GROUP,GROUP     LOCAL_GROUPS: local UNIX groups every imported user is put in
    -s GROUP,GROUP     SUDOERS_GROUPS: IAM groups whose members get sudo; ##ALL##: every imported user;
                       empty: nobody
    -p PROGRAM         USERADD_PROGRAM (default /usr/sbin/useradd)
    -u "ARGS"          USERADD_ARGS (default "--user-group --create-home --shell /bin/bash")
    -d PROGRAM         USERDEL_PROGRAM (default /usr/sbin/userdel)
    -f "ARGS"          USERDEL_ARGS (default "--force --remove")
    -r RELEASE         accepted and ignored: this script installs the binaries shipped with it, it downloads
                       nothing

Options added by this version:
    --set KEY=VALUE    set any configuration key (etc/aws-ec2-ssh.conf lists them all); repeatable; the result
                       is checked with the tools' own parser before anything changes
    --timer=WHEN       how import_users is scheduled: cron (/etc/cron.d/import_users), systemd
                       ($UNIT_DIR/$TIMER_UNIT; only where systemd runs) or auto (default: cron
                       when a cron daemon runs, else systemd when it runs, else cron when one is installed)
    --bin-dir DIR      take import_users and authorized_keys_command from DIR (default: ./bin next to this script)
    --no-first-import  do not run import_users at the end (it runs at the next scheduled time)
    --dry-run          show what would change (file differences and actions) and change nothing
    --force            install on a system that is not one of the supported ones
    --packaged         the binaries are already installed in --bin-dir DIR (absolute, for example /usr/sbin) by a
                       package and belong to the package manager: sshd and the schedule run them there, nothing is
                       copied into $SBIN_DIR, and --uninstall --packaged --bin-dir DIR leaves them in place (the
                       .deb and .rpm run install.sh this way)
    --snapshot-url s3://BUCKET/KEY
                       fleet mode (SNAPSHOT_URL): read users and keys from the fleet's signed snapshot in S3
                       instead of IAM; the host then needs only s3:GetObject on that object
    --snapshot-public-key FILE
                       the PEM public key of the KMS key that signs the snapshot (from the publisher's
                       import_users publish --print-public-key); checked, pinned as /etc/aws-ec2-ssh/snapshot.pem
                       and set as SNAPSHOT_PUBLIC_KEY
    --publisher        this host also publishes the snapshot: import_users publish every 2 minutes (needs
                       SNAPSHOT_URL and --set SNAPSHOT_KMS_KEY_ID=KEY); --no-publisher stops it; without either a
                       host keeps its role
    --uninstall        remove everything install.sh set up, except the imported accounts (it says how to remove
                       those); their records in $DEFAULT_STATE_DIR are kept
    --keep-config      with --uninstall: keep $CONFIG_FILE as it is (owner, mode, contents) and the
                       system user $SERVICE_USER whose group owns it
    --help, --verbose  same as -h, -v
    --version          print the release version and commit of this install.sh and exit

Supported systems: Amazon Linux 2023, Ubuntu 22.04 and 24.04, Debian 12, RHEL 9 and its rebuilds (Rocky, Alma,
Oracle Linux, CentOS Stream).
Exit status: 0 done; 1 error (what was changed has been put back); 2 bad usage; 3 installed, but the first import
failed.
EOF
}

# print_version: "install.sh VERSION (commit COMMIT)". The version is the VERSION file next to this script (release
# tarballs carry one), else `git describe` of the checkout it sits in, else the shipped bin/import_users --version,
# else "unknown"; the commit likewise comes from git, else from bin/import_users --version.
print_version() {
    local version commit
    local shipped
    shipped=$("$HERE/bin/import_users" --version 2>/dev/null) || shipped=
    if [[ -s $HERE/VERSION ]]; then
        version=$(head -n 1 "$HERE/VERSION")
    else
        version=$(git -C "$HERE" describe --tags --always --dirty 2>/dev/null) ||
            version=$(sed -n 's/^import_users \([^ ]*\) .*/\1/p' <<<"$shipped")
    fi
    commit=$(git -C "$HERE" rev-parse --short=12 HEAD 2>/dev/null) ||
        commit=$(sed -n 's/.*(commit \(.*\))$/\1/p' <<<"$shipped")
    printf '%s %s (commit %s)\n' "$PROGRAM" "${version:-unknown}" "${commit:-unknown}"
}

info() { printf '%s: %s\n' "$PROGRAM" "$*"; }
warn() { printf '%s: warning: %s\n' "$PROGRAM" "$*" >&2; }
die() {
    printf '%s: error: %s\n' "$PROGRAM" "$*" >&2
    exit 1
}
usage_error() {
    printf '%s: %s\nRun %s --help for the options.\n' "$PROGRAM" "$*" "$PROGRAM" >&2
    exit 2
}

# set_key KEY VALUE: pass KEY=VALUE on to the setup (which checks the key and the value with the parser).
set_key() {
    SETUP_ARGS+=(--set "$1=$2")
    HAS_SETTINGS=1
}

parse_args() {
    local opt name value has_value
    OPTIND=1
    while getopts ':hva:i:l:s:p:u:d:f:r:-:' opt; do
        case $opt in
            h) usage && exit 0 ;;
            v) VERBOSE=1 ;;
            a) set_key ASSUMEROLE "$OPTARG" ;;
            i) set_key IAM_AUTHORIZED_GROUPS "$OPTARG" ;;
            l) set_key LOCAL_GROUPS "$OPTARG" ;;
            s) set_key SUDOERS_GROUPS "$OPTARG" ;;
            p) set_key USERADD_PROGRAM "$OPTARG" ;;
            u) set_key USERADD_ARGS "$OPTARG" ;;
            d) set_key USERDEL_PROGRAM "$OPTARG" ;;
            f) set_key USERDEL_ARGS "$OPTARG" ;;
            r) info "-r $OPTARG is not needed: this script installs the binaries shipped with it and downloads nothing; ignoring it" ;;
            -)
                name=${OPTARG%%=*}
                has_value=0
                value=
                if [[ $OPTARG == *=* ]]; then
                    has_value=1
                    value=${OPTARG#*=}
                fi
                case $name in
                    timer | bin-dir | set | snapshot-url | snapshot-public-key)
                        if ((!has_value)); then
                            ((OPTIND <= $#)) || usage_error "option --$name needs a value"
                            value=${!OPTIND}
                            OPTIND=$((OPTIND + 1))
                        fi
                        ;;
                    *) ((!has_value)) || usage_error "option --$name takes no value" ;;
                esac
                case $name in
                    help) usage && exit 0 ;;
                    version) print_version && exit 0 ;;
                    verbose) VERBOSE=1 ;;
                    uninstall) MODE=uninstall ;;
                    dry-run) SETUP_ARGS+=(--dry-run) ;;
                    no-first-import) SETUP_ARGS+=(--no-first-import) ;;
                    force) FORCE=1 ;;
                    packaged) PACKAGED=1 ;;
                    keep-config) SETUP_ARGS+=(--keep-config) ;;
                    bin-dir) BIN_DIR=$value ;;
                    timer)
                        [[ $value == auto || $value == cron || $value == systemd ]] ||
                            usage_error "--timer must be auto, cron or systemd, not [$value]"
                        SETUP_ARGS+=(--timer "$value")
                        ;;
                    snapshot-url) set_key SNAPSHOT_URL "$value" ;;
                    snapshot-public-key)
                        [[ -f $value ]] || usage_error "--snapshot-public-key: [$value] is not a file"
                        SETUP_ARGS+=(--snapshot-public-key "$(realpath -- "$value")")
                        HAS_SETTINGS=1
                        ;;
                    publisher | no-publisher)
                        SETUP_ARGS+=("--$name")
                        HAS_SETTINGS=1
                        ;;
                    set)
                        [[ $value == *=* ]] || usage_error "--set needs KEY=VALUE, not [$value]"
                        set_key "${value%%=*}" "${value#*=}"
                        ;;
                    *) usage_error "unknown option --$name" ;;
                esac
                ;;
            :) usage_error "option -$OPTARG needs a value" ;;
            *) usage_error "unknown option -$OPTARG" ;;
        esac
    done
    shift $((OPTIND - 1))
    (($# == 0)) || usage_error "unexpected argument [$1]"
    if ((PACKAGED)); then
        [[ $BIN_DIR == /* ]] ||
            usage_error "--packaged needs --bin-dir DIR, the absolute directory the package installed the binaries in (for example /usr/sbin)"
    fi
    if [[ $MODE == uninstall ]]; then
        ((!HAS_SETTINGS)) || usage_error "--uninstall takes no configuration options"
        # --timer, --no-first-import and --bin-dir mean nothing to uninstall: only --dry-run and --keep-config go on
        # (and --packaged --bin-dir DIR, so that the packaged binaries stay).
        local arg kept=()
        for arg in "${SETUP_ARGS[@]}"; do
            [[ $arg != --dry-run && $arg != --keep-config ]] || kept+=("$arg")
        done
        SETUP_ARGS=("${kept[@]}")
    elif [[ " ${SETUP_ARGS[*]} " == *" --keep-config "* ]]; then
        usage_error "--keep-config goes with --uninstall"
    fi
}

check_os() {
    local id version like
    if [[ ! -r /etc/os-release ]]; then
        id=unknown version='' like=
    else
        # shellcheck disable=SC1091
        id=$(. /etc/os-release && echo "${ID:-unknown}")
        # shellcheck disable=SC1091
        version=$(. /etc/os-release && echo "${VERSION_ID:-}")
        # shellcheck disable=SC1091
        like=$(. /etc/os-release && echo "${ID_LIKE:-}")
    fi
    case "$id:$version" in
        amzn:2023 | ubuntu:22.04 | ubuntu:24.04 | debian:12) return 0 ;;
    esac
    if [[ " $id $like " == *" rhel "* && ${version%%.*} == 9 ]]; then
        return 0
    fi
    local message="this system ($id $version) is not one aws-ec2-ssh supports (Amazon Linux 2023, Ubuntu 22.04/24.04, Debian 12, RHEL 9 family)"
    if [[ $id == amzn && $version == 2 ]]; then
        message+="; Amazon Linux 2's C library is too old for the binaries: use Amazon Linux 2023"
    fi
    if ((FORCE)); then
        warn "$message; continuing because of --force"
    else
        die "$message. Run again with --force to try anyway."
    fi
}

# find_binaries: set SOURCE_BIN_DIR to the directory holding runnable import_users and authorized_keys_command.
find_binaries() {
    local dir=${BIN_DIR:-$HERE/bin} name output
    [[ -d $dir ]] || die "no binaries: $dir does not exist. Run install.sh from the unpacked release tarball (it has bin/), or pass --bin-dir DIR."
    for name in import_users authorized_keys_command; do
        [[ -f $dir/$name && -x $dir/$name ]] || die "$dir/$name is missing or not executable. Pass --bin-dir DIR with both binaries."
        if ! output=$("$dir/$name" --help 2>&1); then
            if [[ $output == *"GLIBC_"*"not found"* ]]; then
                die "$dir/$name does not run on this host: $output. It was built against a newer C library (glibc $(cat "$dir/GLIBC_REQUIRED" 2>/dev/null || echo "?")) than this host's ($(ldd --version 2>/dev/null | awk 'NR == 1 { print $NF }')): use a release built on the oldest supported system (scripts/build-release on Amazon Linux 2023 or RHEL 9)."
            fi
            die "$dir/$name does not run on this host: $output. It needs glibc, libcurl, libcrypto (OpenSSL 3) and libexpat: install them (for example: dnf install libcurl openssl-libs expat, or apt-get install libcurl4 libssl3 libexpat1)."
        fi
    done
    # libcurl.so.4 is loaded at run time, on the first AWS request (dlopen), so --help runs without it: check it apart.
    if command -v ldconfig >/dev/null && ! ldconfig -p 2>/dev/null | awk '$1 == "libcurl.so.4" { found = 1 } END { exit !found }'; then
        die "libcurl.so.4 is not installed: both programs load it for every AWS request. Install it (for example: dnf install libcurl, or apt-get install libcurl4)."
    fi
    SOURCE_BIN_DIR=$(cd "$dir" && pwd)
}

main() {
    parse_args "$@"
    ((!VERBOSE)) || set -x
    [[ $(id -u) == 0 ]] || die "install.sh must run as root (it installs into $SBIN_DIR, /etc and configures sshd): run it with sudo."
    local setup
    if [[ $MODE == uninstall ]]; then
        if ((PACKAGED)); then
            # The package's own import_users runs the uninstall, and leaves the package's binaries in place.
            find_binaries
            exec "$SOURCE_BIN_DIR/import_users" setup uninstall --program-name "$PROGRAM" --packaged \
                --bin-dir "$SOURCE_BIN_DIR" "${SETUP_ARGS[@]}"
        fi
        # Uninstall runs the installed import_users (or the shipped one when it is gone).
        setup=$SBIN_DIR/import_users
        if [[ ! -x $setup ]] || ! "$setup" setup --help >/dev/null 2>&1; then
            find_binaries
            setup=$SOURCE_BIN_DIR/import_users
        fi
        exec "$setup" setup uninstall --program-name "$PROGRAM" "${SETUP_ARGS[@]}"
    fi
    check_os
    find_binaries
    ((!PACKAGED)) || SETUP_ARGS+=(--packaged)
    exec "$SOURCE_BIN_DIR/import_users" setup install --program-name "$PROGRAM" --bin-dir "$SOURCE_BIN_DIR" \
        --source-dir "$HERE" "${SETUP_ARGS[@]}"
}

main "$@"
