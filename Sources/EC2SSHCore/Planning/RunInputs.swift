#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Everything a run's plan depends on, as canonical bytes: equal bytes mean equal inputs.
///
/// Each value is added under a label and with its length, so no two different sequences of values give the same
/// bytes; sets and dictionaries are added in sorted order. The bytes are hashed (SHA-256) into the digest of
/// `UnchangedRunRecord`; they are never stored.
public struct RunInputs: Sendable, Equatable {
    /// The canonical bytes so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates empty inputs.
    public init() {}

    /// Adds `value` under `label`.
    public mutating func add(_ label: String, _ value: String) {
        let utf8 = value.utf8
        bytes.append(contentsOf: label.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(contentsOf: String(utf8.count).utf8)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Adds raw `value` (a file's bytes) under `label`.
    public mutating func add(_ label: String, bytes value: [UInt8]) {
        bytes.append(contentsOf: label.utf8)
        bytes.append(contentsOf: "=\(value.count):".utf8)
        bytes.append(contentsOf: value)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Adds every setting of `configuration`, found by reflection so that a setting added later is never left out;
    /// dictionaries are added sorted by key (their printed order changes from one process to the next).
    public mutating func add(configuration: Configuration) {
        for child in Mirror(reflecting: configuration).children {
            let label = "setting." + (child.label ?? "?")
            switch child.value {
            case let map as [String: String]:
                for key in map.keys.sorted() { add(label, "\(key)=\(map[key] ?? "")") }
            case let map as [String: [String]]:
                for key in map.keys.sorted() { add(label, "\(key)=\(map[key] ?? [])") }
            default:
                add(label, String(reflecting: child.value))
            }
        }
    }

    /// Adds every part of `view`: users with their IDs and tags, who is authorized and gets sudo, the mapped
    /// groups' members, and whether the read was complete.
    public mutating func add(view: IAMView) {
        add("users", String(view.users.count))
        for user in view.users.sorted(by: { $0.userName < $1.userName }) {
            add("user", user.userName)
            add("id", user.userID)
            for key in user.tags.keys.sorted() {
                add("tag", key)
                add("value", user.tags[key] ?? "")
            }
        }
        add(selection: view.authorized, "authorized")
        add(selection: view.sudo, "sudo")
        for group in view.groupMembers.keys.sorted() {
            add("group", group)
            for member in (view.groupMembers[group] ?? []).sorted() { add("member", member) }
        }
        add("complete", view.isComplete ? "yes" : "no")
        for failure in view.failedReads { add("failed", failure) }
    }

    /// Adds what the managed-users index takes from the read: ARNs, whose tags were read, and access expiries.
    public mutating func add(observed: ManagedUsersIndex.Observations) {
        for name in observed.arns.keys.sorted() {
            add("arn", name)
            add("is", observed.arns[name] ?? "")
        }
        if let tagsRead = observed.tagsRead {
            add("tagsRead", String(tagsRead.count))
            for name in tagsRead.sorted() { add("read", name) }
        }
        for name in observed.accessExpiries.keys.sorted() {
            add("expiry", name)
            add("at", String(observed.accessExpiries[name]?.timeIntervalSince1970 ?? 0))
        }
    }

    private mutating func add(selection: IAMView.Selection, _ label: String) {
        switch selection {
        case .all: add(label, "all")
        case .members(let names):
            add(label, "members \(names.count)")
            for name in names.sorted() { add("name", name) }
        }
    }
}
