@testable import EC2SSHCore

/// libFuzzer's entry point for the configuration parser (`ConfigFile.parse`, then `Configuration.make`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ConfigFuzz.check(String(decoding: fuzzBytes(data, size), as: UTF8.self))
    return 0
}

/// The invariants of the configuration parser, checked on one file text.
///
/// - it throws only `EC2SSHError.invalidConfiguration`, naming the path and a line of the file;
/// - every accepted assignment has a shell variable name as key, a value without control characters (tab aside),
///   and is read back unchanged from its canonical `KEY="value"` form;
/// - every accepted setting passes the checks of the code that later uses it (for example a SUDOERS_RULE is one
///   that `SudoersFile.validate(rule:)` accepts): the parser never accepts what a later validator refuses.
enum ConfigFuzz {
    /// The path named in errors.
    static let path = "/fuzz/aws-ec2-ssh.conf"

    /// Checks every invariant on `text`.
    static func check(_ text: String) {
        let lineCount = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).count
        let file: ConfigFile
        do {
            file = try ConfigFile.parse(text, path: path)
        } catch let error as EC2SSHError {
            checkError(error, lineCount: lineCount)
            return
        } catch {
            fuzzUnexpected(error, from: "ConfigFile.parse")
        }
        checkEntries(file, lineCount: lineCount)
        checkRoundTrip(file)
        let configuration: Configuration
        do {
            configuration = try Configuration.make(from: file, path: path).0
        } catch let error as EC2SSHError {
            checkError(error, lineCount: lineCount)
            return
        } catch {
            fuzzUnexpected(error, from: "Configuration.make")
        }
        checkSettings(configuration)
    }

    /// An error names our path and, when it names a line, one that exists.
    static func checkError(_ error: EC2SSHError, lineCount: Int) {
        guard case .invalidConfiguration(let errorPath, let line, let message) = error else {
            fuzzRequire(false, "expected invalidConfiguration, got \(error)")
            return
        }
        fuzzRequire(errorPath == path, "the error names \(errorPath)")
        fuzzRequire(!message.isEmpty, "the error has no message")
        if let line {
            fuzzRequire((1...lineCount).contains(line), "the error names line \(line) of \(lineCount)")
        }
    }

    /// Keys are shell names, lines exist and increase, values hold no control character but tab.
    static func checkEntries(_ file: ConfigFile, lineCount: Int) {
        var previousLine = 0
        for entry in file.entries {
            fuzzRequire(isShellName(entry.key), "key \(String(reflecting: entry.key)) is not a shell name")
            fuzzRequire(entry.line > previousLine && entry.line <= lineCount, "entry on line \(entry.line)")
            previousLine = entry.line
            fuzzRequire(
                !entry.value.unicodeScalars.contains { isControl($0) && $0 != "\t" },
                "value \(String(reflecting: entry.value)) of \(entry.key) holds a control character")
        }
    }

    /// Writing every entry back as `KEY="value"` and parsing that gives the same keys and values.
    static func checkRoundTrip(_ file: ConfigFile) {
        let text = file.entries.map { "\($0.key)=\"\(escaped($0.value))\"" }.joined(separator: "\n")
        let again: ConfigFile
        do {
            again = try ConfigFile.parse(text, path: path)
        } catch {
            fuzzRequire(false, "the canonical form \(String(reflecting: text)) is refused: \(error)")
            return
        }
        let pairs = again.entries.map { [$0.key, $0.value] }
        fuzzRequire(
            pairs == file.entries.map { [$0.key, $0.value] },
            "the canonical form \(String(reflecting: text)) reads back as \(pairs)")
    }

    /// Each accepted setting satisfies the code that uses it.
    static func checkSettings(_ configuration: Configuration) {
        do {
            try SudoersFile.validate(rule: configuration.sudoersRule)
        } catch {
            fuzzRequire(false, "SUDOERS_RULE \(String(reflecting: configuration.sudoersRule)) accepted, but \(error)")
        }
        let groups =
            [configuration.localMarkerGroup] + configuration.localGroups
            + configuration.localGroupMap.values.flatMap { $0 }
        for group in groups {
            fuzzRequire(ConfigValue.isValidGroupName(group), "local group \(String(reflecting: group)) accepted")
        }
        for group in configuration.iamAuthorizedGroups + configuration.localGroupMap.keys {
            fuzzRequire(ConfigValue.isValidIAMName(group), "IAM group \(String(reflecting: group)) accepted")
        }
        for group in configuration.sudoersGroups where group != Configuration.everyoneSudoersGroup {
            fuzzRequire(ConfigValue.isValidIAMName(group), "sudoers group \(String(reflecting: group)) accepted")
        }
        let programs =
            [configuration.useraddProgram, configuration.userdelProgram]
            + (configuration.chainedAuthorizedKeysCommand.map { [$0] } ?? [])
        for path in programs + [configuration.stateDir, configuration.keyCacheDir] {
            fuzzRequire(isSafeAbsolutePath(path), "path \(String(reflecting: path)) accepted")
        }
        let arguments =
            configuration.useraddArgs + configuration.userdelArgs + configuration.chainedAuthorizedKeysCommandArgs
        for argument in arguments {
            fuzzRequire(
                !argument.unicodeScalars.contains { isControl($0) && $0 != "\t" },
                "argument \(String(reflecting: argument)) accepted")
        }
        fuzzRequire(configuration.uidRange.lowerBound >= 1000, "UID_RANGE \(configuration.uidRange) accepted")
        fuzzRequire(configuration.uidRange.upperBound < UInt32.max, "UID_RANGE \(configuration.uidRange) accepted")
        fuzzRequire((1...60).contains(configuration.keyCommandTimeout), "KEY_COMMAND_TIMEOUT out of range")
        fuzzRequire((0...100).contains(configuration.maxDeletePercent), "MAX_DELETE_PERCENT out of range")
        fuzzRequire((1...1000).contains(configuration.deleteAfterMissingRuns), "DELETE_AFTER_MISSING_RUNS out of range")
        for key in configuration.environment.keys {
            fuzzRequire(Configuration.isEnvironmentKey(key), "environment key \(key) accepted")
        }
    }

    /// `value` with the four characters special inside double quotes escaped.
    static func escaped(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "\"" || scalar == "$" || scalar == "`" {
                out.unicodeScalars.append("\\")
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// Whether `path` is absolute, has no control character, no `..` component and is not the root alone.
    static func isSafeAbsolutePath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.unicodeScalars.contains(where: isControl)
            && !path.split(separator: "/").contains("..") && path.contains { $0 != "/" }
    }

    /// Whether `name` matches `[A-Za-z_][A-Za-z0-9_]*`.
    static func isShellName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    /// Whether `scalar` is a C0 control character or DEL.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
