import Synchronization
import TestSupport
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Collects `onRetry` events.
private final class EventLog: Sendable {
    private let events = Mutex<[RetryEvent]>([])
    var all: [RetryEvent] { events.withLock { $0 } }
    func record(_ event: RetryEvent) { events.withLock { $0.append(event) } }
}

private struct NotAnAWSError: Error, Equatable {}

@Suite struct RetrierTests {
    private func retrier(
        _ policy: RetryPolicy, clock: FakeClock, random: [Double], log: EventLog? = nil
    ) -> Retrier {
        var onRetry: (@Sendable (RetryEvent) -> Void)?
        if let log { onRetry = { log.record($0) } }
        return Retrier(policy: policy, time: clock, random: FixedRandom(sequence: random), onRetry: onRetry)
    }

    @Test func defaultPolicy() {
        let policy = RetryPolicy()
        #expect(policy == RetryPolicy(maxAttempts: 5, baseDelay: 0.1, maxDelay: 5, deadline: 20))
    }

    @Test func exactDelayScheduleThenLastErrorUnchanged() {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: "r1", status: 400)
        var attempts = 0
        #expect(throws: throttled) {
            try retrier(RetryPolicy(), clock: clock, random: [0.5, 0.5, 0.5, 0.5]).run("iam:ListUsers") {
                attempts += 1
                throw throttled
            }
        }
        #expect(attempts == 5)
        #expect(clock.sleeps == [0.05, 0.1, 0.2, 0.4])
    }

    @Test func fullJitterScalesEachCeiling() {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        var attempts = 0
        #expect(throws: AWSError.timeout(detail: "t")) {
            try retrier(RetryPolicy(), clock: clock, random: [0, 0.25, 0.125, 0.5]).run("op") {
                attempts += 1
                throw AWSError.timeout(detail: "t")
            }
        }
        #expect(attempts == 5)
        #expect(clock.sleeps == [0, 0.05, 0.05, 0.4])
    }

    @Test func delayIsCappedAtMaxDelay() throws {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: 1, maxDelay: 5, deadline: 1_000)
        var attempts = 0
        let result = try retrier(policy, clock: clock, random: Array(repeating: 0.5, count: 7)).run("op") {
            attempts += 1
            if attempts < 8 { throw AWSError.transport(detail: "connection reset") }
            return "done"
        }
        #expect(result == "done")
        #expect(clock.sleeps == [0.5, 1, 2, 2.5, 2.5, 2.5, 2.5])
        #expect(policy.delayCeiling(afterAttempt: 10_000) == 5)
    }

    @Test func neverSleepsPastTheDeadline() {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 5, deadline: 3)
        var attempts = 0
        #expect {
            try retrier(policy, clock: clock, random: [0.9, 0.9]).run("sts:AssumeRole") {
                attempts += 1
                clock.advance(by: 0.2)
                throw AWSError.httpStatus(status: 503, detail: "attempt \(attempts)")
            }
        } throws: { error in
            error as? AWSError
                == .deadlineExceeded(
                    operation: "sts:AssumeRole", attempts: 2,
                    last: AWSError.httpStatus(status: 503, detail: "attempt 2").description)
        }
        // Attempt 1 ends at 0.2 s, waits 0.9 s; attempt 2 ends at 1.3 s and a 1.8 s wait would end at 3.1 s.
        #expect(attempts == 2)
        #expect(clock.sleeps == [0.9])
        #expect(clock.elapsed <= 3)
    }

    @Test func deadlineAlreadyPassedStopsWithoutWaiting() {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        var attempts = 0
        #expect {
            try retrier(RetryPolicy(deadline: 5), clock: clock, random: [0]).run("op") {
                attempts += 1
                clock.advance(by: 6)
                throw AWSError.timeout(detail: "slow")
            }
        } throws: { error in
            guard case .deadlineExceeded(_, let count, let last) = error as? AWSError else { return false }
            return count == 1 && last.contains("slow")
        }
        #expect(attempts == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test(arguments: [
        AWSError.service(code: "AccessDenied", message: "no", requestID: nil, status: 403),
        AWSError.service(code: "NoSuchEntity", message: "no", requestID: nil, status: 404),
        AWSError.service(code: "SignatureDoesNotMatch", message: "no", requestID: nil, status: 403),
        AWSError.malformedResponse(detail: "bad XML"),
        AWSError.configuration(detail: "bad endpoint"),
        AWSError.noCredentials(tried: ["environment: not set"]),
        AWSError.httpStatus(status: 404, detail: "not found"),
    ])
    func nonRetryableErrorSurfacesAfterOneAttempt(error: AWSError) {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        let log = EventLog()
        var attempts = 0
        #expect(throws: error) {
            try retrier(RetryPolicy(), clock: clock, random: [], log: log).run("op") {
                attempts += 1
                throw error
            }
        }
        #expect(attempts == 1)
        #expect(clock.sleeps.isEmpty)
        #expect(log.all.isEmpty)
    }

    @Test func errorsThatAreNotAWSErrorsAreNotRetried() {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        var attempts = 0
        #expect(throws: NotAnAWSError()) {
            try retrier(RetryPolicy(), clock: clock, random: []).run("op") {
                attempts += 1
                throw NotAnAWSError()
            }
        }
        #expect(attempts == 1)
    }

    @Test func succeedsAfterFailuresAndReportsEachRetry() throws {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        let log = EventLog()
        let failures: [AWSError] = [
            .service(code: "RequestLimitExceeded", message: "slow down", requestID: nil, status: 503),
            .transport(detail: "ec2.us-east-1.amazonaws.com: connection refused"),
        ]
        var attempts = 0
        let value = try retrier(RetryPolicy(), clock: clock, random: [0.5, 0.5], log: log).run("ec2:DescribeTags") {
            attempts += 1
            if attempts <= failures.count { throw failures[attempts - 1] }
            return 42
        }
        #expect(value == 42)
        #expect(attempts == 3)
        #expect(
            log.all == [
                RetryEvent(operation: "ec2:DescribeTags", attempt: 1, delay: 0.05, error: failures[0]),
                RetryEvent(operation: "ec2:DescribeTags", attempt: 2, delay: 0.1, error: failures[1]),
            ])
        #expect(clock.sleeps == [0.05, 0.1])
    }

    @Test func firstSuccessNeedsNoRandomnessOrSleep() throws {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        #expect(try retrier(RetryPolicy(), clock: clock, random: []).run("op") { "ok" } == "ok")
        #expect(clock.sleeps.isEmpty)
    }

    @Test func policyClampsNonsense() {
        let policy = RetryPolicy(maxAttempts: 0, baseDelay: -1, maxDelay: -1, deadline: -5)
        #expect(policy.maxAttempts == 1)
        #expect(policy.baseDelay == 0)
        #expect(policy.maxDelay == 0)
        #expect(policy.deadline == 0)
        #expect(RetryPolicy().delayCeiling(afterAttempt: 3) == 0.4)
    }

    @Test func oneAttemptPolicyNeverRetries() {
        let clock = FakeClock(now: nil, sleeping: .advancesTheClock)
        var attempts = 0
        #expect(throws: AWSError.timeout(detail: "t")) {
            try retrier(RetryPolicy(maxAttempts: 1), clock: clock, random: []).run("op") {
                attempts += 1
                throw AWSError.timeout(detail: "t")
            }
        }
        #expect(attempts == 1)
    }
}

