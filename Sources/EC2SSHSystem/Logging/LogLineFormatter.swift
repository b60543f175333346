public import Logging

/// Turns a log event into one line of text, shared by the syslog and the standard error handlers.
///
/// The line is the message followed by ` key=value` pairs sorted by key. Control characters (newline,
/// carriage return, tab, escape and the rest) are written as visible escapes, so one event is always one
/// line and a hostile IAM name or key comment cannot forge extra log lines. Values with spaces, quotes,
/// `=` or nothing at all are double-quoted.
public enum LogLineFormatter {
    /// The one-line text for `message` and `metadata`.
    public static func line(message: String, metadata: Logger.Metadata?) -> String {
        var text = escape(message)
        for (key, value) in (metadata ?? [:]).sorted(by: { $0.key < $1.key }) {
            text += " " + escape(key) + "=" + quoteIfNeeded(escape(value.description))
        }
        return text
    }

    /// The metadata of one event: the handler's own, then the provider's, then the statement's, then the
    /// error (under the key "error"), later ones winning on equal keys; `nil` when there is none.
    public static func merged(
        handler: Logger.Metadata, provider: Logger.MetadataProvider?, event: Logger.Metadata?,
        error: (any Error)? = nil
    ) -> Logger.Metadata? {
        var result = handler
        if let provided = provider?.get() { result.merge(provided) { _, new in new } }
        if let event { result.merge(event) { _, new in new } }
        if let error { result["error"] = .string(String(describing: error)) }
        return result.isEmpty ? nil : result
    }

    /// `text` with every control character replaced by a visible escape such as `\n` or `\x1b`.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{2028}", "\u{2029}", "\u{85}": result += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `value` in double quotes (inner quotes and backslashes escaped) when it is empty or contains a space,
    /// a quote or `=`; otherwise unchanged.
    static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
        guard needsQuotes else { return value }
        return "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// The whole line of one event: `label: [level: ]message key=value…` with every metadata source merged.
    public static func eventLine(
        label: String, showingLevel: Bool = false, handler: Logger.Metadata, provider: Logger.MetadataProvider?,
        event: LogEvent
    ) -> String {
        let merged = merged(handler: handler, provider: provider, event: event.metadata, error: event.error)
        let text = line(message: event.message.description, metadata: merged)
        let prefix = (label.isEmpty ? "" : escape(label) + ": ") + (showingLevel ? "\(event.level): " : "")
        return prefix + text
    }
}
