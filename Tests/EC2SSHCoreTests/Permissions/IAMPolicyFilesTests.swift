import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The policies shipped in etc/iam/ grant every action `import_users check` knows about, on the resource its
/// statements name, so that a host set up from them passes the check.
@Suite struct IAMPolicyFilesTests {
    /// One IAM policy document; `Action` and `Resource` may be a string or a list.
    struct Policy: Decodable {
        struct Statement: Decodable {
            var effect: String
            var actions: [String]
            var resources: [String]

            enum CodingKeys: String, CodingKey {
                case effect = "Effect"
                case action = "Action"
                case resource = "Resource"
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                effect = try container.decode(String.self, forKey: .effect)
                actions = try Self.strings(container, .action)
                resources = try Self.strings(container, .resource)
            }

            static func strings(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws
                -> [String]
            {
                if let one = try? container.decode(String.self, forKey: key) { return [one] }
                return try container.decode([String].self, forKey: key)
            }
        }
        var version: String
        var statements: [Statement]

        enum CodingKeys: String, CodingKey {
            case version = "Version"
            case statements = "Statement"
        }

        /// Whether an Allow statement grants `action` on `resource` (IAM wildcards `*` in both).
        func allows(_ action: String, on resource: String) -> Bool {
            statements.contains { statement in
                statement.effect == "Allow" && statement.actions.contains { Self.matches($0, action) }
                    && statement.resources.contains { Self.matches($0, resource) }
            }
        }

        /// IAM's `*` wildcard, case-insensitive for actions as IAM does.
        static func matches(_ pattern: String, _ value: String) -> Bool {
            let parts = pattern.lowercased().split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            var rest = Substring(value.lowercased())
            guard let first = parts.first, rest.hasPrefix(first) else { return false }
            rest = rest.dropFirst(first.count)
            for (index, part) in parts.enumerated().dropFirst() {
                if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
                guard let range = rest.firstRange(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
            return rest.isEmpty
        }
    }

    static func policy(_ name: String) throws -> Policy {
        try JSONDecoder().decode(Policy.self, from: Data(bytes(name)))
    }

    /// The bytes of etc/iam/NAME.
    static func bytes(_ name: String) throws -> [UInt8] {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            try #require(url.pathComponents.count > 1, "no Package.swift above \(#filePath)")
            url.deleteLastPathComponent()
        }
        return Array(try Data(contentsOf: url.appendingPathComponent("etc/iam/\(name)")))
    }

    /// A concrete resource the statement `PermissionNeed.statement` names for `action` must cover.
    static func sampleResource(_ action: String, role: String) -> String {
        PermissionNeed.policyResource(for: action, roleARN: role).replacing("*", with: "x")
    }

    static let role = "arn:aws:iam::USERS_ACCOUNT_ID:role/ROLE_NAME"
    static let iamActions = PermissionRequirements.knownActions.filter { $0.hasPrefix("iam:") }

    @Test func theSingleAccountPolicyGrantsEveryActionButAssumeRole() throws {
        let policy = try Self.policy("single-account-policy.json")
        #expect(policy.version == "2012-10-17")
        for action in PermissionRequirements.knownActions
        where action != PermissionRequirements.assumeRole && action != PermissionRequirements.getObject {
            #expect(policy.allows(action, on: Self.sampleResource(action, role: "")), "\(action)")
        }
    }

    @Test func theCrossAccountPoliciesSplitTheActionsBetweenTheRoleAndTheInstance() throws {
        let role = try Self.policy("cross-account-role-policy.json")
        for action in Self.iamActions {
            #expect(role.allows(action, on: Self.sampleResource(action, role: Self.role)), "\(action)")
        }
        let instance = try Self.policy("cross-account-instance-policy.json")
        for action in [PermissionRequirements.assumeRole, PermissionRequirements.describeTags] {
            #expect(instance.allows(action, on: Self.sampleResource(action, role: Self.role)), "\(action)")
        }
        #expect(!instance.allows(PermissionRequirements.listUsers, on: "*"))
    }

    /// Every IAM action `import_users publish` makes (FleetPublisher.DirectoryReader), and the S3 and KMS ones.
    static let publisherIAMActions = [
        "iam:ListUsers", "iam:ListGroups", "iam:GetGroup", "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey",
        "iam:ListUserTags",
    ]
    static let snapshotObject = "arn:aws:s3:::SNAPSHOT_BUCKET/SNAPSHOT_KEY"
    static let snapshotKey = "arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID"

    /// A resource an IAM action of the publisher must be allowed on.
    static func publisherResource(_ action: String) -> String {
        switch action {
        case "iam:GetGroup": return "arn:aws:iam::x:group/x"
        case "iam:ListUsers", "iam:ListGroups": return "*"
        default: return "arn:aws:iam::x:user/x"
        }
    }

