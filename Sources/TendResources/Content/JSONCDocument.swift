import TendCore

/// A JSON file that may hold `//` and `/* */` comments and trailing commas (VS Code's settings.json), parsed
/// with the byte offsets an edit needs, so that setting one member changes only that member's bytes and adding
/// or removing one touches only its line and one comma. Nesting is bounded (`depthLimit`).
struct JSONCDocument {
    /// Deeper than any settings file; a hostile file cannot exhaust the stack.
    static let depthLimit = 64

    /// An object: where its braces are and its members in order.
    struct Object {
        var open: Int
        var close: Int
        var members: [Member]
    }

    struct Member {
        var key: String
        var keyStart: Int
        var value: Range<Int>
        var json: JSON
        /// The offset of the comma after the value, when there is one.
        var comma: Int?
        /// The value's members, when it is an object.
        var object: Object?
    }

    let bytes: [UInt8]
    /// The top-level object; nil for a file of blanks and comments only.
    let root: Object?
    /// Where comments are, so that an insertion never lands inside one.
    let comments: [Range<Int>]

    init(_ text: String, path: String) throws(ContentError) {
        bytes = Array(text.utf8)
        var parser = Parser(bytes: bytes, path: path)
        try parser.skip()
        if parser.position == bytes.count {
            root = nil
        } else {
            guard bytes[parser.position] == UInt8(ascii: "{") else {
                throw parser.error("the top of the file is not an object ('{')")
            }
            let parsed = try parser.value(depth: 0)
            root = parsed.object
            try parser.skip()
            guard parser.position == bytes.count else { throw parser.error("text after the top-level object") }
        }
        comments = parser.comments
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The object that `within` names (each a key of an object in the one before), nil when one is missing.
    func object(at within: [String], path: String) throws(ContentError) -> Object? {
        guard var object = root else { return nil }
        for key in within {
            guard let member = object.members.last(where: { $0.key == key }) else { return nil }
            guard let inner = member.object else {
                throw .malformed(path: path, reason: "'\(key)' is not an object, so tend cannot set a key inside it")
            }
            object = inner
        }
        return object
    }

    /// The value of `key` in the object `within` names; nil when it is not there.
    func value(within: [String], key: String, path: String) throws(ContentError) -> JSON? {
        try object(at: within, path: path)?.members.last(where: { $0.key == key })?.json
    }

    /// The text with `key` set to `value` inside the object `within` names, made (with any missing objects on
    /// the way) when it is not there.
    func setting(within: [String], key: String, to value: JSON, path: String) throws(ContentError) -> String {
        guard var object = root else {
            // A file of blanks and comments only keeps them, after the new object.
            return Self.render(Self.nest(value, key: key, within: within), indent: "", unit: "    ") + "\n" + text
        }
        var missing: [String] = []
        for (index, name) in within.enumerated() {
            guard let member = object.members.last(where: { $0.key == name }) else {
                missing = Array(within[index...])
                break
            }
            guard let inner = member.object else {
                throw .malformed(path: path, reason: "'\(name)' is not an object, so tend cannot set a key inside it")
            }
            object = inner
        }
        if missing.isEmpty, let member = object.members.last(where: { $0.key == key }) {
            let indent = lineIndent(at: member.keyStart)
            return replacing(member.value, with: Self.render(value, indent: indent, unit: unit))
        }
        if missing.isEmpty { return inserting(member: key, value: value, into: object) }
        return inserting(member: missing[0], value: Self.nest(value, key: key, within: Array(missing.dropFirst())),
                         into: object)
    }

    /// The text without `key` in the object `within` names (every member of that name).
    func removing(within: [String], key: String, path: String) throws(ContentError) -> String {
        var document = self
        while let object = try document.object(at: within, path: path),
              let index = object.members.lastIndex(where: { $0.key == key }) {
            let text = document.removing(index, from: object)
            document = try JSONCDocument(text, path: path)
        }
        return document.text
    }

    // MARK: Edits by offset

    /// The indentation unit of the file: its top-level members' indentation, else four spaces.
    private var unit: String {
        guard let first = root?.members.first else { return "    " }
        let indent = lineIndent(at: first.keyStart)
        return indent.isEmpty ? "    " : indent
    }

    /// The blanks from the start of the line to `offset`, when only blanks are there; else "".
    private func lineIndent(at offset: Int) -> String {
        var start = offset
        while start > 0, bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09 { start -= 1 }
        guard start == 0 || bytes[start - 1] == 0x0A else { return "" }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private func replacing(_ range: Range<Int>, with text: String) -> String {
        var result = bytes
        result.replaceSubrange(range, with: Array(text.utf8))
        return String(decoding: result, as: UTF8.self)
    }

    private func inComment(_ offset: Int) -> Bool { comments.contains { $0.contains(offset) } }

    private func inserting(member key: String, value: JSON, into object: Object) -> String {
        var result = bytes
        if let last = object.members.last {
            let indent = lineIndent(at: last.keyStart)
            let entry = Self.quoted(key) + ": " + Self.render(value, indent: indent, unit: unit)
            if indent.isEmpty && !bytes[last.value.upperBound..<object.close].contains(0x0A) {
                // A one-line object stays on one line.
                let at = last.comma.map { $0 + 1 } ?? last.value.upperBound
                let text = last.comma == nil ? ", " + entry : " " + entry + ","
                result.replaceSubrange(at..<at, with: Array(text.utf8))
                return String(decoding: result, as: UTF8.self)
            }
            // After the end of the last member's line (past a comment there), never inside a comment.
            let start = last.comma.map { $0 + 1 } ?? last.value.upperBound
            var at = start
            while at < object.close, bytes[at] != 0x0A || inComment(at) { at += 1 }
            let text = "\n" + indent + entry + (last.comma == nil ? "" : ",")
            result.replaceSubrange(at..<at, with: Array(text.utf8))
            if last.comma == nil { result.insert(UInt8(ascii: ","), at: last.value.upperBound) }
            return String(decoding: result, as: UTF8.self)
        }
        let outer = lineIndent(at: object.open)
        let indent = outer + unit
        let entry = Self.quoted(key) + ": " + Self.render(value, indent: indent, unit: unit)
        let inside = bytes[(object.open + 1)..<object.close]
        if inside.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            result.replaceSubrange((object.open + 1)..<object.close, with: Array(("\n" + indent + entry + "\n" + outer).utf8))
        } else {
            result.insert(contentsOf: Array(("\n" + indent + entry).utf8), at: object.open + 1)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The text without member `index` of `object`: its line when it has one to itself, and one comma.
    private func removing(_ index: Int, from object: Object) -> String {
        let member = object.members[index]
        var start = member.keyStart
        var end = member.comma.map { $0 + 1 } ?? member.value.upperBound
        var lineStart = start
        while lineStart > 0, bytes[lineStart - 1] == 0x20 || bytes[lineStart - 1] == 0x09 { lineStart -= 1 }
        if lineStart == 0 || bytes[lineStart - 1] == 0x0A {
            var lineEnd = end
            while lineEnd < bytes.count, bytes[lineEnd] == 0x20 || bytes[lineEnd] == 0x09 || bytes[lineEnd] == 0x0D { lineEnd += 1 }
            if lineEnd < bytes.count, bytes[lineEnd] == 0x0A {
                start = lineStart
                end = lineEnd + 1
            }
        }
        var result = bytes
        result.removeSubrange(start..<end)
        // The last member had no comma of its own: the one before it now ends the object, and goes.
        if member.comma == nil, index > 0, let previous = object.members[index - 1].comma {
            result.remove(at: previous)
        }
        return String(decoding: result, as: UTF8.self)
    }

    // MARK: Rendering

    /// `value` under `key` inside objects named by `within`, outermost first.
    static func nest(_ value: JSON, key: String, within: [String]) -> JSON {
        var nested = JSON.object([(key, value)])
        for name in within.reversed() { nested = .object([(name, nested)]) }
        return nested
    }

    static func quoted(_ key: String) -> String { JSON.string(key).compact }

    /// Scalars compact; objects and arrays one member per line, indented from `indent` by `unit`.
    static func render(_ value: JSON, indent: String, unit: String) -> String {
        switch value {
        case .object(let pairs) where !pairs.isEmpty:
            let inner = indent + unit
            return "{\n" + pairs.map { inner + quoted($0.0) + ": " + render($0.1, indent: inner, unit: unit) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let items) where !items.isEmpty:
            let inner = indent + unit
            return "[\n" + items.map { inner + render($0, indent: inner, unit: unit) }.joined(separator: ",\n")
                + "\n" + indent + "]"
        default:
            return value.compact
        }
    }
}
