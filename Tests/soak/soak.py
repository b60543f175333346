#!/usr/bin/env python3
"""Model-based soak of import_users and authorized_keys_command (issue 10), seeded and replayable.

Usage (inside scripts/sandbox only; scripts/soak does that): soak.py --seed N --rounds M [--hostile auto|on|off]

Each round, from an RNG seeded with (seed, round): mutates IAM in moto (users, groups, memberships, keys, tags,
hostile and colliding names), sometimes changes the host as an administrator would, sometimes injects faults
through scripts/fault-proxy.py, runs import_users (sometimes killed with SIGKILL after a random delay, sometimes two
at once), then checks the host against an independent model (soak_model.py) and the invariants (soak_checks.py).
Prints one summary line; exits 1 on any violation, naming the seed and the round to replay.
"""
import argparse
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import time
import traceback
import urllib.request

import boto3

import soak_host as host
from soak_checks import Checker, Round, owner_for
from soak_model import AUTHORIZED_GROUPS, EXPIRY_TAG, IAMModel, SUDO_GROUPS, expectation
from soak_world import World

CONFIG = "/etc/aws-ec2-ssh.conf"
IMPORT_USERS = "/usr/local/sbin/import_users"
SERIALS = itertools.count(1)  # one per account seen appearing, so a re-created account is a new one
FAULTS = ["throttle", "server-error", "unavailable", "access-denied", "bad-xml", "truncated", "drop", "hang"]


class Baseline:
    """The host before the first round: unmanaged accounts and groups, and what pwck/grpck already report."""

    def __init__(self):
        view = host.HostView()
        self.users = dict(view.passwd)
        self.groups = dict(view.group)
        self.pwck = set(_lines(["/usr/sbin/pwck", "-r"]))
        self.grpck = set(_lines(["/usr/sbin/grpck", "-r"]))


def _lines(argv):
    out = host.run(argv, check=False)
    return (out.stdout + out.stderr).splitlines()


def setup(repo, bin_dir, work):
    """Prepares the sandboxed host, starts moto and the fault proxy; returns (env dict, boto3 IAM client)."""
    for tool in ("import_users", "authorized_keys_command"):
        shutil.copy(os.path.join(bin_dir, tool), f"/usr/local/sbin/{tool}")
        os.chmod(f"/usr/local/sbin/{tool}", 0o755)
    host.run(["/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "aws-ec2-ssh"])
    os.makedirs(host.CACHE_DIR, mode=0o700, exist_ok=True)
    shutil.chown(host.CACHE_DIR, "aws-ec2-ssh", "aws-ec2-ssh")
    host.run(["/usr/sbin/groupadd", host.LOCAL_GROUP])
    host.run(["/usr/sbin/useradd", "--create-home", "--user-group", "--shell", "/bin/bash", "admin1"])
    with open("/home/admin1/admin-notes.txt", "w") as f:
        f.write("a human administrator's account\n")
    envfile = os.path.join(work, "moto.env")
    os.environ["MOTO_LOG"] = os.path.join(work, "moto.log")
    host.run([os.path.join(repo, "scripts/moto-up"), envfile], timeout=120)
    env = _exports(envfile)
    os.environ["FAULT_PROXY_LOG"] = os.path.join(work, "fault-proxy.log")
    host.run([os.path.join(repo, "scripts/fault-proxy-up"), env["EC2SSH_TEST_MOTO_URL"], envfile], timeout=60)
    env = _exports(envfile)
    with open(CONFIG, "w") as f:
        f.write(f'''AWS_ENDPOINT_URL="{env['EC2SSH_TEST_FAULT_URL']}"
AWS_ACCESS_KEY_ID="{env['EC2SSH_TEST_ACCESS_KEY_ID']}"
AWS_SECRET_ACCESS_KEY="{env['EC2SSH_TEST_SECRET_ACCESS_KEY']}"
AWS_REGION="us-east-1"
AWS_EC2_METADATA_DISABLED="true"
IAM_AUTHORIZED_GROUPS="{','.join(AUTHORIZED_GROUPS)}"
SUDOERS_GROUPS="{','.join(SUDO_GROUPS)}"
LOCAL_GROUPS="{host.LOCAL_GROUP}"
ACCESS_EXPIRY_TAG="{EXPIRY_TAG}"
KEY_COMMAND_TIMEOUT="5"
''')
    shutil.chown(CONFIG, "root", "aws-ec2-ssh")
    os.chmod(CONFIG, 0o640)
    iam = boto3.client("iam", endpoint_url=env["EC2SSH_TEST_MOTO_URL"], region_name="us-east-1",
                       aws_access_key_id=env["EC2SSH_TEST_ACCESS_KEY_ID"],
                       aws_secret_access_key=env["EC2SSH_TEST_SECRET_ACCESS_KEY"])
    return env, iam


def _exports(path):
    env = {}
    with open(path) as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export "):].strip().split("=", 1)
                env[key] = value
    return env


class KeyGen:
    """Makes fresh ed25519 public keys as (type, blob, comment) with ssh-keygen."""

    def __init__(self, work):
        self.work = work
        self.count = 0

    def __call__(self):
        self.count += 1
        path = os.path.join(self.work, "key")
        for leftover in (path, path + ".pub"):
            if os.path.exists(leftover):
                os.unlink(leftover)
        host.run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"soak-{self.count}", "-f", path])
        with open(path + ".pub") as f:
            key_type, blob, comment = f.read().split()
        return key_type, blob, comment


