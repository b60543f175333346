import AWSCore

/// libFuzzer's entry point for the XML reader (`XMLReader.parse`, expat underneath).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    XMLReaderFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the XML reader, checked on one document.
///
/// - it throws only `AWSError.malformedResponse`, with a detail;
/// - an accepted tree is consistent: local names without a prefix, each path the parent's path plus the name, no
///   deeper than the default limit, and every child found again by the lookup functions the decoders use;
/// - the limits are exact: the document parses again, to the same tree, with `maxDepth` set to its depth and
///   `maxBytes` to its size, and is refused with either one less.
enum XMLReaderFuzz {
    /// Checks every invariant on `bytes`.
    static func check(_ bytes: [UInt8]) {
        guard let root = parse(bytes, maxBytes: XMLReader.defaultMaxBytes, maxDepth: XMLReader.defaultMaxDepth)
        else { return }
        fuzzRequire(root.path == root.name, "the root's path is \(root.path), its name \(root.name)")
        let depth = checkTree(root, depth: 1)
        fuzzRequire(depth <= XMLReader.defaultMaxDepth, "a tree \(depth) levels deep was accepted")
        let exact = parse(bytes, maxBytes: bytes.count, maxDepth: depth)
        fuzzRequire(exact == root, "the document parses differently with limits it fits in")
        fuzzRequire(
            parse(bytes, maxBytes: bytes.count, maxDepth: depth - 1) == nil,
            "a tree \(depth) levels deep was accepted with maxDepth \(depth - 1)")
        fuzzRequire(
            parse(bytes, maxBytes: bytes.count - 1, maxDepth: depth) == nil,
            "a document of \(bytes.count) bytes was accepted with maxBytes \(bytes.count - 1)")
    }

    /// The root element, or `nil` after checking that the failure is a `malformedResponse` with a detail.
    static func parse(_ bytes: [UInt8], maxBytes: Int, maxDepth: Int) -> XMLElement? {
        do {
            return try XMLReader.parse(bytes, maxBytes: maxBytes, maxDepth: maxDepth)
        } catch AWSError.malformedResponse(let detail) {
            fuzzRequire(!detail.isEmpty, "malformedResponse without a detail")
            return nil
        } catch {
            fuzzUnexpected(error, from: "XMLReader.parse")
        }
    }

    /// Checks `element` and its descendants; returns the depth of the subtree (`depth` for a leaf).
    static func checkTree(_ element: XMLElement, depth: Int) -> Int {
        fuzzRequire(!element.name.contains(":"), "element name \(element.name) keeps its prefix")
        var deepest = depth
        for child in element.children {
            fuzzRequire(
                child.path == "\(element.path)/\(child.name)", "child path \(child.path) under \(element.path)")
            fuzzRequire(
                element.child(child.name) == element.children.first { $0.name == child.name },
                "child(\(child.name)) is not the first child of that name")
            fuzzRequire(
                element.children(child.name).contains(child), "children(\(child.name)) misses a child of that name")
            fuzzRequire(element.text(of: child.name) != nil, "text(of: \(child.name)) is nil for an existing child")
            deepest = max(deepest, checkTree(child, depth: depth + 1))
        }
        return deepest
    }
}
