"""The soak's independent model of IAM and of what a host should look like after a complete import.

Nothing here comes from the tool's code: the rules are the ones README.md, DESIGN.md and issue 10 state
(name mapping, legal local names, conflicts, authorization by group and access-expiry tag, sudo by group).
The IAM side is a record of the mutations the soak itself made through boto3, so it is what IAM says.
"""
import re
from dataclasses import dataclass, field

# IAM name -> local name, in this order (README "Name mapping"); the key command maps back in reverse order.
MAPPING = [("+", ".plus."), ("=", ".equal."), (",", ".comma."), ("@", ".at.")]
LOCAL_NAME = re.compile(r"[0-9A-Za-z._-]{1,32}")

AUTHORIZED_GROUPS = ("ssh-users", "users")  # IAM_AUTHORIZED_GROUPS ("users" is also a local group's name)
SUDO_GROUPS = ("admins",)  # SUDOERS_GROUPS
OTHER_GROUPS = ("others",)  # in IAM but not configured
ALL_GROUPS = AUTHORIZED_GROUPS + SUDO_GROUPS + OTHER_GROUPS
EXPIRY_TAG = "soak-expiry"  # ACCESS_EXPIRY_TAG
EXPIRY_VALUES = {"2000-01-01T00:00:00Z": False, "2999-12-31": True, "2999-12-31T23:00:00+02:00": True,
                 "not-a-date": False, "": False}


def local_name(iam_name):
    """The local name an IAM name maps to (before any legality check)."""
    for iam, local in MAPPING:
        iam_name = iam_name.replace(iam, local)
    return iam_name


def iam_name(local):
    """The IAM name a local name maps back to, as the key command does."""
    for iam, mapped in reversed(MAPPING):
        local = local.replace(mapped, iam)
    return local


def legal_local_name(local):
    """Issue 10 finding 1: the pattern, and no `.`, `..`, leading `-` or all-digit names."""
    return (LOCAL_NAME.fullmatch(local) is not None and local not in (".", "..") and not local.startswith("-")
            and not local.isdigit())


def importable_name(name):
    """Whether an IAM name may ever get an account: a legal local name that maps back to it (finding 9)."""
    local = local_name(name)
    return legal_local_name(local) and iam_name(local) == name


@dataclass
class IAMUser:
    """One IAM user as the soak made it."""
    name: str
    user_id: str
    groups: set = field(default_factory=set)
    keys: dict = field(default_factory=dict)  # key id -> [blob, status]
    tags: dict = field(default_factory=dict)

    def active_blobs(self):
        """The base64 blobs of the Active keys."""
        return {blob for blob, status in self.keys.values() if status == "Active"}


class IAMModel:
    """IAM users and groups as the soak's own mutations left them."""

    def __init__(self):
        self.users = {}
        self.groups = set()
        self.key_history = {}  # UserId -> every key blob it ever had

    def by_id(self, user_id):
        """The user with this UserId, or None."""
        return next((u for u in self.users.values() if u.user_id == user_id), None)

    def in_configured_group(self, user):
        """Whether import_users sees the user at all (member of an authorized or sudo group that exists)."""
        return any(g in self.groups for g in user.groups & set(AUTHORIZED_GROUPS + SUDO_GROUPS))

    def authorized(self, user):
        """Member of an existing authorized group, and the expiry tag (if any) in the future."""
        if not any(g in self.groups for g in user.groups & set(AUTHORIZED_GROUPS)):
            return False
        if EXPIRY_TAG in user.tags:
            return EXPIRY_VALUES.get(user.tags[EXPIRY_TAG], False)
        return True

    def sudo(self, user):
        """Authorized and member of an existing sudo group."""
        return self.authorized(user) and any(g in self.groups for g in user.groups & set(SUDO_GROUPS))


@dataclass
class Expectation:
    """What a complete import must leave, by local name."""
    required: dict  # local name -> IAMUser: must have an active, indexed account
    optional: dict  # local name -> IAMUser: ambiguous (pending re-creation, collision with an unsure user)
    sudo: set  # local names (required or optional) whose user is in a sudo group
    forbidden: dict  # local name -> reason: must never be active


def expectation(model, taken_names, owners):
    """The expected host for the IAM model.

    taken_names: local user and group names that belong to unmanaged accounts or groups (conflicts).
    owners: local name -> IAM UserId the existing tool-made account was created for.
    """
    required, optional, forbidden, sudo = {}, {}, {}, set()
    seen = {}
    for user in model.users.values():
        if model.in_configured_group(user):
            seen.setdefault(local_name(user.name), []).append(user)
    for user in model.users.values():
        if not model.authorized(user):
            continue
        local = local_name(user.name)
        if not importable_name(user.name):
            forbidden[local] = f"IAM name {user.name!r} is not importable"
            continue
        others = [o for o in seen.get(local, []) if o is not user]
        if any(model.authorized(o) for o in others):
            forbidden[local] = f"IAM names {[user.name] + [o.name for o in others]} collide"
            continue
        if local in taken_names:
            forbidden[local] = f"{local!r} is an unmanaged local account or group"
            continue
        if others or (local in owners and owners[local] != user.user_id):
            optional[local] = user
        else:
            required[local] = user
        if model.sudo(user):
            sudo.add(local)
    return Expectation(required, optional, sudo, forbidden)


def sudoers_file_name(local):
    """/etc/sudoers.d file name of a local name: `_` as `_5F`, `.` as `_2E` (sudo skips names with a dot)."""
    return "aws-ec2-ssh-" + "".join({"_": "_5F", ".": "_2E"}.get(c, c) for c in local)


SUDOERS_RULE = "ALL=(ALL) NOPASSWD:ALL"
SUDOERS_HEADER = "# Managed by aws-ec2-ssh import_users. Do not edit."


def sudoers_content(local):
    """The exact content of a managed sudoers file."""
    return f'{SUDOERS_HEADER}\n"{local}" {SUDOERS_RULE}\n'
