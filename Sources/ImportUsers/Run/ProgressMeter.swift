public import AWSCore
import EC2SSHCore
public import EC2SSHSystem
import Synchronization

/// Shows a `ProgressLine` on a terminal while a run creates accounts, rewritten in place on standard error.
///
/// Nothing is drawn during the first `firstDrawAfter` seconds (a short run shows nothing), then at most once per
/// `interval`; `finish()` draws the final count and ends the line, only when something was drawn. A log line written
/// meanwhile goes through `ProgressLogHandler`, which clears the line first (`clearLine()`). The executable
/// builds one only when standard error is a terminal, so cron mail and logs never see it.
public final class ProgressMeter: Sendable {
    /// Seconds before the first draw.
    public static let firstDrawAfter = 1.0
    /// The shortest time between two draws: at most four a second.
    public static let interval = 0.25

    private struct State {
        var done = 0
        var lastDraw: Double?
        /// Whether the line is on the screen now (a log line clears it until the next draw).
        var shown = false
    }

    /// Accounts the run creates.
    public let total: Int
    private let time: any TimeSource
    private let console: any ConsoleWriting
    private let start: Double
    private let state = Mutex(State())

    /// A meter for `total` accounts, starting now on `time`'s monotonic clock, drawing on `console`'s standard error.
    public init(total: Int, time: any TimeSource, console: any ConsoleWriting) {
        self.total = total
        self.time = time
        self.console = console
        self.start = time.monotonicSeconds()
    }

    /// Counts one more account created; redraws when the throttle allows.
    public func advance() {
        let now = time.monotonicSeconds()
        let line: ProgressLine? = state.withLock { state in
            state.done += 1
            let due = state.lastDraw.map { now - $0 >= Self.interval } ?? (now - start >= Self.firstDrawAfter)
            guard due else { return nil }
            state.lastDraw = now
            state.shown = true
            return ProgressLine(done: state.done, total: total, elapsed: now - start)
        }
        if let line { draw(line, end: "") }
    }

    /// Erases the line when it is shown (carriage return, ESC [ K), so that what is written next starts at the left
    /// margin; the next due draw puts it back.
    public func clearLine() {
        let shown = state.withLock { state in
            defer { state.shown = false }
            return state.shown
        }
        if shown { console.write(Array("\r\u{1B}[K".utf8), toStandardError: true) }
    }

    /// Draws the final count and a line feed, when anything was drawn before.
    public func finish() {
        let now = time.monotonicSeconds()
        let line: ProgressLine? = state.withLock { state in
            guard state.lastDraw != nil else { return nil }
            state.lastDraw = nil
            state.shown = false
            return ProgressLine(done: state.done, total: total, elapsed: now - start)
        }
        if let line { draw(line, end: "\n") }
    }

    /// Carriage return, the text, erase to the end of the line (ESC [ K), then `end`.
    private func draw(_ line: ProgressLine, end: String) {
        console.write(Array(("\r" + line.text + "\u{1B}[K" + end).utf8), toStandardError: true)
    }
}
