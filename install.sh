#!/usr/bin/env bash
# install.sh: install (or --uninstall) aws-ec2-ssh on this host. Run as root from the unpacked release tarball
# (binaries in ./bin) or from the repository (--bin-dir DIR). See --help.
#
# How it works: every file it will write is first rendered into a staging directory; --dry-run shows the
# differences and stops there. Otherwise the files are put in place atomically (temporary file in the same
# directory, fsync, rename), each previous version kept aside; if anything fails before the installation is
# complete (for example `sshd -t` rejects the result) every file is put back as it was and the script stops.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
umask 022
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"

readonly PROGRAM=install.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE

readonly CONFIG_FILE=/etc/aws-ec2-ssh.conf
readonly SBIN_DIR=/usr/local/sbin
readonly IMPORT_BIN=$SBIN_DIR/import_users
readonly KEYS_BIN=$SBIN_DIR/authorized_keys_command
readonly SERVICE_USER=aws-ec2-ssh
readonly SSHD_CONFIG=/etc/ssh/sshd_config
readonly SSHD_DROPIN_DIR=/etc/ssh/sshd_config.d
readonly SSHD_DROPIN_NAME=00-aws-ec2-ssh.conf
readonly SSHD_DROPIN=$SSHD_DROPIN_DIR/$SSHD_DROPIN_NAME
readonly CRON_FILE=/etc/cron.d/import_users
readonly UNIT_DIR=/etc/systemd/system
readonly TIMER_UNIT=aws-ec2-ssh-import.timer
readonly SERVICE_UNIT=aws-ec2-ssh-import.service
readonly SSHD_UNIT_DROPIN_NAME=zz-aws-ec2-ssh.conf
readonly DEFAULT_STATE_DIR=/var/lib/aws-ec2-ssh
readonly DEFAULT_CACHE_DIR=/var/cache/aws-ec2-ssh
readonly KEYS_COMMAND_LINE="$KEYS_BIN %u %f"
readonly BLOCK_BEGIN="# BEGIN aws-ec2-ssh (managed by install.sh; remove with install.sh --uninstall)"
readonly BLOCK_END="# END aws-ec2-ssh"
readonly DISABLED_MARK="#aws-ec2-ssh-disabled# "
readonly MIGRATED_MARK="#aws-ec2-ssh-migrated# "
# Where the archived bash tool (widdix/aws-ec2-ssh) put its scripts: install.sh, the RPM and the .deb.
readonly OLD_TOOL_FILES=(/opt/import_users.sh /opt/authorized_keys_command.sh /usr/bin/import_users.sh
    /usr/bin/authorized_keys_command.sh /usr/bin/import_users /usr/bin/authorized_keys_command)
readonly OLD_TOOL_RE='^(/opt/authorized_keys_command\.sh|/usr/bin/authorized_keys_command(\.sh)?)([[:space:]]|$)'
# Configuration keys install.sh accepts with --set (AWS_* and the proxy variables are accepted too).
readonly KNOWN_KEYS=" IAM_AUTHORIZED_GROUPS IAM_AUTHORIZED_GROUPS_TAG SUDOERS_GROUPS SUDOERSGROUP SUDOERS_GROUPS_TAG
    SUDOERS_RULE ASSUMEROLE LOCAL_MARKER_GROUP LOCAL_GROUPS LOCAL_GROUP_MAP USERADD_PROGRAM USERADD_ARGS
    USERDEL_PROGRAM USERDEL_ARGS DONOTSYNC DELETE_AFTER_MISSING_RUNS MAX_DELETE_PERCENT UID_SOURCE UID_RANGE
    ACCESS_EXPIRY_TAG KEY_CACHE_TTL KEY_CACHE_STALE_MAX KEY_COMMAND_TIMEOUT STATE_DIR KEY_CACHE_DIR
    CHAINED_AUTHORIZED_KEYS_COMMAND CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS HTTPS_PROXY HTTP_PROXY NO_PROXY "

MODE=install
DRY_RUN=0
FIRST_IMPORT=1
TIMER=auto
BIN_DIR=
FORCE=0
KEEP_CONFIG=0
VERBOSE=0
declare -A SET_VALUES=()
SET_ORDER=()

STAGE=
PLAN_WRITES=()  # "path|mode|owner:group"
PLAN_REMOVES=() # paths
JOURNAL=()      # "restore|path|backup" or "delete|path", in the order the changes were made
COMMITTED=1
SSHD_UNIT=
SSHD_UNIT_CHANGED=0
FOREIGN_COMMAND=
FOREIGN_ARGS=
FOREIGN_SOURCE=
OLD_TOOL_FOUND=()
SSHD=
EXECSTART_FILE=
EXECSTART_LINE=
SOURCE_BIN_DIR=
STATE_DIR=
CACHE_DIR=

