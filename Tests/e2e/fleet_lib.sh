# shellcheck shell=bash
# A fleet of hosts for the end-to-end tests of issue 14 (Tests/e2e/test_fleet*.sh). Sourced after lib.sh and
# import_lib.sh, inside the test's own sandbox (scripts/sandbox: private network namespace holding only loopback).
#
# Host K (1, 2, ...) is a sandbox of its own inside the test's sandbox: scripts/sandbox with
# EC2SSH_SANDBOX_NET=inherit and EC2SSH_SANDBOX_HOSTNAME=host-K, so its root is an overlay of the WHOLE root (the
# test sandbox's, itself an overlay of the machine's), with its own mount, PID and UTS namespaces, its own /etc,
# /var, /home, /tmp and /run, and its own sshd on 127.0.0.(K+1):22. All hosts share the test's network namespace
# (loopback only), where moto and the fault proxy run on 127.0.0.1. No veth, no other address.
#
# The host "image" is the test sandbox's root at the time the hosts start: fleet_image installs the binaries, the
# aws-ec2-ssh user, the sshd configuration and /etc/aws-ec2-ssh.conf there first, so every host starts as a freshly
# installed machine. Change a host afterwards only through fleet_exec (never the test sandbox's /etc: a change to an
# overlay's lower layer under a running host is not reliably seen by it).
#
# Commands run in host K through nsenter (its mount, UTS and PID namespaces and its root) with a clean environment:
# a host knows AWS only from its own /etc/aws-ec2-ssh.conf. Stopping a host kills its PID 1, and with it (the kernel
# does this) every process of its PID namespace; its mounts go with its mount namespace. fleet_stop runs at exit.

FLEET_SSHD_CONFIG=/etc/ssh/sshd_fleet_config
FLEET_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
FLEET_SIZE=0
FLEET_INIT=()    # FLEET_INIT[K]: host K's PID 1, as this (the test's) PID namespace numbers it
FLEET_LAUNCH=()  # FLEET_LAUNCH[K]: the unshare process that started host K
FLEET_WORK=$(mktemp -d /tmp/fleet.XXXXXX)

# fleet_address K: host K's loopback address (127.0.0.2 for host 1, ...).
fleet_address() {
    echo "127.0.0.$(($1 + 1))"
}

# fleet_seed_iam: start moto and the fault proxy, and make the IAM users both fleet tests use: alice, bob and carol
# with a key each (private keys in $FLEET_WORK/NAME) in the group fleet-users, and dave, without a key or group.
fleet_seed_iam() {
    start_moto
    start_fault_proxy
    local name
    for name in alice bob carol; do
        iam_user_with_key "$name" "$FLEET_WORK/$name" >/dev/null
    done
    iam_user dave
    iam "
iam.create_group(GroupName='fleet-users')
for name in ('alice', 'bob', 'carol'):
    iam.add_user_to_group(GroupName='fleet-users', UserName=name)
"
}

# fleet_image CONFIG: install the host image into the test sandbox's root, before fleet_start: the aws-ec2-ssh system
# user, import_users and authorized_keys_command in /usr/local/sbin (where sshd trusts a key command), the key cache
# directory, /etc/aws-ec2-ssh.conf with CONFIG (root:aws-ec2-ssh 0640), the ssh host keys and an sshd configuration
# whose only source of keys is the key command (with PAM, as Debian's sshd runs; pam_loginuid is optional in a
# sandbox).
fleet_image() {
    getent passwd aws-ec2-ssh >/dev/null || useradd --system --no-create-home --shell /usr/sbin/nologin aws-ec2-ssh
    install -o root -g root -m 0755 "$EC2SSH_BIN_DIR/import_users" "$EC2SSH_BIN_DIR/authorized_keys_command" \
        /usr/local/sbin/
    install -d -o aws-ec2-ssh -g aws-ec2-ssh -m 0700 /var/cache/aws-ec2-ssh
    install -d -o root -g root -m 0755 /var/lib/aws-ec2-ssh
    printf '%s\n' "$1" >/etc/aws-ec2-ssh.conf
    chown root:aws-ec2-ssh /etc/aws-ec2-ssh.conf
    chmod 0640 /etc/aws-ec2-ssh.conf
    ssh-keygen -A >/dev/null
    cat >"$FLEET_SSHD_CONFIG" <<CONF
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd-fleet.pid
AuthorizedKeysFile none
AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f
AuthorizedKeysCommandUser aws-ec2-ssh
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM yes
LogLevel VERBOSE
CONF
}

