import AWSCore
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

@Suite struct KeyCommandDeadlineTests {
    @Test(arguments: [(1, 0.75), (2, 1.5), (4, 3.0), (5, 4.0), (60, 59.0), (0, 0.75)])
    func iamBudgetKeepsAReserveForTheFallback(timeout: Int, budget: Double) {
        #expect(KeyCommand.Deadline.budget(forTimeout: timeout) == budget)
    }

    @Test func remainingShrinksWithTheClockAndNeverGoesNegative() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let deadline = KeyCommand.Deadline(time: clock, budget: 4)
        #expect(deadline.remaining == 4)
        clock.advance(by: 1.5)
        #expect(deadline.remaining == 2.5)
        #expect(deadline.elapsed == 1.5)
        clock.advance(by: 10)
        #expect(deadline.remaining == 0)
    }

    /// One deadline per run: started at process start with the startup limit, then given KEY_COMMAND_TIMEOUT
    /// from that same start once the configuration is read.
    @Test func theConfiguredDeadlineKeepsTheStartOfTheProcess() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let startup = KeyCommand.Deadline(time: clock)
        #expect(startup.limit == KeyCommand.Deadline.startupLimit && startup.limit == 5)
        clock.advance(by: 1)
        let configured = startup.configured(timeout: 3)
        #expect(configured.start == startup.start)
        #expect(configured.elapsed == 1)
        #expect(configured.limit == 3)
        #expect(configured.budget == KeyCommand.Deadline.budget(forTimeout: 3))
        #expect(configured.remaining == 1.25)
        #expect(configured.answerBy == 3 - KeyCommand.Watchdog.reserve(forTimeout: 3))
        #expect(configured.chainTimeout == 1.375)
    }

    @Test func theChainedCommandGetsWhatIsLeftBeforeTheWatchdogAndNeverLessThanNothing() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let deadline = KeyCommand.Deadline(time: clock, limit: 5)
        #expect(deadline.chainTimeout == 4.25)
        clock.advance(by: 4.4)
        #expect(deadline.chainTimeout == 0)
    }

    @Test func requestTimeLimitsAreCutToTheTimeLeft() throws {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let inner = FakeTransport { _, _ in HTTPResponse(status: 200) }
        let transport = KeyCommand.DeadlineTransport(
            inner: inner, deadline: KeyCommand.Deadline(time: clock, budget: 4))
        _ = try transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:1/"), timeouts: .api)
        clock.advance(by: 2.5)
        _ = try transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:1/"), timeouts: .api)
        #expect(inner.timeouts == [HTTPTimeouts(connect: 3, total: 4), HTTPTimeouts(connect: 1.5, total: 1.5)])
    }

    @Test func noRequestStartsWhenTheBudgetIsSpent() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let inner = FakeTransport { _, _ in
            Issue.record("a request was sent after the deadline")
            return HTTPResponse(status: 200)
        }
        let transport = KeyCommand.DeadlineTransport(
            inner: inner, deadline: KeyCommand.Deadline(time: clock, budget: 1))
        clock.advance(by: 0.99)
        #expect {
            _ = try transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:1/"), timeouts: .api)
        } throws: { error in
            guard case .timeout(let detail) = error as? AWSError else { return false }
            return detail.contains("KEY_COMMAND_TIMEOUT")
        }
    }

    @Test func retriesStopAtTheDeadline() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let deadline = KeyCommand.Deadline(time: clock, budget: 2)
        let retrier = KeyCommand.Retrier(deadline: deadline, random: FixedRandom(), maxAttempts: 10)
        var attempts = 0
        #expect(throws: AWSError.self) {
            try retrier.run("iam:ListSSHPublicKeys") { () throws -> Int in
                attempts += 1
                clock.advance(by: 0.6)
                throw AWSError.service(code: "Throttling", message: "", requestID: nil, status: 400)
            }
        }
        #expect(attempts >= 2)
        #expect(deadline.elapsed <= 2)
    }

    @Test func aRetrierCallStartedLateGetsOnlyTheTimeLeft() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let deadline = KeyCommand.Deadline(time: clock, budget: 4)
        let retrier = KeyCommand.Retrier(deadline: deadline, random: FixedRandom())
        clock.advance(by: 3)
        #expect(retrier.currentPolicy.deadline == 1)
        #expect(retrier.currentPolicy.maxAttempts == 3)
    }

    /// IAM that never answers in time: real IAMClient and QueryClient over a transport that waits 1.5 s (or the
    /// request's total limit, if shorter) and times out; the run must give up within its budget and serve the stale cache.
    @Test func slowIAMEndsWithinTheBudgetAndFallsBackToTheStaleCache() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 0, staleMax: 3600)
        try harness.seedCache(age: 600, keys: [("OLD", TestKeys.second)])
        let clock = harness.clock
        let deadline = KeyCommand.Deadline(time: clock, budget: 4)
        let slow = FakeTransport { request, timeouts in
            clock.advance(by: min(1.5, timeouts.total))
            throw AWSError.timeout(detail: "no answer from \(request.url)")
        }
        let query = QueryClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:9", signingRegion: "us-east-1", signingName: "iam"),
            apiVersion: IAMClient.apiVersion,
            credentials: EnvironmentCredentialsProvider(environment: [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example",
            ]),
            transport: KeyCommand.DeadlineTransport(inner: slow, deadline: deadline),
            retry: KeyCommand.Retrier(deadline: deadline, random: FixedRandom(value: 0)), time: clock)
        let iam = IAMClient(query: query)
        let command = KeyCommand(
            access: harness.access, cache: harness.cache, policy: harness.policy,
            makeFetcher: { SSHKeyFetcher(iam: iam, authorizedGroups: []) }, chain: nil, deadline: deadline,
            logger: harness.log.logger)
        let outcome = command.run(KeyCommand.Request(user: "alice"))
        #expect(outcome.lines == [TestKeys.second])
        #expect(outcome.audit.source == .staleCache)
        #expect(deadline.elapsed <= 4)
        #expect(slow.timeouts.count >= 2)
        #expect(slow.timeouts.allSatisfy { $0.total <= 4 })
        #expect(outcome.audit.durationMilliseconds <= 4000)
        #expect(["Timeout", "DeadlineExceeded(Timeout)"].contains(outcome.audit.errorCode ?? ""))
    }
}
