import EC2SSHCore

/// libFuzzer's entry point for sudoers file naming and content (`SudoersFile`).
///
/// The input is read three ways: as a local name, as a file name, and as `PREFIX\nNAME`; and as a sudoers rule.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSudoersFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    SudoersFileFuzz.check(String(decoding: fuzzBytes(data, size), as: UTF8.self))
    return 0
}

/// The invariants of sudoers file naming, checked on one input.
///
/// - a valid local name gets a file name of letters, digits, `-` and `_` only (sudo skips names with a `.` or
///   ending in `~`), which maps back to that local name and is ours;
/// - a file name we call ours maps to a valid local name whose file name is exactly that file name (so two local
///   names never share a file, and no foreign file is taken for ours);
/// - an accepted prefix is non-empty letters, digits, `-` and `_`;
/// - an accepted rule gives a file of exactly two lines, the second not continued by a trailing backslash.
enum SudoersFileFuzz {
    /// Checks every invariant on `input`.
    static func check(_ input: String) {
        let standard: SudoersFile
        do {
            standard = try SudoersFile()
        } catch {
            fuzzRequire(false, "the default prefix is refused: \(error)")
            return
        }
        checkNaming(standard, input)
        let parts = input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            do {
                let custom = try SudoersFile(prefix: String(parts[0]))
                fuzzRequire(isFileNameSafe(custom.prefix), "prefix \(String(reflecting: custom.prefix)) accepted")
                checkNaming(custom, String(parts[1]))
            } catch {
                fuzzRequire(!isFileNameSafe(String(parts[0])), "prefix \(parts[0]) refused")
            }
        }
        checkRule(input)
    }

    /// Checks both directions of the naming of `files` on `text`.
    static func checkNaming(_ files: SudoersFile, _ text: String) {
        if NameMapping.isValidLocalName(text) {
            let fileName = files.fileName(forLocalName: text)
            fuzzRequire(isFileNameSafe(fileName), "local name \(text) gets file name \(fileName)")
            fuzzRequire(files.localName(forFileName: fileName) == text, "\(fileName) does not map back to \(text)")
            fuzzRequire(files.owns(fileName), "\(fileName) of \(text) is not ours")
        }
        if let local = files.localName(forFileName: text) {
            fuzzRequire(NameMapping.isValidLocalName(local), "file \(text) maps to invalid local name \(local)")
            fuzzRequire(files.fileName(forLocalName: local) == text, "file \(text) maps to \(local), which differs")
            fuzzRequire(files.owns(text), "\(text) maps to a local name but is not ours")
        }
    }

    /// An accepted rule renders as a header line and one rule line.
    static func checkRule(_ rule: String) {
        let content: String
        do {
            content = try SudoersFile.content(forLocalName: "alice", rule: rule)
        } catch {
            return
        }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        fuzzRequire(lines.count == 3 && lines[2].isEmpty, "rule \(String(reflecting: rule)) gives \(lines.count) lines")
        fuzzRequire(!content.contains { $0.isNewline && $0 != "\n" }, "rule \(String(reflecting: rule)) breaks lines")
        fuzzRequire(!content.unicodeScalars.contains("\0"), "rule \(String(reflecting: rule)) holds a NUL")
        fuzzRequire(
            lines.count < 2 || !lines[1].hasSuffix("\\"),
            "rule \(String(reflecting: rule)) ends with a backslash, which continues the sudoers line")
    }

    /// Whether `name` is non-empty and holds only ASCII letters, digits, `-` and `_`.
    static func isFileNameSafe(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }
}