# fleet_start N: start hosts 1..N (in parallel) and return once every host's sshd accepts connections (30 s bound).
fleet_start() {
    local n=$1 k
    ((n >= 1 && n <= 250)) || fail "fleet_start: $n hosts"
    trap fleet_stop EXIT
    for ((k = 1; k <= n; k++)); do
        # PID 1 of the host: its sshd on its own address, then it waits (and reaps orphans) until killed.
        # shellcheck disable=SC2016 # expanded by the host's shell
        EC2SSH_SANDBOX_NET=inherit EC2SSH_SANDBOX_HOSTNAME=host-$k "$EC2SSH_REPO/scripts/sandbox" bash -c '
            /usr/sbin/sshd -D -e -f "$1" -o ListenAddress="$2" 2>/run/sshd-fleet.log &
            sleep infinity &
            wait' fleet-host "$FLEET_SSHD_CONFIG" "$(fleet_address "$k")" \
            </dev/null >"$FLEET_WORK/host-$k.out" 2>&1 &
        FLEET_LAUNCH[k]=$!
    done
    FLEET_SIZE=$n
    local deadline=$((SECONDS + 30)) child
    for ((k = 1; k <= n; k++)); do
        until [[ -n ${FLEET_INIT[k]:-} ]]; do
            FLEET_INIT[k]=$(fleet_init_of "${FLEET_LAUNCH[k]}")
            ((SECONDS < deadline)) || fail "host-$k did not start: $(cat "$FLEET_WORK/host-$k.out")"
            [[ -n ${FLEET_INIT[k]:-} ]] || python3 -c 'import time; time.sleep(0.05)'
        done
        until python3 -c "import socket; socket.create_connection(('$(fleet_address "$k")', 22), timeout=0.5)" 2>/dev/null; do
            ((SECONDS < deadline)) || fail "host-$k's sshd does not answer: $(cat "$FLEET_WORK/host-$k.out")"
            python3 -c 'import time; time.sleep(0.05)'
        done
    done
    for ((k = 1; k <= n; k++)); do
        assert_eq "host-$k" "$(fleet_exec "$k" hostname)" "host name of host $k"
    done
}

# fleet_init_of LAUNCHER: the PID of the host that LAUNCHER (scripts/sandbox, then unshare) started: its child in a
# PID namespace other than ours (not a short-lived command of scripts/sandbox's first stage). Nothing yet: empty.
fleet_init_of() {
    local child ns ours
    ours=$(readlink /proc/self/ns/pid)
    for child in $(pgrep -P "$1" || true); do
        ns=$(readlink "/proc/$child/ns/pid" 2>/dev/null || true)
        if [[ -n $ns && $ns != "$ours" ]]; then
            echo "$child"
            return 0
        fi
    done
}

# fleet_stop: kill every host (its PID 1; the kernel kills the rest of its PID namespace) and wait for them.
fleet_stop() {
    local k init
    for ((k = 1; k <= FLEET_SIZE; k++)); do
        [[ -n ${FLEET_LAUNCH[k]:-} ]] || continue
        init=$(fleet_init_of "${FLEET_LAUNCH[k]}")
        if [[ -n $init ]]; then kill -KILL "$init" 2>/dev/null || true; fi
        # A launcher still in scripts/sandbox's first stage has no host yet: it goes itself.
        if [[ -z $init ]]; then kill -KILL "${FLEET_LAUNCH[k]}" 2>/dev/null || true; fi
        wait "${FLEET_LAUNCH[k]}" 2>/dev/null || true
    done
    FLEET_INIT=()
    FLEET_LAUNCH=()
    FLEET_SIZE=0
    return 0
}

# fleet_exec K COMMAND [ARGS...]: run COMMAND as root in host K (its namespaces and root, working directory /) with a
# clean environment (PATH, HOME and the locale only).
fleet_exec() {
    local k=$1
    shift
    [[ -n ${FLEET_INIT[k]:-} ]] || fail "fleet_exec: host $k is not running"
    # Not --wd=/: nsenter would open "/" before entering the host, so the command's directory would be ours.
    nsenter --target "${FLEET_INIT[k]}" --mount --uts --pid --root -- \
        env -i --chdir=/ PATH="$FLEET_PATH" HOME=/root LANG=C.UTF-8 "$@"
}

