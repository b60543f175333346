import AWSCore
import EC2SSHShared
public import Logging

extension KeyCommand {
    /// The one audit line of a key command run.
    ///
    /// It says who asked, which IAM user and keys were served, from where, how long it took and, on failure, the AWS
    /// error code. It never holds key bodies or credentials.
    public struct Audit: Sendable, Equatable {
        /// Where the printed keys came from.
        public enum Source: String, Sendable, Equatable {
            /// A fresh IAM answer.
            case iam
            /// The cache, without asking IAM (KEY_CACHE_TTL).
            case cache
            /// The cache, after IAM failed (KEY_CACHE_STALE_MAX).
            case staleCache = "stale-cache"
            /// The verified fleet snapshot (SNAPSHOT_URL).
            case fleetSnapshot = "fleet-snapshot"
            /// No keys of ours were printed.
            case none
        }

        /// The local user sshd asked about.
        public var localUser: String
        /// The fingerprint sshd passed (%f), if any.
        public var fingerprint: String?
        /// The IAM user behind the account, once known.
        public var iamUserName: String?
        /// The IAM UserId from the index.
        public var iamUserID: String?
        /// The IAM user's ARN, when the index records it.
        public var iamUserARN: String?
        /// The IAM key ids printed.
        public var keyIDs: [String] = []
        /// Where the keys came from.
        public var source: Source = .none
        /// Why keys were refused, if they were.
        public var refusal: KeyCommand.Refusal?
        /// The AWS error code (or error kind) of a failed IAM read, if one failed.
        public var errorCode: String?
        /// The failed IAM read's description (no secrets: AWS error messages and network details only).
        public var errorDetail: String?
        /// How many keys the chained command added.
        public var chainedKeys = 0
        /// Why the chained command failed, if it did.
        public var chainFailure: String?
        /// How long the run took, in milliseconds.
        public var durationMilliseconds = 0

        /// Creates the audit record of a run for `localUser`.
        public init(localUser: String, fingerprint: String? = nil) {
            self.localUser = localUser
            self.fingerprint = fingerprint
        }

        /// The log message: what happened, in a few words.
        public var message: String {
            if refusal != nil { return "authorized keys refused" }
            switch source {
            case .iam, .cache, .fleetSnapshot: return "authorized keys served"
            case .staleCache: return "authorized keys served from the stale cache, IAM failed"
            case .none: return errorCode == nil ? "authorized keys served" : "authorized keys lookup failed"
            }
        }

        /// The log level: info when served, notice when refused, warning for the stale cache, error on failure.
        public var level: Logger.Level {
            if refusal != nil { return .notice }
            switch source {
            case .iam, .cache, .fleetSnapshot: return .info
            case .staleCache: return .warning
            case .none: return errorCode == nil ? .info : .error
            }
        }

        /// The key=value fields of the line.
        public var metadata: Logger.Metadata {
            var fields: Logger.Metadata = [
                "user": .string(localUser), "source": .string(source.rawValue),
                "keys": .string(String(keyIDs.count)), "duration_ms": .string(String(durationMilliseconds)),
            ]
            if !keyIDs.isEmpty { fields["key_ids"] = .string(keyIDs.joined(separator: ",")) }
            fields["fingerprint"] = fingerprint.map { .string($0) }
            fields["iam_user"] = iamUserName.map { .string($0) }
            fields["iam_user_id"] = iamUserID.map { .string($0) }
            fields["iam_arn"] = iamUserARN.map { .string($0) }
            fields["reason"] = refusal.map { .string($0.code) }
            fields["detail"] = refusal.map { .string($0.description) }
            fields["error_code"] = errorCode.map { .string($0) }
            fields["error"] = errorDetail.map { .string($0) }
            if chainedKeys > 0 { fields["chained_keys"] = .string(String(chainedKeys)) }
            fields["chain_error"] = chainFailure.map { .string($0) }
            return fields
        }

        /// Records a failed IAM read: its AWS error code (or kind) and description.
        public mutating func record(error: any Error) {
            errorCode = Self.code(of: error)
            errorDetail = "\(error)"
        }

        /// The AWS error code of `error`, or a name for its kind when AWS sent none (for example `Timeout`).
        public static func code(of error: any Error) -> String {
            guard let error = error as? AWSError else { return "LocalError" }
            switch error {
            case .service(let code, _, _, _): return code
            case .transport: return "NetworkError"
            case .timeout: return "Timeout"
            case .httpStatus(let status, _): return "HTTP\(status)"
            case .malformedResponse: return "MalformedResponse"
            case .noCredentials: return "NoCredentials"
            case .configuration: return "ConfigurationError"
            case .deadlineExceeded(_, _, let last): return "DeadlineExceeded(\(Self.lastCode(last)))"
            }
        }

        /// The AWS error code quoted in a deadline's last error ("AWS error Throttling (...)"), or `Timeout`.
        private static func lastCode(_ last: String) -> String {
            if last.hasPrefix("AWS error "), let code = last.dropFirst(10).split(separator: " ").first {
                return String(code)
            }
            if last.hasPrefix("network error") { return "NetworkError" }
            if last.hasPrefix("HTTP "), let status = last.dropFirst(5).split(separator: ":").first {
                return "HTTP" + status
            }
            return "Timeout"
        }
    }
}
