import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// authorized_keys_command against moto with real signatures over libcurl.
///
/// The command is wired exactly as in production (`KeyCommandWiring.makeCommand`); only the passwd database is
/// faked and the managed users index is seen as root-owned. Fault tests go through scripts/fault-proxy.py when
/// `EC2SSH_TEST_FAULT_URL` is set (scripts/fault-proxy-up).
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct KeyCommandMotoTests {
    let moto: MotoEnvironment
    let admin: QueryClient
    let iam: IAMClient

    init() throws {
        moto = try #require(MotoEnvironment.current)
        admin = try moto.queryClient(.iam)
        iam = IAMClient(query: admin)
    }

    static var faultURL: String? {
        MotoEnvironment.variable("EC2SSH_TEST_FAULT_URL").flatMap { $0.hasPrefix("http://127.0.0.1:") ? $0 : nil }
    }

    /// An IAM user with `keys`; returns its name and key ids in upload order.
    func makeUser(_ prefix: String, keys: [String]) throws -> (String, [String]) {
        let name = MotoEnvironment.uniqueName(prefix)
        _ = try admin.call("CreateUser", [("UserName", name)])
        var ids: [String] = []
        for key in keys {
            let result = try admin.call("UploadSSHPublicKey", [("UserName", name), ("SSHPublicKeyBody", key)])
            ids.append(try #require(result.text(of: "SSHPublicKey/SSHPublicKeyId")))
        }
        return (name, ids)
    }

    @Test func onlyActiveKeysArePrinted() throws {
        let (name, ids) = try makeUser("keys", keys: [TestKeys.ed25519, TestKeys.rsa])
        _ = try admin.call(
            "UpdateSSHPublicKey", [("UserName", name), ("SSHPublicKeyId", ids[1]), ("Status", "Inactive")])
        let host = try KeyHost(users: [name])
        let outcome = host.run(name, settings: host.settings(moto.awsEnvironment()))
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.audit.source == .iam)
        #expect(outcome.audit.keyIDs == [ids[0]])
    }

    @Test func unknownIAMUserGetsNothingAndLosesItsCache() throws {
        let name = MotoEnvironment.uniqueName("ghost")
        let host = try KeyHost(users: [name])
        try host.seedCache(name, age: 1, lines: [TestKeys.ed25519])
        let outcome = host.run(name, settings: host.settings(moto.awsEnvironment()))
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.refusal == .iamUserGone(iamUserName: name))
        #expect(try host.cache.load(localName: name) == nil)
    }

    @Test func membershipOfTheAuthorizedGroupsIsCheckedLive() throws {
        let (name, _) = try makeUser("grp", keys: [TestKeys.ed25519])
        let group = MotoEnvironment.uniqueName("devs")
        _ = try admin.call("CreateGroup", [("GroupName", group)])
        _ = try admin.call("AddUserToGroup", [("GroupName", group), ("UserName", name)])
        let host = try KeyHost(users: [name])
        let settings = host.settings(moto.awsEnvironment(), extra: "IAM_AUTHORIZED_GROUPS=\"\(group)\"\n")
        #expect(host.run(name, settings: settings).lines == [TestKeys.ed25519])
        _ = try admin.call("RemoveUserFromGroup", [("GroupName", group), ("UserName", name)])
        let outcome = host.run(name, settings: settings)
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.refusal == .notInAuthorizedGroups(groups: [group]))
        #expect(try host.cache.load(localName: name) == nil)
    }

    @Test func wrongSecretIsAnAWSErrorAndNeverTheStaleCache() throws {
        let (name, _) = try makeUser("badkey", keys: [TestKeys.ed25519])
        let host = try KeyHost(users: [name])
        try host.seedCache(name, age: 1, lines: [TestKeys.rsa])
        let outcome = host.run(name, settings: host.settings(moto.awsEnvironment(secret: "wrong-secret")))
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.errorCode != nil)
        #expect(outcome.audit.source == .none)
    }

    // MARK: through the fault proxy

    @Test(
        .enabled(if: faultURL != nil, "needs scripts/fault-proxy-up (EC2SSH_TEST_FAULT_URL)"),
        arguments: ["throttle", "server-error", "unavailable", "hang"])
    func iamFailureServesTheStaleCacheWithinItsBoundOnly(fault: String) throws {
        let proxy = try FaultProxy(try #require(Self.faultURL))
        let (name, _) = try makeUser("stale", keys: [TestKeys.ed25519])
        let host = try KeyHost(users: [name])
        let env = moto.awsEnvironment().merging(["AWS_ENDPOINT_URL": proxy.url]) { $1 }
        let settings = host.settings(env, extra: "KEY_CACHE_STALE_MAX=\"60\"\nKEY_COMMAND_TIMEOUT=\"2\"\n")
        #expect(host.run(name, settings: settings).audit.source == .iam)
        try proxy.add(action: "ListSSHPublicKeys", userName: name, fault: fault, seconds: 4)

        let start = SystemTimeSource().monotonicSeconds()
        let stale = host.run(name, settings: settings)
        #expect(stale.lines == [TestKeys.ed25519])
        #expect(stale.audit.source == .staleCache)
        #expect(stale.audit.errorCode != nil)
        #expect(SystemTimeSource().monotonicSeconds() - start < 2)

        try host.seedCache(name, age: 61, lines: [TestKeys.ed25519])
        let beyond = host.run(name, settings: settings)
        #expect(beyond.lines.isEmpty)
        #expect(beyond.audit.source == .none)
    }

    @Test(.enabled(if: faultURL != nil, "needs scripts/fault-proxy-up (EC2SSH_TEST_FAULT_URL)"))
    func liveIAMMakesOneListAndOneGetPerActiveKeyAndTheTTLCacheNone() throws {
        let proxy = try FaultProxy(try #require(Self.faultURL))
        let (name, ids) = try makeUser("count", keys: [TestKeys.ed25519, TestKeys.rsa])
        let host = try KeyHost(users: [name])
        let env = moto.awsEnvironment().merging(["AWS_ENDPOINT_URL": proxy.url]) { $1 }
        try proxy.add(action: "*", userName: name, fault: "count")
        let settings = host.settings(env, extra: "KEY_CACHE_TTL=\"300\"\n")
        #expect(host.run(name, settings: settings).lines.count == 2)
        #expect(try proxy.hits(userName: name) == 1 + ids.count)
        let cached = host.run(name, settings: settings)
        #expect(cached.audit.source == .cache)
        #expect(cached.lines.count == 2)
        #expect(try proxy.hits(userName: name) == 1 + ids.count)
    }

    /// Issue 10, finding 6: with only the instance role to give credentials, a metadata service that accepts
    /// connections and never answers is an unreachable AWS (stale-cache rules apply), not "no credentials".
    @Test(.enabled(if: faultURL != nil, "needs scripts/fault-proxy-up (EC2SSH_TEST_FAULT_URL)"))
    func aMetadataServiceThatNeverAnswersServesTheStaleCache() throws {
        let proxy = try FaultProxy(try #require(Self.faultURL))
        let (name, _) = try makeUser("imdshang", keys: [TestKeys.ed25519])
        let host = try KeyHost(users: [name])
        try host.seedCache(name, age: 30, lines: [TestKeys.ed25519])
        let prefix = "/imds-\(name)"
        try proxy.add(action: "*", fault: "hang", seconds: 5, path: prefix)
        var env = moto.awsEnvironment().merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": proxy.url + prefix]) { $1 }
        env["AWS_ACCESS_KEY_ID"] = nil
        env["AWS_SECRET_ACCESS_KEY"] = nil
        let settings = host.settings(env, extra: "KEY_CACHE_STALE_MAX=\"60\"\nKEY_COMMAND_TIMEOUT=\"2\"\n")
        let start = SystemTimeSource().monotonicSeconds()
        let outcome = host.run(name, settings: settings)
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.audit.source == .staleCache)
        #expect(outcome.audit.errorCode != nil && outcome.audit.errorCode != "NoCredentials")
        #expect(SystemTimeSource().monotonicSeconds() - start < 2)
        #expect(try proxy.hits(path: prefix) >= 1)
    }

    /// Issue 10, finding 6: the instance role's credentials are kept in the cache directory (0600), so the next
    /// login asks the metadata service nothing.
    @Test(.enabled(if: faultURL != nil, "needs scripts/fault-proxy-up (EC2SSH_TEST_FAULT_URL)"))
    func instanceRoleCredentialsAreCachedAcrossInvocations() throws {
        let proxy = try FaultProxy(try #require(Self.faultURL))
        let (name, _) = try makeUser("imdsrole", keys: [TestKeys.ed25519])
        let host = try KeyHost(users: [name])
        try proxy.add(action: "*", fault: "count", path: "/latest/")
        var env = moto.awsEnvironment().merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": proxy.url]) { $1 }
        env["AWS_ACCESS_KEY_ID"] = nil
        env["AWS_SECRET_ACCESS_KEY"] = nil
        let settings = host.settings(env)
        let before = try proxy.hits(path: "/latest/")
        _ = host.run(name, settings: settings)
        let first = try proxy.hits(path: "/latest/") - before
        #expect(first == 3)  // token, role name, credentials
        let stored = try host.directoryListing().filter { $0.hasPrefix("instance-role-") }
        #expect(stored.count == 1)
        let status = try #require(try PosixFileSystem().status(host.cacheDir + "/" + (stored.first ?? "")))
        #expect(status.mode == 0o600)
        _ = host.run(name, settings: settings)
        #expect(try proxy.hits(path: "/latest/") - before == first)
    }

    @Test(.enabled(if: faultURL != nil, "needs scripts/fault-proxy-up (EC2SSH_TEST_FAULT_URL)"))
    func assumedRoleCredentialsAreCachedAcrossInvocations() throws {
        let proxy = try FaultProxy(try #require(Self.faultURL))
        let (name, _) = try makeUser("role", keys: [TestKeys.ed25519])
        let host = try KeyHost(users: [name])
        let env = moto.awsEnvironment().merging(["AWS_ENDPOINT_URL": proxy.url]) { $1 }
        let settings = host.settings(env, extra: "ASSUMEROLE=\"\(moto.roleARN)\"\n")
        // One rule per role ARN; only the first matching rule counts a request, so compare before and after.
        try proxy.add(action: "AssumeRole", params: ["RoleArn": moto.roleARN], fault: "count")
        let before = try proxy.hits(params: ["RoleArn": moto.roleARN])
        #expect(host.run(name, settings: settings).lines == [TestKeys.ed25519])
        #expect(host.run(name, settings: settings).lines == [TestKeys.ed25519])
        #expect(try proxy.hits(params: ["RoleArn": moto.roleARN]) - before == 1)
        let stored = try host.directoryListing().filter { $0.hasPrefix("assume-role-") }
        #expect(stored.count == 1)
        let status = try #require(try PosixFileSystem().status(host.cacheDir + "/" + stored[0]))
        #expect(status.mode == 0o600)
    }
}

/// A throwaway host: a STATE_DIR with the managed users index (seen as root-owned), a private KEY_CACHE_DIR, and
/// a passwd database with one account per managed IAM user.
private final class KeyHost {
    let root: String
    let stateDir: String
    let cacheDir: String
    let accounts: FakeAccountDatabase
    let fileSystem: RootOwnedState
    /// The IAM UserId the index records, by IAM user name.
    let userIDs: [String: String]

    init(users: [String]) throws {
        var template = Array("/tmp/ec2ssh-keys.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HostError(message: "mkdtemp failed") }
        root = String(cString: made)
        stateDir = root + "/state"
        cacheDir = root + "/cache"
        let real = PosixFileSystem()
        try real.createDirectory(stateDir, mode: 0o755, owner: nil)
        try real.createDirectory(cacheDir, mode: 0o700, owner: nil)
        var index = ManagedUsersIndex()
        var locals: [LocalUser] = []
        var ids: [String: String] = [:]
        for (offset, name) in users.enumerated() {
            let local = try #require(NameMapping.localName(forIAMName: name))
            ids[name] = "AIDA\(offset)"
            index.users[local] = .init(iamUserName: name, iamUserID: "AIDA\(offset)", uid: 2000 + UInt32(offset))
            locals.append(
                LocalUser(name: local, uid: 2000 + UInt32(offset), gid: 2000, home: "/nonexistent", shell: "/bin/sh"))
        }
        try real.writeFileAtomically(
            stateDir + "/" + ManagedUsersIndex.fileName, contents: Array(try index.encoded()), mode: 0o644, owner: nil)
        var accounts = FakeAccountDatabase(locals.map { ($0.name, $0.uid) })
        accounts.users = locals
        self.accounts = accounts
        userIDs = ids
        fileSystem = RootOwnedState(stateDir: stateDir)
    }

    deinit {
        let real = PosixFileSystem()
        for directory in [stateDir, cacheDir] {
            for name in (try? real.listDirectory(directory)) ?? [] {
                try? real.removeFile(directory + "/" + name)
            }
            rmdir(directory)
        }
        rmdir(root)
    }

    var cache: KeyCache {
        get throws { try KeyCache.open(directory: cacheDir, fileSystem: PosixFileSystem(), uid: geteuid()) }
    }

    func settings(_ environment: [String: String], extra: String = "") -> ToolSettings {
        let text = "STATE_DIR=\"\(stateDir)\"\nKEY_CACHE_DIR=\"\(cacheDir)\"\n" + extra
        let configuration = (try? Configuration.parse(text, path: "test.conf").0) ?? Configuration()
        return ToolSettings(
            path: "test.conf", configuration: configuration, warnings: [],
            environment: environment.merging(configuration.environment) { $1 })
    }

    func run(_ iamName: String, settings: ToolSettings, sessionHost: String = "itest") -> KeyCommand.Outcome {
        let command = KeyCommandWiring.makeCommand(
            settings: settings, accounts: accounts, fileSystem: fileSystem, uid: geteuid(),
            deadline: KeyCommand.Deadline(time: SystemTimeSource()),
            sessionHost: sessionHost)
        return command.run(KeyCommand.Request(user: NameMapping.localName(forIAMName: iamName) ?? iamName))
    }

    func seedCache(_ iamName: String, age: Double, lines: [String]) throws {
        let local = try #require(NameMapping.localName(forIAMName: iamName))
        try cache.save(
            KeyCacheEntry(
                localUserName: local, iamUserName: iamName, iamUserID: userIDs[iamName],
                fetchedAt: Date().addingTimeInterval(-age),
                keys: lines.enumerated().map { KeyCacheEntry.Key(id: "SEED\($0.offset)", line: $0.element) }))
    }

    func directoryListing() throws -> [String] {
        try PosixFileSystem().listDirectory(cacheDir)
    }
}

private struct HostError: Error {
    let message: String
}

/// The real filesystem, except that STATE_DIR and the index in it are reported as owned by root, as on a host.
private struct RootOwnedState: FileSystem {
    let stateDir: String
    let real = PosixFileSystem()

    func readFile(_ path: String) throws -> [UInt8]? { try real.readFile(path) }
    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        try real.writeFileAtomically(path, contents: contents, mode: mode, owner: owner)
    }
    func removeFile(_ path: String) throws { try real.removeFile(path) }
    func listDirectory(_ path: String) throws -> [String] { try real.listDirectory(path) }
    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        try real.createDirectory(path, mode: mode, owner: owner)
    }
    func status(_ path: String) throws -> FileStatus? {
        guard var status = try real.status(path) else { return nil }
        if path == stateDir || path.hasPrefix(stateDir + "/") {
            status.uid = 0
            status.gid = 0
        }
        return status
    }
}

/// The control endpoint of scripts/fault-proxy.py: add rules, read their hit counts.
private struct FaultProxy {
    let url: String
    let transport = CurlTransport(environment: [:])

    struct Rule: Codable {
        var action: String
        var params: [String: String]?
        var fault: String
        var seconds: Double?
        var path: String?
        var hits: Int?
    }

    init(_ url: String) throws {
        self.url = url
    }

    func add(
        action: String, userName: String? = nil, params: [String: String] = [:], fault: String, seconds: Double? = nil,
        path: String? = nil
    )
        throws
    {
        var all = params
        if let userName { all["UserName"] = userName }
        let rule = Rule(action: action, params: all, fault: fault, seconds: seconds, path: path)
        _ = try send("POST", Array(try JSONEncoder().encode([rule])))
    }

    /// The hits of the rules matching request paths that start with `path`.
    func hits(path: String) throws -> Int {
        let rules = try JSONDecoder().decode([Rule].self, from: Data(try send("GET", [])))
        return rules.filter { $0.path == path }.reduce(0) { $0 + ($1.hits ?? 0) }
    }

    func hits(userName: String) throws -> Int {
        try hits(params: ["UserName": userName])
    }

    func hits(params: [String: String]) throws -> Int {
        let rules = try JSONDecoder().decode([Rule].self, from: Data(try send("GET", [])))
        return rules.filter { rule in params.allSatisfy { rule.params?[$0.key] == $0.value } }.reduce(0) {
            $0 + ($1.hits ?? 0)
        }
    }

    private func send(_ method: String, _ body: [UInt8]) throws -> [UInt8] {
        let response = try transport.send(
            HTTPRequest(
                method: method, url: url + "/__faults__", headers: [HTTPField("Content-Type", "application/json")],
                body: body),
            timeouts: HTTPTimeouts(connect: 2, total: 5))
        guard response.status == 200 else { throw HostError(message: "fault proxy answered \(response.status)") }
        return response.body
    }
}
