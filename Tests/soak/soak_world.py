"""Random changes the soak makes before each round: to IAM (through boto3, straight to moto) and to the host
(what an administrator might do by hand). Every choice comes from the round's seeded RNG."""
import os
import shutil

from botocore.exceptions import ClientError

import soak_host as host
from soak_model import ALL_GROUPS, EXPIRY_TAG, EXPIRY_VALUES, IAMUser, local_name

ORDINARY = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "j_doe", "k-l",
            "mo.ni", "m" * 32, "a+b", "x@y.z", "p=q", "r,s"]
# Edge cases that stay inside /home whatever the tool does with them: collisions after mapping, names that do
# not map back, all digits, too long, names of local groups and of an unmanaged human account.
EDGE = ["a.plus.b", "x.at.y.z", "p.equal.q", "r.comma.s", "x.at.y", "c+at.d", "12345", "0", "l" * 64, "n" * 33,
        "staff", "users", "soak-local", "iam-synced-users", "admin1", "Eve", "eve"]
# Names that are paths or options, and names of system accounts (homes like / or /usr/sbin): only inside the
# whole-root pivot_root sandbox.
HOSTILE = [".", "..", "-x", "-", "--help", "root", "daemon", "bin", "nobody", "sshd", "aws-ec2-ssh", "_apt",
           "sync", "man"]


