/// The subset of JSON Schema a plugin's SPEC may use for its parameters, mapped to tend's parameter kinds:
/// an object whose `properties` are string, integer, boolean, array (of one of those) or object (a mapping of
/// names to strings), with `enum` (strings), `required`, `default`, `description`, and `writeOnly` for a
/// sensitive value. Anything else is refused, so that `validate` checks exactly what the plugin declared.
enum PluginParameters {
    struct Problem: Error {
        var reason: String
    }

    static func parse(_ schema: JSON, key: String?) throws(Problem) -> [ParameterSchema] {
        guard case .object = schema else { throw Problem(reason: "has no 'parameters' object (a JSON Schema)") }
        if let type = schema["type"], type != .string("object") {
            throw Problem(reason: "has parameters whose JSON Schema type is \(type.compact), not \"object\"")
        }
        guard let properties = schema["properties"]?.objectValue, !properties.isEmpty else {
            throw Problem(reason: "has parameters without 'properties'")
        }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        guard let key, properties.contains(where: { $0.0 == key }) else {
            throw Problem(reason: "names a key \(PluginText.quote(key ?? "missing")) that is not one of its properties")
        }
        let reserved = Set(MetaParameters.names)
        var result: [ParameterSchema] = []
        for (name, property) in properties {
            guard !reserved.contains(name) else {
                throw Problem(reason: "has a parameter '\(name)', which every resource already has")
            }
            var parameter = ParameterSchema(name, try kind(of: property, name: name), required: required.contains(name),
                                            key: name == key, sensitive: property["writeOnly"] == .bool(true),
                                            summary: TerminalText.escape(PluginText.cut(
                                                property["description"]?.stringValue ?? name, to: 200)))
            if parameter.isKey, parameter.kind != .string {
                throw Problem(reason: "has a key '\(name)' that is not a string")
            }
            if let values = property["enum"]?.arrayValue {
                let strings = values.compactMap(\.stringValue)
                guard strings.count == values.count, parameter.kind == .string, !strings.isEmpty else {
                    throw Problem(reason: "has an enum for '\(name)' that is not a list of strings")
                }
                parameter.allowedValues = strings
            }
            if let value = property["default"] {
                parameter.defaultValue = Value(json: value)
            }
            result.append(parameter)
        }
        return result
    }

    private static func kind(of property: JSON, name: String) throws(Problem) -> ParameterKind {
        switch property["type"]?.stringValue {
        case "string": return .string
        case "integer": return .int
        case "boolean": return .bool
        case "object": return .map
        case "array":
            let item = try kind(of: property["items"] ?? .object([("type", .string("string"))]), name: name)
            switch item {
            case .string, .int, .bool: return .list(item)
            default: throw Problem(reason: "has a list '\(name)' whose items are not strings, integers or booleans")
            }
        default:
            throw Problem(reason: "has a parameter '\(name)' of JSON Schema type "
                          + "\(property["type"]?.compact ?? "(none)"); tend reads string, integer, boolean, array and object")
        }
    }
}
