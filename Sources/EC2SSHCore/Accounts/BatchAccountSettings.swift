/// What useradd takes from /etc/login.defs and /etc/default/useradd for a plain new account, for the batch.
public struct BatchAccountSettings: Sendable, Equatable {
    /// UID_MIN...UID_MAX: where a UID is allocated.
    public var uids: ClosedRange<UInt32>
    /// GID_MIN...GID_MAX: where a GID is allocated.
    public var gids: ClosedRange<UInt32>
    /// PASS_MIN_DAYS, PASS_MAX_DAYS and PASS_WARN_AGE (`nil`: the field stays empty, as with shadow-utils' -1).
    public var passMinDays: Int?, passMaxDays: Int?, passWarnAge: Int?
    /// SUB_UID_MIN, SUB_UID_MAX, SUB_UID_COUNT.
    public var subUIDMin: UInt64 = 100_000, subUIDMax: UInt64 = 600_100_000, subUIDCount: UInt64 = 65536
    /// SUB_GID_MIN, SUB_GID_MAX, SUB_GID_COUNT.
    public var subGIDMin: UInt64 = 100_000, subGIDMax: UInt64 = 600_100_000, subGIDCount: UInt64 = 65536
    /// The home base (HOME of /etc/default/useradd, default /home).
    public var homeBase = "/home"
    /// The skeleton directory (SKEL of /etc/default/useradd, default /etc/skel).
    public var skel = "/etc/skel"
    /// The mode of a new home: HOME_MODE, else 0777 & ~UMASK (UMASK default 022).
    public var homeMode: UInt32 = 0o755
    /// LASTLOG_UID_MAX: useradd leaves the lastlog record of a higher UID alone (default: every UID).
    public var lastlogUIDMax: UInt64 = UInt64(UInt32.max)
    /// Why the batch cannot imitate useradd with these files (a setting it does not implement), or `nil`.
    public var unsupported: String?

    /// The settings from the texts of /etc/login.defs, /etc/default/useradd and /etc/nsswitch.conf (`nil` when
    /// missing).
    public static func parse(loginDefs: String?, useraddDefaults: String?, nsswitch: String? = nil)
        -> BatchAccountSettings
    {
        let defs = keyValues(loginDefs ?? "", separator: nil)
        let defaults = keyValues(useraddDefaults ?? "", separator: "=")
        let limits = LoginDefs.parse(loginDefs ?? "")
        var settings = BatchAccountSettings(
            uids: limits.uidMin...max(limits.uidMin, limits.uidMax),
            gids: limits.gidMin...max(limits.gidMin, limits.gidMax),
            passMinDays: days(defs["PASS_MIN_DAYS"]), passMaxDays: days(defs["PASS_MAX_DAYS"]),
            passWarnAge: days(defs["PASS_WARN_AGE"]))
        func number(_ key: String, _ fallback: UInt64) -> UInt64 { defs[key].flatMap { UInt64($0) } ?? fallback }
        settings.subUIDMin = number("SUB_UID_MIN", settings.subUIDMin)
        settings.subUIDMax = number("SUB_UID_MAX", settings.subUIDMax)
        settings.subUIDCount = number("SUB_UID_COUNT", settings.subUIDCount)
        settings.subGIDMin = number("SUB_GID_MIN", settings.subGIDMin)
        settings.subGIDMax = number("SUB_GID_MAX", settings.subGIDMax)
        settings.subGIDCount = number("SUB_GID_COUNT", settings.subGIDCount)
        settings.lastlogUIDMax = number("LASTLOG_UID_MAX", settings.lastlogUIDMax)
        if let mode = defs["HOME_MODE"].flatMap({ UInt32($0, radix: 8) }) {
            settings.homeMode = mode & 0o7777
        } else if let umask = defs["UMASK"].flatMap({ UInt32($0, radix: 8) }) {
            settings.homeMode = 0o777 & ~umask
        }
        settings.homeBase = HomeRemoval.homeBase(fromUseraddDefaults: useraddDefaults)
        settings.skel = defaults["SKEL"] ?? settings.skel
        if let value = defaults["CREATE_MAIL_SPOOL"], value.lowercased() == "yes" {
            settings.unsupported = "CREATE_MAIL_SPOOL=yes in /etc/default/useradd"
        } else if let value = defaults["INACTIVE"], value != "-1" {
            settings.unsupported = "INACTIVE=\(value) in /etc/default/useradd"
        } else if let value = defaults["EXPIRE"], !value.isEmpty {
            settings.unsupported = "EXPIRE=\(value) in /etc/default/useradd"
        } else if let value = defs["MAX_MEMBERS_PER_GROUP"], value != "0" {
            settings.unsupported = "MAX_MEMBERS_PER_GROUP in /etc/login.defs"
        } else if let source = otherIDSource(nsswitch: nsswitch) {
            settings.unsupported =
                "\(source) in /etc/nsswitch.conf: the batch picks UIDs and GIDs from the local files only"
        }
        return settings
    }

    /// The name service sources every NSS lookup of users and groups may consult besides the local files: `files`
    /// itself and systemd's `systemd` module (root, nobody and DynamicUser= IDs, outside UID_MIN-UID_MAX).
    static let localIDSources: Set<String> = ["files", "systemd"]

    /// The first `passwd:` or `group:` source of `nsswitch` other than `localIDSources` ("passwd: sss"), or `nil`.
    ///
    /// useradd asks every source for taken IDs; the batch reads only /etc/passwd and /etc/group, so with LDAP, SSSD,
    /// NIS (`compat`) or another source it could hand out an ID a directory user has. Without the file glibc uses
    /// the local files.
    static func otherIDSource(nsswitch: String?) -> String? {
        for raw in (nsswitch ?? "").split(whereSeparator: \.isNewline) {
            let line = raw.prefix { $0 != "#" }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let database = line[..<colon].filter { $0 != " " && $0 != "\t" }
            guard database == "passwd" || database == "group" else { continue }
            let sources = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            for source in sources where !source.hasPrefix("[") && !localIDSources.contains(String(source)) {
                return "\(database): \(source)"
            }
        }
        return nil
    }

    /// A day count as shadow-utils reads it: -1 or missing is "no value".
    private static func days(_ text: String?) -> Int? {
        guard let text, let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// The last value of each key: `KEY value` lines (`separator` nil) or `KEY=value` lines; `#` comments skipped.
    private static func keyValues(_ text: String, separator: Character?) -> [String: String] {
        var values: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            guard !line.isEmpty, line.first != "#" else { continue }
            let parts: [Substring]
            if let separator {
                parts = line.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
            } else {
                parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            }
            guard parts.count >= 2 else { continue }
            var value = Substring(parts[1].filter { $0 != "\r" })
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
            values[String(parts[0])] = String(value)
        }
        return values
    }
}
