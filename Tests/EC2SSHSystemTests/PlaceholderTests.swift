import Testing

@testable import EC2SSHSystem

@Suite struct SyslogTagTests {
    @Test func tagMatchesTheOriginalTool() {
        #expect(EC2SSHSystem.syslogTag == "aws-ec2-ssh")
    }
}