class World:
    """The soak's hand on IAM and on the host."""

    def __init__(self, iam, model, keygen, hostile):
        self.iam = iam
        self.model = model
        self.keygen = keygen  # makes a new (type, blob, comment) public key: no two uploads share a key
        self.hostile = hostile
        self.handmade_users = set()
        self.handmade_groups = set()
        self.removed_homes = set()
        self.admin_sudoers = set()

    def pick_name(self, rng):
        """A name from the pool, weighted towards ordinary names."""
        roll = rng.random()
        if roll < 0.65:
            return rng.choice(ORDINARY)
        if roll < 0.88 or not self.hostile:
            return rng.choice(EDGE)
        return rng.choice(HOSTILE)

    # --- IAM -------------------------------------------------------------------------------------------------

    def setup_iam(self):
        """The IAM groups the configuration names, and one noise group."""
        for group in ALL_GROUPS:
            self.iam.create_group(GroupName=group)
            self.model.groups.add(group)

    def mutate_iam(self, rng):
        """One random IAM change; returns a short description."""
        users = sorted(self.model.users)
        ops = ["create", "create", "join", "join", "leave", "key", "key", "key_status", "key_delete", "tag",
               "untag", "delete", "recreate"]
        op = rng.choice(ops)
        try:
            return self._mutate(op, rng, users)
        except ClientError as error:
            return f"{op}: IAM refused ({error.response['Error']['Code']})"

    def _mutate(self, op, rng, users):
        if op == "create" or not users:
            name = self.pick_name(rng)
            if name in self.model.users or any(u.lower() == name.lower() for u in self.model.users):
                return f"create {name!r}: exists"
            groups = rng.sample(ALL_GROUPS, rng.choice([0, 1, 1, 2]))
            self.create_user(name, groups, rng)
            return f"create {name!r} in {groups}"
        name = rng.choice(users)
        user = self.model.users[name]
        if op == "join":
            group = rng.choice([g for g in ALL_GROUPS if g in self.model.groups] or ["ssh-users"])
            if group not in self.model.groups:
                return "join: no group"
            self.iam.add_user_to_group(GroupName=group, UserName=name)
            user.groups.add(group)
            return f"{name!r} joins {group}"
        if op == "leave":
            if not user.groups:
                return f"{name!r} is in no group"
            group = rng.choice(sorted(user.groups))
            self.iam.remove_user_from_group(GroupName=group, UserName=name)
            user.groups.discard(group)
            return f"{name!r} leaves {group}"
        if op == "key":
            self.add_key(user, rng)
            return f"key for {name!r}"
        if op == "key_status" and user.keys:
            key_id = rng.choice(sorted(user.keys))
            status = "Inactive" if user.keys[key_id][1] == "Active" else "Active"
            self.iam.update_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Status=status)
            user.keys[key_id][1] = status
            return f"key {key_id} of {name!r} {status}"
        if op == "key_delete" and user.keys:
            key_id = rng.choice(sorted(user.keys))
            self.iam.delete_ssh_public_key(UserName=name, SSHPublicKeyId=key_id)
            del user.keys[key_id]
            return f"key {key_id} of {name!r} deleted"
        if op == "tag":
            value = rng.choice(sorted(EXPIRY_VALUES))
            self.iam.tag_user(UserName=name, Tags=[{"Key": EXPIRY_TAG, "Value": value}])
            user.tags[EXPIRY_TAG] = value
            return f"{name!r} expiry {value!r}"
        if op == "untag" and user.tags:
            self.iam.untag_user(UserName=name, TagKeys=[EXPIRY_TAG])
            user.tags.pop(EXPIRY_TAG, None)
            return f"{name!r} expiry removed"
        if op == "delete":
            self.delete_user(user)
            return f"delete {name!r}"
        if op == "recreate":
            groups = sorted(user.groups)
            self.delete_user(user)
            self.create_user(name, groups, rng)
            return f"recreate {name!r} (new UserId) in {groups}"
        return f"{op}: nothing to do for {name!r}"

    def mutate_groups(self, rng):
        """Rarely deletes an IAM group (a configured one too); often re-creates a missing one. Returns notes."""
        notes = []
        try:
            if rng.random() < 0.03:
                notes.append(self._group_op("group_delete", rng))
            if len(self.model.groups) < len(ALL_GROUPS) and rng.random() < 0.35:
                notes.append(self._group_op("group_create", rng))
        except ClientError as error:
            notes.append(f"group change: IAM refused ({error.response['Error']['Code']})")
        return notes

    def _group_op(self, op, rng):
        if op == "group_delete":
            group = rng.choice(ALL_GROUPS)
            if group not in self.model.groups:
                return f"group {group} already deleted"
            for member in self.model.users.values():
                if group in member.groups:
                    self.iam.remove_user_from_group(GroupName=group, UserName=member.name)
                    member.groups.discard(group)
            self.iam.delete_group(GroupName=group)
            self.model.groups.discard(group)
            return f"group {group} deleted"
        if op == "group_create":
            missing = [g for g in ALL_GROUPS if g not in self.model.groups]
            if not missing:
                return "group_create: all exist"
            group = rng.choice(missing)
            self.iam.create_group(GroupName=group)
            self.model.groups.add(group)
            return f"group {group} created"
        return op

    def create_user(self, name, groups, rng):
        """Creates an IAM user in existing groups, with a key most of the time."""
        created = self.iam.create_user(UserName=name)["User"]
        user = IAMUser(name, created["UserId"])
        self.model.users[name] = user
        for group in groups:
            if group in self.model.groups:
                self.iam.add_user_to_group(GroupName=group, UserName=name)
                user.groups.add(group)
        if rng.random() < 0.8:
            self.add_key(user, rng)

    def add_key(self, user, rng):
        """Uploads a new key (never used before by anyone), and records it in the UserId's key history."""
        key_type, blob, comment = self.keygen()
        answer = self.iam.upload_ssh_public_key(UserName=user.name, SSHPublicKeyBody=f"{key_type} {blob} {comment}")
        user.keys[answer["SSHPublicKey"]["SSHPublicKeyId"]] = [blob, "Active"]
        self.model.key_history.setdefault(user.user_id, set()).add(blob)

    def delete_user(self, user):
        """Deletes an IAM user after what IAM requires to go first (groups, keys)."""
        for group in sorted(user.groups):
            self.iam.remove_user_from_group(GroupName=group, UserName=user.name)
        for key_id in sorted(user.keys):
            self.iam.delete_ssh_public_key(UserName=user.name, SSHPublicKeyId=key_id)
        self.iam.delete_user(UserName=user.name)
        del self.model.users[user.name]

    # --- the administrator -----------------------------------------------------------------------------------

    def admin_change(self, rng, tool_accounts):
        """One change an administrator might make by hand; returns a description, or None."""
        op = rng.choice(["handmade_user", "handmade_group", "recreate_by_hand", "edit_sudoers", "remove_sudoers",
                         "admin_sudoers", "remove_home", "remove_handmade"])
        view = host.HostView()
        if op == "handmade_user":
            name = local_name(rng.choice(ORDINARY))
            if name in view.passwd or name in view.group or not _safe_local(name):
                return None
            host.run(["/usr/sbin/useradd", "--create-home", "--user-group", "--shell", "/bin/bash", "--", name])
            self.adopt_handmade_user(name)
            return f"admin: useradd {name!r} by hand"
        if op == "handmade_group":
            name = local_name(rng.choice(ORDINARY))
            if name in view.passwd or name in view.group or not _safe_local(name):
                return None
            host.run(["/usr/sbin/groupadd", "--", name])
            self.handmade_groups.add(name)
            return f"admin: groupadd {name!r} by hand"
        if op == "recreate_by_hand" and tool_accounts:
            name = rng.choice(sorted(tool_accounts))
            if not _safe_local(name):
                return None
            host.run(["/usr/sbin/userdel", "--remove", "--force", "--", name], check=False)
            host.run(["/usr/sbin/groupdel", "--", name], check=False)
            host.run(["/usr/sbin/useradd", "--create-home", "--user-group", "--shell", "/bin/bash", "--", name])
            del tool_accounts[name]
            self.adopt_handmade_user(name)
            return f"admin: deleted the managed account {name!r} and made one by hand under that name"
        ours = sorted(n for n in view.sudoers if n.startswith("aws-ec2-ssh-"))
        if op == "edit_sudoers" and ours:
            name = rng.choice(ours)
            with open(os.path.join(host.SUDOERS_DIR, name), "a") as f:
                f.write("# edited by an administrator\n")
            return f"admin: edited /etc/sudoers.d/{name}"
        if op == "remove_sudoers" and ours:
            name = rng.choice(ours)
            os.unlink(os.path.join(host.SUDOERS_DIR, name))
            return f"admin: removed /etc/sudoers.d/{name}"
        if op == "admin_sudoers":
            name = f"soak-admin-{rng.randrange(3)}"
            path = os.path.join(host.SUDOERS_DIR, name)
            with open(path, "w") as f:
                f.write(f"# written by an administrator ({rng.randrange(1000)})\nadmin1 ALL=(ALL) ALL\n")
            os.chmod(path, 0o440)
            self.admin_sudoers.add(name)
            return f"admin: wrote /etc/sudoers.d/{name}"
        if op == "remove_home" and tool_accounts:
            name = rng.choice(sorted(tool_accounts))
            home = view.passwd[name][5] if name in view.passwd else None
            if home and home.startswith("/home/") and home.count("/") == 2 and _safe_local(name):
                shutil.rmtree(home, ignore_errors=True)
                self.removed_homes.add(home)
                return f"admin: removed {home}"
            return None
        if op == "remove_handmade" and self.handmade_users:
            name = rng.choice(sorted(self.handmade_users))
            host.run(["/usr/sbin/userdel", "--remove", "--force", "--", name], check=False)
            host.run(["/usr/sbin/groupdel", "--", name], check=False)
            self.handmade_users.discard(name)
            self.handmade_groups.discard(name)
            return f"admin: userdel {name!r} (hand-made)"
        return None

    def adopt_handmade_user(self, name):
        """Records a hand-made account (and its user group) and puts a file in its home."""
        self.handmade_users.add(name)
        self.handmade_groups.add(name)
        home = f"/home/{name}"
        self.removed_homes.discard(home)
        with open(os.path.join(home, "admin-notes.txt"), "w") as f:
            f.write(f"hand-made account {name}\n")


def _safe_local(name):
    """A name the soak may pass to useradd/userdel itself: an ordinary name whose home stays under /home."""
    return bool(name) and name not in (".", "..") and not name.startswith("-") and "/" not in name
