import Foundation
import Testing
import TendCore
import TendTestSupport

/// A user's own declarative type in ~/.config/tend/types/, run by the built binary over real coreutils.
@Suite struct DeclarativeEndToEndTests {
    static let markType = """
    name: mark
    summary: an empty marker file in ~/marks
    description: |
      Made with touch, listed with ls, removed with rm.
    packageList: true
    requires: [ls, touch, rm]
    example: |
      - type: mark
        packages: [one, two]
    parameters:
      name:
        kind: string
        key: true
        summary: the marker's file name
        pattern: '^[^/]+$'
    list:
      argv: [ls, -1, "{{host.home}}/marks"]
      lines:
        pattern: '^(?<name>.+)$'
    create:
      argv: [touch, --, "{{host.home}}/marks/{{name}}"]
      batch: [touch, --, {each: ["{{host.home}}/marks/{{name}}"]}]
    destroy:
      argv: [rm, --, "{{host.home}}/marks/{{name}}"]

    """

    func marks(_ home: TemporaryHome) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home.path + "/marks").sorted()
    }

    @Test func userTypePlansAppliesConvergesAndRemoves() async throws {
        let home = try TemporaryHome()
        try home.write(".config/tend/types/mark.yaml", Self.markType)
        try FileManager.default.createDirectory(atPath: home.path + "/marks", withIntermediateDirectories: true)
        let tend = TendBinary(home: home)
        let config = try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: mark
                packages: [alpha, "two words; $(touch pwned)"]
            """)

        // The definition's pattern is checked where the value is written.
        let slash = try home.write("slash.yaml", "tend: 1\nresources:\n  - type: mark\n    name: a/b\n")
        let refused = try await tend.run(["validate", "-c", slash])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("slash.yaml:4:11: error: name \"a/b\" is not a valid value for type mark"),
                "\(refused.stderr)")

        let plan = try await tend.run(["plan", "-c", config, "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("+ mark:alpha"))

        let apply = try await tend.run(["apply", "-c", config, "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try marks(home) == ["alpha", "two words; $(touch pwned)"])
        #expect(!FileManager.default.fileExists(atPath: home.path + "/pwned"))

        let again = try await tend.run(["plan", "-c", config, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources:\n  - type: mark\n    name: alpha\n")
        let removal = try await tend.run(["apply", "-c", config, "--yes"])
        #expect(removal.status == 0, "\(removal.stdout)\(removal.stderr)")
        #expect(try marks(home) == ["alpha"])
        #expect(try await tend.run(["plan", "-c", config, "--detailed-exitcode"]).status == 0)

        let types = try await tend.run(["types"])
        #expect(types.stdout.contains("mark") && types.stdout.contains("[user definition]"), "\(types.stdout)")
        let described = try await tend.run(["types", "mark"])
        #expect(described.status == 0)
        for expected in ["Origin: user definition", "Made with touch", "Needs: ls, touch, rm",
                         "create (batch)  touch -- {each: ['{{host.home}}/marks/{{name}}']}"] {
            #expect(described.stdout.contains(expected), "\(expected) in \(described.stdout)")
        }
        let schema = try await tend.run(["schema"])
        #expect(schema.stdout.contains("\"mark\""))
    }

    @Test func brokenUserDefinitionIsADiagnosticAndBuiltInsStillWork() async throws {
        let home = try TemporaryHome()
        let definition = try home.write(".config/tend/types/shout.yaml", """
            name: shout
            summary: runs a shell
            example: "- {type: shout, name: x}"
            parameters:
              name: {kind: string, key: true, summary: the text}
            list:
              argv: [ls]
              lines: {pattern: '^(?<name>.+)$'}
            create:
              argv: [sh, -c, "echo {{name}}"]

            """)
        let tend = TendBinary(home: home)
        let builtin = try home.write("builtin.yaml", "tend: 1\nresources:\n  - type: file\n    path: ~/hello\n    content: hi\n")
        let ok = try await tend.run(["apply", "-c", builtin, "--yes"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(FileManager.default.contents(atPath: home.path + "/hello") == Data("hi".utf8))

        let using = try home.write("uses.yaml", "tend: 1\nresources:\n  - type: shout\n    name: x\n")
        let validate = try await tend.run(["validate", "-c", using])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("\(definition):10:10: error: 'create' runs sh, which would read its arguments as shell text"),
                "\(validate.stderr)")
        #expect(validate.stderr.contains("uses.yaml:3:11: error: type 'shout' cannot be used"), "\(validate.stderr)")

        let types = try await tend.run(["types"])
        #expect(types.status == 0)
        #expect(types.stdout.contains("shout") && types.stdout.contains("BROKEN") && types.stdout.contains(":10:10:"),
                "\(types.stdout)")
        #expect(types.stdout.contains("apt") && types.stdout.contains("file"))
    }
}
