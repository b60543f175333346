import AWSCore
public import EC2SSHCore
import EC2SSHShared
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads IAM (and the instance tags naming IAM groups) into an `IAMView`, keeping whatever it could read.
///
/// Each failed or partial read is recorded in `IAMView.failedReads`, which makes the view incomplete, and in
/// `IAMView.uncertainty`, which says what it leaves unknown, so that the planner holds back exactly the changes the
/// failed read could affect: a failed authorized group any lock or deletion, a failed sudoers group (or sudoers
/// tag) the sudo of users no group that was read lists, a failed LOCAL_GROUP_MAP group the memberships it grants,
/// a failed expiry-tag read that user's lock or deletion. A group IAM says does not exist (`NoSuchEntity`) is read
/// as a group without members and logged as a warning. Only when nothing is known about who may log in
/// (`ListUsers` failed while all users are wanted, every authorized group failed, or the authorized-groups tag
/// cannot be read) does `read()` throw `ImportError.iamUnreadable`.
public struct IAMReader: Sendable {
    /// What was read.
    public struct Result: Sendable, Equatable {
        /// The view for the planner.
        public var view: IAMView
        /// What the managed-users index takes from this read: the ARN of every IAM user listed (`ListUsers` or
        /// `GetGroup` of an authorized group), the users whose tags were read (`nil` without ACCESS_EXPIRY_TAG)
        /// and the access expiries parsed from the expiry tag, by IAM user name.
        public var observed: ManagedUsersIndex.Observations
        /// The configured IAM groups that do not exist (`NoSuchEntity`), read as groups without members.
        public var missingGroups: [String] = []
    }

    /// The IAM groups and tags to read, taken from the configuration.
    public struct Request: Sendable, Equatable {
        /// IAM_AUTHORIZED_GROUPS (empty: all IAM users).
        public var authorizedGroups: [String]
        /// IAM_AUTHORIZED_GROUPS_TAG (empty: not used).
        public var authorizedGroupsTag: String
        /// SUDOERS_GROUPS (SUDOERSGROUP already folded in).
        public var sudoersGroups: [String]
        /// SUDOERS_GROUPS_TAG (empty: not used).
        public var sudoersGroupsTag: String
        /// The IAM groups named in LOCAL_GROUP_MAP.
        public var mappedGroups: [String]
        /// ACCESS_EXPIRY_TAG (empty: not used).
        public var expiryTag: String

        /// The request `configuration` makes.
        public init(configuration: Configuration) {
            authorizedGroups = configuration.iamAuthorizedGroups
            authorizedGroupsTag = configuration.iamAuthorizedGroupsTag
            sudoersGroups = configuration.sudoersGroups
            sudoersGroupsTag = configuration.sudoersGroupsTag
            mappedGroups = configuration.localGroupMap.keys.sorted()
            expiryTag = configuration.accessExpiryTag
        }
    }

    /// How many users' tags (ACCESS_EXPIRY_TAG) are read at once by default.
    public static let defaultConcurrentTagReads = 8

    private let source: any AWSReading
    private let request: Request
    private let logger: Logger
    private let concurrentTagReads: Int

    /// Creates a reader of `request` from `source`, logging each failed read to `logger`; up to
    /// `concurrentTagReads` users' tags are read at once.
    public init(
        source: any AWSReading, request: Request, logger: Logger,
        concurrentTagReads: Int = Self.defaultConcurrentTagReads
    ) {
        self.source = source
        self.request = request
        self.logger = logger
        self.concurrentTagReads = max(1, concurrentTagReads)
    }

