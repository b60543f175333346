import Testing

/// Guards against a CI run that silently skips the whole integration layer.
@Suite struct IntegrationLayerTests {
    @Test func motoIsConfiguredWhenRunningUnderScriptsTest() {
        if MotoEnvironment.variable("EC2SSH_REQUIRE_INTEGRATION") == "1" {
            #expect(MotoEnvironment.isAvailable, "scripts/test started moto but EC2SSH_TEST_* variables are missing")
        }
    }
}
