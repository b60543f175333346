import Testing

@testable import EC2SSHCore

@Suite struct HomeRemovalTests {
    typealias Status = HomeRemoval.HomeStatus

    static func facts(
        name: String = "alice", uid: UInt32 = 2000, home: String = "/home/alice", base: String = "/home",
        status: Status? = Status(kind: .directory, ownerUID: 2000), others: [String: String] = [:]
    ) -> HomeRemoval.Facts {
        HomeRemoval.Facts(
            localName: name, uid: uid, home: home, homeBase: base, homeStatus: status,
            otherHomes: ["root": "/root", "ubuntu": "/home/ubuntu"].merging(others) { $1 })
    }

    @Test(arguments: [
        facts(), facts(home: "/home/alice/"), facts(home: "//home//alice"), facts(base: "/home/"),
        facts(home: "/srv/users/alice", base: "/srv/users"), facts(others: ["alice": "/home/alice"]),
        facts(others: ["bob": "/home/alice2"]),
    ])
    func aDedicatedHomeIsRemoved(facts: HomeRemoval.Facts) {
        #expect(HomeRemoval.decide(facts) == .remove)
    }

    @Test(arguments: [
        (facts(name: ".", home: "/home/."), "account name"),
        (facts(name: "..", home: "/home/.."), "account name"),
        (facts(home: "/"), "is not the dedicated directory /home/alice"),
        (facts(home: "/home"), "is not the dedicated directory"),
        (facts(home: "/home/./alice"), "is not the dedicated directory"),
        (facts(home: "/home/bob/../alice"), "is not the dedicated directory"),
        (facts(home: "/home/alice/sub"), "is not the dedicated directory"),
        (facts(home: "/var/lib/alice"), "is not the dedicated directory"),
        (facts(home: "home/alice"), "is not the dedicated directory"),
        (facts(home: ""), "is not the dedicated directory"),
        (facts(base: "/"), "home base"),
        (facts(base: "//"), "home base"),
        (facts(base: "\"/home\""), "home base"),
        (facts(base: "/home/../etc"), "home base"),
        (facts(base: ""), "home base"),
        (facts(status: nil), "does not exist"),
        (facts(status: Status(kind: .symbolicLink, ownerUID: 2000)), "symbolic link"),
        (facts(status: Status(kind: .other, ownerUID: 2000)), "not a directory"),
        (facts(status: Status(kind: .directory, ownerUID: 0)), "owned by UID 0"),
        (facts(status: Status(kind: .directory, ownerUID: 2001)), "owned by UID 2001"),
        (facts(others: ["bob": "/home/alice"]), "account bob"),
        (facts(others: ["bob": "/home/alice/"]), "account bob"),
        (facts(others: ["bob": "/home/alice/projects/bob"]), "account bob"),
        (facts(others: ["bob": "/home/carol/../alice"]), "account bob"),
    ])
    func anythingElseIsKeptWithTheReason(facts: HomeRemoval.Facts, reason: String) {
        guard case .keep(let why) = HomeRemoval.decide(facts) else {
            Issue.record("\(facts.home) would be removed")
            return
        }
        #expect(why.contains(reason), "\(why)")
    }

    @Test(arguments: [
        (nil, "/home"), ("", "/home"), ("# HOME=/srv\n", "/home"), ("HOME=/srv/home\n", "/srv/home"),
        ("HOME=/a\nSHELL=/bin/sh\nHOME=/b\n", "/b"), (" HOME=/srv\n", "/home"), ("HOME=\"/x\"", "\"/x\""),
    ])
    func theHomeBaseIsReadLikeUseraddDoes(text: String?, base: String) {
        #expect(HomeRemoval.homeBase(fromUseraddDefaults: text) == base)
    }
}
