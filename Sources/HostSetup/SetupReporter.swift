public import EC2SSHSystem

/// Prints the installer's messages (`info` on standard output, `warning` and `error` on standard error) and passes
/// through what the programs it runs printed.
public struct SetupReporter: Sendable {
    /// Where the text goes.
    public let console: any ConsoleWriting
    /// The prefix of every line, for example "install.sh".
    public let program: String

    /// Creates a reporter.
    public init(console: any ConsoleWriting, program: String) {
        self.console = console
        self.program = program
    }

    /// "PROGRAM: TEXT" on standard output.
    public func info(_ text: String) {
        console.write(Array("\(program): \(text)\n".utf8), toStandardError: false)
    }

    /// Raw lines on standard output (a diff).
    public func plain(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        console.write(Array((lines.joined(separator: "\n") + "\n").utf8), toStandardError: false)
    }

    /// "PROGRAM: warning: TEXT" on standard error.
    public func warning(_ text: String) {
        console.write(Array("\(program): warning: \(text)\n".utf8), toStandardError: true)
    }

    /// "PROGRAM: error: TEXT" on standard error.
    public func error(_ text: String) {
        console.write(Array("\(program): error: \(text)\n".utf8), toStandardError: true)
    }

    /// What a program printed, on the same streams.
    public func passThrough(_ result: ProcessResult) {
        if !result.standardOutput.isEmpty { console.write(result.standardOutput, toStandardError: false) }
        if !result.standardError.isEmpty { console.write(result.standardError, toStandardError: true) }
    }
}
