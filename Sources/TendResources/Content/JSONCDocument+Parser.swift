import Foundation
import TendCore

extension JSONCDocument {
    /// What one value parsed to: its JSON, its bytes, and its members when it is an object.
    struct Parsed {
        var json: JSON
        var range: Range<Int>
        var object: Object?
    }

    /// A recursive-descent reader of JSON with comments and trailing commas, bounded in depth.
    struct Parser {
        let bytes: [UInt8]
        let path: String
        var position = 0
        var comments: [Range<Int>] = []

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
        }

        func error(_ message: String) -> ContentError {
            var line = 1
            var column = 1
            for byte in bytes[..<min(position, bytes.count)] {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return .malformed(path: path, reason: "is not JSON tend can read at line \(line), column \(column): \(message) "
                + "(fix the file by hand, then run tend again)")
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        /// Skips blanks and comments.
        mutating func skip() throws(ContentError) {
            while let byte = current {
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    position += 1
                } else if byte == UInt8(ascii: "/"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "/") {
                    let start = position
                    while let next = current, next != 0x0A { position += 1; _ = next }
                    comments.append(start..<position)
                } else if byte == UInt8(ascii: "/"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "*") {
                    let start = position
                    position += 2
                    while position + 1 < bytes.count, !(bytes[position] == UInt8(ascii: "*") && bytes[position + 1] == UInt8(ascii: "/")) {
                        position += 1
                    }
                    guard position + 1 < bytes.count else {
                        position = start
                        throw error("a '/*' comment without '*/'")
                    }
                    position += 2
                    comments.append(start..<position)
                } else {
                    return
                }
            }
        }

        mutating func value(depth: Int) throws(ContentError) -> Parsed {
            guard depth < JSONCDocument.depthLimit else {
                throw error("nested deeper than \(JSONCDocument.depthLimit) levels")
            }
            let start = position
            guard let byte = current else { throw error("the file ends where a value should be") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""):
                let text = try string()
                return Parsed(json: .string(text), range: start..<position)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                if byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte) { return try number() }
                throw error("unexpected '\(String(decoding: [byte], as: UTF8.self))'")
            }
        }

        mutating func literal(_ word: String, _ json: JSON) throws(ContentError) -> Parsed {
            let start = position
            let spelled = Array(word.utf8)
            guard bytes.count - position >= spelled.count, Array(bytes[position..<(position + spelled.count)]) == spelled else {
                throw error("expected '\(word)'")
            }
            position += spelled.count
            return Parsed(json: json, range: start..<position)
        }

        mutating func number() throws(ContentError) -> Parsed {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            var fraction = false
            while let byte = current, (0x30...0x39).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                    || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                if !(0x30...0x39).contains(byte) { fraction = true }
                position += 1
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if !fraction, let int = Int(text) { return Parsed(json: .int(int), range: start..<position) }
            guard let double = Double(text), double.isFinite else { throw error("'\(text)' is not a number") }
            return Parsed(json: .double(double), range: start..<position)
        }

        mutating func string() throws(ContentError) -> String {
            position += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll()
            }
            while true {
                guard let byte = current else { throw error("a string without its closing quote") }
                position += 1
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw error("a control character inside a string") }
                guard byte == UInt8(ascii: "\\") else { run.append(byte); continue }
                flush()
                guard let escape = current else { throw error("a string without its closing quote") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("a lone surrogate in a \\u escape")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("a lone surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("a lone surrogate in a \\u escape") }
                    scalars.append(scalar)
                default:
                    throw error("an unknown escape '\\\(String(decoding: [escape], as: UTF8.self))'")
                }
            }
            flush()
            return String(scalars)
        }

        mutating func hex4() throws(ContentError) -> UInt32 {
            guard bytes.count - position >= 4,
                  let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
                throw error("a \\u escape without four hex digits")
            }
            position += 4
            return code
        }

        mutating func object(depth: Int) throws(ContentError) -> Parsed {
            let open = position
            position += 1
            var members: [Member] = []
            var pairs: [(String, JSON)] = []
            while true {
                try skip()
                guard let byte = current else { throw error("an object without its closing '}'") }
                if byte == UInt8(ascii: "}") { break }
                guard byte == UInt8(ascii: "\"") else { throw error("expected a quoted key or '}'") }
                let keyStart = position
                let key = try string()
                try skip()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
                position += 1
                try skip()
                let parsed = try value(depth: depth + 1)
                var member = Member(key: key, keyStart: keyStart, value: parsed.range, json: parsed.json, comma: nil,
                                    object: parsed.object)
                try skip()
                if current == UInt8(ascii: ",") {
                    member.comma = position
                    position += 1
                    members.append(member)
                    pairs.append((key, parsed.json))
                    continue
                }
                members.append(member)
                pairs.append((key, parsed.json))
                try skip()
                guard current == UInt8(ascii: "}") else { throw error("expected ',' or '}' after the value of \"\(key)\"") }
                break
            }
            position += 1
            let object = Object(open: open, close: position - 1, members: members)
            return Parsed(json: .object(pairs), range: open..<position, object: object)
        }

        mutating func array(depth: Int) throws(ContentError) -> Parsed {
            let open = position
            position += 1
            var items: [JSON] = []
            while true {
                try skip()
                guard let byte = current else { throw error("an array without its closing ']'") }
                if byte == UInt8(ascii: "]") { break }
                items.append(try value(depth: depth + 1).json)
                try skip()
                if current == UInt8(ascii: ",") { position += 1; continue }
                guard current == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
                break
            }
            position += 1
            return Parsed(json: .array(items), range: open..<position)
        }
    }
}
