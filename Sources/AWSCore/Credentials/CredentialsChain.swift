/// Asks credentials providers in order; the first one that has credentials wins.
///
/// A provider that throws stops the chain and its error propagates: a broken configuration must never
/// silently fall through to another identity (such as the instance role). When no provider has credentials
/// the chain throws `AWSError.noCredentials`, listing each provider with the reason it had none.
public struct CredentialsChain: CredentialsProvider {
    /// The providers, in the order they are asked.
    public let providers: [any CredentialsProvider]

    /// Creates a chain of `providers`.
    public init(providers: [any CredentialsProvider]) {
        self.providers = providers
    }

    /// The SDK's standard order: environment, shared files profile, then the instance role when `imds` is given
    /// (its credentials kept in `instanceRoleStore` between processes, when given).
    public static func standard(
        environment: [String: String], files: any FileReading, imds: IMDSClient?, time: any TimeSource,
        instanceRoleStore: (any CredentialsStore)? = nil
    ) -> CredentialsChain {
        var providers: [any CredentialsProvider] = [
            EnvironmentCredentialsProvider(environment: environment),
            ProfileCredentialsProvider(environment: environment, files: files),
        ]
        if let imds {
            providers.append(InstanceRoleCredentialsProvider(imds: imds, time: time, store: instanceRoleStore))
        }
        return CredentialsChain(providers: providers)
    }

    /// The name in logs, listing the providers, for example `chain(environment, ...)`.
    public var name: String { "chain(" + providers.map(\.name).joined(separator: ", ") + ")" }

    /// The first provider's credentials; throws `AWSError.noCredentials` when none has any.
    public func credentials() throws -> Credentials? {
        try resolve()
    }

    /// The first provider's credentials; throws `AWSError.noCredentials` when none has any.
    public func resolve() throws -> Credentials {
        var tried: [String] = []
        for provider in providers {
            switch try provider.lookupCredentials() {
            case .found(let credentials):
                return credentials
            case .unavailable(let reason):
                tried.append("\(provider.name) (\(reason))")
            }
        }
        throw AWSError.noCredentials(tried: tried)
    }

    /// The first provider's credentials, or the list of what was tried when none has any.
    public func lookupCredentials() throws -> CredentialsLookup {
        do {
            return .found(try resolve())
        } catch AWSError.noCredentials(let tried) {
            return .unavailable(reason: tried.joined(separator: "; "))
        }
    }
}
