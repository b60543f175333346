/// A text file as lines, keeping each line's ending (LF or CRLF) and whether the last line had one.
///
/// Edits work on the lines without their endings; `text` puts the file back together byte for byte, and
/// lines added by an edit get the file's own ending (CRLF when the file uses CRLF).
public struct TextLines: Sendable, Equatable {
    /// The lines without their endings.
    public var lines: [String]
    /// Whether each line ended with CRLF (same count as `lines`).
    public var crlf: [Bool]
    /// Whether the last line ended with a line break.
    public var finalNewline: Bool

    /// Splits `text` into lines.
    public init(_ text: String) {
        // Split on scalars: Swift treats "\r\n" as one Character, so a Character split would miss CRLF ends.
        var pieces = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0))
        }
        finalNewline = pieces.count > 1 && pieces.last == ""
        if finalNewline || pieces == [""] { pieces.removeLast() }
        lines = []
        crlf = []
        for (index, piece) in pieces.enumerated() {
            let ended = index < pieces.count - 1 || finalNewline
            if ended && piece.unicodeScalars.last == "\r" {
                lines.append(String(String.UnicodeScalarView(piece.unicodeScalars.dropLast())))
                crlf.append(true)
            } else {
                lines.append(piece)
                crlf.append(false)
            }
        }
    }

    /// Whether most lines end with CRLF: the ending new lines get.
    public var usesCRLF: Bool {
        crlf.filter { $0 }.count * 2 > crlf.count
    }

    /// An empty file.
    public static let empty = TextLines("")

    /// Appends a line with the file's usual ending.
    public mutating func append(_ line: String) {
        if !finalNewline && !lines.isEmpty { finalNewline = true }
        lines.append(line)
        crlf.append(usesCRLF)
        finalNewline = true
    }

    /// The file's text again.
    public var text: String {
        var result = ""
        for (index, line) in lines.enumerated() {
            result += line
            if index < lines.count - 1 || finalNewline {
                result += crlf[index] ? "\r\n" : "\n"
            }
        }
        return result
    }
}
