@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// libFuzzer's entry point for the IAM, STS and EC2 response decoders (the body of every response is the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAWSResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    AWSResponseFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the response decoders, checked on one response body.
///
/// - with HTTP 200, each IAM, STS and EC2 operation either returns a value or throws
///   `AWSError.malformedResponse` (a repeated page marker included: the fake serves the same page again);
/// - with an error status, an operation throws `AWSError.service` with a bounded, printable code, message and
///   request id, or `AWSError.httpStatus` with that status; never a value;
/// - dates are finite and within years 0 to 9999; `QueryClient.excerpt` is bounded and printable.
enum AWSResponseFuzz {
    /// The error statuses tried (throttling, access denied, server errors and an unexpected redirect).
    static let errorStatuses = [400, 403, 500, 503, 302]

    /// The actions `run` knows.
    static let actions = [
        "ListUsers", "GetGroup", "ListSSHPublicKeys", "GetSSHPublicKey", "ListGroupsForUser", "ListUserTags", "GetUser",
        "AssumeRole", "GetCallerIdentity", "DescribeTags",
    ]

    /// Checks every invariant on `body`.
    ///
    /// A 2xx body reaches an action's decoder only when its root is `<ActionResponse>`, so only that action is
    /// called with it (signing every request makes each call costly); any other body goes to one action.
    static func check(_ body: [UInt8]) {
        let root = try? XMLReader.parse(body)
        let fallback = actions[body.count % actions.count]
        let matching = actions.filter { root?.name == "\($0)Response" }
        run(HTTPResponse(status: 200, body: body), actions: matching.isEmpty ? [fallback] : matching) { outcome in
            if case .failure(let error) = outcome {
                guard case .malformedResponse(let detail) = error else {
                    fuzzRequire(false, "HTTP 200 gave \(error)")
                    return
                }
                fuzzRequire(!detail.isEmpty, "malformedResponse without a detail")
            }
        }
        let status = errorStatuses[body.count % errorStatuses.count]
        let error = HTTPResponse(status: status, headers: [HTTPField("Content-Type", "text/xml")], body: body)
        run(error, actions: [fallback]) { outcome in
            switch outcome {
            case .success:
                fuzzRequire(false, "HTTP \(status) gave a value")
            case .failure(.service(let code, let message, let requestID, let errorStatus)):
                fuzzRequire(errorStatus == status, "service error with status \(errorStatus), not \(status)")
                fuzzRequire(!code.isEmpty, "service error without a code")
                checkExcerpt(code, limit: 100)
                checkExcerpt(message, limit: 500)
                if let requestID { checkExcerpt(requestID, limit: 100) }
            case .failure(.httpStatus(let errorStatus, _)):
                fuzzRequire(errorStatus == status, "httpStatus \(errorStatus), not \(status)")
            case .failure(let error):
                fuzzRequire(false, "HTTP \(status) gave \(error)")
            }
        }
        checkExcerpt(QueryClient.excerpt(body, limit: 160), limit: 160)
        if let date = ISO8601.date(from: String(decoding: body, as: UTF8.self)) {
            checkDate(date)
        }
    }

    /// Calls the operations named in `actions` with `response` and hands each outcome to `verify`.
    static func run(_ response: HTTPResponse, actions: [String], verify: (Result<Void, AWSError>) -> Void) {
        let iam = IAMClient(query: .fuzz(response, signingName: "iam", apiVersion: IAMClient.apiVersion))
        let sts = STSClient(query: .fuzz(response, signingName: "sts", apiVersion: STSClient.apiVersion))
        let ec2 = EC2Client(query: .fuzz(response, signingName: "ec2", apiVersion: EC2Client.apiVersion))
        // Each operation returns the dates it decoded.
        let operations: [(String, () throws -> [Date])] = [
            ("ListUsers", { try iam.listUsers().compactMap(\.createDate) }),
            ("GetGroup", { try iam.getGroup("admins").users.compactMap(\.createDate) }),
            ("ListSSHPublicKeys", { try iam.listSSHPublicKeys(userName: "alice").map(\.uploadDate) }),
            (
                "GetSSHPublicKey",
                {
                    let key = try iam.getSSHPublicKey(userName: "alice", keyID: "APKA1")
                    return [key.uploadDate]
                }
            ),
            (
                "ListGroupsForUser",
                {
                    _ = try iam.listGroupsForUser(userName: "alice")
                    return []
                }
            ),
            (
                "ListUserTags",
                {
                    _ = try iam.listUserTags(userName: "alice")
                    return []
                }
            ),
            ("GetUser", { try iam.getUser(userName: "alice").createDate.map { [$0] } ?? [] }),
            (
                "AssumeRole",
                {
                    let role = try sts.assumeRole(
                        roleARN: "arn:aws:iam::123456789012:role/r", sessionName: "s", durationSeconds: nil)
                    fuzzRequire(role.credentials.expiration != nil, "AssumeRole credentials without expiry")
                    return role.credentials.expiration.map { [$0] } ?? []
                }
            ),
            (
                "GetCallerIdentity",
                {
                    _ = try sts.getCallerIdentity()
                    return []
                }
            ),
            (
                "DescribeTags",
                {
                    _ = try ec2.describeTags(resourceID: "i-0123456789abcdef0", key: "k")
                    return []
                }
            ),
        ]
        fuzzRequire(operations.map(\.0) == AWSResponseFuzz.actions, "the action list and the operations differ")
        for (name, operation) in operations where actions.contains(name) {
            do {
                for date in try operation() { checkDate(date) }
                verify(.success(()))
            } catch let error as AWSError {
                verify(.failure(error))
            } catch {
                fuzzUnexpected(error, from: name)
            }
        }
    }

    /// `date` is finite and between the years 0 and 9999.
    static func checkDate(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        fuzzRequire(seconds.isFinite, "date \(seconds) is not finite")
        fuzzRequire(seconds >= -62_167_219_200 - 86_400 && seconds < 253_402_300_800 + 86_400, "date \(seconds)")
    }

    /// `text` has no control character and at most `limit` characters plus a `...` mark.
    static func checkExcerpt(_ text: String, limit: Int) {
        fuzzRequire(
            !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) },
            "excerpt \(String(reflecting: text)) holds a control character")
        fuzzRequire(text.unicodeScalars.count <= limit + 3, "excerpt of \(text.unicodeScalars.count) > \(limit)")
    }
}
