import FleetPublisher
import Testing

/// The publisher's files round-trip and refuse what they do not know; the PEM export is what readers pin.
@Suite struct PublisherFilesTests {
    @Test func theStateRoundTrips() throws {
        let state = PublisherState(
            bucket: "b", key: "k", serial: 42, generated: 1_800_000_000, contentSHA256: "c", snapshotSHA256: "s",
            etag: "\"e\"")
        #expect(try PublisherState.decode(state.encoded()) == state)
    }

    @Test(arguments: [
        "", "{}",
        "{\"format\":2,\"bucket\":\"b\",\"key\":\"k\",\"serial\":1,\"generated\":0,\"contentSHA256\":\"c\",\"snapshotSHA256\":\"s\"}",
    ])
    func aStateFileOfAnotherFormatIsRefused(text: String) {
        #expect(throws: (any Error).self) { try PublisherState.decode(Array(text.utf8)) }
    }

    @Test func theKeyCacheRoundTripsAndServesAnIdOnlyToItsUser() throws {
        let cache = KeyBodyCache(entries: ["APKA": .init(user: "alice", body: "ssh-ed25519 AAAA", fingerprint: "f")])
        let decoded = try KeyBodyCache.decode(cache.encoded())
        #expect(decoded == cache)
        #expect(decoded.entry(id: "APKA", user: "alice")?.body == "ssh-ed25519 AAAA")
        #expect(decoded.entry(id: "APKA", user: "mallory") == nil)
        #expect(decoded.entry(id: "APKB", user: "alice") == nil)
    }

    @Test func aPEMHasTheStandardFraming() {
        let pem = PublicKeyPEM.encode(Array(0..<91))
        let lines = pem.split(separator: "\n")
        #expect(lines.first == "-----BEGIN PUBLIC KEY-----")
        #expect(lines.last == "-----END PUBLIC KEY-----")
        #expect(lines.count == 4)
        #expect(lines[1].count == 64)
        #expect(lines[1].hasPrefix("AAECAwQFBgcICQoLDA0ODxAR"))
        #expect(pem.hasSuffix("-----\n"))
    }
}
