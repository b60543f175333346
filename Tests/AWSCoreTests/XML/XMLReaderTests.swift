import Testing

@testable import AWSCore

@Suite struct XMLReaderTests {
    private func parse(_ text: String) throws -> XMLElement {
        try XMLReader.parse(Array(text.utf8))
    }

    @Test func buildsTreeWithLocalNamesAttributesAndText() throws {
        let root = try parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <aws:Root xmlns:aws="urn:x" kind="k&amp;1"><aws:A>one</aws:A><B>two &amp; &lt;three&gt; &#x263A;</B>\
            <C><![CDATA[<raw>&]]></C><D/></aws:Root>
            """)
        #expect(root.name == "Root")
        #expect(root.attributes["kind"] == "k&1")
        #expect(root.children.map(\.name) == ["A", "B", "C", "D"])
        #expect(root.text(of: "A") == "one")
        #expect(root.text(of: "B") == "two & <three> \u{263A}")
        #expect(root.text(of: "C") == "<raw>&")
        #expect(root.text(of: "D") == "")
        #expect(root.text(of: "E") == nil)
        #expect(root.child("B")?.path == "Root/B")
    }

    @Test func textIsOnlyTheDirectCharacterData() throws {
        let root = try parse("<a>x<b>inner</b>y</a>")
        #expect(root.text == "xy")
        #expect(root.text(of: "b") == "inner")
    }

    @Test func pathLookupsAndChildren() throws {
        let root = try parse("<r><list><member>1</member><other/><member>2</member></list></r>")
        #expect(root.children("list/member").map(\.text) == ["1", "2"])
        #expect(root.child("list")?.children("member").count == 2)
        #expect(root.text(of: "list/member") == "1")
        #expect(root.children("missing/member").isEmpty)
        #expect(root.children("").isEmpty)
        let expected = XMLElement(
            name: "list",
            children: [
                XMLElement(name: "member", text: "1"), XMLElement(name: "other"), XMLElement(name: "member", text: "2"),
            ])
        #expect(root.child("list") == expected)
    }

    @Test func requiredNamesTheMissingPath() throws {
        let root = try parse("<ListUsersResponse><ListUsersResult/></ListUsersResponse>")
        let result = try root.required("ListUsersResult")
        let detail = malformedDetail { _ = try result.required("Users") }
        #expect(detail == "missing element ListUsersResponse/ListUsersResult/Users")
        let textDetail = malformedDetail { _ = try root.requiredText(of: "ListUsersResult/IsTruncated") }
        #expect(textDetail.contains("ListUsersResponse/ListUsersResult/IsTruncated"))
    }

    @Test func decodesDeclaredLatin1() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>".utf8) + [0xE9] + Array("</a>".utf8)
        #expect(try XMLReader.parse(bytes).text == "\u{E9}")
    }

    @Test(arguments: [
        ("<a><b></a>", "mismatched tag"),
        ("<a>", "no element found"),
        ("<a/><b/>", "junk after document element"),
        ("<a>&undefined;</a>", "undefined entity"),
        ("not xml at all", "syntax error"),
    ])
    func expatErrorsNameLineColumnAndCause(input: String, message: String) {
        let detail = malformedDetail { _ = try parse(input) }
        #expect(detail.contains("line 1, column"))
        #expect(detail.contains(message))
    }

    @Test func badFixtureReportsTheLine() {
        let detail = malformedDetail { _ = try XMLReader.parse(Fixture.bytes("bad-unclosed")) }
        #expect(detail.contains("line 4"))
        #expect(detail.contains("mismatched tag"))
    }

    @Test func emptyDocumentIsMalformed() {
        #expect(malformedDetail { _ = try XMLReader.parse([]) }.contains("empty"))
    }

    @Test(arguments: [
        "doctype-billion-laughs",
        "http-503-html",
    ])
    func rejectsAnyDoctype(fixture: String) {
        let detail = malformedDetail { _ = try XMLReader.parse(Fixture.bytes(fixture)) }
        #expect(detail.contains("DOCTYPE"))
    }

    @Test func rejectsInternalSubsetWithoutEntities() {
        let detail = malformedDetail { _ = try parse("<!DOCTYPE a []><a/>") }
        #expect(detail.contains("DOCTYPE"))
    }

    // Found by the xml fuzzer (scripts/fuzz): `<b:/>` became an element with an empty name, which `child("")`, meaning
    // the element itself, could never find.
    @Test(arguments: ["<a><tagSetbeTa:/></a>", "<a:/>", "<r><:/></r>"])
    func rejectsElementsWithAnEmptyLocalName(input: String) {
        #expect(malformedDetail { _ = try parse(input) }.contains("empty local name"))
    }

    @Test func capsNestingDepth() throws {
        let deep = String(repeating: "<x>", count: 10) + String(repeating: "</x>", count: 10)
        #expect(try XMLReader.parse(Array(deep.utf8), maxDepth: 10).name == "x")
        let detail = malformedDetail { _ = try XMLReader.parse(Array(deep.utf8), maxDepth: 9) }
        #expect(detail.contains("deeper than 9"))
        let veryDeep = String(repeating: "<x>", count: 5_000) + String(repeating: "</x>", count: 5_000)
        #expect(malformedDetail { _ = try XMLReader.parse(Array(veryDeep.utf8)) }.contains("deeper than 64"))
    }

    @Test func capsDocumentSize() throws {
        let doc = Array("<a>0123456789</a>".utf8)
        #expect(try XMLReader.parse(doc, maxBytes: doc.count).text == "0123456789")
        let detail = malformedDetail { _ = try XMLReader.parse(doc, maxBytes: doc.count - 1) }
        #expect(detail.contains("exceeds the limit"))
    }

    @Test(arguments: [
        "iam-ListUsers", "iam-GetGroup", "iam-ListSSHPublicKeys", "iam-GetSSHPublicKey", "iam-ListGroupsForUser",
        "iam-ListUserTags", "iam-GetUser", "iam-GetUser-NoSuchEntity", "sts-AssumeRole", "sts-GetCallerIdentity",
        "ec2-DescribeTags", "ec2-DescribeInstances-NotFound", "iam-ListUsers-page1of3",
    ])
    func parsesRecordedFixtures(name: String) throws {
        let root = try XMLReader.parse(Fixture.bytes(name))
        #expect(!root.children.isEmpty)
        #expect(root.path == root.name)
    }
}
