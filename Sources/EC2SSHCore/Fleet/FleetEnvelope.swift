/// The one S3 object of fleet mode: a short text header carrying the manifest and its signature, then the
/// snapshot bytes, so a reader can never pair one snapshot with another's signature.
///
/// ```
/// aws-ec2-ssh-snapshot 1
/// manifest <standard base64 of the manifest bytes>
/// signature <standard base64 of the DER ECDSA signature over the manifest bytes, or "-" when unsigned>
///
/// <snapshot bytes>
/// ```
///
/// The header (up to and including the empty line) is at most `maximumHeaderLength` bytes; base64 is strict
/// (padded, canonical, no line breaks). Decoding does not read the manifest or the snapshot: checking the
/// signature comes first (`FleetSnapshotCheck`).
public struct FleetEnvelope: Sendable, Equatable {
    /// The object's Content-Type.
    public static let contentType = "application/vnd.aws-ec2-ssh.snapshot"
    /// The longest header, the empty line included.
    public static let maximumHeaderLength = 8192
    /// The envelope format version.
    public static let formatVersion = 1
    /// The first line's text before the version.
    static let magic = "aws-ec2-ssh-snapshot "

    /// The manifest bytes exactly as signed.
    public var manifestBytes: [UInt8]
    /// The DER ECDSA signature over `manifestBytes`, `nil` for an unsigned envelope.
    public var signature: [UInt8]?
    /// The snapshot bytes.
    public var snapshot: [UInt8]

    /// An envelope from its parts.
    public init(manifestBytes: [UInt8], signature: [UInt8]?, snapshot: [UInt8]) {
        self.manifestBytes = manifestBytes
        self.signature = signature
        self.snapshot = snapshot
    }

    /// The header lines and where the snapshot starts, as `header(of:)` reads them.
    public struct Header: Sendable, Equatable {
        /// The manifest bytes exactly as signed.
        public var manifestBytes: [UInt8]
        /// The signature, `nil` when unsigned.
        public var signature: [UInt8]?
        /// The offset of the snapshot's first byte in the envelope.
        public var snapshotOffset: Int
    }

    /// The object's bytes.
    public func encoded() -> [UInt8] {
        var bytes = Array("\(Self.magic)\(Self.formatVersion)\nmanifest ".utf8)
        bytes += Array(Base64.encode(manifestBytes).utf8)
        bytes += Array("\nsignature ".utf8)
        bytes += Array((signature.map { Base64.encode($0) } ?? "-").utf8)
        bytes += Array("\n\n".utf8)
        return bytes + snapshot
    }

    /// The envelope in `bytes`; throws `FleetFormatError` naming the header line that is wrong.
    public static func decode(_ bytes: [UInt8]) throws(FleetFormatError) -> FleetEnvelope {
        let header = try bytes.withUnsafeBufferPointer { (buffer) throws(FleetFormatError) -> Header in
            try Self.header(of: buffer)
        }
        return FleetEnvelope(
            manifestBytes: header.manifestBytes, signature: header.signature,
            snapshot: Array(bytes[header.snapshotOffset...]))
    }

    /// The header of the envelope `bytes` (for example a mapped file), without copying the snapshot.
    public static func header(of bytes: UnsafeBufferPointer<UInt8>) throws(FleetFormatError) -> Header {
        let window = bytes[bytes.startIndex..<min(bytes.endIndex, bytes.startIndex + maximumHeaderLength)]
        var lines: [ArraySlice<UInt8>] = []
        var start = window.startIndex
        while lines.count < 4 {
            guard let end = window[start...].firstIndex(of: 0x0a) else {
                let problem =
                    window.count == maximumHeaderLength
                    ? "the header is longer than \(maximumHeaderLength) bytes"
                    : "the header ends before its empty line (truncated)"
                throw FleetFormatError("envelope", line: lines.count + 1, problem)
            }
            lines.append(ArraySlice(window[start..<end]))
            start = end + 1
        }
        let first = String(decoding: lines[0], as: UTF8.self)
        guard first.hasPrefix(magic) else {
            throw FleetFormatError("envelope", line: 1, "it is not an aws-ec2-ssh snapshot (no \"\(magic)N\" line)")
        }
        guard first == "\(magic)\(formatVersion)" else {
            throw FleetFormatError(
                "envelope", line: 1,
                "unknown envelope version \(first.dropFirst(magic.count).debugDescription); this host reads "
                    + "\(formatVersion) (upgrade aws-ec2-ssh)")
        }
        guard let manifest = field("manifest", lines[1], line: 2), !manifest.isEmpty else {
            throw FleetFormatError("envelope", line: 2, "expected \"manifest \" and non-empty canonical base64")
        }
        let signature: [UInt8]?
        if lines[2].elementsEqual(Array("signature -".utf8)) {
            signature = nil
        } else if let bytes = field("signature", lines[2], line: 3), !bytes.isEmpty {
            signature = bytes
        } else {
            throw FleetFormatError("envelope", line: 3, "expected \"signature \" and canonical base64 or \"-\"")
        }
        guard lines[3].isEmpty else {
            throw FleetFormatError("envelope", line: 4, "expected the empty line that ends the header")
        }
        return Header(manifestBytes: manifest, signature: signature, snapshotOffset: start)
    }

    /// The base64 value after `name` and one space on `line`, `nil` when the line is not that.
    private static func field(_ name: String, _ line: ArraySlice<UInt8>, line number: Int) -> [UInt8]? {
        let prefix = Array((name + " ").utf8)
        guard line.starts(with: prefix) else { return nil }
        return Base64.decode(String(decoding: line.dropFirst(prefix.count), as: UTF8.self))
    }
}
