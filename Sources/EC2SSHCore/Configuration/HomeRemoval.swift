/// Decides whether `userdel --remove` may delete an account's home directory.
///
/// Only a dedicated directory directly under the home base (`HOME` of /etc/default/useradd, default `/home`),
/// named after the account, owned by its UID, not a symbolic link and not the home of any other account is
/// removed. Anything else (`/`, the home base itself, a symlink, a shared or foreign directory) is kept, and the
/// account is deleted without `--remove`.
public enum HomeRemoval {
    /// The home base when /etc/default/useradd sets no HOME.
    public static let defaultHomeBase = "/home"

    /// What `lstat` says about the home directory.
    public struct HomeStatus: Sendable, Equatable {
        /// What kind of object the home path is.
        public enum Kind: Sendable, Equatable {
            /// A real directory.
            case directory
            /// A symbolic link (never followed).
            case symbolicLink
            /// A regular file, device, socket or FIFO.
            case other
        }

        /// The kind of object.
        public var kind: Kind
        /// The owning UID.
        public var ownerUID: UInt32

        /// Creates a status.
        public init(kind: Kind, ownerUID: UInt32) {
            self.kind = kind
            self.ownerUID = ownerUID
        }
    }

    /// Everything the decision needs, read from the host by the caller.
    public struct Facts: Sendable, Equatable {
        /// The account being deleted.
        public var localName: String
        /// Its UID.
        public var uid: UInt32
        /// Its home directory as the passwd database has it.
        public var home: String
        /// The home base (`HOME` of /etc/default/useradd, or `/home`).
        public var homeBase: String
        /// The `lstat` of `home`, or `nil` when nothing is there.
        public var homeStatus: HomeStatus?
        /// The home directory of every other account, by name.
        public var otherHomes: [String: String]

        /// Creates the facts.
        public init(
            localName: String, uid: UInt32, home: String, homeBase: String, homeStatus: HomeStatus?,
            otherHomes: [String: String]
        ) {
            self.localName = localName
            self.uid = uid
            self.home = home
            self.homeBase = homeBase
            self.homeStatus = homeStatus
            self.otherHomes = otherHomes
        }
    }

    /// Whether the home goes with the account.
    public enum Decision: Sendable, Equatable {
        /// userdel may remove the home directory.
        case remove
        /// The home directory stays; the reason is logged.
        case keep(reason: String)
    }

    /// The decision for `facts`.
    public static func decide(_ facts: Facts) -> Decision {
        guard let base = strictPath(facts.homeBase), base != "/" else {
            return .keep(
                reason: "the home base \(String(reflecting: facts.homeBase)) (HOME in /etc/default/useradd) is not "
                    + "an absolute directory below /")
        }
        if let reason = NameMapping.unsafeReason(forLocalName: facts.localName) {
            return .keep(reason: "the account name \(String(reflecting: facts.localName)) \(reason)")
        }
        let expected = base + "/" + facts.localName
        guard let home = strictPath(facts.home), home == expected else {
            return .keep(
                reason: "its home \(String(reflecting: facts.home)) is not the dedicated directory \(expected)")
        }
        guard let status = facts.homeStatus else {
            return .keep(reason: "its home \(home) does not exist")
        }
        switch status.kind {
        case .directory: break
        case .symbolicLink: return .keep(reason: "its home \(home) is a symbolic link")
        case .other: return .keep(reason: "its home \(home) is not a directory")
        }
        guard status.ownerUID == facts.uid else {
            return .keep(reason: "its home \(home) is owned by UID \(status.ownerUID), not by its UID \(facts.uid)")
        }
        for (name, other) in facts.otherHomes.sorted(by: { $0.key < $1.key }) where name != facts.localName {
            guard let resolved = lexicalPath(other) else { continue }
            if resolved == home || resolved.hasPrefix(home + "/") {
                return .keep(reason: "its home \(home) holds the home \(other) of account \(name)")
            }
        }
        return .remove
    }

    /// The home base from the text of /etc/default/useradd: the last line starting with `HOME=`, as useradd reads
    /// it (no quotes, no spaces); `/home` when the file is missing or sets none.
    public static func homeBase(fromUseraddDefaults text: String?) -> String {
        var base = defaultHomeBase
        for line in (text ?? "").split(whereSeparator: \.isNewline) where line.hasPrefix("HOME=") {
            base = String(line.dropFirst("HOME=".count))
        }
        return base
    }

    /// `path` with repeated and trailing slashes removed, or `nil` when it is not absolute or has a `.` or `..`
    /// component.
    static func strictPath(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        let components = path.split(separator: "/")
        guard !components.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        return "/" + components.joined(separator: "/")
    }

    /// `path` with `.` and `..` resolved as text (symlinks are not followed), or `nil` when it is not absolute.
    static func lexicalPath(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var resolved: [Substring] = []
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = resolved.popLast()
            default: resolved.append(component)
            }
        }
        return "/" + resolved.joined(separator: "/")
    }
}
