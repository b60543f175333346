import EC2SSHCore
import Testing

/// The cron file from its template, and the per-host offset.
struct ScheduleFilesTests {
    static let template =
        "# replaces @MINUTE@ and @SECOND@\nMAILTO=root\n@MINUTE@-59/10 * * * * root sleep @SECOND@ && /x\n"

    @Test(arguments: [
        (0, "0-59/10 * * * * root sleep 0 && /x"), (599, "9-59/10 * * * * root sleep 59 && /x"),
        (61, "1-59/10 * * * * root sleep 1 && /x"),
    ])
    func fillsThePlaceholders(offset: Int, line: String) throws {
        let text = try ScheduleFiles.cronFile(template: Self.template, splaySeconds: offset)
        #expect(text == "# replaces @MINUTE@ and @SECOND@\nMAILTO=root\n\(line)\n")
        #expect(ScheduleFiles.describeOffset(text) == "minute \(offset / 60), second \(offset % 60)")
    }

    @Test func unknownPlaceholderIsRefused() {
        #expect(throws: EC2SSHError.self) {
            try ScheduleFiles.cronFile(template: "@HOUR@ * * * * root /x\n", splaySeconds: 1)
        }
    }

    @Test func splayIsStableAndInRange() {
        let one = ScheduleFiles.splaySeconds(machineID: "abc", hostName: "web-1")
        #expect(one == ScheduleFiles.splaySeconds(machineID: "abc", hostName: "web-1"))
        #expect((0..<600).contains(one))
        let spread = Set((0..<50).map { ScheduleFiles.splaySeconds(machineID: "m\($0)", hostName: "h") })
        #expect(spread.count > 40)
    }

    @Test(arguments: [
        ("/usr/sbin/import_users", "# runs /usr/local/sbin/import_users\nExecStart=/usr/sbin/import_users\n"),
        (
            "/usr/local/sbin/import_users",
            "# runs /usr/local/sbin/import_users\nExecStart=/usr/local/sbin/import_users\n"
        ),
    ])
    func pointsTheScheduleAtTheProgram(program: String, expected: String) {
        let template = "# runs /usr/local/sbin/import_users\nExecStart=/usr/local/sbin/import_users\n"
        #expect(
            ScheduleFiles.withProgram(template, standardProgram: "/usr/local/sbin/import_users", program: program)
                == expected)
    }
}
