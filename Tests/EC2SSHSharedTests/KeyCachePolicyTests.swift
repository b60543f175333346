import AWSCore
import Testing

@testable import EC2SSHShared
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct KeyCachePolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [
        // ttl, staleMax, age, servesWithoutIAM, servesStale
        (0.0, 86_400.0, 10.0, false, true),
        (60.0, 86_400.0, 59.9, true, true),
        (60.0, 86_400.0, 60.0, false, true),
        (60.0, 0.0, 30.0, true, false),
        (0.0, 3600.0, 3599.0, false, true),
        (0.0, 3600.0, 3600.0, false, false),
        (0.0, 0.0, 1.0, false, false),
        (60.0, 3600.0, -10.0, true, true),  // a little ahead of the clock counts as fresh
        (60.0, 3600.0, -301.0, false, false),  // far in the future: distrusted
    ])
    func freshnessRules(ttl: Double, staleMax: Double, age: Double, withoutIAM: Bool, stale: Bool) {
        let policy = KeyCachePolicy(ttl: ttl, staleMax: staleMax)
        let fetchedAt = now.addingTimeInterval(-age)
        #expect(policy.servesWithoutIAM(fetchedAt: fetchedAt, now: now) == withoutIAM)
        #expect(policy.servesStale(fetchedAt: fetchedAt, now: now) == stale)
    }

    @Test(arguments: [
        (AWSError.service(code: "Throttling", message: "", requestID: nil, status: 400), true),
        (AWSError.service(code: "InternalFailure", message: "", requestID: nil, status: 500), true),
        (AWSError.httpStatus(status: 503, detail: "html"), true),
        (AWSError.timeout(detail: "iam"), true),
        (AWSError.transport(detail: "connection refused"), true),
        (AWSError.deadlineExceeded(operation: "iam:ListSSHPublicKeys", attempts: 2, last: "x"), true),
        (AWSError.service(code: "AccessDenied", message: "", requestID: nil, status: 403), false),
        (AWSError.service(code: "NoSuchEntity", message: "", requestID: nil, status: 404), false),
        (AWSError.service(code: "InvalidClientTokenId", message: "", requestID: nil, status: 403), false),
        (AWSError.malformedResponse(detail: "xml"), false),
        (AWSError.noCredentials(tried: []), false),
        (AWSError.configuration(detail: "x"), false),
    ])
    func whichErrorsAllowTheStaleCache(error: AWSError, allowed: Bool) {
        #expect(KeyCachePolicy.allowsStaleFallback(after: error) == allowed)
    }

    @Test func nonAWSErrorsNeverAllowTheStaleCache() {
        #expect(!KeyCachePolicy.allowsStaleFallback(after: KeyCacheError(path: "/x", message: "y")))
    }

    @Test func cacheIsUsedOnlyWhenAModeIsOn() {
        #expect(!KeyCachePolicy(ttl: 0, staleMax: 0).usesCache)
        #expect(KeyCachePolicy(ttl: 1, staleMax: 0).usesCache)
        #expect(KeyCachePolicy(ttl: 0, staleMax: 1).usesCache)
        #expect(KeyCachePolicy(ttl: -5, staleMax: -5) == KeyCachePolicy(ttl: 0, staleMax: 0))
    }
}
