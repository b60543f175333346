import EC2SSHCore
import Testing

/// The shape check of the pinned snapshot key: P-256 PEM accepted and normalised, anything else refused.
struct SnapshotKeyFileTests {
    static let p256Body =
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExZtWvqClJ6ZxAXkzo4gumLu0iLMo\n"
        + "INb1bm7heXylBhIv2On/Kl+/bfL16hyUDn5WHUbKo0b6V4KOhKRtYua/UA==\n"
    static let p256 = "-----BEGIN PUBLIC KEY-----\n" + p256Body + "-----END PUBLIC KEY-----\n"

    @Test(arguments: [
        p256,
        p256.replacing("\n", with: "\r\n"),
        "\n  " + p256.replacing("\n", with: "  \n") + "\n\n",
        "-----BEGIN PUBLIC KEY-----\n" + p256Body.replacing("\n", with: "") + "\n-----END PUBLIC KEY-----",
    ])
    func acceptsAndNormalisesP256(text: String) throws {
        #expect(try SnapshotKeyFile.normalised(text, path: "/tmp/k.pem") == Self.p256)
    }

    @Test(arguments: [
        ("", "not one PEM block"),
        ("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", "not one PEM block"),
        ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n", "not one PEM block"),
        ("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", "not valid base64"),
        (
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAaMyTkmg9nzSaSxZ2HU1JwDxqAPGRoStgHKwk5N9rfw0=\n"
                + "-----END PUBLIC KEY-----\n", "not an elliptic-curve public key"
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEVWy5w/kOJ+2CuKKA0zRH/yrycfCgTAnD\n"
                + "S4XnRS8/16UPlbRyo2JiZXgGD4wp2LeP4412m45SYmhisgz9gfb5phFUz5LAeGTq\n"
                + "1K15tltAhr31TgnU8wok/aFlJiM4vz2s\n-----END PUBLIC KEY-----\n", "not NIST P-256"
        ),
        (p256 + p256, "not one PEM block"),
        (String(repeating: "A", count: 5000), "larger than 4096 bytes"),
    ])
    func refusesWhatIsNotOneP256Key(text: String, message: String) {
        do {
            _ = try SnapshotKeyFile.normalised(text, path: "/tmp/k.pem")
            Issue.record("accepted: \(text.prefix(40))")
        } catch {
            let shown = "\(error)"
            #expect(shown.contains(message), "\(shown)")
            #expect(shown.contains("/tmp/k.pem"))
            #expect(shown.contains("--print-public-key"))
        }
    }
}
