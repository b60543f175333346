extension KeyCommand {
    /// The arguments of the common key command invocations, recognised without ArgumentParser.
    ///
    /// sshd runs `authorized_keys_command USER FINGERPRINT` for every login attempt; ArgumentParser's reflection-based
    /// parsing costs about a third of the CPU time of a whole cache-hit run, so `main` hands only these plain forms to
    /// the key command directly and everything else (flags, help, errors) to ArgumentParser, which would parse these
    /// forms to exactly the same values: `[--config PATH] USER [FINGERPRINT]` where no argument is empty or starts
    /// with "-".
    public struct Arguments: Equatable, Sendable {
        /// The configuration file (`--config`, default /etc/aws-ec2-ssh.conf).
        public var config: String
        /// The local user name sshd asks about (%u).
        public var user: String
        /// The fingerprint of the key being tried (%f), when given.
        public var fingerprint: String?

        /// Creates arguments from their values.
        public init(config: String, user: String, fingerprint: String?) {
            self.config = config
            self.user = user
            self.fingerprint = fingerprint
        }

        /// The configuration file used without `--config`.
        public static let defaultConfig = "/etc/aws-ec2-ssh.conf"

        /// Recognises `[--config PATH] USER [FINGERPRINT]` (the arguments after the program name); nil for anything else.
        public static func plain(_ arguments: [String]) -> KeyCommand.Arguments? {
            var rest = arguments[...]
            var config = defaultConfig
            if rest.first == "--config" {
                guard rest.count >= 2 else { return nil }
                config = rest[rest.startIndex + 1]
                rest = rest.dropFirst(2)
                guard isPlainValue(config) else { return nil }
            }
            guard (1...2).contains(rest.count), rest.allSatisfy(isPlainValue), let user = rest.first else { return nil }
            return KeyCommand.Arguments(config: config, user: user, fingerprint: rest.dropFirst().first)
        }

        private static func isPlainValue(_ argument: String) -> Bool {
            !argument.isEmpty && !argument.hasPrefix("-")
        }
    }
}
