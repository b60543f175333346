public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes the status of a run: STATE_DIR/last-run.json and, when METRICS_FILE is set, the Prometheus textfile.
///
/// Both are replaced atomically (root, 0644). A run that did not exit 0 carries over the previous status's
/// `lastSuccessAt`, so the age of the last success keeps growing while a host fails to sync.
public struct RunStatusWriter: Sendable {
    private let stateDirectory: String
    private let metricsFile: String
    private let fileSystem: any FileSystem
    private let logger: Logger

    /// Creates a writer into `stateDirectory`, and into `metricsFile` unless it is empty.
    public init(stateDirectory: String, metricsFile: String, fileSystem: any FileSystem, logger: Logger) {
        self.stateDirectory = stateDirectory
        self.metricsFile = metricsFile
        self.fileSystem = fileSystem
        self.logger = logger
    }

    /// The path of last-run.json.
    public var statusPath: String {
        (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + RunStatus.fileName
    }

    /// Completes `status` with the last success and writes the files; returns whether every file was written.
    ///
    /// A failure is logged (as an error, so it reaches standard error) and does not change the run's exit status:
    /// the status describes the run, it is not part of it.
    @discardableResult
    public func write(_ status: RunStatus) -> Bool {
        var status = status
        if status.exitCode == 0 {
            status.lastSuccessAt = status.finishedAt
        } else if let bytes = try? fileSystem.readFile(statusPath) {
            status.lastSuccessAt = RunStatus.previousLastSuccess(from: Data(bytes))
        }
        var written = save(statusPath, status.json().text(), what: "the run status")
        if !metricsFile.isEmpty {
            written = save(metricsFile, status.prometheusText(), what: "the metrics file (METRICS_FILE)") && written
        }
        return written
    }

    private func save(_ path: String, _ text: String, what: String) -> Bool {
        do {
            try fileSystem.writeFileAtomically(path, contents: Array(text.utf8), mode: 0o644, owner: .root)
            return true
        } catch {
            logger.error("cannot write \(what) \(path): \(error); check that its directory exists and is root's")
            return false
        }
    }
}