def proxy(env, method, rules=None, endpoint="/__faults__"):
    """Talks to the fault proxy's control endpoint; returns its rules with their hit counts."""
    data = json.dumps(rules).encode() if rules is not None else None
    request = urllib.request.Request(env["EC2SSH_TEST_FAULT_URL"] + endpoint, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def fault_rules(rng, iam):
    """One or two random fault rules: an action (a named group or user, or any), a fault, persistent or once."""
    rules = []
    for _ in range(rng.choice([1, 1, 2])):
        action = rng.choice(["GetGroup", "GetGroup", "GetGroup", "ListUserTags", "ListSSHPublicKeys",
                             "GetSSHPublicKey", "ListGroupsForUser", "ListUsers", "GetUser", "*"])
        rule = {"action": action, "fault": rng.choice(FAULTS)}
        if action == "GetGroup" and rng.random() < 0.9:
            rule["params"] = {"GroupName": rng.choice(AUTHORIZED_GROUPS + SUDO_GROUPS)}
        elif action == "ListUserTags" and iam.users and rng.random() < 0.5:
            rule["params"] = {"UserName": rng.choice(sorted(iam.users))}
        if rule["fault"] == "hang":
            rule["seconds"] = rng.choice([1, 2, 3])
            rule["times"] = 1
        elif rng.random() < 0.5:
            rule["times"] = 1
        if rng.random() < 0.4:
            rule["skip"] = rng.choice([1, 2, 3, 5])  # the Nth call or page
        rules.append(rule)
    return rules


def classify_faults(rnd, hit_rules):
    """What the round's persistent faults made unreadable, from the requests the proxy faulted.

    A failed GetGroup of an authorized group (or ListUsers) leaves everyone's authorization unknown; a failed
    GetGroup of a sudo group leaves sudo unknown; a failed ListUserTags leaves that user's expiry unknown. A fault
    that fires once may be retried away, so it proves nothing and is not counted here."""
    for rule in hit_rules:
        rnd.fault_hits += rule.get("hits", 0)
        if rule.get("times") is not None:
            continue
        for request in rule.get("log", []):
            action, group = request.get("Action"), request.get("GroupName")
            if action == "GetGroup" and group in SUDO_GROUPS:
                rnd.sudo_read_failed = True
            elif action in ("GetGroup", "ListUsers"):
                rnd.incomplete_read = True
            elif action == "ListUserTags":
                rnd.tags_unknown.add(request.get("UserName"))


def run_imports(rnd, rng, kill):
    """Runs import_users for the round: once, twice at once, and/or killed after a random delay."""
    args = ["--force"] if rnd.forced else []
    count = 2 if rnd.concurrent else 1
    procs = []
    for i in range(count):
        if i:
            time.sleep(rng.uniform(0, 0.15))
        procs.append(subprocess.Popen([IMPORT_USERS, "--config", CONFIG, "--verbose", *args],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    victim = rng.randrange(count) if kill else None
    delay = rng.random() ** 2 * 2.5
    for i, proc in enumerate(procs):
        try:
            out, _ = proc.communicate(timeout=delay if i == victim else 240)
        except subprocess.TimeoutExpired:
            if i != victim:
                rnd.notes.append("import_users ran over 240 s")
            proc.kill()
            out, _ = proc.communicate()
        rnd.exit_codes.append(proc.returncode)
        rnd.killed = rnd.killed or proc.returncode == -9
        rnd.outputs.append(out)
    stuck = host.wait_for_account_tools()
    if stuck:
        rnd.notes.append(f"account tools still running 60 s after the run: {stuck}")


def tool_accounts_after(view, baseline, world, previous, iam):
    """Accounts import_users made (everything not in the baseline and not hand-made): name -> identity, owner.

    An account's identity is its UID and the inode of its home: a UID is reused when an account is deleted and
    another made in the same round (two runs at once), a new home gets a new inode."""
    accounts = {}
    for name in view.passwd:
        if name in baseline.users or name in world.handmade_users:
            continue
        home = view.passwd[name][5]
        try:
            inode = os.lstat(home).st_ino
        except OSError:
            inode = None
        ident = (view.uid(name), inode)
        old = previous.get(name)
        if old and (old["ident"] == ident or (old["ident"][0] == ident[0] and inode is None)):
            accounts[name] = dict(old, ident=ident)
        else:
            accounts[name] = {"ident": ident, "owner": owner_for(name, iam), "serial": next(SERIALS)}
    return accounts


class Soak:
    """The rounds, their totals and the checker."""

    def __init__(self, opts, seed, env, world, baseline):
        self.opts, self.seed, self.env, self.world, self.baseline = opts, seed, env, world, baseline
        self.model = world.model
        self.checker = Checker(world, baseline)
        self.taken_fixed = set(baseline.users) | set(baseline.groups) | {host.MARKER_GROUP}
        self.tool_accounts = {}
        self.totals = {"rounds": 0, "faults": 0, "fault_hits": 0, "kills": 0, "concurrent": 0, "clean": 0,
                       "forced": 0, "admin": 0}

    def play(self, rnd):
        """One round: changes, faults, the run(s), the checks."""
        number = rnd.number
        rng = rnd.rng = random.Random(f"{self.seed}/{number}")
        for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 5]) + (6 if number == 0 else 0)):
            rnd.notes.append(self.world.mutate_iam(rng))
        rnd.notes += self.world.mutate_groups(rng)
        if rng.random() < 0.12:
            change = self.world.admin_change(rng, self.tool_accounts)
            if change:
                self.totals["admin"] += 1
                rnd.notes.append(change)
        taken = self.taken_fixed | self.world.handmade_users | self.world.handmade_groups
        owners = {n: a["owner"] for n, a in self.tool_accounts.items()}
        rnd.expect = expect = expectation(self.model, taken, owners)
        before = host.HostView()
        unmanaged_before = self.checker.unmanaged_snapshot(before)
        tool_before = dict(self.tool_accounts)
        rnd.page_size = rng.choice([0, 1, 2, 3])  # IAM may answer with fewer than MaxItems: many pages
        proxy(self.env, "POST", {"size": rnd.page_size}, "/__paginate__")
        if rng.random() < 0.3:
            rnd.faults = fault_rules(rng, self.model)
            proxy(self.env, "POST", rnd.faults)
        kill = rng.random() < 0.15
        rnd.concurrent = rng.random() < 0.12
        rnd.forced = rng.random() < 0.1
        run_imports(rnd, rng, kill)
        after = host.HostView()
        self.tool_accounts = tool_accounts_after(after, self.baseline, self.world, self.tool_accounts, self.model)
        if rnd.faults:
            classify_faults(rnd, proxy(self.env, "GET"))
            if not any(rule["fault"] == "hang" for rule in rnd.faults):
                self.checker.check_keys_in_outage(rnd, self.tool_accounts, self.model)
            proxy(self.env, "DELETE")
        self.count(rnd)
        for code in rnd.exit_codes:
            allowed = {0, 3, 4} | ({5} if rnd.concurrent else set()) | ({-9} if rnd.killed else set())
            if code not in allowed or (rnd.clean and code == 3):
                self.checker.fail(rnd, "import-exit-status", f"import_users exited {code}")
        if rnd.concurrent and rnd.exit_codes.count(5) == 2:
            self.checker.fail(rnd, "import-exit-status", "both concurrent runs said the lock was held")
        for note in rnd.notes:
            if "240 s" in note or "still running" in note:
                self.checker.fail(rnd, "import-bounded", note)
        self.checker.check_round(rnd, before, after, expect, tool_before, self.tool_accounts, unmanaged_before,
                                 self.model, taken)

    def count(self, rnd):
        """Adds a round to the totals."""
        self.totals["rounds"] += 1
        self.totals["faults"] += len(rnd.faults)
        self.totals["fault_hits"] += rnd.fault_hits
        self.totals["kills"] += rnd.killed
        self.totals["concurrent"] += rnd.concurrent
        self.totals["clean"] += rnd.clean
        self.totals["forced"] += rnd.forced

    def report(self, rnd, new):
        """The round's line, and what it did when it broke an invariant."""
        if self.opts.quiet and not new:
            return
        flags = "".join(f for f, on in (("F", rnd.faults), ("K", rnd.killed), ("C", rnd.concurrent),
                                        ("+", rnd.forced)) if on) or "clean"
        required = len(rnd.expect.required) if rnd.expect else "?"
        print(f"round {rnd.number} [{flags}] pages of {rnd.page_size or 'all'}, exit "
              f"{rnd.exit_codes}, accounts {len(self.tool_accounts)}, required {required}, violations {len(new)}",
              flush=True)
        if not new:
            return
        for note in rnd.notes:
            print(f"    did: {note}")
        for rule in rnd.faults:
            print(f"    fault: {rule}")
        for _, invariant, detail in new[:8]:
            print(f"    VIOLATION {invariant}: {detail}")
        if len(new) > 8:
            print(f"    ... and {len(new) - 8} more")
        for i, out in enumerate(rnd.outputs):
            print(f"    import_users #{i} (exit {rnd.exit_codes[i]}) last lines:")
            for line in out.strip().splitlines()[-6:]:
                print(f"      {line}")
        sys.stdout.flush()

    def run(self):
        """All rounds; stops early on a crash (the sandboxed host may be wrecked) or with --stop-on-violation."""
        for number in range(self.opts.rounds):
            before = len(self.checker.violations)
            rnd = Round(number)
            try:
                self.play(rnd)
            except Exception as error:  # a wrecked host (e.g. / removed by `userdel --remove ..`) ends the soak
                self.checker.fail(rnd, "soak-crashed", f"{type(error).__name__}: {error} "
                                  f"(host intact: {host_intact()})")
                traceback.print_exc()
            new = self.checker.violations[before:]
            self.report(rnd, new)
            if any(i == "soak-crashed" for _, i, _ in new) or (new and self.opts.stop_on_violation):
                break

    def summary(self):
        """The summary line, the violations by invariant, the replay command; the exit status."""
        t = self.totals
        violations = self.checker.violations
        print(f"soak summary: seed {self.seed}, {t['rounds']} rounds ({t['clean']} clean), {t['faults']} faults "
              f"injected ({t['fault_hits']} requests faulted), {t['kills']} kills, {t['concurrent']} concurrent "
              f"runs, {t['forced']} --force runs, {t['admin']} admin changes, {len(violations)} invariant "
              f"violations", flush=True)
        if not violations:
            return 0
        for invariant, count in sorted(self.checker.fired.items()):
            first = next(r for r, i, _ in violations if i == invariant)
            print(f"  {invariant}: {count} (first in round {first})")
        print(f"replay: scripts/soak --seed {self.seed} --rounds {violations[0][0] + 1}"
              f"{' --hostile on' if self.world.hostile else ' --hostile off'}")
        return 1


