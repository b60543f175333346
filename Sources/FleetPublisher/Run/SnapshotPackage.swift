import AWSCore
import EC2SSHCore
import FoundationEssentials

// TEMPORARY STUB until wt-fleetformat's codec is merged (not committed).
enum SnapshotPackage {
    static let contentType = "application/vnd.aws-ec2-ssh.snapshot"
    struct Prepared: Sendable, Equatable {
        var snapshot: [UInt8]
        var manifest: [UInt8]
        var sha256: String
        var snapshotLength: Int { snapshot.count }
    }
    static func contentSHA256(users: [FleetUser], groups: [FleetGroup]) throws(PublishError) -> String {
        Digest.hex(Digest.sha256(Array("\(users)\(groups)".utf8)))
    }
    static func prepare(_ snapshot: FleetSnapshot, location: S3Location) throws(PublishError) -> Prepared {
        let bytes = Array("\(snapshot)".utf8)
        return Prepared(snapshot: bytes, manifest: [], sha256: Digest.hex(Digest.sha256(bytes)))
    }
    static func envelope(_ prepared: Prepared, signature: [UInt8]) throws(PublishError) -> [UInt8] {
        prepared.snapshot
    }
    static func inspect(_ body: [UInt8], location: S3Location, verifier: (any SignatureVerifying)?) -> PublishedObject {
        PublishedObject(serial: 0, generated: .init(timeIntervalSince1970: 0), contentSHA256: "", verified: false)
    }
}