usage() {
    cat <<EOF
Usage: $PROGRAM [-hv] [-a ARN] [-i GROUP,...] [-l GROUP,...] [-s GROUP,...|##ALL##] [-p PROGRAM] [-u "ARGS"]
                  [-d PROGRAM] [-f "ARGS"] [--set KEY=VALUE]... [--timer=auto|cron|systemd] [--bin-dir DIR]
                  [--no-first-import] [--dry-run] [--force]
       $PROGRAM --uninstall [--keep-config] [--dry-run] [-v]
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
    --set KEY=VALUE    set any configuration key (etc/aws-ec2-ssh.conf lists them all); repeatable
    --timer=WHEN       how import_users is scheduled: cron (/etc/cron.d/import_users), systemd
                       ($UNIT_DIR/$TIMER_UNIT) or auto (default: cron when a cron daemon runs,
                       else systemd when it runs, else cron when one is installed)
    --bin-dir DIR      take import_users and authorized_keys_command from DIR (default: ./bin next to this script)
    --no-first-import  do not run import_users at the end (it runs at the next scheduled time)
    --dry-run          show what would change (file differences and actions) and change nothing
    --force            install on a system that is not one of the supported ones
    --uninstall        remove everything install.sh set up, except the imported accounts (it says how to remove
                       those); their records in $DEFAULT_STATE_DIR are kept
    --keep-config      with --uninstall: keep $CONFIG_FILE
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
# die MESSAGE...: print an error (what failed, where, what to do) and exit 1; the EXIT trap rolls back.
die() {
    printf '%s: error: %s\n' "$PROGRAM" "$*" >&2
    exit 1
}
usage_error() {
    printf '%s: %s\nRun %s --help for the options.\n' "$PROGRAM" "$*" "$PROGRAM" >&2
    exit 2
}

# set_key KEY VALUE: remember that KEY must be set to VALUE in the configuration file.
set_key() {
    local key=$1 value=$2
    if [[ $value == *[$'\n\r"\\$`']* ]]; then
        usage_error "the value of $key may not contain a newline, \", \\, \$ or \` (the configuration file is parsed as KEY=\"value\"): [$value]"
    fi
    [[ -v SET_VALUES[$key] ]] || SET_ORDER+=("$key")
    SET_VALUES[$key]=$value
}

is_known_key() {
    [[ $KNOWN_KEYS == *" $1 "* || $1 =~ ^AWS_[A-Z0-9_]+$ ]]
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
                    timer | bin-dir | set)
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
                    dry-run) DRY_RUN=1 ;;
                    no-first-import) FIRST_IMPORT=0 ;;
                    force) FORCE=1 ;;
                    keep-config) KEEP_CONFIG=1 ;;
                    bin-dir) BIN_DIR=$value ;;
                    timer)
                        [[ $value == auto || $value == cron || $value == systemd ]] ||
                            usage_error "--timer must be auto, cron or systemd, not [$value]"
                        TIMER=$value
                        ;;
                    set)
                        [[ $value == *=* ]] || usage_error "--set needs KEY=VALUE, not [$value]"
                        is_known_key "${value%%=*}" ||
                            usage_error "--set: unknown configuration key [${value%%=*}]; the keys are listed in etc/aws-ec2-ssh.conf"
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
    if [[ $MODE == uninstall ]] && ((${#SET_ORDER[@]})); then
        usage_error "--uninstall takes no configuration options"
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# Checks before anything changes

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
    local file
    for file in etc/aws-ec2-ssh.conf "etc/sshd_config.d/$SSHD_DROPIN_NAME" cron/import_users "etc/systemd/$SERVICE_UNIT" \
        "etc/systemd/$TIMER_UNIT"; do
        [[ -f $HERE/$file ]] || die "$HERE/$file is missing: run install.sh from the complete release tarball or the repository."
    done
}

# sshd refuses an AuthorizedKeysCommand whose path has a component that is not root-owned or is writable by others.
check_sbin_path() {
    local path=$SBIN_DIR owner mode
    while [[ -n $path ]]; do
        if [[ -e $path ]]; then
            read -r owner mode < <(stat -c '%u %a' "$path")
            if [[ $owner != 0 ]] || ((8#$mode & 8#022)); then
                die "$path is not owned by root or is writable by group or others (owner uid $owner, mode $mode); sshd would refuse $KEYS_BIN. Fix it with: chown root:root $path && chmod go-w $path"
            fi
        fi
        path=${path%/*}
    done
}

check_old_tool_package() {
    local manager=
    if command -v dpkg-query >/dev/null && dpkg-query -W -f='${Status}' aws-ec2-ssh 2>/dev/null | grep -q 'install ok installed'; then
        manager="apt-get remove aws-ec2-ssh"
    elif command -v rpm >/dev/null && rpm -q aws-ec2-ssh >/dev/null 2>&1; then
        manager="dnf remove aws-ec2-ssh (or yum remove aws-ec2-ssh)"
    fi
    [[ -z $manager ]] || die "the bash version of aws-ec2-ssh is installed as a package; its files belong to the package manager. Back up $CONFIG_FILE, remove the package with: $manager, restore $CONFIG_FILE if the package removed it, then run install.sh again (the imported accounts are kept)."
}

# find_old_tool: list the bash tool's scripts present on this host in OLD_TOOL_FOUND.
find_old_tool() {
    local file
    OLD_TOOL_FOUND=()
    for file in "${OLD_TOOL_FILES[@]}"; do
        if [[ -f $file && ! -L $file ]] && head -c 2 "$file" | grep -q '^#!' && grep -Eq 'aws (iam|sts)|aws-ec2-ssh' "$file"; then
            OLD_TOOL_FOUND+=("$file")
        fi
    done
}

# find_sshd: set SSHD to the sshd binary (empty when there is none).
find_sshd() {
    SSHD=$(command -v sshd || true)
    [[ -n $SSHD || ! -x /usr/sbin/sshd ]] || SSHD=/usr/sbin/sshd
}

check_sshd_config_valid() {
    local output
    [[ -n $SSHD ]] || die "sshd not found: install the OpenSSH server (openssh-server) first; nothing was changed."
    [[ -f $SSHD_CONFIG ]] || die "$SSHD_CONFIG not found: install.sh configures the OpenSSH server there; nothing was changed."
    if ! output=$("$SSHD" -t 2>&1); then
        die "sshd's configuration is invalid before any change ($SSHD -t: $output). Fix it first, then run install.sh again; nothing was changed."
    fi
}

take_lock() {
    command -v flock >/dev/null || return 0
    local lock=/run/lock/aws-ec2-ssh-install.lock
    [[ -d /run/lock ]] || lock=/run/aws-ec2-ssh-install.lock
    exec {LOCK_FD}>"$lock"
    flock -n "$LOCK_FD" || die "another install.sh is running (lock $lock); wait for it to finish."
}

# ---------------------------------------------------------------------------------------------------------------
# Staging and applying file changes

staged() { printf '%s%s' "$STAGE/files" "$1"; }

# plan_write PATH MODE OWNER:GROUP: the staged copy of PATH (already written to $(staged PATH)) goes into place.
plan_write() {
    PLAN_WRITES+=("$1|$2|$3")
}

# plan_remove PATH: PATH is removed, if it exists.
plan_remove() {
    [[ -e $1 || -L $1 ]] && PLAN_REMOVES+=("$1")
    return 0
}

# stage_file PATH: create the staging directory for PATH and print the staged path.
stage_file() {
    local target
    target=$(staged "$1")
    mkdir -p "$(dirname "$target")"
    printf '%s' "$target"
}

# file_differs PATH MODE OWNER: whether the staged PATH differs from the installed one (content, mode or owner).
file_differs() {
    local path=$1 mode=$2 owner=$3
    [[ -f $path ]] || return 0
    cmp -s "$(staged "$path")" "$path" || return 0
    [[ $(stat -c '%a %U:%G' "$path") != "${mode#0} $owner" ]]
}

show_plan() {
    local entry path mode owner changed=0
    for entry in "${PLAN_WRITES[@]}"; do
        IFS='|' read -r path mode owner <<<"$entry"
        file_differs "$path" "$mode" "$owner" || continue
        changed=1
        if [[ -f $path ]]; then
            info "would update $path (mode $mode, $owner):"
        else
            info "would create $path (mode $mode, $owner):"
        fi
        if [[ $path == "$SBIN_DIR"/* ]]; then
            echo "    (binary from $SOURCE_BIN_DIR)"
        else
            diff -u --label "$path (now)" --label "$path (new)" "$([[ -f $path ]] && echo "$path" || echo /dev/null)" \
                "$(staged "$path")" | sed 's/^/    /' || true
        fi
    done
    for path in "${PLAN_REMOVES[@]}"; do
        changed=1
        info "would remove $path"
    done
    ((changed)) || info "no file would change"
}

# backup PATH: keep the current PATH (or its absence) in the journal so that rollback can restore it.
backup() {
    local path=$1 copy
    if [[ -e $path || -L $path ]]; then
        copy=$STAGE/backup/$((${#JOURNAL[@]}))
        mkdir -p "$STAGE/backup"
        cp -a "$path" "$copy"
        JOURNAL+=("restore|$path|$copy")
    else
        JOURNAL+=("delete|$path")
    fi
}

# install_atomically SOURCE PATH MODE OWNER: write PATH through a temporary file in its own directory.
install_atomically() {
    local source=$1 path=$2 mode=$3 owner=$4 dir tmp
    dir=$(dirname "$path")
    [[ -d $dir ]] || install -d -m 0755 -o root -g root "$dir"
    tmp=$(mktemp "$dir/.aws-ec2-ssh.XXXXXX")
    cat "$source" >"$tmp"
    chown "$owner" "$tmp"
    chmod "$mode" "$tmp"
    sync "$tmp" 2>/dev/null || true
    mv -f "$tmp" "$path"
}

apply_plan() {
    local entry path mode owner
    COMMITTED=0
    for entry in "${PLAN_WRITES[@]}"; do
        IFS='|' read -r path mode owner <<<"$entry"
        file_differs "$path" "$mode" "$owner" || continue
        backup "$path"
        install_atomically "$(staged "$path")" "$path" "$mode" "$owner"
        info "wrote $path"
    done
    for path in "${PLAN_REMOVES[@]}"; do
        backup "$path"
        rm -f "$path"
        info "removed $path"
    done
}

# rollback: put every file changed by apply_plan back as it was, newest change first.
rollback() {
    local i kind path copy
    ((${#JOURNAL[@]})) || return 0
    warn "rolling back: putting every changed file back as it was"
    for ((i = ${#JOURNAL[@]} - 1; i >= 0; i--)); do
        IFS='|' read -r kind path copy <<<"${JOURNAL[i]}"
        if [[ $kind == restore ]]; then
            cp -a "$copy" "$path.aws-ec2-ssh-restore" && mv -f "$path.aws-ec2-ssh-restore" "$path" && warn "restored $path"
        else
            rm -f "$path" && warn "removed $path"
        fi
    done
    JOURNAL=()
}

on_exit() {
    local status=$?
    if ((!COMMITTED)); then
        rollback
    fi
    [[ -z $STAGE ]] || rm -rf "$STAGE"
    exit "$status"
}

# ---------------------------------------------------------------------------------------------------------------
# Configuration file

# config_value KEY FILE: the value of the last active KEY="value" line of FILE (empty when there is none).
config_value() {
    local line value
    [[ -f $2 ]] || return 0
    line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$1=" "$2" | tail -n 1) || return 0
    value=${line#*=}
    case $value in
        \"*) value=${value#\"} && value=${value%%\"*} ;;
        \'*) value=${value#\'} && value=${value%%\'*} ;;
        *) value=${value%%[[:space:]]*} ;;
    esac
    printf '%s\n' "$value"
}

has_active_key() {
    [[ -f $2 ]] && grep -Eq "^[[:space:]]*(export[[:space:]]+)?$1=" "$2"
}

# replace_key FILE KEY VALUE: set KEY="VALUE" in FILE in place of its active line(s), else after its commented
# template line, else at the end; duplicates of KEY are dropped.
replace_key() {
    local file=$1 key=$2 value=$3 tmp
    tmp=$(mktemp "$STAGE/key.XXXXXX")
    awk -v key="$key" -v line="$key=\"$value\"" '
        function active(s) { return s ~ ("^[ \t]*(export[ \t]+)?" key "=") }
        function template(s) { return s ~ ("^#[ \t]*" key "=") }
        NR == FNR { if (active($0)) has_active = 1; next }
        active($0) { if (!done) { print line; done = 1 } ; next }
        template($0) && !has_active && !done { print; print line; done = 1; next }
        { print }
        END { if (!done) print line }
    ' "$file" "$file" >"$tmp"
    cat "$tmp" >"$file"
}

stage_config() {
    local target key
    target=$(stage_file "$CONFIG_FILE")
    if [[ -f $CONFIG_FILE ]]; then
        cat "$CONFIG_FILE" >"$target"
    else
        [[ -f $HERE/etc/aws-ec2-ssh.conf ]] || die "$HERE/etc/aws-ec2-ssh.conf (the sample configuration) is missing; use the complete release tarball."
        cat "$HERE/etc/aws-ec2-ssh.conf" >"$target"
    fi
    if [[ -n $FOREIGN_COMMAND ]] && ! has_active_key CHAINED_AUTHORIZED_KEYS_COMMAND "$target" &&
        [[ ! -v SET_VALUES[CHAINED_AUTHORIZED_KEYS_COMMAND] ]]; then
        info "sshd already runs another AuthorizedKeysCommand ($FOREIGN_COMMAND $FOREIGN_ARGS, from $FOREIGN_SOURCE): authorized_keys_command will run it too (CHAINED_AUTHORIZED_KEYS_COMMAND in $CONFIG_FILE)"
        set_key CHAINED_AUTHORIZED_KEYS_COMMAND "$FOREIGN_COMMAND"
        set_key CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS "$FOREIGN_ARGS"
    fi
    for key in "${SET_ORDER[@]}"; do
        replace_key "$target" "$key" "${SET_VALUES[$key]}"
    done
    if [[ -v SET_VALUES[SUDOERS_GROUPS] ]] && has_active_key SUDOERSGROUP "$target"; then
        sed -i -E 's/^([[:space:]]*SUDOERSGROUP=.*)$/# replaced by SUDOERS_GROUPS (install.sh -s): \1/' "$target"
    fi
    plan_write "$CONFIG_FILE" 0640 "root:$SERVICE_USER"
}

# ---------------------------------------------------------------------------------------------------------------
# sshd

keyword_of() {
    local line=${1#"${1%%[![:space:]]*}"}
    line=${line%%[[:space:]=]*}
    printf '%s' "${line,,}"
}

# sshd_files_in_order: the main sshd_config and the files its top-level Include lines pull in, in the order sshd
# reads them, one "FILE" per line (the main file once, first).
included_files() {
    local line pattern file words
    while IFS= read -r line; do
        [[ $(keyword_of "$line") == include ]] || continue
        read -ra words <<<"$line"
        for pattern in "${words[@]:1}"; do
            [[ $pattern == /* ]] || pattern=/etc/ssh/$pattern
            for file in $pattern; do
                [[ -f $file ]] && printf '%s\n' "$file"
            done
        done
    done < <(awk 'tolower($1) == "match" { exit } { print }' "$SSHD_CONFIG")
}

# has_dropin_include: whether the main sshd_config includes sshd_config.d/*.conf before any Match block.
has_dropin_include() {
    local line pattern words
    while IFS= read -r line; do
        [[ $(keyword_of "$line") == include ]] || continue
        read -ra words <<<"$line"
        for pattern in "${words[@]:1}"; do
            [[ $pattern == /* ]] || pattern=/etc/ssh/$pattern
            [[ $pattern == "$SSHD_DROPIN_DIR/*.conf" || $pattern == "$SSHD_DROPIN_DIR/*" ]] && return 0
        done
    done < <(awk 'tolower($1) == "match" { exit } { print }' "$SSHD_CONFIG")
    return 1
}

# is_own_or_old_command COMMAND: ours, "none" or the bash tool's.
is_own_or_old_command() {
    [[ $1 == "$KEYS_BIN"* || $1 == none || $1 =~ $OLD_TOOL_RE ]]
}

# detect_foreign_command: find an AuthorizedKeysCommand that is neither ours nor the bash tool's, in a systemd
# ExecStart override (which beats every file) or else the first one sshd's files set outside Match blocks.
detect_foreign_command() {
    local dir unit file line value
    SSHD_UNIT=
    for unit in sshd ssh; do
        for dir in /etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
            [[ -f $dir/$unit.service ]] && SSHD_UNIT=${SSHD_UNIT:-$unit}
            for file in "$dir/$unit.service.d"/*.conf; do
                [[ -f $file && ${file##*/} != "$SSHD_UNIT_DROPIN_NAME" ]] || continue
                line=$(grep -E '^[[:space:]]*ExecStart=.*AuthorizedKeysCommand[[:space:]]' "$file" | tail -n 1) || continue
                value=$(sed -n -E 's/.*-o[[:space:]]*"AuthorizedKeysCommand[[:space:]]+([^"]*)".*/\1/p' <<<"$line")
                [[ -n $value ]] || die "$file overrides sshd's ExecStart with an AuthorizedKeysCommand option install.sh cannot read; change it to the form -o \"AuthorizedKeysCommand /path %%u %%f\" or remove it, then run install.sh again."
                SSHD_UNIT=$unit
                EXECSTART_FILE=$file
                EXECSTART_LINE=$line
                FOREIGN_COMMAND=${value%%[[:space:]]*}
                FOREIGN_ARGS=${value#"$FOREIGN_COMMAND"}
                FOREIGN_ARGS=${FOREIGN_ARGS//%%/%}
                FOREIGN_ARGS=${FOREIGN_ARGS#"${FOREIGN_ARGS%%[![:space:]]*}"}
                FOREIGN_SOURCE="the ExecStart of $file"
            done
        done
    done
    [[ -z $FOREIGN_COMMAND ]] || return 0
    local files
    mapfile -t files < <(printf '%s\n' "$SSHD_CONFIG" && included_files)
    for file in "${files[@]}"; do
        [[ ${file##*/} != "$SSHD_DROPIN_NAME" ]] || continue
        while IFS= read -r line; do
            value=${line#"${line%%[![:space:]]*}"}
            value=${value#*[[:space:]=]}
            value=${value#"${value%%[![:space:]]*}"}
            is_own_or_old_command "$value" && continue
            FOREIGN_COMMAND=${value%%[[:space:]]*}
            FOREIGN_ARGS=${value#"$FOREIGN_COMMAND"}
            FOREIGN_ARGS=${FOREIGN_ARGS#"${FOREIGN_ARGS%%[![:space:]]*}"}
            FOREIGN_SOURCE=$file
            return 0
        done < <(awk 'tolower($1) == "match" { exit } tolower($1) == "authorizedkeyscommand" { print }' "$file")
    done
}

# edit_sshd_file FILE MODE BLOCK OUT: rewrite sshd config FILE into OUT. MODE "all" comments out every active
# AuthorizedKeysCommand(User) line outside Match blocks, "before-include" only those before the first Include,
# "none" none; the bash tool's lines are always commented out; BLOCK (if not empty) goes before the first Match.
# Our previous block is dropped first.
edit_sshd_file() {
    # The regular expression goes through the environment: awk -v would interpret its backslashes.
    OLD_RE=$OLD_TOOL_RE awk -v mode="$2" -v block="$3" -v disabled="$DISABLED_MARK" -v migrated="$MIGRATED_MARK" \
        -v begin="$BLOCK_BEGIN" -v end="$BLOCK_END" '
        BEGIN { oldre = ENVIRON["OLD_RE"] }
        function arg(s) { sub(/^[ \t]*[A-Za-z]+[ \t]*[ \t=][ \t]*/, "", s); return s }
        NR == FNR {
            if (tolower($1) == "match") stop = 1
            if (!stop && tolower($1) == "authorizedkeyscommand" && arg($0) ~ oldre) oldtool = 1
            next
        }
        $0 == begin { skipping = 1; next }
        skipping { if ($0 == end) skipping = 0; next }
        tolower($1) == "match" && !inmatch { if (block != "") print block; inserted = 1; inmatch = 1 }
        !inmatch && tolower($1) == "include" { included = 1 }
        !inmatch && (tolower($1) == "authorizedkeyscommand" || tolower($1) == "authorizedkeyscommanduser") {
            if (tolower($1) == "authorizedkeyscommand" && arg($0) ~ oldre) { print migrated $0; next }
            if (tolower($1) == "authorizedkeyscommanduser" && oldtool && arg($0) == "nobody") { print migrated $0; next }
            if (mode == "all" || (mode == "before-include" && !included)) { print disabled $0; next }
        }
        { print }
        END { if (block != "" && !inserted) print block }
    ' "$1" "$1" >"$4"
}

stage_sshd() {
    local target file block files
    block=$(printf '%s\nAuthorizedKeysCommand %s\nAuthorizedKeysCommandUser %s\n%s' \
        "$BLOCK_BEGIN" "$KEYS_COMMAND_LINE" "$SERVICE_USER" "$BLOCK_END")
    target=$(stage_file "$SSHD_CONFIG")
    if has_dropin_include; then
        edit_sshd_file "$SSHD_CONFIG" before-include "" "$target"
        mapfile -t files < <(included_files)
        for file in "${files[@]}"; do
            [[ $file == "$SSHD_DROPIN_DIR"/* && ${file##*/} < $SSHD_DROPIN_NAME ]] || continue
            edit_sshd_file "$file" all "" "$(stage_file "$file")"
            plan_write "$file" "$(stat -c '%a' "$file")" "$(stat -c '%U:%G' "$file")"
        done
        sed -e "s|^AuthorizedKeysCommand .*|AuthorizedKeysCommand $KEYS_COMMAND_LINE|" \
            -e "s|^AuthorizedKeysCommandUser .*|AuthorizedKeysCommandUser $SERVICE_USER|" \
            "$HERE/etc/sshd_config.d/$SSHD_DROPIN_NAME" >"$(stage_file "$SSHD_DROPIN")"
        plan_write "$SSHD_DROPIN" 0644 root:root
    else
        info "$SSHD_CONFIG does not include $SSHD_DROPIN_DIR/*.conf: editing it directly"
        edit_sshd_file "$SSHD_CONFIG" all "$block" "$target"
        plan_remove "$SSHD_DROPIN"
    fi
    plan_write "$SSHD_CONFIG" "$(stat -c '%a' "$SSHD_CONFIG")" "$(stat -c '%U:%G' "$SSHD_CONFIG")"
    stage_sshd_unit
}

# stage_sshd_unit: when a systemd drop-in passes AuthorizedKeysCommand on sshd's command line (EC2 Instance
# Connect does), override ExecStart without those options so that sshd_config applies; the command is chained.
stage_sshd_unit() {
    [[ -n $EXECSTART_FILE ]] || return 0
    local path=$UNIT_DIR/$SSHD_UNIT.service.d/$SSHD_UNIT_DROPIN_NAME stripped target
    stripped=$(sed -E -e 's/-o[[:space:]]*"AuthorizedKeysCommand(User)?[[:space:]][^"]*"[[:space:]]*//g' \
        -e 's/^[[:space:]]+//' <<<"$EXECSTART_LINE")
    [[ $stripped != *AuthorizedKeysCommand* ]] || die "cannot remove the AuthorizedKeysCommand options from the ExecStart of $EXECSTART_FILE; remove them by hand, then run install.sh again."
    target=$(stage_file "$path")
    {
        echo "# aws-ec2-ssh: sshd's ExecStart from $EXECSTART_FILE without its AuthorizedKeysCommand options, so that"
        echo "# sshd_config's AuthorizedKeysCommand applies; $FOREIGN_COMMAND still runs, chained by authorized_keys_command"
        echo "# (CHAINED_AUTHORIZED_KEYS_COMMAND in $CONFIG_FILE). Remove with: install.sh --uninstall"
        echo "[Service]"
        echo "ExecStart="
        echo "$stripped"
    } >"$target"
    file_differs "$path" 0644 root:root && SSHD_UNIT_CHANGED=1
    plan_write "$path" 0644 root:root
}

# validate_sshd: sshd -t must accept the new files and sshd -T must show our AuthorizedKeysCommand in effect.
validate_sshd() {
    local output effective
    if ! output=$("$SSHD" -t 2>&1); then
        die "sshd rejects the new configuration ($SSHD -t: $output); the previous files are being restored. Nothing else was changed."
    fi
    if ! effective=$("$SSHD" -T 2>&1); then
        warn "could not check which AuthorizedKeysCommand sshd uses ($SSHD -T: $effective)"
        return 0
    fi
    effective=$(grep -Ei '^authorizedkeyscommand(user)? ' <<<"$effective" || true)
    if [[ ${effective,,} != *"authorizedkeyscommand ${KEYS_COMMAND_LINE,,}"* || ${effective,,} != *"authorizedkeyscommanduser $SERVICE_USER"* ]]; then
        die "sshd accepts the new configuration but would not use it (sshd -T shows: $(tr '\n' ' ' <<<"$effective")); another file sets AuthorizedKeysCommand first. Remove that setting, then run install.sh again; the previous files are being restored."
    fi
    info "sshd -t accepts the configuration; AuthorizedKeysCommand is $KEYS_COMMAND_LINE, run as $SERVICE_USER"
}

# process_running NAME...: whether a process with one of these names runs.
process_running() {
    local name
    if command -v pidof >/dev/null; then
        pidof "$@" >/dev/null 2>&1
        return
    fi
    for name in "$@"; do
        pgrep -x "$name" >/dev/null 2>&1 && return 0
    done
    return 1
}

sshd_running() {
    process_running sshd
}

systemd_running() {
    [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null
}

# reload_sshd [restart]: tell a running sshd to read its configuration again, however this host manages it.
reload_sshd() {
    local action=${1:-reload} unit name
    if systemd_running; then
        ((SSHD_UNIT_CHANGED)) && systemctl daemon-reload
        for unit in ssh sshd; do
            if systemctl is-active --quiet "$unit.service"; then
                [[ $action == restart ]] && info "restarting $unit.service: its command line changed (existing sessions stay)"
                systemctl "$action" "$unit.service" || die "systemctl $action $unit.service failed; check: journalctl -u $unit.service"
                info "sshd: systemctl $action $unit.service done"
                return 0
            fi
        done
    fi
    if ! sshd_running; then
        info "sshd is not running: nothing to reload (it reads the new configuration when it starts)"
        return 0
    fi
    for name in ssh sshd; do
        if [[ -x /etc/init.d/$name ]]; then
            if command -v service >/dev/null; then
                service "$name" reload || die "service $name reload failed; reload sshd by hand"
                info "sshd: service $name reload done"
            else
                "/etc/init.d/$name" reload || die "/etc/init.d/$name reload failed; reload sshd by hand"
                info "sshd: /etc/init.d/$name reload done"
            fi
            return 0
        fi
    done
    local pidfile
    for pidfile in /run/sshd.pid /var/run/sshd.pid; do
        if [[ -f $pidfile ]]; then
            kill -HUP "$(cat "$pidfile")" || die "could not send SIGHUP to sshd (pid file $pidfile); reload sshd by hand"
            info "sshd: sent SIGHUP to pid $(cat "$pidfile")"
            return 0
        fi
    done
    warn "sshd runs but install.sh found no way to reload it (no systemd, service, init script or pid file): reload it by hand"
}

# ---------------------------------------------------------------------------------------------------------------
# Schedule

choose_timer() {
    [[ $TIMER == auto ]] || return 0
    if process_running cron crond; then
        TIMER=cron
    elif systemd_running; then
        TIMER=systemd
    elif command -v cron >/dev/null || command -v crond >/dev/null; then
        TIMER=cron
        warn "a cron daemon is installed but not running: /etc/cron.d/import_users runs once it starts"
    else
        die "no cron daemon and no running systemd: install cron (cronie) or pass --timer=cron or --timer=systemd, then run install.sh again."
    fi
}

# splay_seconds: a fixed per-host offset in [0, 600) so that a fleet does not call IAM in the same second.
splay_seconds() {
    local id=
    [[ -r /etc/machine-id ]] && id=$(cat /etc/machine-id)
    printf '%s %s' "$id" "$(uname -n)" | cksum | awk '{ print $1 % 600 }'
}

stage_schedule() {
    local offset
    if [[ $TIMER == cron ]]; then
        offset=$(splay_seconds)
        sed -e "/^[^#]/s/@MINUTE@/$((offset / 60))/" -e "/^[^#]/s/@SECOND@/$((offset % 60))/" \
            "$HERE/cron/import_users" >"$(stage_file "$CRON_FILE")"
        ! grep -q '^[^#].*@' "$(staged "$CRON_FILE")" || die "internal error: cron/import_users has a placeholder install.sh does not know"
        plan_write "$CRON_FILE" 0644 root:root
        plan_remove "$UNIT_DIR/$TIMER_UNIT"
        plan_remove "$UNIT_DIR/$SERVICE_UNIT"
        plan_remove "$UNIT_DIR/timers.target.wants/$TIMER_UNIT"
    else
        cat "$HERE/etc/systemd/$SERVICE_UNIT" >"$(stage_file "$UNIT_DIR/$SERVICE_UNIT")"
        cat "$HERE/etc/systemd/$TIMER_UNIT" >"$(stage_file "$UNIT_DIR/$TIMER_UNIT")"
        plan_write "$UNIT_DIR/$SERVICE_UNIT" 0644 root:root
        plan_write "$UNIT_DIR/$TIMER_UNIT" 0644 root:root
        plan_remove "$CRON_FILE"
    fi
}

activate_schedule() {
    if [[ $TIMER == cron ]]; then
        if systemd_running && systemctl is-enabled --quiet "$TIMER_UNIT" 2>/dev/null; then
            systemctl disable --now "$TIMER_UNIT" || warn "could not disable $TIMER_UNIT"
        fi
        info "import_users is scheduled every 10 minutes by $CRON_FILE (this host's offset: $(grep -E '^[0-9]' "$CRON_FILE" | sed -E 's/^([0-9]+)-.* sleep ([0-9]+) .*/minute \1, second \2/'))"
    elif systemd_running; then
        systemctl daemon-reload
        systemctl enable --now "$TIMER_UNIT" || die "systemctl enable --now $TIMER_UNIT failed; check: systemctl status $TIMER_UNIT"
        info "import_users is scheduled every 10 minutes by $TIMER_UNIT"
    else
        info "systemd is not running: enable the timer once it runs with: systemctl enable --now $TIMER_UNIT"
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# Host setup that is not a file: system user, directories, SELinux

ensure_service_user() {
    if getent passwd "$SERVICE_USER" >/dev/null; then
        return 0
    fi
    local shell=/usr/sbin/nologin
    [[ -x $shell ]] || shell=/sbin/nologin
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell "$shell" \
        --comment "aws-ec2-ssh AuthorizedKeysCommand" "$SERVICE_USER" ||
        die "could not create the system user $SERVICE_USER (useradd failed); create it by hand (no login shell, no home) and run install.sh again."
    info "created the system user $SERVICE_USER (no login shell, no home) that runs the key command"
}

# ensure_dir PATH OWNER MODE: create PATH or fix its owner and mode.
ensure_dir() {
    local path=$1 owner=$2 mode=$3
    [[ $path == /?* && $path != *..* && $path != */ ]] || die "$path is not a usable directory path (STATE_DIR and KEY_CACHE_DIR must be absolute, without ..); fix $CONFIG_FILE."
    install -d -m "$mode" -o "${owner%%:*}" -g "${owner#*:}" "$path"
    chown "$owner" "$path"
    chmod "$mode" "$path"
}

configure_selinux() {
    command -v getenforce >/dev/null || return 0
    local state
    state=$(getenforce 2>/dev/null || true)
    [[ $state == Enforcing || $state == Permissive ]] || return 0
    if getsebool nis_enabled 2>/dev/null | grep -q -- '--> on'; then
        info "SELinux ($state): nis_enabled is already on, the key command may reach the network"
    elif setsebool -P nis_enabled on; then
        info "SELinux ($state): turned on the boolean nis_enabled (setsebool -P nis_enabled on) so that the key command, run by sshd, may reach IAM over the network"
    else
        warn "SELinux ($state): could not turn on nis_enabled; logins with IAM keys will fail until you run: setsebool -P nis_enabled on"
    fi
    if command -v restorecon >/dev/null; then
        restorecon -F "$IMPORT_BIN" "$KEYS_BIN" "$STATE_DIR" "$CACHE_DIR" 2>/dev/null || warn "restorecon failed on the installed files"
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# Migration from the bash tool

migrate_old_tool() {
    ((${#OLD_TOOL_FOUND[@]})) || return 0
    local keep=$STATE_DIR/migrated-from-bash-tool file marker
    install -d -m 0700 -o root -g root "$keep"
    for file in "${OLD_TOOL_FOUND[@]}"; do
        cp -p "$file" "$keep/${file//\//_}"
        rm -f "$file"
        info "migrated: removed the bash tool's $file (a copy is in $keep)"
    done
    marker=$(config_value LOCAL_MARKER_GROUP "$CONFIG_FILE")
    marker=${marker:-iam-synced-users}
    if getent group "$marker" >/dev/null; then
        getent group "$marker" | cut -d: -f4 | tr ',' '\n' | sed '/^$/d' >"$keep/marker-group-members"
        info "migrated: the accounts the bash tool created (members of $marker: $(paste -sd, "$keep/marker-group-members")) are kept"
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# Main flows

stage_binaries() {
    local name
    for name in import_users authorized_keys_command; do
        cat "$SOURCE_BIN_DIR/$name" >"$(stage_file "$SBIN_DIR/$name")"
        plan_write "$SBIN_DIR/$name" 0755 root:root
    done
}

# preview_first_import: with --dry-run, let import_users show what the first import would do, when it can.
preview_first_import() {
    ((FIRST_IMPORT)) || return 0
    "$SOURCE_BIN_DIR/import_users" --help 2>&1 | grep -q -- '--dry-run' || return 0
    info "what the first import would do (import_users --dry-run with the new configuration):"
    local status=0
    # shellcheck disable=SC2046 # import_adoption_flag prints nothing or one word
    "$SOURCE_BIN_DIR/import_users" --dry-run --config "$(staged "$CONFIG_FILE")" $(import_adoption_flag) || status=$?
    ((status == 0)) || warn "import_users --dry-run exited with $status: the first import would fail the same way"
}

# import_adoption_flag: --adopt-legacy-accounts when this run migrates the bash tool, so that the first import
# takes over the accounts that tool created (members of the marker group named like IAM users) instead of
# treating them as foreign; never otherwise.
import_adoption_flag() {
    ((${#OLD_TOOL_FOUND[@]} == 0)) || echo --adopt-legacy-accounts
}

run_first_import() {
    local adopt
    adopt=$(import_adoption_flag)
    if ((!FIRST_IMPORT)); then
        info "not running the first import (--no-first-import): it runs at the next scheduled time"
        if [[ -n $adopt ]]; then
            warn "this host was migrated from the bash tool: run '$IMPORT_BIN --adopt-legacy-accounts' once: until then the scheduled import refuses to run (exit 7), since the marker group has members and there is no state yet"
        fi
        return 0
    fi
    info "running the first import: $IMPORT_BIN${adopt:+ $adopt}"
    local status=0
    # shellcheck disable=SC2086 # $adopt is empty or one word
    "$IMPORT_BIN" $adopt || status=$?
    if ((status != 0)); then
        printf '%s: error: aws-ec2-ssh is installed, but the first import failed (%s exited with %d; its error messages are above, and in syslog: journalctl -t aws-ec2-ssh or /var/log/auth.log). Fix the cause (IAM permissions, credentials, %s), then run %s by hand.\n' \
            "$PROGRAM" "$IMPORT_BIN" "$status" "$CONFIG_FILE" "$IMPORT_BIN" >&2
        exit 3
    fi
    info "first import done"
}

do_install() {
    check_os
    find_binaries
    check_sbin_path
    check_old_tool_package
    find_old_tool
    check_sshd_config_valid
    choose_timer
    detect_foreign_command
    if [[ -n $FOREIGN_COMMAND && ! -x $FOREIGN_COMMAND ]]; then
        warn "the AuthorizedKeysCommand in use ($FOREIGN_COMMAND, from $FOREIGN_SOURCE) is not an executable file; chaining it anyway"
    fi
    if [[ -n $FOREIGN_ARGS ]] && tr ' ' '\n' <<<"$FOREIGN_ARGS" | grep -Ev '^(%u|%f|%%|[^%]*)$' | grep -q .; then
        warn "the chained command's arguments ($FOREIGN_ARGS) use sshd tokens other than %u and %f, which authorized_keys_command cannot pass on"
    fi
    ((${#OLD_TOOL_FOUND[@]} == 0)) || info "found the bash version of aws-ec2-ssh (${OLD_TOOL_FOUND[*]}): migrating it"

    stage_binaries
    stage_config
    stage_sshd
    stage_schedule
    STATE_DIR=$(config_value STATE_DIR "$(staged "$CONFIG_FILE")")
    STATE_DIR=${STATE_DIR:-$DEFAULT_STATE_DIR}
    CACHE_DIR=$(config_value KEY_CACHE_DIR "$(staged "$CONFIG_FILE")")
    CACHE_DIR=${CACHE_DIR:-$DEFAULT_CACHE_DIR}

    if ((DRY_RUN)); then
        info "dry run: nothing is changed"
        getent passwd "$SERVICE_USER" >/dev/null || info "would create the system user $SERVICE_USER"
        info "would create or fix $STATE_DIR (root, 0755) and $CACHE_DIR ($SERVICE_USER, 0700)"
        show_plan
        ((${#OLD_TOOL_FOUND[@]} == 0)) || info "would move the bash tool's ${OLD_TOOL_FOUND[*]} to $STATE_DIR/migrated-from-bash-tool"
        info "would then validate with sshd -t, reload sshd if it runs$( ((FIRST_IMPORT)) && echo ", and run the first import")"
        preview_first_import
        return 0
    fi

    ensure_service_user
    ensure_dir "$STATE_DIR" root:root 0755
    ensure_dir "$CACHE_DIR" "$SERVICE_USER:$SERVICE_USER" 0700
    apply_plan
    validate_sshd
    configure_selinux
    activate_schedule
    COMMITTED=1
    migrate_old_tool
    if ((SSHD_UNIT_CHANGED)); then
        reload_sshd restart
    else
        reload_sshd
    fi
    info "installed: $IMPORT_BIN, $KEYS_BIN, $CONFIG_FILE"
    run_first_import
}

# stage_sshd_restore: sshd files as they were before install.sh (our lines out, the lines it disabled back).
stage_sshd_restore() {
    local file target path files
    mapfile -t files < <(printf '%s\n' "$SSHD_CONFIG" && included_files)
    for file in "${files[@]}"; do
        [[ ${file##*/} != "$SSHD_DROPIN_NAME" ]] || continue
        grep -qF -e "$DISABLED_MARK" -e "$BLOCK_BEGIN" "$file" || continue
        target=$(stage_file "$file")
        awk -v disabled="$DISABLED_MARK" -v begin="$BLOCK_BEGIN" -v end="$BLOCK_END" '
            $0 == begin { skipping = 1; next }
            skipping { if ($0 == end) skipping = 0; next }
            index($0, disabled) == 1 { print substr($0, length(disabled) + 1); next }
            { print }
        ' "$file" >"$target"
        plan_write "$file" "$(stat -c '%a' "$file")" "$(stat -c '%U:%G' "$file")"
    done
    plan_remove "$SSHD_DROPIN"
    for path in "$UNIT_DIR"/ssh.service.d/"$SSHD_UNIT_DROPIN_NAME" "$UNIT_DIR"/sshd.service.d/"$SSHD_UNIT_DROPIN_NAME"; do
        if [[ -f $path ]]; then
            plan_remove "$path"
            SSHD_UNIT_CHANGED=1
        fi
    done
}

do_uninstall() {
    stage_sshd_restore
    if [[ -f $CRON_FILE ]] && grep -q "$IMPORT_BIN" "$CRON_FILE"; then
        plan_remove "$CRON_FILE"
    elif [[ -f $CRON_FILE ]]; then
        warn "$CRON_FILE does not run $IMPORT_BIN: leaving it"
    fi
    plan_remove "$UNIT_DIR/$TIMER_UNIT"
    plan_remove "$UNIT_DIR/$SERVICE_UNIT"
    plan_remove "$UNIT_DIR/timers.target.wants/$TIMER_UNIT"
    plan_remove "$IMPORT_BIN"
    plan_remove "$KEYS_BIN"
    if ((KEEP_CONFIG)); then
        [[ ! -f $CONFIG_FILE ]] || {
            cat "$CONFIG_FILE" >"$(stage_file "$CONFIG_FILE")"
            plan_write "$CONFIG_FILE" 0644 root:root
        }
    else
        plan_remove "$CONFIG_FILE"
    fi
    STATE_DIR=$(config_value STATE_DIR "$CONFIG_FILE")
    STATE_DIR=${STATE_DIR:-$DEFAULT_STATE_DIR}
    CACHE_DIR=$(config_value KEY_CACHE_DIR "$CONFIG_FILE")
    CACHE_DIR=${CACHE_DIR:-$DEFAULT_CACHE_DIR}
    local marker
    marker=$(config_value LOCAL_MARKER_GROUP "$CONFIG_FILE")
    marker=${marker:-iam-synced-users}

    if ((DRY_RUN)); then
        info "dry run: nothing is changed"
        show_plan
        info "would remove $CACHE_DIR and the system user $SERVICE_USER, and reload sshd if it runs"
        return 0
    fi
    if systemd_running && systemctl is-enabled --quiet "$TIMER_UNIT" 2>/dev/null; then
        systemctl disable --now "$TIMER_UNIT" || warn "could not disable $TIMER_UNIT"
    fi
    apply_plan
    if [[ -n $SSHD ]]; then
        local output
        output=$("$SSHD" -t 2>&1) || die "sshd rejects the configuration without aws-ec2-ssh ($output); the previous files are being restored."
    fi
    COMMITTED=1
    systemd_running && systemctl daemon-reload
    if ((SSHD_UNIT_CHANGED)); then
        reload_sshd restart
    else
        reload_sshd
    fi
    rm -rf "$CACHE_DIR"
    if getent passwd "$SERVICE_USER" >/dev/null; then
        userdel "$SERVICE_USER" || warn "could not remove the system user $SERVICE_USER; remove it with: userdel $SERVICE_USER"
    fi
    getent group "$SERVICE_USER" >/dev/null && { groupdel "$SERVICE_USER" 2>/dev/null || true; }
    if command -v getenforce >/dev/null && [[ $(getenforce 2>/dev/null || true) == @(Enforcing|Permissive) ]]; then
        info "SELinux: the boolean nis_enabled stays on (other services may need it); turn it off with: setsebool -P nis_enabled off"
    fi
    info "uninstalled aws-ec2-ssh. The accounts it imported are kept, with their homes and sudoers files:"
    info "  list them with: getent group $marker (their records are in $STATE_DIR)"
    info "  remove one with: userdel --remove NAME, and its file in /etc/sudoers.d; then: groupdel $marker; rm -rf $STATE_DIR"
}

main() {
    parse_args "$@"
    ((!VERBOSE)) || set -x
    [[ $(id -u) == 0 ]] || die "install.sh must run as root (it installs into $SBIN_DIR, /etc and configures sshd): run it with sudo."
    trap on_exit EXIT
    trap 'exit 130' INT TERM HUP
    find_sshd
    STAGE=$(mktemp -d -t aws-ec2-ssh-install.XXXXXX)
    take_lock
    if [[ $MODE == uninstall ]]; then
        do_uninstall
    else
        do_install
    fi
}

main "$@"
