/// The cron file that runs import_users, rendered from its template; no I/O.
public enum ScheduleFiles {
    /// A fixed per-host offset in [0, 600) seconds, so that a fleet does not call IAM in the same second.
    ///
    /// Derived from the machine id and host name with a stable hash: the same on every run on one host.
    public static func splaySeconds(machineID: String, hostName: String) -> Int {
        Int(StableHash.fnv1a64(machineID + " " + hostName) % 600)
    }

    /// The cron file: `@MINUTE@` and `@SECOND@` in the template's non-comment lines replaced with the offset.
    ///
    /// Throws when a non-comment line still holds an `@...@` placeholder this code does not know.
    public static func cronFile(template: String, splaySeconds: Int) throws -> String {
        var lines = TextLines(template)
        for (index, line) in lines.lines.enumerated() where !line.hasPrefix("#") {
            let filled = line.replacing("@MINUTE@", with: String(splaySeconds / 60))
                .replacing("@SECOND@", with: String(splaySeconds % 60))
            if filled.contains("@") && !filled.hasPrefix("MAILTO") {
                throw EC2SSHError.invalidSetup(
                    path: nil, message: "the cron template has a placeholder this installer does not know: \(line)")
            }
            lines.lines[index] = filled
        }
        return lines.text
    }

    /// A schedule template run against another program path: every `standardProgram` outside comment lines
    /// becomes `program` (the packaged /usr/sbin/import_users instead of install.sh's /usr/local/sbin copy).
    public static func withProgram(_ template: String, standardProgram: String, program: String) -> String {
        guard program != standardProgram else { return template }
        var lines = TextLines(template)
        for (index, line) in lines.lines.enumerated() where !line.hasPrefix("#") {
            lines.lines[index] = line.replacing(standardProgram, with: program)
        }
        return lines.text
    }

    /// "minute M, second S" of the schedule line of a rendered cron file, for the installer's message.
    public static func describeOffset(_ cronText: String) -> String? {
        for line in TextLines(cronText).lines where line.first?.isNumber == true {
            let minute = line.prefix(while: \.isNumber)
            guard let sleepRange = line.firstRange(of: " sleep ") else { return nil }
            let second = line[sleepRange.upperBound...].prefix(while: \.isNumber)
            return "minute \(minute), second \(second)"
        }
        return nil
    }
}
