import Testing

@testable import AWSCore

/// A raw HTTP/1.1 request as the AWS SigV4 test suite writes it (`request.txt`, `*-signed-request.txt`).
struct SigV4RequestText: Equatable {
    /// Why a request text could not be parsed.
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    var method: String
    /// The request target exactly as written (may contain spaces and raw UTF-8).
    var target: String
    var headers: [HTTPField]
    var body: [UInt8]

    /// Parses `METHOD target HTTP/1.1`, header lines (a line starting with a space or tab continues the
    /// previous value, joined with one space), then an empty line and the body.
    init(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        let head: Substring
        if let blank = text.firstRange(of: "\n\n") ?? text.firstRange(of: "\r\n\r\n") {
            head = text[..<blank.lowerBound]
            body = Array(text[blank.upperBound...].utf8)
        } else {
            head = text[...]
            body = []
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { throw ParseError(description: "empty request") }
        let words = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count >= 3, let version = words.last, version.hasPrefix("HTTP/") else {
            throw ParseError(description: "bad request line '\(requestLine)'")
        }
        method = String(words[0])
        target = words[1..<(words.count - 1)].joined(separator: " ")
        headers = []
        for line in lines.dropFirst() {
            if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else {
                    throw ParseError(description: "continuation line '\(line)' before any header")
                }
                headers[headers.count - 1].value += " " + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw ParseError(description: "header line without ':' '\(line)'")
            }
            headers.append(HTTPField(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
    }

    /// The request as AWSCore sees it: an `https://` URL built from the `Host` header and the target.
    func httpRequest() throws -> HTTPRequest {
        guard let host = headers.first(where: { $0.name.lowercased() == "host" })?.value else {
            throw ParseError(description: "request has no Host header")
        }
        return HTTPRequest(method: method, url: "https://\(host)\(target)", headers: headers, body: body)
    }
}

@Suite struct SigV4RequestTextTests {
    @Test func parsesRequestLineWithSpacesAndHeaders() throws {
        let parsed = try SigV4RequestText(Array("GET /example space/?a=b HTTP/1.1\nHost:h.example\nX: 1\n".utf8))
        #expect(parsed.method == "GET")
        #expect(parsed.target == "/example space/?a=b")
        #expect(parsed.headers == [HTTPField("Host", "h.example"), HTTPField("X", " 1")])
        #expect(parsed.body.isEmpty)
        #expect(try parsed.httpRequest().url == "https://h.example/example space/?a=b")
    }

    @Test func foldsContinuationLinesAndKeepsDuplicates() throws {
        let parsed = try SigV4RequestText(
            Array("GET / HTTP/1.1\nHost:h\nA:v1\n  v2\nA:v3\nB:x:y\n\nbody\nline".utf8))
        #expect(
            parsed.headers == [
                HTTPField("Host", "h"), HTTPField("A", "v1   v2"), HTTPField("A", "v3"), HTTPField("B", "x:y"),
            ])
        #expect(parsed.body == Array("body\nline".utf8))
    }

    @Test(arguments: ["", "GET /\nHost:h\n", "GET / HTTP/1.1\n  cont\n", "GET / HTTP/1.1\nno colon\n"])
    func rejectsMalformedText(text: String) {
        #expect(throws: SigV4RequestText.ParseError.self) { try SigV4RequestText(Array(text.utf8)) }
    }

    @Test func requestWithoutHostCannotBecomeURL() throws {
        let parsed = try SigV4RequestText(Array("GET / HTTP/1.1\nX:1\n".utf8))
        #expect(throws: SigV4RequestText.ParseError.self) { try parsed.httpRequest() }
    }
}
