/// Adds plain new accounts to the texts of the account files exactly as a run of `useradd --user-group
/// --create-home --shell SHELL [--uid N -K GID_MIN=N -K GID_MAX=N] [--groups ...]` per account would (shadow-utils
/// 4.13, Debian).
///
/// Per account: `name:x:UID:GID::HOME:SHELL` in passwd, `name:!:DAY:MIN:MAX:WARN:::` in shadow, `name:x:GID:` in
/// group, `name:!::` in gshadow, the name appended to each supplementary group's member list in group and gshadow,
/// and `name:START:COUNT` in subuid and subgid when those files exist (pass `nil` for useradd's `-K SUB_UID_COUNT=0
/// -K SUB_GID_COUNT=0`), the count is not 0 and the UID lies in UID_MIN-UID_MAX. UIDs and
/// GIDs are allocated like shadow-utils' find_new_uid/find_new_gid (highest used in range + 1, else the lowest free;
/// the user group prefers GID = UID). The whole batch is refused on a line it cannot parse; one account is refused
/// (left to useradd) when its name, UID or GID is taken or a group it needs is missing.
public enum AccountFilesBatch {
    /// Why the batch as a whole cannot run.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong, naming the file and line.
        public var description: String
    }

    /// What the batch did.
    public struct Result: Sendable, Equatable {
        /// The new texts.
        public var files: AccountFilesText
        /// The accounts added, in request order.
        public var created: [BatchCreated]
        /// The accounts left to useradd, with the reason, in request order.
        public var refused: [(name: String, reason: String)]

        /// Compares the names and reasons of `refused` too.
        public static func == (lhs: Result, rhs: Result) -> Bool {
            lhs.files == rhs.files && lhs.created == rhs.created
                && lhs.refused.map { "\($0.name)\u{0}\($0.reason)" }
                    == rhs.refused.map { "\($0.name)\u{0}\($0.reason)" }
        }
    }

    /// Adds `accounts` with login shell `shell`; `day` is today in days since 1970-01-01 (shadow's lastchg).
    public static func add(
        _ accounts: [BatchAccount], shell: String, to files: AccountFilesText, settings: BatchAccountSettings,
        day: Int
    ) throws(Refusal) -> Result {
        if let reason = settings.unsupported { throw Refusal(description: "not supported by the batch: \(reason)") }
        guard Self.isField(shell), shell.hasPrefix("/") else { throw Refusal(description: "unusable shell \(shell)") }
        var passwd = try AccountFileTable(text: files.passwd, file: "/etc/passwd", fields: 7)
        var shadow = try AccountFileTable(text: files.shadow, file: "/etc/shadow", fields: 9)
        var group = try AccountFileTable(text: files.group, file: "/etc/group", fields: 4)
        var gshadow = try AccountFileTable(text: files.gshadow, file: "/etc/gshadow", fields: 4)
        var subuid = try files.subuid.map { text throws(Refusal) in
            try AccountFileTable(text: text, file: "/etc/subuid", fields: 3)
        }
        var subgid = try files.subgid.map { text throws(Refusal) in
            try AccountFileTable(text: text, file: "/etc/subgid", fields: 3)
        }
        var usedUIDs = try passwd.numbers(field: 2)
        var usedGIDs = try group.numbers(field: 2)
        var created: [BatchCreated] = []
        var refused: [(name: String, reason: String)] = []
        for account in accounts {
            let name = account.name
            let home = settings.homeBase == "/" ? "/" + name : settings.homeBase + "/" + name
            if let reason = problem(
                of: account, home: home, passwd: passwd, shadow: shadow, group: group,
                gshadow: gshadow, usedUIDs: usedUIDs, usedGIDs: usedGIDs)
            {
                refused.append((name, reason))
                continue
            }
            let uid: UInt32
            let gid: UInt32
            if let fixed = account.uid {
                uid = fixed
                gid = fixed
            } else {
                guard let newUID = allocate(in: settings.uids, used: usedUIDs) else {
                    refused.append((name, "no free UID in \(settings.uids)"))
                    continue
                }
                uid = newUID
                if settings.gids.contains(uid), !usedGIDs.contains(uid) {
                    gid = uid
                } else if let newGID = allocate(in: settings.gids, used: usedGIDs) {
                    gid = newGID
                } else {
                    refused.append((name, "no free GID in \(settings.gids)"))
                    continue
                }
            }
            var subUIDStart: UInt64?
            var subGIDStart: UInt64?
            if settings.uids.contains(uid) {
                if subuid?.contains(name) == false, settings.subUIDCount > 0 {
                    subUIDStart = subuid?.freeRange(
                        minimum: settings.subUIDMin, maximum: settings.subUIDMax, count: settings.subUIDCount)
                    guard subUIDStart != nil else {
                        refused.append((name, "no free subordinate UID range (SUB_UID_* in /etc/login.defs)"))
                        continue
                    }
                }
                if subgid?.contains(name) == false, settings.subGIDCount > 0 {
                    subGIDStart = subgid?.freeRange(
                        minimum: settings.subGIDMin, maximum: settings.subGIDMax, count: settings.subGIDCount)
                    guard subGIDStart != nil else {
                        refused.append((name, "no free subordinate GID range (SUB_GID_* in /etc/login.defs)"))
                        continue
                    }
                }
            }
            usedUIDs.insert(uid)
            usedGIDs.insert(gid)
            passwd.append([name, "x", String(uid), String(gid), "", home, shell])
            let number = { (value: Int?) in value.map(String.init) ?? "" }
            shadow.append([
                name, "!", day > 0 ? String(day) : "", number(settings.passMinDays), number(settings.passMaxDays),
                number(settings.passWarnAge), "", "", "",
            ])
            for groupName in account.groups {
                group.addMember(name, to: groupName)
                gshadow.addMember(name, to: groupName)
            }
            group.append([name, "x", String(gid), ""])
            gshadow.append([name, "!", "", ""])
            if let start = subUIDStart { subuid?.appendRange(name, start: start, count: settings.subUIDCount) }
            if let start = subGIDStart { subgid?.appendRange(name, start: start, count: settings.subGIDCount) }
            created.append(BatchCreated(name: name, uid: uid, gid: gid, home: home))
        }
        let texts = AccountFilesText(
            passwd: passwd.text, shadow: shadow.text, group: group.text, gshadow: gshadow.text,
            subuid: subuid?.text, subgid: subgid?.text)
        return Result(files: texts, created: created, refused: refused)
    }

    /// Why `account` must be left to useradd, or `nil`.
    private static func problem(
        of account: BatchAccount, home: String, passwd: AccountFileTable, shadow: AccountFileTable,
        group: AccountFileTable, gshadow: AccountFileTable, usedUIDs: Set<UInt32>, usedGIDs: Set<UInt32>
    ) -> String? {
        let name = account.name
        guard isName(name), isField(home) else { return "name \(String(reflecting: name)) is not a plain name" }
        if passwd.contains(name) || shadow.contains(name) { return "user \(name) exists" }
        if group.contains(name) || gshadow.contains(name) { return "group \(name) exists" }
        if let uid = account.uid {
            if usedUIDs.contains(uid) { return "UID \(uid) is in use" }
            if usedGIDs.contains(uid) { return "GID \(uid) is in use" }
        }
        if let missing = account.groups.first(where: { !group.contains($0) || !gshadow.contains($0) }) {
            return "group \(missing) is missing from /etc/group or /etc/gshadow"
        }
        if account.groups.contains(name) || Set(account.groups).count != account.groups.count {
            return "its group list \(account.groups) repeats a group"
        }
        return nil
    }

    /// shadow-utils' allocation: one above the highest used ID of `range`, else the lowest free one.
    static func allocate(in range: ClosedRange<UInt32>, used: Set<UInt32>) -> UInt32? {
        let highest = used.filter(range.contains).max()
        guard let highest else { return range.lowerBound }
        if highest < range.upperBound { return highest + 1 }
        var candidate = range.lowerBound
        while used.contains(candidate) {
            guard candidate < range.upperBound else { return nil }
            candidate += 1
        }
        return candidate
    }

    /// A name useradd would accept and that cannot break a line: no `:`, `,`, whitespace or control characters, not
    /// `.`/`..`, not starting with `-` or `+`.
    static func isName(_ name: String) -> Bool {
        guard !name.isEmpty, name != ".", name != "..", let first = name.first, first != "-", first != "+" else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && $0.value > 32 && $0.value < 127 && $0 != ":" && $0 != ","
        }
    }

    /// A field without `:` or control characters.
    static func isField(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value != 127 && $0 != ":" }
    }
}
