import Testing

/// Whether the moto emulator is reachable for integration tests (set by `.ci/run` and `scripts/test`).
enum Moto {
    /// The base URL of the running moto server, from `EC2SSH_TEST_MOTO_URL`.
    static var url: String? {
        guard let value = getenv("EC2SSH_TEST_MOTO_URL") else { return nil }
        return String(cString: value)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
