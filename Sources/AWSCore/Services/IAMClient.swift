/// The IAM operations aws-ec2-ssh needs, each following `IsTruncated`/`Marker` pagination to the end.
///
/// A list is returned only when every page arrived and decoded: a failed page, `IsTruncated=true` without a
/// `Marker`, a repeated `Marker` or a missing required element throws, never yields a shorter list.
public struct IAMClient: Sendable {
    /// The IAM API version the `QueryClient` must be created with.
    public static let apiVersion = "2010-05-08"
    /// The `MaxItems` asked for on each page (the IAM maximum).
    public static let pageSize = 1_000
    /// A bound on pages per listing, so that a misbehaving endpoint cannot keep a call going forever.
    public static let maxPages = 10_000

    /// The Query-protocol client for the IAM endpoint.
    public let query: QueryClient

    /// Creates the client; `query` should use `IAMClient.apiVersion` and the IAM endpoint.
    public init(query: QueryClient) {
        self.query = query
    }

    /// All IAM users of the account (`ListUsers`, every page).
    public func listUsers() throws -> [IAMUser] {
        var users: [IAMUser] = []
        try paginate("ListUsers", []) { result in
            users += try result.required("Users").children("member").map(IAMClient.user)
        }
        return users
    }

    /// All IAM groups of the account, without members (`ListGroups`, every page).
    public func listGroups() throws -> [IAMGroup] {
        var groups: [IAMGroup] = []
        try paginate("ListGroups", []) { result in
            groups += try result.required("Groups").children("member").map(IAMClient.group)
        }
        return groups
    }

    /// The group `name` and all its member users (`GetGroup`, every page).
    public func getGroup(_ name: String) throws -> IAMGroupMembers {
        var group: IAMGroup?
        var users: [IAMUser] = []
        try paginate("GetGroup", [("GroupName", name)]) { result in
            let pageGroup = try IAMClient.group(result.required("Group"))
            if let group, group != pageGroup {
                throw AWSError.malformedResponse(
                    detail: "pages describe different groups (\(group.groupName), \(pageGroup.groupName))")
            }
            group = pageGroup
            users += try result.required("Users").children("member").map(IAMClient.user)
        }
        guard let group else {
            throw AWSError.malformedResponse(detail: "iam:GetGroup: no page described group \(name)")
        }
        return IAMGroupMembers(group: group, users: users)
    }

    /// The SSH public keys of `userName`, without bodies (`ListSSHPublicKeys`, every page).
    public func listSSHPublicKeys(userName: String) throws -> [SSHPublicKeyMetadata] {
        var keys: [SSHPublicKeyMetadata] = []
        try paginate("ListSSHPublicKeys", [("UserName", userName)]) { result in
            keys += try result.required("SSHPublicKeys").children("member").map { member in
                SSHPublicKeyMetadata(
                    userName: try member.requiredText(of: "UserName"),
                    keyID: try member.requiredText(of: "SSHPublicKeyId"),
                    status: SSHPublicKeyStatus(try member.requiredText(of: "Status")),
                    uploadDate: try member.requiredDate(of: "UploadDate"))
            }
        }
        return keys
    }

    /// One SSH public key of `userName` in OpenSSH format (`GetSSHPublicKey` with `Encoding=SSH`).
    public func getSSHPublicKey(userName: String, keyID: String) throws -> SSHPublicKey {
        let result = try query.call(
            "GetSSHPublicKey", [("UserName", userName), ("SSHPublicKeyId", keyID), ("Encoding", "SSH")])
        return try QueryClient.decoding("iam:GetSSHPublicKey") {
            let key = try result.required("SSHPublicKey")
            return SSHPublicKey(
                userName: try key.requiredText(of: "UserName"),
                keyID: try key.requiredText(of: "SSHPublicKeyId"),
                fingerprint: try key.requiredText(of: "Fingerprint"),
                body: try key.requiredText(of: "SSHPublicKeyBody"),
                status: SSHPublicKeyStatus(try key.requiredText(of: "Status")),
                uploadDate: try key.requiredDate(of: "UploadDate"))
        }
    }