    /// Reads everything the request names; throws `ImportError.iamUnreadable` only when nothing is known.
    public func read() throws(ImportError) -> Result {
        var session = IAMReadSession(source: source, logger: logger)
        var authorizedGroups = request.authorizedGroups
        if !request.authorizedGroupsTag.isEmpty {
            switch session.instanceTagList(request.authorizedGroupsTag) {
            case .success(let groups): authorizedGroups = groups
            case .failure(let failure):
                throw ImportError.iamUnreadable(
                    reads: [failure.text], advice: session.advice ?? AWSFailureAdvice.generic)
            }
        }
        var users: [String: IAMView.User] = [:]
        var arns: [String: String] = [:]
        var authorizedNames: Set<String> = []
        var authorizesEveryone = authorizedGroups.isEmpty
        var uncertainty = ReadUncertainty.none
        if authorizesEveryone {
            do {
                for user in try source.listUsers() where users[user.userName] == nil {
                    users[user.userName] = IAMView.User(userName: user.userName, userID: user.userID)
                    if !user.arn.isEmpty { arns[user.userName] = user.arn }
                }
            } catch {
                throw ImportError.iamUnreadable(
                    reads: ["ListUsers: \(error)"], advice: AWSFailureAdvice.advice(for: error))
            }
        } else {
            var anyRead = false
            for group in authorizedGroups {
                guard let members = session.group(group) else {
                    uncertainty.authorization = .all
                    continue
                }
                anyRead = true
                for user in members.users where users[user.userName] == nil {
                    users[user.userName] = IAMView.User(userName: user.userName, userID: user.userID)
                    if !user.arn.isEmpty { arns[user.userName] = user.arn }
                }
                authorizedNames.formUnion(members.users.map(\.userName))
            }
            guard anyRead else {
                throw ImportError.iamUnreadable(
                    reads: session.failedReads, advice: session.advice ?? AWSFailureAdvice.generic)
            }
        }
        let (sudo, sudoersGroups) = readSudo(&session, uncertainty: &uncertainty)
        var groupMembers: [String: Set<String>] = [:]
        var unreadGroups: Set<String> = []
        for group in request.mappedGroups {
            if let members = session.group(group) {
                groupMembers[group] = Set(members.users.map(\.userName))
            } else {
                unreadGroups.insert(group)
            }
        }
        if !unreadGroups.isEmpty { uncertainty.groups = .members(unreadGroups) }
        var expiries: [String: Date] = [:]
        var tagsRead: Set<String> = []
        if !request.expiryTag.isEmpty {
            var unreadable: Set<String> = []
            let names = users.keys.sorted().filter { authorizesEveryone || authorizedNames.contains($0) }
            let read = session.userTags(names, maxConcurrent: concurrentTagReads)
            for name in names {
                guard let tags = read[name] ?? nil else {
                    unreadable.insert(name)
                    continue
                }
                tagsRead.insert(name)
                if let value = tags.last(where: { $0.key == request.expiryTag })?.value {
                    users[name]?.tags[request.expiryTag] = value
                    expiries[name] = AccessExpiry.parse(value)
                }
            }
            if !unreadable.isEmpty {
                // Fail closed: a user whose expiry cannot be read gets no new account this run.
                if authorizesEveryone { authorizedNames = Set(users.keys) }
                authorizesEveryone = false
                authorizedNames.subtract(unreadable)
                if case .members(let names) = uncertainty.authorization {
                    uncertainty.authorization = .members(names.union(unreadable))
                }
            }
        }
        let view = IAMView(
            users: users.values.sorted { $0.userName < $1.userName },
            authorized: authorizesEveryone ? .all : .members(authorizedNames), sudo: sudo,
            groupMembers: groupMembers, complete: session.failedReads.isEmpty, failedReads: session.failedReads,
            uncertainty: session.failedReads.isEmpty ? .none : uncertainty)
        for group in session.missingGroups {
            logger.warning(
                "\(missingGroupWarning(group, authorizedGroups: authorizedGroups, sudoersGroups: sudoersGroups))")
        }
        let observed = ManagedUsersIndex.Observations(
            arns: arns, tagsRead: request.expiryTag.isEmpty ? nil : tagsRead, accessExpiries: expiries)
        return Result(view: view, observed: observed, missingGroups: session.missingGroups)
    }

    /// Who gets sudo, and the sudoers groups used; records in `uncertainty` when a failed read leaves sudo unknown
    /// for users no group that was read lists.
    private func readSudo(_ session: inout IAMReadSession, uncertainty: inout ReadUncertainty)
        -> (IAMView.Selection, [String])
    {
        var groups = request.sudoersGroups
        if !request.sudoersGroupsTag.isEmpty {
            switch session.instanceTagList(request.sudoersGroupsTag) {
            case .success(let list): groups = list
            case .failure:
                uncertainty.sudo = .all
                return (.members([]), [])
            }
        }
        if groups.contains(Configuration.everyoneSudoersGroup) { return (.all, groups) }
        var members: Set<String> = []
        for group in groups {
            if let read = session.group(group) {
                members.formUnion(read.users.map(\.userName))
            } else {
                uncertainty.sudo = .all
            }
        }
        return (.members(members), groups)
    }

    /// The warning for a configured IAM group that does not exist: which settings name it and what to do.
    private func missingGroupWarning(_ group: String, authorizedGroups: [String], sudoersGroups: [String])
        -> String
    {
        func setting(_ key: String, tag: String) -> String {
            tag.isEmpty ? key : "the instance tag \(tag) (\(key)_TAG)"
        }
        var settings: [String] = []
        if authorizedGroups.contains(group) {
            settings.append(setting("IAM_AUTHORIZED_GROUPS", tag: request.authorizedGroupsTag))
        }
        if sudoersGroups.contains(group) { settings.append(setting("SUDOERS_GROUPS", tag: request.sudoersGroupsTag)) }
        if request.mappedGroups.contains(group) { settings.append("LOCAL_GROUP_MAP") }
        let named = settings.isEmpty ? "the configuration" : settings.joined(separator: ", ")
        return "IAM group \(group) does not exist (GetGroup: NoSuchEntity): it is read as a group without members, "
            + "so nobody gets an account, sudo or a local group through it, and what it gave is revoked; if it was "
            + "deleted by mistake, create the group again in IAM with its members, otherwise remove it from \(named)"
    }
}