# fleet_each HOSTS COMMAND [ARGS...]: run COMMAND in hosts 1..HOSTS at once; host K's output goes to
# $FLEET_WORK/out.K and its status to $FLEET_WORK/status.K. Returns once all are done.
fleet_each() {
    local n=$1 k
    shift
    local pids=()
    for ((k = 1; k <= n; k++)); do
        {
            local status=0
            fleet_exec "$k" "$@" >"$FLEET_WORK/out.$k" 2>&1 || status=$?
            echo "$status" >"$FLEET_WORK/status.$k"
        } &
        pids+=($!)
    done
    wait "${pids[@]}"
}

# fleet_expect_each HOSTS STATUS COMMAND [ARGS...]: fleet_each, and fail unless every host exits with STATUS.
fleet_expect_each() {
    local n=$1 want=$2 k
    shift 2
    fleet_each "$n" "$@"
    for ((k = 1; k <= n; k++)); do
        [[ $(cat "$FLEET_WORK/status.$k") == "$want" ]] ||
            fail "host-$k: $* exited $(cat "$FLEET_WORK/status.$k"), expected $want; output:
$(cat "$FLEET_WORK/out.$k")"
    done
}

# fleet_import_each HOSTS STATUS [ARGS...]: import_users (with the host's own configuration) on hosts 1..HOSTS at
# once; fail unless each exits with STATUS.
fleet_import_each() {
    local n=$1 want=$2
    shift 2
    fleet_expect_each "$n" "$want" /usr/local/sbin/import_users --config /etc/aws-ec2-ssh.conf "$@"
}

# fleet_login K KEY USER: run `id -un; hostname` over ssh as USER on host K with the private KEY; prints
# "USER@host-K" when the login works, nothing when it is refused. ssh's messages go to $FLEET_WORK/ssh.log.
fleet_login() {
    # shellcheck disable=SC2016 # expanded on the host
    env -i PATH=/usr/bin:/bin ssh -F /dev/null -i "$2" -p 22 -o BatchMode=yes -o IdentitiesOnly=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -o LogLevel=ERROR \
        "$3@$(fleet_address "$1")" 'echo "$(id -un)@$(hostname)"' 2>>"$FLEET_WORK/ssh.log" || true
}

# fleet_expect_logins HOSTS KEY USER WORKS: log in as USER with KEY on hosts 1..HOSTS (at once); WORKS=yes: every
# login must work, no: every login must be refused.
fleet_expect_logins() {
    local n=$1 key=$2 user=$3 works=$4 k pids=()
    for ((k = 1; k <= n; k++)); do
        fleet_login "$k" "$key" "$user" >"$FLEET_WORK/login.$k" &
        pids+=($!)
    done
    wait "${pids[@]}"
    for ((k = 1; k <= n; k++)); do
        if [[ $works == yes ]]; then
            assert_eq "$user@host-$k" "$(cat "$FLEET_WORK/login.$k")" "login of $user on host-$k"
        else
            assert_eq "" "$(cat "$FLEET_WORK/login.$k")" "login of $user on host-$k (must be refused)"
        fi
    done
}

# fleet_accounts K: host K's accounts in the marker group with their home directories, one "name:home" a line,
# sorted.
fleet_accounts() {
    # shellcheck disable=SC2016 # expanded on the host
    fleet_exec "$1" bash -c 'for u in $(getent group iam-synced-users | cut -d: -f4 | tr , " "); do
        echo "$u:$(getent passwd "$u" | cut -d: -f6)"; done | sort'
}

# proxy_calls: the fault proxy's request counts by "service:operation", as JSON.
proxy_calls() {
    python3 -c "
import json, urllib.request
print(json.dumps(json.load(urllib.request.urlopen('$EC2SSH_TEST_FAULT_URL/__stats__', timeout=5))['calls']))"
}

# calls_between BEFORE AFTER SERVICE: how many requests for SERVICE (iam, s3, kms, ...) the proxy served between two
# proxy_calls answers.
calls_between() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
before, after, service = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(sum(n - before.get(call, 0) for call, n in after.items() if call.split(":")[0] == service))
PY
}

# calls_detail BEFORE AFTER SERVICE: the same, by operation ("ListSSHPublicKeys=2 GetSSHPublicKey=1"), for the log.
calls_detail() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
before, after, service = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(" ".join(f"{call.split(':', 1)[1]}={n - before.get(call, 0)}" for call, n in sorted(after.items())
               if call.split(":")[0] == service and n > before.get(call, 0)))
PY
}
