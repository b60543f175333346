package import AWSCore

/// Hand-written IAM Query responses for tests that script a transport.
package enum IAMResponses {
    /// A response with XML `text` and `status`.
    package static func xml(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPField("Content-Type", "text/xml")], body: Array(text.utf8))
    }

    /// One page of GetGroup for `group` listing `users`; a `marker` says more pages follow.
    package static func groupPage(_ group: String, users: [String], marker: String?) -> HTTPResponse {
        let members = users.map { name in
            "<member><Path>/</Path><UserName>\(name)</UserName><UserId>AIDA\(name)</UserId>"
                + "<Arn>arn:aws:iam::1:user/\(name)</Arn><CreateDate>2026-01-02T03:04:05Z</CreateDate></member>"
        }.joined()
        let truncation =
            marker.map { "<IsTruncated>true</IsTruncated><Marker>\($0)</Marker>" }
            ?? "<IsTruncated>false</IsTruncated>"
        return xml(
            "<GetGroupResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetGroupResult><Group><Path>/</Path>"
                + "<GroupName>\(group)</GroupName><GroupId>AGPA\(group)</GroupId><Arn>arn:aws:iam::1:group/\(group)</Arn>"
                + "<CreateDate>2025-12-01T00:00:00Z</CreateDate></Group><Users>\(members)</Users>\(truncation)"
                + "</GetGroupResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetGroupResponse>")
    }

    /// An IAM Throttling error (HTTP 400).
    package static let throttling = xml(
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
            + "<RequestId>r</RequestId></ErrorResponse>", status: 400)
}
