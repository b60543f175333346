import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A transport that answers every request with the same response and never touches the network.
struct FuzzTransport: HTTPTransport {
    /// The response to every request.
    let response: HTTPResponse

    /// Returns `response`.
    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        response
    }
}

/// Fixed, made-up credentials, enough to sign requests.
struct FuzzCredentials: CredentialsProvider {
    /// The source name used in errors.
    var name: String { "fuzz" }

    /// The made-up credentials.
    func credentials() throws -> Credentials? {
        Credentials(accessKeyID: "AKIDFUZZ", secretAccessKey: "fuzz-secret")
    }
}

/// A clock stopped at one instant that never sleeps.
struct FuzzClock: TimeSource {
    /// 2026-01-01T00:00:00Z.
    func now() -> Date { Date(timeIntervalSince1970: 1_767_225_600) }

    /// Always 0.
    func monotonicSeconds() -> Double { 0 }

    /// Returns at once.
    func sleep(seconds: Double) {}
}

extension QueryClient {
    /// A client whose every call receives `response`, signed with made-up credentials, tried once.
    static func fuzz(_ response: HTTPResponse, signingName: String, apiVersion: String) -> QueryClient {
        QueryClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:9/", signingRegion: "us-east-1", signingName: signingName),
            apiVersion: apiVersion, credentials: FuzzCredentials(), transport: FuzzTransport(response: response),
            retry: SingleAttempt(), time: FuzzClock())
    }
}
