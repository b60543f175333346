import AWSCore
import EC2SSH
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads IAM (and the instance tags naming IAM groups) into an `IAMView`, keeping whatever it could read.
///
/// Each failed or partial read is recorded in `IAMView.failedReads`, which makes the view incomplete, so the
/// planner holds back deletions and sudo changes. Only when nothing is known about who may log in
/// (`ListUsers` failed while all users are wanted, every authorized group failed, or the authorized-groups tag
/// cannot be read) does `read()` throw `ImportError.iamUnreadable`.
public struct IAMReader: Sendable {
    /// What was read.
    public struct Result: Sendable, Equatable {
        /// The view for the planner.
        public var view: IAMView
        /// Access expiries parsed from the expiry tag, by IAM user name.
        public var accessExpiries: [String: Date]
        /// The IAM users whose tags were read (so their expiry, or its absence, is known).
        public var tagsRead: Set<String>
        /// The ARN of every IAM user this run listed (`ListUsers` or `GetGroup` of an authorized group), by name.
        public var arns: [String: String] = [:]
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

    private let source: any ImportAWSSource
    private let request: Request
    private let logger: Logger

    /// Creates a reader of `request` from `source`, logging each failed read to `logger`.
    public init(source: any ImportAWSSource, request: Request, logger: Logger) {
        self.source = source
        self.request = request
        self.logger = logger
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
                guard let members = session.group(group) else { continue }
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
        let sudo = readSudo(&session)
        var groupMembers: [String: Set<String>] = [:]
        for group in request.mappedGroups {
            if let members = session.group(group) { groupMembers[group] = Set(members.users.map(\.userName)) }
        }
        var expiries: [String: Date] = [:]
        var tagsRead: Set<String> = []
        if !request.expiryTag.isEmpty {
            var unreadable: Set<String> = []
            for name in users.keys.sorted() where authorizesEveryone || authorizedNames.contains(name) {
                guard let tags = session.userTags(name) else {
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
            }
        }
        let view = IAMView(
            users: users.values.sorted { $0.userName < $1.userName },
            authorized: authorizesEveryone ? .all : .members(authorizedNames), sudo: sudo,
            groupMembers: groupMembers, complete: session.failedReads.isEmpty, failedReads: session.failedReads)
        return Result(view: view, accessExpiries: expiries, tagsRead: tagsRead, arns: arns)
    }

    private func readSudo(_ session: inout IAMReadSession) -> IAMView.Selection {
        var groups = request.sudoersGroups
        if !request.sudoersGroupsTag.isEmpty {
            switch session.instanceTagList(request.sudoersGroupsTag) {
            case .success(let list): groups = list
            case .failure: return .members([])
            }
        }
        if groups.contains(Configuration.everyoneSudoersGroup) { return .all }
        var members: Set<String> = []
        for group in groups {
            if let read = session.group(group) { members.formUnion(read.users.map(\.userName)) }
        }
        return .members(members)
    }
}