def host_intact():
    """Whether the sandboxed host still has its account databases and programs."""
    return all(os.path.exists(p) for p in ("/etc/passwd", "/etc/group", "/usr/sbin/useradd", "/usr/bin/python3"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="RNG seed (default: random, printed)")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--hostile", choices=["auto", "on", "off"], default="auto",
                        help="hostile names (., .., -x, root, ...): auto = only in the pivot_root sandbox")
    parser.add_argument("--stop-on-violation", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="print only rounds with violations")
    opts = parser.parse_args()
    if os.environ.get("EC2SSH_IN_SANDBOX") != "1" or os.getuid() != 0:
        sys.exit("soak: run me through scripts/soak (inside scripts/sandbox, as root)")
    repo = os.environ["EC2SSH_REPO"]
    bin_dir = os.environ["EC2SSH_BIN_DIR"]
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    seed = opts.seed if opts.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    # scripts/sandbox exports this only once it has pivot_root'ed into an overlay of the whole root filesystem.
    pivot_root_sandbox = os.environ.get("EC2SSH_SANDBOX_ROOT") == "overlay"
    hostile = opts.hostile == "on" or (opts.hostile == "auto" and pivot_root_sandbox)
    if hostile and not pivot_root_sandbox:
        sys.exit("soak: hostile names need the whole-root pivot_root sandbox (scripts/sandbox); merge main")
    work = os.path.join("/run", "soak")
    os.makedirs(work, exist_ok=True)
    env, iam_client = setup(repo, bin_dir, work)
    world = World(iam_client, IAMModel(), KeyGen(work), hostile)
    world.setup_iam()
    soak = Soak(opts, seed, env, world, Baseline())
    print(f"soak: seed {seed}, {opts.rounds} rounds, hostile names {'on' if hostile else 'off'}", flush=True)
    soak.run()
    sys.exit(soak.summary())


if __name__ == "__main__":
    main()
