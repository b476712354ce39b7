/// A YAML node with the place it was written; aliases are already resolved and merge keys applied.
public struct Node: Sendable, Hashable {
    /// What the node holds.
    public enum Content: Sendable, Hashable {
        case scalar(Scalar)
        case sequence([Node])
        case mapping([Pair])
    }

    public var content: Content
    /// Where the node starts.
    public var mark: Mark
    /// The explicit tag, if the document wrote one (`!!str`, `!custom`); nil for untagged nodes.
    public var tag: String?

    public init(_ content: Content, mark: Mark = .start, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    public static func scalar(_ value: String, style: Scalar.Style = .plain, mark: Mark = .start) -> Node {
        Node(.scalar(Scalar(value, style: style)), mark: mark)
    }

    public static func sequence(_ items: [Node], mark: Mark = .start) -> Node {
        Node(.sequence(items), mark: mark)
    }

    public static func mapping(_ pairs: [Pair], mark: Mark = .start) -> Node {
        Node(.mapping(pairs), mark: mark)
    }

    public var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var sequence: [Node]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The first value whose key is the plain string `key`.
    public subscript(key: String) -> Node? {
        mapping?.first { $0.key.scalar?.value == key }?.value
    }

    /// True for a plain scalar that YAML reads as null (`~`, `null`, or nothing at all).
    public var isNull: Bool {
        guard let s = scalar, s.style == .plain, tag == nil || tag == "tag:yaml.org,2002:null" else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.value)
    }

    /// A short word for the node's kind, for messages ("a mapping", "a list", "a string").
    public var kindDescription: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// One key and value of a mapping, in document order.
public struct Pair: Sendable, Hashable {
    public var key: Node
    public var value: Node

    public init(_ key: Node, _ value: Node) {
        self.key = key
        self.value = value
    }
}

/// A scalar's text and how it was written.
public struct Scalar: Sendable, Hashable {
    /// How a scalar was written; plain scalars are subject to YAML's type resolution, quoted ones are strings.
    public enum Style: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style

    public init(_ value: String, style: Style = .plain) {
        self.value = value
        self.style = style
    }
}
