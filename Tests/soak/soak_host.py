"""Reading the sandboxed host for the soak: accounts, groups, sudoers files, state files, processes."""
import json
import os
import subprocess
import time

STATE_DIR = "/var/lib/aws-ec2-ssh"
CACHE_DIR = "/var/cache/aws-ec2-ssh"
SUDOERS_DIR = "/etc/sudoers.d"
MARKER_GROUP = "iam-synced-users"
LOCAL_GROUP = "soak-local"  # LOCAL_GROUPS
ACCOUNT_TOOLS = {"useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "gpasswd", "visudo", "chage"}


def read_table(path):
    """name -> list of fields of a colon-separated database (passwd, shadow, group, gshadow)."""
    table = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                fields = line.split(":")
                table[fields[0]] = fields
    return table


class HostView:
    """One consistent read of the account databases and the files import_users owns."""

    def __init__(self):
        self.passwd = read_table("/etc/passwd")
        self.shadow = read_table("/etc/shadow")
        self.group = read_table("/etc/group")
        self.sudoers = {}
        for name in sorted(os.listdir(SUDOERS_DIR)):
            path = os.path.join(SUDOERS_DIR, name)
            st = os.lstat(path)
            content = open(path, encoding="utf-8", errors="replace").read() if os.path.isfile(path) else None
            self.sudoers[name] = (content, st.st_mode & 0o7777, st.st_uid, st.st_gid)
        self.index = read_json(os.path.join(STATE_DIR, "managed-users.json"))
        self.state = read_json(os.path.join(STATE_DIR, "state.json"))

    def uid(self, name):
        """The UID of a local user."""
        return int(self.passwd[name][2])

    def members(self, group):
        """The member list of a local group."""
        fields = self.group.get(group)
        return set(filter(None, fields[3].split(","))) if fields else set()

    def locked(self, name):
        """Locked the way issue 10 asks (`usermod --lock --expiredate 1`): an expiry date in the past."""
        fields = self.shadow.get(name)
        if not fields or len(fields) < 8 or fields[7] == "":
            return False
        try:
            day = int(fields[7])
        except ValueError:
            return False
        return 0 <= day <= int(time.time() // 86400)  # -1 (as usermod --expiredate -1 may leave it) is no expiry

    def index_users(self):
        """The managed-users index: local name -> entry (empty when there is no index)."""
        return (self.index or {}).get("users", {})

    def state_accounts(self):
        """state.json accounts: local name -> entry."""
        return (self.state or {}).get("accounts", {})


def read_json(path):
    """The decoded JSON file, None when absent, {"corrupt": text} when not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"corrupt": text}


def stat_tuple(path):
    """(uid, gid, mode, kind) of a path without following a symlink, or None when absent."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    kind = "dir" if os.path.isdir(path) and not os.path.islink(path) else "link" if os.path.islink(path) else "file"
    return (st.st_uid, st.st_gid, st.st_mode & 0o7777, kind)


def run(argv, check=True, timeout=60, **kwargs):
    """Runs a program (argument array, no shell) and returns the CompletedProcess."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{argv} exited {result.returncode}: {result.stdout}{result.stderr}")
    return result


def account_tools_running():
    """PIDs of useradd, userdel, usermod, ... still running (children of a killed import_users)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() in ACCOUNT_TOOLS:
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def wait_for_account_tools(limit=60.0):
    """Polls /proc until no account tool runs (bounded); returns the PIDs still running at the limit."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pids = account_tools_running()
        if not pids:
            return []
        time.sleep(0.05)
    return account_tools_running()


def temp_files():
    """Leftover temporary files in STATE_DIR, /etc/sudoers.d and the key cache directory."""
    allowed_state = {
        "state.json", "managed-users.json", "import_users.lock", "last-run.json", "unchanged-run.json",
    }
    found = []
    for directory in (STATE_DIR, SUDOERS_DIR, CACHE_DIR):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            leftover = name.startswith(".") or ".tmp" in name or "tmp-" in name or name.endswith("~")
            if directory == STATE_DIR and name not in allowed_state:
                leftover = True
            if leftover:
                found.append(os.path.join(directory, name))
    return sorted(found)
