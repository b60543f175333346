public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

extension KeyCommand {
    /// Another AuthorizedKeysCommand whose keys are printed after ours (CHAINED_AUTHORIZED_KEYS_COMMAND), for
    /// example EC2 Instance Connect's `eic_run_authorized_keys`.
    ///
    /// It runs for every user (it does its own checks), with an argument array in which `%u`, `%f` and `%%` are
    /// replaced, never through a shell, within the time left. Its lines are validated like IAM's; blank lines and
    /// `#` comments are skipped. A failure or a timeout only costs its own keys.
    public struct Chain: Sendable {
        /// The absolute path of the program.
        public let program: String
        /// The argument templates (CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS); empty means `%u %f`.
        public let arguments: [String]
        /// Starts the program.
        public let runner: any ProcessRunning
        /// At most this many lines of its output are considered.
        public static let maximumLines = 100

        /// What the chained command gave.
        public struct Output: Sendable, Equatable {
            /// The valid key lines, in its order.
            public var keys: [ValidatedKey]
            /// The line numbers (from 1) of dropped lines, with why.
            public var rejected: [Rejected]
            /// Why it failed, when it did (cannot start, timeout, non-zero exit).
            public var failure: String?

            /// Creates an output.
            public init(keys: [ValidatedKey] = [], rejected: [Rejected] = [], failure: String? = nil) {
                self.keys = keys
                self.rejected = rejected
                self.failure = failure
            }
        }

        /// A dropped line of the chained command's output.
        public struct Rejected: Sendable, Equatable {
            /// The line number, from 1.
            public var line: Int
            /// Why it was dropped.
            public var reason: KeyRejection

            /// Creates a record.
            public init(line: Int, reason: KeyRejection) {
                self.line = line
                self.reason = reason
            }
        }

        /// Creates the chain.
        public init(program: String, arguments: [String], runner: any ProcessRunning) {
            self.program = program
            self.arguments = arguments
            self.runner = runner
        }

        /// The command for `user` and `fingerprint`, limited to `timeout` seconds.
        public func command(user: String, fingerprint: String?, timeout: Double) -> Command {
            let templates = arguments.isEmpty ? ["%u", "%f"] : arguments
            return Command(
                program, templates.map { Self.substitute($0, user: user, fingerprint: fingerprint) },
                timeout: max(0, timeout))
        }

        /// Runs the program and validates its output; never throws.
        public func run(user: String, fingerprint: String?, timeout: Double) -> Output {
            let result: ProcessResult
            do {
                result = try runner.run(command(user: user, fingerprint: fingerprint, timeout: timeout))
            } catch {
                return Output(failure: "\(error)")
            }
            var output = Output()
            if !result.succeeded {
                output.failure = "\(program) ended with \(result.termination)"
            }
            let lines = result.standardOutput.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            for (offset, bytes) in lines.prefix(Self.maximumLines).enumerated() {
                let text = String(decoding: bytes, as: UTF8.self)
                let trimmed = text.drop { $0 == " " || $0 == "\t" }
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                switch AuthorizedKeyLine.validate(text) {
                case .success(let key): output.keys.append(key)
                case .failure(let reason): output.rejected.append(Rejected(line: offset + 1, reason: reason))
                }
            }
            return output
        }

        /// `template` with `%u` replaced by `user`, `%f` by `fingerprint` (empty when absent) and `%%` by `%`.
        public static func substitute(_ template: String, user: String, fingerprint: String?) -> String {
            var result = ""
            var iterator = template.makeIterator()
            while let character = iterator.next() {
                guard character == "%" else {
                    result.append(character)
                    continue
                }
                switch iterator.next() {
                case "u": result += user
                case "f": result += fingerprint ?? ""
                case "%": result += "%"
                case let other?: result += "%" + String(other)
                case nil: result += "%"
                }
            }
            return result
        }
    }
}
