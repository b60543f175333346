import Logging
import Synchronization
import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LogLineFormatterTests {
    @Test(arguments: [
        ("plain message", "plain message"),
        ("user alice\nJan 1 host sshd: Accepted root", "user alice\\nJan 1 host sshd: Accepted root"),
        ("cr\rlf\n", "cr\\rlf\\n"),
        ("tab\there", "tab\\there"),
        ("escape \u{1b}[31mred", "escape \\x1b[31mred"),
        ("nul \u{0}", "nul \\x00"),
        ("del \u{7f}", "del \\x7f"),
        ("next line \u{85} and \u{2028}", "next line \\u{85} and \\u{2028}"),
        ("unicode é ✓", "unicode é ✓"),
    ])
    func messagesBecomeOneLine(message: String, expected: String) {
        let line = LogLineFormatter.line(message: message, metadata: nil)
        #expect(line == expected)
        #expect(!line.contains("\n"))
        #expect(!line.contains("\r"))
    }

    @Test func metadataIsSortedByKeyAndAppended() {
        let line = LogLineFormatter.line(
            message: "created user", metadata: ["user": "alice", "iam": "alice@example.com", "count": "3"])
        #expect(line == "created user count=3 iam=alice@example.com user=alice")
    }

    @Test(arguments: [
        (Logger.MetadataValue.string("two words"), "\"two words\""),
        (.string(""), "\"\""),
        (.string("a=b"), "\"a=b\""),
        (.string("say \"hi\""), "\"say \\\"hi\\\"\""),
        (.string("line\ninjected=1"), "\"line\\\\ninjected=1\""),
        (.stringConvertible(42), "42"),
        (.array(["a", "b"]), #""[\"a\", \"b\"]""#),
    ])
    func metadataValuesAreQuotedWhenNeeded(value: Logger.MetadataValue, expected: String) {
        #expect(LogLineFormatter.line(message: "m", metadata: ["k": value]) == "m k=\(expected)")
    }

    @Test func metadataKeysAreEscapedToo() {
        #expect(LogLineFormatter.line(message: "m", metadata: ["bad\nkey": "v"]) == "m bad\\nkey=v")
    }

    @Test func mergeOrderIsHandlerThenProviderThenEventThenError() {
        let provider = Logger.MetadataProvider { ["run": "7", "user": "provider"] }
        let merged = LogLineFormatter.merged(
            handler: ["user": "handler", "host": "h"], provider: provider, event: ["user": "event"],
            error: SystemError(.lockHeld, operation: "lock", subject: "/run/x"))
        #expect(merged?["user"] == "event")
        #expect(merged?["run"] == "7")
        #expect(merged?["host"] == "h")
        #expect(merged?["error"]?.description.contains("lock /run/x failed") == true)
        #expect(LogLineFormatter.merged(handler: [:], provider: nil, event: nil) == nil)
        #expect(LogLineFormatter.merged(handler: [:], provider: nil, event: [:]) == nil)
    }
}

@Suite struct LogHandlerTests {
    @Test func syslogHandlerSendsOneLineWithFacilityAndSeverity() throws {
        let sink = RecordingSyslog()
        var logger = Logger(label: "import_users") { label in
            SyslogLogHandler(label: label, facility: .authpriv, writer: sink)
        }
        logger[metadataKey: "run"] = "1"
        logger.warning("cannot create\nuser", metadata: ["user": "alice"])
        logger.debug("not logged at the default level")
        let entries = sink.entries
        try #require(entries.count == 1)
        #expect(entries[0].priority == LOG_AUTHPRIV | LOG_WARNING)
        #expect(entries[0].line == "import_users: cannot create\\nuser run=1 user=alice")
    }

    @Test(arguments: [
        (Logger.Level.trace, LOG_DEBUG), (.debug, LOG_DEBUG), (.info, LOG_INFO), (.notice, LOG_NOTICE),
        (.warning, LOG_WARNING), (.error, LOG_ERR), (.critical, LOG_CRIT),
    ])
    func levelsMapToSyslogSeverities(level: Logger.Level, severity: Int32) {
        #expect(SyslogLogHandler.severity(of: level) == severity)
        let sink = RecordingSyslog()
        var handler = SyslogLogHandler(label: "", facility: .auth, writer: sink)
        handler.logLevel = .trace
        let logger = Logger(label: "x") { _ in handler }
        logger.log(level: level, "m")
        #expect(sink.entries.map(\.priority) == [LOG_AUTH | severity])
        #expect(sink.entries.map(\.line) == ["m"])
    }

    @Test func stderrHandlerWritesLabelLevelAndMessage() {
        let sink = RecordingLines()
        var logger = Logger(label: "authorized_keys_command") { StderrLogHandler(label: $0, writer: sink) }
        logger.logLevel = .debug
        logger.error("IAM said no", metadata: ["code": "AccessDenied"])
        logger.debug("details\nhere")
        logger.trace("hidden")
        #expect(
            sink.lines == [
                "authorized_keys_command: error: IAM said no code=AccessDenied\n",
                "authorized_keys_command: debug: details\\nhere\n",
            ])
    }

    @Test(arguments: [
        ("auth", SyslogFacility?.some(.auth)), ("AUTHPRIV", .authpriv), ("local7", .local7), ("kern", nil),
    ])
    func facilitiesParseFromNames(name: String, expected: SyslogFacility?) {
        #expect(SyslogFacility(name: name) == expected)
    }

    @Test func systemLoggingAddsStandardErrorOnlyWhenAsked() {
        let quiet = SystemLogging.handler(label: "import_users", standardError: false, level: .warning)
        #expect(quiet is SyslogLogHandler)
        #expect(quiet.logLevel == .warning)
        let verbose = SystemLogging.handler(label: "import_users", standardError: true, level: .debug)
        #expect(verbose is MultiplexLogHandler)
        #expect(verbose.logLevel == .debug)
    }

    @Test(arguments: [false, true])
    func warningsAndErrorsReachStandardErrorEvenWhenQuiet(verbose: Bool) {
        let sink = RecordingLines()
        let syslog = RecordingSyslog()
        let handler = SystemLogging.handler(
            label: "import_users", standardError: verbose, level: verbose ? .debug : .info,
            quietStandardErrorLevel: .warning, writer: sink, syslogWriter: syslog)
        let logger = Logger(label: "import_users") { _ in handler }
        logger.debug("details")
        logger.info("wrote index")
        logger.warning("unknown key SUDOERS_GROUP")
        logger.error("IAM could not be read")
        let expected =
            (verbose ? ["import_users: debug: details\n", "import_users: info: wrote index\n"] : [])
            + ["import_users: warning: unknown key SUDOERS_GROUP\n", "import_users: error: IAM could not be read\n"]
        #expect(sink.lines == expected)
        #expect(syslog.entries.map(\.line).count == (verbose ? 4 : 3))
    }

    @Test func facilityCodesAreTheCOnes() {
        #expect(SyslogFacility.auth.code == LOG_AUTH)
        #expect(SyslogFacility.authpriv.code == LOG_AUTHPRIV)
        #expect(SyslogFacility.local0.code == LOG_LOCAL0)
        #expect(Set(SyslogFacility.allCases.map(\.code)).count == SyslogFacility.allCases.count)
    }
}

/// Records what a `SyslogLogHandler` would send to syslog.
private final class RecordingSyslog: SyslogWriting {
    private let recorded = Mutex<[(priority: Int32, line: String)]>([])

    var entries: [(priority: Int32, line: String)] { recorded.withLock { $0 } }

    func write(priority: Int32, line: String) {
        recorded.withLock { $0.append((priority, line)) }
    }
}

/// Records what a `StderrLogHandler` would write.
private final class RecordingLines: LogLineWriting {
    private let recorded = Mutex<[String]>([])

    var lines: [String] { recorded.withLock { $0 } }

    func write(_ line: String) {
        recorded.withLock { $0.append(line) }
    }
}
