/// A parameter value after decoding: the kinds a schema can ask for.
public indirect enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([Value])
    case map([String: Value])

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var listValue: [Value]? {
        if case .list(let l) = self { return l }
        return nil
    }

    public var mapValue: [String: Value]? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// How the value reads in a plan: strings quoted, lists and maps in flow style, maps by sorted key.
    public var description: String {
        switch self {
        case .null: return "null"
        case .string(let s): return Value.quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.keys.sorted().map { "\($0): \(map[$0]!.description)" }.joined(separator: ", ") + "}"
        }
    }

    /// The value as plain text: a string as is, other kinds as `description` writes them.
    public var text: String {
        if case .string(let s) = self { return s }
        return description
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The value as JSON.
    public var json: JSON {
        switch self {
        case .null: return .null
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        case .list(let items): return .array(items.map(\.json))
        case .map(let map): return .object(map.keys.sorted().map { ($0, map[$0]!.json) })
        }
    }

    /// A value from JSON; doubles become strings so that nothing is lost.
    public init(json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .string(String(d))
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(Value.init(json:)))
        case .object(let pairs): self = .map(Dictionary(pairs.map { ($0.0, Value(json: $0.1)) }, uniquingKeysWith: { $1 }))
        }
    }
}
