/// The lines of a fleet snapshot, one `FleetJSONReader` each, with their 1-based numbers.
///
/// Every line must end with a line feed (a missing one means the bytes were truncated) and be at most
/// `maximumLength` bytes long.
struct FleetLines {
    /// The bytes.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The part named in errors.
    let part: String
    /// The longest line allowed, its line feed excluded.
    let maximumLength: Int
    /// Where the next line starts.
    private var position: Int
    /// The number of the line last returned (0 before the first).
    private(set) var lineNumber = 0

    /// The lines of `bytes`.
    init(_ bytes: UnsafeBufferPointer<UInt8>, part: String, maximumLength: Int) {
        self.bytes = bytes
        self.part = part
        self.maximumLength = maximumLength
        self.position = bytes.startIndex
    }

    /// Whether every line has been returned.
    var isFinished: Bool { position == bytes.endIndex }

    /// A reader of the next line, `nil` after the last.
    mutating func next() throws(FleetFormatError) -> FleetJSONReader? {
        guard position < bytes.endIndex else { return nil }
        lineNumber += 1
        let limit = min(bytes.endIndex, position + maximumLength + 1)
        guard let end = bytes[position..<limit].firstIndex(of: 0x0a) else {
            if limit - position > maximumLength {
                throw FleetFormatError(part, line: lineNumber, "the line is longer than \(maximumLength) bytes")
            }
            throw FleetFormatError(part, line: lineNumber, "the line does not end with a line feed (truncated)")
        }
        let reader = FleetJSONReader(bytes, range: position..<end, part: part, line: lineNumber)
        position = end + 1
        return reader
    }
}
