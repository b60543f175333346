import Testing

@testable import EC2SSHCore

@Suite struct SudoersFileTests {
    @Test(arguments: [
        ("alice", "aws-ec2-ssh-alice"),
        ("first.last", "aws-ec2-ssh-first_2Elast"),
        ("under_score", "aws-ec2-ssh-under_5Fscore"),
        ("a.plus.b.at.example.com", "aws-ec2-ssh-a_2Eplus_2Eb_2Eat_2Eexample_2Ecom"),
        ("_2E", "aws-ec2-ssh-_5F2E"),
        ("-", "aws-ec2-ssh--"),
    ])
    func namesFilesWithoutDotsAndMapsThemBack(localName: String, fileName: String) throws {
        let naming = try SudoersFile()
        #expect(naming.fileName(forLocalName: localName) == fileName)
        #expect(!fileName.contains("."))
        #expect(naming.localName(forFileName: fileName) == localName)
        #expect(naming.owns(fileName))
    }

    @Test func distinctLocalNamesNeverShareAFile() throws {
        let naming = try SudoersFile()
        let alphabet = ["a", ".", "_", "2", "E", "5", "F", "-"]
        var names = [""]
        for _ in 1...4 { names = names.flatMap { prefix in alphabet.map { prefix + $0 } } }
        var seen: [String: String] = [:]
        for name in names where NameMapping.isValidLocalName(name) {
            let file = naming.fileName(forLocalName: name)
            #expect(seen[file] == nil, "\(name) and \(seen[file] ?? "") share \(file)")
            seen[file] = name
            #expect(!file.contains("."))
            #expect(naming.localName(forFileName: file) == name)
        }
        #expect(seen.count > 4000)
    }

    @Test(arguments: [
        "90-cloud-init-users", "README", "aws-ec2-ssh-", "aws-ec2-ssh-a_2e", "aws-ec2-ssh-a_zz", "aws-ec2-ssh-a_",
        "aws-ec2-ssh-a b", "aws-ec2-ssh-thisnameiswaytoolongforalocalaccount1", "x-aws-ec2-ssh-alice",
        "aws-ec2-ssh-alice~",
    ])
    func doesNotOwnOtherFiles(fileName: String) throws {
        let naming = try SudoersFile()
        #expect(naming.localName(forFileName: fileName) == nil)
        #expect(!naming.owns(fileName))
    }

    @Test func customPrefixIsHonoured() throws {
        let naming = try SudoersFile(prefix: "iam_")
        #expect(naming.fileName(forLocalName: "a.b") == "iam_a_2Eb")
        #expect(naming.localName(forFileName: "iam_a_2Eb") == "a.b")
        #expect(naming.localName(forFileName: "aws-ec2-ssh-a_2Eb") == nil)
    }

    @Test(arguments: ["", "bad.prefix", "a/b", "sp ace", "x~"])
    func rejectsUnusablePrefixes(prefix: String) {
        #expect(throws: PlanError.invalidSudoersPrefix(prefix)) { try SudoersFile(prefix: prefix) }
    }

    @Test func contentHasHeaderQuotedNameRuleAndNewline() throws {
        let content = try SudoersFile.content(forLocalName: "first.last", rule: "ALL=(ALL) NOPASSWD:ALL")
        #expect(
            content == "# Managed by aws-ec2-ssh import_users. Do not edit.\n\"first.last\" ALL=(ALL) NOPASSWD:ALL\n")
    }

    @Test func reservedWordsAreQuotedSoTheyNameOneUser() throws {
        // sudo reads a double-quoted "ALL" as the user named ALL, not as the keyword matching everyone.
        let content = try SudoersFile.content(forLocalName: "ALL", rule: "ALL=(ALL) NOPASSWD:ALL")
        #expect(content.hasSuffix("\n\"ALL\" ALL=(ALL) NOPASSWD:ALL\n"))
    }

    @Test(arguments: ["", "   ", "ALL\nroot ALL=(ALL) ALL", "ALL\r", "ALL\0"])
    func rejectsRulesThatAreNotOneLine(rule: String) {
        #expect(throws: PlanError.invalidSudoersRule(rule)) {
            try SudoersFile.content(forLocalName: "alice", rule: rule)
        }
    }

    // Found by the sudoers-file fuzzer (scripts/fuzz): a trailing backslash continues the rule's line onto the next,
    // which the configuration parser already refused but the sudoers renderer accepted.
    @Test(arguments: ["\\", "ALL=(ALL) NOPASSWD:ALL\\", "ALL \\"])
    func rejectsRulesEndingWithABackslash(rule: String) {
        #expect(throws: PlanError.invalidSudoersRule(rule)) {
            try SudoersFile.content(forLocalName: "alice", rule: rule)
        }
    }

    @Test func acceptsABackslashInsideTheRule() throws {
        let content = try SudoersFile.content(forLocalName: "alice", rule: "ALL=(ALL) /usr/bin/printf a\\n")
        #expect(content.hasSuffix("\"alice\" ALL=(ALL) /usr/bin/printf a\\n\n"))
    }
}
