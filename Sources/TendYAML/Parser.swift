internal import CYaml

/// Reads one YAML document into a `Node` tree with libyaml's event API.
///
/// Anchors and aliases are resolved (an alias yields a copy of its anchored node, marked where the alias is
/// written; the nodes inside keep their own marks), merge keys `<<` are applied, and marks are 1-based.
/// Nesting depth and alias expansion are capped, so hostile input fails with an error rather than exhausting
/// the stack or memory.
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
        // A byte-order mark is not content; libyaml would count it as a column of the first line.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
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
                    throw Self.syntaxError(parser, bytes: bytes)
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

    private static func syntaxError(_ parser: yaml_parser_t, bytes: [UInt8]) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown syntax error"
        let context = parser.context.map { String(cString: $0) }
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark; the bytes are valid UTF-8 by now, so the
            // complaint is a character YAML forbids (a control character or a noncharacter like U+FFFE).
            let mark = Self.mark(ofOffset: Int(parser.problem_offset), in: bytes)
            guard parser.problem_value >= 0, let scalar = Unicode.Scalar(UInt32(parser.problem_value)) else {
                return .syntax(message: problem, mark: mark)
            }
            let code = String(scalar.value, radix: 16, uppercase: true)
            let hex = String(repeating: "0", count: max(0, 4 - code.count)) + code
            return .syntax(message: "found character U+\(hex), which YAML does not allow unescaped "
                + "(inside double quotes, write it as \\u\(hex))", mark: mark)
        }
        let problemMark = mark(parser.problem_mark)
        let contextMark = mark(parser.context_mark)
        switch (problem, context) {
        case ("found unexpected end of stream", "while scanning a quoted scalar"?):
            return .syntax(message: "unterminated quoted string, opened at \(contextMark)", mark: contextMark)
        case ("found character that cannot start any token", _):
            guard let found = character(at: problemMark, in: bytes), found != "\t" else {
                return .syntax(message: "found a character that cannot start any token (tabs cannot indent YAML; use spaces)",
                               mark: problemMark)
            }
            return .syntax(message: "found character '\(found)' that cannot start any token (put the value in quotes)",
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

    /// Walks the Unicode scalars of `bytes` with libyaml's idea of a line break (LF, CR, CRLF, NEL, LS, PS),
    /// calling `visit` with each scalar's byte offset and 1-based mark until it returns false. An invalid
    /// sequence is visited as nil and ends the walk.
    private static func walk(_ bytes: [UInt8], _ visit: (_ offset: Int, _ mark: Mark, _ scalar: Unicode.Scalar?) -> Bool) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        var afterCR = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if scalar == "\n" && afterCR {
                    // The LF of a CRLF pair belongs to the break the CR already counted.
                    afterCR = false
                    offset += 1
                    continue
                }
                guard visit(offset, Mark(line: line, column: column), scalar) else { return }
                offset += encoded.count
                afterCR = scalar == "\r"
                if isLineBreak(scalar) {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return
            case .error:
                _ = visit(offset, Mark(line: line, column: column), nil)
                return
            }
        }
    }

    /// The place of the first byte that is not part of valid UTF-8, or nil when all bytes are valid.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Mark? {
        // Fast path: the standard library's validation (non-generic, so quick even in debug builds) repairs
        // nothing in valid text; the scalar-by-scalar walk runs only to place an error.
        if bytes.withUnsafeBufferPointer({ String._tryFromUTF8Valid($0) }) { return nil }
        var bad: Mark?
        walk(bytes) { _, mark, scalar in
            if scalar == nil { bad = mark }
            return scalar != nil
        }
        return bad
    }

    /// The mark of the character that starts at byte `offset`, or just past the last character.
    static func mark(ofOffset offset: Int, in bytes: [UInt8]) -> Mark {
        var found: Mark?
        var last: (mark: Mark, scalar: Unicode.Scalar?)?
        walk(bytes) { at, mark, scalar in
            if at >= offset {
                found = mark
                return false
            }
            last = (mark, scalar)
            return true
        }
        if let found { return found }
        guard let last else { return .start }
        return isLineBreak(last.scalar) ? Mark(line: last.mark.line + 1, column: 1)
            : Mark(line: last.mark.line, column: last.mark.column + 1)
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }

    /// The character at `mark`, or nil when the text is shorter.
    static func character(at mark: Mark, in bytes: [UInt8]) -> Unicode.Scalar? {
        var found: Unicode.Scalar?
        walk(bytes) { _, at, scalar in
            if at == mark { found = scalar }
            return at < mark
        }
        return found
    }
}

