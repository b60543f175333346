/// Public keys generated with ssh-keygen for these tests, with the fingerprints `ssh-keygen -lf` printed.
enum TestKeys {
    static let ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOGAVX1aAC/GiW3R4zOreUv0y/QzE8t41syfBLeczgJn k-ed25519"
    static let ed25519Fingerprint = "SHA256:MX1Wg94P2nWS5DWmxJfooRhsdREaF1pVzlColnNSEA0"
    static let ecdsa =
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKufnKllwV5vxbwQqwXdGd2hlC0rvHAaBz3GUC5"
        + "wU62y7jf1kDencKFTEMCN7OqmWma0F1kypJWqHxqZ+9R+4TE= k-ecdsa"
    static let ecdsaFingerprint = "SHA256:h4p5nu2nTMvpoke3hKyzSraOV4+Lo2V43s/JR0tH3Bc"
    static let second = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKKS1r6J1KPcayCgu7I7tb6rEaGncgPMqNxr/yMF4NiL second"
    static let secondFingerprint = "SHA256:E0EZtsM5LkaXKTbpodoeODFdpcBNvNKmupTebsyHR74"
    /// An RSA key, for the tests that need a second algorithm (no fingerprint recorded).
    static let rsa =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDfg7x+2K0aoufoiBPR9mB3SanIllsQwqjOa04fdTpVmijN7cdETW6yNf0YDYhGdU3Gw"
        + "rPTZm6XIJnxzC95Kb/FHlc97PhdXy4gyKusFk0FohWc0g9pTx124RuTAOLzio3VKgR3AMqXzzLGjBZIX8Wa2IHCmm5bB1fkXHULQcnYlK"
        + "3XSNSluTFJeWtSZv/mYIBcUSwcKWN9NG5THxSW8m2ieJyKpYV7x3ke+RKz3SaO23mUsJASRbL7KMpjJBLF247GbsSAsy8rcMHAIRxNhyB"
        + "PAzjfSPcamipfOLGS6KAWLKfzVpsvl6eGpJHGITNtmlbU7FGHkROKJyDbIlgZAe/Z bob"
}
