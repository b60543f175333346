import Synchronization
import Testing

@testable import AWSCore
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A credentials provider returning fixed credentials (or none) and counting how often it was asked.
final class CountingCredentials: CredentialsProvider {
    let name: String
    private let value: Credentials?
    private let count = Mutex(0)

    init(_ value: Credentials?, name: String = "test") {
        self.value = value
        self.name = name
    }

    static let example = CountingCredentials(
        Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))

    var calls: Int { count.withLock { $0 } }

    func credentials() throws -> Credentials? {
        count.withLock { $0 += 1 }
        return value
    }
}

/// A retry executor that records operation names and retries a failed body up to `attempts` times in all.
final class RecordingRetry: RetryExecuting {
    private let attempts: Int
    private let log = Mutex<[String]>([])

    init(attempts: Int = 1) {
        self.attempts = attempts
    }

    /// One entry per attempt: the operation name.
    var operations: [String] { log.withLock { $0 } }

    func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            log.withLock { $0.append(operation) }
            do {
                return try body()
            } catch {
                if attempt >= attempts { throw error }
                attempt += 1
            }
        }
    }
}

/// Builders of clients wired to fakes.
enum TestClients {
    /// The wall time the clients sign with.
    static let signingDate = Date(timeIntervalSince1970: 1_795_000_000)

    static func query(
        _ service: String, version: String, transport: ScriptedTransport,
        credentials: any CredentialsProvider = CountingCredentials.example,
        retry: any RetryExecuting = SingleAttempt(), region: String = "eu-west-1"
    ) -> QueryClient {
        QueryClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5102", signingRegion: region, signingName: service),
            apiVersion: version, credentials: credentials, transport: transport, retry: retry,
            time: FakeClock(now: signingDate))
    }

    static func iam(_ transport: ScriptedTransport) -> IAMClient {
        IAMClient(query: query("iam", version: IAMClient.apiVersion, transport: transport, region: "us-east-1"))
    }

    static func sts(_ transport: ScriptedTransport) -> STSClient {
        STSClient(query: query("sts", version: STSClient.apiVersion, transport: transport))
    }

    static func ec2(_ transport: ScriptedTransport) -> EC2Client {
        EC2Client(query: query("ec2", version: EC2Client.apiVersion, transport: transport))
    }
}
