import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendResources

/// Refresh and import run the definition's one list command for real (coreutils `ls` and `cat`) and read its
/// output as JSON or lines.
@Suite struct DeclarativeRefreshTests {
    func type(_ text: String, name: String) throws -> DeclarativeType {
        let definition = try DefinitionLoader.load(text, file: "\(name).yaml", expectedName: name,
                                                   reservedNames: DeclarativeTypes.builtinNames).get()
        return DeclarativeType(definition: definition, origin: .shipped)
    }

    func spec(_ type: String, _ key: String, _ parameters: [String: Value] = [:]) -> ResourceSpec {
        var all = parameters
        all["name"] = .string(key)
        return ResourceSpec(address: Address(type: type, key: key), type: type, parameters: all,
                            location: SourceLocation(file: "tend.yaml", mark: .start))
    }

    static let jsonType = """
    name: jsontool
    summary: packages listed by a JSON file
    example: |
      - type: jsontool
        name: a
    parameters:
      name: {kind: string, key: true, summary: the name}
      version: {kind: string, comparison: versionPattern, summary: the version}
    list:
      argv: [cat, --, "{{host.home}}/list.json"]
      json:
        items: .0.dependencies
        fields: {name: $key, version: .version}
    create: {argv: [true]}

    """

    @Test func jsonItemsWithANumericStepAndKeys() async throws {
        let home = try TemporaryHome()
        try home.write("list.json", #"[{"dependencies": {"typescript": {"version": "5.4.2"}, "a b": {"version": 7}}}]"#)
        let type = try type(Self.jsonType, name: "jsontool")
        let observations = try await type.refresh(
            [spec("jsontool", "typescript"), spec("jsontool", "a b"), spec("jsontool", "missing")], host: home.host())
        #expect(observations[Address(type: "jsontool", key: "typescript")]
                == .present(["name": .string("typescript"), "version": .string("5.4.2")]))
        #expect(observations[Address(type: "jsontool", key: "a b")]?.parameters["version"] == .string("7"))
        #expect(observations[Address(type: "jsontool", key: "missing")] == .absent("not installed"))
        let inventory = try await type.inventory(host: home.host())
        #expect(inventory.map { $0.parameters["name"] } == [.string("a b"), .string("typescript")])
    }

    @Test func jsonWithoutTheItemsPathListsNothing() async throws {
        let home = try TemporaryHome()
        try home.write("list.json", "[]")
        let observations = try await type(Self.jsonType, name: "jsontool")
            .refresh([spec("jsontool", "typescript")], host: home.host())
        #expect(observations[Address(type: "jsontool", key: "typescript")]?.exists == false)
    }

    @Test func listFailureNamesTheCommandAndTypeUnlessItsExitCodeIsAllowed() async throws {
        let home = try TemporaryHome()
        await #expect {
            _ = try await type(Self.jsonType, name: "jsontool").refresh([spec("jsontool", "x")], host: home.host())
        } throws: { error in
            "\(error)".contains("the list command of type jsontool failed") && "\(error)".contains("cat")
        }
        let tolerant = Self.jsonType.replacingOccurrences(of: "  json:\n", with: "  exitCodes: [0, 1]\n  json:\n")
        await #expect {
            _ = try await type(tolerant, name: "jsontool").refresh([spec("jsontool", "x")], host: home.host())
        } throws: { error in "\(error)".contains("not JSON") }
    }

    static let linesType = """
    name: marks
    summary: files in ~/marks
    keyMatch: caseInsensitive
    requires: [ls]
    example: |
      - type: marks
        name: a
    parameters:
      name: {kind: string, key: true, summary: the name}
      size: {kind: int, summary: bytes}
    list:
      argv: [ls, -1s, --block-size=1, "{{host.home}}/marks"]
      lines:
        pattern: '^\\s*(?<size>\\d+) (?<name>.+)$'
        skip: 1
    create: {argv: [touch, --, "{{host.home}}/marks/{{name}}"]}

    """

    @Test func linesWithNamedGroupsSkipAndCaseInsensitiveKeys() async throws {
        let home = try TemporaryHome()
        try home.write("marks/Alpha", "")
        try home.write("marks/with space", "x")
        let type = try type(Self.linesType, name: "marks")
        let observations = try await type.refresh([spec("marks", "alpha"), spec("marks", "with space"),
                                                   spec("marks", "gone")], host: home.host())
        #expect(observations[Address(type: "marks", key: "alpha")] == .present(["name": .string("alpha"), "size": .int(0)]))
        #expect(observations[Address(type: "marks", key: "with space")]?.exists == true)
        #expect(observations[Address(type: "marks", key: "gone")]?.exists == false)
    }

    @Test func missingRequiredProgramIsAbsentWithANoteAndApplyNamesIt() async throws {
        let home = try TemporaryHome()
        let text = Self.linesType.replacingOccurrences(of: "requires: [ls]", with: "requires: [tend-no-such-program]")
        let type = try type(text, name: "marks")
        let observations = try await type.refresh([spec("marks", "a")], host: home.host())
        #expect(observations[Address(type: "marks", key: "a")] == .absent("tend-no-such-program is not installed"))
        #expect(type.missingMessage("tend-no-such-program")
                == "tend-no-such-program is not installed; add it first (e.g. type: apt, name: tend-no-such-program)")
    }
}
