import Testing

@testable import EC2SSHCore

@Suite struct ProgressLineTests {
    @Test(arguments: [
        (0, 10_000, 0.0, "import_users: 0 of 10,000 accounts created (0%)"),
        (0, 10_000, 5.0, "import_users: 0 of 10,000 accounts created (0%)"),
        (1_234, 10_000, 14.5, "import_users: 1,234 of 10,000 accounts created (12%), 85.1/s, about 1m43s left"),
        (50, 100, 10.0, "import_users: 50 of 100 accounts created (50%), 5.0/s, about 10s left"),
        (999, 1_000, 3.0, "import_users: 999 of 1,000 accounts created (99%), 333/s, about 0s left"),
        (1_000, 1_000, 125.0, "import_users: 1,000 of 1,000 accounts created (100%), 8.0/s, 2m05s"),
        (10, 100_000, 5.0, "import_users: 10 of 100,000 accounts created (0%), 2.0/s, about 13h53m left"),
    ])
    func text(done: Int, total: Int, elapsed: Double, expected: String) {
        #expect(ProgressLine(done: done, total: total, elapsed: elapsed).text == expected)
    }

    @Test(arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (123_456, "123,456"), (1_000_000, "1,000,000"),
    ])
    func groupsThousands(number: Int, expected: String) {
        #expect(ProgressLine.grouped(number) == expected)
    }

    @Test(arguments: [
        (0.0, "0s"), (0.4, "0s"), (59.4, "59s"), (59.6, "1m00s"), (187.0, "3m07s"), (3_599.0, "59m59s"),
        (3_720.0, "1h02m"), (-5.0, "0s"), (Double.infinity, "0s"),
    ])
    func durations(seconds: Double, expected: String) {
        #expect(ProgressLine.duration(seconds) == expected)
    }
}
