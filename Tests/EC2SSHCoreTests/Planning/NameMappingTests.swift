import Testing

@testable import EC2SSHCore

@Suite struct NameMappingTests {
    /// What one IAM name should give.
    enum Expected: Sendable, CustomStringConvertible {
        case local(String)
        case invalid
        case tooLong
        case unsafe
        case notReversible

        var description: String {
            switch self {
            case .local(let name): return "local(\(name))"
            case .invalid: return "invalid"
            case .tooLong: return "tooLong"
            case .unsafe: return "unsafe"
            case .notReversible: return "notReversible"
            }
        }
    }

    static let a32 = String(repeating: "a", count: 32)
    static let a33 = String(repeating: "a", count: 33)
    static let a64 = String(repeating: "a", count: 64)

    /// The edges of IAM's `[\w+=,.@-]{1,64}`: one character, 32/33/64 characters, every special character at the
    /// start, in the middle and at the end, names that are paths, options or numbers, and names that do not map back.
    static let table: [(String, Expected)] = [
        // One character.
        ("a", .local("a")), ("Z", .local("Z")), ("_", .local("_")), ("7", .unsafe), (".", .unsafe), ("-", .unsafe),
        ("+", .unsafe), ("=", .unsafe), (",", .unsafe), ("@", .unsafe),
        // Lengths.
        (a32, .local(a32)), (a33, .tooLong), (a64, .tooLong),
        (String(repeating: "a", count: 27) + "@b", .local(String(repeating: "a", count: 27) + ".at.b")),
        (String(repeating: "a", count: 28) + "@b", .tooLong),
        // Paths and options.
        ("..", .unsafe), ("...", .unsafe), (".ssh", .unsafe), ("-rf", .unsafe), ("--remove", .unsafe),
        ("-a", .unsafe),
        // Numbers a tool could read as a UID.
        ("0", .unsafe), ("1000", .unsafe), ("4294967295", .unsafe), ("0x0", .unsafe), ("0XfF", .unsafe),
        ("1a", .local("1a")), ("0x", .local("0x")), ("0xg", .local("0xg")),
        // Every special character at the start.
        ("+a", .unsafe), ("=a", .unsafe), (",a", .unsafe), ("@a", .unsafe), (".a", .unsafe), ("-a", .unsafe),
        ("_a", .local("_a")),
        // Every special character at the end (a trailing dot is `chown NAME.` syntax).
        ("a+", .unsafe), ("a=", .unsafe), ("a,", .unsafe), ("a@", .unsafe), ("a.", .unsafe), ("a-", .local("a-")),
        ("a_", .local("a_")),
        // Every special character in the middle.
        ("a+b", .local("a.plus.b")), ("a=b", .local("a.equal.b")), ("a,b", .local("a.comma.b")),
        ("a@b", .local("a.at.b")), ("a.b", .local("a.b")), ("a-b", .local("a-b")), ("a_b", .local("a_b")),
        ("a+b=c,d@e.io", .local("a.plus.b.equal.c.comma.d.at.e.io")), ("a..b", .local("a..b")),
        ("a@.b", .local("a.at..b")), ("a@at.b", .local("a.at.at.b")),
        // Names whose local name maps back to another IAM name.
        ("x.at.y", .notReversible), ("c+at.d", .notReversible), ("a.plus.b", .notReversible),
        ("a.equal.b", .notReversible), ("a.comma.b", .notReversible), ("a.at@b", .notReversible),
        // Not IAM characters at all.
        ("", .invalid), ("with space", .invalid), ("x/y", .invalid), ("tab\tname", .invalid), ("ünicode", .invalid),
        ("a:b", .invalid), ("a$", .invalid),
    ]

    @Test(arguments: table)
    func mapsTheEdgesOfTheIAMNameSpace(iam: String, expected: Expected) {
        let result = NameMapping.mapping(forIAMName: iam)
        switch (expected, result) {
        case (.local(let local), .success(let mapped)):
            #expect(mapped == local)
            #expect(NameMapping.localName(forIAMName: iam) == local)
            #expect(NameMapping.iamName(forLocalName: local) == iam)
        case (.invalid, .failure(.invalidCharacters)), (.tooLong, .failure(.tooLong)),
            (.unsafe, .failure(.unsafe)), (.notReversible, .failure(.notReversible)):
            #expect(NameMapping.localName(forIAMName: iam) == nil)
        default:
            Issue.record("\(String(reflecting: iam)): expected \(expected), got \(result)")
        }
    }

    @Test(arguments: [".", "..", "...", "-rf", "1000", "0x10", ".hidden", "trailing.", ""])
    func unsafeLocalNamesHaveAReason(local: String) {
        #expect(NameMapping.unsafeReason(forLocalName: local) != nil)
    }

    @Test(arguments: ["alice", "a.b", "a-", "_", "1a", "first.last", "A"])
    func ordinaryLocalNamesAreSafe(local: String) {
        #expect(NameMapping.unsafeReason(forLocalName: local) == nil)
    }

    @Test func refusalsNameTheIAMUserAndTheReason() {
        guard case .failure(let refusal) = NameMapping.mapping(forIAMName: "..") else {
            Issue.record("'..' was mapped")
            return
        }
        #expect(refusal.message(iamUserName: "..").contains("\"..\""))
        #expect(refusal.message(iamUserName: "..").contains("not imported"))
        guard case .failure(let reverse) = NameMapping.mapping(forIAMName: "x.at.y") else {
            Issue.record("'x.at.y' was mapped")
            return
        }
        #expect(reverse == .notReversible(localName: "x.at.y", reversed: "x@y"))
        #expect(reverse.message(iamUserName: "x.at.y").contains("x@y"))
    }

    /// Every IAM name of up to three characters from a small alphabet holding each special character: an accepted
    /// name gives a safe local name that maps back to it, and no two accepted names share a local name.
    @Test func everyAcceptedShortNameIsSafeAndRoundTrips() {
        let alphabet = ["a", "0", "_", ".", "-", "+", "=", ",", "@"]
        var names = alphabet
        var last = alphabet
        for _ in 2...3 {
            last = last.flatMap { prefix in alphabet.map { prefix + $0 } }
            names += last
        }
        var owners: [String: String] = [:]
        var accepted = 0
        for name in names {
            guard let local = NameMapping.localName(forIAMName: name) else { continue }
            accepted += 1
            #expect(NameMapping.isValidLocalName(local))
            #expect(NameMapping.unsafeReason(forLocalName: local) == nil, "\(name) -> \(local)")
            #expect(NameMapping.iamName(forLocalName: local) == name, "\(name) -> \(local)")
            #expect(!local.hasPrefix("-") && !local.hasPrefix(".") && !local.hasSuffix("."), "\(local)")
            #expect(local.contains { !$0.isNumber }, "\(local)")
            if let other = owners.updateValue(name, forKey: local) {
                Issue.record("\(other) and \(name) both map to \(local)")
            }
        }
        #expect(names.count == 9 + 81 + 729)
        #expect(accepted > 100)
    }
}
