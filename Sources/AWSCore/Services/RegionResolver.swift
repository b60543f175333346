/// Finds the AWS region the SDK way: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, then IMDS.
public struct RegionResolver: Sendable {
    /// The environment (the process environment merged with the config file's `AWS_*` lines).
    public let environment: [String: String]
    /// Reads the shared config file.
    public let files: any FileReading
    /// The metadata client, or `nil` when IMDS is disabled.
    public let imds: IMDSClient?

    /// A region and where it came from, for logs.
    public struct Resolved: Sendable, Equatable {
        /// The region, for example `eu-west-1`.
        public var region: String
        /// Where it was found, for example `AWS_REGION` or `IMDS`.
        public var source: String

        /// Creates a resolved region.
        public init(region: String, source: String) {
            self.region = region
            self.source = source
        }
    }

    /// Creates the resolver.
    public init(environment: [String: String], files: any FileReading, imds: IMDSClient?) {
        self.environment = environment
        self.files = files
        self.imds = imds
    }

    /// The region; throws `AWSError.configuration` when no source names one.
    public func region() throws -> String {
        try resolve().region
    }

    /// The region and its source; throws `AWSError.configuration` when no source names one or it is invalid.
    public func resolve() throws -> Resolved {
        for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let value = environment[variable], !value.isEmpty {
                return try validated(Resolved(region: value, source: variable))
            }
        }
        let shared = try SharedConfigFiles.load(environment: environment, files: files)
        let profileName = SharedConfigFiles.profileName(environment: environment)
        if let value = shared.configProfiles[profileName]?["region"], !value.isEmpty {
            return try validated(
                Resolved(region: value, source: "profile '\(profileName)' in \(shared.configPath ?? "config file")"))
        }
        guard let imds else {
            throw AWSError.configuration(
                detail: "no AWS region: AWS_REGION, AWS_DEFAULT_REGION and the profile's region are unset and IMDS "
                    + "is disabled; set AWS_REGION in /etc/aws-ec2-ssh.conf")
        }
        let region: String
        do {
            region = try imds.region()
        } catch {
            throw AWSError.configuration(
                detail: "no AWS region: AWS_REGION, AWS_DEFAULT_REGION and the profile's region are unset and IMDS "
                    + "(\(imds.endpoint)) failed: \(error); set AWS_REGION in /etc/aws-ec2-ssh.conf")
        }
        return try validated(Resolved(region: region, source: "IMDS"))
    }

    /// Throws unless the region is lowercase letters, digits and dashes (it becomes part of host names).
    private func validated(_ resolved: Resolved) throws -> Resolved {
        let valid = resolved.region.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-")
        }
        guard valid, resolved.region.utf8.count <= 64 else {
            throw AWSError.configuration(
                detail: "region '\(resolved.region)' from \(resolved.source) is not a region name such as eu-west-1; "
                    + "set AWS_REGION in /etc/aws-ec2-ssh.conf")
        }
        return resolved
    }
}
