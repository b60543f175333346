/// SNAPSHOT_URL as the fleet reader names it: the publisher's `SnapshotURL` (one parser, ConfigValue.snapshotURL).
public typealias FleetSnapshotURL = SnapshotURL

extension SnapshotURL {
    /// `s3://bucket/key`.
    public var text: String { description }
}