    /// The groups `userName` belongs to (`ListGroupsForUser`, every page).
    public func listGroupsForUser(userName: String) throws -> [IAMGroup] {
        var groups: [IAMGroup] = []
        try paginate("ListGroupsForUser", [("UserName", userName)]) { result in
            groups += try result.required("Groups").children("member").map(IAMClient.group)
        }
        return groups
    }

    /// The tags of `userName` (`ListUserTags`, every page).
    public func listUserTags(userName: String) throws -> [IAMTag] {
        var tags: [IAMTag] = []
        try paginate("ListUserTags", [("UserName", userName)]) { result in
            tags += try result.required("Tags").children("member").map { member in
                IAMTag(key: try member.requiredText(of: "Key"), value: try member.requiredText(of: "Value"))
            }
        }
        return tags
    }

    /// The IAM user `userName` (`GetUser`).
    public func getUser(userName: String) throws -> IAMUser {
        let result = try query.call("GetUser", [("UserName", userName)])
        return try QueryClient.decoding("iam:GetUser") { try IAMClient.user(result.required("User")) }
    }

    /// Calls `action` page by page with `MaxItems` and `Marker`, handing each result element to `page`.
    func paginate(_ action: String, _ parameters: [(String, String)], _ page: (XMLElement) throws -> Void) throws {
        let operation = "iam:\(action)"
        var marker: String?
        var seen: Set<String> = []
        for _ in 0..<IAMClient.maxPages {
            var pageParameters = parameters + [("MaxItems", String(IAMClient.pageSize))]
            if let marker { pageParameters.append(("Marker", marker)) }
            let result = try query.call(action, pageParameters)
            let next = try QueryClient.decoding(operation) { () throws -> String? in
                try page(result)
                return try IAMClient.nextMarker(result)
            }
            guard let next else { return }
            guard seen.insert(next).inserted else {
                throw AWSError.malformedResponse(
                    detail: "\(operation): IAM returned the same Marker twice; the listing would never end")
            }
            marker = next
        }
        throw AWSError.malformedResponse(
            detail: "\(operation): more than \(IAMClient.maxPages) pages; refusing to continue")
    }

    /// The `Marker` of the next page, or `nil` on the last page.
    ///
    /// `IsTruncated` absent counts as `false` (moto omits it on some operations) unless a `Marker` is present,
    /// which makes the page ambiguous and therefore malformed.
    static func nextMarker(_ result: XMLElement) throws -> String? {
        let marker = result.text(of: "Marker")
        switch result.text(of: "IsTruncated") {
        case "true":
            guard let marker, !marker.isEmpty else {
                throw AWSError.malformedResponse(
                    detail: "\(result.path)/IsTruncated is true but there is no Marker, so the rest of the list "
                        + "cannot be fetched")
            }
            return marker
        case "false":
            return nil
        case nil:
            if let marker, !marker.isEmpty {
                throw AWSError.malformedResponse(
                    detail: "\(result.path) has a Marker but no IsTruncated; cannot tell whether the list is complete")
            }
            return nil
        case let other?:
            throw AWSError.malformedResponse(
                detail: "\(result.path)/IsTruncated is neither true nor false: \(other.prefix(20))")
        }
    }

    static func user(_ element: XMLElement) throws -> IAMUser {
        IAMUser(
            userName: try element.requiredText(of: "UserName"),
            userID: try element.requiredText(of: "UserId"),
            arn: try element.requiredText(of: "Arn"),
            path: try element.requiredText(of: "Path"),
            createDate: try element.optionalDate(of: "CreateDate"))
    }

    static func group(_ element: XMLElement) throws -> IAMGroup {
        IAMGroup(
            groupName: try element.requiredText(of: "GroupName"),
            groupID: try element.requiredText(of: "GroupId"),
            arn: try element.requiredText(of: "Arn"))
    }
}
