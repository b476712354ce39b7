import TendYAML

/// Writes what `Importer` found as config YAML: one list item per resource, or, for types that take
/// `packages: [...]`, one item per group of resources that differ only in their key.
public enum ImportWriter {
    /// The list items for `types`, every line prefixed with `indent` (the column of the config's other items).
    public static func items(_ types: [ImportedType], indent: String) throws -> String {
        var text = ""
        for type in types where !type.resources.isEmpty {
            guard let schema = type.schema else { continue }
            for entry in entries(of: type, schema: schema) {
                let emitted = try Emitter().emit(.sequence([entry]))
                for line in emitted.split(separator: "\n", omittingEmptySubsequences: true) where line != "---" {
                    text += indent + line + "\n"
                }
            }
        }
        return text
    }

    /// A whole config: the `header` lines as comments, `tend: 1`, and the resources.
    public static func config(_ types: [ImportedType], header: [String]) throws -> String {
        var text = header.map { "# " + $0 + "\n" }.joined()
        text += "tend: \(ConfigLoader.formatVersion)\n"
        let items = try items(types, indent: "  ")
        text += items.isEmpty ? "resources: []\n" : "resources:\n" + items
        return text
    }

    /// The mapping nodes for one type's resources, in the order found.
    static func entries(of type: ImportedType, schema: TypeSchema) -> [Node] {
        let key = schema.keyParameter.name
        guard schema.acceptsPackageList else {
            return type.resources.map { mapping(type: type.name, parameters: $0.parameters, schema: schema) }
        }
        // Resources whose other parameters are equal share one `packages:` list.
        var groups: [[String: Value]: [Value]] = [:]
        var order: [[String: Value]] = []
        for resource in type.resources {
            var rest = resource.parameters
            guard let name = rest.removeValue(forKey: key) else { continue }
            if groups[rest] == nil { order.append(rest) }
            groups[rest, default: []].append(name)
        }
        return order.map { rest in
            let names = groups[rest]!
            if names.count == 1 {
                var parameters = rest
                parameters[key] = names[0]
                return mapping(type: type.name, parameters: parameters, schema: schema)
            }
            var pairs = [Pair(.string("type"), .string(type.name)), Pair(.string("packages"), node(.list(names)))]
            pairs += ordered(rest, schema: schema).map { Pair(.string($0.0), node($0.1)) }
            return .mapping(pairs)
        }
    }

    private static func mapping(type: String, parameters: [String: Value], schema: TypeSchema) -> Node {
        var pairs = [Pair(.string("type"), .string(type))]
        pairs += ordered(parameters, schema: schema).map { Pair(.string($0.0), node($0.1)) }
        return .mapping(pairs)
    }

    /// Parameters in the schema's order (the key first), then any the schema does not name, by name.
    private static func ordered(_ parameters: [String: Value], schema: TypeSchema) -> [(String, Value)] {
        let names = [schema.keyParameter.name] + schema.parameters.map(\.name).filter { $0 != schema.keyParameter.name }
        var seen: Set<String> = []
        var result: [(String, Value)] = []
        for name in names + parameters.keys.sorted() where seen.insert(name).inserted {
            if let value = parameters[name] { result.append((name, value)) }
        }
        return result
    }

    /// A value as YAML that reads back as the same value (strings that look like numbers or bools are quoted).
    static func node(_ value: Value) -> Node {
        switch value {
        case .null: return .scalar("null")
        case .string(let text): return text.contains("\n") ? .scalar(text, style: .literal) : .string(text)
        case .int(let number): return .scalar(String(number))
        case .bool(let flag): return .scalar(flag ? "true" : "false")
        case .list(let items): return .sequence(items.map(node))
        case .map(let map): return .mapping(map.keys.sorted().map { Pair(.string($0), node(map[$0]!)) })
        }
    }
}
