import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// libFuzzer's entry point for the IAM-to-local name mapping, checked through `DesiredStateBuilder`.
///
/// The input is up to eight IAM user names, one per line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNameMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let names = fuzzBytes(data, size).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        .prefix(8).map { String(decoding: $0, as: UTF8.self) }
    NameMappingFuzz.check(names)
    return 0
}

/// The invariants of name mapping (issue 10, findings 1 and 9), checked on a few IAM names.
///
/// - a mapped name is a valid local name (`^[0-9a-zA-Z._-]{1,32}$`);
/// - round trip: if the forward mapping succeeds, `iamName(forLocalName: localName(forIAMName: x)) == x`, or the
///   name is refused (skipped as a conflict) when the desired state is built;
/// - no account gets a name that is a path or an option: `.`, `..`, a leading `-`, all digits;
/// - every authorized IAM user is either an account or skipped, exactly once, and no two accounts share a name;
///   two IAM names mapping to the same local name are both skipped.
enum NameMappingFuzz {
    /// Checks every invariant on `names`.
    static func check(_ names: [String]) {
        for name in names {
            if let local = NameMapping.localName(forIAMName: name) {
                fuzzRequire(NameMapping.isValidLocalName(local), "\(name) maps to invalid \(local)")
            }
        }
        let users = names.enumerated().map { IAMView.User(userName: $0.element, userID: "AIDAFUZZ\($0.offset)") }
        let view = IAMView(users: users, authorized: .all, sudo: .all)
        let state = DesiredStateBuilder.build(view: view, policy: SyncPolicy(), now: Date(timeIntervalSince1970: 0))
        let skipped = Set(state.skipped.map(\.iamUserName))
        var localNames: Set<String> = []
        for account in state.accounts {
            let local = account.localName
            let reversed = NameMapping.iamName(forLocalName: local)
            fuzzRequire(
                reversed == account.iamUserName,
                "IAM user \(String(reflecting: account.iamUserName)) gets local name \(local), which maps back to "
                    + "\(String(reflecting: reversed)), and is not refused as a conflict")
            fuzzRequire(NameMapping.isValidLocalName(local), "account \(local) is not a valid local name")
            fuzzRequire(!isPathOrOption(local), "account \(String(reflecting: local)) is a path or an option")
            fuzzRequire(localNames.insert(local).inserted, "two accounts are named \(local)")
            fuzzRequire(!skipped.contains(account.iamUserName), "\(account.iamUserName) is imported and skipped")
        }
        let handled = Set(state.accounts.map(\.iamUserName)).union(skipped)
        fuzzRequire(
            handled == Set(names), "IAM users \(Set(names).subtracting(handled)) are neither imported nor skipped")
        var byLocal: [String: Set<String>] = [:]
        for name in Set(names) {
            if let local = NameMapping.localName(forIAMName: name) { byLocal[local, default: []].insert(name) }
        }
        for (local, iamNames) in byLocal where iamNames.count > 1 {
            fuzzRequire(iamNames.isSubset(of: skipped), "\(iamNames) all map to \(local) but are not all skipped")
        }
    }

    /// Whether `local` is `.`, `..`, starts with `-` or is all digits (what finding 1 says must be refused).
    static func isPathOrOption(_ local: String) -> Bool {
        local == "." || local == ".." || local.hasPrefix("-") || local.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
