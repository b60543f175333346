/// The `--json` document of import_users: the plan, and in a real run what became of each action.
///
/// The shape is versioned (`"format": 1`) and documented in README.md; fields are only ever added within a
/// format. Internal data (the states the executor persists) is not part of it.
public struct PlanReport: Sendable, Equatable {
    /// The version of the document's shape.
    public static let format = 1

    /// The plan.
    public var plan: SyncPlan
    /// What became of each action in a real run; `nil` for `--dry-run` (every action is then `planned`).
    public var outcomes: ActionOutcomes?

    /// A report of `plan`, with `outcomes` for a real run.
    public init(plan: SyncPlan, outcomes: ActionOutcomes?) {
        self.plan = plan
        self.outcomes = outcomes
    }

    /// The whole document.
    public func json() -> JSONValue {
        let actions = plan.actions.enumerated().map { index, action in
            Self.json(action, outcome: outcomes.map { $0[index] })
        }
        let errors = plan.notices.count { $0.severity == .error }
        var summary: [(String, JSONValue)] = [("actions", .int(plan.actions.count))]
        if let outcomes {
            summary += [
                ("applied", .int(outcomes.appliedCount)), ("failed", .int(outcomes.failedCount)),
                ("skipped", .int(outcomes.skippedCount)),
            ]
        }
        summary += [
            ("conflicts", .int(plan.conflicts.count)), ("skippedUsers", .int(plan.skipped.count)),
            ("errors", .int(errors)),
        ]
        return .object([
            ("format", .int(Self.format)),
            ("mode", .string(outcomes == nil ? "dry-run" : "apply")),
            ("complete", .bool(plan.complete)),
            ("actions", .array(actions)),
            (
                "conflicts",
                .array(
                    plan.conflicts.map {
                        .object([
                            ("localName", .string($0.localName)), ("iamUserName", .optional($0.iamUserName)),
                            ("message", .string($0.message)),
                        ])
                    })
            ),
            (
                "skippedUsers",
                .array(
                    plan.skipped.map {
                        .object([
                            ("iamUserName", .string($0.iamUserName)), ("localName", .optional($0.localName)),
                            ("reason", .string($0.reason.rawValue)), ("message", .string($0.message)),
                        ])
                    })
            ),
            (
                "notices",
                .array(
                    plan.notices.map {
                        .object([
                            ("severity", .string($0.severity.rawValue)), ("kind", .string($0.kind.rawValue)),
                            ("subject", .optional($0.subject)), ("message", .string($0.message)),
                        ])
                    })
            ),
            ("summary", .object(summary)),
        ])
    }

    /// One action as an object: `type`, its fields, `summary`, and `result` (with `message` when it failed).
    static func json(_ action: SyncPlan.Action, outcome: ActionOutcomes.Outcome?) -> JSONValue {
        var members: [(String, JSONValue)]
        switch action {
        case .createGroup(let name):
            members = [("type", .string("createGroup")), ("group", .string(name))]
        case .createUser(let localName, let iamUserName, let uid, let groups):
            members = [
                ("type", .string("createUser")), ("localName", .string(localName)),
                ("iamUserName", .string(iamUserName)), ("uid", uid.map { .int(Int($0)) } ?? .null),
                ("groups", .array(groups.map(JSONValue.string))),
            ]
        case .addToGroups(let localName, let groups):
            members = [
                ("type", .string("addToGroups")), ("localName", .string(localName)),
                ("groups", .array(groups.map(JSONValue.string))),
            ]
        case .removeFromGroups(let localName, let groups):
            members = [
                ("type", .string("removeFromGroups")), ("localName", .string(localName)),
                ("groups", .array(groups.map(JSONValue.string))),
            ]
        case .writeSudoers(let localName, let fileName, let content):
            members = [
                ("type", .string("writeSudoers")), ("localName", .string(localName)),
                ("sudoersFile", .string(fileName)), ("content", .string(content)),
            ]
        case .removeSudoers(let localName, let fileName):
            members = [
                ("type", .string("removeSudoers")), ("localName", .string(localName)),
                ("sudoersFile", .string(fileName)),
            ]
        case .removeLegacySudoers(let localName, let fileName):
            members = [
                ("type", .string("removeLegacySudoers")), ("localName", .string(localName)),
                ("sudoersFile", .string(fileName)),
            ]
        case .deleteUser(let localName, let iamUserName, let fileName):
            members = [
                ("type", .string("deleteUser")), ("localName", .string(localName)),
                ("iamUserName", .string(iamUserName)), ("sudoersFile", .string(fileName)),
            ]
        case .lockUser(let localName):
            members = [("type", .string("lockUser")), ("localName", .string(localName))]
        case .unlockUser(let localName):
            members = [("type", .string("unlockUser")), ("localName", .string(localName))]
        }
        members.append(("summary", .string(action.summary)))
        switch outcome {
        case nil: members.append(("result", .string("planned")))
        case .applied: members.append(("result", .string("applied")))
        case .skipped: members.append(("result", .string("skipped")))
        case .failed(let message): members += [("result", .string("failed")), ("message", .string(message))]
        }
        return .object(members)
    }
}
