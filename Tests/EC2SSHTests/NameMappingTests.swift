import Testing

@testable import EC2SSH

@Suite struct NameMappingTests {
    @Test(arguments: [
        ("alice", "alice"),
        ("a+b=c,d@e.io", "a.plus.b.equal.c.comma.d.at.e.io"),
        ("first.last", "first.last"),
    ])
    func mapsAndReverses(iam: String, local: String) {
        #expect(NameMapping.localName(forIAMName: iam) == local)
        #expect(NameMapping.iamName(forLocalName: local) == iam)
    }

    @Test(arguments: ["", "with space", "x/y", "thisnameiswaytoolongforalocalaccount1", "tab\tname", "ünicode"])
    func rejectsInvalid(iam: String) {
        #expect(NameMapping.localName(forIAMName: iam) == nil)
    }
}
