internal import CYaml

/// Reads one YAML document into a `Node` tree with libyaml's event API.
///
/// Anchors and aliases are resolved (an alias yields a copy of its anchored node), merge keys `<<` are
/// applied, and marks are 1-based. Nesting depth and alias expansion are capped, so hostile input fails with
/// an error rather than exhausting the stack or memory.
public struct Parser: Sendable {
    /// The deepest nesting of collections accepted.
    public var maxDepth: Int
    /// The most nodes a document may expand to, counting every node an alias copies.
    public var maxNodes: Int

    public init(maxDepth: Int = 256, maxNodes: Int = 2_000_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// Parses `text`; nil for a stream with no document (an empty file or only comments).
    public func parse(_ text: String) throws -> Node? {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses UTF-8 bytes; nil for a stream with no document.
    public func parse(bytes: [UInt8]) throws -> Node? {
        if let bad = Self.firstInvalidUTF8(bytes) { throw YAMLError.invalidUTF8(mark: bad) }
        var builder = TreeBuilder(maxDepth: maxDepth, maxNodes: maxNodes)
        return try bytes.withUnsafeBufferPointer { buffer -> Node? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw YAMLError.syntax(message: "libyaml could not allocate a parser", mark: .start)
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw Self.syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.consume(&event)
            }
            return builder.document
        }
    }

    private static func mark(_ mark: yaml_mark_t) -> Mark {
        Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown syntax error"
        let context = parser.context.map { String(cString: $0) }
        let problemMark = mark(parser.problem_mark)
        let contextMark = mark(parser.context_mark)
        switch (problem, context) {
        case ("found unexpected end of stream", "while scanning a quoted scalar"?):
            return .syntax(message: "unterminated quoted string, opened at \(contextMark)", mark: contextMark)
        case ("found character that cannot start any token", _):
            return .syntax(message: "found a character that cannot start any token (tabs cannot indent YAML; use spaces)",
                           mark: problemMark)
        case ("mapping values are not allowed in this context", _):
            return .syntax(message: "unexpected ':' (a value on this line needs quotes, or the key needs its own line)",
                           mark: problemMark)
        default:
            guard var context else { return .syntax(message: problem, mark: problemMark) }
            for prefix in ["while scanning ", "while parsing "] where context.hasPrefix(prefix) {
                context.removeFirst(prefix.count)
            }
            return .syntax(message: "\(problem) in \(context) that starts at \(contextMark)", mark: problemMark)
        }
    }

    /// The place of the first byte that is not part of valid UTF-8, or nil when all bytes are valid.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Mark? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return nil
            case .error:
                return Mark(line: line, column: column)
            }
        }
    }
}

/// Turns a stream of libyaml events into one `Node`, resolving anchors and merge keys as it goes.
private struct TreeBuilder {
    private enum Frame {
        case sequence(mark: Mark, tag: String?, anchor: String?, items: [Node], size: Int)
        case mapping(mark: Mark, tag: String?, anchor: String?, items: [Node], size: Int)
    }

    let maxDepth: Int
    let maxNodes: Int
    private(set) var document: Node?
    private var documentCount = 0
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var nodeCount = 0

    init(maxDepth: Int, maxNodes: Int) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    mutating func consume(_ event: inout yaml_event_t) throws {
        let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 { throw YAMLError.multipleDocuments(mark: mark) }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = Self.string(data.value, length: Int(data.length))
            let style: Scalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = Self.string(data.tag).flatMap { $0 == "!" ? nil : $0 }
            let node = Node(.scalar(Scalar(value, style: style)), mark: mark, tag: tag)
            try finish(node, size: 1, anchor: Self.string(data.anchor), mark: mark)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else { throw YAMLError.undefinedAlias(name: name, mark: mark) }
            try finish(anchored.node, size: anchored.size, anchor: nil, mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            try push(mark: mark)
            let data = event.data.sequence_start
            stack.append(.sequence(mark: mark, tag: Self.string(data.tag), anchor: Self.string(data.anchor),
                                   items: [], size: 1))
        case YAML_MAPPING_START_EVENT:
            try push(mark: mark)
            let data = event.data.mapping_start
            stack.append(.mapping(mark: mark, tag: Self.string(data.tag), anchor: Self.string(data.anchor),
                                  items: [], size: 1))
        case YAML_SEQUENCE_END_EVENT:
            guard case .sequence(let start, let tag, let anchor, let items, let size)? = stack.popLast() else { return }
            try finish(Node(.sequence(items), mark: start, tag: tag), size: size, anchor: anchor, mark: start)
        case YAML_MAPPING_END_EVENT:
            guard case .mapping(let start, let tag, let anchor, let items, let size)? = stack.popLast() else { return }
            var pairs: [Pair] = []
            pairs.reserveCapacity(items.count / 2)
            var index = 0
            while index + 1 < items.count {
                pairs.append(Pair(items[index], items[index + 1]))
                index += 2
            }
            let merged = try Self.applyMerges(pairs)
            try finish(Node(.mapping(merged), mark: start, tag: tag), size: size, anchor: anchor, mark: start)
        default:
            break
        }
    }

    private mutating func push(mark: Mark) throws {
        if stack.count >= maxDepth { throw YAMLError.tooDeep(limit: maxDepth, mark: mark) }
    }

    private mutating func finish(_ node: Node, size: Int, anchor: String?, mark: Mark) throws {
        nodeCount += size
        if nodeCount > maxNodes { throw YAMLError.tooLarge(limit: maxNodes, mark: mark) }
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.popLast() else {
            document = node
            return
        }
        switch top {
        case .sequence(let m, let t, let a, var items, let s):
            items.append(node)
            stack.append(.sequence(mark: m, tag: t, anchor: a, items: items, size: s + size))
        case .mapping(let m, let t, let a, var items, let s):
            items.append(node)
            stack.append(.mapping(mark: m, tag: t, anchor: a, items: items, size: s + size))
        }
    }

    /// Applies YAML merge keys: keys written in the mapping win, then earlier merged mappings over later ones.
    private static func applyMerges(_ pairs: [Pair]) throws -> [Pair] {
        func isMergeKey(_ key: Node) -> Bool {
            guard let scalar = key.scalar else { return false }
            return key.tag == "tag:yaml.org,2002:merge" || (scalar.style == .plain && scalar.value == "<<" && key.tag == nil)
        }
        guard pairs.contains(where: { isMergeKey($0.key) }) else { return pairs }
        var result: [Pair] = []
        var merged: [Pair] = []
        for pair in pairs {
            guard isMergeKey(pair.key) else {
                result.append(pair)
                continue
            }
            switch pair.value.content {
            case .mapping(let source):
                merged.append(contentsOf: source)
            case .sequence(let sources):
                for source in sources {
                    guard let sourcePairs = source.mapping else { throw YAMLError.badMerge(mark: source.mark) }
                    merged.append(contentsOf: sourcePairs)
                }
            case .scalar:
                throw YAMLError.badMerge(mark: pair.value.mark)
            }
        }
        var seen = Set(result.compactMap { $0.key.scalar?.value })
        for pair in merged {
            guard let key = pair.key.scalar?.value else { continue }
            if seen.insert(key).inserted { result.append(pair) }
        }
        return result
    }
}
