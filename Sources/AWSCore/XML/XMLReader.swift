import CExpat

/// Parses an XML document with expat into an `XMLElement` tree, refusing anything an AWS API would not send.
///
/// A document type declaration (the door to entity-expansion attacks) is rejected, as are documents larger
/// than `maxBytes` or nested deeper than `maxDepth`. Every failure is `AWSError.malformedResponse` naming the
/// line, the column and the cause.
public enum XMLReader {
    /// The default size limit of a document: 32 MiB, far above any IAM, STS or EC2 page.
    public static let defaultMaxBytes = 32 << 20
    /// The default limit on element nesting; AWS Query responses nest fewer than ten levels.
    public static let defaultMaxDepth = 64

    /// Parses `bytes` (UTF-8, UTF-16 or ISO-8859-1, as declared) and returns the root element.
    public static func parse(
        _ bytes: [UInt8], maxBytes: Int = defaultMaxBytes, maxDepth: Int = defaultMaxDepth
    ) throws -> XMLElement {
        guard !bytes.isEmpty else {
            throw AWSError.malformedResponse(detail: "empty XML document")
        }
        guard bytes.count <= maxBytes, bytes.count <= Int(Int32.max) else {
            throw AWSError.malformedResponse(
                detail: "XML document of \(bytes.count) bytes exceeds the limit of \(maxBytes) bytes")
        }
        guard let parser = XML_ParserCreate(nil) else {
            throw AWSError.malformedResponse(detail: "cannot create an XML parser (out of memory)")
        }
        defer { XML_ParserFree(parser) }
        let builder = TreeBuilder(parser: parser, maxDepth: maxDepth)
        return try withExtendedLifetime(builder) {
            XML_SetUserData(parser, Unmanaged.passUnretained(builder).toOpaque())
            installHandlers(parser)
            let status = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    XML_Parse(parser, chars.baseAddress, Int32(chars.count), 1)
                }
            }
            let line = XML_GetCurrentLineNumber(parser)
            let column = XML_GetCurrentColumnNumber(parser)
            if let failure = builder.failure {
                throw AWSError.malformedResponse(detail: "XML rejected at line \(line), column \(column): \(failure)")
            }
            if status != XML_STATUS_OK {
                let message = XML_ErrorString(XML_GetErrorCode(parser)).map { String(cString: $0) } ?? "unknown error"
                throw AWSError.malformedResponse(detail: "XML error at line \(line), column \(column): \(message)")
            }
            guard let root = builder.root else {
                throw AWSError.malformedResponse(detail: "XML document has no root element")
            }
            return root
        }
    }

    /// Registers the C callbacks; each recovers the `TreeBuilder` from the parser's user data.
    private static func installHandlers(_ parser: XML_Parser) {
        XML_SetElementHandler(
            parser,
            { userData, name, attributes in
                TreeBuilder.from(userData)?.start(name: name, attributes: attributes)
            },
            { userData, _ in
                TreeBuilder.from(userData)?.end()
            })
        XML_SetCharacterDataHandler(parser) { userData, data, length in
            TreeBuilder.from(userData)?.characters(data, Int(length))
        }
        XML_SetStartDoctypeDeclHandler(parser) { userData, _, _, _, _ in
            TreeBuilder.from(userData)?.abort("a DOCTYPE declaration is not accepted in an AWS response")
        }
        XML_SetEntityDeclHandler(parser) { userData, _, _, _, _, _, _, _, _ in
            TreeBuilder.from(userData)?.abort("an entity declaration is not accepted in an AWS response")
        }
    }
}

/// The mutable state of one parse, reached from expat's callbacks through the parser's user data pointer.
private final class TreeBuilder {
    /// An element whose end tag has not been seen yet.
    struct Frame {
        var name: String
        var attributes: [String: String]
        var children: [XMLElement] = []
        var text: [UInt8] = []
        var path: String
    }

    let parser: XML_Parser
    let maxDepth: Int
    var stack: [Frame] = []
    var root: XMLElement?
    var failure: String?

    init(parser: XML_Parser, maxDepth: Int) {
        self.parser = parser
        self.maxDepth = maxDepth
    }

    static func from(_ userData: UnsafeMutableRawPointer?) -> TreeBuilder? {
        guard let userData else { return nil }
        return Unmanaged<TreeBuilder>.fromOpaque(userData).takeUnretainedValue()
    }

    /// Stops the parser with our own reason, which `XMLReader.parse` reports instead of expat's.
    func abort(_ reason: String) {
        if failure == nil { failure = reason }
        XML_StopParser(parser, 0)
    }

    func start(name: UnsafePointer<CChar>?, attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?) {
        guard failure == nil, let name else { return }
        guard stack.count < maxDepth else {
            abort("elements nest deeper than \(maxDepth) levels")
            return
        }
        var attributeMap: [String: String] = [:]
        if let attributes {
            var index = 0
            while let key = attributes[index], let value = attributes[index + 1] {
                attributeMap[String(cString: key)] = String(cString: value)
                index += 2
            }
        }
        let qualified = String(cString: name)
        let local = TreeBuilder.localName(qualified)
        guard !local.isEmpty else {
            // `<a:/>` is well-formed XML but not a qualified name: no lookup could ever find it.
            abort("element <\(qualified.prefix(64))> has an empty local name")
            return
        }
        let path = stack.last.map { "\($0.path)/\(local)" } ?? local
        stack.append(Frame(name: local, attributes: attributeMap, path: path))
    }

    func end() {
        guard failure == nil, let frame = stack.popLast() else { return }
        let element = XMLElement(
            name: frame.name, attributes: frame.attributes, children: frame.children,
            text: String(decoding: frame.text, as: UTF8.self), path: frame.path)
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func characters(_ data: UnsafePointer<CChar>?, _ length: Int) {
        guard failure == nil, let data, length > 0, !stack.isEmpty else { return }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            stack[stack.count - 1].text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        }
    }

    /// `prefix:local` becomes `local`.
    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}
