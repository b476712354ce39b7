internal import CYaml

/// Writes a `Node` back as YAML text through libyaml's emitter, so quoting and escaping follow libyaml's rules.
public struct Emitter: Sendable {
    /// Spaces per indentation level.
    public var indent: Int
    /// Column at which libyaml folds long plain scalars; -1 never folds.
    public var width: Int

    public init(indent: Int = 2, width: Int = -1) {
        self.indent = indent
        self.width = width
    }

    /// The YAML text of `node` as one document, ending in a newline.
    public func emit(_ node: Node) throws -> String {
        final class Sink {
            var bytes: [UInt8] = []
        }
        let sink = Sink()
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else {
            throw YAMLError.syntax(message: "libyaml could not allocate an emitter", mark: .start)
        }
        defer { yaml_emitter_delete(&emitter) }
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_indent(&emitter, Int32(indent))
        yaml_emitter_set_width(&emitter, Int32(width))
        let handler: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int) -> Int32 = {
            context, buffer, size in
            guard let context, let buffer else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }
        yaml_emitter_set_output(&emitter, handler, Unmanaged.passUnretained(sink).toOpaque())

        func emitEvent(_ make: (UnsafeMutablePointer<yaml_event_t>) -> Int32) throws {
            var event = yaml_event_t()
            guard make(&event) == 1, yaml_emitter_emit(&emitter, &event) == 1 else {
                let problem = emitter.problem.map { String(cString: $0) } ?? "libyaml could not emit the document"
                throw YAMLError.syntax(message: problem, mark: .start)
            }
        }

        func emitNode(_ node: Node, isKey: Bool = false) throws {
            let tag = node.tag
            switch node.content {
            case .scalar(var scalar):
                // libyaml quotes an empty plain key (''), which would turn a null key into a string; `~` is the
                // same null and may stay plain.
                if isKey, tag == nil, scalar.style == .plain, scalar.value.isEmpty { scalar.value = "~" }
                let style: yaml_scalar_style_t
                switch scalar.style {
                case .plain: style = YAML_ANY_SCALAR_STYLE
                case .singleQuoted: style = YAML_SINGLE_QUOTED_SCALAR_STYLE
                case .doubleQuoted: style = YAML_DOUBLE_QUOTED_SCALAR_STYLE
                case .literal: style = YAML_LITERAL_SCALAR_STYLE
                case .folded: style = YAML_FOLDED_SCALAR_STYLE
                }
                var value = Array(scalar.value.utf8)
                try withOptionalCString(tag) { tagPointer in
                    try value.withUnsafeMutableBufferPointer { buffer in
                        try emitEvent {
                            yaml_scalar_event_initialize($0, nil, tagPointer, buffer.baseAddress, Int32(buffer.count),
                                                         tag == nil ? 1 : 0, tag == nil ? 1 : 0, style)
                        }
                    }
                }
            case .sequence(let items):
                try withOptionalCString(tag) { tagPointer in
                    try emitEvent {
                        yaml_sequence_start_event_initialize($0, nil, tagPointer, tag == nil ? 1 : 0,
                                                             items.isEmpty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
                    }
                }
                for item in items { try emitNode(item) }
                try emitEvent { yaml_sequence_end_event_initialize($0) }
            case .mapping(let pairs):
                try withOptionalCString(tag) { tagPointer in
                    try emitEvent {
                        yaml_mapping_start_event_initialize($0, nil, tagPointer, tag == nil ? 1 : 0,
                                                            pairs.isEmpty ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
                    }
                }
                for pair in pairs {
                    try emitNode(pair.key, isKey: true)
                    try emitNode(pair.value)
                }
                try emitEvent { yaml_mapping_end_event_initialize($0) }
            }
        }

        try emitEvent { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) }
        // A document that is only an empty plain scalar would be written as a blank line, which reads back as
        // no document at all; an explicit `---` keeps it a (null) document.
        let isBlank = node.tag == nil && node.scalar.map { $0.style == .plain && $0.value.isEmpty } == true
        try emitEvent { yaml_document_start_event_initialize($0, nil, nil, nil, isBlank ? 0 : 1) }
        try emitNode(node)
        try emitEvent { yaml_document_end_event_initialize($0, 1) }
        try emitEvent { yaml_stream_end_event_initialize($0) }
        guard yaml_emitter_flush(&emitter) == 1 else {
            throw YAMLError.syntax(message: "libyaml could not flush the document", mark: .start)
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafeMutablePointer<yaml_char_t>?) throws -> R) rethrows -> R {
    guard let string else { return try body(nil) }
    var bytes = Array(string.utf8) + [0]
    return try bytes.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
}

extension Node {
    /// A string scalar that reads back as the same string: plain when YAML would read it as a string,
    /// double-quoted when plain text would turn into a number, bool or null (including YAML 1.1 bools such
    /// as `yes`), or would not parse (see `ScalarResolution.needsQuotes`).
    public static func string(_ value: String) -> Node {
        .scalar(value, style: ScalarResolution.needsQuotes(value) ? .doubleQuoted : .plain)
    }
}
