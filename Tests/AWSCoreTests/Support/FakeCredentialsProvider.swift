import Synchronization

@testable import AWSCore

/// A credentials provider with a fixed answer that counts how often it is asked.
final class FakeCredentialsProvider: CredentialsProvider {
    /// The source name, as logs and `AWSError.noCredentials` show it.
    let name: String
    private let answer: Result<CredentialsLookup, AWSError>
    private let count = Mutex(0)

    /// Creates a provider named `name` that answers every lookup with `answer`.
    init(_ name: String, _ answer: Result<CredentialsLookup, AWSError>) {
        self.name = name
        self.answer = answer
    }

    /// Creates a provider that always has `credentials` (or, for `nil`, none).
    convenience init(_ credentials: Credentials?, name: String = "test") {
        self.init(name, .success(credentials.map { .found($0) } ?? .unavailable(reason: "no credentials")))
    }

    /// The AWS documentation's example key pair.
    static let example = FakeCredentialsProvider(
        Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))

    /// How often the provider was asked.
    var calls: Int { count.withLock { $0 } }

    /// The credentials of the answer, nil when it has none.
    func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    /// Counts the call and returns (or throws) the answer.
    func lookupCredentials() throws -> CredentialsLookup {
        count.withLock { $0 += 1 }
        return try answer.get()
    }
}
