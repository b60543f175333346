import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The sample etc/aws-ec2-ssh.conf documents every key with the default the parser really uses.
@Suite struct SampleConfigurationTests {
    /// Example lines in the sample that are deliberately not defaults.
    static let examples: Set<String> = ["AWS_REGION", "HTTPS_PROXY", "NO_PROXY"]

    static func sampleText() throws -> String {
        // The repository root: the nearest directory above this file that holds Package.swift.
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            try #require(url.pathComponents.count > 1, "no Package.swift above \(#filePath)")
            url.deleteLastPathComponent()
        }
        let data = try Data(contentsOf: url.appendingPathComponent("etc/aws-ec2-ssh.conf"))
        return try #require(String(data: data, encoding: .utf8))
    }

    /// The commented `#KEY="value"` lines of the sample, uncommented.
    static func documentedLines() throws -> [(key: String, line: String)] {
        try sampleText().split(separator: "\n").compactMap { line in
            guard line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { return nil }
            let key = line[line.index(after: line.startIndex)..<equals]
            guard !key.isEmpty, key.allSatisfy({ $0.isUppercase || $0 == "_" }) else { return nil }
            return (String(key), String(line.dropFirst()))
        }
    }

    @Test func theSampleParsesAsIsToTheDefaults() throws {
        let (configuration, warnings) = try Configuration.parse(try Self.sampleText(), path: "etc/aws-ec2-ssh.conf")
        #expect(configuration == Configuration())
        #expect(warnings.isEmpty)
    }

    @Test func everyDocumentedValueIsTheDefault() throws {
        let lines = try Self.documentedLines().filter { !Self.examples.contains($0.key) }
        #expect(lines.count >= 20)
        for (key, line) in lines {
            let (configuration, warnings) = try Configuration.parse(line + "\n", path: "sample")
            #expect(configuration == Configuration(), "the sample's \(key) is not the default")
            #expect(warnings.allSatisfy { !$0.message.contains("unknown") }, "\(key): \(warnings)")
        }
    }

    @Test func everyKnownKeyIsDocumented() throws {
        let documented = Set(try Self.documentedLines().map(\.key))
        let missing = Configuration.knownKeys.subtracting(documented)
        #expect(missing.isEmpty, "not in etc/aws-ec2-ssh.conf: \(missing.sorted())")
    }
}
