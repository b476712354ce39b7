/// One type a plugin serves, as its SPEC describes it, turned into the schema tend checks configs with.
public struct PluginTypeSpec: Sendable {
    public var schema: TypeSchema

    /// Type names as tend's own: lowercase words joined by hyphens.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Reads a SPEC answer: `protocolVersion` 1 and a list of types, each with a name, a JSON Schema of its
    /// parameters and a key parameter. Any problem is a protocol violation naming the plugin and the type.
    static func parse(_ message: JSON, plugin: String) throws(PluginError) -> [PluginTypeSpec] {
        func fail(_ text: String) -> PluginError { .protocolViolation(plugin: plugin, message: "sent a SPEC " + text) }
        guard message["protocolVersion"] == .int(1) else {
            throw fail("for protocol version \(PluginText.quote(message["protocolVersion"]?.compact ?? "missing")); "
                       + "this tend speaks version 1")
        }
        guard let types = message["types"]?.arrayValue, !types.isEmpty else {
            throw fail("without a non-empty 'types' list")
        }
        var result: [PluginTypeSpec] = []
        for entry in types {
            guard let name = entry["name"]?.stringValue, isValidName(name) else {
                throw fail("with a type name \(PluginText.quote(entry["name"]?.compact ?? "missing")) that is not "
                           + "lowercase letters, digits and hyphens")
            }
            let parameters: [ParameterSchema]
            do {
                parameters = try PluginParameters.parse(entry["parameters"] ?? .null, key: entry["key"]?.stringValue)
            } catch {
                throw fail("whose type \(name) \(error.reason)")
            }
            let summary = entry["summary"]?.stringValue ?? entry["description"]?.stringValue
                ?? "a type served by the plugin \(plugin)"
            let example = entry["example"]?.stringValue ?? Self.example(name: name, parameters: parameters)
            let schema = TypeSchema(name: name, summary: TerminalText.escape(PluginText.cut(summary, to: 200))
                                        + " (plugin \(plugin))",
                                    parameters: parameters, example: example)
            result.append(PluginTypeSpec(schema: schema))
        }
        return result
    }

    /// A resource with the key and every required parameter, for `tend types NAME` when the plugin gives none.
    static func example(name: String, parameters: [ParameterSchema]) -> String {
        var lines = ["- type: \(name)"]
        for parameter in parameters where parameter.required {
            let value = parameter.example ?? parameter.allowedValues?.first.map { "\($0)" } ?? {
                switch parameter.kind {
                case .int: return "1"
                case .bool: return "true"
                case .list: return "[]"
                case .map: return "{}"
                default: return parameter.name
                }
            }()
            lines.append("  \(parameter.name): \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
