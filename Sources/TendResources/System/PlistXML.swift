/// The XML property lists `defaults export` prints and launchd reads, read and written in process with no platform
/// plist library (Foundation's differs between macOS and Linux in how it types numbers and booleans).
enum PlistXML {
    /// One top-level value, typed as `defaults write` would write it.
    enum Scalar: Sendable, Hashable {
        case bool(Bool), int(Int64), float(Double), string(String)
        /// Anything else (array, dict, data, date), by its element name.
        case other(String)

        /// `TYPE TEXT`, the form tend compares, keeps and puts back (`bool true`, `int 48`, `string left`).
        var typed: String {
            switch self {
            case .bool(let value): return "bool \(value)"
            case .int(let value): return "int \(value)"
            case .float(let value): return "float \(value)"
            case .string(let value): return "string " + value
            case .other(let kind): return kind
            }
        }
    }

    /// Why a document could not be read.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The top-level dictionary's keys and values; nested containers are skipped as `.other`.
    static func topLevel(_ text: String) throws -> [String: Scalar] {
        var scanner = Tokens(text)
        // Up to the top-level <dict>: the XML declaration, the doctype and <plist ...>.
        while let token = scanner.next() {
            if token == "<dict/>" { return [:] }
            if token == "<dict>" { break }
            if !token.hasPrefix("<") { continue }
        }
        var values: [String: Scalar] = [:]
        while let token = scanner.next() {
            if token == "</dict>" { return values }
            guard token == "<key>" else { throw Malformed(description: "expected <key>, found \(token.prefix(40))") }
            let key = unescape(scanner.text(until: "</key>"))
            guard let element = scanner.next() else { break }
            switch element {
            case "<true/>": values[key] = .bool(true)
            case "<false/>": values[key] = .bool(false)
            case "<string/>": values[key] = .string("")
            case "<integer>":
                let text = scanner.text(until: "</integer>")
                guard let number = Int64(text.trimmingSpaces) else { throw Malformed(description: "integer '\(text)' for \(key)") }
                values[key] = .int(number)
            case "<real>":
                let text = scanner.text(until: "</real>")
                guard let number = Double(text.trimmingSpaces) else { throw Malformed(description: "real '\(text)' for \(key)") }
                values[key] = .float(number)
            case "<string>": values[key] = .string(unescape(scanner.text(until: "</string>")))
            default:
                let name = element.dropFirst().prefix { $0.isLetter }
                values[key] = .other(String(name))
                if !element.hasSuffix("/>") { try scanner.skip(String(name)) }
            }
        }
        throw Malformed(description: "the top-level <dict> does not end")
    }

    /// Text with XML's five entities and numeric references in place.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { result.unicodeScalars.append(scalar) } else { result += "&\(entity);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }

    /// Text made safe inside an element.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Tags and the text between them, one at a time.
    struct Tokens {
        private var rest: Substring

        init(_ text: String) { rest = Substring(text) }

        /// The next tag (`<key>`, `<true/>`), skipping whitespace, comments and declarations' bodies.
        mutating func next() -> String? {
            while let first = rest.first, first == " " || first == "\n" || first == "\t" || first == "\r" { rest = rest.dropFirst() }
            guard !rest.isEmpty else { return nil }
            if rest.hasPrefix("<!--"), let end = rest.range(of: "-->") {
                rest = rest[end.upperBound...]
                return next()
            }
            guard rest.first == "<", let close = rest.firstIndex(of: ">") else {
                let end = rest.firstIndex(of: "<") ?? rest.endIndex
                let text = rest[..<end]
                rest = rest[end...]
                return String(text)
            }
            let tag = rest[...close]
            rest = rest[rest.index(after: close)...]
            return String(tag)
        }

        /// The raw text up to `closing`, which is consumed.
        mutating func text(until closing: String) -> String {
            guard let end = rest.range(of: closing) else {
                defer { rest = rest[rest.endIndex...] }
                return String(rest)
            }
            let text = rest[..<end.lowerBound]
            rest = rest[end.upperBound...]
            return String(text)
        }

        /// Skips to the end of an element named `name` that may nest (`array`, `dict`).
        mutating func skip(_ name: String) throws {
            var depth = 1
            while depth > 0, let token = next() {
                if token == "<\(name)>" { depth += 1 } else if token == "</\(name)>" { depth -= 1 }
            }
            if depth > 0 { throw Malformed(description: "<\(name)> does not end") }
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String { GVariantText.trimmed(self) }
}
