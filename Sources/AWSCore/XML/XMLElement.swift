/// One element of a parsed XML document: its local name, attributes, child elements and direct text.
///
/// Lookups take a child name or a slash-separated path of names, for example `Credentials/AccessKeyId`.
/// Equality compares name, attributes, children and text, not `path`.
public struct XMLElement: Sendable, Equatable {
    /// The local name, with any namespace prefix dropped (`aws:Users` becomes `Users`).
    public var name: String
    /// The attributes as written, keyed by their full name.
    public var attributes: [String: String]
    /// The child elements in document order.
    public var children: [XMLElement]
    /// The character data directly inside this element (not inside its children), entities resolved.
    public var text: String
    /// The slash-separated names from the document root to this element, used in error messages.
    public var path: String

    /// Creates an element; `path` defaults to `name`.
    public init(
        name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "",
        path: String? = nil
    ) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.path = path ?? name
    }

    /// Compares name, attributes, children and text.
    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.attributes == rhs.attributes && lhs.text == rhs.text
            && lhs.children == rhs.children
    }

    /// The first child (or descendant, for a slash-separated path) with that name, if any.
    public func child(_ name: String) -> XMLElement? {
        var current = self
        for part in name.split(separator: "/", omittingEmptySubsequences: true) {
            guard let next = current.children.first(where: { $0.name == part }) else { return nil }
            current = next
        }
        return current
    }

    /// All children named `name`; a slash-separated path selects the children of the element before the last part.
    public func children(_ name: String) -> [XMLElement] {
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.last else { return [] }
        let parent = parts.count > 1 ? child(parts.dropLast().joined(separator: "/")) : self
        return parent?.children.filter { $0.name == last } ?? []
    }

    /// The text of the child (or descendant) `name`, or `nil` when there is no such element.
    public func text(of name: String) -> String? {
        child(name)?.text
    }

    /// The child (or descendant) `name`.
    ///
    /// Throws `AWSError.malformedResponse` naming the full missing path when it is absent.
    public func required(_ name: String) throws -> XMLElement {
        guard let found = child(name) else {
            throw AWSError.malformedResponse(detail: "missing element \(path)/\(name)")
        }
        return found
    }

    /// The text of the child (or descendant) `name`.
    ///
    /// Throws `AWSError.malformedResponse` naming the full missing path when the element is absent.
    public func requiredText(of name: String) throws -> String {
        try required(name).text
    }
}
