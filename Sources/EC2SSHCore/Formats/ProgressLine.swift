/// The line a long import shows on a terminal while it creates accounts: how many of how many, the rate and the
/// time left, for example `import_users: 1,234 of 10,000 accounts created (12%), 85.3/s, about 1m43s left`.
public struct ProgressLine: Sendable, Equatable {
    /// Accounts created so far.
    public var done: Int
    /// Accounts the run creates.
    public var total: Int
    /// Seconds since the first account creation started.
    public var elapsed: Double

    /// Creates a line.
    public init(done: Int, total: Int, elapsed: Double) {
        self.done = done
        self.total = total
        self.elapsed = elapsed
    }

    /// The text, without a line feed; the rate and the time left only once at least one account is done.
    public var text: String {
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        var text = "import_users: \(Self.grouped(done)) of \(Self.grouped(total)) accounts created (\(percent)%)"
        guard done > 0, elapsed > 0, elapsed.isFinite else { return text }
        let rate = Double(done) / elapsed
        text += ", \(Self.rate(rate))/s"
        if done >= total {
            text += ", \(Self.duration(elapsed))"
        } else {
            text += ", about \(Self.duration(Double(total - done) / rate)) left"
        }
        return text
    }

    /// `n` with a comma every three digits: 10,000.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return number < 0 ? "-" + out : out
    }

    /// A rate with one decimal below 100 per second, whole above: 8.5, 85.3, 312.
    static func rate(_ value: Double) -> String {
        guard value < 99.95 else { return grouped(Int(value.rounded())) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Whole seconds as `42s`, `3m07s` or `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let whole = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(two(whole % 60))s" }
        return "\(whole / 3600)h\(two(whole % 3600 / 60))m"
    }
}
