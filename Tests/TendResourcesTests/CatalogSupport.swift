import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// Helpers for the catalog's tests: the shipped definitions read from `resources/types/`, their recorded list
/// output from `Fixtures/recorded/`, and a host whose PATH holds a stand-in for every program a definition needs,
/// so that a scripted runner answers in place of tools this machine does not have.
enum Catalog {
    /// Every type the catalog ships, by the file names in `resources/types/`.
    static let names: [String] = {
        let folder = packageRoot.appendingPathComponent("resources/types").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    /// The YAML text of `resources/types/NAME.yaml`.
    static func definitionText(_ name: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("resources/types/\(name).yaml"), encoding: .utf8)
    }

    /// The library holding exactly the checked-in definitions (not the generated table, which a sync test checks).
    static let library: DefinitionLibrary = {
        var shipped: [String: String] = [:]
        for name in names { shipped[name] = try? definitionText(name) }
        return DefinitionLibrary(shipped: shipped, userDirectory: nil, builtinNames: DeclarativeTypes.builtinNames)
    }()

    /// The loaded type; fails the test with the definition's problems when it does not load.
    static func type(_ name: String) throws -> any ApplyingResourceType {
        let problems = library.problems(named: name).map { "\($0)" }
        #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "\n"))")
        let loaded = try #require(library.type(named: name), "definition \(name) does not load")
        return try #require(loaded as? any ApplyingResourceType, "\(name) cannot apply")
    }

    /// The recorded output of `name`'s list command: the fixture's text after its `--- output ---` line.
    static func recordedOutput(_ name: String) throws -> String {
        let url = packageRoot.appendingPathComponent("Tests/TendResourcesTests/Fixtures/recorded/\(name).txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let marker = "--- output ---\n"
        let range = try #require(text.range(of: marker), "\(name).txt has no '--- output ---' line")
        #expect(text[..<range.lowerBound].contains("source:"), "\(name).txt must say where its output came from")
        return String(text[range.upperBound...])
    }

    /// Every program the shipped definitions run, as empty executable files in one folder for the stand-in PATH.
    static let programs = ["apk", "asdf", "brew", "cargo", "code", "conda", "cursor", "dnf", "flatpak", "gem", "gh",
                           "go", "helm", "kubectl", "kubectl-krew", "mas", "mise", "npm", "pacman", "pnpm", "pyenv",
                           "rpm", "rustup", "snap", "uv", "yarn", "zypper"]

    static let standInBin: TemporaryHome = {
        let home = try! TemporaryHome(prefix: "tend-catalog-bin")
        for program in programs {
            // Never run: the scripted runner answers every command. They only satisfy `requires:`.
            try! home.write("bin/\(program)", "", mode: 0o755)
        }
        return home
    }()

    /// `fixedHost` on `os`, with the stand-in programs on PATH.
    static func host(os: String = "linux") -> HostFacts {
        var facts = fixedHost
        facts.os = os
        facts.environment["PATH"] = standInBin.path + "/bin"
        return facts
    }

    /// The config for `entries` (YAML list items under `resources:`), loaded against the built-ins plus `type`.
    static func load(_ entries: String, type: any ResourceType, host: HostFacts, checked: Bool = true)
        throws -> ConfigLoadResult {
        var schema = type.schema
        if !checked { schema.valueCheck = nil }
        let catalog = SchemaCatalog(BuiltinSchemas.all + [schema])
        return ConfigLoader(catalog: catalog, host: host, workingDirectory: "/work")
            .load(text: "tend: 1\nresources:\n" + entries, path: "tend.yaml")
    }

    static func config(_ entries: String, type: any ResourceType, host: HostFacts, checked: Bool = true) throws -> Config {
        let result = try load(entries, type: type, host: host, checked: checked)
        #expect(!result.hasErrors, "\(rendered(result))")
        return try #require(result.config)
    }

    /// One resource as a YAML list item; values are double-quoted so that any text stays one scalar.
    static func entry(_ type: String, _ parameters: [(String, String)], extra: String = "") -> String {
        var lines = ["  - type: \(type)"]
        for (name, value) in parameters {
            if value == "true" || value == "false" {
                lines.append("    \(name): \(value)")
            } else {
                lines.append("    \(name): \(quoted(value))")
            }
        }
        if !extra.isEmpty { lines.append("    " + extra) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out + "\""
    }

    /// The change requests the planner makes for `config`, each resource observed as `observations` says
    /// (by address key), absent otherwise.
    static func requests(_ config: Config, type: any ResourceType, present: [String: Observation] = [:])
        -> [ChangeRequest] {
        var observed: [Address: Observation] = [:]
        for resource in config.resources {
            observed[resource.address] = present[resource.address.key] ?? .absent("not installed")
        }
        let plan = Planner(registry: TypeRegistry([type]), home: fixedHost.home)
            .plan(config: config, resources: config.resources, observations: observed)
        let specs = Dictionary(config.resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        return plan.changes.map {
            ChangeRequest(change: $0, resource: specs[$0.address]!, observation: observed[$0.address]!)
        }
    }

    /// A runner that answers the list command with the recorded output and every other command with success.
    static func runner(listArgv: [String], output: String) -> ScriptedProcessRunner {
        ScriptedProcessRunner([
            .init(matching: { $0 == listArgv }, stdout: output),
            .init(matching: { _ in true }),
        ])
    }
}
