/// Everything libcurl needs for one request, checked and derived without any I/O.
///
/// Rejects, with `AWSError.configuration`, what must never reach the network: a scheme other than http or
/// https, a URL with spaces or control characters, a method or header that would let text be injected
/// into the request, a `Content-Length` that does not match the body, and unusable time limits.
struct CurlRequestOptions: Equatable {
    /// How the method is expressed to libcurl.
    enum MethodMode: Equatable {
        /// `CURLOPT_HTTPGET`, plus `CURLOPT_CUSTOMREQUEST` when the method is not GET; no body is sent.
        case withoutBody(customMethod: String?)
        /// `CURLOPT_NOBODY` (HEAD): no body is sent and none is read.
        case head
        /// `CURLOPT_COPYPOSTFIELDS` with an exact size, plus `CURLOPT_CUSTOMREQUEST` when the method is not POST.
        case withBody(customMethod: String?)
    }

    /// The URL as given.
    var url: String
    /// The scheme, lowercased: `http` or `https`.
    var scheme: String
    /// Host and port of the URL (without any user information), for messages.
    var host: String
    /// How the method is sent.
    var methodMode: MethodMode
    /// The method as given, for messages.
    var method: String
    /// The `CURLOPT_HTTPHEADER` lines: the request's fields, then lines that remove libcurl's own defaults.
    var headerLines: [String]
    /// The proxy URL for `CURLOPT_PROXY`; empty for none.
    var proxy: String
    /// The hosts for `CURLOPT_NOPROXY` that bypass the proxy; empty for none.
    var noProxy: String
    /// `CURLOPT_CONNECTTIMEOUT_MS`.
    var connectTimeoutMilliseconds: Int
    /// `CURLOPT_TIMEOUT_MS`.
    var totalTimeoutMilliseconds: Int

    /// Derives the options for `request`, taking proxy settings only from `environment`.
    init(request: HTTPRequest, timeouts: HTTPTimeouts, environment: [String: String]) throws {
        url = request.url
        method = request.method
        (scheme, host) = try Self.schemeAndHost(of: request.url)
        methodMode = try Self.methodMode(request.method, bodyIsEmpty: request.body.isEmpty)
        headerLines = try Self.headerLines(request)
        (proxy, noProxy) = Self.proxySettings(forScheme: scheme, environment: environment)
        connectTimeoutMilliseconds = try Self.milliseconds(timeouts.connect, "connect")
        totalTimeoutMilliseconds = try Self.milliseconds(timeouts.total, "total")
    }

    /// The proxy for messages, without user information, for example ` via proxy 10.0.0.1:3128`; empty for none.
    var proxyForMessages: String {
        guard !proxy.isEmpty else { return "" }
        let afterScheme = proxy.firstRange(of: "://").map { proxy[$0.upperBound...] } ?? proxy[...]
        let authority = afterScheme.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first
        let withoutUser = authority.map { $0.split(separator: "@").last ?? $0 } ?? afterScheme
        return " via proxy \(withoutUser)"
    }

    /// Splits `url` into its lowercased scheme and its host (with port, without user information).
    static func schemeAndHost(of url: String) throws -> (scheme: String, host: String) {
        guard let separator = url.firstRange(of: "://") else {
            throw AWSError.configuration(
                detail: "URL \"\(url)\" is not absolute; use http://HOST/... or https://HOST/...")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw AWSError.configuration(
                detail: "URL scheme \"\(scheme)\" is not allowed (only http and https); check the endpoint setting"
            )
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw AWSError.configuration(
                detail:
                    "URL \(scheme)://... contains spaces, control or non-ASCII characters; it must be percent-encoded"
            )
        }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        guard !host.isEmpty else {
            throw AWSError.configuration(detail: "URL \"\(url)\" has no host")
        }
        return (scheme, String(host))
    }

    /// How to express `method` to libcurl; rejects methods that are not an HTTP token.
    static func methodMode(_ method: String, bodyIsEmpty: Bool) throws -> MethodMode {
        guard isToken(method) else {
            throw AWSError.configuration(detail: "HTTP method \"\(method)\" is not a valid method name")
        }
        switch method {
        case "HEAD":
            guard bodyIsEmpty else {
                throw AWSError.configuration(detail: "a HEAD request cannot carry a body")
            }
            return .head
        case "GET" where bodyIsEmpty:
            return .withoutBody(customMethod: nil)
        case "POST":
            return .withBody(customMethod: nil)
        case "PUT", "PATCH":
            return .withBody(customMethod: method)
        default:
            return bodyIsEmpty ? .withoutBody(customMethod: method) : .withBody(customMethod: method)
        }
    }

    /// The header lines for libcurl: each field exactly, then removals of the defaults libcurl would add.
    ///
    /// libcurl drops a field written `Name:` and sends an empty one written `Name;`, so empty values use the
    /// latter. Unless the request sets them itself, `Expect` (100-continue), `Content-Type` (form encoding)
    /// and `Accept` (`*/*`) are removed. libcurl still adds `Host` (unless the request has one) and, when a
    /// body is sent, `Content-Length`.
    static func headerLines(_ request: HTTPRequest) throws -> [String] {
        var lines: [String] = []
        for field in request.headers {
            guard isToken(field.name) else {
                throw AWSError.configuration(detail: "HTTP header name \"\(field.name)\" is not a valid field name")
            }
            guard field.value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
                throw AWSError.configuration(
                    detail: "HTTP header \(field.name) has a value with a line break or control character"
                )
            }
            if field.name.lowercased() == "content-length", field.value != String(request.body.count) {
                throw AWSError.configuration(
                    detail:
                        "Content-Length header \"\(field.value)\" does not match the body size \(request.body.count)"
                )
            }
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        for suppressed in ["Expect", "Content-Type", "Accept"] where request.header(suppressed) == nil {
            lines.append("\(suppressed):")
        }
        return lines
    }

    /// The proxy for `scheme` and the NO_PROXY list, from `environment` only (lowercase names first, as curl does).
    static func proxySettings(forScheme scheme: String, environment: [String: String]) -> (
        proxy: String, noProxy: String
    ) {
        func first(_ names: String...) -> String {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        }
        let proxy = scheme == "https" ? first("https_proxy", "HTTPS_PROXY") : first("http_proxy", "HTTP_PROXY")
        return (proxy, first("no_proxy", "NO_PROXY"))
    }

    /// `seconds` as whole milliseconds (rounded up, at least 1, since 0 means "no limit" to libcurl).
    static func milliseconds(_ seconds: Double, _ name: String) throws -> Int {
        guard seconds.isFinite, seconds > 0 else {
            throw AWSError.configuration(detail: "the \(name) time limit \(seconds) s must be a positive number")
        }
        return Int(min((seconds * 1000).rounded(.up), Double(Int32.max)))
    }

    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    return true
                default:
                    return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}
