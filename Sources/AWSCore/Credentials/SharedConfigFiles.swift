/// The shared AWS credentials and config files (`~/.aws/credentials`, `~/.aws/config`), parsed.
///
/// Sections are `[default]` and `[NAME]` in the credentials file, `[default]` and `[profile NAME]` in the
/// config file (other config sections, such as `[sso-session NAME]`, are skipped). Lines starting with `#` or `;`
/// are comments, and so is the rest of a line after ` #` or ` ;`. Properties are `key = value`; indented
/// continuation lines (nested settings such as `s3 =`) are ignored. Anything else is a configuration error
/// naming the file and line, because a half-understood file must not lead to silently using other credentials.
public struct SharedConfigFiles: Sendable, Equatable {
    /// The settings of one profile: property name to value.
    public typealias Profile = [String: String]

    /// Which of the two files a text comes from; they name their sections differently.
    public enum Kind: Sendable {
        /// The credentials file: `[NAME]` sections.
        case credentials
        /// The config file: `[default]` and `[profile NAME]` sections.
        case config
    }

    /// The credentials file path, or `nil` when there is none to read (HOME unset and no override).
    public let credentialsPath: String?
    /// The config file path, or `nil` when there is none to read (HOME unset and no override).
    public let configPath: String?
    /// Profiles of the credentials file by name; empty when the file is missing.
    public let credentialsProfiles: [String: Profile]
    /// Profiles of the config file by name (without the `profile ` prefix); empty when the file is missing.
    public let configProfiles: [String: Profile]
    /// Whether the credentials file exists.
    public let credentialsFileExists: Bool
    /// Whether the config file exists.
    public let configFileExists: Bool

    /// Creates the parsed files from their parts (for tests and callers that parsed elsewhere).
    public init(
        credentialsPath: String?, configPath: String?, credentialsProfiles: [String: Profile],
        configProfiles: [String: Profile], credentialsFileExists: Bool, configFileExists: Bool
    ) {
        self.credentialsPath = credentialsPath
        self.configPath = configPath
        self.credentialsProfiles = credentialsProfiles
        self.configProfiles = configProfiles
        self.credentialsFileExists = credentialsFileExists
        self.configFileExists = configFileExists
    }

    /// Reads and parses both files as `environment` locates them; missing files count as empty.
    ///
    /// Throws `AWSError.configuration` when a file exists but cannot be read or parsed.
    public static func load(environment: [String: String], files: any FileReading) throws -> SharedConfigFiles {
        let credentialsPath = path(environment, override: "AWS_SHARED_CREDENTIALS_FILE", file: "credentials")
        let configPath = path(environment, override: "AWS_CONFIG_FILE", file: "config")
        let credentialsBytes = try credentialsPath.flatMap { try files.contents(atPath: $0) }
        let configBytes = try configPath.flatMap { try files.contents(atPath: $0) }
        return SharedConfigFiles(
            credentialsPath: credentialsPath, configPath: configPath,
            credentialsProfiles: try credentialsBytes.map {
                try parse(String(decoding: $0, as: UTF8.self), kind: .credentials, path: credentialsPath ?? "")
            } ?? [:],
            configProfiles: try configBytes.map {
                try parse(String(decoding: $0, as: UTF8.self), kind: .config, path: configPath ?? "")
            } ?? [:],
            credentialsFileExists: credentialsBytes != nil, configFileExists: configBytes != nil)
    }

    /// The profile to use: `AWS_PROFILE`, or `default` when it is unset or empty.
    public static func profileName(environment: [String: String]) -> String {
        if let name = environment["AWS_PROFILE"], !name.isEmpty { return name }
        return "default"
    }

    /// Whether the profile was chosen explicitly with `AWS_PROFILE`.
    public static func isProfileExplicit(environment: [String: String]) -> Bool {
        environment["AWS_PROFILE"].map { !$0.isEmpty } ?? false
    }

