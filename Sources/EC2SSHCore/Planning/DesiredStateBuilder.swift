#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Turns what IAM says into the local accounts that should exist.
public enum DesiredStateBuilder {
    /// The desired state for `view` under `policy` at `now`.
    ///
    /// Collisions are found among all users of the view, authorized or not, because the key command maps a local
    /// name back to exactly one IAM name. A user whose name gets no safe local name (`.`, `-rf`, `1000`...) or
    /// whose local name maps back to another IAM name (`x.at.y` -> `x@y`) is skipped with the reason.
    public static func build(view: IAMView, policy: SyncPolicy, now: Date) -> DesiredState {
        var usersByName: [String: IAMView.User] = [:]
        for user in view.users where usersByName[user.userName] == nil {
            usersByName[user.userName] = user
        }
        let users = usersByName.values.sorted { $0.userName < $1.userName }
        var skipped: [DesiredState.Skipped] = []
        var namesByLocal: [String: [String]] = [:]
        for user in users {
            let local = NameMapping.substituted(user.userName)
            if NameMapping.isValidLocalName(local) { namesByLocal[local, default: []].append(user.userName) }
        }
        var accounts: [DesiredState.Account] = []
        for user in users where view.authorized.contains(user.userName) {
            let local: String
            switch NameMapping.mapping(forIAMName: user.userName) {
            case .success(let mapped):
                local = mapped
            case .failure(.notReversible(let mapped, _)) where (namesByLocal[mapped]?.count ?? 0) > 1:
                local = mapped
            case .failure(let refusal):
                skipped.append(refused(user.userName, refusal))
                continue
            }
            if let names = namesByLocal[local], names.count > 1 {
                let others = names.filter { $0 != user.userName }.joined(separator: ", ")
                skipped.append(
                    .init(
                        iamUserName: user.userName, localName: local, reason: .collision,
                        message: "IAM user \(user.userName) maps to local name \(local) like IAM user \(others); "
                            + "none of them is imported until the names differ"))
                continue
            }
            if let expiry = expirySkip(user: user, localName: local, policy: policy, now: now) {
                skipped.append(expiry)
                continue
            }
            accounts.append(
                .init(
                    localName: local, iamUserName: user.userName, iamUserID: user.userID,
                    sudo: view.sudo.contains(user.userName),
                    groups: groups(for: user.userName, view: view, policy: policy)))
        }
        accounts.sort { $0.localName < $1.localName }
        skipped.sort { ($0.iamUserName, $0.reason.rawValue) < ($1.iamUserName, $1.reason.rawValue) }
        return DesiredState(accounts: accounts, skipped: skipped, uncertainty: view.effectiveUncertainty)
    }

    private static func groups(for userName: String, view: IAMView, policy: SyncPolicy) -> [String] {
        var groups = Set(policy.localGroups.filter { !$0.isEmpty })
        for mapping in policy.groupMap where view.groupMembers[mapping.iamGroup]?.contains(userName) == true {
            groups.insert(mapping.localGroup)
        }
        return groups.sorted()
    }

    private static func refused(_ userName: String, _ refusal: NameMapping.Refusal) -> DesiredState.Skipped {
        let message = refusal.message(iamUserName: userName)
        switch refusal {
        case .invalidCharacters:
            return .init(iamUserName: userName, localName: nil, reason: .invalidName, message: message)
        case .tooLong:
            return .init(iamUserName: userName, localName: nil, reason: .tooLong, message: message)
        case .unsafe:
            return .init(iamUserName: userName, localName: nil, reason: .unsafeName, message: message)
        case .notReversible(let local, _):
            return .init(iamUserName: userName, localName: local, reason: .notReversible, message: message)
        }
    }

    private static func expirySkip(user: IAMView.User, localName: String, policy: SyncPolicy, now: Date)
        -> DesiredState.Skipped?
    {
        guard let tag = policy.expiryTagName, let value = user.tags[tag] else { return nil }
        switch AccessExpiry.status(ofTagValue: value, now: now) {
        case .valid:
            return nil
        case .expired(let date):
            return .init(
                iamUserName: user.userName, localName: localName, reason: .expired,
                message: "IAM user \(user.userName): access expired at \(date.formatted(.iso8601)) (tag \(tag))")
        case .unparseable:
            return .init(
                iamUserName: user.userName, localName: localName, reason: .unparseableExpiry,
                message: "IAM user \(user.userName): tag \(tag) value \(String(reflecting: value)) is not an "
                    + "ISO-8601 date or date-time with a zone, so access is refused; write it like 2026-12-31 or "
                    + "2026-12-31T18:00:00Z")
        }
    }
}
