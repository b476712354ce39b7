import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendResources

/// The registry knows every declarative type by name and parses a definition only when a config uses it.
@Suite struct DeclarativeRegistryTests {
    /// A small valid definition named `name` over `ls`/`touch`.
    static func definition(_ name: String, summary: String = "a test type") -> String {
        """
        name: \(name)
        summary: \(summary)
        example: |
          - type: \(name)
            name: x
        parameters:
          name: {kind: string, key: true, summary: the name}
        list:
          argv: [ls, -1, "{{host.home}}/\(name)"]
          lines: {pattern: '^(?<name>.+)$'}
        create: {argv: [touch, --, "{{host.home}}/\(name)/{{name}}"]}

        """
    }

    static let shipped = Dictionary(uniqueKeysWithValues: (1...8).map { ("kind\($0)", definition("kind\($0)")) })

    func library(_ home: TemporaryHome, shipped: [String: String] = shipped) -> DefinitionLibrary {
        DefinitionLibrary(shipped: shipped, userDirectory: home.path + "/.config/tend/types",
                          builtinNames: DeclarativeTypes.builtinNames)
    }

    func load(_ config: String, home: TemporaryHome, library: DefinitionLibrary) throws -> ConfigLoadResult {
        let path = try home.write("tend.yaml", config)
        let engine = Engine(registry: TypeRegistry(BuiltinTypes.all, library: library), host: home.host())
        return engine.loadConfig(path: path)
    }

    @Test func aConfigUsingThreeTypesParsesThreeDefinitions() throws {
        let home = try TemporaryHome()
        try home.write(".config/tend/types/mine.yaml", Self.definition("mine"))
        let library = library(home)
        #expect(library.typeNames.count == 9)
        #expect(library.parseCount == 0)
        let result = try load("""
            tend: 1
            resources:
              - {type: kind1, name: a}
              - {type: kind2, name: b}
              - {type: kind2, name: c}
              - {type: mine, name: d}
              - {type: file, path: ~/x, content: y}
            """, home: home, library: library)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.config?.resources.count == 5)
        #expect(library.parseCount == 3)
        // An unknown name still gets its suggestion from names alone.
        let typo = try load("tend: 1\nresources:\n  - {type: kindd1, name: a}\n", home: home, library: library)
        #expect(typo.diagnostics.map(\.message).contains { $0.contains("unknown type 'kindd1'") })
        #expect(library.parseCount == 3)
    }

    @Test func userDefinitionReplacesAShippedOneAndNeverABuiltIn() throws {
        let home = try TemporaryHome()
        try home.write(".config/tend/types/kind1.yaml", Self.definition("kind1", summary: "the user's kind1"))
        try home.write(".config/tend/types/apt.yaml", Self.definition("apt", summary: "not apt"))
        let library = library(home)
        let registry = TypeRegistry(BuiltinTypes.all, library: library)
        #expect(registry["kind1"]?.schema.summary == "the user's kind1")
        #expect(library.origin(of: "kind1") == .user(path: home.path + "/.config/tend/types/kind1.yaml",
                                                     replacesShipped: true))
        #expect(library.origin(of: "kind2") == .shipped)
        #expect(registry["apt"] is AptPackage)
        #expect(!library.typeNames.contains("apt"))
        #expect(library.ignoredFiles.map(\.message) == ["'apt' is a built-in type of tend; the definition is ignored"])
    }

    @Test func brokenUserDefinitionOnlyAffectsConfigsThatUseIt() throws {
        let home = try TemporaryHome()
        try home.write(".config/tend/types/broken.yaml", Self.definition("broken")
            .replacingOccurrences(of: "argv: [touch, --,", with: "argv: [sh, -c,"))
        let library = library(home)
        let fine = try load("tend: 1\nresources:\n  - {type: kind1, name: a}\n  - {type: file, path: ~/x, content: y}\n",
                            home: home, library: library)
        #expect(fine.diagnostics.isEmpty)
        let using = try load("tend: 1\nresources:\n  - {type: broken, name: a}\n  - {type: file, path: ~/x, content: y}\n",
                             home: home, library: library)
        let lines = using.diagnostics.map { "\($0.location.map(\.description) ?? "-"): \($0.message)" }
        let file = home.path + "/.config/tend/types/broken.yaml"
        #expect(lines.contains { $0.hasPrefix("\(file):11:17: 'create' runs sh") }, "\(lines)")
        #expect(lines.contains { $0.contains("tend.yaml:3:12: type 'broken' cannot be used") }, "\(lines)")
        #expect(using.diagnostics.count == 2)
    }

    @Test func definitionsInAFolderOthersCanWriteAreRefused() throws {
        let home = try TemporaryHome()
        let path = try home.write(".config/tend/types/mine.yaml", Self.definition("mine"))
        chmod(home.path + "/.config/tend/types", 0o777)
        let library = library(home)
        #expect(library.typeNames.contains("mine"))
        #expect(library.type(named: "mine") == nil)
        #expect(library.problems(named: "mine").first?.message.contains("is writable by other users") == true)
        chmod(home.path + "/.config/tend/types", 0o755)
        chmod(path, 0o666)
        let again = self.library(home)
        #expect(again.problems(named: "mine").first?.message.contains("writable by other users; it is not read") == true)
    }

    @Test func aLinkedTypesFolderIsJudgedByWhereItLeads() throws {
        let home = try TemporaryHome()
        try home.write("dotfiles/open/types/mine.yaml", Self.definition("mine"))
        chmod(home.path + "/dotfiles/open", 0o777)
        try FileManager.default.createDirectory(atPath: home.path + "/.config/tend", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home.path + "/.config/tend/types",
                                                   withDestinationPath: home.path + "/dotfiles/open/types")
        let refused = library(home)
        #expect(refused.problems(named: "mine").first?.message.contains("dotfiles/open is writable by other users") == true,
                "\(refused.problems(named: "mine"))")
        chmod(home.path + "/dotfiles/open", 0o755)
        #expect(library(home).type(named: "mine") != nil)
    }

    @Test func allAndSchemaReadEveryDefinitionAndLeaveBrokenOnesOut() throws {
        let home = try TemporaryHome()
        try home.write(".config/tend/types/broken.yaml", "name: broken\n")
        let registry = TypeRegistry(BuiltinTypes.all, library: library(home))
        let names = registry.catalog.all.map(\.name)
        #expect(names.contains("kind8") && names.contains("apt") && !names.contains("broken"))
        #expect(registry.all.count == BuiltinTypes.all.count + 8)
        #expect(!registry.catalog.definitionProblems("broken").isEmpty)
    }
}
