import Testing

@testable import EC2SSHCore

@Suite struct LoginDefsTests {
    @Test func missingOrEmptyFileGivesShadowDefaults() {
        #expect(LoginDefs.parse("") == LoginDefs.defaults)
        #expect(LoginDefs.parse("# nothing\n\nMAIL_DIR /var/mail\n") == LoginDefs.defaults)
        #expect(LoginDefs.defaults.uidMin == 1000)
        #expect(LoginDefs.defaults.sysUIDMax == 999)
    }

    @Test func readsATypicalFile() {
        let text = """
            #
            # /etc/login.defs - Configuration control definitions for the login package.
            #
            MAIL_DIR        /var/mail
            #
            # Min/max values for automatic uid selection in useradd
            #
            UID_MIN\t\t\t  500
            UID_MAX\t\t\t60000
            # System accounts
            SYS_UID_MIN\t\t  201
            SYS_UID_MAX\t\t  499
            GID_MIN\t\t\t  600
            GID_MAX   70000
            ENCRYPT_METHOD SHA512

            """
        #expect(
            LoginDefs.parse(text)
                == LoginDefs(uidMin: 500, uidMax: 60_000, sysUIDMax: 499, gidMin: 600, gidMax: 70_000))
    }

    @Test(arguments: [
        ("UID_MIN 2000", 2000 as UInt32),
        ("UID_MIN\t0x7D0", 2000),
        ("UID_MIN 03720", 2000),
        ("UID_MIN \"2000\"", 2000),
        ("  UID_MIN 2000  \r", 2000),
        ("UID_MIN 1500\nUID_MIN 2000", 2000),
        ("UID_MIN -5", 1000),
        ("UID_MIN abc", 1000),
        ("UID_MIN 99999999999", 1000),
        ("UID_MIN", 1000),
        ("#UID_MIN 2000", 1000),
        ("UID_MINIMUM 2000", 1000),
        ("UID_MIN 08", 1000),
    ])
    func readsNumbersTolerantly(text: String, uidMin: UInt32) {
        #expect(LoginDefs.parse(text).uidMin == uidMin)
    }

    @Test func systemUIDMaximumFollowsUIDMinimumUnlessSet() {
        #expect(LoginDefs.parse("UID_MIN 500").sysUIDMax == 499)
        #expect(LoginDefs.parse("UID_MIN 500\nSYS_UID_MAX 300").sysUIDMax == 300)
        #expect(LoginDefs.parse("UID_MIN 0").sysUIDMax == 0)
    }

    @Test(arguments: [(0 as UInt32, true), (999, true), (1000, false), (65_534, false)])
    func systemUIDs(uid: UInt32, isSystem: Bool) {
        #expect(LoginDefs.defaults.isSystemUID(uid) == isSystem)
    }

    @Test func systemUIDMaximumAboveUIDMinimumCountsAsSystem() {
        let defs = LoginDefs.parse("UID_MIN 1000\nSYS_UID_MAX 1099")
        #expect(defs.isSystemUID(1050))
        #expect(!defs.isSystemUID(1100))
    }
}
