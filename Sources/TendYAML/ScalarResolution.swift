/// YAML 1.2 core-schema resolution of plain scalars, used by both the config decoder and the emitter.
public enum ScalarResolution {
    /// What a plain scalar means under the core schema.
    public enum Resolved: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
    }

    /// Resolves a scalar; quoted and block scalars are always strings.
    public static func resolve(_ scalar: Scalar, tag: String? = nil) -> Resolved {
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str": return .string(scalar.value)
            case "tag:yaml.org,2002:int": if let i = parseInt(scalar.value) { return .int(i) }
            case "tag:yaml.org,2002:bool": if let b = parseBool(scalar.value) { return .bool(b) }
            case "tag:yaml.org,2002:float":
                if let d = parseFloat(scalar.value) ?? parseInt(scalar.value).map(Double.init) { return .float(d) }
            case "tag:yaml.org,2002:null": return .null
            default: break
            }
            return .string(scalar.value)
        }
        guard scalar.style == .plain else { return .string(scalar.value) }
        return resolvePlain(scalar.value)
    }

    public static func resolvePlain(_ text: String) -> Resolved {
        // Most config text (paths, names, words) starts with a byte that no null, bool or number starts with.
        if let first = text.utf8.first {
            switch first {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "~"), UInt8(ascii: "."), UInt8(ascii: "-"),
                 UInt8(ascii: "+"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
                 UInt8(ascii: "f"), UInt8(ascii: "F"):
                break
            default:
                return .string(text)
            }
        }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let b = parseBool(text) { return .bool(b) }
        if let i = parseInt(text) { return .int(i) }
        if let first = text.utf8.first, first == UInt8(ascii: ".") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "+") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
            let d = parseFloat(text) {
            return .float(d)
        }
        return .string(text)
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    static func parseInt(_ text: String) -> Int? {
        // Core schema: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`. The radix forms take no sign, before
        // or after the prefix (Swift's `Int(_:radix:)` would accept "0x-5").
        func digits(_ body: Substring, radix: Int) -> Int? {
            guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.hexDigitValue ?? radix) < radix }) else { return nil }
            return Int(body, radix: radix)
        }
        if text.hasPrefix("0x") { return digits(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return digits(text.dropFirst(2), radix: 8) }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Whole text with its sign, so Int.min (whose magnitude is no Int) still parses.
        return Int(text.hasPrefix("+") ? String(body) : text)
    }

    static func parseFloat(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              text.contains(where: { $0.isNumber }) else { return nil }
        return Double(text)
    }

    /// True when a plain scalar with this text would not read back as the same string: it resolves to
    /// something else under the core schema, a YAML 1.1 reader would take it for a bool (`yes`, `off`: the
    /// file may be read by other tools too), or it is not valid as plain text (indicators, `: `, ` #`, edge
    /// whitespace, line breaks, control characters).
    public static func needsQuotes(_ text: String) -> Bool {
        if case .string = resolvePlain(text) {} else { return true }
        if yaml11Bools.contains(text) { return true }
        if text.isEmpty || text.first!.isWhitespace || text.last!.isWhitespace { return true }
        if let first = text.first, "!&*-?:,[]{}#|>@`\"'%".contains(first) { return true }
        if text.hasPrefix("...") { return true }  // a document end marker at the start of a line
        if text.contains(": ") || text.contains(":\t") || text.contains(" #") || text.contains("\t#")
            || text.hasSuffix(":") {
            return true
        }
        // Line breaks (YAML 1.1 counts NEL, LS and PS too), control characters and BOMs only survive quoted.
        return text.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029
                || scalar.value == 0xFEFF || scalar.value == 0xFFFE || scalar.value == 0xFFFF
        }
    }

    private static let yaml11Bools: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
}
