import CCurl

/// Collects one response from libcurl's write and header callbacks, in memory and within size limits.
///
/// libcurl calls the callbacks on the thread running `curl_easy_perform`, so an instance is used by one thread
/// only. It reaches the C callbacks as an opaque pointer (`Unmanaged`), never through global state.
final class CurlResponseCollector {
    /// The largest response body accepted, in bytes.
    let maximumBodyBytes: Int
    /// The largest total size of response header lines accepted, in bytes.
    let maximumHeaderBytes: Int
    /// The body received so far.
    private(set) var body: [UInt8] = []
    /// The header fields of the latest header block (an interim `100 Continue` block is replaced).
    private(set) var headers: [HTTPField] = []
    /// True when the body outgrew `maximumBodyBytes` and the transfer was stopped.
    private(set) var bodyLimitExceeded = false
    /// True when the header lines outgrew `maximumHeaderBytes` and the transfer was stopped.
    private(set) var headerLimitExceeded = false
    private var headerBytes = 0

    /// Creates an empty collector with the given limits.
    init(maximumBodyBytes: Int, maximumHeaderBytes: Int = 1 << 20) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumHeaderBytes = maximumHeaderBytes
    }

    /// Appends a chunk of body; returns the bytes taken (anything else makes libcurl stop with CURLE_WRITE_ERROR).
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard chunk.count <= maximumBodyBytes - body.count else {
            bodyLimitExceeded = true
            return 0
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// Takes one complete header line (status line, field, continuation or the blank end line).
    func receiveHeaderLine(_ chunk: UnsafeRawBufferPointer) -> Int {
        headerBytes += chunk.count
        guard headerBytes <= maximumHeaderBytes else {
            headerLimitExceeded = true
            return 0
        }
        var end = chunk.count
        while end > 0, chunk[end - 1] == UInt8(ascii: "\r") || chunk[end - 1] == UInt8(ascii: "\n") {
            end -= 1
        }
        let line = String(decoding: chunk[..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = []  // a new status line starts a new block: keep only the final one
        } else if let first = line.first, first == " " || first == "\t", let previous = headers.popLast() {
            headers.append(HTTPField(previous.name, previous.value + " " + Self.trimmed(Substring(line))))
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = Self.trimmed(line[line.index(after: colon)...])
            headers.append(HTTPField(name, value))
        }
        return chunk.count
    }

    /// The opaque pointer handed to libcurl as `CURLOPT_WRITEDATA` and `CURLOPT_HEADERDATA`.
    ///
    /// The caller keeps `self` alive (for example with `withExtendedLifetime`) while libcurl may call back.
    var opaquePointer: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    /// The `CURLOPT_WRITEFUNCTION` callback.
    static let bodyCallback: curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else { return 0 }
        return collector.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
    }

    /// The `CURLOPT_HEADERFUNCTION` callback.
    static let headerCallback: curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else { return 0 }
        return collector.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    }

    private static func trimmed(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isSpace($0) }), let end = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[start...end])
    }
}
