/// Which failures are worth another attempt.
extension AWSError {
    /// AWS error codes that mean "slow down" or "try again later", whatever the HTTP status.
    public static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
        "RequestThrottled", "RequestThrottledException", "SlowDown", "PriorRequestNotComplete", "InternalError",
        "InternalFailure", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException",
        "EC2ThrottledException",
    ]

    /// AWS error codes that another attempt cannot fix, even when they come with a 5xx status.
    public static let permanentCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "NoSuchEntity", "ValidationError", "SignatureDoesNotMatch",
        "InvalidClientTokenId", "ExpiredToken", "UnrecognizedClientException", "AuthFailure", "OptInRequired",
    ]

    /// Whether trying the call again may succeed: network failures, timeouts, throttling and server errors.
    ///
    /// Service errors are retryable when their code is in `retryableCodes`, or when their HTTP status is 429 or
    /// 5xx and the code is not in `permanentCodes`. Bad responses, configuration, missing credentials and an
    /// exceeded deadline are not retryable.
    public var isRetryable: Bool {
        switch self {
        case .transport, .timeout:
            return true
        case .httpStatus(let status, _):
            return status == 429 || status >= 500
        case .service(let code, _, _, let status):
            if AWSError.retryableCodes.contains(code) { return true }
            if AWSError.permanentCodes.contains(code) { return false }
            return status == 429 || status >= 500
        case .malformedResponse, .noCredentials, .configuration, .deadlineExceeded:
            return false
        }
    }
}
