import TendCore

/// The text of `tend types`.
enum TypeDocumentation {
    static func list(_ schemas: [TypeSchema]) -> String {
        let width = schemas.map(\.name.count).max() ?? 0
        var out = "Resource types:\n"
        for schema in schemas {
            out += "  " + schema.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + schema.summary + "\n"
        }
        out += "\nEvery resource also takes:\n"
        let metaNames = MetaParameters.names.filter { $0 != "type" }
        let metaWidth = metaNames.map(\.count).max() ?? 0
        for name in metaNames {
            out += "  " + name.padding(toLength: metaWidth + 2, withPad: " ", startingAt: 0)
                + (MetaParameters.summaries[name] ?? "") + "\n"
        }
        out += "\nThe config file's top-level keys:\n" + table(topLevelKeys)
        out += "\nIn any value:\n" + table(interpolations)
        out += "\nRun 'tend types TYPE' for a type's parameters and an example.\n"
        return out
    }

    /// The config file's own keys, as the loader reads them.
    static let topLevelKeys: [(String, String)] = [
        ("tend: 1", "the format version; required"),
        ("include: [FILE, ...]", "other config files, relative to this one; their vars and resources join in"),
        ("vars: {NAME: VALUE}", "values to use as ${vars.NAME}; a list variable can stand for a list"),
        ("resources: [...]", "the resources, each a 'type' with that type's parameters"),
    ]

    /// The interpolations the loader expands in strings.
    static let interpolations: [(String, String)] = [
        ("${vars.NAME}", "a value from vars"),
        ("${env.NAME}", "an environment variable of tend's own environment; unset is an error"),
        ("${env.NAME:-default}", "the same, or 'default' when it is unset or empty"),
        ("${host.FACT}", "os, distro, version, arch, hostname, user or home of this machine"),
        ("${outputs.ADDRESS.KEY}", "a value another resource produces when applied; known after apply, and "
            + "makes this resource depend on it"),
        ("~/...", "the home directory, in paths and env values"),
    ]

    private static func table(_ rows: [(String, String)]) -> String {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { "  " + $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 + "\n" }.joined()
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
        out += "\nEvery resource also takes: " + MetaParameters.names.filter { $0 != "type" }.joined(separator: ", ")
            + " ('tend types' says what each means)\n"
        if schema.keptByDefault {
            out += "Kept by default: when it leaves the config tend stops managing it and leaves it in place;\n"
                + "'keep: false' lets tend remove it then (into backups first).\n"
        }
        out += "\nExample:\n" + schema.example.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n") + "\n"
        return out
    }
}
