/// What `import_users check` found: each needed action with the answer AWS gave, as text or JSON.
///
/// The JSON shape is versioned like `PlanReport` (`"format": 1`, fields only ever added) and documented in
/// README.md.
public struct PermissionReport: Sendable, Equatable {
    /// The version of the JSON document's shape.
    public static let format = 1

    /// The answer to one call.
    public enum Status: Sendable, Equatable {
        /// AWS allowed the call; `note` says what else the answer showed (for example a group that does not exist).
        case allowed(note: String?)
        /// AWS refused it for lack of permission (`AccessDenied`, `UnauthorizedOperation`).
        case denied(code: String, message: String)
        /// The call failed otherwise (network, timeout, throttling, 5xx, credentials), so the permission is unknown.
        case error(String)
        /// The call was not made; says why (for example `sts:AssumeRole` failed first).
        case skipped(String)

        /// `allowed`, `denied`, `error` or `skipped`.
        public var name: String {
            switch self {
            case .allowed: return "allowed"
            case .denied: return "denied"
            case .error: return "error"
            case .skipped: return "skipped"
            }
        }
    }

    /// One checked action.
    public struct Result: Sendable, Equatable {
        /// What was checked.
        public var need: PermissionNeed
        /// What AWS said.
        public var status: Status

        /// Creates a result.
        public init(need: PermissionNeed, status: Status) {
            self.need = need
            self.status = status
        }
    }

    /// The overall answer.
    public enum Verdict: String, Sendable, Equatable {
        /// Every action was allowed.
        case allowed
        /// At least one action was denied.
        case denied
        /// Nothing was denied, but at least one action could not be checked.
        case incomplete
    }

    /// The results, in the order checked.
    public var results: [Result]
    /// ASSUMEROLE (empty when not set), the resource of `sts:AssumeRole` and the role the IAM statements go to.
    public var roleARN: String

    /// Creates a report.
    public init(results: [Result], roleARN: String) {
        self.results = results
        self.roleARN = roleARN
    }

    /// Denied wins over errors: a denial is certain and says what to grant.
    public var verdict: Verdict {
        if results.contains(where: { $0.status.name == "denied" }) { return .denied }
        if results.contains(where: { $0.status.name != "allowed" }) { return .incomplete }
        return .allowed
    }

    /// The denied actions, each once, in the order checked.
    public var missingActions: [String] {
        var actions: [String] = []
        for result in results where result.status.name == "denied" && !actions.contains(result.need.action) {
            actions.append(result.need.action)
        }
        return actions
    }

    /// The denied actions whose calls are made with `principal`'s credentials.
    func missingActions(of principal: PermissionNeed.Principal) -> [String] {
        missingActions.filter { action in
            results.contains { $0.need.action == action && $0.need.principal == principal }
        }
    }

    /// The SNAPSHOT_URL the `s3:GetObject` check was made on (the resource of its statement), if any.
    var snapshot: String? {
        results.first { $0.need.action == PermissionRequirements.getObject }?.need.subject
    }

    /// Which policy a statement for `principal` belongs in, for the text output.
    func policyOwner(_ principal: PermissionNeed.Principal) -> String {
        switch principal {
        case .host: return "the host's own credentials (its instance role)"
        case .assumedRole: return "the role \(roleARN) (ASSUMEROLE)"
        }
    }

    /// One line for the log: the verdict and what is missing.
    public var summaryLine: String {
        switch verdict {
        case .allowed: return "check: all \(results.count) AWS actions this configuration needs are allowed"
        case .denied:
            return "check: denied: \(missingActions.joined(separator: ", ")); add them to the IAM policy "
                + "(the statements to add are on standard output; etc/iam/ holds the complete policies)"
        case .incomplete:
            let failed = results.filter { $0.status.name != "allowed" }.map(\.need.label)
            return "check: could not check \(failed.joined(separator: ", ")); fix the errors shown and run again"
        }
    }

    /// The report for people: one line per action, then what to add to which policy.
    public func renderText() -> String {
        var lines = ["AWS permissions this configuration needs:"]
        let width = results.map(\.need.label.count).max() ?? 0
        for result in results {
            let state = result.status.name == "denied" ? "DENIED" : result.status.name
            var line = "  \(Self.pad(state, 9))\(Self.pad(result.need.label, width))  "
            line += "(\(result.need.neededBy.joined(separator: ", ")): \(result.need.reason))"
            lines.append(line)
            switch result.status {
            case .allowed(let note?): lines.append("           note: \(note)")
            case .allowed: break
            case .denied(let code, let message): lines.append("           \(code): \(message)")
            case .error(let detail): lines.append("           could not check: \(detail)")
            case .skipped(let why): lines.append("           not checked: \(why)")
            }
        }
        for principal in [PermissionNeed.Principal.host, .assumedRole] {
            let actions = missingActions(of: principal)
            guard !actions.isEmpty else { continue }
            lines.append("")
            lines.append("Missing: \(actions.joined(separator: ", ")). Add to the policy of \(policyOwner(principal)):")
            lines.append(
                contentsOf: PermissionNeed.policy(for: actions, roleARN: roleARN, snapshot: snapshot).text().split(
                    separator: "\n"
                ).map {
                    "  " + $0
                })
        }
        lines.append("")
        switch verdict {
        case .allowed: lines.append("All \(results.count) actions are allowed.")
        case .denied:
            lines.append(
                "\(missingActions.count) action(s) denied: logins or imports will fail until the policy grants them.")
        case .incomplete:
            lines.append("Nothing was denied, but some actions could not be checked; fix the errors and run again.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` followed by spaces up to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// The `--json` document.
    public func json() -> JSONValue {
        let checks = results.map { result -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("action", .string(result.need.action)), ("subject", .optional(result.need.subject)),
                ("neededBy", .array(result.need.neededBy.map(JSONValue.string))),
                ("reason", .string(result.need.reason)),
                ("credentials", .string(result.need.principal.rawValue)),
                ("result", .string(result.status.name)),
            ]
            switch result.status {
            case .allowed(let note): members += [("code", .null), ("message", .optional(note))]
            case .denied(let code, let message): members += [("code", .string(code)), ("message", .string(message))]
            case .error(let detail), .skipped(let detail): members += [("code", .null), ("message", .string(detail))]
            }
            let statement =
                result.status.name == "denied"
                ? PermissionNeed.statement(for: result.need.action, roleARN: roleARN, snapshot: snapshot) : .null
            members.append(("statement", statement))
            return .object(members)
        }
        func count(_ name: String) -> JSONValue { .int(results.count { $0.status.name == name }) }
        return .object([
            ("format", .int(Self.format)),
            ("mode", .string("check")),
            ("result", .string(verdict.rawValue)),
            ("checks", .array(checks)),
            ("missingActions", .array(missingActions.map(JSONValue.string))),
            (
                "policies",
                .object(
                    [PermissionNeed.Principal.host, .assumedRole].compactMap { principal in
                        let actions = missingActions(of: principal)
                        guard !actions.isEmpty else { return nil }
                        return (
                            principal.rawValue,
                            PermissionNeed.policy(for: actions, roleARN: roleARN, snapshot: snapshot)
                        )
                    })
            ),
            (
                "summary",
                .object([
                    ("checks", .int(results.count)), ("allowed", count("allowed")), ("denied", count("denied")),
                    ("errors", count("error")), ("skipped", count("skipped")),
                ])
            ),
        ])
    }
}
