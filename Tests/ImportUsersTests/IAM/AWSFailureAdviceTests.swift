import AWSCore
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

@Suite struct AWSFailureAdviceTests {
    @Test(arguments: [
        (AWSError.noCredentials(tried: ["environment (not set)"]), "attach an instance profile"),
        (.service(code: "SignatureDoesNotMatch", message: "", requestID: nil, status: 403), "rejected the credentials"),
        (.service(code: "InvalidClientTokenId", message: "", requestID: nil, status: 403), "rejected the credentials"),
        (.service(code: "ExpiredToken", message: "", requestID: nil, status: 403), "have expired"),
        (.service(code: "AccessDenied", message: "", requestID: nil, status: 403), "IAM read permissions in etc/iam"),
        (.service(code: "NoSuchEntity", message: "", requestID: nil, status: 404), "create the IAM group"),
        (.service(code: "Throttling", message: "", requestID: nil, status: 400), "the next run tries again"),
        (.service(code: "Odd", message: "", requestID: nil, status: 400), "check the credentials, the IAM permissions"),
        (.transport(detail: "refused"), "can reach the IAM endpoint"),
        (.timeout(detail: "slow"), "did not answer in time"),
        (.deadlineExceeded(operation: "iam:ListUsers", attempts: 2, last: "x"), "did not answer in time"),
        (.malformedResponse(detail: "xml"), "not answering like IAM"),
        (.httpStatus(status: 502, detail: "html"), "not answering like IAM"),
        (.configuration(detail: "region"), "fix the AWS setting"),
    ])
    func eachFailureGetsItsAdvice(error: AWSError, advice: String) {
        #expect(AWSFailureAdvice.advice(for: error).contains(advice))
    }

    @Test func anythingElseGetsTheGenericAdvice() {
        struct Other: Error {}
        #expect(AWSFailureAdvice.advice(for: Other()) == AWSFailureAdvice.generic)
    }

    @Test(arguments: [(0.04635994987228952, "46 ms"), (1.5, "1500 ms"), (0, "0 ms"), (-1, "0 ms")])
    func retryDelaysAreWholeMilliseconds(seconds: Double, text: String) {
        #expect(ImportWiring.milliseconds(seconds) == text)
    }
}