    /// The merged settings of `name`, credentials file entries winning over config file entries.
    ///
    /// Returns `nil` when neither file has the profile.
    public func profile(_ name: String) -> Profile? {
        let fromCredentials = credentialsProfiles[name]
        let fromConfig = configProfiles[name]
        if fromCredentials == nil && fromConfig == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }

    /// The existing files, for messages, for example `/root/.aws/credentials and /root/.aws/config`.
    public var describedPaths: String {
        let paths = [credentialsPath, configPath].compactMap { $0 }
        return paths.isEmpty ? "no shared files" : paths.joined(separator: " and ")
    }

    /// Where a file is: the override variable (with `~/` expanded), else `$HOME/.aws/FILE`, else `nil`.
    static func path(_ environment: [String: String], override: String, file: String) -> String? {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if let explicit = environment[override], !explicit.isEmpty {
            if explicit.hasPrefix("~/"), let home {
                return home + explicit.dropFirst()
            }
            return explicit
        }
        guard let home else { return nil }
        return (home.hasSuffix("/") ? home : home + "/") + ".aws/" + file
    }

    /// Parses one file's text into profiles by name; `path` only names the file in errors.
    public static func parse(_ text: String, kind: Kind, path: String) throws -> [String: Profile] {
        var profiles: [String: Profile] = [:]
        var current: String?
        var inSkippedSection = false
        var propertyIndent: Int?
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let content = trimmed(line)
            if content.isEmpty || content.hasPrefix("#") || content.hasPrefix(";") { continue }
            if content.hasPrefix("[") {
                guard let close = content.firstIndex(of: "]") else {
                    throw AWSError.configuration(detail: "\(path) line \(lineNumber): section header without ']'")
                }
                let header = trimmed(content[content.index(after: content.startIndex)..<close])
                let rest = trimmed(content[content.index(after: close)...])
                if !rest.isEmpty && !rest.hasPrefix("#") && !rest.hasPrefix(";") {
                    throw AWSError.configuration(
                        detail: "\(path) line \(lineNumber): unexpected text after section header [\(header)]")
                }
                current = sectionProfileName(header, kind: kind)
                inSkippedSection = current == nil
                if let current, profiles[current] == nil { profiles[current] = [:] }
                propertyIndent = nil
                continue
            }
            if let propertyIndent, indent > propertyIndent { continue }  // continuation line
            guard let equals = content.firstIndex(of: "=") else {
                throw AWSError.configuration(
                    detail: "\(path) line \(lineNumber): expected 'key = value', a [section] or a comment")
            }
            let key = trimmed(content[..<equals])
            guard !key.isEmpty else {
                throw AWSError.configuration(detail: "\(path) line \(lineNumber): property without a name")
            }
            if current == nil && !inSkippedSection {
                throw AWSError.configuration(
                    detail: "\(path) line \(lineNumber): property '\(key)' before the first [section]")
            }
            propertyIndent = indent
            if let current {
                profiles[current, default: [:]][key] = stripComment(trimmed(content[content.index(after: equals)...]))
            }
        }
        return profiles
    }

    /// The profile name a section header stands for, or `nil` for sections that are not profiles.
    private static func sectionProfileName(_ header: String, kind: Kind) -> String? {
        switch kind {
        case .credentials:
            return header.isEmpty ? nil : header
        case .config:
            if header == "default" { return header }
            let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 2, words[0] == "profile" else { return nil }
            return String(words[1])
        }
    }

    /// Removes an inline comment: `#` or `;` preceded by whitespace, and everything after it.
    private static func stripComment(_ value: String) -> String {
        var previous: Character = " "
        for index in value.indices {
            let character = value[index]
            if (character == "#" || character == ";") && (previous == " " || previous == "\t") {
                return trimmed(value[..<index])
            }
            previous = character
        }
        return value
    }

    private static func trimmed(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
            let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }

    private static func trimmed(_ text: String) -> String {
        trimmed(text[...])
    }
}
