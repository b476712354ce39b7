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
            case "tag:yaml.org,2002:null": return .null
            default: break
            }
            return .string(scalar.value)
        }
        guard scalar.style == .plain else { return .string(scalar.value) }
        return resolvePlain(scalar.value)
    }

    public static func resolvePlain(_ text: String) -> Resolved {
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
        var body = Substring(text)
        var sign = 1
        if body.first == "-" || body.first == "+" {
            sign = body.first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        if body.hasPrefix("0x") { return Int(body.dropFirst(2), radix: 16).map { $0 * sign } }
        if body.hasPrefix("0o") { return Int(body.dropFirst(2), radix: 8).map { $0 * sign } }
        guard body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(body).map { $0 * sign }
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

    /// True when a plain scalar with this text would not read back as the same string.
    public static func needsQuotes(_ text: String) -> Bool {
        if case .string = resolvePlain(text) {} else { return true }
        if text.isEmpty || text.first!.isWhitespace || text.last!.isWhitespace { return true }
        if let first = text.first, "!&*-?:,[]{}#|>@`\"'%".contains(first) { return true }
        if text.contains(": ") || text.contains(" #") || text.contains("\n") || text.hasSuffix(":") { return true }
        return false
    }
}
