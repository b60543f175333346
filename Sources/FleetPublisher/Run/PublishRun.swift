import AWSCore
import EC2SSHCore
import EC2SSHSystem
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One `import_users publish`: read IAM completely, compare with the object in S3, and when something changed (or
/// the re-sign interval passed) sign a new snapshot with KMS and put it in ONE PutObject.
///
/// Order: lock, state, IAM (all or nothing), key-body cache, the object in S3 (conditional GET with the ETag of
/// the last put; verified with the KMS key when it changed), decision, sign, put, then the state: the state is
/// written only after the put succeeded, so a failed put never advances the serial.
public struct PublishRun: Sendable {
    /// What a run did.
    public enum Outcome: Sendable, Equatable {
        /// A snapshot with `serial` was put.
        case published(serial: UInt64, reason: PublishDecision.Reason)
        /// The object in S3 is current; nothing was signed or put.
        case unchanged(serial: UInt64)
        /// `--dry-run`: what would have happened.
        case dryRun(PublishDecision)
    }

    /// The settings.
    public let settings: PublisherSettings
    /// The options.
    public let options: PublishOptions
    /// The outside world.
    public let dependencies: PublishDependencies
    /// Where the run reports.
    public let logger: Logger

    /// Creates a run.
    public init(
        settings: PublisherSettings, options: PublishOptions, dependencies: PublishDependencies, logger: Logger
    ) {
        self.settings = settings
        self.options = options
        self.dependencies = dependencies
        self.logger = logger
    }

    /// Runs the publish; throws `PublishError` when nothing could be published.
    public func run() throws(PublishError) -> Outcome {
        guard options.dryRun || !settings.kmsKeyID.isEmpty else {
            throw .configuration(detail: "SNAPSHOT_KMS_KEY_ID is not set; set it to the KMS key that signs snapshots")
        }
        let store = PublisherStore(
            stateDirectory: settings.stateDirectory, fileSystem: dependencies.fileSystem, uid: dependencies.uid)
        try store.prepare()
        let release: @Sendable () -> Void
        do {
            release = try dependencies.lock(store.lockPath)
        } catch let error as SystemError where error.kind == .lockHeld {
            throw .lockHeld(path: store.lockPath)
        } catch {
            throw .unusableState(path: store.lockPath, detail: "cannot take the lock: \(error)")
        }
        defer { release() }
        return try publish(store: store)
    }

    private func publish(store: PublisherStore) throws(PublishError) -> Outcome {
        let state = try usableState(store.loadState())
        let cache = store.loadCache { logger.warning("\($0)") }
        let read = try DirectoryReader(iam: dependencies.iam, tags: settings.tags).read(cache: cache)
        let keyCount = read.users.reduce(0) { $0 + $1.keys.count }
        logger.info(
            "read IAM: \(read.users.count) users, \(read.groups.count) groups, \(keyCount) active keys; requests: \(Self.describe(read.calls))"
        )
        if !options.dryRun { store.saveCache(read.cache) { logger.warning("\($0)") } }
        let content = try SnapshotPackage.contentSHA256(users: read.users, groups: read.groups)
        let current = try currentObject(state: state)
        let now = Self.wholeSeconds(dependencies.time.now())
        let decision = try PublishDecision.decide(
            lastSerial: state?.serial, current: current, contentSHA256: content, now: now,
            resignInterval: settings.resignInterval)
        let snapshot: FleetSnapshot
        switch decision {
        case .unchanged(let serial, let age):
            if options.dryRun {
                report(decision, snapshot: nil, package: nil, read: read)
                return .dryRun(decision)
            }
            let message =
                "snapshot \(serial) in \(Self.url(settings.location)) is current (signed \(Int(age)) s ago, "
                + "re-signed after \(settings.resignInterval) s); nothing to publish"
            logger.info("\(message)")
            return .unchanged(serial: serial)
        case .publish(let serial, _):
            snapshot = FleetSnapshot(serial: serial, generated: now, users: read.users, groups: read.groups)
        }
        let package = try SnapshotPackage.prepare(snapshot, location: settings.location)
        if options.dryRun {
            report(decision, snapshot: snapshot, package: package, read: read)
            return .dryRun(decision)
        }
        guard case .publish(let serial, let reason) = decision else { return .dryRun(decision) }
        let signature: [UInt8]
        do {
            signature = try dependencies.kms.sign(keyID: settings.kmsKeyID, message: package.manifest)
        } catch {
            throw .storage(operation: "kms:Sign", error: Self.aws(error))
        }
        let envelope = SnapshotPackage.envelope(package, signature: signature)
        let etag: String?
        do {
            etag = try dependencies.s3Writer.putObject(
                settings.location, body: envelope, contentType: SnapshotPackage.contentType, metadata: [:])
        } catch {
            throw .storage(operation: "s3:PutObject", error: Self.aws(error))
        }
        try store.saveState(
            PublisherState(
                bucket: settings.location.bucket, key: settings.location.key, serial: serial,
                generated: Int64(now.timeIntervalSince1970), contentSHA256: content,
                snapshotSHA256: package.sha256, etag: etag))
        let message =
            "published snapshot \(serial) to \(Self.url(settings.location)) (\(reason)): \(read.users.count) users, "
            + "\(read.groups.count) groups, \(envelope.count) bytes, sha256 \(package.sha256)"
        logger.notice("\(message)")
        return .published(serial: serial, reason: reason)
    }

    /// `state` when it is about the configured location; a state of another location is ignored (with a warning).
    private func usableState(_ state: PublisherState?) -> PublisherState? {
        guard let state else { return nil }
        guard state.bucket == settings.location.bucket, state.key == settings.location.key else {
            let message =
                "the publisher state is about s3://\(state.bucket)/\(state.key), not \(Self.url(settings.location)); "
                + "the serial continues from the object in S3"
            logger.warning("\(message)")
            return nil
        }
        return state
    }

    /// The object now in S3: the state's when the ETag still matches (a 304), else the object read and checked
    /// with the KMS key's public key; `nil` when there is none (`NoSuchKey`).
    private func currentObject(state: PublisherState?) throws(PublishError) -> PublishedObject? {
        let result: S3GetResult
        do {
            result = try dependencies.s3Reader.getObject(settings.location, ifNoneMatch: state?.etag)
        } catch let error as AWSError where error.code == "NoSuchKey" {
            return nil
        } catch {
            throw .storage(operation: "s3:GetObject", error: Self.aws(error))
        }
        switch result {
        case .notModified:
            guard let state else {
                throw .storage(
                    operation: "s3:GetObject",
                    error: .malformedResponse(detail: "304 Not Modified to a GET without If-None-Match"))
            }
            return PublishedObject(
                serial: state.serial, generated: Date(timeIntervalSince1970: Double(state.generated)),
                contentSHA256: state.contentSHA256, verified: true)
        case .object(let object):
            let verifier = try verifier()
            let inspected = SnapshotPackage.inspect(object.body, location: settings.location, verifier: verifier)
            if let problem = inspected.problem {
                logger.warning(
                    "the object in \(Self.url(settings.location)) does not verify: \(problem); it is replaced")
            }
            return inspected
        }
    }

    /// A verifier for the KMS key (`kms:GetPublicKey`); `nil` in a dry run without SNAPSHOT_KMS_KEY_ID.
    private func verifier() throws(PublishError) -> (any SignatureVerifying)? {
        guard !settings.kmsKeyID.isEmpty else { return nil }
        let der: [UInt8]
        do {
            der = try dependencies.kms.publicKey(keyID: settings.kmsKeyID)
        } catch {
            throw .storage(operation: "kms:GetPublicKey", error: Self.aws(error))
        }
        do {
            return try dependencies.makeVerifier(der)
        } catch {
            throw .configuration(
                detail: "the public key of SNAPSHOT_KMS_KEY_ID is not an ECC_NIST_P256 key (\(error)); create the key "
                    + "with KeySpec ECC_NIST_P256 and KeyUsage SIGN_VERIFY")
        }
    }

    /// The dry run's report on standard output.
    private func report(
        _ decision: PublishDecision, snapshot: FleetSnapshot?, package: SnapshotPackage.Prepared?,
        read: DirectoryReader.Result
    ) {
        let keys = read.users.reduce(0) { $0 + $1.keys.count }
        var lines = ["dry run: nothing was signed, put or recorded", "target: \(Self.url(settings.location))"]
        switch decision {
        case .unchanged(let serial, let age):
            lines.append(
                "would publish nothing: snapshot \(serial) is current (signed \(Int(age)) s ago, "
                    + "SNAPSHOT_RESIGN_INTERVAL \(settings.resignInterval) s)")
        case .publish(let serial, let reason):
            lines.append("would publish serial \(serial): \(reason)")
            if let snapshot, let package {
                lines.append("generated: \(Self.timestamp(snapshot.generated))")
                lines.append("snapshot: \(package.snapshotLength) bytes, sha256 \(package.sha256)")
            }
        }
        lines.append("users: \(read.users.count), groups: \(read.groups.count), active keys: \(keys)")
        lines.append("IAM requests: " + Self.describe(read.calls))
        dependencies.output(lines.joined(separator: "\n") + "\n")
    }

    static func describe(_ calls: [String: Int]) -> String {
        calls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func url(_ location: S3Location) -> String { "s3://\(location.bucket)/\(location.key)" }

    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }

    static func aws(_ error: any Error) -> AWSError {
        error as? AWSError ?? .malformedResponse(detail: "\(error)")
    }
}
