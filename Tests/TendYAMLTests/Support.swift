import Testing
@testable import TendYAML

extension Node {
    /// The same tree with every mark reset, so two trees compare by content, style and tag only.
    var withoutMarks: Node {
        let content: Content
        switch self.content {
        case .scalar(let scalar):
            content = .scalar(scalar)
        case .sequence(let items):
            content = .sequence(items.map(\.withoutMarks))
        case .mapping(let pairs):
            content = .mapping(pairs.map { Pair($0.key.withoutMarks, $0.value.withoutMarks) })
        }
        return Node(content, mark: .start, tag: tag)
    }

    /// The mapping's keys, in document order.
    var keys: [String] {
        (mapping ?? []).map { $0.key.scalar?.value ?? "?" }
    }

    /// The scalar values of a sequence (or of a mapping's values), for terse assertions.
    var values: [String] {
        if let items = sequence { return items.map { $0.scalar?.value ?? "?" } }
        return (mapping ?? []).map { $0.value.scalar?.value ?? "?" }
    }
}

/// Parses `text` with the default parser, failing the test if the stream holds no document.
func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Node {
    try #require(try Parser().parse(text), "no document", sourceLocation: sourceLocation)
}

/// The YAMLError that parsing `text` throws, or nil (recorded as a failure) when it parses.
func parseError(_ text: String, parser: Parser = Parser(), sourceLocation: SourceLocation = #_sourceLocation) -> YAMLError? {
    parseError(bytes: Array(text.utf8), parser: parser, sourceLocation: sourceLocation)
}

func parseError(bytes: [UInt8], parser: Parser = Parser(), sourceLocation: SourceLocation = #_sourceLocation) -> YAMLError? {
    do {
        let node = try parser.parse(bytes: bytes)
        Issue.record("expected an error, parsed \(String(describing: node))", sourceLocation: sourceLocation)
        return nil
    } catch let error as YAMLError {
        return error
    } catch {
        Issue.record("expected a YAMLError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Where two trees first differ, as a path and both sides; nil when they are equal. Marks never count.
/// With `byMeaning`, scalars compare by what they resolve to rather than by text and style, so `''` and
/// `""` agree, and so do `~` and an empty plain scalar.
func firstDifference(_ lhs: Node, _ rhs: Node, byMeaning: Bool = false, path: String = "$") -> String? {
    if lhs.tag != rhs.tag { return "\(path): tag \(String(describing: lhs.tag)) vs \(String(describing: rhs.tag))" }
    switch (lhs.content, rhs.content) {
    case (.scalar(let a), .scalar(let b)):
        if a == b { return nil }
        if byMeaning {
            let (x, y) = (ScalarResolution.resolve(a, tag: lhs.tag), ScalarResolution.resolve(b, tag: rhs.tag))
            if x == y { return nil }
            if case .float(let p) = x, case .float(let q) = y, p.isNaN, q.isNaN { return nil }
        }
        return "\(path): \(a) vs \(b)"
    case (.sequence(let a), .sequence(let b)):
        if a.count != b.count { return "\(path): \(a.count) items vs \(b.count)" }
        for (index, (x, y)) in zip(a, b).enumerated() {
            if let difference = firstDifference(x, y, byMeaning: byMeaning, path: "\(path)[\(index)]") { return difference }
        }
        return nil
    case (.mapping(let a), .mapping(let b)):
        if a.count != b.count { return "\(path): \(a.count) pairs vs \(b.count)" }
        for (index, (x, y)) in zip(a, b).enumerated() {
            if let difference = firstDifference(x.key, y.key, byMeaning: byMeaning, path: "\(path).key\(index)") {
                return difference
            }
            let name = x.key.scalar?.value ?? "key\(index)"
            if let difference = firstDifference(x.value, y.value, byMeaning: byMeaning, path: "\(path).\(name)") {
                return difference
            }
        }
        return nil
    default:
        return "\(path): \(lhs.kindDescription) vs \(rhs.kindDescription)"
    }
}
