import TendCore
import TendResources

/// The text of `tend types`.
enum TypeDocumentation {
    /// Every type of `registry`: the built-in ones, then the declarative ones with where each comes from; a
    /// broken definition is listed with its first error. Reads every definition.
    static func list(_ registry: TypeRegistry) -> String {
        let builtins = registry.builtins.filter { !($0 is any ImpliedResourceType) }.map(\.schema)
        let library = registry.library as? DefinitionLibrary
        let names = registry.libraryNames
        let width = (builtins.map(\.name) + names).map(\.count).max() ?? 0
        func row(_ name: String, _ text: String) -> String {
            "  " + name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + text + "\n"
        }
        var out = "Resource types:\n"
        for schema in builtins { out += row(schema.name, schema.summary) }
        if !names.isEmpty {
            out += "\nDeclarative types (definitions):\n"
            for name in names {
                let origin = library?.origin(of: name)?.label ?? "definition"
                if let schema = registry[name]?.schema {
                    out += row(name, schema.summary + " [\(origin)]")
                } else {
                    let first = registry.catalog.definitionProblems(name).first.map(line) ?? "cannot be read"
                    out += row(name, "BROKEN [\(origin)]: \(first)")
                }
            }
        }
        for ignored in library?.ignoredFiles ?? [] { out += "  ignored: " + line(ignored) + "\n" }
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

    /// A diagnostic on one line: `FILE:LINE:COL: message (hint)`.
    static func line(_ diagnostic: Diagnostic) -> String {
        TerminalText.escape((diagnostic.location.map { "\($0): " } ?? "") + diagnostic.message
                            + (diagnostic.hint.map { " (\($0))" } ?? ""))
    }

    /// The part of `tend types NAME` only a declarative type has: where it comes from, what it needs and runs.
    static func describe(_ type: DeclarativeType, origin: DefinitionOrigin?) -> String {
        var out = "\nOrigin: " + (origin?.label ?? "definition") + " (\(type.definitionFile))\n"
        if let text = type.typeDescription {
            out += "\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
                .joined(separator: "\n").trimmingTrailingSpace() + "\n"
        }
        out += "\nOS: " + (type.operatingSystems.isEmpty ? "any" : type.operatingSystems.joined(separator: ", ")) + "\n"
        out += "Needs: " + (type.requiredPrograms.isEmpty ? "nothing" : type.requiredPrograms.joined(separator: ", "))
            + (type.runsAsRoot ? "; runs as root (sudo -n when tend is not root)" : "") + "\n"
        if let group = type.typeLockGroup { out += "Lock group: \(group)\n" }
        out += "\nCommands (each item one argument; no shell):\n"
        let width = type.commandTemplates.map(\.role.count).max() ?? 0
        for (role, text) in type.commandTemplates {
            out += "  " + role.padding(toLength: width + 2, withPad: " ", startingAt: 0) + text + "\n"
        }
        return out
    }

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
            out += "  " + "packages".padding(toLength: max(width, 8) + 2, withPad: " ", startingAt: 0)
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

extension String {
    fileprivate func trimmingTrailingSpace() -> String {
        var text = self
        while text.last == " " || text.last == "\n" { text.removeLast() }
        return text
    }
}
