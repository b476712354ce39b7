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

/// A small deterministic generator (SplitMix64), so randomised tests fail the same way every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