    @Test func theFleetPublisherPolicyGrantsTheCompleteReadTheObjectAndTheKeyOnly() throws {
        let policy = try Self.policy("fleet-publisher-policy.json")
        #expect(policy.version == "2012-10-17")
        for action in Self.publisherIAMActions {
            #expect(policy.allows(action, on: Self.publisherResource(action)), "\(action)")
        }
        for action in ["s3:GetObject", "s3:PutObject"] {
            #expect(policy.allows(action, on: Self.snapshotObject), "\(action)")
            #expect(!policy.allows(action, on: "arn:aws:s3:::SNAPSHOT_BUCKET/other"), "\(action) on another key")
        }
        for action in ["kms:Sign", "kms:GetPublicKey"] {
            #expect(policy.allows(action, on: Self.snapshotKey), "\(action)")
            #expect(!policy.allows(action, on: "arn:aws:kms:REGION:ACCOUNT_ID:key/OTHER"), "\(action) on another key")
        }
        #expect(!policy.allows("s3:DeleteObject", on: Self.snapshotObject))
        #expect(!policy.allows("kms:Decrypt", on: Self.snapshotKey))
    }

    @Test func theFleetReaderPolicyGrantsOnlyGetObjectOnTheSnapshot() throws {
        let policy = try Self.policy("fleet-reader-policy.json")
        #expect(policy.allows("s3:GetObject", on: Self.snapshotObject))
        #expect(!policy.allows("s3:GetObject", on: "arn:aws:s3:::SNAPSHOT_BUCKET/other"))
        #expect(!policy.allows("s3:PutObject", on: Self.snapshotObject))
        for action in Self.publisherIAMActions + ["kms:Sign", "kms:GetPublicKey"] {
            #expect(!policy.allows(action, on: "*"), "\(action)")
        }
        #expect(policy.statements.count == 1)
    }

    /// What `import_users check` asks of a fleet reader (without instance tags) is what the reader policy grants,
    /// once its SNAPSHOT_BUCKET/SNAPSHOT_KEY placeholder names the object.
    @Test func theFleetReaderPolicyGrantsWhatTheCheckAsksOfAReader() throws {
        let text = try String(decoding: Self.bytes("fleet-reader-policy.json"), as: UTF8.self)
            .replacing("SNAPSHOT_BUCKET/SNAPSHOT_KEY", with: "fleet-bucket/aws-ec2-ssh/snapshot")
        let policy = try JSONDecoder().decode(Policy.self, from: Data(text.utf8))
        let reader = try Configuration.parse(
            "SNAPSHOT_URL=\"s3://fleet-bucket/aws-ec2-ssh/snapshot\"\nIAM_AUTHORIZED_GROUPS=\"ssh\"", path: "t"
        ).0
        let needs = PermissionRequirements.needs(for: reader)
        #expect(needs.map(\.action) == [PermissionRequirements.getObject])
        for need in needs {
            let resource = PermissionNeed.policyResource(for: need.action, roleARN: "", snapshot: need.subject)
            #expect(resource == "arn:aws:s3:::fleet-bucket/aws-ec2-ssh/snapshot")
            #expect(policy.allows(need.action, on: resource), "\(need.label)")
            #expect(!policy.allows(need.action, on: "arn:aws:s3:::fleet-bucket/other"))
        }
    }

    @Test func theKMSKeyPolicyLetsThePublisherSignAndFetchThePublicKey() throws {
        let policy = try Self.policy("fleet-kms-key-policy.json")
        #expect(policy.allows("kms:Sign", on: "*"))
        #expect(policy.allows("kms:GetPublicKey", on: "*"))
        let text = try String(decoding: Self.bytes("fleet-kms-key-policy.json"), as: UTF8.self)
        #expect(text.contains("\"kms:SigningAlgorithm\": \"ECDSA_SHA_256\""))
        #expect(text.contains("\"kms:MessageType\": \"RAW\""))
        #expect(text.contains("role/PUBLISHER_ROLE"))
    }

    @Test func theMatcherCanFail() {
        #expect(Policy.matches("iam:List*", "iam:ListUsers"))
        #expect(!Policy.matches("iam:List*", "iam:GetGroup"))
        #expect(Policy.matches("arn:aws:iam::*:user/*", "arn:aws:iam::x:user/x"))
        #expect(!Policy.matches("arn:aws:iam::*:user/*", "arn:aws:iam::x:group/x"))
        #expect(!Policy.matches("iam:GetUser", "iam:GetUserPolicy"))
    }
}
