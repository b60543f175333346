import AWSCore
import EC2SSHShared

/// What an operator should do about a failed AWS read, one short sentence per kind of failure.
public enum AWSFailureAdvice {
    /// The advice for `error` (an `AWSError` or anything else a read threw).
    public static func advice(for error: any Error) -> String {
        guard let error = error as? AWSError else { return generic }
        switch error {
        case .noCredentials:
            return "give this host AWS credentials: attach an instance profile (IAM role) to the instance, or set "
                + "AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in /etc/aws-ec2-ssh.conf"
        case .service(let code, _, _, _):
            return advice(forCode: code)
        case .transport:
            return "check that this host can reach the IAM endpoint (network, DNS, firewall, AWS_ENDPOINT_URL, "
                + "HTTPS_PROXY and NO_PROXY)"
        case .timeout, .deadlineExceeded:
            return "the endpoint did not answer in time: check the network path to IAM, the proxy (HTTPS_PROXY) "
                + "and AWS_ENDPOINT_URL"
        case .configuration:
            return "fix the AWS setting named above (region, endpoint or profile) in /etc/aws-ec2-ssh.conf or the "
                + "environment"
        case .httpStatus, .malformedResponse:
            return "the endpoint is not answering like IAM: check AWS_ENDPOINT_URL and any proxy (HTTPS_PROXY)"
        }
    }

    /// The advice for an AWS error code.
    static func advice(forCode code: String) -> String {
        switch code {
        case "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure":
            return "AWS rejected the credentials: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the "
                + "profile or instance role) and that the clock is right"
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
            return "the AWS credentials have expired: renew them (or the AWS_SESSION_TOKEN), and check the clock"
        case "AccessDenied", "AccessDeniedException":
            return "grant the role the IAM read permissions in etc/iam (iam:ListUsers, iam:GetGroup, "
                + "iam:ListSSHPublicKeys, iam:GetSSHPublicKey, iam:ListGroupsForUser when IAM_AUTHORIZED_GROUPS is "
                + "set, and iam:ListUserTags when ACCESS_EXPIRY_TAG is set); import_users check names the missing ones"
        case "NoSuchEntity":
            return "create the IAM group, or correct the group names in /etc/aws-ec2-ssh.conf"
        default:
            return AWSError.retryableCodes.contains(code)
                ? "IAM is throttling or unavailable: the next run tries again; spread the fleet's runs if it persists"
                : generic
        }
    }

    /// The advice when nothing more specific is known.
    public static let generic =
        "check the credentials, the IAM permissions (iam:ListUsers, iam:GetGroup) and the network, then run again"
}