/// Turns a stream of libyaml events into one `Node`, resolving anchors and merge keys as it goes.
private struct TreeBuilder {
    /// A collection whose end event has not come yet. Items are appended in place (never by popping and
    /// re-pushing the frame), so a long list costs linear time, not quadratic.
    private struct Frame {
        var isMapping: Bool
        var mark: Mark
        var tag: String?
        var anchor: String?
        var items: [Node] = []
        /// Nodes in this collection, counting itself and every node its aliases copy.
        var size = 1
        /// Levels of collections from this one down to its deepest item, itself included.
        var height = 1
    }

    let maxDepth: Int
    let maxNodes: Int
    private(set) var document: Node?
    private var documentCount = 0
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Int, height: Int)] = [:]
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

    /// The tag as written, or nil when there is none or only the non-specific `!`.
    private static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        string(pointer).flatMap { $0 == "!" ? nil : $0 }
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
            let node = Node(.scalar(Scalar(value, style: style)), mark: mark, tag: Self.tag(data.tag))
            try finish(node, size: 1, height: 0, counted: 1, anchor: Self.string(data.anchor), mark: mark)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else { throw YAMLError.undefinedAlias(name: name, mark: mark) }
            // A copied collection nests as deep here as where it was written, so aliases of aliases cannot
            // build a tree deeper than the cap (deep trees overflow the stack when they are freed or compared).
            if stack.count + anchored.height > maxDepth { throw YAMLError.tooDeep(limit: maxDepth, mark: mark) }
            // The copy starts where the alias is written, so a complaint about this value points at its use;
            // the nodes inside keep the marks of the anchored text they came from.
            var node = anchored.node
            node.mark = mark
            try finish(node, size: anchored.size, height: anchored.height, counted: anchored.size, anchor: nil, mark: mark)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            if stack.count >= maxDepth { throw YAMLError.tooDeep(limit: maxDepth, mark: mark) }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            stack.append(Frame(isMapping: isMapping, mark: mark, tag: Self.tag(tag), anchor: Self.string(anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: Node.Content
            if frame.isMapping {
                var pairs: [Pair] = []
                pairs.reserveCapacity(frame.items.count / 2)
                var index = 0
                while index + 1 < frame.items.count {
                    pairs.append(Pair(frame.items[index], frame.items[index + 1]))
                    index += 2
                }
                content = .mapping(try Self.applyMerges(pairs))
            } else {
                content = .sequence(frame.items)
            }
            // The items were counted as they finished; only the collection itself is new.
            try finish(Node(content, mark: frame.mark, tag: frame.tag), size: frame.size, height: frame.height,
                       counted: 1, anchor: frame.anchor, mark: frame.mark)
        default:
            break
        }
    }

    /// Hands a finished node to its parent collection (or makes it the document). `size` is the nodes the
    /// node stands for, `height` its levels of collections, `counted` the nodes not yet in the document's total.
    private mutating func finish(_ node: Node, size: Int, height: Int, counted: Int, anchor: String?, mark: Mark) throws {
        let (total, overflow) = nodeCount.addingReportingOverflow(counted)
        if overflow || total > maxNodes { throw YAMLError.tooLarge(limit: maxNodes, mark: mark) }
        nodeCount = total
        if let anchor { anchors[anchor] = (node, size, height) }
        guard !stack.isEmpty else {
            document = node
            return
        }
        stack[stack.count - 1].items.append(node)
        stack[stack.count - 1].size += size
        stack[stack.count - 1].height = max(stack[stack.count - 1].height, height + 1)
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

extension String {
    /// True when the bytes are valid UTF-8: the standard library validates without building a repaired copy.
    static func _tryFromUTF8Valid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }
}
