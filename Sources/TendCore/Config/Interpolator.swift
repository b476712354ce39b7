/// Expands `${vars.NAME}`, `${env.NAME}` (with `${env.NAME:-default}`), `${host.NAME}` in config strings and
/// collects `${outputs.ADDRESS.KEY}` references, which stay in the text until apply time. `$${` writes `${`.
struct Interpolator {
    enum Problem: Error, Equatable {
        case unterminated(offset: Int)
        case unknownNamespace(String, offset: Int)
        case unknownVariable(String, offset: Int)
        case unsetEnvironment(String, offset: Int)
        case unknownHostFact(String, offset: Int)
        case badOutputReference(String, offset: Int)
        case notText(String, offset: Int)
        /// The text put in for `${...}` in one value passed `maximumOutput` bytes.
        case tooLong(limit: Int, offset: Int)
    }

    /// The most text `${...}` may put into one value: 1 MiB. Variables that use each other twice double at
    /// each level; without a cap, forty levels ask for terabytes.
    static let maximumOutput = 1 << 20

    /// Resolves `${vars.NAME}`; nil when there is no such variable.
    var variable: (String) -> Value?
    var environment: [String: String]
    var host: HostFacts

    /// The result of expanding one string.
    struct Expansion {
        /// The whole value when the string was exactly one `${vars.X}` (so a list variable stays a list).
        var value: Value
        var outputs: [(address: String, key: String)]
    }

    /// Expands `text`; throws the first problem with its offset in characters from the start of `text`.
    func expand(_ text: String) throws(Problem) -> Expansion {
        // Bytes, not Foundation's substring search: this runs for every string in the config.
        guard text.utf8.contains(UInt8(ascii: "$")) else { return Expansion(value: .string(text), outputs: []) }
        var result = ""
        var outputs: [(String, String)] = []
        let chars = Array(text)
        var index = 0
        var wholeValue: Value?
        var produced = 0
        while index < chars.count {
            let char = chars[index]
            if char == "$", index + 2 < chars.count || index + 1 < chars.count {
                if index + 2 < chars.count, chars[index + 1] == "$", chars[index + 2] == "{" {
                    result += "${"
                    index += 3
                    continue
                }
                if index + 1 < chars.count, chars[index + 1] == "{" {
                    guard let close = chars[(index + 2)...].firstIndex(of: "}") else {
                        throw .unterminated(offset: index)
                    }
                    let expression = String(chars[(index + 2)..<close])
                    let start = index
                    let isWhole = start == 0 && close == chars.count - 1
                    let replacement = try resolve(expression, offset: start, outputs: &outputs)
                    if isWhole, case .string = replacement {} else if isWhole {
                        wholeValue = replacement
                    }
                    switch replacement {
                    case .string(let s):
                        produced += s.utf8.count
                        if produced > Self.maximumOutput { throw .tooLong(limit: Self.maximumOutput, offset: start) }
                        result += s
                    case .int, .bool: result += replacement.text
                    case .null: break
                    case .list, .map:
                        if !isWhole { throw .notText(expression, offset: start) }
                    }
                    index = close + 1
                    continue
                }
            }
            result.append(char)
            index += 1
        }
        return Expansion(value: wholeValue ?? .string(result), outputs: outputs)
    }

    private func resolve(_ expression: String, offset: Int, outputs: inout [(String, String)]) throws(Problem) -> Value {
        guard let dot = expression.firstIndex(of: ".") else { throw .unknownNamespace(expression, offset: offset) }
        let namespace = String(expression[..<dot])
        let name = String(expression[expression.index(after: dot)...])
        switch namespace {
        case "vars":
            guard let value = variable(name) else { throw .unknownVariable(name, offset: offset) }
            return value
        case "env":
            var variableName = name
            var fallback: String?
            if let separator = name.range(of: ":-") {
                variableName = String(name[..<separator.lowerBound])
                fallback = String(name[separator.upperBound...])
            }
            if let value = environment[variableName], !(fallback != nil && value.isEmpty) { return .string(value) }
            if let fallback { return .string(fallback) }
            throw .unsetEnvironment(variableName, offset: offset)
        case "host":
            guard let value = host.value(of: name) else { throw .unknownHostFact(name, offset: offset) }
            return .string(value)
        case "outputs":
            guard let lastDot = name.lastIndex(of: "."), name[..<lastDot].contains(":") else {
                throw .badOutputReference(expression, offset: offset)
            }
            let address = String(name[..<lastDot])
            let key = String(name[name.index(after: lastDot)...])
            guard !key.isEmpty else { throw .badOutputReference(expression, offset: offset) }
            outputs.append((address, key))
            return .string("${\(expression)}")
        default:
            throw .unknownNamespace(namespace, offset: offset)
        }
    }
}
