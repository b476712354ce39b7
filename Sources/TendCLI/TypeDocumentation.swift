import TendCore

/// The text of `tend types`.
enum TypeDocumentation {
    static func list(_ schemas: [TypeSchema]) -> String {
        let width = schemas.map(\.name.count).max() ?? 0
        var out = "Resource types:\n"
        for schema in schemas {
            out += "  " + schema.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + schema.summary + "\n"
        }
        out += "\nRun 'tend types TYPE' for a type's parameters.\n"
        return out
    }

    static func describe(_ schema: TypeSchema) -> String {
        var out = "\(schema.name): \(schema.summary)\n\nAddress: \(schema.name):<\(schema.keyParameter.name)>\n\nParameters:\n"
        let width = schema.parameters.map(\.name.count).max() ?? 0
        for parameter in schema.parameters {
            var facts = [parameter.allowedValues.map { $0.joined(separator: "|") } ?? parameter.kind.description]
            if parameter.isKey { facts.append("key") }
            facts.append(schema.requirement(of: parameter))
            if let value = parameter.defaultValue { facts.append("default \(value)") }
            if !parameter.isKey { facts.append(parameter.modifiable ? "modifiable" : "replaces the resource") }
            if parameter.sensitive { facts.append("sensitive") }
            out += "  " + parameter.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + parameter.summary + "\n"
            out += "  " + String(repeating: " ", count: width + 2) + "(" + facts.joined(separator: ", ") + ")\n"
        }
        if schema.acceptsPackageList {
            out += "  " + "packages".padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + "a list: one resource per item, each with \(schema.keyParameter.name) set\n"
        }
        out += "\nEvery resource also takes: " + MetaParameters.names.filter { $0 != "type" }.joined(separator: ", ") + "\n"
        if schema.keptByDefault {
            out += "Kept by default: when it leaves the config tend stops managing it and leaves it in place;\n"
                + "'keep: false' lets tend remove it then (into backups first).\n"
        }
        out += "\nExample:\n" + schema.example.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n") + "\n"
        return out
    }
}
