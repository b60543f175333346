import AWSCore
import Synchronization
import Testing

/// An IAM endpoint on a script: answers by Action and Marker (from the form body); anything else fails the test.
final class ImportPagedTransport: HTTPTransport {
    /// Answers keyed by `Action`, then `:GroupName` and `@Marker` when the request has them.
    let answers: [String: HTTPResponse]
    private let requests = Mutex<[String]>([])

    init(_ answers: [String: HTTPResponse]) {
        self.answers = answers
    }

    var keys: [String] { requests.withLock { $0 } }

    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        let form = String(decoding: request.body, as: UTF8.self).split(separator: "&").map {
            $0.split(separator: "=", maxSplits: 1).map(String.init)
        }
        let action = form.first { $0.first == "Action" }?.last ?? "?"
        let marker = form.first { $0.first == "Marker" }?.last
        let group = form.first { $0.first == "GroupName" }?.last
        let key = action + (group.map { ":" + $0 } ?? "") + (marker.map { "@" + $0 } ?? "")
        requests.withLock { $0.append(key) }
        guard let answer = answers[key] else {
            Issue.record("unexpected request \(key)")
            throw AWSError.transport(detail: "not scripted: \(key)")
        }
        return answer
    }

    static func xml(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPField("Content-Type", "text/xml")], body: Array(text.utf8))
    }

    static func groupPage(_ group: String, users: [String], marker: String?) -> HTTPResponse {
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

    static let throttling = xml(
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
            + "<RequestId>r</RequestId></ErrorResponse>", status: 400)
}
