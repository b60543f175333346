import Testing

@testable import EC2SSHCore

@Suite struct Base64Tests {
    /// RFC 4648 section 10 test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        #expect(Base64.encode(Array(plain.utf8), padding: false) == encoded.replacing("=", with: ""))
    }

    @Test func roundTripsEveryByteValue() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes.prefix(length))
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zm9", "Z===", "====", "=Zm9", "Zg==Zg==", "Zm9vYg=a", "Zm9v\n", "Zm9 v", " Zm9v", "Zm9v\r\n",
        "Zh==", "Zm9=", "Zm-v", "Zm_v", "Zm9vYmF\u{0}", "Zm9vYmFé",
    ])
    func rejectsNonCanonicalInput(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
