/// The EC2 operation aws-ec2-ssh needs: `DescribeTags` of this instance, following `NextToken` to the end.
public struct EC2Client: Sendable {
    /// The EC2 API version the `QueryClient` must be created with.
    public static let apiVersion = "2016-11-15"
    /// The `MaxResults` asked for on each page (the `DescribeTags` maximum).
    public static let pageSize = 1_000
    /// A bound on pages per listing, so that a misbehaving endpoint cannot keep a call going forever.
    public static let maxPages = 10_000

    /// The Query-protocol client for the EC2 endpoint of the instance's region.
    public let query: QueryClient

    /// Creates the client; `query` should use `EC2Client.apiVersion` and the regional EC2 endpoint.
    public init(query: QueryClient) {
        self.query = query
    }

    /// The tags of resource `resourceID` (`DescribeTags`), only those named `key` when it is given.
    ///
    /// Filters with `Filter.1.Name=resource-id` and, for a key, `Filter.2.Name=key`; every page is fetched and
    /// any failed or malformed page fails the whole call.
    public func describeTags(resourceID: String, key: String? = nil) throws -> [EC2Tag] {
        var filters = [("Filter.1.Name", "resource-id"), ("Filter.1.Value.1", resourceID)]
        if let key { filters += [("Filter.2.Name", "key"), ("Filter.2.Value.1", key)] }
        var tags: [EC2Tag] = []
        var token: String?
        var seen: Set<String> = []
        for _ in 0..<EC2Client.maxPages {
            var parameters = filters + [("MaxResults", String(EC2Client.pageSize))]
            if let token { parameters.append(("NextToken", token)) }
            let result = try query.call("DescribeTags", parameters)
            let next = try QueryClient.decoding("ec2:DescribeTags") { () throws -> String? in
                tags += try result.required("tagSet").children("item").map { item in
                    EC2Tag(
                        resourceID: try item.requiredText(of: "resourceId"),
                        key: try item.requiredText(of: "key"),
                        value: try item.requiredText(of: "value"))
                }
                return result.text(of: "nextToken")
            }
            guard let next, !next.isEmpty else { return tags }
            guard seen.insert(next).inserted else {
                throw AWSError.malformedResponse(
                    detail: "ec2:DescribeTags: EC2 returned the same nextToken twice; the listing would never end")
            }
            token = next
        }
        throw AWSError.malformedResponse(
            detail: "ec2:DescribeTags: more than \(EC2Client.maxPages) pages; refusing to continue")
    }
}

/// One EC2 resource tag.
public struct EC2Tag: Sendable, Equatable {
    /// The resource the tag is on, for example `i-0123456789abcdef0`.
    public var resourceID: String
    /// The tag key.
    public var key: String
    /// The tag value (may be empty).
    public var value: String

    /// Creates a tag value.
    public init(resourceID: String, key: String, value: String) {
        self.resourceID = resourceID
        self.key = key
        self.value = value
    }
}
