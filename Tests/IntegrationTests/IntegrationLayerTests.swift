import Testing

/// Guards against a CI run that silently skips the whole integration layer, or the part that needs the fault proxy.
@Suite struct IntegrationLayerTests {
    @Test func motoIsConfiguredWhenRunningUnderScriptsTest() {
        if MotoEnvironment.variable("EC2SSH_REQUIRE_INTEGRATION") == "1" {
            #expect(MotoEnvironment.isAvailable, "scripts/test started moto but EC2SSH_TEST_* variables are missing")
        }
    }

    /// The fault tests (throttling, hangs, a metadata service that never answers) are enabled only with the proxy.
    @Test func theFaultProxyIsConfiguredWhenRunningUnderScriptsTest() {
        if MotoEnvironment.variable("EC2SSH_REQUIRE_INTEGRATION") == "1" {
            #expect(
                KeyCommandMotoTests.faultURL != nil,
                "scripts/test started the fault proxy but EC2SSH_TEST_FAULT_URL is missing")
        }
    }
}