@Suite struct RetryClassificationTests {
    static let retryableCodes = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled",
        "RequestThrottledException", "SlowDown", "PriorRequestNotComplete", "InternalError", "InternalFailure",
        "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException", "EC2ThrottledException",
    ]

    @Test(arguments: retryableCodes)
    func throttlingAndServerCodesAreRetryable(code: String) {
        #expect(AWSError.service(code: code, message: "", requestID: nil, status: 400).isRetryable)
    }

    @Test(arguments: [
        "AccessDenied", "NoSuchEntity", "ValidationError", "SignatureDoesNotMatch",
        "InvalidClientTokenId", "ExpiredToken",
    ])
    func permanentCodesAreNotRetryable(code: String) {
        #expect(!AWSError.service(code: code, message: "", requestID: nil, status: 400).isRetryable)
        #expect(!AWSError.service(code: code, message: "", requestID: nil, status: 500).isRetryable)
    }

    @Test(arguments: [
        (429, true), (500, true), (502, true), (503, true), (599, true), (400, false), (403, false),
        (404, false), (409, false),
    ])
    func statusDecidesForUnknownCodesAndBareStatuses(status: Int, retryable: Bool) {
        #expect(
            AWSError.service(code: "SomethingNew", message: "", requestID: nil, status: status).isRetryable == retryable
        )
        #expect(AWSError.httpStatus(status: status, detail: "").isRetryable == retryable)
    }

    @Test(arguments: [
        (AWSError.transport(detail: "reset"), true),
        (AWSError.timeout(detail: "slow"), true),
        (AWSError.malformedResponse(detail: "x"), false),
        (AWSError.configuration(detail: "x"), false),
        (AWSError.noCredentials(tried: []), false),
        (AWSError.deadlineExceeded(operation: "op", attempts: 3, last: "x"), false),
    ])
    func otherKinds(error: AWSError, retryable: Bool) {
        #expect(error.isRetryable == retryable)
    }
}
