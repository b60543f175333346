"""The soak's invariants (issue 10, "Model-based soak"), checked after every round against the model."""
import os
import subprocess

import soak_host as host
from soak_model import AUTHORIZED_GROUPS, iam_name, local_name, sudoers_content, sudoers_file_name

KEY_COMMAND = "/usr/local/sbin/authorized_keys_command"


class Round:
    """What one round did, as the checks need it."""

    def __init__(self, number):
        self.number = number
        self.rng = None  # random.Random seeded with (seed, number)
        self.expect = None  # soak_model.Expectation before the run
        self.page_size = 0  # the fault proxy's page size this round (0: whole answers)
        self.faults = []  # fault rules posted to the proxy
        self.fault_hits = 0
        self.incomplete_read = False  # a persistent fault on a read that decides who is authorized was hit
        self.tags_unknown = set()  # IAM users whose tags (access expiry) could not be read
        self.sudo_read_failed = False  # a persistent fault on a read that decides sudo was hit
        self.killed = False
        self.concurrent = False
        self.forced = False
        self.exit_codes = []
        self.outputs = []
        self.notes = []

    @property
    def clean(self):
        """No fault and no kill: the run (or the one holding the lock) read IAM completely and finished."""
        return not self.faults and not self.killed


class Checker:
    """Compares the host with the model after a round and collects violations."""

    def __init__(self, world, baseline):
        self.world = world
        self.baseline = baseline
        self.violations = []
        self.fired = {}

    def fail(self, rnd, invariant, detail):
        """Records one violation."""
        self.violations.append((rnd.number, invariant, detail))
        self.fired[invariant] = self.fired.get(invariant, 0) + 1

    # --- snapshots of what the tool must never touch ---------------------------------------------------------

    def unmanaged_snapshot(self, view):
        """Accounts, groups, homes and sudoers files that import_users does not own, as they are now."""
        users = set(self.baseline.users) | self.world.handmade_users
        groups = set(self.baseline.groups) | self.world.handmade_groups
        snap = {}
        for name in users:
            home = view.passwd[name][5] if name in view.passwd else None
            sentinel = None
            if home and os.path.isfile(os.path.join(home, "admin-notes.txt")):
                sentinel = open(os.path.join(home, "admin-notes.txt")).read()
            snap["user " + name] = (view.passwd.get(name), view.shadow.get(name), host.stat_tuple(home) if home
                                    else None, sentinel)
        for name in groups:
            fields = view.group.get(name)
            snap["group " + name] = None if fields is None else (
                fields[:3], sorted(view.members(name) & users))
        for name, entry in view.sudoers.items():
            if not name.startswith("aws-ec2-ssh-"):
                snap["sudoers " + name] = entry
        with open("/etc/sudoers") as f:
            snap["sudoers /etc/sudoers"] = f.read()
        return snap

    # --- the checks ------------------------------------------------------------------------------------------

    def check_round(self, rnd, before, after, expect, tool_before, tool_after, unmanaged_before, iam, taken):
        """Every invariant for one round."""
        self.check_unmanaged(rnd, unmanaged_before, self.unmanaged_snapshot(after))
        self.check_creations(rnd, tool_before, tool_after, expect)
        self.check_deletions(rnd, before, tool_before, tool_after, expect, iam)
        self.check_sudo_changes(rnd, before, after, expect)
        self.check_tools(rnd)
        self.check_orphans(rnd, after, tool_after)
        if rnd.clean:
            self.check_clean(rnd, after, expect, tool_after, iam)
            leftovers = host.temp_files()
            if leftovers:
                self.fail(rnd, "no-temp-files", f"left after a clean round: {leftovers}")
        self.check_key_command(rnd, after, expect, tool_after, iam, taken)

    def check_unmanaged(self, rnd, snap_before, snap_after):
        """No unmanaged account, group, home or sudoers file touched."""
        for key in sorted(set(snap_before) | set(snap_after)):
            if snap_before.get(key) != snap_after.get(key):
                self.fail(rnd, "unmanaged-untouched",
                          f"{key} changed: {snap_before.get(key)!r} -> {snap_after.get(key)!r}")

    def check_creations(self, rnd, tool_before, tool_after, expect):
        """Every account import_users made in this round is for an authorized, importable IAM user."""
        for name, info in sorted(tool_after.items()):
            if name in tool_before and tool_before[name]["serial"] == info["serial"]:
                continue
            if name in expect.forbidden and not rnd.clean and " collide" in expect.forbidden[name]:
                # A failed group read can hide the colliding IAM user; the next complete read revokes the account
                # (checked after every clean round).
                continue
            if name in expect.forbidden:
                self.fail(rnd, "no-hostile-or-conflicting-account",
                          f"account {name!r} created although {expect.forbidden[name]}")
            elif name not in expect.required and name not in expect.optional:
                self.fail(rnd, "create-only-authorized", f"account {name!r} created for no authorized IAM user")

    def check_deletions(self, rnd, before, tool_before, tool_after, expect, iam):
        """No authorized user's account deleted; nothing deleted that a failed read could have kept."""
        for name, info in sorted(tool_before.items()):
            if name in tool_after and tool_after[name]["serial"] == info["serial"]:
                continue
            owner = iam.by_id(info["owner"])
            if name in expect.required and owner is not None and expect.required[name] is owner:
                self.fail(rnd, "delete-only-unauthorized",
                          f"account {name!r} of authorized IAM user {owner.name!r} was deleted")
            if before.state_accounts().get(name, {}).get("status") == "deleting":
                continue  # decided by an earlier run, after a complete read
            if rnd.incomplete_read:
                self.fail(rnd, "no-deletion-after-incomplete-read",
                          f"account {name!r} deleted in a round whose group reads failed (faults {rnd.faults})")
            elif owner is not None and owner.name in rnd.tags_unknown and iam.in_configured_group(owner):
                self.fail(rnd, "no-deletion-after-incomplete-read",
                          f"account {name!r} deleted although the tags of {owner.name!r} could not be read")

    def check_sudo_changes(self, rnd, before, after, expect):
        """No sudo granted to anyone outside the sudo groups, none revoked from a member."""
        ours_before = {n for n in before.sudoers if n.startswith("aws-ec2-ssh-")}
        ours_after = {n for n in after.sudoers if n.startswith("aws-ec2-ssh-")}
        allowed = {sudoers_file_name(n) for n in expect.sudo}
        for name in sorted(ours_after - ours_before):
            if name not in allowed:
                self.fail(rnd, "sudo-only-for-sudo-groups",
                          f"/etc/sudoers.d/{name} written, but no importable member of SUDOERS_GROUPS maps to it")
        for name in sorted(ours_before - ours_after):
            local = next((n for n in expect.sudo if sudoers_file_name(n) == name), None)
            if local is not None and local in expect.required:
                self.fail(rnd, "no-sudo-revoked-from-members",
                          f"/etc/sudoers.d/{name} of sudo member {local!r} removed")

    def check_orphans(self, rnd, view, tool_after):
        """Every group import_users made is the marker group or the user group of an account it made."""
        unmanaged = set(self.baseline.groups) | self.world.handmade_groups | {host.MARKER_GROUP}
        for name in sorted(set(view.group) - unmanaged - set(tool_after)):
            self.fail(rnd, "no-orphan-groups", f"group {name!r} left without its account")

    def check_tools(self, rnd):
        """pwck -r, grpck -r and visudo -c report nothing new."""
        for argv, base in ((["/usr/sbin/pwck", "-r"], self.baseline.pwck), (["/usr/sbin/grpck", "-r"],
                                                                           self.baseline.grpck)):
            out = host.run(argv, check=False)
            new = [line for line in (out.stdout + out.stderr).splitlines()
                   if line not in base and not any(f"'{h}'" in line for h in self.world.removed_homes)]
            if new:
                self.fail(rnd, "pwck-grpck-clean", f"{argv[0]}: {new}")
        out = host.run(["/usr/sbin/visudo", "-c"], check=False)
        if out.returncode != 0:
            self.fail(rnd, "sudoers-valid", f"visudo -c: {out.stdout}{out.stderr}")

    def check_clean(self, rnd, view, expect, tool_after, iam):
        """After a clean round: accounts, sudoers files and the index exactly as IAM says."""
        index = view.index_users()
        marker = view.members(host.MARKER_GROUP)
        local = view.members(host.LOCAL_GROUP)
        for name, user in sorted(expect.required.items()):
            if name not in tool_after:
                self.fail(rnd, "clean-accounts-as-iam", f"authorized {user.name!r} has no account {name!r}")
                continue
            if view.locked(name):
                self.fail(rnd, "clean-accounts-as-iam", f"account {name!r} of authorized {user.name!r} is locked")
            if name not in marker or name not in local:
                self.fail(rnd, "clean-accounts-as-iam", f"{name!r} not in {host.MARKER_GROUP} and {host.LOCAL_GROUP}")
            entry = index.get(name)
            if entry is None:
                self.fail(rnd, "clean-index-as-iam", f"authorized {name!r} missing from managed-users.json")
            elif entry.get("iamUserName") != user.name or entry.get("iamUserID") != user.user_id:
                self.fail(rnd, "clean-index-as-iam", f"index entry of {name!r} is {entry}, IAM says "
                          f"{user.name!r} {user.user_id}")
        for name in sorted(set(index) - set(expect.required) - set(expect.optional)):
            self.fail(rnd, "clean-index-as-iam", f"managed-users.json lists {name!r}, not authorized in IAM")
        for name in sorted(set(tool_after) - set(expect.required) - set(expect.optional)):
            if rnd.forced:
                self.fail(rnd, "clean-accounts-as-iam", f"account {name!r} kept after a --force run")
            elif not view.locked(name):
                self.fail(rnd, "revocation-immediate", f"account {name!r} of no authorized user is not locked")
        ours = {n: e for n, e in view.sudoers.items() if n.startswith("aws-ec2-ssh-")}
        wanted = {sudoers_file_name(n): n for n in expect.sudo if n in tool_after}
        for file_name in sorted(set(ours) | set(wanted)):
            name = wanted.get(file_name)
            optional = any(sudoers_file_name(n) == file_name for n in expect.optional)
            if file_name not in ours and name in expect.required:
                self.fail(rnd, "clean-sudoers-as-iam", f"sudo member {name!r} has no /etc/sudoers.d/{file_name}")
            elif file_name in ours and name is None and not optional:
                self.fail(rnd, "clean-sudoers-as-iam", f"/etc/sudoers.d/{file_name} for no sudo member")
            elif file_name in ours and name is not None:
                content, mode, uid, gid = ours[file_name]
                if content != sudoers_content(name) or (mode, uid, gid) != (0o440, 0, 0):
                    self.fail(rnd, "clean-sudoers-as-iam",
                              f"/etc/sudoers.d/{file_name}: {oct(mode)} {uid}:{gid} {content!r}")

    def check_key_command(self, rnd, view, expect, tool_after, iam, taken):
        """The key command serves keys only for managed accounts of authorized users (IAM reachable)."""
        rng = rnd.rng
        names = {"root", "daemon", "nobody", "aws-ec2-ssh", "admin1"}
        names |= set(rng.sample(sorted(self.baseline.users), 3))
        names |= set(rng.sample(sorted(self.world.handmade_users), min(3, len(self.world.handmade_users))))
        names |= set(rng.sample(sorted(tool_after), min(6, len(tool_after))))
        names |= set(rng.sample(sorted(expect.forbidden), min(2, len(expect.forbidden))))
        for name in sorted(n for n in names if n and not n.startswith("-")):
            served = self.key_command(rnd, name)
            if served is None:
                continue
            user = iam.users.get(iam_name(name))
            managed = name in tool_after and name not in self.world.handmade_users
            if served and not managed:
                self.fail(rnd, "keys-only-for-managed", f"served {len(served)} key(s) for unmanaged {name!r}")
                continue
            if served and not rnd.clean and user is not None and expiry_only_revoked(user, iam) \
                    and served <= user.active_blobs():
                # Documented limitation: the key command takes the access expiry from the index, so a tag that turned
                # invalid takes effect at the next complete import (group removal is checked live at login).
                continue
            if served and (user is None or not iam.authorized(user) or not served <= user.active_blobs()):
                self.fail(rnd, "keys-only-for-authorized",
                          f"served keys for {name!r}: IAM user {iam_name(name)!r} "
                          f"{'absent' if user is None else 'authorized' if iam.authorized(user) else 'unauthorized'}"
                          f", {len(served - (user.active_blobs() if user else set()))} key(s) not Active in IAM")
                continue
            if not rnd.clean:
                continue
            importable = name in expect.required or name in expect.optional
            if served and (not importable or tool_after[name]["owner"] != user.user_id):
                self.fail(rnd, "keys-only-for-authorized",
                          f"served keys for {name!r} after a clean round although "
                          f"{expect.forbidden.get(name, 'its account belongs to another IAM UserId or is pending')}")
            elif name in expect.required and served != expect.required[name].active_blobs() and not view.locked(name):
                self.fail(rnd, "keys-served-as-iam", f"{name!r}: served {len(served)} key(s), IAM has "
                          f"{len(expect.required[name].active_blobs())} Active")

    def check_keys_in_outage(self, rnd, tool_after, iam):
        """With the round's faults still on: stale answers only for managed accounts, and never keys of a deleted
        namesake: only keys that the IAM user now holding the name (by UserId) once had (finding 10). (The live keys
        of a re-created user in the old account until the next complete import are a documented limitation.)"""
        rng = rnd.rng
        names = set(rng.sample(sorted(tool_after), min(2, len(tool_after))))
        names.add(rng.choice(["root", "admin1"] + sorted(self.world.handmade_users)))
        for name in sorted(names):
            served = self.key_command(rnd, name)
            if not served:
                continue
            user = iam.users.get(iam_name(name))
            if name not in tool_after or name in self.world.handmade_users:
                self.fail(rnd, "keys-only-for-managed", f"during faults, served keys for unmanaged {name!r}")
            elif user is not None and not served <= iam.key_history.get(user.user_id, set()):
                self.fail(rnd, "keys-never-cross-userid", f"during faults, served for {name!r} a key that IAM user "
                          f"{user.name!r} (UserId {user.user_id}) never had: a deleted namesake's")

    def key_command(self, rnd, name):
        """The key blobs the key command prints for `name`, run as sshd would (as aws-ec2-ssh, empty env)."""
        try:
            out = subprocess.run([KEY_COMMAND, name], capture_output=True, text=True, timeout=30, env={},
                                 user="aws-ec2-ssh", group="aws-ec2-ssh", extra_groups=[])
        except subprocess.TimeoutExpired:
            self.fail(rnd, "key-command-bounded", f"the key command for {name!r} ran over 30 s")
            return None
        if out.returncode != 0:
            self.fail(rnd, "key-command-exit-0", f"the key command for {name!r} exited {out.returncode}: "
                      f"{out.stderr[-300:]}")
        blobs = set()
        for line in out.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 2:
                blobs.add(fields[1])
            else:
                self.fail(rnd, "key-command-output", f"not a key line for {name!r}: {line!r}")
        return blobs


def expiry_only_revoked(user, iam):
    """Whether the IAM user is in an existing authorized group and unauthorized only by its access-expiry tag."""
    return not iam.authorized(user) and any(g in iam.groups for g in user.groups & set(AUTHORIZED_GROUPS))


def owner_for(name, iam):
    """The UserId an account `name` made now belongs to: the configured IAM user mapping to it (authorized first)."""
    candidates = sorted((u for u in iam.users.values() if iam.in_configured_group(u) and local_name(u.name) == name),
                        key=lambda u: (not iam.authorized(u), u.name))
    return candidates[0].user_id if candidates else None
