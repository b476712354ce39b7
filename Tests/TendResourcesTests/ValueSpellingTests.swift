import Foundation
import Testing
import TendCore
import TendResources

/// A value passed through `vars:` reads as it would written in place: its spelling is kept, and a typed
/// parameter reads the text as YAML would.
@Suite struct ValueSpellingTests {
    func load(_ text: String) throws -> Config {
        let result = fixedLoader().load(text: text, path: "tend.yaml")
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        return try #require(result.config, "no config:\n\(rendered(result))")
    }

    @Test(arguments: ["010", "0755", "0x1F", "True", "+1", "1.50", "1e3", "FALSE"])
    func aVariableKeepsItsSpellingInAString(spelling: String) throws {
        let config = try load("""
            tend: 1
            vars:
              v: \(spelling)
            resources:
              - type: env
                name: A
                value: ${vars.v}
              - type: env
                name: B
                value: "[${vars.v}]"
            """)
        let a = try #require(config.allResources.first { $0.address.key == "A" })
        let b = try #require(config.allResources.first { $0.address.key == "B" })
        #expect(a.parameters["value"] == .string(spelling))
        #expect(b.parameters["value"] == .string("[\(spelling)]"))
    }

    @Test func typedParametersReadAVariableAsYAMLWouldInPlace() throws {
        let config = try load("""
            tend: 1
            vars:
              depth: 0x1F
              cask: True
              mode: 0755
            resources:
              - type: git-clone
                repository: https://example.com/me/dotfiles.git
                directory: ~/src/dotfiles
                depth: ${vars.depth}
              - type: brew
                name: firefox
                cask: ${vars.cask}
              - type: file
                path: ~/x
                content: x
                mode: ${vars.mode}
            """)
        let byType = Dictionary(config.allResources.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byType["git-clone"]?.parameters["depth"] == .int(31))
        #expect(byType["brew"]?.parameters["cask"] == .bool(true))
        #expect(byType["file"]?.parameters["mode"] == .string("0755"))
    }

    @Test func aMappingParameterKeepsItsValuesSpelling() throws {
        let config = try load("""
            tend: 1
            vars:
              code: 007
            resources:
              - type: script
                id: agent
                check: "true"
                create: "true"
                environment:
                  CODE: ${vars.code}
                  LEVEL: 0x10
                  ON: True
            """)
        #expect(config.allResources.first?.parameters["environment"]
                == .map(["CODE": .string("007"), "LEVEL": .string("0x10"), "ON": .string("True")]))
    }

    @Test func aTabThatIndentsGetsAHintSayingWhatToDo() throws {
        let result = fixedLoader().load(text: "tend: 1\nresources:\n\t- type: apt\n\t  name: git\n", path: "tend.yaml")
        let diagnostic = try #require(result.diagnostics.first, "a tab indent was accepted")
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.location?.description == "tend.yaml:3:1")
        #expect(diagnostic.message.contains("tabs cannot indent YAML"))
        #expect(diagnostic.hint == "replace the tab with spaces (most editors can convert a file's tabs to spaces)")
    }

    @Test(arguments: ["\"1\"", "'1'"])
    func aQuotedVersionIsNamedAsQuoted(version: String) throws {
        let result = fixedLoader().load(text: "tend: \(version)\nresources: []\n", path: "tend.yaml")
        #expect(result.diagnostics.map(\.message) == ["the format version is a number, found the quoted string '1'"])
        #expect(result.diagnostics.first?.hint == "remove the quotes: 'tend: 1'")
    }

    @Test func anotherVersionStillSaysWhichOneThisTendReads() throws {
        let result = fixedLoader().load(text: "tend: 2\nresources: []\n", path: "tend.yaml")
        #expect(result.diagnostics.map(\.message) == ["unsupported format version '2'; this tend reads version 1"])
    }
}
